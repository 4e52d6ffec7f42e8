package kq

import (
	"context"

	"github.com/kq-sql/kq/internal/runner"
)

// Engine runs statements against one Kafka cluster and one DuckDB
// database; a kafka() source whose kafka.* options name another cluster
// (kafka.bootstrap.servers) or other client settings is read with
// clients of its own, made for the statement and closed when it ends. It
// is safe for concurrent use: each Query and Exec has its own scans,
// statistics and progress. Close it when done.
type Engine struct {
	s *runner.Session
}

// Open returns an Engine configured by opts. It does not contact Kafka; the
// first statement that reads a topic does (and fails within WithTimeout
// when the cluster does not answer). A database given WithDB is opened
// now.
func Open(opts ...Option) (*Engine, error) {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	rc, err := cfg.runner()
	if err != nil {
		return nil, err
	}
	s, err := runner.New(rc)
	if err != nil {
		return nil, publicError(err)
	}
	return &Engine{s: s}, nil
}

// Ping checks, within WithTimeout, that the cluster answers: an
// unreachable broker or a failed SASL authentication is an error naming
// the brokers (never a secret). Statements check this themselves when
// they first need the cluster; Ping is for programs that want to know
// up front (database/sql's DB.Ping).
func (e *Engine) Ping(ctx context.Context) error { return publicError(e.s.Ping(ctx)) }

// Close releases the engine's Kafka clients (not one given WithClient) and
// closes its DuckDB database (a WithDB file keeps everything committed).
func (e *Engine) Close() error { return e.s.Close() }

// Query runs a statement and streams its rows. The caller must Release the
// Rows; releasing them early stops the scans.
//
// A query (SELECT, set operations) that the scan alone computes — COUNT(*)
// over pushed-down predicates, a projection of source columns — streams
// from the scan; any other runs in the session's DuckDB database over the
// scans' Arrow streams. EXPLAIN returns one "plan" column of text lines;
// SHOW TOPICS, SHOW TABLES and DESCRIBE return their listings; COPY,
// CREATE TABLE AS and INSERT run as with Exec and return one "rows"
// column. Errors in the statement are *QueryError (or
// *UnknownTopicError) with line and column.
//
// args are the values of the statement's parameters, ? (in order) or $n
// (args[n-1]); see Params.
func (e *Engine) Query(ctx context.Context, sql string, args ...any) (*Rows, error) {
	r, err := e.s.Query(ctx, sql, args...)
	if err != nil {
		return nil, publicError(err)
	}
	return &Rows{r: r}, nil
}

// Result reports what a statement run by Exec wrote.
type Result struct {
	// Statement is "COPY", "CREATE TABLE" or "INSERT".
	Statement string
	// Rows is the number of rows written.
	Rows int64
	// Files are the files a COPY wrote: its target, or a per-task export's
	// parts and manifest.
	Files []string
	// Scan holds the statistics of the statement's scans, merged; nil when
	// it read no topic.
	Scan *Stats
}

// Exec runs a statement that writes: COPY (query) TO 'path' (...), CREATE
// TABLE name AS query, INSERT INTO name query. CREATE and INSERT commit in
// one DuckDB transaction: when the statement fails part-way (data loss
// under failOnDataLoss=true, cancellation) the table is as it was. A COPY
// to a file writes a temporary file renamed onto the target only when
// complete, so the target is whole or absent; a per-task COPY writes its
// manifest last. Targets may be local paths or object storage
// (s3://bucket/prefix, gs://, azblob://), where an object is likewise
// visible only when whole. COPY ... (INCREMENTAL true) continues from the
// destination's committed runs; Result.Scan.Export lists what a per-task
// export wrote. args are the values of the statement's parameters (see
// Query).
func (e *Engine) Exec(ctx context.Context, sql string, args ...any) (*Result, error) {
	r, err := e.s.Exec(ctx, sql, args...)
	if err != nil {
		return nil, publicError(err)
	}
	return publicResult(r), nil
}

func publicResult(r *runner.Result) *Result {
	return &Result{Statement: r.Statement, Rows: r.Rows, Files: r.Files, Scan: publicStats(r.Scan)}
}

// Explain plans a statement (with or without a leading EXPLAIN) without
// reading any records: the plan after pushdown and its tasks, with offsets
// resolved now. args are the values of the statement's parameters, which
// push down as constants do (see Query).
func (e *Engine) Explain(ctx context.Context, sql string, args ...any) (*Plan, error) {
	q, err := e.s.Explain(ctx, sql, args...)
	if err != nil {
		return nil, publicError(err)
	}
	return newPlan(q), nil
}
