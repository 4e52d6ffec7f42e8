package decode

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/kq-sql/kq/internal/fetch"
	"github.com/kq-sql/kq/internal/plan"
)

// BenchmarkBuilder appends one ~120-byte order record to the Arrow
// builders of a scan, per layout: every source column with the value as
// BLOB (SELECT * ... / a Parquet export), the value as VARCHAR, and only
// the offset (a projection that needs no payload). A batch is flushed
// every 8192 rows, as the scan does. With BenchmarkDecodeOrder (JSON
// fields) it shows what building costs per row apart from fetching.
func BenchmarkBuilder(b *testing.B) {
	key := []byte("c-0042")
	cases := []struct {
		name   string
		cols   []string
		format plan.RecordFormat
	}{
		{"all-raw", plan.SourceColumns(false), plan.FormatRaw},
		{"all-string", plan.SourceColumns(false), plan.FormatString},
		{"offset-only", []string{plan.ColOffset}, plan.FormatRaw},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			l, err := newLayout(c.cols, c.format, plan.FormatRaw, nil, nil)
			if err != nil {
				b.Fatal(err)
			}
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			rb := mustBuilder(b, mem, l)
			rb.SetTask("bulk", 3)
			r := &fetch.Record{Key: key, Value: benchOrder, Timestamp: 1767225600000}
			b.SetBytes(int64(len(key) + len(benchOrder)))
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				r.Offset = int64(i)
				if _, err := rb.Append(r); err != nil {
					b.Fatal(err)
				}
				if i%8192 == 8191 {
					rb.Flush().Release()
				}
			}
			if rec := rb.Flush(); rec != nil {
				rec.Release()
			}
			rb.Release()
			if n := mem.CurrentAlloc(); n != 0 {
				b.Fatalf("%d bytes of Arrow memory not released", n)
			}
		})
	}
}
