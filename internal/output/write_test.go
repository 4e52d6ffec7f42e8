package output

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
)

// valuesReader returns one batch with a row of many types and a row of
// NULLs.
func valuesReader(t *testing.T, mem memory.Allocator) array.RecordReader {
	t.Helper()
	fields := []arrow.Field{
		{Name: "blob", Type: arrow.BinaryTypes.Binary, Nullable: true},
		{Name: "bad", Type: arrow.BinaryTypes.Binary, Nullable: true},
		{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
		{Name: "d", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		{Name: "dec", Type: &arrow.Decimal128Type{Precision: 10, Scale: 2}, Nullable: true},
		{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "l", Type: arrow.ListOf(arrow.PrimitiveTypes.Int32), Nullable: true},
		{Name: "s", Type: arrow.StructOf(arrow.Field{Name: "b", Type: arrow.BinaryTypes.String}, arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int64}), Nullable: true},
		{Name: "m", Type: arrow.MapOf(arrow.BinaryTypes.String, arrow.PrimitiveTypes.Int32), Nullable: true},
		{Name: "iv", Type: arrow.FixedWidthTypes.MonthDayNanoInterval, Nullable: true},
	}
	schema := arrow.NewSchema(fields, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	b.Field(0).(*array.BinaryBuilder).Append([]byte("héllo"))
	b.Field(1).(*array.BinaryBuilder).Append([]byte{0xff, 0x00, 0x41})
	b.Field(2).(*array.TimestampBuilder).Append(arrow.Timestamp(1700000000123456))
	b.Field(3).(*array.Date32Builder).Append(arrow.Date32(19723))
	b.Field(4).(*array.Decimal128Builder).Append(decimal128.FromI64(-12345))
	b.Field(5).(*array.Float64Builder).Append(0.1)
	lb := b.Field(6).(*array.ListBuilder)
	lb.Append(true)
	lb.ValueBuilder().(*array.Int32Builder).AppendValues([]int32{1, 2}, nil)
	sb := b.Field(7).(*array.StructBuilder)
	sb.Append(true)
	sb.FieldBuilder(0).(*array.StringBuilder).Append("x")
	sb.FieldBuilder(1).(*array.Int64Builder).Append(9)
	mb := b.Field(8).(*array.MapBuilder)
	mb.Append(true)
	mb.KeyBuilder().(*array.StringBuilder).Append("k")
	mb.ItemBuilder().(*array.Int32Builder).Append(7)
	b.Field(9).(*array.MonthDayNanoIntervalBuilder).Append(arrow.MonthDayNanoInterval{Months: 14, Days: 3, Nanoseconds: 3723500000000})
	for _, fb := range b.Fields() {
		fb.AppendNull()
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	rr, err := array.NewRecordReader(schema, []arrow.RecordBatch{rec})
	if err != nil {
		t.Fatal(err)
	}
	return rr
}

func TestFormats(t *testing.T) {
	want := map[Format]string{
		NDJSON: `{"blob":"héllo","bad":"\\xff0041","ts":"2023-11-14T22:13:20.123456Z","d":"2024-01-01","dec":-123.45,"f":0.1,"l":[1,2],"s":{"b":"x","a":9},"m":{"k":7},"iv":"P1Y2M3DT1H2M3.5S"}
{"blob":null,"bad":null,"ts":null,"d":null,"dec":null,"f":null,"l":null,"s":null,"m":null,"iv":null}
`,
		CSV: `blob,bad,ts,d,dec,f,l,s,m,iv
héllo,\xff0041,2023-11-14T22:13:20.123456Z,2024-01-01,-123.45,0.1,"[1,2]","{""b"":""x"",""a"":9}","{""k"":7}",P1Y2M3DT1H2M3.5S
,,,,,,,,,
`,
		Table: `┌───────┬──────────┬─────────────────────────────┬────────────┬─────────┬──────┬───────┬─────────────────┬─────────┬──────────────────┐
│ blob  │ bad      │ ts                          │ d          │ dec     │ f    │ l     │ s               │ m       │ iv               │
├───────┼──────────┼─────────────────────────────┼────────────┼─────────┼──────┼───────┼─────────────────┼─────────┼──────────────────┤
│ héllo │ \xff0041 │ 2023-11-14T22:13:20.123456Z │ 2024-01-01 │ -123.45 │  0.1 │ [1,2] │ {"b":"x","a":9} │ {"k":7} │ P1Y2M3DT1H2M3.5S │
│ NULL  │ NULL     │ NULL                        │ NULL       │    NULL │ NULL │ NULL  │ NULL            │ NULL    │ NULL             │
└───────┴──────────┴─────────────────────────────┴────────────┴─────────┴──────┴───────┴─────────────────┴─────────┴──────────────────┘
`,
	}
	for _, f := range []Format{NDJSON, CSV, JSON, Table, Arrow} { // Parquet has no MonthDayNano interval: TestParquetOutput
		t.Run(string(f), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			rr := valuesReader(t, mem)
			defer rr.Release()
			var out bytes.Buffer
			n, err := Write(&out, f, rr)
			if err != nil {
				t.Fatal(err)
			}
			if n != 2 {
				t.Fatalf("wrote %d rows, want 2", n)
			}
			if w, ok := want[f]; ok && out.String() != w {
				t.Fatalf("got:\n%s\nwant:\n%s", out.String(), w)
			}
		})
	}
}

func TestTableBlocks(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{{Name: "n", Type: arrow.PrimitiveTypes.Int64}}, nil)
	b := array.NewInt64Builder(mem)
	defer b.Release()
	rows := 2*TableBlockRows + 5
	for i := range rows {
		b.Append(int64(i))
	}
	col := b.NewArray()
	defer col.Release()
	rec := array.NewRecordBatch(schema, []arrow.Array{col}, int64(rows))
	defer rec.Release()
	rr, _ := array.NewRecordReader(schema, []arrow.RecordBatch{rec})
	defer rr.Release()
	var out bytes.Buffer
	if _, err := Write(&out, Table, rr); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	// The first block is 0..999 (width 3); the second needs width 4 and
	// starts a new table; the third fits.
	if got, want := strings.Count(out.String(), "┌"), 2; got != want {
		t.Fatalf("%d tables, want %d", got, want)
	}
	if got, want := len(lines), rows+2*4; got != want {
		t.Fatalf("%d lines, want %d", got, want)
	}
	if lines[3] != "│   0 │" || lines[len(lines)-2] != "│ 2004 │" {
		t.Fatalf("unexpected rows %q ... %q", lines[3], lines[len(lines)-2])
	}
}

// scribbleReader overwrites each batch's string bytes once the reader has
// moved past it, as a reader that reuses or frees its buffers would.
type scribbleReader struct {
	array.RecordReader
	prev arrow.RecordBatch
}

func (r *scribbleReader) Next() bool {
	if r.prev != nil {
		data := r.prev.Column(0).(*array.String).ValueBytes()
		for i := range data {
			data[i] = '#'
		}
		r.prev.Release()
		r.prev = nil
	}
	if !r.RecordReader.Next() {
		return false
	}
	r.prev = r.RecordReader.RecordBatch()
	r.prev.Retain()
	return true
}

func TestTableOwnsCells(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.String}}, nil)
	var recs []arrow.RecordBatch
	for _, v := range []string{"abc", "def"} {
		b := array.NewStringBuilder(memory.DefaultAllocator)
		b.Append(v)
		col := b.NewArray()
		recs = append(recs, array.NewRecordBatch(schema, []arrow.Array{col}, 1))
		col.Release()
		b.Release()
	}
	rr, _ := array.NewRecordReader(schema, recs)
	defer rr.Release()
	var out bytes.Buffer
	if _, err := Write(&out, Table, &scribbleReader{RecordReader: rr}); err != nil {
		t.Fatal(err)
	}
	if want := "│ abc │\n│ def │\n"; !strings.Contains(out.String(), want) {
		t.Fatalf("got\n%s", out.String())
	}
}

