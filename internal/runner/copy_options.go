package runner

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/kq-sql/kq/internal/parquet"
	"github.com/kq-sql/kq/internal/size"
	"github.com/kq-sql/kq/lang"
)

// copyOptions are the validated options of a COPY statement.
type copyOptions struct {
	format      string // parquet, csv, json
	compression string // zstd, snappy, gzip, none (parquet only)
	level       int    // COMPRESSION_LEVEL; 0: the codec's default
	rowGroup    int64  // ROW_GROUP_SIZE in rows; 0: the writer's default
	perTask     bool
	header      bool // csv

	perTaskBy   string   // the option that made the export per task, for errors
	incremental bool     // INCREMENTAL: continue from the destination's committed runs
	partitionBy []string // PARTITION_BY columns, in directory order
	fileSize    int64    // FILE_SIZE_BYTES; 0: no rolling

	pos map[string]lang.Pos // where each option is, by upper-case key
}

// allowedCopyOptions are the COPY options, for the error about an unknown
// one.
const allowedCopyOptions = "FORMAT, COMPRESSION, COMPRESSION_LEVEL, ROW_GROUP_SIZE, PER_TASK, INCREMENTAL, PARTITION_BY, FILE_SIZE_BYTES, HEADER"

// parseCopyOptions validates c's options; errors point at the option.
func parseCopyOptions(c *lang.Copy) (copyOptions, error) {
	o := copyOptions{header: true, pos: map[string]lang.Pos{}}
	var compression, level, rowGroup, perTask *lang.Option
	for _, opt := range c.Options {
		o.pos[strings.ToUpper(opt.Key)] = opt.Pos
		if len(opt.Names) > 0 && !strings.EqualFold(opt.Key, "PARTITION_BY") {
			return o, lang.Errorf(opt.Pos, "COPY option %s takes one value, not a list", opt.Key)
		}
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
			perTask = opt
			o.perTask, err = flag()
		case "INCREMENTAL":
			o.incremental, err = flag()
		case "PARTITION_BY":
			switch {
			case len(opt.Names) > 0:
				o.partitionBy = opt.Names
			case opt.Value != nil && opt.Value.Kind == lang.LitString:
				o.partitionBy = []string{opt.Value.Value}
			default:
				err = lang.Errorf(opt.Pos, "COPY option PARTITION_BY needs columns of the query: PARTITION_BY (col, ...)")
			}
			for i, n := range o.partitionBy {
				for _, m := range o.partitionBy[:i] {
					if strings.EqualFold(n, m) {
						err = lang.Errorf(opt.Pos, "COPY option PARTITION_BY names %s twice", n)
					}
				}
			}
		case "FILE_SIZE_BYTES":
			var v string
			if v, err = val(); err == nil {
				if o.fileSize, err = parseBytes(v); err != nil {
					err = lang.Errorf(opt.Value.Pos, "COPY option FILE_SIZE_BYTES: %v", err)
				}
			}
		case "HEADER":
			o.header, err = flag()
		default:
			err = lang.Errorf(opt.Pos, "unknown COPY option %s (allowed: %s)", opt.Key, allowedCopyOptions)
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
		comp, _ := parquet.ParseCompression(o.compression)
		if err := parquet.CheckCompressionLevel(comp, o.level); err != nil {
			return o, lang.Errorf(level.Value.Pos, "COPY option COMPRESSION_LEVEL: %v", err)
		}
		if o.format != "parquet" {
			return o, lang.Errorf(level.Pos, "COPY option COMPRESSION_LEVEL applies to FORMAT parquet only")
		}
	}
	if rowGroup != nil && o.format != "parquet" {
		return o, lang.Errorf(rowGroup.Pos, "COPY option ROW_GROUP_SIZE applies to FORMAT parquet only")
	}
	// INCREMENTAL, PARTITION_BY and FILE_SIZE_BYTES write a directory of
	// parts: they make the export per task.
	for _, k := range []string{"INCREMENTAL", "PARTITION_BY", "FILE_SIZE_BYTES"} {
		set := (k == "INCREMENTAL" && o.incremental) || (k == "PARTITION_BY" && len(o.partitionBy) > 0) || (k == "FILE_SIZE_BYTES" && o.fileSize > 0)
		if !set {
			continue
		}
		if perTask != nil && !o.perTask {
			return o, lang.Errorf(perTask.Pos, "COPY option %s writes a directory of per-task parts: it needs PER_TASK true (or no PER_TASK)", k)
		}
		if !o.perTask {
			o.perTaskBy = k
		}
		o.perTask = true
	}
	if o.perTask && o.perTaskBy == "" {
		o.perTaskBy = "PER_TASK true"
	}
	if o.perTask && o.format != "parquet" {
		return o, lang.Errorf(c.Pos, "COPY ... (PER_TASK true) writes Parquet parts; FORMAT %s is not supported", o.format)
	}
	return o, nil
}

// parseBytes reads a positive size (internal/size), as DuckDB's
// FILE_SIZE_BYTES does.
func parseBytes(v string) (int64, error) {
	n, err := size.Parse(v)
	if errors.Is(err, size.ErrUnit) {
		return 0, fmt.Errorf("%q has an unknown unit (allowed: "+size.Units+")", v)
	}
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%q is not a positive size (bytes, or e.g. '128MB', '1GiB')", v)
	}
	return n, nil
}

// writerOptions returns the options of kq's own Parquet writer.
func (o copyOptions) writerOptions(c parquet.Compression, mem memory.Allocator) []parquet.Option {
	opts := []parquet.Option{parquet.WithCompression(c), parquet.WithCompressionLevel(o.level), parquet.WithAllocator(mem)}
	if o.rowGroup > 0 {
		opts = append(opts, parquet.WithRowGroupRows(o.rowGroup))
	}
	return opts
}
