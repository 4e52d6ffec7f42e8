package kq

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// SASL mechanisms accepted by WithSASL.
const (
	SASLPlain       = "PLAIN"
	SASLScramSHA256 = "SCRAM-SHA-256"
	SASLScramSHA512 = "SCRAM-SHA-512"
)

// WithSASL authenticates every connection with SASL. mechanism is PLAIN,
// SCRAM-SHA-256 or SCRAM-SHA-512 (case-insensitive). The password is kept
// only inside the SASL mechanism and never appears in errors, logs or
// EXPLAIN output. Ignored with WithClient.
func WithSASL(mechanism, user, password string) Option {
	return func(c *config) {
		c.sasl = &saslConfig{mechanism: strings.ToUpper(mechanism), user: user, password: password}
	}
}

// WithTLS encrypts every connection with cfg (see LoadTLSConfig). Ignored
// with WithClient.
func WithTLS(cfg *tls.Config) Option { return func(c *config) { c.tls = cfg } }

type saslConfig struct {
	mechanism, user, password string
}

// String never shows the password.
func (s *saslConfig) String() string { return s.mechanism + " user " + s.user }

func (s *saslConfig) opt() (kgo.Opt, error) {
	var m sasl.Mechanism
	switch s.mechanism {
	case SASLPlain:
		m = plain.Auth{User: s.user, Pass: s.password}.AsMechanism()
	case SASLScramSHA256:
		m = scram.Auth{User: s.user, Pass: s.password}.AsSha256Mechanism()
	case SASLScramSHA512:
		m = scram.Auth{User: s.user, Pass: s.password}.AsSha512Mechanism()
	default:
		return nil, fmt.Errorf("unknown SASL mechanism %q (allowed: %s, %s, %s)", s.mechanism, SASLPlain, SASLScramSHA256, SASLScramSHA512)
	}
	if s.user == "" {
		return nil, errors.New("SASL needs a user")
	}
	return kgo.SASL(m), nil
}

// TLSFiles names the files of a TLS configuration; see LoadTLSConfig.
type TLSFiles struct {
	// CAFile is a PEM bundle of CAs to trust; empty means the system pool.
	CAFile string
	// CertFile and KeyFile are a PEM client certificate and key for mutual
	// TLS; both or neither.
	CertFile, KeyFile string
	// InsecureSkipVerify disables server certificate verification. Only
	// for testing; never the default.
	InsecureSkipVerify bool
}

// LoadTLSConfig builds a TLS configuration from files.
func LoadTLSConfig(f TLSFiles) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: f.InsecureSkipVerify} //nolint:gosec // only when asked
	if f.CAFile != "" {
		pem, err := os.ReadFile(f.CAFile)
		if err != nil {
			return nil, fmt.Errorf("tls CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls CA file %s: no PEM certificates found", f.CAFile)
		}
		cfg.RootCAs = pool
	}
	if (f.CertFile == "") != (f.KeyFile == "") {
		return nil, errors.New("tls: give both a client certificate and its key, or neither")
	}
	if f.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(f.CertFile, f.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("tls client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}
