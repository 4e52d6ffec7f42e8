package scan

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"sort"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kgo"
	"golang.org/x/sync/errgroup"

	"github.com/kq-sql/kq/internal/decode"
	"github.com/kq-sql/kq/internal/fetch"
	"github.com/kq-sql/kq/internal/formats"
	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/internal/stats"
)

// Config says how scans run. NewClient is required; the other fields have
// defaults.
type Config struct {
	// NewClient returns the Kafka client one worker uses for all of its
	// tasks, and a function the scan calls when the worker is done with it.
	NewClient func() (*kgo.Client, func(), error)
	// Workers is how many tasks run at once; default runtime.GOMAXPROCS(0).
	Workers int
	// Allocator allocates Arrow memory; default memory.DefaultAllocator.
	Allocator memory.Allocator
	// Logger receives warnings (data loss under failOnDataLoss=false);
	// default slog.Default().
	Logger *slog.Logger
	// BatchRows is the number of rows per Arrow record batch; default 8192.
	BatchRows int
	// Buffer is how many record batches may wait between the workers and
	// the reader before workers block (backpressure); default 2×Workers.
	// A scan holds at most Buffer+Workers batches (plus each worker's
	// fetch response) whatever the topic size.
	Buffer int
	// FetchBytes is the most record-batch bytes one fetch asks for per
	// partition (brokers return at least one whole batch regardless);
	// default 4 MiB.
	FetchBytes int32
	// Progress, when set, is called about ten times a second while the
	// scan runs and once at its end, from one goroutine. It must be quick.
	Progress func(Progress)
	// PerTask, when set, gives each task its own output: the task's rows
	// go to the TaskWriter it returns (see TaskWriter) instead of the
	// stream, which then yields no rows. It is called by the worker that
	// starts the task.
	PerTask func(ctx context.Context, t plan.Task) (TaskWriter, error)
	// Formats decides how schema-driven values and keys (Avro, Protobuf,
	// JSON Schema) decode; nil has no registry (schemas given in the
	// query only).
	Formats *formats.Resolver
	// RetryTimeout bounds how long one fetch or offset lookup is retried
	// (dropped connections, retriable errors, an unreachable broker)
	// before the scan fails; default (0) 10 s; negative: as long as the
	// context allows.
	RetryTimeout time.Duration
}

func (c *Config) withDefaults() {
	if c.Workers <= 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	if c.Allocator == nil {
		c.Allocator = memory.DefaultAllocator
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.BatchRows <= 0 {
		c.BatchRows = 8192
	}
	if c.RetryTimeout == 0 {
		c.RetryTimeout = fetch.DefaultRetryTimeout
	}
	if c.FetchBytes <= 0 {
		c.FetchBytes = fetch.DefaultFetchBytes
	}
	if c.Buffer <= 0 {
		c.Buffer = 2 * c.Workers
	}
}

// Stream is a running scan. It is an array.RecordReader over the scan's
// rows (none for a count-only scan); Stats is valid once Next has returned
// false. Release stops the scan if it is still running.
type Stream struct {
	schema *arrow.Schema
	layout *decode.Layout
	ch     chan arrow.RecordBatch
	cancel context.CancelFunc
	done   chan struct{}
	refs   atomic.Int64

	cur   arrow.RecordBatch
	err   error
	stats *stats.Stats
}

// Start starts scan s, which must have been resolved (plan.Resolve). The
// returned stream owns the workers; read it to the end or Release it.
func Start(ctx context.Context, s *plan.Scan, cfg *Config) (*Stream, error) {
	l, err := layoutOf(ctx, s, cfg)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	st := &Stream{schema: l.Schema(), layout: l, ch: make(chan arrow.RecordBatch, cfg.Buffer), cancel: cancel, done: make(chan struct{})}
	st.refs.Store(1)
	go st.run(ctx, s, cfg)
	return st, nil
}

func (st *Stream) run(ctx context.Context, s *plan.Scan, cfg *Config) {
	defer close(st.done)
	defer close(st.ch)
	start := time.Now()

	// Largest tasks first, so the long ones do not start last.
	order := make([]int, len(s.Tasks))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return s.Tasks[order[a]].Size() > s.Tasks[order[b]].Size() })
	next := make(chan int, len(order))
	for _, i := range order {
		next <- i
	}
	close(next)

	var lim *limiter
	if s.Limit >= 0 {
		lim = &limiter{}
		lim.left.Store(s.Limit)
	}
	all := &stats.Stats{Tasks: make([]stats.TaskStats, len(s.Tasks))}
	m := &meter{tasks: len(s.Tasks), start: start}
	warned := &warnOnce{}
	for i, t := range s.Tasks {
		all.Tasks[i] = fetch.NewTaskStats(t.Range)
		m.estimated += t.Size()
	}
	stopProgress := make(chan struct{})
	progressDone := make(chan struct{})
	if cfg.Progress != nil {
		go func() {
			defer close(progressDone)
			m.report(stopProgress, cfg.Progress)
		}()
	} else {
		close(progressDone)
	}

	g, gctx := errgroup.WithContext(ctx)
	for range min(cfg.Workers, max(len(s.Tasks), 1)) {
		g.Go(func() error {
			cl, release, err := cfg.NewClient()
			if err != nil {
				return fmt.Errorf("kafka client: %w", err)
			}
			defer release()
			w := newWorker(cl, s, cfg, lim, m, warned)
			w.emit = st.send
			if !s.CountOnly {
				if w.rows, err = decode.NewBuilder(cfg.Allocator, st.layout); err != nil {
					return err
				}
				defer w.rows.Release()
			}
			for i := range next {
				var ts stats.TaskStats
				if cfg.PerTask != nil {
					ts, err = w.runPerTask(gctx, s.Tasks[i])
				} else {
					ts, err = w.runTask(gctx, s.Tasks[i])
				}
				all.Tasks[i] = ts
				m.tasksDone.Add(1)
				if isStop(err) {
					break
				}
				if err != nil {
					w.discard()
					return err
				}
			}
			return w.flush(gctx)
		})
	}
	err := g.Wait()
	close(stopProgress)
	<-progressDone
	all.Finish(time.Since(start))
	st.stats = all
	st.err = err
}

