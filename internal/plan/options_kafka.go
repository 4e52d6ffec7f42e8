package plan

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/kq-sql/kq/lang"
)

// kafkaPrefix starts the options passed through to the Kafka client.
const kafkaPrefix = "kafka."

// PasswordEnv is the environment variable the SASL password of a source
// with kafka.security.protocol SASL_PLAINTEXT or SASL_SSL comes from: a
// password is never written in a query.
const PasswordEnv = "KQ_SASL_PASSWORD"

// Values of kafka.security.protocol (the Java client's).
const (
	SecurityPlaintext     = "PLAINTEXT"
	SecuritySSL           = "SSL"
	SecuritySASLPlaintext = "SASL_PLAINTEXT"
	SecuritySASLSSL       = "SASL_SSL"
)

// Values of kafka.sasl.mechanism.
const (
	SASLPlain       = "PLAIN"
	SASLScramSHA256 = "SCRAM-SHA-256"
	SASLScramSHA512 = "SCRAM-SHA-512"
)

// ClientSettings are the Kafka client settings of one kafka() source: its
// kafka.* options, validated, in the Java client's vocabulary (what Spark
// users write). The zero value is a source without kafka.* options, which
// the engine's clients read. Settings override the engine's client
// configuration for this source's clients only (see internal/kafkaclient).
// Printed with fmt, values that may be secrets show as "***".
//
// The supported settings are the keys of SupportedSettings. Secrets are
// never settings: a source's SASL password comes from the environment
// variable PasswordEnv.
type ClientSettings struct {
	// BootstrapServers (kafka.bootstrap.servers) are the seed brokers,
	// "host:port"; nil: the engine's.
	BootstrapServers []string
	// ClientID (kafka.client.id) is the client id sent with every request;
	// "": the engine's.
	ClientID string
	// FetchMaxBytes (kafka.fetch.max.bytes) and MaxPartitionFetchBytes
	// (kafka.max.partition.fetch.bytes) bound what one fetch asks for; kq
	// fetches one partition at a time, so the smaller one given is the
	// scan's fetch size. 0: not given.
	FetchMaxBytes, MaxPartitionFetchBytes int32
	// RequestTimeout (kafka.request.timeout.ms) bounds how long a request
	// waits for its response (on top of a request's own timeout field);
	// 0: the engine's.
	RequestTimeout time.Duration
	// ConnectTimeout (kafka.socket.connection.setup.timeout.ms) bounds
	// dialing a broker; 0: the engine's.
	ConnectTimeout time.Duration
	// SecurityProtocol (kafka.security.protocol) is one of the Security*
	// constants; "" keeps the engine's TLS and SASL. When given, it alone
	// decides this source's security.
	SecurityProtocol string
	// SASLMechanism (kafka.sasl.mechanism) is one of the SASL*
	// constants and SASLUsername (kafka.sasl.username) the user; both are
	// required with, and only allowed with, a SASL_* protocol.
	SASLMechanism, SASLUsername string
	// SSLCALocation (kafka.ssl.ca.location, or kafka.ssl.truststore.location)
	// is a PEM file of the CAs to trust; "": the system's. Only with the
	// SSL and SASL_SSL protocols.
	SSLCALocation string

	// given holds every setting as written, by canonical key (without
	// the prefix), for printing and for telling settings apart.
	given map[string]string
}

// clientSetting parses the value of one supported setting into s.
type clientSetting func(s *ClientSettings, v *lang.Literal) error

// SupportedSettings returns the supported kafka.* settings (with the
// prefix), sorted.
func SupportedSettings() []string {
	out := make([]string, 0, len(clientSettings))
	for k := range clientSettings {
		out = append(out, kafkaPrefix+k)
	}
	sort.Strings(out)
	return out
}

