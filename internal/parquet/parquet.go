package parquet

import (
	"fmt"
	"runtime"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// Compression is a Parquet compression codec: "zstd" (the default),
// "snappy", "gzip" or "none".
type Compression string

// The compression codecs.
const (
	Zstd   Compression = "zstd"
	Snappy Compression = "snappy"
	Gzip   Compression = "gzip"
	None   Compression = "none"
)

// ParseCompression returns the codec named s (case-insensitive;
// "uncompressed" is "none", "" is the default zstd).
func ParseCompression(s string) (Compression, error) {
	switch strings.ToLower(s) {
	case "", "zstd":
		return Zstd, nil
	case "snappy":
		return Snappy, nil
	case "gzip":
		return Gzip, nil
	case "none", "uncompressed":
		return None, nil
	}
	return "", fmt.Errorf("unknown compression %q (allowed: zstd, snappy, gzip, none)", s)
}

func (c Compression) codec() compress.Compression {
	switch c {
	case Snappy:
		return compress.Codecs.Snappy
	case Gzip:
		return compress.Codecs.Gzip
	case None:
		return compress.Codecs.Uncompressed
	}
	return compress.Codecs.Zstd
}

// DefaultZstdLevel is the zstd level kq writes Parquet with unless told
// otherwise: 1, klauspost/compress's fastest encoder. On kq's bench topic
// (JSON orders) it compresses about 1.3x faster than level 3 (DuckDB's
// default) for files about 3 % larger (BENCHMARKS.md).
const DefaultZstdLevel = 1

// ParquetRowGroupRows and ParquetRowGroupBytes bound a row group by
// default: it ends at whichever it reaches first (bytes counted as the
// Arrow batches' in-memory size). A row group is the unit the writer
// encodes in parallel and holds in memory (as Arrow batches waiting for
// an encoder, then as compressed pages) until it is written, so these
// bound the writer's memory: at most WithEncoders row groups.
const (
	ParquetRowGroupRows  = 64 * 1024
	ParquetRowGroupBytes = 16 << 20
)

// PageSize is the size a data page is cut at before compression
// (parquet.DefaultDataPageSize is 1 MiB). A page is built, compressed
// and released whole; at 64 KiB a page and the zstd encoder's working set
// stay in the core's cache, and the writer's page buffers stop growing
// and being cleared again: the export takes a fifth less CPU than with
// 1 MiB pages, for files 1 % smaller (BENCHMARKS.md). Parquet's own
// guidance is 8 KiB pages or more; readers read either.
const PageSize = 64 << 10

// DefaultEncoders is the most encoders a File uses by default
// (fewer with fewer cores): more encoders hold more row groups in memory.
const DefaultEncoders = 4

// Option configures a File.
type Option func(*parquetConfig)

type parquetConfig struct {
	comp          Compression
	level         int // 0: the codec's kq default
	mem           memory.Allocator
	encoders      int
	rowGroupRows  int64
	rowGroupBytes int64
}

// WithCompression sets the codec; default Zstd.
func WithCompression(c Compression) Option {
	return func(p *parquetConfig) { p.comp = c }
}

// WithCompressionLevel sets zstd's level, 1–22 (as DuckDB's
// COMPRESSION_LEVEL, only zstd has levels); 0 keeps DefaultZstdLevel.
func WithCompressionLevel(level int) Option {
	return func(p *parquetConfig) { p.level = level }
}

// WithAllocator sets the allocator of the writer's buffers; default
// memory.DefaultAllocator.
func WithAllocator(mem memory.Allocator) Option {
	return func(p *parquetConfig) { p.mem = mem }
}

// WithEncoders sets how many row groups are encoded and compressed at
// once, each on its own goroutine; default GOMAXPROCS, at most
// DefaultEncoders. Memory grows with it: each holds up to a row group of
// Arrow batches.
func WithEncoders(n int) Option {
	return func(p *parquetConfig) { p.encoders = n }
}

// WithRowGroupRows sets the most rows of a row group; default
// ParquetRowGroupRows.
func WithRowGroupRows(n int64) Option {
	return func(p *parquetConfig) { p.rowGroupRows = n }
}

// WithRowGroupBytes sets the most bytes of Arrow data of a row group
// (at least one row is always taken); default ParquetRowGroupBytes.
func WithRowGroupBytes(n int64) Option {
	return func(p *parquetConfig) { p.rowGroupBytes = n }
}

// CheckCompressionLevel reports whether level suits codec c (0 is always
// fine: the default).
func CheckCompressionLevel(c Compression, level int) error {
	if level == 0 {
		return nil
	}
	if c != Zstd {
		return fmt.Errorf("compression %s has no levels (only zstd has)", c)
	}
	if level < 1 || level > 22 {
		return fmt.Errorf("zstd level %d is out of range 1–22", level)
	}
	return nil
}

func newParquetConfig(opts []Option) (parquetConfig, error) {
	cfg := parquetConfig{comp: Zstd, mem: memory.DefaultAllocator, encoders: min(runtime.GOMAXPROCS(0), DefaultEncoders),
		rowGroupRows: ParquetRowGroupRows, rowGroupBytes: ParquetRowGroupBytes}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.mem == nil {
		cfg.mem = memory.DefaultAllocator
	}
	if cfg.encoders < 1 {
		cfg.encoders = 1
	}
	if cfg.rowGroupRows < 1 || cfg.rowGroupBytes < 1 {
		return cfg, fmt.Errorf("parquet row groups of %d rows, %d bytes", cfg.rowGroupRows, cfg.rowGroupBytes)
	}
	if cfg.comp == "" {
		cfg.comp = Zstd
	}
	if err := CheckCompressionLevel(cfg.comp, cfg.level); err != nil {
		return cfg, err
	}
	if cfg.level == 0 && cfg.comp == Zstd {
		cfg.level = DefaultZstdLevel
	}
	return cfg, nil
}

// deltaColumn reports whether f is the offset or timestamp column of a
// Kafka source, which are delta-encoded.
func deltaColumn(f arrow.Field) bool {
	switch f.Name {
	case "offset":
		return f.Type.ID() == arrow.INT64
	case "timestamp":
		return f.Type.ID() == arrow.TIMESTAMP
	}
	return false
}

// payloadColumn reports whether f is the value column of a Kafka source
// (BLOB, or VARCHAR with valueFormat='string'), which is written without
// min/max statistics: the min and max of message payloads prune nothing
// (values are not sorted), and computing them took 5 % of an export's
// CPU (BENCHMARKS.md).
func payloadColumn(f arrow.Field) bool {
	if f.Name != "value" {
		return false
	}
	switch f.Type.ID() {
	case arrow.BINARY, arrow.LARGE_BINARY, arrow.STRING, arrow.LARGE_STRING:
		return true
	}
	return false
}

// writerProps are the Parquet writer's properties for one row group's
// writer: every row group is written by its own writer (parquet_file.go),
// which must not write page indexes or bloom filters (their offsets would
// point into that writer's buffer; stitch refuses them).
func (cfg *parquetConfig) writerProps(schema *arrow.Schema) (*parquet.WriterProperties, pqarrow.ArrowWriterProperties) {
	props := []parquet.WriterProperty{
		parquet.WithCompression(cfg.comp.codec()),
		parquet.WithMaxRowGroupLength(cfg.rowGroupRows),
		parquet.WithAllocator(cfg.mem),
		parquet.WithDataPageSize(PageSize),
		// Dictionary encoding of mostly unique values (Kafka values and
		// keys) costs ~7x the write time (BenchmarkParquet). The topic
		// column repeats, but its dictionary costs more than zstd
		// compressing the repeated name (arrow-go hashes every value
		// through an interface conversion): plain is 6 % less CPU for
		// the same file size (BENCHMARKS.md).
		parquet.WithDictionaryDefault(false),
		parquet.WithPageIndexEnabled(false),
		parquet.WithBloomFilterEnabled(false),
	}
	// Kafka offsets rise by one and timestamps barely move: delta-encoded
	// they take a few bits a row before compression, instead of eight
	// bytes for zstd to work through (files 13 % smaller). Only the
	// source columns of those names and types: another column called
	// offset may hold anything.
	for _, f := range schema.Fields() {
		if deltaColumn(f) {
			props = append(props, parquet.WithEncodingFor(f.Name, parquet.Encodings.DeltaBinaryPacked))
		}
		if payloadColumn(f) {
			props = append(props, parquet.WithStatsFor(f.Name, false))
		}
	}
	if cfg.level != 0 {
		props = append(props, parquet.WithCompressionLevel(cfg.level))
	}
	return parquet.NewWriterProperties(props...),
		pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema(), pqarrow.WithAllocator(cfg.mem))
}
