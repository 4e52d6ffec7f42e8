package kafkaclient

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/kq-sql/kq/internal/plan"
)

// Defaults are the engine's client configuration: what every client the
// engine makes gets, and what a source's kafka.* settings override or
// extend. The zero value makes clients with franz-go's defaults.
type Defaults struct {
	// Opts are every client's options but security: the seed brokers, the
	// dial timeout, then the options of WithKafkaOptions. A source's
	// settings are applied after them.
	Opts []kgo.Opt
	// Security are the engine's SASL and TLS options (WithSASL, WithTLS):
	// kept by a source without kafka.security.protocol, dropped by one
	// with it.
	Security []kgo.Opt
	// Brokers are the engine's seed brokers, for messages; empty when the
	// engine was given its client, and then a source with settings must
	// name its own.
	Brokers []string
	// Auth describes the engine's SASL for messages (never a secret); ""
	// for none.
	Auth string
	// LookupEnv looks up plan.PasswordEnv for a source's SASL password;
	// nil means os.LookupEnv.
	LookupEnv func(key string) (string, bool)
}

// Config is how the clients of one source are made. Its options may hold
// a password (inside a SASL mechanism): never print them.
type Config struct {
	// Opts make one client: kgo.NewClient(Opts...).
	Opts []kgo.Opt
	// Brokers are the seed brokers, for messages.
	Brokers []string
	// Auth describes the SASL in use for messages (never a secret); "" for
	// none.
	Auth string
	// FetchBytes is the most record bytes a scan's fetch asks for per
	// partition; 0 leaves the scan's default.
	FetchBytes int32
}

// Config returns the configuration of the engine's own clients: a source
// without kafka.* settings.
func (d Defaults) Config() Config {
	return Config{Opts: slices.Concat(d.Security, d.Opts), Brokers: d.Brokers, Auth: d.Auth}
}

// New returns the configuration of the clients of a source whose kafka.*
// settings are s, over the engine's defaults d (see the package doc). It
// reads the CA file and, for a SASL protocol, the password from the
// environment variable plan.PasswordEnv; its errors name the setting and
// never hold a secret. The zero s gives d.Config().
func New(d Defaults, s plan.ClientSettings) (Config, error) {
	if s.IsZero() {
		return d.Config(), nil
	}
	c := Config{Brokers: d.Brokers, Auth: d.Auth}
	if len(s.BootstrapServers) == 0 && len(d.Brokers) == 0 {
		return Config{}, errors.New("kafka.* settings without kafka.bootstrap.servers need the engine's brokers, and the engine was given its client (WithClient): name the cluster with kafka.bootstrap.servers")
	}
	security := d.Security
	if s.SecurityProtocol != "" {
		var err error
		if security, c.Auth, err = sourceSecurity(d, s); err != nil {
			return Config{}, err
		}
	}
	c.Opts = slices.Concat(security, d.Opts)
	if len(s.BootstrapServers) > 0 {
		c.Brokers = s.BootstrapServers
		c.Opts = append(c.Opts, kgo.SeedBrokers(s.BootstrapServers...))
	}
	if s.ClientID != "" {
		c.Opts = append(c.Opts, kgo.ClientID(s.ClientID))
	}
	if s.RequestTimeout > 0 {
		c.Opts = append(c.Opts, kgo.RequestTimeoutOverhead(s.RequestTimeout))
	}
	if s.ConnectTimeout > 0 {
		c.Opts = append(c.Opts, kgo.DialTimeout(s.ConnectTimeout))
	}
	for _, n := range []int32{s.FetchMaxBytes, s.MaxPartitionFetchBytes} {
		if n > 0 && (c.FetchBytes == 0 || n < c.FetchBytes) {
			c.FetchBytes = n
		}
	}
	return c, nil
}

// sourceSecurity returns the TLS and SASL options of a source that sets
// kafka.security.protocol, and the description of its SASL.
func sourceSecurity(d Defaults, s plan.ClientSettings) ([]kgo.Opt, string, error) {
	var opts []kgo.Opt
	var auth string
	switch s.SecurityProtocol {
	case plan.SecuritySSL, plan.SecuritySASLSSL:
		cfg, err := tlsConfig(s)
		if err != nil {
			return nil, "", err
		}
		opts = append(opts, kgo.DialTLSConfig(cfg))
	}
	switch s.SecurityProtocol {
	case plan.SecuritySASLPlaintext, plan.SecuritySASLSSL:
		lookup := d.LookupEnv
		if lookup == nil {
			lookup = os.LookupEnv
		}
		password, ok := lookup(plan.PasswordEnv)
		if !ok {
			return nil, "", fmt.Errorf("kafka.security.protocol=%s needs the SASL password in the environment variable %s, which is not set (a password is never written in a query)", s.SecurityProtocol, plan.PasswordEnv)
		}
		m, err := mechanism(s.SASLMechanism, s.SASLUsername, password)
		if err != nil {
			return nil, "", err
		}
		opts = append(opts, kgo.SASL(m))
		auth = s.SASLMechanism + " from kafka.sasl.mechanism, password from " + plan.PasswordEnv
	}
	return opts, auth, nil
}

// mechanism returns the SASL mechanism named by plan.SASL*.
func mechanism(name, user, password string) (sasl.Mechanism, error) {
	switch name {
	case plan.SASLPlain:
		return plain.Auth{User: user, Pass: password}.AsMechanism(), nil
	case plan.SASLScramSHA256:
		return scram.Auth{User: user, Pass: password}.AsSha256Mechanism(), nil
	case plan.SASLScramSHA512:
		return scram.Auth{User: user, Pass: password}.AsSha512Mechanism(), nil
	}
	// plan rejects any other mechanism; this guards a hand-built value.
	return nil, fmt.Errorf("kafka.sasl.mechanism: unsupported mechanism %q (supported: %s, %s, %s)", name, plan.SASLPlain, plan.SASLScramSHA256, plan.SASLScramSHA512)
}

// tlsConfig is the TLS configuration of a source with a TLS protocol: the
// CAs of kafka.ssl.ca.location, else the system's.
func tlsConfig(s plan.ClientSettings) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if s.SSLCALocation == "" {
		return cfg, nil
	}
	pem, err := os.ReadFile(s.SSLCALocation)
	if err != nil {
		return nil, fmt.Errorf("kafka.ssl.ca.location (the CA file): %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("kafka.ssl.ca.location (the CA file): no PEM certificates in %s (kq reads PEM files; export a JKS truststore with keytool -exportcert -rfc)", s.SSLCALocation)
	}
	cfg.RootCAs = pool
	return cfg, nil
}
