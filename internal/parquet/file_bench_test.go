package parquet

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/compress"

	"github.com/kq-sql/kq/internal/decode"
	"github.com/kq-sql/kq/internal/plan"
)

// benchRows is how many rows BenchmarkFile writes per op: 40 batches of
// 8192, as a scan yields them.
const benchRows = 40 * 8192

// benchExport returns the batches of a `SELECT *` over benchRows records
// of the bench topic's shape (internal/bench: key c-NNNN, a ~120-byte
// JSON order as value, 6 partitions, timestamps a second apart), and the
// bytes of their keys and values.
var benchExport = sync.OnceValues(func() ([]arrow.RecordBatch, int64) {
	schema, err := decode.SourceSchema(plan.SourceColumns(false))
	if err != nil {
		panic(err)
	}
	statuses := []string{"new", "paid", "shipped", "delivered", "cancelled", "returned"}
	countries := []string{"DE", "FR", "US", "GB", "NL", "PL", "ES", "IT"}
	epoch := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var recs []arrow.RecordBatch
	var payload int64
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	var key, val []byte
	for i := int64(0); i < benchRows; i++ {
		h := uint64(i)*0x9E3779B97F4A7C15 ^ uint64(i)>>7
		key = fmt.Appendf(key[:0], "c-%04d", h%5000)
		cents := h>>13%50000 + 100
		val = fmt.Appendf(val[:0], `{"order_id":%d,"customer":"%s","amount":%d.%02d,"status":"%s","country":"%s","created_at":"%s"}`,
			i, key, cents/100, cents%100, statuses[h>>32%6], countries[h>>40%8], epoch.Add(time.Duration(i)*time.Second).Format(time.RFC3339))
		payload += int64(len(key) + len(val))
		for c, f := range schema.Fields() {
			switch f.Name {
			case plan.ColTopic:
				b.Field(c).(*array.StringBuilder).Append("bulk")
			case plan.ColPartition:
				b.Field(c).(*array.Int32Builder).Append(int32(i % 6))
			case plan.ColOffset:
				b.Field(c).(*array.Int64Builder).Append(i / 6)
			case plan.ColTimestamp:
				b.Field(c).(*array.TimestampBuilder).Append(arrow.Timestamp(epoch.Add(time.Duration(i) * time.Millisecond).UnixMicro()))
			case plan.ColTimestampType:
				b.Field(c).(*array.Int32Builder).Append(0)
			case plan.ColKey:
				b.Field(c).(*array.BinaryBuilder).Append(key)
			case plan.ColValue:
				b.Field(c).(*array.BinaryBuilder).Append(val)
			default:
				panic("unexpected column " + f.Name)
			}
		}
		if i%8192 == 8191 {
			recs = append(recs, b.NewRecordBatch())
		}
	}
	return recs, payload
})

// BenchmarkFile writes the batches of a `SELECT *` export (benchExport)
// to one Parquet file with kq's defaults (zstd level 1, WithEncoders
// from GOMAXPROCS), and with other codecs; zstd-pages is the bound: zstd
// level 1 alone, kq's encoder, over the same key and value bytes cut in
// PageSize pages, on one goroutine. MB/s are of keys and values.
func BenchmarkFile(b *testing.B) {
	recs, payload := benchExport()
	for _, c := range []Compression{Zstd, Snappy, None} {
		b.Run(string(c), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "x.parquet")
			b.SetBytes(payload)
			for b.Loop() {
				f, err := Create(path, recs[0].Schema(), WithCompression(c))
				if err != nil {
					b.Fatal(err)
				}
				for _, rec := range recs {
					if err := f.Write(rec); err != nil {
						b.Fatal(err)
					}
				}
				if err := f.Commit(); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(f.Size())/float64(benchRows), "B/row")
			}
			b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
	b.Run("zstd-pages", func(b *testing.B) {
		if err := registerZstd(); err != nil {
			b.Fatal(err)
		}
		codec, err := compress.GetCodec(compress.Codecs.Zstd)
		if err != nil {
			b.Fatal(err)
		}
		// The key and value columns' bytes as PLAIN pages hold them:
		// each value after its 4-byte length.
		var pages [][]byte
		page := make([]byte, 0, PageSize)
		for _, rec := range recs {
			for _, name := range []string{plan.ColKey, plan.ColValue} {
				col := rec.Column(rec.Schema().FieldIndices(name)[0]).(*array.Binary)
				for i := range col.Len() {
					v := col.Value(i)
					if len(page)+4+len(v) > PageSize {
						pages = append(pages, page)
						page = make([]byte, 0, PageSize)
					}
					page = append(page, byte(len(v)), byte(len(v)>>8), 0, 0)
					page = append(page, v...)
				}
			}
		}
		pages = append(pages, page)
		var dst []byte
		var out int64
		b.SetBytes(payload)
		for b.Loop() {
			out = 0
			for _, p := range pages {
				dst = codec.EncodeLevel(dst[:0], p, DefaultZstdLevel)
				out += int64(len(dst))
			}
		}
		b.ReportMetric(float64(out)/float64(benchRows), "B/row")
	})
}
