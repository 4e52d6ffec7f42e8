package kq

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/kq-sql/kq/lang"
	"github.com/kq-sql/kq/sink"
)

// ExecStats reports what a statement run by Exec wrote.
type ExecStats struct {
	// Statement is "COPY", "CREATE TABLE" or "INSERT".
	Statement string
	// Rows is the number of rows written.
	Rows int64
	// Files are the files a COPY wrote: its target, or a per-task export's
	// parts and manifest.
	Files []string
	// Scan holds the statistics of the kafka() scans the statement read,
	// merged; nil when it read none.
	Scan *Stats
}

// Exec runs a statement that writes: COPY (query) TO 'path' (...), CREATE
// TABLE name AS query, INSERT INTO name query. CREATE and INSERT commit in
// one DuckDB transaction: when the statement fails part-way (data loss
// under failOnDataLoss=true, cancellation) the table is as it was. A COPY
// to a file writes a temporary file renamed onto the target only when
// complete, so the target is whole or absent.
func (e *Engine) Exec(ctx context.Context, sql string) (*ExecStats, error) {
	stmt, err := lang.Parse(sql)
	if err != nil {
		return nil, err
	}
	if err := e.connect(ctx, stmt); err != nil {
		return nil, err
	}
	return e.exec(ctx, stmt)
}

func (e *Engine) exec(ctx context.Context, stmt lang.Statement) (*ExecStats, error) {
	switch s := stmt.(type) {
	case *lang.Copy:
		return e.copy(ctx, s)
	case *lang.CreateTable:
		return e.write(ctx, s, "CREATE TABLE")
	case *lang.Insert:
		return e.write(ctx, s, "INSERT")
	}
	return nil, lang.Errorf(stmt.Position(), "Exec runs COPY, CREATE TABLE AS and INSERT INTO; use Query for this statement")
}

// write runs CREATE TABLE AS or INSERT INTO in DuckDB, in one transaction.
func (e *Engine) write(ctx context.Context, stmt lang.Statement, kind string) (*ExecStats, error) {
	pq, err := e.planStatement(ctx, stmt)
	if err != nil {
		return nil, err
	}
	b, err := e.bind(ctx, pq, stmt)
	if err != nil {
		return nil, err
	}
	n, err := b.db.Exec(ctx, b.sql, b.srcs)
	st := &ExecStats{Statement: kind, Rows: n, Scan: b.merged()}
	if e.cfg.stats != nil && st.Scan != nil {
		e.cfg.stats(st.Scan)
	}
	if err != nil {
		return nil, err
	}
	return st, nil
}

// execResult is the one-row result Query returns for a statement that
// writes: the number of rows written.
func (e *Engine) execResult(ctx context.Context, stmt lang.Statement) (array.RecordReader, error) {
	st, err := e.exec(ctx, stmt)
	if err != nil {
		return nil, err
	}
	b := array.NewInt64Builder(e.cfg.allocator)
	defer b.Release()
	b.Append(st.Rows)
	col := b.NewArray()
	defer col.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "rows", Type: arrow.PrimitiveTypes.Int64}}, nil)
	rec := array.NewRecordBatch(schema, []arrow.Array{col}, 1)
	defer rec.Release()
	return array.NewRecordReader(schema, []arrow.RecordBatch{rec})
}

// copyOptions are the validated options of a COPY statement.
type copyOptions struct {
	format      string // parquet, csv, json
	compression string // zstd, snappy, gzip, none (parquet only)
	level       int    // COMPRESSION_LEVEL; 0: the codec's default
	rowGroup    int64  // ROW_GROUP_SIZE in rows; 0: the writer's default
	perTask     bool
	header      bool // csv
}

