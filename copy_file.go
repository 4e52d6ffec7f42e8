package kq

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kq-sql/kq/exec"
	"github.com/kq-sql/kq/lang"
	"github.com/kq-sql/kq/plan"
	"github.com/kq-sql/kq/sink"
)

// copyFile writes the query's result with DuckDB's COPY into a temporary
// file beside the target, renamed onto it once DuckDB has finished. On
// any error (cancellation included) the temporary file is removed and the
// target is untouched.
func (e *Engine) copyFile(ctx context.Context, c *lang.Copy, opts copyOptions) (*ExecStats, error) {
	if fi, err := os.Stat(c.Path); err == nil && fi.IsDir() {
		return nil, lang.Errorf(c.Pos, "COPY target %s is a directory (use PER_TASK true to write parts into it)", c.Path)
	}
	pq, err := e.planStatement(ctx, c.Query)
	if err != nil {
		return nil, err
	}
	if _, isProj := pq.Root.(*plan.Project); isProj && exec.Native(pq.Root) && opts.format == "parquet" {
		return e.copyNative(ctx, c, pq, opts)
	}
	tmpName, done := c.Path, false
	if sink.IsSpecial(c.Path) {
		// A device or pipe (/dev/stdout, /dev/full) is written in place:
		// renaming a file onto it would replace it.
		done = true
	} else {
		dir, name := filepath.Split(c.Path)
		if dir == "" {
			dir = "."
		}
		tmp, err := os.CreateTemp(dir, "."+name+".kq-tmp-*")
		if err != nil {
			return nil, fmt.Errorf("kq: COPY to %s: %w", c.Path, err)
		}
		tmpName = tmp.Name()
		tmp.Close()
		// DuckDB creates the file itself; the name is reserved above so
		// that concurrent exports never collide.
		os.Remove(tmpName)
	}
	defer func() {
		if !done {
			os.Remove(tmpName)
		}
	}()

	b, err := e.bind(ctx, pq, c.Query)
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
			with += fmt.Sprintf(", COMPRESSION_LEVEL %d", cmp.Or(opts.level, sink.DefaultZstdLevel))
		}
		if opts.rowGroup > 0 {
			with += fmt.Sprintf(", ROW_GROUP_SIZE %d", opts.rowGroup)
		}
	case "csv":
		with = fmt.Sprintf("FORMAT csv, HEADER %t", opts.header)
	case "json":
		with = "FORMAT json"
	}
	stmt := "COPY (" + b.sql + ") TO " + lang.QuoteString(tmpName) + " (" + with + ")"
	n, err := b.db.Exec(ctx, stmt, b.srcs)
	st := &ExecStats{Statement: "COPY", Rows: n, Files: []string{c.Path}, Scan: b.merged()}
	if e.cfg.stats != nil && st.Scan != nil {
		e.cfg.stats(st.Scan)
	}
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if tmpName != c.Path {
		if err := os.Rename(tmpName, c.Path); err != nil {
			return nil, fmt.Errorf("kq: COPY to %s: %w", c.Path, err)
		}
	}
	done = true
	return st, nil
}

// copyNative writes a Parquet COPY of a plain projection of one kafka()
// source (pq, which exec.Native runs) straight from the scan with
// arrow-go's writer, without DuckDB: BenchmarkParquet measured it faster
// than DuckDB's COPY for such rows. The file is written under a temporary
// name and renamed (sink.ParquetFile).
func (e *Engine) copyNative(ctx context.Context, c *lang.Copy, pq *plan.Query, opts copyOptions) (*ExecStats, error) {
	comp, err := sink.ParseCompression(opts.compression)
	if err != nil {
		return nil, err
	}
	root := pq.Root
	var scan *Stats
	rr, err := exec.Run(ctx, root, e.execConfig(), func(s *Stats) { scan = s })
	if err != nil {
		return nil, err
	}
	defer rr.Release()
	pf, err := sink.CreateParquet(c.Path, rr.Schema(), opts.parquet(comp, e.cfg.allocator)...)
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
	if e.cfg.stats != nil && scan != nil {
		e.cfg.stats(scan)
	}
	if err != nil {
		pf.Abort()
		return nil, err
	}
	if err := pf.Commit(); err != nil {
		return nil, err
	}
	return &ExecStats{Statement: "COPY", Rows: pf.Rows(), Files: []string{c.Path}, Scan: scan}, nil
}
