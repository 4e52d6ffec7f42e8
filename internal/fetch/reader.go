package fetch

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/internal/retry"
	"github.com/kq-sql/kq/internal/stats"
)

const (
	// fetchMaxBytes bounds one fetch response; DefaultFetchBytes one
	// partition in it. Brokers return at least one whole batch regardless.
	fetchMaxBytes     = 16 << 20
	DefaultFetchBytes = 4 << 20
	// maxPartitionBytes is how far the partition limit grows when a
	// response holds only part of one batch.
	maxPartitionBytes = 256 << 20
	// fetchMaxWait is how long a broker may hold a fetch with no data.
	fetchMaxWait = 500 * time.Millisecond
	// maxAttempts bounds retries of one fetch or offset lookup.
	maxAttempts = 20
	// maxIdleFetches bounds fetches in a row that return nothing while the
	// range is not done (each waits up to fetchMaxWait at the broker).
	maxIdleFetches = 20
	// DefaultRetryTimeout is Options.RetryTimeout's default.
	DefaultRetryTimeout = 10 * time.Second
)

// ErrStop ends a range early when a Visit returns it: the query's LIMIT has
// its rows. Read returns it after counting what was read before.
var ErrStop = errors.New("fetch: stop")

// Visit receives each data record of a range that lies inside the range
// and the timestamp bounds, in offset order. The record is valid until
// Visit returns. Returning ErrStop ends the range before this record
// (it is not counted); any other error fails the read.
type Visit func(r *Record) error

// Options say how a Reader reads; the zero value reads read_uncommitted
// with every default.
type Options struct {
	// ReadCommitted skips aborted transactions' records (the Java
	// consumer's algorithm) and asks for the last stable offset.
	ReadCommitted bool
	// FailOnDataLoss makes lost records a *DataLossError; otherwise they
	// are skipped, counted (RecordsLost) and reported to OnDataLoss.
	FailOnDataLoss bool
	// Headers decodes record headers into Record.Headers.
	Headers bool
	// Timestamp is a row filter: records outside it are counted as
	// FilteredRecords and not visited. The zero Interval takes all.
	Timestamp plan.Interval
	// FetchBytes is the most record-batch bytes one fetch asks for per
	// partition; default DefaultFetchBytes.
	FetchBytes int32
	// RetryTimeout bounds how long one fetch or offset lookup is retried;
	// default (0) DefaultRetryTimeout; negative: as long as the context
	// allows, with no bound on the attempts either.
	RetryTimeout time.Duration
	// Done, when set, is asked before every fetch; true ends the range
	// with ErrStop (another worker's rows filled the LIMIT).
	Done func() bool
	// OnDataLoss is told of every span skipped under FailOnDataLoss=false.
	OnDataLoss func(topic string, partition int32, from, to int64)
	// OnFetch is told, after each fetch and when a range ends, how many
	// rows, offsets of the range (rows, markers, aborted, filtered, lost
	// records and gaps: what the position advanced) and bytes were added
	// since it was last told. Over a range read to its end the offsets
	// sum to the range's size.
	OnFetch func(rows, offsets, bytes int64)
}

// Reader reads offset ranges of partitions with one Kafka client: raw Fetch
// requests to each partition's leader, the record batches walked by kq
// itself. A Reader is used by one goroutine.
type Reader struct {
	cl     *kgo.Client
	adm    *kadm.Client
	opts   Options
	decomp kgo.Decompressor
	meta   map[string]kadm.TopicDetail
	rec    Record
}

// NewReader returns a Reader that fetches with cl (which the caller owns).
func NewReader(cl *kgo.Client, opts Options) *Reader {
	if opts.FetchBytes <= 0 {
		opts.FetchBytes = DefaultFetchBytes
	}
	if opts.RetryTimeout == 0 {
		opts.RetryTimeout = DefaultRetryTimeout
	}
	return &Reader{cl: cl, adm: kadm.NewClient(cl), opts: opts, decomp: kgo.DefaultDecompressor(), meta: map[string]kadm.TopicDetail{}}
}

// NewTaskStats returns the statistics of range r before it is read.
func NewTaskStats(r plan.Range) stats.TaskStats {
	ts := stats.TaskStats{Range: r, AdjustedFrom: r.From}
	ts.EstimatedRows = r.Size()
	return ts
}

// rangeState is the progress of one range.
type rangeState struct {
	r   plan.Range
	pos int64
	st  *stats.TaskStats

	// told is what OnFetch has been told so far.
	told struct{ pos, rows, bytes int64 }
}

