package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/float16"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// awkwardStrings are texts that exercise every escaping and quoting rule
// of the text formats.
var awkwardStrings = []string{
	"", " ", "plain", "a,b", `say "hi"`, "line\nbreak", "cr\rhere", "tab\there", `\.`, " lead", "\tlead", "\vlead",
	"<b>&amp;</b>", "\u2028\u2029", "héllo wörld", "日本語", "\x00\x01\x1f\x7f", "\xff\xfe invalid", "\\back\\slash",
	"emoji 🎉", "\u00a0nbsp", "\u0085nel", "\x1b[31mred\x1b[0m", "a\"\"b", "{\"json\":true}",
}

// genColumn fills builder b with n random values of its type, NULLs
// among them when nulls is set (a column without NULLs takes the
// appenders' path that skips the validity bitmap).
func genColumn(r *rand.Rand, b array.Builder, n int, nulls bool) {
	for range n {
		genValue(r, b, nulls)
	}
}

func genValue(r *rand.Rand, b array.Builder, nulls bool) {
	if nulls && r.IntN(6) == 0 {
		b.AppendNull()
		return
	}
	str := func() string { return awkwardStrings[r.IntN(len(awkwardStrings))] }
	switch b := b.(type) {
	case *array.BinaryBuilder:
		if r.IntN(3) == 0 {
			raw := make([]byte, r.IntN(6))
			for i := range raw {
				raw[i] = byte(r.IntN(256))
			}
			b.Append(raw)
		} else {
			b.Append([]byte(str()))
		}
	case *array.StringBuilder:
		b.Append(str())
	case *array.LargeStringBuilder:
		b.Append(str())
	case *array.StringViewBuilder:
		b.Append(str() + str()) // some longer than a view's 12 inline bytes
	case *array.BinaryViewBuilder:
		b.Append([]byte(str() + str()))
	case *array.FixedSizeBinaryBuilder:
		raw := make([]byte, b.Type().(*arrow.FixedSizeBinaryType).ByteWidth)
		for i := range raw {
			raw[i] = byte(r.IntN(256))
		}
		if r.IntN(2) == 0 {
			copy(raw, "ab,c") // valid UTF-8 that needs quotes in CSV
		}
		b.Append(raw)
	case *array.BooleanBuilder:
		b.Append(r.IntN(2) == 0)
	case *array.Int8Builder:
		b.Append(int8(r.IntN(256) - 128))
	case *array.Int32Builder:
		b.Append(int32(r.Uint32()))
	case *array.Int64Builder:
		b.Append(int64(r.Uint64()))
	case *array.Uint64Builder:
		b.Append(r.Uint64())
	case *array.Float16Builder:
		b.Append(float16.New(float32(r.NormFloat64() * 100)))
	case *array.Float32Builder:
		b.Append(float32(r.NormFloat64() * math.Pow(10, float64(r.IntN(30)-15))))
	case *array.Float64Builder:
		fs := []float64{0, math.Copysign(0, -1), 0.1, 1e-7, 1e21, 123456789012345680000, 1.5e300, -2.5e-300}
		switch r.IntN(3) {
		case 0:
			b.Append(fs[r.IntN(len(fs))])
		case 1:
			// Short decimals (appendShortDecimal's fast path).
			b.Append(float64(r.Int64N(2e9)-1e9) / math.Pow10(r.IntN(8)))
		default:
			b.Append(r.NormFloat64() * math.Pow(10, float64(r.IntN(40)-20)))
		}
	case *array.Decimal128Builder:
		b.Append(decimal128.FromI64(r.Int64N(1e12) - 5e11))
	case *array.TimestampBuilder:
		// Years 1 to 9999 and beyond (the slow path), with every digit
		// of the fraction used.
		ts := r.Int64N(400_000_000_000_000_000) - 62_135_596_800_000_000
		switch r.IntN(10) {
		case 0:
			ts = -ts * 3
		case 5, 6:
			// Within a few seconds, whole seconds among them: the
			// cached second and the zero fraction.
			ts = 1767225600_000_000_000 + r.Int64N(4)*1e9
			if r.IntN(2) == 0 {
				ts += r.Int64N(1e9)
			}
		case 1, 2, 3, 4:
			// Near one instant: consecutive values on the same day and
			// across midnight.
			ts = 1767225600_000_000_000 + r.Int64N(4*3600_000_000_000) - 2*3600_000_000_000
		}
		b.Append(arrow.Timestamp(ts / unitDivisor(b.Type().(*arrow.TimestampType).Unit)))
	case *array.Date32Builder:
		switch r.IntN(4) {
		case 0: // around 0000-01-01 and 9999-12-31, where the digits stop
			b.Append(arrow.Date32([]int{-719528, 2932896}[r.IntN(2)] + r.IntN(21) - 10))
		case 1:
			b.Append(arrow.Date32(r.IntN(8_000_000) - 4_000_000))
		default:
			b.Append(arrow.Date32(r.IntN(200000) - 100000))
		}
	case *array.Time64Builder:
		b.Append(arrow.Time64(r.Int64N(86400_000_000)))
	case *array.DurationBuilder:
		b.Append(arrow.Duration(r.Int64N(1e12) - 5e11))
	case *array.MonthDayNanoIntervalBuilder:
		b.Append(arrow.MonthDayNanoInterval{Months: int32(r.IntN(40) - 20), Days: int32(r.IntN(40) - 20), Nanoseconds: r.Int64N(1e14) - 5e13})
	case *array.ListBuilder:
		b.Append(true)
		for range r.IntN(4) {
			genValue(r, b.ValueBuilder(), nulls)
		}
	case *array.StructBuilder:
		b.Append(true)
		for f := range b.NumField() {
			genValue(r, b.FieldBuilder(f), nulls)
		}
	case *array.MapBuilder:
		b.Append(true)
		for range r.IntN(3) {
			switch kb := b.KeyBuilder().(type) {
			case *array.StringBuilder:
				kb.Append(str())
			case *array.Int32Builder:
				kb.Append(int32(r.IntN(100)))
			}
			genValue(r, b.ItemBuilder(), nulls)
		}
	case *array.BinaryDictionaryBuilder:
		b.AppendString(str())
	default:
		panic(fmt.Sprintf("genValue: %T", b))
	}
}

