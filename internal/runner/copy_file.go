package runner

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"path"

	"github.com/kq-sql/kq/internal/atomicfile"
	"github.com/kq-sql/kq/internal/parquet"
	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/internal/scan"
	"github.com/kq-sql/kq/internal/storage"
	"github.com/kq-sql/kq/lang"
)

// copyFile writes the query's result to one file: a plain projection of
// one kafka() source as Parquet straight from the scan (copyNative), any
// other with DuckDB's COPY into an atomicfile reservation that is renamed
// onto the target once DuckDB has finished. On any error (cancellation
// included) the target is untouched.
func (s *Session) copyFile(ctx context.Context, c *lang.Copy, opts copyOptions) (*Result, error) {
	remote := storage.IsURL(c.Path)
	if fi, err := os.Stat(c.Path); err == nil && fi.IsDir() && !remote {
		return nil, lang.Errorf(c.Pos, "COPY target %s is a directory (use PER_TASK true to write parts into it)", c.Path)
	}
	var (
		dir  *storage.Dir
		name string
	)
	if remote {
		var err error
		if dir, name, err = storage.OpenFile(ctx, c.Path); err != nil {
			return nil, destinationError(c, err)
		}
		defer dir.Close()
	}
	pq, err := s.plan(ctx, c.Query)
	if err != nil {
		return nil, err
	}
	if err := noGroup(pq); err != nil {
		return nil, err
	}
	if _, isProj := pq.Root.(*plan.Project); isProj && scan.Native(pq.Root) && opts.format == "parquet" {
		open := func() (parquet.Sink, error) { return atomicfile.Create(c.Path) }
		if remote {
			open = func() (parquet.Sink, error) { return dir.Create(ctx, name) }
		}
		return s.copyNative(ctx, c, pq, opts, open)
	}
	// DuckDB writes the file itself, by name: the atomic file gives it
	// the temporary name and renames it onto the target on Commit (or
	// writes a device such as /dev/stdout in place). For object storage
	// the file is a local temporary one, uploaded once DuckDB is done.
	target := c.Path
	if remote {
		tmp, err := os.CreateTemp("", "kq-copy-*"+path.Ext(name))
		if err != nil {
			return nil, fmt.Errorf("COPY to %s: %w", c.Path, err)
		}
		tmp.Close()
		os.Remove(tmp.Name())
		target = tmp.Name()
		defer os.Remove(target)
	}
	f, err := atomicfile.Reserve(target)
	if err != nil {
		return nil, fmt.Errorf("COPY to %s: %w", c.Path, err)
	}
	defer f.Abort()

	b, err := s.bind(ctx, pq, c.Query)
	if err != nil {
		return nil, err
	}
	var with string
	switch opts.format {
	case "parquet":
		with = "FORMAT parquet, COMPRESSION " + opts.compression
		switch opts.compression {
		case "none":
			with = "FORMAT parquet, COMPRESSION uncompressed"
		case "zstd":
			// The level of kq's own writer, so that a file does not
			// depend on which path wrote it.
			with += fmt.Sprintf(", COMPRESSION_LEVEL %d", cmp.Or(opts.level, parquet.DefaultZstdLevel))
		}
		if opts.rowGroup > 0 {
			with += fmt.Sprintf(", ROW_GROUP_SIZE %d", opts.rowGroup)
		}
	case "csv":
		with = fmt.Sprintf("FORMAT csv, HEADER %t", opts.header)
	case "json":
		with = "FORMAT json"
	}
	// DuckDB would write beside the reserved file and rename onto it
	// (leaving its tmp_ file behind when cancelled): the reservation
	// already is kq's temporary file.
	with += ", USE_TMP_FILE false"
	const head = "COPY ("
	stmt := head + b.sql + ") TO " + lang.QuoteString(f.Name()) + " (" + with + ")"
	n, err := b.db.Exec(ctx, stmt, b.srcs, b.args...)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, b.failIn(ctx, s, err, stmt, len(head))
	}
	if err := f.Commit(); err != nil {
		return nil, fmt.Errorf("COPY to %s: %w", c.Path, err)
	}
	if remote {
		if err := upload(ctx, dir, name, target); err != nil {
			return nil, err
		}
	}
	return &Result{Statement: "COPY", Rows: n, Files: []string{c.Path}, Scan: b.merged()}, nil
}

// upload copies the local file src to object name of dir, visible only
// when whole.
func upload(ctx context.Context, dir *storage.Dir, name, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	o, err := dir.Create(ctx, name)
	if err != nil {
		return err
	}
	if _, err := io.Copy(o, in); err != nil {
		o.Abort()
		return fmt.Errorf("upload to %s: %w", o.Target(), err)
	}
	if err := ctx.Err(); err != nil {
		o.Abort()
		return err
	}
	return o.Commit()
}

// copyNative writes a Parquet COPY of a plain projection of one kafka()
// source (pq, which scan.Native runs) straight from the scan with kq's
// Parquet writer, without DuckDB: measured faster than DuckDB's COPY for
// such rows (docs/BENCHMARKS.md).
func (s *Session) copyNative(ctx context.Context, c *lang.Copy, pq *plan.Query, opts copyOptions, open func() (parquet.Sink, error)) (*Result, error) {
	comp, err := parquet.ParseCompression(opts.compression)
	if err != nil {
		return nil, err
	}
	rr, err := s.runNative(ctx, c.Query, pq)
	if err != nil {
		return nil, err
	}
	defer rr.Release()
	pf, err := parquet.New(open, c.Path, rr.Schema(), opts.writerOptions(comp, s.cfg.Allocator)...)
	if err != nil {
		return nil, err
	}
	for rr.Next() {
		if err = pf.Write(rr.RecordBatch()); err != nil {
			break
		}
	}
	if err == nil {
		err = rr.Err()
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		pf.Abort()
		return nil, err
	}
	if err := pf.Commit(); err != nil {
		return nil, err
	}
	return &Result{Statement: "COPY", Rows: pf.Rows(), Files: []string{c.Path}, Scan: rr.Stats()}, nil
}