func TestFormatFloat(t *testing.T) {
	for f, want := range map[float64]string{
		13082625.46: "13082625.46", 0.1: "0.1", -2.5e-7: "-2.5e-07", 1e21: "1e+21", 123456789012345680000: "123456789012345680000", 0: "0",
	} {
		if got := formatFloat(f, 64); got != want {
			t.Errorf("formatFloat(%v) = %q, want %q", f, got, want)
		}
	}
	if got := formatFloat(float64(float32(1.1)), 32); got != "1.1" {
		t.Errorf("float32 1.1 = %q", got)
	}
}

// TestParquetOutput: the Parquet format writes a file arrow-go reads back;
// a type Parquet cannot hold is an error before anything is written.
func TestParquetOutput(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{{Name: "n", Type: arrow.PrimitiveTypes.Int64}, {Name: "s", Type: arrow.BinaryTypes.String, Nullable: true}}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for i := range 1000 {
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		b.Field(1).(*array.StringBuilder).Append(strings.Repeat("x", i%7))
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	rr, _ := array.NewRecordReader(schema, []arrow.RecordBatch{rec, rec})
	defer rr.Release()
	var out bytes.Buffer
	if n, err := Write(&out, Parquet, rr); err != nil || n != 2000 {
		t.Fatalf("wrote %d rows: %v", n, err)
	}
	f, err := file.NewParquetReader(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.NumRows() != 2000 || f.MetaData().Schema.NumColumns() != 2 {
		t.Errorf("%d rows, %d columns", f.NumRows(), f.MetaData().Schema.NumColumns())
	}

	bad := valuesReader(t, mem) // has a MonthDayNano interval
	defer bad.Release()
	out.Reset()
	if _, err := Write(&out, Parquet, bad); err == nil || !strings.Contains(err.Error(), "parquet") || out.Len() != 0 {
		t.Errorf("interval column: %v, %d bytes", err, out.Len())
	}
}

// intsReader returns the numbers 1..n as one column, in batches of 7.
func intsReader(t *testing.T, mem memory.Allocator, n int) array.RecordReader {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{{Name: "n", Type: arrow.PrimitiveTypes.Int64}}, nil)
	var recs []arrow.RecordBatch
	for from := 1; from <= n; from += 7 {
		b := array.NewInt64Builder(mem)
		for i := from; i < from+7 && i <= n; i++ {
			b.Append(int64(i))
		}
		col := b.NewArray()
		b.Release()
		recs = append(recs, array.NewRecordBatch(schema, []arrow.Array{col}, int64(col.Len())))
		col.Release()
	}
	rr, err := array.NewRecordReader(schema, recs)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		r.Release()
	}
	return rr
}

