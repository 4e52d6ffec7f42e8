package decode

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// TestJSONFloatMatchesStrconv compares jsonFloat with strconv.ParseFloat,
// bit for bit, over random decimals around the fast path's limits (2^53,
// 19 digits, 10^±22) and special cases.
func TestJSONFloatMatchesStrconv(t *testing.T) {
	cases := []string{"0", "-0", "0.0", "-0.0", "0e5", "-0e-5", "1", "0.1", "0.3", "123.45", "9007199254740992",
		"9007199254740993", "9007199254740993.0", "1e22", "1e23", "1e-22", "1e-23", "123456789012345678",
		"1234567890123456789", "12345678901234567890", "0.0000000000000000001", "1e400", "-1e400", "1e-400",
		"4.9e-324", "1.7976931348623157e308", "1.7976931348623159e308", "00012", "1.", ".5", "+1", "1e", "1e+",
		"Inf", "NaN", "0x1p4", "1_0", "", "-", "1.5E+3", "2.5e-3"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		var b strings.Builder
		if r.IntN(4) == 0 {
			b.WriteByte('-')
		}
		b.WriteString(strconv.FormatUint(r.Uint64()>>r.IntN(64), 10))
		if r.IntN(2) == 0 {
			b.WriteByte('.')
			for range r.IntN(12) + 1 {
				b.WriteByte(byte('0' + r.IntN(10)))
			}
		}
		if r.IntN(3) == 0 {
			b.WriteString([]string{"e", "E", "e+", "e-"}[r.IntN(4)])
			b.WriteString(strconv.Itoa(r.IntN(40)))
		}
		cases = append(cases, b.String())
	}
	for _, c := range cases {
		got, err := jsonFloat([]byte(c))
		want, werr := strconv.ParseFloat(c, 64)
		if (err != nil) != (werr != nil) || err == nil && math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("jsonFloat(%q) = %v (%v), strconv %v (%v)", c, got, err, want, werr)
		}
	}
}