// report tells OnFetch what rs has read since it was last told.
func (rd *Reader) report(rs *rangeState) {
	if rd.opts.OnFetch == nil {
		return
	}
	pos := min(rs.pos, rs.r.Until)
	rows, offsets, bytes := rs.st.Rows-rs.told.rows, pos-rs.told.pos, rs.st.Bytes-rs.told.bytes
	rs.told.pos, rs.told.rows, rs.told.bytes = pos, rs.st.Rows, rs.st.Bytes
	if rows != 0 || offsets != 0 || bytes != 0 {
		rd.opts.OnFetch(rows, offsets, bytes)
	}
}

// Read reads r = [From, Until) to its end, calling visit for each record
// (nil visit: count only, from batch headers where a batch lies wholly
// inside the range), and fills st (from NewTaskStats) as it goes. A range
// ends when the position reaches Until, never by waiting for the record
// at Until-1: transaction markers, aborted records and compaction leave
// offsets without rows. Offsets passed without a row, marker, aborted,
// filtered or lost record are counted as gaps.
func (rd *Reader) Read(ctx context.Context, r plan.Range, st *stats.TaskStats, visit Visit) error {
	start := time.Now()
	rs := &rangeState{r: r, pos: r.From, st: st}
	rs.told.pos, rs.told.rows, rs.told.bytes = r.From, st.Rows, st.Bytes
	err := rd.read(ctx, rs, visit)
	rd.report(rs)
	end := min(rs.pos, r.Until)
	st.GapRecords = (end - r.From) - st.Rows - st.ControlRecords - st.AbortedRecords - st.FilteredRecords - st.RecordsLost
	if st.GapRecords < 0 { // a LIMIT stopped the range part-way through a batch
		st.GapRecords = 0
	}
	st.Elapsed = time.Since(start)
	st.ElapsedMs = st.Elapsed.Milliseconds()
	return err
}

func (rd *Reader) read(ctx context.Context, rs *rangeState, visit Visit) error {
	r := rs.r
	idle := 0
	maxBytes := rd.opts.FetchBytes
	for rs.pos < r.Until {
		if rd.opts.Done != nil && rd.opts.Done() {
			return ErrStop
		}
		p, err := rd.fetch(ctx, r.Topic, r.Partition, rs.pos, maxBytes)
		if err != nil {
			return err
		}
		rs.st.Fetches++
		switch perr := kerr.ErrorForCode(p.ErrorCode); {
		case perr == nil:
		case errors.Is(perr, kerr.OffsetOutOfRange):
			if err := rd.outOfRange(ctx, rs); err != nil {
				return err
			}
			continue
		default:
			return fmt.Errorf("fetch %s-%d at offset %d: %w", r.Topic, r.Partition, rs.pos, perr)
		}
		before := rs.pos
		truncated, err := rd.consume(rs, p, visit)
		rd.report(rs)
		if err != nil {
			return err
		}
		if rs.pos > before {
			idle = 0
			continue
		}
		if truncated {
			// The response held only part of the batch at pos: a batch
			// larger than the partition limit from a broker that does
			// not return at least one whole batch. Ask for more.
			if maxBytes >= maxPartitionBytes {
				// Also a corrupt batch length: never loop.
				return fmt.Errorf("fetch %s-%d at offset %d: record batch larger than %d bytes", r.Topic, r.Partition, rs.pos, maxPartitionBytes)
			}
			maxBytes = min(2*maxBytes, maxPartitionBytes)
			continue
		}
		// Nothing at or after pos came back. If the log ends at or before
		// pos, the rest of the range is gone; otherwise the broker had
		// nothing ready yet (slow or lagging): fetch again, a bounded
		// number of times.
		end := p.HighWatermark
		if rd.opts.ReadCommitted && p.LastStableOffset >= 0 {
			end = p.LastStableOffset
		}
		if end <= rs.pos && rd.opts.ReadCommitted && p.HighWatermark > rs.pos {
			// Not loss: an open transaction holds the last stable offset
			// below the range's end (an explicit endingOffsets past it).
			// Wait for it to end, a bounded number of fetches.
			if idle++; idle > maxIdleFetches {
				return fmt.Errorf("fetch %s-%d at offset %d: the offsets up to %d are not committed yet (an open transaction holds the last stable offset at %d)", r.Topic, r.Partition, rs.pos, r.Until, end)
			}
			continue
		}
		if end <= rs.pos {
			if err := rd.lost(rs, r.Until); err != nil {
				return err
			}
			continue
		}
		if idle++; idle > maxIdleFetches {
			return fmt.Errorf("fetch %s-%d at offset %d: no progress after %d fetches (log end %d)", r.Topic, r.Partition, rs.pos, idle, end)
		}
	}
	return nil
}