// clientSettings maps each supported setting (lower case, without the
// prefix) to its parser. It is never changed.
var clientSettings = map[string]clientSetting{
	"bootstrap.servers": func(s *ClientSettings, v *lang.Literal) (err error) {
		s.BootstrapServers, err = serverList(v)
		return err
	},
	"client.id": func(s *ClientSettings, v *lang.Literal) (err error) {
		s.ClientID, err = settingText(v, "a client id")
		return err
	},
	"fetch.max.bytes": func(s *ClientSettings, v *lang.Literal) error {
		n, err := positiveInt(v, 1<<31-1)
		s.FetchMaxBytes = int32(n)
		return err
	},
	"max.partition.fetch.bytes": func(s *ClientSettings, v *lang.Literal) error {
		n, err := positiveInt(v, 1<<31-1)
		s.MaxPartitionFetchBytes = int32(n)
		return err
	},
	"request.timeout.ms": func(s *ClientSettings, v *lang.Literal) error {
		n, err := positiveInt(v, 1<<31-1)
		s.RequestTimeout = time.Duration(n) * time.Millisecond
		return err
	},
	"socket.connection.setup.timeout.ms": func(s *ClientSettings, v *lang.Literal) error {
		n, err := positiveInt(v, 1<<31-1)
		s.ConnectTimeout = time.Duration(n) * time.Millisecond
		return err
	},
	"security.protocol": func(s *ClientSettings, v *lang.Literal) (err error) {
		s.SecurityProtocol, err = oneOf(v, SecurityPlaintext, SecuritySSL, SecuritySASLPlaintext, SecuritySASLSSL)
		return err
	},
	"sasl.mechanism": func(s *ClientSettings, v *lang.Literal) (err error) {
		s.SASLMechanism, err = oneOf(v, SASLPlain, SASLScramSHA256, SASLScramSHA512)
		return err
	},
	"sasl.username": func(s *ClientSettings, v *lang.Literal) (err error) {
		s.SASLUsername, err = settingText(v, "a user name")
		return err
	},
	"ssl.ca.location": func(s *ClientSettings, v *lang.Literal) (err error) {
		s.SSLCALocation, err = settingText(v, "the path of a PEM file")
		return err
	},
	"ssl.truststore.location": func(s *ClientSettings, v *lang.Literal) (err error) {
		s.SSLCALocation, err = settingText(v, "the path of a PEM file")
		return err
	},
}

// forbiddenKafka are client settings kq does not take, with the reason:
// the ones kq controls itself, as Spark forbids them (reference §4), the
// ones that mean nothing to a reader that joins no consumer group, and
// secrets, which are never written in a query.
var forbiddenKafka = map[string]string{
	"auto.offset.reset":       "kq reads explicit offset ranges",
	"key.deserializer":        "kq reads raw bytes; use keyFormat",
	"value.deserializer":      "kq reads raw bytes; use valueFormat",
	"enable.auto.commit":      "kq never commits offsets",
	"interceptor.classes":     "kq runs no interceptors",
	"isolation.level":         "use the isolationLevel option",
	"group.id":                "kq joins no consumer group",
	"session.timeout.ms":      "kq joins no consumer group",
	"heartbeat.interval.ms":   "kq joins no consumer group",
	"sasl.password":           "a password is never written in a query: kq takes a source's SASL password from the environment variable " + PasswordEnv,
	"sasl.jaas.config":        "credentials are never written in a query: give kafka.sasl.mechanism and kafka.sasl.username, and the password in the environment variable " + PasswordEnv,
	"ssl.key.password":        "a password is never written in a query; kq reads PEM files (kafka.ssl.ca.location)",
	"ssl.keystore.password":   "a password is never written in a query; kq reads PEM files (kafka.ssl.ca.location)",
	"ssl.truststore.password": "a password is never written in a query; kq reads PEM files (kafka.ssl.ca.location)",
}

// setKafka records one kafka.* option, validated.
func (o *Options) setKafka(opt *lang.Option) error {
	key := strings.ToLower(opt.Key[len(kafkaPrefix):])
	if key == "" {
		return lang.Errorf(opt.Pos, "option %s: a client setting must follow kafka. (e.g. kafka.bootstrap.servers)", showName(opt.Key))
	}
	name := kafkaPrefix + key
	if why, ok := forbiddenKafka[key]; ok {
		return lang.Errorf(opt.Pos, "option %s is not allowed: %s", name, why)
	}
	set, ok := clientSettings[key]
	if !ok {
		msg := "option " + name + " is not a supported Kafka client setting"
		if s := closestSetting(key); s != "" {
			msg += " (did you mean " + s + "?)"
		}
		return lang.Errorf(opt.Pos, "%s; supported: %s", msg, strings.Join(SupportedSettings(), ", "))
	}
	if _, dup := o.Kafka.given[key]; dup {
		return lang.Errorf(opt.Pos, "option %s is given twice", name)
	}
	if opt.Value.Kind == lang.LitNull {
		return lang.Errorf(opt.Value.Pos, "option %s: %v", name, errNull)
	}
	if err := set(&o.Kafka, opt.Value); err != nil {
		if IsSecretSetting(key) {
			// The value may be a secret: say what is wanted, not what was given.
			return lang.Errorf(opt.Value.Pos, "option %s: not a valid value", name)
		}
		return lang.Errorf(opt.Value.Pos, "option %s: %v", name, err)
	}
	if o.Kafka.given == nil {
		o.Kafka.given = map[string]string{}
	}
	o.Kafka.given[key] = opt.Value.Value
	o.pos[name] = opt.Pos
	return nil
}

