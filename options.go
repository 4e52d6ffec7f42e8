package kq

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/kq-sql/kq/internal/registry"
	"github.com/kq-sql/kq/internal/runner"
)

// Option configures an Engine; see Open.
type Option func(*config)

type config struct {
	brokers    []string
	client     *kgo.Client
	kgoOpts    []kgo.Opt
	allocator  memory.Allocator
	logger     *slog.Logger
	workers    int
	dbPath     string
	memLimit   int64
	sasl       *saslConfig
	tls        *tls.Config
	timeout    time.Duration
	timeoutSet bool
	registry   registry.Config
}

// DefaultTimeout is how long the engine waits for the cluster to answer
// before a statement fails; see WithTimeout.
const DefaultTimeout = 10 * time.Second

// WithBrokers sets the seed brokers ("host:port"); a single string may hold
// several, comma-separated. Default: localhost:9092. Ignored with
// WithClient.
func WithBrokers(brokers ...string) Option {
	return func(c *config) {
		for _, b := range brokers {
			for _, s := range strings.Split(b, ",") {
				if s = strings.TrimSpace(s); s != "" {
					c.brokers = append(c.brokers, s)
				}
			}
		}
	}
}

// WithClient makes the engine use an existing client for metadata and for
// every worker instead of creating its own. The engine does not close it.
// A kafka() source with kafka.* settings still gets clients of its own,
// which must then name their cluster with kafka.bootstrap.servers.
func WithClient(cl *kgo.Client) Option { return func(c *config) { c.client = cl } }

// WithKafkaOptions adds franz-go client options to the clients the engine
// creates, the clients of kafka() sources with kafka.* settings included:
// a source's settings are applied after these, and win where franz-go
// lets a later option replace an earlier one (seed brokers, client id,
// timeouts). Ignored with WithClient.
func WithKafkaOptions(opts ...kgo.Opt) Option {
	return func(c *config) { c.kgoOpts = append(c.kgoOpts, opts...) }
}

// WithAllocator sets the Arrow allocator for every batch the engine
// builds. Default: memory.DefaultAllocator.
func WithAllocator(mem memory.Allocator) Option { return func(c *config) { c.allocator = mem } }

// WithLogger sets the logger for warnings such as data loss under
// failOnDataLoss=false. Default: slog.Default().
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithWorkers sets how many scan tasks run at once, each worker with its
// own Kafka client. Default: runtime.GOMAXPROCS(0).
func WithWorkers(n int) Option { return func(c *config) { c.workers = n } }

// WithDB makes the engine's DuckDB database the file at path, created when
// missing: CREATE TABLE AS and INSERT INTO write there, and its tables can
// be joined with topics. Default: a private in-memory database that Close
// discards.
func WithDB(path string) Option { return func(c *config) { c.dbPath = path } }

// WithMemoryLimit bounds the memory of the engine's DuckDB database, in
// bytes: DuckDB's memory_limit, for all statements together — the state
// of sorts, aggregates and joins, and the tables of an in-memory
// database. Beyond it sorts, aggregates and joins spill to a private
// temporary directory that the engine removes at Close, so a large
// ORDER BY completes at about the limit instead of growing with the
// topic; a statement whose state cannot spill (one huge group of
// list(), say) fails with an error that names the limit. kq's own
// streaming (scans, results) holds little besides and is not counted.
// Default (0): DuckDB's default, 80% of the machine's memory or of the
// container's limit, as the duckdb shell has it: spilling starts only
// at the limit, so a lower default would slow large sorts on machines
// with memory to spare. Negative values are an error at Open.
func WithMemoryLimit(bytes int64) Option { return func(c *config) { c.memLimit = bytes } }

// WithTimeout bounds how long a statement waits for the cluster to answer
// at all (connecting, authenticating, the first metadata request) before
// it fails with an error naming the brokers. It also bounds how long one
// offset listing, fetch or offset lookup is retried while the broker
// drops connections or answers with retriable errors, before the
// statement fails naming the topic and partition. Default: DefaultTimeout
// (10 s). 0 or less waits as long as the statement's context allows.
func WithTimeout(d time.Duration) Option {
	return func(c *config) { c.timeout, c.timeoutSet = d, true }
}