// consume walks the record batches of one fetch response, advancing the
// position past every batch it sees. truncated reports a partial batch at
// the end of the response.
func (rd *Reader) consume(rs *rangeState, p *kmsg.FetchResponseTopicPartition, visit Visit) (truncated bool, err error) {
	r := rs.r
	var ab *abortedTxns
	if rd.opts.ReadCommitted && len(p.AbortedTransactions) > 0 {
		ab = newAbortedTxns(p.AbortedTransactions)
	}
	buf := p.RecordBatches
	for len(buf) > 0 && rs.pos < r.Until {
		h, batch, rest, err := nextBatch(buf)
		if errors.Is(err, errTruncated) {
			return true, nil
		}
		if err != nil {
			return false, fmt.Errorf("%s-%d: %w", r.Topic, r.Partition, err)
		}
		buf = rest
		last := h.lastOffset()
		if ab != nil {
			// Every batch, also those before pos, moves the walk: a
			// transaction's first offset may lie in a batch before pos.
			ab.advance(last)
		}
		if last < rs.pos {
			if ab != nil && h.isControl() {
				ab.end(h.ProducerID)
			}
			continue
		}
		rs.st.Bytes += int64(len(batch))
		switch {
		case h.isControl():
			n, err := rd.countInRange(&h, batch, rs.pos, r.Until)
			if err != nil {
				return false, fmt.Errorf("%s-%d: %w", r.Topic, r.Partition, err)
			}
			rs.st.ControlRecords += n
			if ab != nil {
				ab.end(h.ProducerID)
			}
		case rd.opts.ReadCommitted && h.isTransactional() && ab != nil && ab.aborted(h.ProducerID):
			n, err := rd.countInRange(&h, batch, rs.pos, r.Until)
			if err != nil {
				return false, fmt.Errorf("%s-%d: %w", r.Topic, r.Partition, err)
			}
			rs.st.AbortedRecords += n
		default:
			if err := rd.records(rs, &h, batch, visit); err != nil {
				return false, err
			}
		}
		rs.pos = max(rs.pos, last+1)
	}
	return false, nil
}

