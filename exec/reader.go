package exec

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kq-sql/kq/plan"
)

const (
	// fetchMaxBytes bounds one fetch response; partitionMaxBytes one
	// partition in it. Brokers return at least one whole batch regardless.
	fetchMaxBytes     = 16 << 20
	partitionMaxBytes = 4 << 20
	// maxPartitionBytes is how far partitionMaxBytes grows when a response
	// holds only part of one batch.
	maxPartitionBytes = 256 << 20
	// fetchMaxWait is how long a broker may hold a fetch with no data.
	fetchMaxWait = 500 * time.Millisecond
	// maxAttempts bounds retries of one fetch or offset lookup.
	maxAttempts = 20
	// maxIdleFetches bounds fetches in a row that return nothing while the
	// range is not done (each waits up to fetchMaxWait at the broker).
	maxIdleFetches = 20
)

// errLimitReached ends a task when the query's LIMIT has its rows.
var errLimitReached = errors.New("limit reached")

// worker reads tasks with one Kafka client. It is used by one goroutine.
type worker struct {
	cl   *kgo.Client
	adm  *kadm.Client
	scan *plan.Scan
	cfg  *Config

	readCommitted bool
	decomp        kgo.Decompressor
	meta          map[string]kadm.TopicDetail

	rows *rowBuilder // nil for count-only scans
	emit func(context.Context, arrow.RecordBatch) error
	rec  record

	limit  *limiter  // nil without LIMIT
	meter  *meter    // nil when sampling
	warned *warnOnce // data-loss warnings of the scan
	// visit, when set, receives every record read instead of a row
	// builder (schema sampling).
	visit func(r *record)
}

// newWorker returns a worker that reads scan s's tasks with cl, under
// the scan's isolation level; lim is the query's LIMIT (nil for none).
// Callers set the output hooks (emit, visit, meter) they need.
func newWorker(cl *kgo.Client, s *plan.Scan, cfg *Config, lim *limiter) *worker {
	return &worker{
		cl: cl, adm: kadm.NewClient(cl), scan: s, cfg: cfg,
		readCommitted: s.Options.IsolationLevel != plan.ReadUncommitted,
		decomp:        kgo.DefaultDecompressor(),
		meta:          map[string]kadm.TopicDetail{},
		limit:         lim,
	}
}

// taskState is the progress of one task.
type taskState struct {
	t   plan.Task
	pos int64
	st  TaskStats
}

// run reads t's range [From, Until) to the end. A task ends when the
// position reaches Until, never by waiting for the record at Until-1:
// transaction markers, aborted records and compaction leave offsets
// without rows.
func (w *worker) run(ctx context.Context, t plan.Task) (TaskStats, error) {
	start := time.Now()
	ts := &taskState{t: t, pos: t.From, st: emptyTaskStats(t)}
	if w.rows != nil {
		w.rows.topic, w.rows.partition = []byte(t.Topic), t.Partition
	}
	err := w.read(ctx, ts)
	// Offsets passed without a row, a marker, an aborted record or a loss
	// are gaps (compaction, deleted records inside the range).
	end := min(ts.pos, t.Until)
	ts.st.GapRecords = (end - t.From) - ts.st.Rows - ts.st.ControlRecords - ts.st.AbortedRecords - ts.st.FilteredRecords - ts.st.RecordsLost
	if ts.st.GapRecords < 0 { // a LIMIT stopped the task part-way through a batch
		ts.st.GapRecords = 0
	}
	ts.st.Elapsed = time.Since(start)
	ts.st.ElapsedMs = ts.st.Elapsed.Milliseconds()
	return ts.st, err
}

// emptyTaskStats are the statistics of task t before it runs.
func emptyTaskStats(t plan.Task) TaskStats {
	ts := TaskStats{Range: t.Range, AdjustedFrom: t.From}
	ts.EstimatedRows = t.Size()
	return ts
}

func (w *worker) emptyStats(t plan.Task) TaskStats { return emptyTaskStats(t) }

// discard drops the rows built but not yet flushed (after a failed task).
func (w *worker) discard() {
	if w.rows == nil {
		return
	}
	if rec := w.rows.flush(); rec != nil {
		rec.Release()
	}
}