// parseCopyOptions validates c's options; errors point at the option.
func parseCopyOptions(c *lang.Copy) (copyOptions, error) {
	o := copyOptions{header: true}
	var compression, level, rowGroup *lang.Option
	for _, opt := range c.Options {
		val := func() (string, error) {
			if opt.Value == nil {
				return "", lang.Errorf(opt.Pos, "COPY option %s needs a value", opt.Key)
			}
			return strings.ToLower(opt.Value.Value), nil
		}
		flag := func() (bool, error) {
			if opt.Value == nil {
				return true, nil
			}
			switch strings.ToLower(opt.Value.Value) {
			case "true", "1", "on":
				return true, nil
			case "false", "0", "off":
				return false, nil
			}
			return false, lang.Errorf(opt.Value.Pos, "COPY option %s: %q is not true or false", opt.Key, opt.Value.Value)
		}
		var err error
		switch strings.ToUpper(opt.Key) {
		case "FORMAT":
			if o.format, err = val(); err == nil && o.format != "parquet" && o.format != "csv" && o.format != "json" {
				err = lang.Errorf(opt.Value.Pos, "COPY option FORMAT: unknown format %q (allowed: parquet, csv, json)", opt.Value.Value)
			}
		case "COMPRESSION":
			compression = opt
			if o.compression, err = val(); err == nil {
				switch o.compression {
				case "zstd", "snappy", "gzip", "none":
				case "uncompressed":
					o.compression = "none"
				default:
					err = lang.Errorf(opt.Value.Pos, "COPY option COMPRESSION: unknown codec %q (allowed: zstd, snappy, gzip, none)", opt.Value.Value)
				}
			}
		case "COMPRESSION_LEVEL":
			level = opt
			var v string
			if v, err = val(); err == nil {
				if o.level, err = strconv.Atoi(v); err != nil || o.level < 1 {
					err = lang.Errorf(opt.Value.Pos, "COPY option COMPRESSION_LEVEL: %q is not a positive integer", opt.Value.Value)
				}
			}
		case "ROW_GROUP_SIZE":
			rowGroup = opt
			var v string
			if v, err = val(); err == nil {
				if o.rowGroup, err = strconv.ParseInt(v, 10, 64); err != nil || o.rowGroup < 1 {
					err = lang.Errorf(opt.Value.Pos, "COPY option ROW_GROUP_SIZE: %q is not a positive number of rows", opt.Value.Value)
				}
			}
		case "PER_TASK":
			o.perTask, err = flag()
		case "HEADER":
			o.header, err = flag()
		default:
			err = lang.Errorf(opt.Pos, "unknown COPY option %s (allowed: FORMAT, COMPRESSION, COMPRESSION_LEVEL, ROW_GROUP_SIZE, PER_TASK, HEADER)", opt.Key)
		}
		if err != nil {
			return o, err
		}
	}
	if o.format == "" {
		switch strings.ToLower(filepath.Ext(c.Path)) {
		case ".csv":
			o.format = "csv"
		case ".json", ".ndjson", ".jsonl":
			o.format = "json"
		default:
			o.format = "parquet"
		}
	}
	if o.compression == "" {
		o.compression = "zstd"
	} else if o.format != "parquet" {
		return o, lang.Errorf(compression.Pos, "COPY option COMPRESSION applies to FORMAT parquet only")
	}
	if level != nil {
		comp, _ := sink.ParseCompression(o.compression)
		if err := sink.CheckCompressionLevel(comp, o.level); err != nil {
			return o, lang.Errorf(level.Value.Pos, "COPY option COMPRESSION_LEVEL: %v", err)
		}
		if o.format != "parquet" {
			return o, lang.Errorf(level.Pos, "COPY option COMPRESSION_LEVEL applies to FORMAT parquet only")
		}
	}
	if rowGroup != nil && o.format != "parquet" {
		return o, lang.Errorf(rowGroup.Pos, "COPY option ROW_GROUP_SIZE applies to FORMAT parquet only")
	}
	if o.perTask && o.format != "parquet" {
		return o, lang.Errorf(c.Pos, "COPY ... (PER_TASK true) writes Parquet parts; FORMAT %s is not supported", o.format)
	}
	return o, nil
}

// parquet returns the options of kq's own Parquet writer.
func (o copyOptions) parquet(c sink.Compression, mem memory.Allocator) []sink.ParquetOption {
	opts := []sink.ParquetOption{sink.WithCompression(c), sink.WithCompressionLevel(o.level), sink.WithAllocator(mem)}
	if o.rowGroup > 0 {
		opts = append(opts, sink.WithRowGroupRows(o.rowGroup))
	}
	return opts
}

// copy runs COPY (query) TO 'path'.
func (e *Engine) copy(ctx context.Context, c *lang.Copy) (*ExecStats, error) {
	opts, err := parseCopyOptions(c)
	if err != nil {
		return nil, err
	}
	if c.Path == "" {
		return nil, lang.Errorf(c.Pos, "COPY needs a target path")
	}
	if opts.perTask {
		return e.copyPerTask(ctx, c, opts)
	}
	return e.copyFile(ctx, c, opts)
}
