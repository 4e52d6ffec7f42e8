package scan

import (
	"context"
	"errors"
	"time"

	"github.com/kq-sql/kq/internal/fetch"
	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/internal/stats"
)

// maxTailOffsets bounds the offsets a backward probe remembers (8 MiB);
// past it the probe finds its window and the read starts at the window's
// start, returning the window's extra rows too (the query's ORDER BY and
// LIMIT or QUALIFY drop them).
const maxTailOffsets = 1 << 20

// probeFetchBytes bounds the partition bytes of a probe's fetch: its
// windows start small, and a fetch returns whole batches from the one
// holding the window's start up to this many bytes, past the window's
// end too.
const probeFetchBytes = 1 << 20

// minProbeWindow is the smallest window a probe counts rows in: counting
// costs little (whole batches inside a window are counted from their
// headers), fetches cost a round trip each.
const minProbeWindow = 1024

// runTask runs task t: as a top-N read when the scan has one (plan.TopN),
// else to its end (run).
func (w *worker) runTask(ctx context.Context, t plan.Task) (stats.TaskStats, error) {
	top := w.scan.TopN
	switch {
	case top == nil:
		return w.run(ctx, t)
	case top.Desc:
		return w.runTail(ctx, t, top.N)
	}
	return w.runHead(ctx, t, top.N)
}

// runHead reads the first n rows of task t: forwards from its start,
// ending at the next record after the n-th row, or with the fetch
// response that holds the n-th row. The statistics are those of the range
// read, [From, where it stopped).
func (w *worker) runHead(ctx context.Context, t plan.Task, n int64) (stats.TaskStats, error) {
	st := fetch.NewTaskStats(t.Range)
	if n <= 0 {
		st.Until, st.EstimatedRows = t.From, 0
		return st, nil
	}
	if w.rows != nil {
		w.rows.SetTask(t.Topic, t.Partition)
	}
	taken := int64(0)
	w.headFull = false
	err := w.rd.Read(ctx, t.Range, &st, func(r *fetch.Record) error {
		if taken == n {
			return fetch.ErrStop
		}
		taken++
		err := w.record(ctx, t, &st, r)
		w.headFull = taken == n
		return err
	})
	if errors.Is(err, fetch.ErrStop) && taken == n {
		err = nil
	}
	// Every offset passed is a row, a marker, an aborted, filtered or
	// lost record, or a gap: where the read stopped.
	stop := min(t.Until, t.From+st.Rows+st.ControlRecords+st.AbortedRecords+st.FilteredRecords+st.GapRecords+st.RecordsLost)
	if w.meter != nil {
		w.meter.offsets.Add(t.Until - stop) // not needed: passed
	}
	st.Until, st.EstimatedRows = stop, stop-t.From
	return st, err
}

// runTail reads the last n rows of task t. It first reads the last n
// offsets, [Until-n, Until), building rows. If markers, aborted
// records, compaction gaps or deleted records left that short of n rows,
// a probe walks the range below backwards in windows that double in size
// (from max(n, minProbeWindow) offsets),
// counting the rows each holds, until the rows found reach the rows
// still wanted or the window reaches From; it remembers the offsets of
// the last rows, so that the next read that builds rows starts at the
// wanted row. Should that read find fewer rows than the probe (records
// deleted in between), the rest is looked for below where it started.
// The statistics are those of the range read, [start, Until), with the
// probe's fetches and bytes added.
func (w *worker) runTail(ctx context.Context, t plan.Task, n int64) (stats.TaskStats, error) {
	begin := time.Now()
	total := fetch.NewTaskStats(t.Range)
	total.From, total.AdjustedFrom, total.EstimatedRows = t.Until, t.Until, 0
	until, want := t.Until, n
	var err error
	for first := true; want > 0 && until > t.From && err == nil; first = false {
		// The first read is of the last n offsets, without a probe: on a
		// partition whose tail holds rows only it is the one read.
		start := max(t.From, until-want)
		if !first {
			if start, err = w.tailStart(ctx, t, until, want, &total); err != nil {
				break
			}
		}
		r := t
		r.From, r.Until = start, until
		var st stats.TaskStats
		st, err = w.run(ctx, r)
		total.Counters.Add(st.Counters)
		total.From, total.AdjustedFrom = start, st.AdjustedFrom
		want -= st.Rows
		until = start
	}
	total.EstimatedRows = t.Until - total.From
	if w.meter != nil {
		w.meter.offsets.Add(total.From - t.From) // not needed: passed
	}
	total.Elapsed = time.Since(begin)
	total.ElapsedMs = total.Elapsed.Milliseconds()
	return total, err
}

// tailStart returns where the read of the last want rows of [t.From,
// until) starts, adding the probe's fetches and bytes to total.
func (w *worker) tailStart(ctx context.Context, t plan.Task, until, want int64, total *stats.TaskStats) (int64, error) {
	if want >= until-t.From {
		return t.From, nil // the whole rest may be needed
	}
	remember := want <= maxTailOffsets
	var last ring
	window := max(want, minProbeWindow)
	for hi := until; hi > t.From; window *= 2 {
		lo := max(t.From, hi-window)
		r := t.Range
		r.From, r.Until = lo, hi
		st := fetch.NewTaskStats(r)
		var visit fetch.Visit // nil: count only
		if remember {
			last.reset(want)
			visit = func(rec *fetch.Record) error { last.add(rec.Offset); return nil }
		}
		err := w.probe.Read(ctx, r, &st, visit)
		total.Fetches += st.Fetches
		total.Bytes += st.Bytes
		if err != nil {
			return 0, err
		}
		if st.Rows >= want {
			if remember {
				return last.oldest(), nil
			}
			return lo, nil
		}
		want -= st.Rows
		hi = lo
	}
	return t.From, nil
}

// ring keeps the last n offsets added.
type ring struct {
	offs []int64
	next int
	n    int64
}

func (r *ring) reset(n int64) { r.offs, r.next, r.n = r.offs[:0], 0, n }

func (r *ring) add(off int64) {
	if int64(len(r.offs)) < r.n {
		r.offs = append(r.offs, off)
		return
	}
	r.offs[r.next] = off
	r.next = (r.next + 1) % len(r.offs)
}

// oldest returns the first of the offsets kept; the ring must be full.
func (r *ring) oldest() int64 { return r.offs[r.next] }