func (w *worker) read(ctx context.Context, ts *taskState) error {
	t := ts.t
	idle := 0
	maxBytes := w.cfg.FetchBytes
	for ts.pos < t.Until {
		if w.limit != nil && w.limit.done() {
			return errLimitReached
		}
		p, err := w.fetch(ctx, t.Topic, t.Partition, ts.pos, maxBytes)
		if err != nil {
			return err
		}
		ts.st.Fetches++
		switch perr := kerr.ErrorForCode(p.ErrorCode); {
		case perr == nil:
		case errors.Is(perr, kerr.OffsetOutOfRange):
			if err := w.outOfRange(ctx, ts); err != nil {
				return err
			}
			continue
		default:
			return fmt.Errorf("fetch %s-%d at offset %d: %w", t.Topic, t.Partition, ts.pos, perr)
		}
		before, rows, bytes := ts.pos, ts.st.Rows, ts.st.Bytes
		truncated, err := w.consume(ctx, ts, p)
		if w.meter != nil {
			w.meter.rows.Add(ts.st.Rows - rows)
			w.meter.bytes.Add(ts.st.Bytes - bytes)
		}
		if err != nil {
			return err
		}
		if ts.pos > before {
			idle = 0
			continue
		}
		if truncated {
			// The response held only part of the batch at pos: a batch
			// larger than the partition limit from a broker that does
			// not return at least one whole batch. Ask for more.
			if maxBytes >= maxPartitionBytes {
				// Also a corrupt batch length: never loop.
				return fmt.Errorf("fetch %s-%d at offset %d: record batch larger than %d bytes", t.Topic, t.Partition, ts.pos, maxPartitionBytes)
			}
			maxBytes = min(2*maxBytes, maxPartitionBytes)
			continue
		}
		// Nothing at or after pos came back. If the log ends at or before
		// pos, the rest of the range is gone; otherwise the broker had
		// nothing ready yet (slow or lagging): fetch again, a bounded
		// number of times.
		end := p.HighWatermark
		if w.readCommitted && p.LastStableOffset >= 0 {
			end = p.LastStableOffset
		}
		if end <= ts.pos && w.readCommitted && p.HighWatermark > ts.pos {
			// Not loss: an open transaction holds the last stable offset
			// below the range's end (an explicit endingOffsets past it).
			// Wait for it to end, a bounded number of fetches.
			if idle++; idle > maxIdleFetches {
				return fmt.Errorf("fetch %s-%d at offset %d: the offsets up to %d are not committed yet (an open transaction holds the last stable offset at %d)", t.Topic, t.Partition, ts.pos, t.Until, end)
			}
			continue
		}
		if end <= ts.pos {
			if err := w.lost(ts, t.Until); err != nil {
				return err
			}
			continue
		}
		if idle++; idle > maxIdleFetches {
			return fmt.Errorf("fetch %s-%d at offset %d: no progress after %d fetches (log end %d)", t.Topic, t.Partition, ts.pos, idle, end)
		}
	}
	return nil
}

// consume walks the record batches of one fetch response, advancing the
// task's position past every batch it sees. truncated reports a partial
// batch at the end of the response.
func (w *worker) consume(ctx context.Context, ts *taskState, p *kmsg.FetchResponseTopicPartition) (truncated bool, err error) {
	t := ts.t
	var ab *abortedTxns
	if w.readCommitted && len(p.AbortedTransactions) > 0 {
		ab = newAbortedTxns(p.AbortedTransactions)
	}
	buf := p.RecordBatches
	for len(buf) > 0 && ts.pos < t.Until {
		h, batch, rest, err := nextBatch(buf)
		if errors.Is(err, errTruncated) {
			return true, nil
		}
		if err != nil {
			return false, fmt.Errorf("%s-%d: %w", t.Topic, t.Partition, err)
		}
		buf = rest
		last := h.lastOffset()
		if ab != nil {
			// Every batch, also those before pos, moves the walk: a
			// transaction's first offset may lie in a batch before pos.
			ab.advance(last)
		}
		if last < ts.pos {
			if ab != nil && h.isControl() {
				ab.end(h.ProducerID)
			}
			continue
		}
		ts.st.Bytes += int64(len(batch))
		switch {
		case h.isControl():
			n, err := w.countInRange(&h, batch, ts.pos, t.Until)
			if err != nil {
				return false, fmt.Errorf("%s-%d: %w", t.Topic, t.Partition, err)
			}
			ts.st.ControlRecords += n
			if ab != nil {
				ab.end(h.ProducerID)
			}
		case w.readCommitted && h.isTransactional() && ab != nil && ab.aborted(h.ProducerID):
			n, err := w.countInRange(&h, batch, ts.pos, t.Until)
			if err != nil {
				return false, fmt.Errorf("%s-%d: %w", t.Topic, t.Partition, err)
			}
			ts.st.AbortedRecords += n
		default:
			if err := w.records(ctx, ts, &h, batch); err != nil {
				return false, err
			}
		}
		ts.pos = max(ts.pos, last+1)
	}
	return false, nil
}

