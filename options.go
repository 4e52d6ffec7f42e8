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

	"github.com/kq-sql/kq/exec"
)

// Option configures an Engine; see Open.
type Option func(*config)

type config struct {
	brokers   []string
	client    *kgo.Client
	kgoOpts   []kgo.Opt
	allocator memory.Allocator
	logger    *slog.Logger
	workers   int
	stats     func(*Stats)
	progress  func(Progress)
	dbPath    string // WithDB; "" is in-memory
	sasl      *saslConfig
	tls       *tls.Config
	timeout   time.Duration

	clientOpts []kgo.Opt // derived by validate: what every engine client gets
}

// Stats are the statistics of one scan (SPEC §6): totals, data loss and
// per-task figures. WriteJSON and WriteText render them.
type Stats = exec.Stats

// Progress is a snapshot of a running scan for progress bars.
type Progress = exec.Progress

// WithStats makes the engine call fn with the statistics of every scan a
// query runs, once the scan has ended (when the result reader is exhausted).
// fn may be called from several goroutines when queries run concurrently.
// Default: none.
func WithStats(fn func(*Stats)) Option { return func(c *config) { c.stats = fn } }

// WithProgress makes the engine call fn about ten times a second while a
// scan runs, and once at its end. fn must be quick. Default: none.
func WithProgress(fn func(Progress)) Option { return func(c *config) { c.progress = fn } }

// DefaultTimeout is how long the engine waits for the cluster to answer
// before a query fails; see WithTimeout.
const DefaultTimeout = 10 * time.Second

// WithTimeout bounds how long a query waits for the cluster to answer at
// all (connecting, authenticating, the first metadata request) before it
// fails with an error naming the brokers. It also bounds how long one
// offset listing, fetch or offset lookup is retried while the broker
// drops connections or answers with retriable errors, before the query
// fails naming the topic and partition. Default: DefaultTimeout (10 s);
// 0 or less waits as long as the query's context allows (scan retries
// then use exec's default, 10 s).
func WithTimeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// WithBrokers sets the seed brokers ("host:port"); a single string may hold
// several, comma-separated. Default: localhost:9092. Ignored with WithClient.
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
func WithClient(cl *kgo.Client) Option { return func(c *config) { c.client = cl } }

// WithKafkaOptions adds franz-go client options (SASL, TLS, timeouts) to the
// clients the engine creates. Ignored with WithClient.
func WithKafkaOptions(opts ...kgo.Opt) Option {
	return func(c *config) { c.kgoOpts = append(c.kgoOpts, opts...) }
}

// WithAllocator sets the Arrow allocator for every batch the engine builds.
// Default: memory.DefaultAllocator.
func WithAllocator(mem memory.Allocator) Option { return func(c *config) { c.allocator = mem } }

// WithLogger sets the logger for warnings such as data loss under
// failOnDataLoss=false. Default: slog.Default().
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithWorkers sets how many scan tasks run at once, each worker with its own
// Kafka client. Default: runtime.GOMAXPROCS(0).
func WithWorkers(n int) Option { return func(c *config) { c.workers = n } }

func (c *config) validate() error {
	if c.workers < 0 {
		return errors.New("kq: workers must not be negative")
	}
	if c.client == nil && len(c.brokers) == 0 {
		c.brokers = []string{"localhost:9092"}
	}
	if c.allocator == nil {
		c.allocator = memory.DefaultAllocator
	}
	if c.logger == nil {
		c.logger = slog.Default()
	}
	if c.timeout == 0 {
		c.timeout = DefaultTimeout
	}
	c.clientOpts = []kgo.Opt{kgo.SeedBrokers(c.brokers...)}
	if c.timeout > 0 {
		c.clientOpts = append(c.clientOpts, kgo.DialTimeout(c.timeout))
	}
	if c.sasl != nil {
		o, err := c.sasl.opt()
		if err != nil {
			return fmt.Errorf("kq: %w", err)
		}
		c.clientOpts = append(c.clientOpts, o)
	}
	if c.tls != nil {
		c.clientOpts = append(c.clientOpts, kgo.DialTLSConfig(c.tls))
	}
	c.clientOpts = append(c.clientOpts, c.kgoOpts...)
	return nil
}
