package parquet

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/kq-sql/kq/internal/atomicfile"
)

// File writes Arrow batches to one Parquet file atomically: under a
// temporary name, renamed onto the target by Commit (Create). A File made
// by NewWriter writes a stream instead, with no file of its own.
//
// Row groups are encoded in parallel: Write hands each row group's
// batches to its own goroutine, which, once the row group is complete,
// encodes and compresses them column by column with arrow-go's writer
// into memory as a one-row-group Parquet file; the row
// groups are then appended to the target in order and their metadata
// stitched into one footer (stitch.go). At most WithEncoders row groups
// are in flight, which bounds memory. A File is not safe for
// concurrent use.
type File struct {
	f      Sink      // nil for a stream (NewWriter)
	w      io.Writer // where the bytes go: f, or the stream
	name   string    // for errors: the target, or "stream"
	schema *arrow.Schema
	cfg    parquetConfig
	props  *parquet.WriterProperties
	aprops pqarrow.ArrowWriterProperties

	cur     *rowGroupJob      // the row group Write is filling, or nil
	slots   chan struct{}     // one per row group in flight
	order   chan *rowGroupJob // row groups in file order, to the committer
	stopped chan struct{}     // closed when the committer has ended
	rows    int64

	// Owned by the committer until stopped is closed.
	meta *metadata.FileMetaData // the row groups written so far
	pos  int64                  // bytes written to f
	err  error                  // the first error

	mu      sync.Mutex
	failErr error // the first error, for Write to see early
	closed  bool
}

// rowGroupJob is one row group: its batches go to an encoder goroutine,
// which leaves the encoded row group in buf and its metadata in meta.
type rowGroupJob struct {
	batches chan arrow.RecordBatch
	rows    int64
	bytes   int64 // estimated Arrow bytes
	done    chan struct{}
	buf     chunkBuffer
	meta    *metadata.FileMetaData
	err     error
}

// Sink is where a File's bytes go, in order: a file or an object that
// is visible, whole, only after Commit, and discarded by Abort.
// *atomicfile.File and *storage.Object are Sinks.
type Sink interface {
	io.Writer
	// Commit makes the bytes visible under Target; on error nothing is.
	Commit() error
	// Abort discards the bytes.
	Abort()
	// Target names the file, for errors.
	Target() string
}

// Create starts a Parquet file at path with the given schema, written
// through an atomicfile. Call Commit or Abort.
func Create(path string, schema *arrow.Schema, opts ...Option) (*File, error) {
	return New(func() (Sink, error) { return atomicfile.Create(path) }, path, schema, opts...)
}

// New starts a Parquet file with the given schema whose bytes go to the
// sink open returns (called once the options and the schema are known to
// be valid, so that an invalid file creates nothing); target names it in
// errors. The File owns the sink: Commit commits it, Abort aborts it.
// Call Commit or Abort.
func New(open func() (Sink, error), target string, schema *arrow.Schema, opts ...Option) (*File, error) {
	p, err := newFile(target, schema, opts)
	if err != nil {
		return nil, err
	}
	if p.f, err = open(); err != nil {
		return nil, err
	}
	p.w = p.f
	p.start()
	return p, nil
}

// NewWriter starts a Parquet stream on w with the given schema: the same
// encoding as Create, written to w as row groups complete, the footer by
// Commit. w is not closed; what Abort leaves on w is not a Parquet file,
// so w should be something the caller can discard (Create is the atomic
// way to write a file). Call Commit or Abort.
func NewWriter(w io.Writer, schema *arrow.Schema, opts ...Option) (*File, error) {
	p, err := newFile("stream", schema, opts)
	if err != nil {
		return nil, err
	}
	p.w = w
	p.start()
	return p, nil
}

// newFile checks the options and the schema, before anything is created.
func newFile(name string, schema *arrow.Schema, opts []Option) (*File, error) {
	cfg, err := newParquetConfig(opts)
	if err == nil {
		err = registerZstd()
	}
	if err != nil {
		return nil, fmt.Errorf("parquet %s: %w", name, err)
	}
	p := &File{schema: schema, cfg: cfg, name: name}
	p.props, p.aprops = cfg.writerProps(schema)
	// The schema must convert; finding out here gives the error before
	// anything is created.
	if _, err := pqarrow.ToParquet(schema, p.props, p.aprops); err != nil {
		return nil, fmt.Errorf("parquet %s: %w", name, err)
	}
	return p, nil
}