// records reads the data records of one batch that fall inside the task.
func (w *worker) records(ctx context.Context, ts *taskState, h *batchHeader, batch []byte) error {
	t := ts.t
	whole := h.BaseOffset >= ts.pos && h.lastOffset() < t.Until
	tsf := w.scan.Timestamp
	if w.rows == nil && w.limit == nil && w.visit == nil && whole {
		// Count-only and the batch lies wholly inside the range: the
		// header's record count is exact (compaction rewrites it), when
		// the timestamp bounds take all of the batch or none of it.
		switch batchInTime(h, tsf) {
		case timeAll:
			ts.st.Rows += int64(h.NumRecords)
			return nil
		case timeNone:
			ts.st.FilteredRecords += int64(h.NumRecords)
			return nil
		}
	}
	body, err := w.body(h, batch)
	if err != nil {
		return fmt.Errorf("%s-%d: %w", t.Topic, t.Partition, err)
	}
	dec := recordDecoder{buf: body, h: h}
	wantHeaders := w.scan.Options.IncludeHeaders
	if w.rows != nil {
		w.rows.tsType = h.timestampType()
	}
	for dec.next(&w.rec, wantHeaders) {
		off := w.rec.Offset
		if off < ts.pos || off >= t.Until {
			continue
		}
		if !tsf.Contains(w.rec.Timestamp) {
			ts.st.FilteredRecords++
			continue
		}
		if w.limit != nil && !w.limit.take() {
			ts.pos = off
			return errLimitReached
		}
		ts.st.Rows++
		if w.visit != nil {
			w.visit(&w.rec)
		}
		if w.rows == nil {
			continue
		}
		if part, err := w.rows.append(&w.rec); err != nil {
			ts.st.DecodeErrors++
			if w.scan.Options.OnDecodeError == plan.OnDecodeErrorFail {
				return &DecodeError{Topic: t.Topic, Partition: t.Partition, Offset: off, Part: part, Err: err}
			}
		}
		if w.rows.full(w.cfg.BatchRows) {
			if err := w.flush(ctx); err != nil {
				return err
			}
		}
	}
	if dec.err != nil {
		return fmt.Errorf("%s-%d: batch at offset %d: %w", t.Topic, t.Partition, h.BaseOffset, dec.err)
	}
	return nil
}

// How a batch's records fall within timestamp bounds.
const (
	timeSome = iota // some may be in, some out: look at each record
	timeAll
	timeNone
)

// batchInTime tells from a batch header whether its records all lie within
// the timestamp bounds iv, or none does. With log-append time every record
// has the batch's MaxTimestamp; with create time only the maximum is
// known, which decides upper bounds alone.
func batchInTime(h *batchHeader, iv plan.Interval) int {
	switch {
	case !iv.Bounded():
		return timeAll
	case h.timestampType() == 1 && iv.Contains(h.MaxTimestamp):
		return timeAll
	case h.timestampType() == 1:
		return timeNone
	case !iv.HasFrom && h.MaxTimestamp < iv.Until:
		return timeAll
	}
	return timeSome
}

// flush hands the rows built so far downstream.
func (w *worker) flush(ctx context.Context) error {
	if w.rows == nil {
		return nil
	}
	rec := w.rows.flush()
	if rec == nil {
		return nil
	}
	return w.emit(ctx, rec)
}

// body returns the decompressed records of a batch.
func (w *worker) body(h *batchHeader, batch []byte) ([]byte, error) {
	raw := batch[batchHeaderSize:]
	if h.codec() == 0 {
		return raw, nil
	}
	out, err := w.decomp.Decompress(raw, kgo.CompressionCodecType(h.codec()))
	if err != nil {
		return nil, fmt.Errorf("batch at offset %d: decompress: %w", h.BaseOffset, err)
	}
	return out, nil
}

// countInRange counts the records of a batch whose offsets are in [lo, hi).
func (w *worker) countInRange(h *batchHeader, batch []byte, lo, hi int64) (int64, error) {
	if h.BaseOffset >= lo && h.lastOffset() < hi {
		return int64(h.NumRecords), nil
	}
	body, err := w.body(h, batch)
	if err != nil {
		return 0, err
	}
	dec := recordDecoder{buf: body, h: h}
	var n int64
	var r record
	for dec.next(&r, false) {
		if r.Offset >= lo && r.Offset < hi {
			n++
		}
	}
	return n, dec.err
}

