package kq

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq/exec"
	"github.com/kq-sql/kq/lang"
	"github.com/kq-sql/kq/plan"
)

// Engine runs queries against one Kafka cluster. It is safe for concurrent
// use; Close it when done.
type Engine struct {
	cfg     config
	client  *kgo.Client // metadata and offsets
	ownsCl  bool
	admin   *kadm.Client
	lister  *offsetLister // admin's offset listings with retries, for planning
	workers int

	// db is the session's DuckDB database (WithDB). An in-memory one is
	// opened by the first statement that needs DuckDB (duck): COUNT(*)
	// and exports the scan answers alone never start DuckDB (~25 MiB and
	// its threads).
	dbMu sync.Mutex
	db   *exec.DB

	connMu    sync.Mutex
	connected bool
}

// Open returns an Engine configured by opts. It does not contact Kafka; the
// first query does.
func Open(opts ...Option) (*Engine, error) {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	e := &Engine{cfg: cfg, workers: cfg.workers}
	if e.workers == 0 {
		e.workers = runtime.GOMAXPROCS(0)
	}
	if cfg.client != nil {
		e.client = cfg.client
	} else {
		cl, err := kgo.NewClient(e.kgoOpts()...)
		if err != nil {
			return nil, fmt.Errorf("kq: kafka client: %w", err)
		}
		e.client, e.ownsCl = cl, true
	}
	e.admin = kadm.NewClient(e.client)
	e.lister = &offsetLister{cl: e.client, adm: e.admin, timeout: cfg.timeout}
	if cfg.dbPath != "" {
		// A database file is opened now: a bad path is Open's error.
		if _, err := e.duck(); err != nil {
			if e.ownsCl {
				e.client.Close()
			}
			return nil, err
		}
	}
	return e, nil
}

// duck returns the engine's DuckDB database, opening it on first use.
func (e *Engine) duck() (*exec.DB, error) {
	e.dbMu.Lock()
	defer e.dbMu.Unlock()
	if e.db == nil {
		db, err := exec.OpenDB(e.cfg.dbPath)
		if err != nil {
			return nil, fmt.Errorf("kq: %w", err)
		}
		e.db = db
	}
	return e.db, nil
}

func (e *Engine) kgoOpts() []kgo.Opt { return e.cfg.clientOpts }

// Close releases the engine's Kafka clients and closes its DuckDB database
// (a file given WithDB keeps everything committed). It does not close a
// client given with WithClient.
func (e *Engine) Close() error {
	if e.ownsCl {
		e.client.Close()
	}
	e.dbMu.Lock()
	defer e.dbMu.Unlock()
	if e.db == nil {
		return nil
	}
	return e.db.Close()
}

// newWorkerClient gives each scan worker its own client, or the shared one
// when the engine was opened WithClient.
func (e *Engine) newWorkerClient() (*kgo.Client, func(), error) {
	if !e.ownsCl {
		return e.client, func() {}, nil
	}
	cl, err := kgo.NewClient(e.kgoOpts()...)
	if err != nil {
		return nil, nil, err
	}
	return cl, cl.Close, nil
}

func (e *Engine) execConfig() *exec.Config {
	return &exec.Config{
		NewClient: e.newWorkerClient,
		Workers:   e.workers,
		Allocator: e.cfg.allocator,
		Logger:    e.cfg.logger,
		Progress:  e.cfg.progress,
		// The engine's timeout also bounds how long one fetch or offset
		// lookup is retried (exec's default, 10 s, when it waits forever).
		RetryTimeout: e.cfg.timeout,
	}
}

// Query runs a statement and streams its rows. The caller must Release the
// reader; releasing it early stops the scan.
//
// A query (SELECT, set operations) that the scan alone computes — COUNT(*)
// over pushed-down predicates, a projection of source columns — streams
// from the scan; any other runs in the session's DuckDB database over the
// scans' Arrow streams, and DuckDB materializes its result before the
// first batch (so it is as large as the result, not the topic). EXPLAIN
// returns one "plan" column of text lines; SHOW TOPICS, SHOW TABLES and
// DESCRIBE return their listings; COPY, CREATE TABLE AS and INSERT run as
// with Exec and return one "rows" column. Errors in the query text are
// *lang.Error values with line and column.
func (e *Engine) Query(ctx context.Context, sql string) (array.RecordReader, error) {
	stmt, err := lang.Parse(sql)
	if err != nil {
		return nil, err
	}
	if err := e.connect(ctx, stmt); err != nil {
		return nil, err
	}
	switch s := stmt.(type) {
	case *lang.Explain:
		p, err := e.explain(ctx, s)
		if err != nil {
			return nil, err
		}
		return p.reader(e.cfg.allocator)
	case lang.Query:
		return e.query(ctx, s)
	case *lang.Copy, *lang.CreateTable, *lang.Insert:
		return e.execResult(ctx, s)
	case *lang.Show:
		return e.show(ctx, s)
	case *lang.Describe:
		return e.describe(ctx, s)
	}
	return nil, fmt.Errorf("kq: unsupported statement %T", stmt)
}

// Explain plans a query (with or without a leading EXPLAIN) without reading
// any records.
func (e *Engine) Explain(ctx context.Context, sql string) (*Plan, error) {
	stmt, err := lang.Parse(sql)
	if err != nil {
		return nil, err
	}
	if err := e.connect(ctx, stmt); err != nil {
		return nil, err
	}
	ex, ok := stmt.(*lang.Explain)
	if !ok {
		ex = &lang.Explain{Pos: stmt.Position(), Stmt: stmt}
	}
	return e.explain(ctx, ex)
}

func (e *Engine) explain(ctx context.Context, ex *lang.Explain) (*Plan, error) {
	q, err := plan.Plan(ctx, ex, e.lister, plan.WithWorkers(e.workers))
	if err != nil {
		return nil, err
	}
	return &Plan{Tree: plan.Format(q.Root), Tasks: q.Tasks(), query: q}, nil
}

// Plan is a planned query: the logical plan after pushdown, and the tasks
// its scans run.
type Plan struct {
	// Tree is the plan printed as an indented tree.
	Tree string
	// Tasks are the offset-range tasks, scan after scan, each ordered by
	// (topic, partition, from).
	Tasks []plan.Task

	query *plan.Query
}

// String prints EXPLAIN's text: the tree, what each scan took from the
// query, and the task table with preferred workers.
func (p *Plan) String() string { return p.query.ExplainText() }

// JSON prints EXPLAIN's JSON form (SPEC §5): {"plan": <tree>, "pushed":
// {...}, "tasks": [{"topic", "partition", "from", "until",
// "preferredWorker"}, ...]}, indented, with a final newline.
func (p *Plan) JSON() ([]byte, error) {
	b, err := p.query.MarshalExplainJSON()
	return append(b, '\n'), err
}

func (p *Plan) reader(mem memory.Allocator) (array.RecordReader, error) {
	b := array.NewStringBuilder(mem)
	defer b.Release()
	for _, line := range strings.Split(strings.TrimRight(p.String(), "\n"), "\n") {
		b.Append(line)
	}
	col := b.NewArray()
	defer col.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "plan", Type: arrow.BinaryTypes.String}}, nil)
	rec := array.NewRecordBatch(schema, []arrow.Array{col}, int64(col.Len()))
	defer rec.Release()
	return array.NewRecordReader(schema, []arrow.RecordBatch{rec})
}