// start starts the committer.
func (p *File) start() {
	p.slots = make(chan struct{}, p.cfg.encoders)
	p.order = make(chan *rowGroupJob, p.cfg.encoders)
	p.stopped = make(chan struct{})
	go p.commitLoop()
}

// Write appends a batch. It does not release rec (it retains what it
// keeps). It returns the first error of any row group written so far.
func (p *File) Write(rec arrow.RecordBatch) error {
	_, err := p.writeRows(rec, 0)
	return err
}

// WriteUntil appends the rows of rec until the file reaches limit bytes
// at a row group boundary, and returns how many rows it took: all of
// them, or fewer once the file is full (the caller commits it and writes
// the rest to the next file; a file full before the call takes none).
// Before a new row group starts, the row groups in flight are written
// and the file's size checked, so a file ends at most one row group and
// its footer past limit; with a limit, row groups are encoded one at a
// time. It does not release rec.
func (p *File) WriteUntil(rec arrow.RecordBatch, limit int64) (int64, error) {
	return p.writeRows(rec, limit)
}

func (p *File) writeRows(rec arrow.RecordBatch, limit int64) (int64, error) {
	if err := p.failed(); err != nil {
		return 0, err
	}
	n := rec.NumRows()
	if n == 0 {
		return 0, nil
	}
	// The batch's bytes per row (its buffers' size; at least 1), for the
	// row groups' byte bound.
	rowBytes := max(recordBytes(rec)/n, 1)
	for off := int64(0); off < n; {
		if p.cur == nil {
			if limit > 0 && p.rows > 0 && p.written() >= limit {
				return off, p.failed()
			}
			p.slots <- struct{}{} // waits while WithEncoders row groups are in flight
			p.cur = p.startJob()
		}
		byBytes := max((p.cfg.rowGroupBytes-p.cur.bytes+rowBytes-1)/rowBytes, 1)
		take := min(n-off, p.cfg.rowGroupRows-p.cur.rows, byBytes)
		part := rec
		if off == 0 && take == n {
			rec.Retain()
		} else {
			part = rec.NewSlice(off, off+take)
		}
		p.cur.batches <- part
		p.cur.rows += take
		p.cur.bytes += take * rowBytes
		p.rows += take
		off += take
		if p.cur.rows == p.cfg.rowGroupRows || p.cur.bytes >= p.cfg.rowGroupBytes {
			close(p.cur.batches)
			p.cur = nil
		}
	}
	return n, p.failed()
}

// written waits until every row group in flight is written and returns
// the bytes written so far. Holding every slot means the committer has
// appended each closed row group and freed its slot (after updating
// pos), so pos is stable and visible here.
func (p *File) written() int64 {
	for range cap(p.slots) {
		p.slots <- struct{}{}
	}
	n := p.pos
	for range cap(p.slots) {
		<-p.slots
	}
	return n
}

// Size is the file's size in bytes once Commit has returned.
func (p *File) Size() int64 { return p.pos }

func (p *File) failed() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.failErr
}

func (p *File) fail(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.failErr == nil {
		p.failErr = fmt.Errorf("parquet %s: %w", p.name, err)
	}
}

// startJob starts the encoder of a new row group and queues it for the
// committer.
func (p *File) startJob() *rowGroupJob {
	// A row group's batches: enough to queue a whole row group of the
	// scan's batches while the encoders are busy (so that the next row
	// group's encoder can start), bounded for tiny batches.
	j := &rowGroupJob{batches: make(chan arrow.RecordBatch, 64), done: make(chan struct{})}
	go p.encode(j)
	p.order <- j
	return j
}