// outOfRange handles OFFSET_OUT_OF_RANGE at the task's position: records
// below the log start offset are data loss; a position at or past the log
// end means the rest of the range vanished.
func (w *worker) outOfRange(ctx context.Context, ts *taskState) error {
	t := ts.t
	starts, err := w.listOffsets(ctx, w.adm.ListStartOffsets, t.Topic, t.Partition)
	if err != nil {
		return err
	}
	if ts.pos < starts {
		return w.lost(ts, min(starts, t.Until))
	}
	ends, err := w.listOffsets(ctx, w.adm.ListEndOffsets, t.Topic, t.Partition)
	if err != nil {
		return err
	}
	if ts.pos >= ends {
		return w.lost(ts, t.Until)
	}
	// The offset exists again (a leader change raced the fetch): retry.
	return nil
}

// lost records that [pos, to) cannot be read: an error under
// failOnDataLoss, else a warning (once per partition) and a skip.
func (w *worker) lost(ts *taskState, to int64) error {
	t := ts.t
	if !w.scan.Options.FailOnDataLoss {
		if w.warned == nil {
			w.warned = &warnOnce{}
		}
		w.warned.dataLoss(w.cfg, t.Topic, t.Partition, ts.pos, to)
		ts.st.RecordsLost += to - ts.pos
		if ts.pos == ts.st.AdjustedFrom {
			ts.st.AdjustedFrom = to
		}
		ts.pos = to
		return nil
	}
	return &DataLossError{Topic: t.Topic, Partition: t.Partition, From: ts.pos, To: to}
}

func (w *worker) listOffsets(ctx context.Context, list func(context.Context, ...string) (kadm.ListedOffsets, error), topic string, partition int32) (int64, error) {
	var lastErr error
	deadline := time.Now().Add(w.cfg.RetryTimeout)
	for attempt := 0; attempt < maxAttempts && (attempt == 0 || time.Now().Before(deadline)); attempt++ {
		if attempt > 0 {
			if err := sleep(ctx, backoff(attempt)); err != nil {
				return 0, err
			}
		}
		actx, cancel := context.WithDeadline(ctx, deadline.Add(fetchMaxWait))
		l, err := list(actx, topic)
		cancel()
		if err != nil {
			lastErr = err
			if ctx.Err() != nil {
				return 0, ctx.Err()
			}
			continue
		}
		o, ok := l.Lookup(topic, partition)
		if !ok {
			return 0, fmt.Errorf("list offsets of %s-%d: partition not found", topic, partition)
		}
		if o.Err != nil {
			lastErr = o.Err
			if kerr.IsRetriable(o.Err) {
				continue
			}
			return 0, fmt.Errorf("list offsets of %s-%d: %w", topic, partition, o.Err)
		}
		return o.Offset, nil
	}
	return 0, fmt.Errorf("list offsets of %s-%d: giving up after %v: %w", topic, partition, w.cfg.RetryTimeout, lastErr)
}

