package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/demo"
)

// session is an open engine (and the demo broker behind it with --demo).
type session struct {
	eng  *kq.Engine
	demo *demo.Broker
	bar  *progressView
	// maxRows caps the rows a table on stdout shows (output.WithMaxRows);
	// 0 shows all. The REPL sets it.
	maxRows int
}

// topicNames returns the cluster's topics, sorted; nil when it cannot be
// listed.
func (s *session) topicNames(ctx context.Context) []string {
	return queryStrings(ctx, s.eng, "SHOW TOPICS", "name", nil)
}

func (s *session) close() {
	if s.eng != nil {
		s.eng.Close()
	}
	if s.demo != nil {
		s.demo.Close()
	}
}

// open starts the engine the flags describe.
func (c *cli) open(ctx context.Context, stderr io.Writer) (*session, error) {
	s := &session{bar: &progressView{mode: c.Progress, w: stderr, tty: isTerminal(stderr)}}
	brokers := c.Brokers
	if c.Demo {
		d, err := demo.Start(ctx)
		if err != nil {
			return nil, err
		}
		s.demo = d
		brokers = d.Brokers()
		if c.SchemaRegistry == "" {
			c.SchemaRegistry = d.RegistryURL()
		}
	}
	opts := []kq.Option{kq.WithBrokers(brokers), kq.WithWorkers(c.Workers), kq.WithTimeout(c.Timeout), kq.WithMemoryLimit(int64(c.MemLimit))}
	if c.DB != "" {
		opts = append(opts, kq.WithDB(c.DB))
	}
	sec, err := c.security()
	if err != nil {
		s.close()
		return nil, err
	}
	opts = append(opts, sec...)
	eng, err := kq.Open(opts...)
	if err != nil {
		s.close()
		return nil, err
	}
	s.eng = eng
	return s, nil
}

// security turns the SASL and TLS flags into engine options. The SASL
// password comes from --sasl-password-file or KQ_SASL_PASSWORD only.
func (c *cli) security() ([]kq.Option, error) {
	var opts []kq.Option
	if c.SASLMechanism != "" || c.SASLUser != "" {
		if c.SASLMechanism == "" || c.SASLUser == "" {
			return nil, usageError{errors.New("SASL needs both --sasl-mechanism and --sasl-user")}
		}
		password, ok := os.LookupEnv("KQ_SASL_PASSWORD")
		if c.SASLPasswordFile != "" {
			b, err := os.ReadFile(c.SASLPasswordFile)
			if err != nil {
				return nil, usageError{fmt.Errorf("--sasl-password-file: %w", err)}
			}
			password, ok = strings.TrimRight(string(b), "\r\n"), true
		}
		if !ok {
			return nil, usageError{errors.New("SASL needs a password: set KQ_SASL_PASSWORD or use --sasl-password-file")}
		}
		opts = append(opts, kq.WithSASL(c.SASLMechanism, c.SASLUser, password))
	}
	if c.SchemaRegistry != "" {
		opts = append(opts, kq.WithSchemaRegistry(c.SchemaRegistry))
	}
	if c.SchemaRegistryCA != "" {
		cfg, err := loadTLSConfig(tlsFiles{CAFile: c.SchemaRegistryCA})
		if err != nil {
			return nil, usageError{fmt.Errorf("--schema-registry-ca: %w", err)}
		}
		opts = append(opts, kq.WithSchemaRegistryTLS(cfg))
	}
	if c.SchemaRegistryUser != "" {
		password, ok := os.LookupEnv("KQ_SCHEMA_REGISTRY_PASSWORD")
		if c.SchemaRegistryPasswordFile != "" {
			b, err := os.ReadFile(c.SchemaRegistryPasswordFile)
			if err != nil {
				return nil, usageError{fmt.Errorf("--schema-registry-password-file: %w", err)}
			}
			password, ok = strings.TrimRight(string(b), "\r\n"), true
		}
		if !ok {
			return nil, usageError{errors.New("--schema-registry-user needs a password: set KQ_SCHEMA_REGISTRY_PASSWORD or use --schema-registry-password-file")}
		}
		opts = append(opts, kq.WithSchemaRegistryAuth(c.SchemaRegistryUser, password))
	}
	if c.TLS || c.TLSCA != "" || c.TLSCert != "" || c.TLSKey != "" || c.TLSInsecure {
		cfg, err := loadTLSConfig(tlsFiles{CAFile: c.TLSCA, CertFile: c.TLSCert, KeyFile: c.TLSKey, InsecureSkipVerify: c.TLSInsecure})
		if err != nil {
			return nil, usageError{err}
		}
		opts = append(opts, kq.WithTLS(cfg))
	}
	return opts, nil
}
