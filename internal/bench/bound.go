package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/kq-sql/kq/internal/parquet"
)

// CompressionBound is the Parquet export's compression bound, measured on
// the file kq-parquet wrote: zstd level 1 alone over the file's pages
// (internal/parquet.CompressionBound), beside what the 2 cores have to
// do anyway.
type CompressionBound struct {
	// PageBytes is the size of the file's pages before compression,
	// Compressed after.
	PageBytes  int64 `json:"pageBytes"`
	Compressed int64 `json:"compressedBytes"`
	// ZstdCPU is the CPU time zstd took over them, on one core.
	ZstdCPU time.Duration `json:"zstdCpuNs"`
	// Cores is the machine's CPU count.
	Cores int `json:"cores"`
	// Floor is the export's shortest possible wall time if it did the
	// raw loop's work (its CPU and the broker's) and zstd's and nothing
	// else, on every core all the time; Ceiling is the raw loop's
	// median over Floor: the best kq-parquet's "× raw" could be.
	Floor   time.Duration `json:"floorNs"`
	Ceiling float64       `json:"ceiling"`
}

// String is the bound as the report prints it.
func (b *CompressionBound) String() string {
	return fmt.Sprintf("zstd level 1 alone takes %.2f core-s over the file's %.0f MB of pages (%.2f s on %d cores); with the raw loop's CPU and the broker's, on every core all the time, the export takes at least %.2f s: %.2f× raw at best",
		b.ZstdCPU.Seconds(), float64(b.PageBytes)/1e6, b.ZstdCPU.Seconds()/float64(b.Cores), b.Cores, b.Floor.Seconds(), b.Ceiling)
}

// boundState measures the bound once, on kq-parquet's first file.
type boundState struct {
	got *parquet.Bound
	err error
}

// measure measures the bound on the Parquet file at path, once.
func (s *boundState) measure(path string) {
	if s.got != nil || s.err != nil {
		return
	}
	b, err := parquet.CompressionBound(path, 1)
	if err != nil {
		s.err = err
		return
	}
	s.got = &b
}

// finish returns the bound against the raw loop's figures in results;
// nil when it was not measured (no kq-parquet, or it failed, said on
// the report's stderr by Run) or there is no raw loop.
func (s *boundState) finish(results []Result, cores int) *CompressionBound {
	if s.got == nil || cores <= 0 {
		return nil
	}
	var raw *Result
	for i := range results {
		if results[i].Name == "raw" {
			raw = &results[i]
		}
	}
	if raw == nil || raw.Median <= 0 {
		return nil
	}
	b := &CompressionBound{PageBytes: s.got.PageBytes, Compressed: s.got.Compressed, ZstdCPU: s.got.CPU, Cores: cores}
	b.Floor = (raw.CPU + max(raw.BrokerCPU, 0) + b.ZstdCPU) / time.Duration(cores)
	b.Ceiling = raw.Median.Seconds() / b.Floor.Seconds()
	return b
}

// ReadReport reads a report written with -json.
func ReadReport(path string) (*Report, error) {
	buf, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("bench: baseline report: %w", err)
	}
	var r Report
	if err := json.Unmarshal(buf, &r); err != nil {
		return nil, fmt.Errorf("bench: baseline report %s: %w", path, err)
	}
	if r.Seed.Records == 0 || len(r.Results) == 0 {
		return nil, fmt.Errorf("bench: baseline report %s: no seed or results", path)
	}
	return &r, nil
}