// fetch issues one fetch of (topic, partition) at offset to the
// partition's leader, retrying connection failures and retriable errors.
func (w *worker) fetch(ctx context.Context, topic string, partition int32, offset int64, maxBytes int32) (*kmsg.FetchResponseTopicPartition, error) {
	var lastErr error
	deadline := time.Now().Add(w.cfg.RetryTimeout)
	for attempt := 0; attempt < maxAttempts && (attempt == 0 || time.Now().Before(deadline)); attempt++ {
		if attempt > 0 {
			if err := sleep(ctx, backoff(attempt)); err != nil {
				return nil, err
			}
		}
		// One attempt may not outlast the retry budget (a broker that
		// accepts connections but never answers).
		actx, cancel := context.WithDeadline(ctx, deadline.Add(fetchMaxWait))
		p, err := w.fetchOnce(actx, topic, partition, offset, maxBytes)
		cancel()
		if err == nil {
			return p, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if lastErr == nil || !errors.Is(err, context.DeadlineExceeded) {
			// Keep the broker's failure rather than the deadline that
			// cut the last attempt short.
			lastErr = err
		}
		if !retriable(err) && !errors.Is(err, context.DeadlineExceeded) {
			return nil, err
		}
		delete(w.meta, topic) // the leader may have moved
	}
	return nil, fmt.Errorf("fetch %s-%d at offset %d: giving up after %v: %w", topic, partition, offset, w.cfg.RetryTimeout, lastErr)
}

func (w *worker) fetchOnce(ctx context.Context, topic string, partition int32, offset int64, maxBytes int32) (*kmsg.FetchResponseTopicPartition, error) {
	td, err := w.topic(ctx, topic)
	if err != nil {
		return nil, err
	}
	pd, ok := td.Partitions[partition]
	if !ok {
		return nil, fmt.Errorf("%s-%d: partition does not exist", topic, partition)
	}
	if pd.Err != nil {
		return nil, fmt.Errorf("%s-%d: %w", topic, partition, pd.Err)
	}
	req := kmsg.NewPtrFetchRequest()
	req.ReplicaID = -1
	req.MaxWaitMillis = int32(fetchMaxWait / time.Millisecond)
	req.MinBytes = 1
	req.MaxBytes = max(fetchMaxBytes, maxBytes)
	if w.readCommitted {
		req.IsolationLevel = 1
	}
	req.SessionID = 0
	req.SessionEpoch = -1
	rt := kmsg.NewFetchRequestTopic()
	rt.Topic = topic
	rt.TopicID = td.ID
	rp := kmsg.NewFetchRequestTopicPartition()
	rp.Partition = partition
	rp.FetchOffset = offset
	rp.CurrentLeaderEpoch = -1
	rp.LastFetchedEpoch = -1
	rp.LogStartOffset = -1
	rp.PartitionMaxBytes = maxBytes
	rt.Partitions = append(rt.Partitions, rp)
	req.Topics = append(req.Topics, rt)

	kresp, err := w.cl.Broker(int(pd.Leader)).Request(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s-%d from broker %d: %w", topic, partition, pd.Leader, err)
	}
	resp := kresp.(*kmsg.FetchResponse)
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		return nil, fmt.Errorf("fetch %s-%d: %w", topic, partition, err)
	}
	for i := range resp.Topics {
		rt := &resp.Topics[i]
		if rt.Topic != topic && rt.TopicID != td.ID {
			continue
		}
		for j := range rt.Partitions {
			p := &rt.Partitions[j]
			if p.Partition != partition {
				continue
			}
			if perr := kerr.ErrorForCode(p.ErrorCode); perr != nil && !errors.Is(perr, kerr.OffsetOutOfRange) {
				return nil, fmt.Errorf("fetch %s-%d: %w", topic, partition, perr)
			}
			return p, nil
		}
	}
	return nil, fmt.Errorf("fetch %s-%d: partition missing from the response", topic, partition)
}

// topic returns cached metadata for topic, loading it when missing.
func (w *worker) topic(ctx context.Context, topic string) (kadm.TopicDetail, error) {
	if td, ok := w.meta[topic]; ok {
		return td, nil
	}
	m, err := w.adm.Metadata(ctx, topic)
	if err != nil {
		return kadm.TopicDetail{}, fmt.Errorf("metadata for %s: %w", topic, err)
	}
	td, ok := m.Topics[topic]
	if !ok {
		return td, fmt.Errorf("metadata for %s: topic missing", topic)
	}
	if td.Err != nil {
		return td, fmt.Errorf("metadata for %s: %w", topic, td.Err)
	}
	w.meta[topic] = td
	return td, nil
}

func retriable(err error) bool {
	var ke *kerr.Error
	if errors.As(err, &ke) {
		return ke.Retriable || errors.Is(err, kerr.UnknownTopicOrPartition)
	}
	// Connection-level failures (dropped connections, timeouts) are
	// retried; errors the request never left for (context) are not.
	return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

func backoff(attempt int) time.Duration {
	d := 50 * time.Millisecond << min(attempt-1, 5)
	return min(d, time.Second)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// abortedTxns tracks which producers' transactions are aborted as a fetch
// response's batches are walked in offset order (the Java consumer's
// algorithm): a producer becomes aborted when the walk reaches the first
// offset of one of its aborted transactions and stops being aborted at its
// next control batch.
type abortedTxns struct {
	pending []kmsg.FetchResponseTopicPartitionAbortedTransaction // by FirstOffset
	active  map[int64]bool
}

func newAbortedTxns(list []kmsg.FetchResponseTopicPartitionAbortedTransaction) *abortedTxns {
	p := append([]kmsg.FetchResponseTopicPartitionAbortedTransaction(nil), list...)
	sort.Slice(p, func(i, j int) bool { return p[i].FirstOffset < p[j].FirstOffset })
	return &abortedTxns{pending: p, active: map[int64]bool{}}
}

// advance activates aborted transactions that start at or before last.
func (a *abortedTxns) advance(last int64) {
	for len(a.pending) > 0 && a.pending[0].FirstOffset <= last {
		a.active[a.pending[0].ProducerID] = true
		a.pending = a.pending[1:]
	}
}

func (a *abortedTxns) aborted(producerID int64) bool { return a.active[producerID] }
func (a *abortedTxns) end(producerID int64)          { delete(a.active, producerID) }