// unitDivisor turns nanoseconds into unit u.
func unitDivisor(u arrow.TimeUnit) int64 {
	return int64(u.Multiplier() / arrow.Nanosecond.Multiplier())
}

// differentialSchema holds every type the writers render specially; the
// floats of nested values are finite (the reference could not write
// NaN or ±Infinity in JSON at all, see TestJSONNonFinite).
var differentialSchema = arrow.NewSchema([]arrow.Field{
	{Name: "blob", Type: arrow.BinaryTypes.Binary, Nullable: true},
	{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	{Name: "i8", Type: arrow.PrimitiveTypes.Int8, Nullable: true},
	{Name: "i32", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "i64", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "u64", Type: arrow.PrimitiveTypes.Uint64, Nullable: true},
	{Name: "f16", Type: arrow.FixedWidthTypes.Float16, Nullable: true},
	{Name: "f32", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
	{Name: "f64", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "dec", Type: &arrow.Decimal128Type{Precision: 18, Scale: 3}, Nullable: true},
	{Name: "ts_s", Type: &arrow.TimestampType{Unit: arrow.Second}, Nullable: true},
	{Name: "ts_ms", Type: &arrow.TimestampType{Unit: arrow.Millisecond}, Nullable: true},
	{Name: "ts_us", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
	{Name: "ts_ns", Type: &arrow.TimestampType{Unit: arrow.Nanosecond}, Nullable: true},
	{Name: "date", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	{Name: "time", Type: arrow.FixedWidthTypes.Time64us, Nullable: true},
	{Name: "dur", Type: arrow.FixedWidthTypes.Duration_us, Nullable: true},
	{Name: "iv", Type: arrow.FixedWidthTypes.MonthDayNanoInterval, Nullable: true},
	{Name: "list", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
	{Name: "nested", Type: arrow.StructOf(
		arrow.Field{Name: "x \"<q>\"", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		arrow.Field{Name: "l", Type: arrow.ListOf(arrow.StructOf(arrow.Field{Name: "d", Type: &arrow.Decimal128Type{Precision: 10, Scale: 2}, Nullable: true})), Nullable: true},
		arrow.Field{Name: "t", Type: &arrow.TimestampType{Unit: arrow.Millisecond}, Nullable: true},
		arrow.Field{Name: "blob", Type: arrow.BinaryTypes.Binary, Nullable: true},
		arrow.Field{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	), Nullable: true},
	{Name: "map", Type: arrow.MapOf(arrow.BinaryTypes.String, arrow.BinaryTypes.String), Nullable: true},
	{Name: "intmap", Type: arrow.MapOf(arrow.PrimitiveTypes.Int32, arrow.ListOf(arrow.PrimitiveTypes.Int64)), Nullable: true},
	{Name: "dict", Type: &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int16, ValueType: arrow.BinaryTypes.String}, Nullable: true},
	{Name: "a,\"b\"\nc", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "ts_utc", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, Nullable: true},
	{Name: "ls", Type: arrow.BinaryTypes.LargeString, Nullable: true},
	{Name: "sv", Type: arrow.BinaryTypes.StringView, Nullable: true},
	{Name: "lblob", Type: arrow.BinaryTypes.LargeBinary, Nullable: true},
	{Name: "bv", Type: arrow.BinaryTypes.BinaryView, Nullable: true},
	{Name: "fsb", Type: &arrow.FixedSizeBinaryType{ByteWidth: 4}, Nullable: true},
}, nil)

// differentialBatches returns random batches of the schema; some are
// slices (a non-zero array offset), as DuckDB's and LIMIT's batches are.
func differentialBatches(t *testing.T, mem memory.Allocator, seed uint64) []arrow.RecordBatch {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 7))
	var recs []arrow.RecordBatch
	for k := range 6 {
		b := array.NewRecordBuilder(mem, differentialSchema)
		n := 1 + r.IntN(300)
		for _, fb := range b.Fields() {
			genColumn(r, fb, n, k < 4) // the last two without NULLs
		}
		rec := b.NewRecordBatch()
		b.Release()
		if k%2 == 1 && n > 2 {
			sl := rec.NewSlice(1, int64(n-1))
			rec.Release()
			rec = sl
		}
		recs = append(recs, rec)
	}
	return recs
}

func readerOf(t *testing.T, recs []arrow.RecordBatch) array.RecordReader {
	t.Helper()
	rr, err := array.NewRecordReader(differentialSchema, recs)
	if err != nil {
		t.Fatal(err)
	}
	return rr
}

// TestWritersMatchReference renders random batches of every type with the
// writers and with the reference implementation they replaced, and
// requires the same bytes from every format, and from Text value by value.
func TestWritersMatchReference(t *testing.T) {
	for seed := range uint64(12) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			recs := differentialBatches(t, mem, seed)
			defer func() {
				for _, r := range recs {
					r.Release()
				}
			}()
			for _, rec := range recs {
				for c, col := range rec.Columns() {
					for i := range int(rec.NumRows()) {
						got, gok := Text(col, i)
						want, wok := refText(col, i)
						if got != want || gok != wok {
							t.Fatalf("column %s row %d: Text %q %v, reference %q %v", rec.ColumnName(c), i, got, gok, want, wok)
						}
					}
				}
			}
			for _, tc := range []struct {
				name string
				got  func(w *bytes.Buffer, rr array.RecordReader) (int64, error)
				want func(w *bytes.Buffer, rr array.RecordReader) (int64, error)
			}{
				{"csv", func(w *bytes.Buffer, rr array.RecordReader) (int64, error) { return Write(w, CSV, rr) },
					func(w *bytes.Buffer, rr array.RecordReader) (int64, error) { return refWriteCSV(w, rr) }},
				{"json", func(w *bytes.Buffer, rr array.RecordReader) (int64, error) { return Write(w, JSON, rr) },
					func(w *bytes.Buffer, rr array.RecordReader) (int64, error) { return refWriteJSON(w, rr, false) }},
				{"ndjson", func(w *bytes.Buffer, rr array.RecordReader) (int64, error) { return Write(w, NDJSON, rr) },
					func(w *bytes.Buffer, rr array.RecordReader) (int64, error) { return refWriteJSON(w, rr, true) }},
				{"table", func(w *bytes.Buffer, rr array.RecordReader) (int64, error) { return Write(w, Table, rr) },
					func(w *bytes.Buffer, rr array.RecordReader) (int64, error) { return refWriteTable(w, rr) }},
			} {
				var got, want bytes.Buffer
				rr := readerOf(t, recs)
				n, err := tc.got(&got, rr)
				rr.Release()
				if err != nil {
					t.Fatalf("%s: %v", tc.name, err)
				}
				rr = readerOf(t, recs)
				m, err := tc.want(&want, rr)
				rr.Release()
				if err != nil {
					t.Fatalf("%s reference: %v", tc.name, err)
				}
				if n != m || got.String() != want.String() {
					gl, wl := strings.Split(got.String(), "\n"), strings.Split(want.String(), "\n")
					for i := range min(len(gl), len(wl)) {
						if gl[i] != wl[i] {
							t.Fatalf("%s: %d rows (reference %d); line %d:\n got %q\nwant %q", tc.name, n, m, i+1, gl[i], wl[i])
						}
					}
					t.Fatalf("%s: %d rows (reference %d); %d lines, reference %d", tc.name, n, m, len(gl), len(wl))
				}
				switch tc.name {
				case "json":
					if !json.Valid(got.Bytes()) {
						t.Errorf("json: not valid JSON")
					}
				case "ndjson":
					for _, line := range strings.Split(strings.TrimSuffix(got.String(), "\n"), "\n") {
						if !json.Valid([]byte(line)) {
							t.Fatalf("ndjson: line not valid JSON: %s", line)
						}
					}
				}
			}
		})
	}
}

// TestJSONNonFinite: JSON has no NaN or infinities; they are written as
// the strings their text is. (The writers before this one failed with
// "invalid character 'N' looking for beginning of value".)
func TestJSONNonFinite(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "f", Type: arrow.PrimitiveTypes.Float64},
		{Name: "l", Type: arrow.ListOf(arrow.PrimitiveTypes.Float32)},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), -1.5} {
		b.Field(0).(*array.Float64Builder).Append(f)
		lb := b.Field(1).(*array.ListBuilder)
		lb.Append(true)
		lb.ValueBuilder().(*array.Float32Builder).Append(float32(f))
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	rr, _ := array.NewRecordReader(schema, []arrow.RecordBatch{rec})
	defer rr.Release()
	var out bytes.Buffer
	if _, err := Write(&out, NDJSON, rr); err != nil {
		t.Fatal(err)
	}
	want := `{"f":"NaN","l":["NaN"]}
{"f":"Infinity","l":["Infinity"]}
{"f":"-Infinity","l":["-Infinity"]}
{"f":-1.5,"l":[-1.5]}
`
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
}