// WithSchemaRegistry sets the Schema Registry that valueFormat/keyFormat
// 'avro', 'protobuf' and 'jsonschema' read schemas from: an http:// or
// https:// URL (several comma-separated, tried in order). A source's
// schemaRegistry option names another for that source, which gets the
// same credentials. Default: none.
func WithSchemaRegistry(url string) Option { return func(c *config) { c.registry.URL = url } }

// WithSchemaRegistryAuth sets the registry's HTTP basic-auth credentials.
// The password never appears in errors, logs or EXPLAIN. Default: none.
func WithSchemaRegistryAuth(user, password string) Option {
	return func(c *config) { c.registry.User, c.registry.Password = user, password }
}

// WithSchemaRegistryTLS sets the TLS configuration of https registry URLs.
// Default: the system's roots.
func WithSchemaRegistryTLS(cfg *tls.Config) Option { return func(c *config) { c.registry.TLS = cfg } }

// SASL mechanisms accepted by WithSASL.
const (
	SASLPlain       = "PLAIN"
	SASLScramSHA256 = "SCRAM-SHA-256"
	SASLScramSHA512 = "SCRAM-SHA-512"
)

// WithSASL authenticates every connection with SASL. mechanism is PLAIN,
// SCRAM-SHA-256 or SCRAM-SHA-512 (case-insensitive). The password is kept
// only inside the SASL mechanism and never appears in errors, logs or
// EXPLAIN output. It is the default security of every kafka() source,
// those that name other brokers with kafka.bootstrap.servers included: a
// source that sets kafka.security.protocol uses the TLS and SASL that its
// own kafka.* settings describe instead (its SASL password from the
// environment variable KQ_SASL_PASSWORD, never from the query). An
// application that runs SQL it does not trust should know that a query
// can thus send these credentials to brokers it names. Ignored with
// WithClient.
func WithSASL(mechanism, user, password string) Option {
	return func(c *config) {
		c.sasl = &saslConfig{mechanism: strings.ToUpper(mechanism), user: user, password: password}
	}
}

// WithTLS encrypts every connection with cfg, but those of kafka() sources
// that set kafka.security.protocol (see WithSASL). Ignored with
// WithClient.
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

// runner validates the options once and derives the session's
// configuration: defaults, and what every client the engine makes gets.
func (c *config) runner() (runner.Config, error) {
	if c.workers < 0 {
		return runner.Config{}, errors.New("kq: workers must not be negative")
	}
	if c.memLimit < 0 {
		return runner.Config{}, fmt.Errorf("kq: memory limit must not be negative (WithMemoryLimit(%d))", c.memLimit)
	}
	rc := runner.Config{
		Client: c.client, Allocator: c.allocator, Logger: c.logger,
		Workers: c.workers, DBPath: c.dbPath, MemoryLimit: c.memLimit, Timeout: DefaultTimeout,
		Registry: c.registry,
	}
	if c.timeoutSet {
		rc.Timeout = max(c.timeout, 0)
	}
	if c.sasl != nil {
		// Checked with or without WithClient: a bad mechanism is an
		// error wherever it would be used.
		o, err := c.sasl.opt()
		if err != nil {
			return runner.Config{}, fmt.Errorf("kq: %w", err)
		}
		if c.client == nil {
			rc.Kafka.Security = append(rc.Kafka.Security, o)
			rc.Kafka.Auth = c.sasl.String()
		}
	}
	if rc.Timeout > 0 {
		rc.Kafka.Opts = append(rc.Kafka.Opts, kgo.DialTimeout(rc.Timeout))
	}
	if c.client != nil {
		// The given client is the engine's; a source with kafka.*
		// settings names its own cluster and gets none of the options
		// WithClient ignores.
		return rc, nil
	}
	rc.Kafka.Brokers = c.brokers
	if len(rc.Kafka.Brokers) == 0 {
		rc.Kafka.Brokers = []string{"localhost:9092"}
	}
	rc.Kafka.Opts = append([]kgo.Opt{kgo.SeedBrokers(rc.Kafka.Brokers...)}, rc.Kafka.Opts...)
	if c.tls != nil {
		rc.Kafka.Security = append(rc.Kafka.Security, kgo.DialTLSConfig(c.tls))
	}
	rc.Kafka.Opts = append(rc.Kafka.Opts, c.kgoOpts...)
	return rc, nil
}
