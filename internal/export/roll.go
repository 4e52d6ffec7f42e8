package export

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/kq-sql/kq/internal/parquet"
)

// roller writes the files of one task and one directory: one file, or
// with FileSizeBytes a sequence of files, each committed once full.
type roller struct {
	w    *PartWriter
	dir  string
	cur  *parquet.File
	name string
}

// write appends rec, rolling over to the next file whenever the current
// one is full. It does not release rec.
func (r *roller) write(rec arrow.RecordBatch) error {
	limit := r.w.set.cfg.FileSizeBytes
	n := rec.NumRows()
	for off := int64(0); off < n; {
		if r.cur == nil {
			if err := r.start(); err != nil {
				return err
			}
		}
		part := rec
		if off > 0 {
			part = rec.NewSlice(off, n)
		}
		took, err := r.cur.WriteUntil(part, limit)
		if off > 0 {
			part.Release()
		}
		if err != nil {
			return err
		}
		off += took
		if off < n {
			if err := r.commit(); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *roller) start() error {
	ps := r.w.set
	r.name = r.w.name(r.dir)
	f, err := parquet.New(func() (parquet.Sink, error) { return ps.dir.Create(r.w.ctx, r.name) },
		ps.dir.Location(r.name), ps.cfg.Schema, ps.cfg.Parquet...)
	if err != nil {
		return err
	}
	r.cur = f
	return nil
}

// commit commits the current file (starting it first when none is
// open, for a task's empty part) and records it.
func (r *roller) commit() error {
	if r.cur == nil {
		if err := r.start(); err != nil {
			return err
		}
	}
	f := r.cur
	r.cur = nil
	if err := f.Commit(); err != nil {
		return err
	}
	t := r.w.r
	r.w.set.committed(Part{File: r.name, Topic: t.Topic, Partition: t.Partition, From: t.From, Until: t.Until, Rows: f.Rows(), Bytes: f.Size()})
	return nil
}

func (r *roller) abort() {
	if r.cur != nil {
		r.cur.Abort()
		r.cur = nil
	}
}