// encode writes j's batches into memory as a Parquet file of one row
// group. It releases every batch, whatever happens.
func (p *File) encode(j *rowGroupJob) {
	defer close(j.done)
	var batches []arrow.RecordBatch
	defer func() {
		for _, rec := range batches {
			rec.Release()
		}
	}()
	for rec := range j.batches {
		batches = append(batches, rec)
	}
	w, err := pqarrow.NewFileWriter(p.schema, &j.buf, p.props, p.aprops)
	if err == nil && len(batches) > 0 && p.failed() == nil {
		err = p.writeRowGroup(w, batches)
	}
	if w != nil {
		if cerr := w.Close(); err == nil {
			err = cerr
		}
	}
	if err == nil {
		j.meta, err = w.FileMetadata()
	}
	j.err = err
}

// writeRowGroup writes batches to w as one row group, a column at a time
// over all of them: arrow-go's serial row group writer, whose pages go to
// w's sink as they are cut. (Its buffered writer, WriteBuffered, takes
// batches one by one but holds each column chunk in a buffer that grows by
// doubling — reallocated, copied, and cleared by Go — which was 9 % of
// the encoders' CPU in BenchmarkFile's profile; the batches of a row group
// are held until it is complete either way.)
func (p *File) writeRowGroup(w *pqarrow.FileWriter, batches []arrow.RecordBatch) error {
	if err := w.NewRowGroupChecked(); err != nil {
		return err
	}
	var rows int64
	for _, rec := range batches {
		rows += rec.NumRows()
	}
	cols := make([]arrow.Array, len(batches))
	for i, f := range p.schema.Fields() {
		for k, rec := range batches {
			cols[k] = rec.Column(i)
		}
		chunked := arrow.NewChunked(f.Type, cols)
		err := w.WriteColumnChunked(chunked, 0, rows)
		chunked.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

// commitLoop appends the row groups to the file in order as their
// encoders finish, and frees their slots.
func (p *File) commitLoop() {
	defer close(p.stopped)
	for j := range p.order {
		<-j.done
		if p.err == nil && p.failed() == nil {
			if j.err != nil {
				p.err = j.err
			} else {
				p.err = p.append(j)
			}
			if p.err != nil {
				p.fail(p.err)
			}
		}
		j.buf.reset()
		<-p.slots
	}
}

// finish ends the open row group and waits for every row group to be
// written. It returns the first error.
func (p *File) finish() error {
	if p.closed {
		return errors.New("already committed or aborted")
	}
	p.closed = true
	if p.cur != nil {
		close(p.cur.batches)
		p.cur = nil
	}
	if p.rows == 0 && p.failed() == nil {
		// No rows: an encoder with no batches gives the metadata of a
		// file with the schema and no row groups.
		p.slots <- struct{}{}
		close(p.startJob().batches)
	}
	close(p.order)
	<-p.stopped
	return p.failed()
}

// Rows is the number of rows written so far.
func (p *File) Rows() int64 { return p.rows }

// Commit finishes the file and renames it onto its target; a stream gets
// its footer.
func (p *File) Commit() error {
	if err := p.finish(); err != nil {
		p.abortFile()
		return err
	}
	if err := p.writeFooter(); err != nil {
		p.abortFile()
		return fmt.Errorf("parquet %s: %w", p.name, err)
	}
	if p.f == nil {
		return nil
	}
	return p.f.Commit()
}

// Abort discards the file; the target is untouched. A stream is left as
// it is, without a footer.
func (p *File) Abort() {
	p.fail(errors.New("aborted"))
	if !p.closed {
		p.finish()
	}
	p.abortFile()
}

func (p *File) abortFile() {
	if p.f != nil {
		p.f.Abort()
	}
}

// recordBytes is the size of rec's buffers (of a slice: of the buffers it
// shares).
func recordBytes(rec arrow.RecordBatch) int64 {
	var n int64
	var walk func(d arrow.ArrayData)
	walk = func(d arrow.ArrayData) {
		for _, b := range d.Buffers() {
			if b != nil {
				n += int64(b.Len())
			}
		}
		for _, c := range d.Children() {
			walk(c)
		}
	}
	for _, c := range rec.Columns() {
		walk(c.Data())
	}
	return n
}
