package scan

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq/internal/decode"
	"github.com/kq-sql/kq/internal/fetch"
	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/internal/stats"
)

// worker runs tasks with one Kafka client: a fetch.Reader for the records,
// a decode.Builder for the rows (nil for count-only scans). It is used by
// one goroutine.
type worker struct {
	rd   *fetch.Reader
	scan *plan.Scan
	cfg  *Config

	rows *decode.Builder // nil for count-only scans and sampling
	emit func(context.Context, arrow.RecordBatch) error
	// visit, when set, receives every record read instead of a row
	// builder (schema sampling).
	visit func(r *fetch.Record)
	limit *limiter // nil without LIMIT
	// probe counts the rows of windows of a range without building
	// them or reporting progress; set for scans that read tails
	// (plan.TopN with Desc).
	probe *fetch.Reader
	meter *meter // nil when sampling
	// headFull is set when the task being read has the rows a top-N from
	// the start wants: the reader fetches no more (runHead).
	headFull bool
}

// newWorker returns a worker that reads scan s's tasks with cl under the
// scan's options; lim is the query's LIMIT (nil for none), m the scan's
// progress meter and warned its data-loss warnings (nil when sampling).
func newWorker(cl *kgo.Client, s *plan.Scan, cfg *Config, lim *limiter, m *meter, warned *warnOnce) *worker {
	o := fetch.Options{
		ReadCommitted:  s.Options.IsolationLevel != plan.ReadUncommitted,
		FailOnDataLoss: s.Options.FailOnDataLoss,
		Headers:        s.Options.IncludeHeaders,
		Timestamp:      s.Timestamp,
		FetchBytes:     cfg.FetchBytes,
		RetryTimeout:   cfg.RetryTimeout,
	}
	w := &worker{scan: s, cfg: cfg, limit: lim, meter: m}
	switch {
	case lim != nil:
		o.Done = lim.done
	case s.TopN != nil && !s.TopN.Desc:
		o.Done = func() bool { return w.headFull }
	}
	if m != nil {
		o.OnFetch = func(rows, offsets, bytes int64) {
			m.rows.Add(rows)
			m.offsets.Add(offsets)
			m.bytes.Add(bytes)
		}
	}
	if warned != nil {
		o.OnDataLoss = func(topic string, partition int32, from, to int64) {
			warned.dataLoss(cfg, topic, partition, from, to)
		}
	}
	w.rd = fetch.NewReader(cl, o)
	if s.TopN != nil && s.TopN.Desc {
		po := o
		po.Headers, po.Done, po.OnFetch = false, nil, nil
		po.FetchBytes = min(po.FetchBytes, probeFetchBytes)
		w.probe = fetch.NewReader(cl, po)
	}
	return w
}

// run reads task t to its end (see fetch.Reader.Read), building rows or
// visiting records. It returns fetch.ErrStop when the LIMIT ended it.
func (w *worker) run(ctx context.Context, t plan.Task) (stats.TaskStats, error) {
	st := fetch.NewTaskStats(t.Range)
	if w.rows != nil {
		w.rows.SetTask(t.Topic, t.Partition)
	}
	var visit fetch.Visit
	if w.rows != nil || w.limit != nil || w.visit != nil {
		visit = func(r *fetch.Record) error { return w.record(ctx, t, &st, r) }
	}
	err := w.rd.Read(ctx, t.Range, &st, visit)
	return st, err
}

// record takes one record: the LIMIT's budget, then the sampler or the
// row builder (a decode error is counted, or fails the task under
// onDecodeError='fail'), flushing full batches downstream.
func (w *worker) record(ctx context.Context, t plan.Task, st *stats.TaskStats, r *fetch.Record) error {
	if w.limit != nil && !w.limit.take() {
		return fetch.ErrStop
	}
	if w.visit != nil {
		w.visit(r)
	}
	if w.rows == nil {
		return nil
	}
	if part, err := w.rows.Append(r); err != nil {
		st.DecodeErrors++
		if w.scan.Options.OnDecodeError == plan.OnDecodeErrorFail {
			return &decode.DecodeError{Topic: t.Topic, Partition: t.Partition, Offset: r.Offset, Part: part, Err: err}
		}
	}
	if w.rows.Full(w.cfg.BatchRows) {
		return w.flush(ctx)
	}
	return nil
}

// flush hands the rows built so far downstream.
func (w *worker) flush(ctx context.Context) error {
	if w.rows == nil {
		return nil
	}
	rec := w.rows.Flush()
	if rec == nil {
		return nil
	}
	return w.emit(ctx, rec)
}

// discard drops the rows built but not yet flushed (after a failed task).
func (w *worker) discard() {
	if w.rows == nil {
		return
	}
	if rec := w.rows.Flush(); rec != nil {
		rec.Release()
	}
}

// warnOnce remembers the partitions a scan has warned about.
type warnOnce struct{ seen sync.Map } // "topic-partition" -> true

func (o *warnOnce) dataLoss(c *Config, topic string, partition int32, from, to int64) {
	key := fmt.Sprintf("%s-%d", topic, partition)
	if _, dup := o.seen.LoadOrStore(key, true); dup {
		return
	}
	c.Logger.Warn("data loss: records are no longer available in Kafka; skipping them (failOnDataLoss=false)",
		"topic", topic, "partition", partition, "from", from, "to", to)
}

// limiter hands out at most n rows across all workers.
type limiter struct{ left atomic.Int64 }

func (l *limiter) take() bool { return l.left.Add(-1) >= 0 }
func (l *limiter) done() bool { return l.left.Load() <= 0 }

// isStop reports whether err is the LIMIT's end of a task.
func isStop(err error) bool { return errors.Is(err, fetch.ErrStop) }
