package output

import (
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestTextWritersAllocations: the text writers allocate per result and
// per batch (the appenders of its columns), never per row or per value:
// writing 4 batches of 8,192 demo-shaped rows allocates far fewer times
// than there are rows.
func TestTextWritersAllocations(t *testing.T) {
	for _, shape := range benchShapes {
		rec := demoBatch(memory.DefaultAllocator, shape)
		recs := []arrow.RecordBatch{rec, rec, rec, rec}
		for _, f := range []Format{CSV, JSON, NDJSON, Table} {
			allocs := testing.AllocsPerRun(3, func() {
				rr, err := array.NewRecordReader(rec.Schema(), recs)
				if err != nil {
					t.Fatal(err)
				}
				defer rr.Release()
				if _, err := Write(io.Discard, f, rr); err != nil {
					t.Fatal(err)
				}
			})
			// A few per column and batch, the buffers' growth, the
			// table's blocks; 32,768 rows.
			if limit := 400.0; allocs > limit {
				t.Errorf("%s/%s: %.0f allocations for %d rows, want at most %.0f", shape, f, allocs, 4*benchRows, limit)
			}
			t.Logf("%s/%s: %.0f allocations", shape, f, allocs)
		}
		rec.Release()
	}
}
