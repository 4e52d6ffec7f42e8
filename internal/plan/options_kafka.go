package plan

import (
	"sort"
	"strings"

	"github.com/kq-sql/kq/lang"
)

// kafkaPrefix starts the options passed through to the Kafka client.
const kafkaPrefix = "kafka."

// forbiddenKafka are client settings kq controls itself, as Spark forbids
// them (reference §4).
var forbiddenKafka = map[string]string{
	"auto.offset.reset":   "kq reads explicit offset ranges",
	"key.deserializer":    "kq reads raw bytes; use keyFormat",
	"value.deserializer":  "kq reads raw bytes; use valueFormat",
	"enable.auto.commit":  "kq never commits offsets",
	"interceptor.classes": "kq runs no interceptors",
	"isolation.level":     "use the isolationLevel option",
}

// setKafka records one kafka.* option.
func (o *Options) setKafka(opt *lang.Option) error {
	key := opt.Key[len(kafkaPrefix):]
	if key == "" {
		return lang.Errorf(opt.Pos, "option %s: a client setting must follow kafka. (e.g. kafka.bootstrap.servers)", showName(opt.Key))
	}
	if why, ok := forbiddenKafka[strings.ToLower(key)]; ok {
		return lang.Errorf(opt.Pos, "option %s is not allowed: %s", opt.Key, why)
	}
	if _, dup := o.Kafka[key]; dup {
		return lang.Errorf(opt.Pos, "option %s is given twice", opt.Key)
	}
	if opt.Value.Kind == lang.LitNull {
		return lang.Errorf(opt.Value.Pos, "option %s: %v", opt.Key, errNull)
	}
	if o.Kafka == nil {
		o.Kafka = ClientSettings{}
	}
	o.Kafka[key] = opt.Value.Value
	return nil
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

// ClientSettings are Kafka client settings (kafka.* options without the
// prefix). Printed with fmt, values that may be secrets show as "***".
type ClientSettings map[string]string

// Redacted returns the settings as "kafka.key=value" strings, sorted, with
// the value of every setting that may be a secret replaced by "***".
func (s ClientSettings) Redacted() []string {
	out := make([]string, 0, len(s))
	for k, v := range s {
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
