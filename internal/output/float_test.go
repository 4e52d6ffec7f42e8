package output

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAppendShortDecimal compares appendFloat, whose fast path writes
// floats near short decimals from integer arithmetic, with strconv's
// shortest formatting (refFormatFloat) on decimals of 0 to 8 fractional
// digits around every magnitude the fast path covers, on its limits, and
// on random bit patterns.
func TestAppendShortDecimal(t *testing.T) {
	check := func(f float64) {
		t.Helper()
		if got, want := string(appendFloat(nil, f, 64)), refFormatFloat(f, 64); got != want {
			t.Fatalf("appendFloat(%b) = %s, strconv %s", f, got, want)
		}
	}
	for _, f := range []float64{
		0, math.Copysign(0, -1), 1, -1, 0.1, 0.2, 0.1 + 0.2, 0.3, 142.62, 142.6, 142.60000000000002,
		1e-6, 1e-7, 5e-7, 4.9e-7, 1.5e-6, 999999999.999999, 999999999.9999995, 1e9, -1e9, 1e9 - 1,
		123456789.123456, 123456789.1234567, 0.000001, 0.000009, 0.999999, 9.999999, 10.000001,
		math.MaxFloat64, math.SmallestNonzeroFloat64, math.NaN(), math.Inf(1), math.Inf(-1),
		1.0 / 3, 2.0 / 3, 100, 1e15, 1e21,
	} {
		check(f)
		check(-f)
		check(math.Nextafter(f, math.Inf(1)))
		check(math.Nextafter(f, math.Inf(-1)))
	}
	r := rand.New(rand.NewPCG(3, 4))
	pow := []float64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8}
	for range 200_000 {
		k := r.IntN(len(pow))
		mag := math.Pow(10, float64(r.IntN(19)))
		n := math.Round(r.Float64() * mag)
		f := n / pow[k]
		if r.IntN(2) == 0 {
			f = -f
		}
		check(f)
		check(math.Nextafter(f, 0))
		check(math.Float64frombits(r.Uint64()))
	}
}

// FuzzAppendFloat checks appendFloat against strconv's shortest
// formatting for any float64 and for n/10^k.
func FuzzAppendFloat(f *testing.F) {
	f.Add(uint64(0), int64(14262), uint8(2))
	f.Add(math.Float64bits(0.1), int64(-1), uint8(6))
	f.Add(math.Float64bits(999999999.999999), int64(999999999999999), uint8(6))
	f.Fuzz(func(t *testing.T, bits uint64, n int64, k uint8) {
		for _, v := range []float64{math.Float64frombits(bits), float64(n) / math.Pow10(int(k%12))} {
			if got, want := string(appendFloat(nil, v, 64)), refFormatFloat(v, 64); got != want {
				t.Fatalf("appendFloat(%b) = %s, strconv %s", v, got, want)
			}
		}
	})
}
