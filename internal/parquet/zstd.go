package parquet

import (
	"fmt"
	"sync"

	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/klauspost/compress/zstd"
)

// zstdWindow is the window of the zstd codec kq registers with arrow-go.
// Parquet compresses page by page, and pages are about 1 MiB
// (parquet.DefaultDataPageSize): a larger window finds nothing more. With
// klauspost/compress's default window of 8 MiB every encoder holds 16 MiB
// of history; arrow-go pools encoders in a sync.Pool, which drops them at
// each GC, so that memory is allocated and cleared again and again
// (BENCHMARKS.md: about 15 % of an export's heap).
const zstdWindow = 1 << 20

// zstdCodec is arrow-go's zstd codec with encoders of window zstdWindow.
// Decoding, streams and bounds are arrow-go's own.
type zstdCodec struct {
	compress.Codec
}

// registerZstd registers kq's zstd codec with arrow-go, once, when kq's
// Parquet writer is first used (Create): importing kq changes nothing, and
// a program that never exports keeps arrow-go's codec. arrow-go looks
// codecs up in one process-wide table, so from then on every arrow-go
// Parquet writer of the process uses it; it writes standard zstd frames
// that any reader reads, with less memory.
var registerZstd = sync.OnceValue(func() error {
	c, err := compress.GetCodec(compress.Codecs.Zstd)
	if err != nil {
		return fmt.Errorf("parquet: arrow-go's zstd codec: %w", err)
	}
	compress.RegisterCodec(compress.Codecs.Zstd, zstdCodec{c})
	return nil
})

// zstdEncoders pools encoders per level (a *sync.Pool per
// zstd.EncoderLevel).
var zstdEncoders sync.Map

func zstdEncoder(level zstd.EncoderLevel) (*zstd.Encoder, *sync.Pool) {
	p, ok := zstdEncoders.Load(level)
	if !ok {
		p, _ = zstdEncoders.LoadOrStore(level, &sync.Pool{New: func() any {
			// No frame checksum: Parquet writers built on libzstd (Arrow
			// C++, DuckDB) write none either, and hashing every page was
			// 1 % of an export's CPU (xxhash in BENCHMARKS.md's profile).
			enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(level), zstd.WithWindowSize(zstdWindow),
				zstd.WithZeroFrames(true), zstd.WithEncoderConcurrency(1), zstd.WithAllLitEntropyCompression(true),
				zstd.WithEncoderCRC(false))
			if err != nil {
				panic(err) // the options are constant and valid
			}
			return enc
		}})
	}
	pool := p.(*sync.Pool)
	return pool.Get().(*zstd.Encoder), pool
}

// Encode compresses src at zstd's default level.
func (z zstdCodec) Encode(dst, src []byte) []byte {
	return z.EncodeLevel(dst, src, compress.DefaultCompressionLevel)
}

// EncodeLevel compresses src at level (1–22, or the default level).
func (z zstdCodec) EncodeLevel(dst, src []byte, level int) []byte {
	l := zstd.SpeedDefault
	if level != compress.DefaultCompressionLevel {
		l = zstd.EncoderLevelFromZstd(level)
	}
	enc, pool := zstdEncoder(l)
	defer pool.Put(enc)
	return enc.EncodeAll(src, dst[:0])
}
