// Package runner runs kq's statements: it parses, plans and resolves a
// statement, chooses how it runs (the scan alone, or DuckDB over the scans'
// Arrow streams), runs COPY, CREATE TABLE AS, INSERT, SHOW and DESCRIBE,
// and merges the statistics of a statement's scans. The root package kq is
// a thin API over a Session.
package runner

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq/internal/duck"
	"github.com/kq-sql/kq/internal/formats"
	"github.com/kq-sql/kq/internal/kafkaclient"
	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/internal/registry"
	"github.com/kq-sql/kq/internal/scan"
)

// Config is a Session's configuration; New fills in the defaults.
type Config struct {
	// Kafka is how the session's clients are made, and what the kafka.*
	// settings of a source override or extend for its own clients.
	Kafka kafkaclient.Defaults
	// Client, when set, is used for metadata and by every worker of the
	// sources without kafka.* settings; the Session does not close it.
	// Otherwise the session's clients are made with Kafka.Config().
	Client *kgo.Client
	// Allocator for every batch; default memory.DefaultAllocator.
	Allocator memory.Allocator
	// Logger for warnings; default slog.Default().
	Logger *slog.Logger
	// Workers is how many scan tasks run at once; default GOMAXPROCS.
	Workers int
	// DBPath is the DuckDB database file; "" is in-memory.
	DBPath string
	// MemoryLimit is DuckDB's memory_limit in bytes (duck.WithMemoryLimit);
	// 0 or less: DuckDB's default.
	MemoryLimit int64
	// Timeout bounds reaching the cluster and each retried request; 0 or
	// less: only the context.
	Timeout time.Duration
	// Registry is the engine's Schema Registry; its URL is "" when none
	// is configured. Its credentials also go to registries the
	// schemaRegistry option names.
	Registry registry.Config
}

// Session runs statements against one cluster (and the clusters its
// statements' sources name in kafka.* settings) with one DuckDB database.
// It is safe for concurrent use; Close it when done.
type Session struct {
	cfg    Config
	client *kgo.Client // metadata and offsets
	ownsCl bool
	admin  *kadm.Client
	lister *offsetLister

	// db is the session's DuckDB database. An in-memory one is opened by
	// the first statement that needs DuckDB (duck): COUNT(*) and exports
	// the scan answers alone never start DuckDB (~25 MiB and its threads).
	dbMu sync.Mutex
	db   *duck.DB

	connMu    sync.Mutex
	connected bool

	formats *formats.Resolver // schema-driven formats, the engine's registry
}

// New returns a Session. It does not contact Kafka; the first statement
// that reads a topic does. A DBPath is opened now, so a bad path is New's
// error.
func New(cfg Config) (*Session, error) {
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if cfg.Allocator == nil {
		cfg.Allocator = memory.DefaultAllocator
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Session{cfg: cfg}
	if cfg.Client != nil {
		s.client = cfg.Client
	} else {
		cl, err := kgo.NewClient(cfg.Kafka.Config().Opts...)
		if err != nil {
			return nil, fmt.Errorf("kafka client: %w", err)
		}
		s.client, s.ownsCl = cl, true
	}
	s.admin = kadm.NewClient(s.client)
	s.lister = &offsetLister{cl: s.client, adm: s.admin, timeout: cfg.Timeout}
	if err := s.openRegistry(); err != nil {
		s.Close()
		return nil, err
	}
	if cfg.DBPath != "" {
		if _, err := s.duck(); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// openRegistry makes the resolver of schema-driven formats: the engine's
// registry (when configured) and, for a schemaRegistry option, a client
// of that URL with the same credentials, TLS and timeout, made once per
// URL.
func (s *Session) openRegistry() error {
	rc := s.cfg.Registry
	if rc.Timeout == 0 {
		rc.Timeout = s.cfg.Timeout
	}
	s.formats = &formats.Resolver{}
	if rc.URL != "" {
		cl, err := registry.New(rc)
		if err != nil {
			return err
		}
		s.formats.Registry = cl
	}
	var mu sync.Mutex
	byURL := map[string]*registry.Client{}
	s.formats.Open = func(url string) (*registry.Client, error) {
		mu.Lock()
		defer mu.Unlock()
		if cl, ok := byURL[url]; ok {
			return cl, nil
		}
		c := rc
		c.URL = url
		cl, err := registry.New(c)
		if err != nil {
			return nil, err
		}
		byURL[url] = cl
		return cl, nil
	}
	return nil
}

// duck returns the session's DuckDB database, opening it on first use.
func (s *Session) duck() (*duck.DB, error) {
	s.dbMu.Lock()
	defer s.dbMu.Unlock()
	if s.db == nil {
		db, err := duck.Open(s.cfg.DBPath, duck.WithMemoryLimit(s.cfg.MemoryLimit))
		if err != nil {
			return nil, err
		}
		s.db = db
	}
	return s.db, nil
}

// Close releases the session's Kafka client (not one given in Config) and
// closes its DuckDB database.
func (s *Session) Close() error {
	if s.ownsCl {
		s.client.Close()
	}
	s.dbMu.Lock()
	defer s.dbMu.Unlock()
	if s.db == nil {
		return nil
	}
	return s.db.Close()
}

// newWorkerClient gives each scan worker its own client, or the shared one
// when the session was given a client.
func (s *Session) newWorkerClient() (*kgo.Client, func(), error) {
	if !s.ownsCl {
		return s.client, func() {}, nil
	}
	cl, err := kgo.NewClient(s.cfg.Kafka.Config().Opts...)
	if err != nil {
		return nil, nil, err
	}
	return cl, cl.Close, nil
}

// scanConfig is how the statement run under ctx scans a source whose
// kafka.* settings are set: the session's workers and allocator, the
// progress callback of ctx (WithProgress), and worker clients made as set
// says (the session's for the zero settings), each closed when its
// worker is done.
func (s *Session) scanConfig(ctx context.Context, set plan.ClientSettings) (*scan.Config, error) {
	cfg := &scan.Config{
		NewClient: s.newWorkerClient,
		Workers:   s.cfg.Workers,
		Allocator: s.cfg.Allocator,
		Logger:    s.cfg.Logger,
		Progress:  progressOf(ctx),
		Formats:   s.formats,
		// The session's timeout also bounds how long one fetch or offset
		// lookup is retried.
		RetryTimeout: s.retryTimeout(),
	}
	if set.IsZero() {
		return cfg, nil
	}
	kc, err := kafkaclient.New(s.cfg.Kafka, set)
	if err != nil {
		return nil, err
	}
	cfg.FetchBytes = kc.FetchBytes
	cfg.NewClient = func() (*kgo.Client, func(), error) {
		cl, err := kgo.NewClient(kc.Opts...)
		if err != nil {
			return nil, nil, err
		}
		return cl, cl.Close, nil
	}
	return cfg, nil
}

// retryTimeout is the scan's RetryTimeout for the session's Timeout: the
// same, or no bound (negative) when the timeout is 0 or less ("wait as
// long as the context allows").
func (s *Session) retryTimeout() time.Duration {
	if s.cfg.Timeout <= 0 {
		return -1
	}
	return s.cfg.Timeout
}

type progressKey struct{}

// WithProgress returns a context under which statements call fn about ten
// times a second while a scan runs, and once at its end.
func WithProgress(ctx context.Context, fn func(scan.Progress)) context.Context {
	return context.WithValue(ctx, progressKey{}, fn)
}

func progressOf(ctx context.Context) func(scan.Progress) {
	fn, _ := ctx.Value(progressKey{}).(func(scan.Progress))
	return fn
}
