package parquet

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// TestParquetEncodings: the Kafka offset and timestamp columns are
// delta-encoded, the value column has no statistics, nothing is
// dictionary-encoded, data pages are cut at
// PageSize, and a column that is only named offset (a VARCHAR)
// is written plain; every value reads back.
func TestParquetEncodings(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	const n = 50_000
	for _, tc := range []struct {
		name   string
		schema *arrow.Schema
		delta  []string // the columns written DELTA_BINARY_PACKED
	}{
		{"source columns", arrow.NewSchema([]arrow.Field{
			{Name: "value", Type: arrow.BinaryTypes.Binary, Nullable: true},
			{Name: "topic", Type: arrow.BinaryTypes.String},
			{Name: "offset", Type: arrow.PrimitiveTypes.Int64},
			{Name: "timestamp", Type: &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}},
		}, nil), []string{"offset", "timestamp"}},
		{"offset as text", arrow.NewSchema([]arrow.Field{
			{Name: "value", Type: arrow.BinaryTypes.Binary, Nullable: true},
			{Name: "topic", Type: arrow.BinaryTypes.String},
			{Name: "offset", Type: arrow.BinaryTypes.String},
			{Name: "timestamp", Type: arrow.PrimitiveTypes.Int64},
		}, nil), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := array.NewRecordBuilder(mem, tc.schema)
			defer b.Release()
			for i := int64(0); i < n; i++ {
				if v := rowValue(i); v == nil {
					b.Field(0).AppendNull()
				} else {
					b.Field(0).(*array.BinaryBuilder).Append(v)
				}
				b.Field(1).(*array.StringBuilder).Append("orders")
				switch f := b.Field(2).(type) {
				case *array.Int64Builder:
					f.Append(1000 + i)
				case *array.StringBuilder:
					f.Append(fmt.Sprint(1000 + i))
				}
				switch f := b.Field(3).(type) {
				case *array.TimestampBuilder:
					f.Append(arrow.Timestamp(1_767_225_600_000 + i/3))
				case *array.Int64Builder:
					f.Append(1_767_225_600_000 + i/3)
				}
			}
			rec := b.NewRecordBatch()
			defer rec.Release()
			held := mem.CurrentAlloc()
			path := filepath.Join(t.TempDir(), "e.parquet")
			pf, err := Create(path, tc.schema, WithAllocator(mem))
			if err != nil {
				t.Fatal(err)
			}
			if err := pf.Write(rec); err != nil {
				t.Fatal(err)
			}
			if err := pf.Commit(); err != nil {
				t.Fatal(err)
			}
			if got := mem.CurrentAlloc(); got != held {
				t.Fatalf("the writer holds %d bytes after Commit", got-held)
			}

			f, err := file.OpenParquetFile(path, false)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			for g := 0; g < f.NumRowGroups(); g++ {
				rg := f.RowGroup(g)
				for c := 0; c < rg.NumColumns(); c++ {
					name := tc.schema.Field(c).Name
					cm, err := rg.MetaData().ColumnChunk(c)
					if err != nil {
						t.Fatal(err)
					}
					encs := cm.Encodings()
					if slices.Contains(encs, parquet.Encodings.RLEDict) || slices.Contains(encs, parquet.Encodings.PlainDict) || cm.HasDictionaryPage() {
						t.Errorf("row group %d, %s: dictionary-encoded (%v)", g, name, encs)
					}
					if got, want := slices.Contains(encs, parquet.Encodings.DeltaBinaryPacked), slices.Contains(tc.delta, name); got != want {
						t.Errorf("row group %d, %s: encodings %v, delta-encoded: %v, want %v", g, name, encs, got, want)
					}
					// The payload has no min/max; the other columns do.
					if set, err := cm.StatsSet(); err != nil || set != (name != "value") {
						t.Errorf("row group %d, %s: statistics %v (%v)", g, name, set, err)
					}
					pr, err := rg.GetColumnPageReader(c)
					if err != nil {
						t.Fatal(err)
					}
					pages := 0
					for pr.Next() {
						p := pr.Page()
						pages++
						// The writer checks the size after each batch
						// of values it takes (1024 by default).
						if dp, ok := p.(file.DataPage); ok && dp.UncompressedSize() > 2*PageSize {
							t.Errorf("row group %d, %s: a %d-byte page (at most %d)", g, name, dp.UncompressedSize(), PageSize)
						}
					}
					if err := pr.Err(); err != nil {
						t.Fatal(err)
					}
					if name == "value" && pages < 2 {
						t.Errorf("row group %d: the value column is %d page(s)", g, pages)
					}
				}
			}

			// arrow-go's delta decoder leaks 64 bytes a column into its
			// allocator (v18.8.0, initBlock): the reader gets its own.
			r, err := pqarrow.NewFileReader(f, pqarrow.ArrowReadProperties{BatchSize: 4096}, memory.DefaultAllocator)
			if err != nil {
				t.Fatal(err)
			}
			tbl, err := r.ReadTable(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			defer tbl.Release()
			if tbl.NumRows() != n {
				t.Fatalf("read %d rows, want %d", tbl.NumRows(), n)
			}
			tr := array.NewTableReader(tbl, 8192)
			defer tr.Release()
			i := int64(0)
			for tr.Next() {
				got := tr.RecordBatch()
				for j := 0; j < int(got.NumRows()); j++ {
					want := rec.NewSlice(i, i+1)
					row := got.NewSlice(int64(j), int64(j)+1)
					if !array.RecordEqual(row, want) {
						t.Fatalf("row %d: %v, want %v", i, row, want)
					}
					row.Release()
					want.Release()
					i++
				}
			}
		})
	}
}
