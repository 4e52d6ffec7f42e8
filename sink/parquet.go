package sink

import (
	"fmt"
	"io"
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

// ParquetRowGroupRows is the largest row group the Parquet writer builds;
// a row group is held (encoded and compressed) in memory until it is full.
const ParquetRowGroupRows = 128 * 1024

// ParquetFile writes Arrow batches to one Parquet file atomically: under a
// temporary name, renamed onto the target by Commit. It is not safe for
// concurrent use.
type ParquetFile struct {
	f    *AtomicFile
	w    *pqarrow.FileWriter
	rows int64
}

// CreateParquet starts a Parquet file at path with the given schema.
// Call Commit or Abort.
func CreateParquet(path string, schema *arrow.Schema, c Compression, mem memory.Allocator) (*ParquetFile, error) {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	f, err := CreateAtomic(path)
	if err != nil {
		return nil, err
	}
	props := parquet.NewWriterProperties(
		parquet.WithCompression(c.codec()),
		parquet.WithMaxRowGroupLength(ParquetRowGroupRows),
		parquet.WithAllocator(mem),
		// Dictionary encoding of mostly unique values (Kafka values and
		// keys) costs ~7x the write time (BenchmarkParquet); the topic
		// column repeats and keeps it.
		parquet.WithDictionaryDefault(false),
		parquet.WithDictionaryFor("topic", true),
	)
	// The writer closes a sink that is an io.Closer; Commit must close
	// (after syncing) the file itself.
	w, err := pqarrow.NewFileWriter(schema, struct{ io.Writer }{f}, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema(), pqarrow.WithAllocator(mem)))
	if err != nil {
		f.Abort()
		return nil, fmt.Errorf("parquet %s: %w", path, err)
	}
	return &ParquetFile{f: f, w: w}, nil
}

// Write appends a batch. It does not release rec.
func (p *ParquetFile) Write(rec arrow.RecordBatch) error {
	if err := p.w.WriteBuffered(rec); err != nil {
		return fmt.Errorf("parquet %s: %w", p.f.Target(), err)
	}
	p.rows += rec.NumRows()
	return nil
}

// Rows is the number of rows written so far.
func (p *ParquetFile) Rows() int64 { return p.rows }

// Commit finishes the file and renames it onto its target.
func (p *ParquetFile) Commit() error {
	if err := p.w.Close(); err != nil {
		p.f.Abort()
		return fmt.Errorf("parquet %s: %w", p.f.Target(), err)
	}
	return p.f.Commit()
}

// Abort discards the file; the target is untouched.
func (p *ParquetFile) Abort() {
	p.w.Close()
	p.f.Abort()
}