// send passes a record downstream, blocking while the buffer is full.
func (st *Stream) send(ctx context.Context, rec arrow.RecordBatch) error {
	select {
	case st.ch <- rec:
		return nil
	case <-ctx.Done():
		rec.Release()
		return ctx.Err()
	}
}

// Schema implements array.RecordReader.
func (st *Stream) Schema() *arrow.Schema { return st.schema }

// Fields returns every field the scan's source offers, by part, whether
// or not the query reads it (decode.Layout.Available): what its columns
// may be named.
func (st *Stream) Fields() plan.SourceFields {
	return plan.SourceFields{Value: st.layout.Available(plan.PartValue), Key: st.layout.Available(plan.PartKey)}
}

// Next implements array.RecordReader. The previous record is released.
func (st *Stream) Next() bool {
	if st.cur != nil {
		st.cur.Release()
		st.cur = nil
	}
	rec, ok := <-st.ch
	if !ok {
		<-st.done
		return false
	}
	st.cur = rec
	return true
}

// RecordBatch implements array.RecordReader. The batch is valid until the
// next call to Next; Retain it to keep it longer.
func (st *Stream) RecordBatch() arrow.RecordBatch { return st.cur }

// Record implements array.RecordReader.
//
// Deprecated: use RecordBatch.
func (st *Stream) Record() arrow.RecordBatch { return st.cur }

// Err returns the error that ended the scan, if any. It is valid once Next
// has returned false.
//
// Before the scan has ended Err returns nil; it is safe to call from any
// goroutine at any time.
func (st *Stream) Err() error {
	select {
	case <-st.done:
		return st.err
	default:
		return nil
	}
}

// Stats returns the scan's statistics once Next has returned false (or
// after Wait); nil before.
func (st *Stream) Stats() *stats.Stats {
	select {
	case <-st.done:
		return st.stats
	default:
		return nil
	}
}

// Wait reads the scan to its end, discarding rows, and returns its error.
// It is how count-only scans are run.
func (st *Stream) Wait() error {
	for st.Next() {
	}
	return st.err
}

// Retain implements array.RecordReader.
func (st *Stream) Retain() { st.refs.Add(1) }

// Release implements array.RecordReader. The last Release stops the scan if
// it is still running and waits for its workers to exit.
func (st *Stream) Release() {
	if st.refs.Add(-1) != 0 {
		return
	}
	st.cancel()
	if st.cur != nil {
		st.cur.Release()
		st.cur = nil
	}
	for rec := range st.ch {
		rec.Release()
	}
	<-st.done
}