// TestTableMaxRows: WithMaxRows shows the first and the last rows of a
// longer result, dots between, and a count; a result that fits is shown
// whole, without a count.
func TestTableMaxRows(t *testing.T) {
	for _, tc := range []struct {
		n, max int
		want   string
	}{
		{1200, 5, `┌──────┐
│ n    │
├──────┤
│    1 │
│    2 │
│    3 │
│    · │
│    · │
│    · │
│ 1199 │
│ 1200 │
└──────┘
1,200 rows (5 shown)
`},
		{12, 5, `┌────┐
│ n  │
├────┤
│  1 │
│  2 │
│  3 │
│  · │
│  · │
│  · │
│ 11 │
│ 12 │
└────┘
12 rows (5 shown)
`},
		{4, 5, `┌───┐
│ n │
├───┤
│ 1 │
│ 2 │
│ 3 │
│ 4 │
└───┘
`},
		{5, 5, `┌───┐
│ n │
├───┤
│ 1 │
│ 2 │
│ 3 │
│ 4 │
│ 5 │
└───┘
`},
		{3, 1, `┌───┐
│ n │
├───┤
│ 1 │
│ · │
│ · │
│ · │
└───┘
3 rows (1 shown)
`},
	} {
		t.Run(fmt.Sprint(tc.n, "/", tc.max), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			rr := intsReader(t, mem, tc.n)
			defer rr.Release()
			var out bytes.Buffer
			n, err := Write(&out, Table, rr, WithMaxRows(tc.max))
			if err != nil || n != int64(tc.n) {
				t.Fatalf("%d rows: %v", n, err)
			}
			if out.String() != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", out.String(), tc.want)
			}
		})
	}
}
