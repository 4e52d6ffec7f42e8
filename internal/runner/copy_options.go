package runner

import (
	"path/filepath"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/kq-sql/kq/internal/parquet"
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
	if o.perTask && o.format != "parquet" {
		return o, lang.Errorf(c.Pos, "COPY ... (PER_TASK true) writes Parquet parts; FORMAT %s is not supported", o.format)
	}
	return o, nil
}

// writerOptions returns the options of kq's own Parquet writer.
func (o copyOptions) writerOptions(c parquet.Compression, mem memory.Allocator) []parquet.Option {
	opts := []parquet.Option{parquet.WithCompression(c), parquet.WithCompressionLevel(o.level), parquet.WithAllocator(mem)}
	if o.rowGroup > 0 {
		opts = append(opts, parquet.WithRowGroupRows(o.rowGroup))
	}
	return opts
}