// checkKafka checks the kafka.* settings against each other: the SASL
// settings belong with a SASL protocol, which needs both, and a CA file
// with a TLS protocol.
func (o *Options) checkKafka() error {
	s := &o.Kafka
	if err := o.exclusiveKafka("ssl.ca.location", "ssl.truststore.location"); err != nil {
		return err
	}
	sasl := s.SecurityProtocol == SecuritySASLPlaintext || s.SecurityProtocol == SecuritySASLSSL
	tls := s.SecurityProtocol == SecuritySSL || s.SecurityProtocol == SecuritySASLSSL
	for _, c := range []struct {
		key   string
		ok    bool
		needs string
	}{
		{"sasl.mechanism", sasl, "'SASL_PLAINTEXT' or 'SASL_SSL'"},
		{"sasl.username", sasl, "'SASL_PLAINTEXT' or 'SASL_SSL'"},
		{"ssl.ca.location", tls, "'SSL' or 'SASL_SSL'"},
		{"ssl.truststore.location", tls, "'SSL' or 'SASL_SSL'"},
	} {
		if _, given := s.given[c.key]; !given || c.ok {
			continue
		}
		msg := fmt.Sprintf("option kafka.%s needs kafka.security.protocol=%s", c.key, c.needs)
		if s.SecurityProtocol != "" {
			msg += fmt.Sprintf(", got '%s'", s.SecurityProtocol)
		}
		return lang.Errorf(o.pos[kafkaPrefix+c.key], "%s", msg)
	}
	if sasl && (s.SASLMechanism == "" || s.SASLUsername == "") {
		return lang.Errorf(o.pos["kafka.security.protocol"],
			"option kafka.security.protocol='%s' needs kafka.sasl.mechanism and kafka.sasl.username (the password comes from the environment variable %s)",
			s.SecurityProtocol, PasswordEnv)
	}
	return nil
}

// exclusiveKafka fails when both settings a and b are given.
func (o *Options) exclusiveKafka(a, b string) error {
	_, hasA := o.Kafka.given[a]
	_, hasB := o.Kafka.given[b]
	if hasA && hasB {
		return lang.Errorf(o.pos[kafkaPrefix+b], "options kafka.%s and kafka.%s both name the CA file; give one", a, b)
	}
	return nil
}

// closestSetting returns the supported setting nearest to key (edit
// distance at most a third of its length, at least 2), with the prefix,
// or "".
func closestSetting(key string) string {
	var names []string
	for _, name := range SupportedSettings() {
		names = append(names, name[len(kafkaPrefix):])
	}
	if best := lang.Closest(key, names); best != "" {
		return kafkaPrefix + best
	}
	return ""
}

// serverList parses "host:port,host:port": at least one, none empty.
func serverList(v *lang.Literal) ([]string, error) {
	if v.Kind != lang.LitString {
		return nil, wantErr("a list of brokers such as 'host1:9092,host2:9092'", v)
	}
	var out []string
	for _, s := range strings.Split(v.Value, ",") {
		s = strings.TrimSpace(s)
		if s == "" || strings.ContainsAny(s, " \t/") {
			return nil, wantErr("a list of brokers such as 'host1:9092,host2:9092'", v)
		}
		out = append(out, s)
	}
	return out, nil
}

// settingText parses a non-empty string.
func settingText(v *lang.Literal, want string) (string, error) {
	if v.Kind != lang.LitString || strings.TrimSpace(v.Value) == "" {
		return "", wantErr(want, v)
	}
	return v.Value, nil
}

// secretWords mark client settings whose values must never be shown.
var secretWords = []string{"password", "secret", "jaas", "token", "credential", "key", "sasl.username"}

// IsSecretSetting reports whether the value of Kafka client setting key
// (without the kafka. prefix) may be a secret and must not be printed.
func IsSecretSetting(key string) bool {
	k := strings.ToLower(key)
	for _, w := range secretWords {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// IsZero reports whether s holds no setting: a source without kafka.*
// options.
func (s ClientSettings) IsZero() bool { return s.Identity() == ClientSettings{}.Identity() }

// Identity returns a string that is equal for two ClientSettings exactly
// when they set the same values (however written): sources with the same
// settings can share a client. It holds the values, secrets included:
// compare it, never print it.
func (s ClientSettings) Identity() string {
	type values ClientSettings // without the redacting methods
	v := values(s)
	v.given = nil
	return fmt.Sprintf("%#v", v)
}

// Redacted returns the settings as "kafka.key=value" strings, sorted, with
// the value of every setting that may be a secret replaced by "***".
func (s ClientSettings) Redacted() []string {
	out := make([]string, 0, len(s.given))
	for k, v := range s.given {
		if IsSecretSetting(k) {
			v = "***"
		}
		out = append(out, kafkaPrefix+k+"="+v)
	}
	sort.Strings(out)
	return out
}

// String prints the settings redacted.
func (s ClientSettings) String() string { return "[" + strings.Join(s.Redacted(), " ") + "]" }

// GoString prints the settings redacted, also for %#v.
func (s ClientSettings) GoString() string { return "plan.ClientSettings" + s.String() }

// RedactedKafka returns o.Kafka.Redacted().
func (o Options) RedactedKafka() []string { return o.Kafka.Redacted() }