// records reads the data records of one batch that fall inside the range.
func (rd *Reader) records(rs *rangeState, h *Header, batch []byte, visit Visit) error {
	r := rs.r
	tsf := rd.opts.Timestamp
	if visit == nil && h.BaseOffset >= rs.pos && h.lastOffset() < r.Until {
		// Count-only and the batch lies wholly inside the range: the
		// header's record count is exact (compaction rewrites it), when
		// the timestamp bounds take all of the batch or none of it.
		switch batchInTime(h, tsf) {
		case timeAll:
			rs.st.Rows += int64(h.NumRecords)
			return nil
		case timeNone:
			rs.st.FilteredRecords += int64(h.NumRecords)
			return nil
		}
	}
	body, err := rd.body(h, batch)
	if err != nil {
		return fmt.Errorf("%s-%d: %w", r.Topic, r.Partition, err)
	}
	dec := recordDecoder{buf: body, h: h}
	for dec.next(&rd.rec, rd.opts.Headers) {
		off := rd.rec.Offset
		if off < rs.pos || off >= r.Until {
			continue
		}
		if !tsf.Contains(rd.rec.Timestamp) {
			rs.st.FilteredRecords++
			continue
		}
		if visit != nil {
			if err := visit(&rd.rec); err != nil {
				if errors.Is(err, ErrStop) {
					rs.pos = off
				}
				return err
			}
		}
		rs.st.Rows++
	}
	if dec.err != nil {
		return fmt.Errorf("%s-%d: batch at offset %d: %w", r.Topic, r.Partition, h.BaseOffset, dec.err)
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
func batchInTime(h *Header, iv plan.Interval) int {
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

// body returns the decompressed records of a batch.
func (rd *Reader) body(h *Header, batch []byte) ([]byte, error) {
	raw := batch[headerSize:]
	if h.codec() == 0 {
		return raw, nil
	}
	out, err := rd.decomp.Decompress(raw, kgo.CompressionCodecType(h.codec()))
	if err != nil {
		return nil, fmt.Errorf("batch at offset %d: decompress: %w", h.BaseOffset, err)
	}
	return out, nil
}

// countInRange counts the records of a batch whose offsets are in [lo, hi).
func (rd *Reader) countInRange(h *Header, batch []byte, lo, hi int64) (int64, error) {
	if h.BaseOffset >= lo && h.lastOffset() < hi {
		return int64(h.NumRecords), nil
	}
	body, err := rd.body(h, batch)
	if err != nil {
		return 0, err
	}
	dec := recordDecoder{buf: body, h: h}
	var n int64
	var r Record
	for dec.next(&r, false) {
		if r.Offset >= lo && r.Offset < hi {
			n++
		}
	}
	return n, dec.err
}

// outOfRange handles OFFSET_OUT_OF_RANGE at the position: records below
// the log start offset are data loss; a position at or past the log end
// means the rest of the range vanished.
func (rd *Reader) outOfRange(ctx context.Context, rs *rangeState) error {
	r := rs.r
	starts, err := rd.listOffset(ctx, rd.adm.ListStartOffsets, r.Topic, r.Partition)
	if err != nil {
		return err
	}
	if rs.pos < starts {
		return rd.lost(rs, min(starts, r.Until))
	}
	ends, err := rd.listOffset(ctx, rd.adm.ListEndOffsets, r.Topic, r.Partition)
	if err != nil {
		return err
	}
	if rs.pos >= ends {
		return rd.lost(rs, r.Until)
	}
	// The offset exists again (a leader change raced the fetch): retry.
	return nil
}

// lost records that [pos, to) cannot be read: an error under
// FailOnDataLoss, else a report and a skip.
func (rd *Reader) lost(rs *rangeState, to int64) error {
	r := rs.r
	if rd.opts.FailOnDataLoss {
		return &DataLossError{Topic: r.Topic, Partition: r.Partition, From: rs.pos, To: to}
	}
	if rd.opts.OnDataLoss != nil {
		rd.opts.OnDataLoss(r.Topic, r.Partition, rs.pos, to)
	}
	rs.st.RecordsLost += to - rs.pos
	if rs.pos == rs.st.AdjustedFrom {
		rs.st.AdjustedFrom = to
	}
	rs.pos = to
	return nil
}

// policy is the retry policy of one fetch or offset lookup.
func (rd *Reader) policy() retry.Policy {
	if rd.opts.RetryTimeout < 0 {
		return retry.Policy{} // the context alone bounds it
	}
	return retry.Policy{Timeout: rd.opts.RetryTimeout, Grace: fetchMaxWait, MaxAttempts: maxAttempts}
}

// listOffset lists one partition's offset with list, retried.
func (rd *Reader) listOffset(ctx context.Context, list func(context.Context, ...string) (kadm.ListedOffsets, error), topic string, partition int32) (int64, error) {
	var off int64
	err := rd.policy().Do(ctx, func(ctx context.Context) error {
		l, err := list(ctx, topic)
		if err != nil {
			return err
		}
		o, ok := l.Lookup(topic, partition)
		if !ok {
			return retry.Permanent(errors.New("partition not found"))
		}
		off = o.Offset
		return o.Err
	})
	if err != nil {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		return 0, fmt.Errorf("list offsets of %s-%d: %w", topic, partition, err)
	}
	return off, nil
}

// fetch issues one fetch of (topic, partition) at offset to the
// partition's leader, retrying connection failures and retriable errors.
func (rd *Reader) fetch(ctx context.Context, topic string, partition int32, offset int64, maxBytes int32) (*kmsg.FetchResponseTopicPartition, error) {
	var p *kmsg.FetchResponseTopicPartition
	err := rd.policy().Do(ctx, func(ctx context.Context) error {
		var err error
		if p, err = rd.fetchOnce(ctx, topic, partition, offset, maxBytes); err != nil {
			delete(rd.meta, topic) // the leader may have moved
		}
		return err
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("fetch %s-%d at offset %d: %w", topic, partition, offset, err)
	}
	return p, nil
}

func (rd *Reader) fetchOnce(ctx context.Context, topic string, partition int32, offset int64, maxBytes int32) (*kmsg.FetchResponseTopicPartition, error) {
	td, err := rd.topic(ctx, topic)
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
	if rd.opts.ReadCommitted {
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

	kresp, err := rd.cl.Broker(int(pd.Leader)).Request(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("from broker %d: %w", pd.Leader, err)
	}
	resp := kresp.(*kmsg.FetchResponse)
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		return nil, err
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
				return nil, perr
			}
			return p, nil
		}
	}
	return nil, errors.New("partition missing from the response")
}

// topic returns cached metadata for topic, loading it when missing.
func (rd *Reader) topic(ctx context.Context, topic string) (kadm.TopicDetail, error) {
	if td, ok := rd.meta[topic]; ok {
		return td, nil
	}
	m, err := rd.adm.Metadata(ctx, topic)
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
	rd.meta[topic] = td
	return td, nil
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
