package parquet

import (
	"fmt"
	"runtime"
	"time"

	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"golang.org/x/sys/unix"
)

// Bound is the compression bound of a Parquet file: what zstd alone
// costs to compress the pages the file holds. No writer of those pages
// spends less CPU on zstd, whatever else it does faster.
type Bound struct {
	// Pages is the number of pages, dictionary and data.
	Pages int
	// PageBytes is their size before compression, Compressed after
	// compressing them again.
	PageBytes, Compressed int64
	// CPU is the thread CPU time zstd took, on one goroutine locked to
	// its OS thread.
	CPU time.Duration
}

// CompressionBound reads every page of the Parquet file at path,
// uncompressed, and compresses each again with kq's zstd codec at level
// (1 for kq's exports, COMPRESSION_LEVEL otherwise), the way kq's writer
// compresses them: one EncodeAll per page. It measures the CPU time of
// those calls alone.
func CompressionBound(path string, level int) (Bound, error) {
	if err := registerZstd(); err != nil {
		return Bound{}, err
	}
	codec, err := compress.GetCodec(compress.Codecs.Zstd)
	if err != nil {
		return Bound{}, err
	}
	r, err := file.OpenParquetFile(path, false)
	if err != nil {
		return Bound{}, fmt.Errorf("parquet: open %s: %w", path, err)
	}
	defer r.Close()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var (
		b   Bound
		dst []byte
	)
	for g := range r.NumRowGroups() {
		rg := r.RowGroup(g)
		for c := range rg.NumColumns() {
			pr, err := rg.GetColumnPageReader(c)
			if err != nil {
				return Bound{}, fmt.Errorf("parquet: %s: row group %d, column %d: %w", path, g, c, err)
			}
			for pr.Next() {
				p := pr.Page()
				data := p.Data()
				t0, err := threadCPU()
				if err != nil {
					return Bound{}, err
				}
				dst = codec.EncodeLevel(dst, data, level)
				t1, err := threadCPU()
				if err != nil {
					return Bound{}, err
				}
				b.CPU += t1 - t0
				b.Pages++
				b.PageBytes += int64(len(data))
				b.Compressed += int64(len(dst))
				p.Release()
			}
			err = pr.Err()
			pr.Close()
			if err != nil {
				return Bound{}, fmt.Errorf("parquet: %s: row group %d, column %d: %w", path, g, c, err)
			}
		}
	}
	return b, nil
}

// threadCPU is the calling OS thread's CPU time.
func threadCPU() (time.Duration, error) {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0, fmt.Errorf("clock_gettime: %w", err)
	}
	return time.Duration(ts.Nano()), nil
}
