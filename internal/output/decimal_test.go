package output

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestDecimalText compares the decimal appenders with arrow's ToString
// (what the writers called before) for Decimal32, Decimal64 and
// Decimal128 over scales from negative to their maximum: values near
// zero, at the int64 limits and beyond them (Decimal128's fallback), and
// random ones.
func TestDecimalText(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := rand.New(rand.NewPCG(5, 6))
	var ints []int64
	for _, v := range []int64{0, 1, -1, 5, -5, 9, 10, 99, 100, 12345, -12345, math.MaxInt32, math.MinInt32, math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1} {
		ints = append(ints, v)
	}
	for range 300 {
		ints = append(ints, r.Int64()>>r.IntN(64))
		ints = append(ints, -r.Int64()>>r.IntN(64))
	}
	check := func(name string, a arrow.Array, want func(i int) string) {
		t.Helper()
		text := textOf(a)
		for i := range a.Len() {
			got, ok := text(nil, i)
			if a.IsNull(i) {
				if ok {
					t.Fatalf("%s row %d: NULL rendered %q", name, i, got)
				}
				continue
			}
			if w := want(i); string(got) != w {
				t.Fatalf("%s row %d: %q, ToString %q", name, i, got, w)
			}
		}
	}
	for scale := int32(-5); scale <= 38; scale++ {
		if scale <= 9 {
			b := array.NewDecimal32Builder(mem, &arrow.Decimal32Type{Precision: 9, Scale: scale})
			for _, v := range ints {
				b.Append(decimal.Decimal32(int32(v)))
			}
			b.AppendNull()
			a := b.NewArray().(*array.Decimal32)
			check("decimal32", a, func(i int) string { return a.Value(i).ToString(scale) })
			a.Release()
			b.Release()
		}
		if scale <= 18 {
			b := array.NewDecimal64Builder(mem, &arrow.Decimal64Type{Precision: 18, Scale: scale})
			for _, v := range ints {
				b.Append(decimal.Decimal64(v))
			}
			b.AppendNull()
			a := b.NewArray().(*array.Decimal64)
			check("decimal64", a, func(i int) string { return a.Value(i).ToString(scale) })
			a.Release()
			b.Release()
		}
		b := array.NewDecimal128Builder(mem, &arrow.Decimal128Type{Precision: 38, Scale: scale})
		for _, v := range ints {
			b.Append(decimal128.FromI64(v))
			// Beyond int64: the fallback.
			b.Append(decimal128.New(v>>40, r.Uint64()))
		}
		b.Append(decimal128.New(0, 1<<63))    // 2^63, just past int64
		b.Append(decimal128.New(-1, 1<<63-1)) // -2^63-1
		b.AppendNull()
		a := b.NewDecimal128Array()
		check("decimal128", a, func(i int) string { return a.Value(i).ToString(scale) })
		a.Release()
		b.Release()
	}
}

// BenchmarkDecimalText renders a DECIMAL(18,2) column with the appender
// and with arrow's ToString (the writers' way before).
func BenchmarkDecimalText(b *testing.B) {
	bld := array.NewDecimal128Builder(memory.DefaultAllocator, &arrow.Decimal128Type{Precision: 18, Scale: 2})
	r := rand.New(rand.NewPCG(1, 1))
	for range benchRows {
		bld.Append(decimal128.FromI64(r.Int64N(10_000_000) - 5_000_000))
	}
	a := bld.NewDecimal128Array()
	defer a.Release()
	bld.Release()
	b.Run("appender", func(b *testing.B) {
		text := textOf(a)
		var buf []byte
		for b.Loop() {
			for i := range a.Len() {
				buf, _ = text(buf[:0], i)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*a.Len()), "ns/value")
	})
	b.Run("ToString", func(b *testing.B) {
		var buf []byte
		for b.Loop() {
			for i := range a.Len() {
				buf = append(buf[:0], a.Value(i).ToString(2)...)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*a.Len()), "ns/value")
	})
}
