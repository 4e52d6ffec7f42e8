package output

import (
	"encoding/hex"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Text renders row i of column a as text: numbers as digits, BLOBs as
// UTF-8 when valid else "\x" and hex, timestamps as ISO-8601 in UTC,
// dates as YYYY-MM-DD, decimals with their scale, intervals in ISO-8601
// (P1M2DT3S), and lists, structs and maps as JSON. NULL renders as "" with
// ok false. The writers render whole columns with the appenders of
// append.go, which Text calls for one value.
func Text(a arrow.Array, i int) (s string, ok bool) {
	b, ok := textOf(a)(nil, i)
	return string(b), ok
}

// numeric reports whether values of t are numbers (the table format
// right-aligns them).
func numeric(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64,
		arrow.DECIMAL32, arrow.DECIMAL64, arrow.DECIMAL128, arrow.DECIMAL256:
		return true
	case arrow.DICTIONARY:
		return numeric(t.(*arrow.DictionaryType).ValueType)
	}
	return false
}

func listValues(a array.ListLike) arrow.Array {
	switch l := a.(type) {
	case *array.List:
		return l.ListValues()
	case *array.LargeList:
		return l.ListValues()
	case *array.FixedSizeList:
		return l.ListValues()
	case *array.ListView:
		return l.ListValues()
	case *array.LargeListView:
		return l.ListValues()
	}
	return array.NewNull(0)
}

func formatFloat(f float64, bits int) string { return string(appendFloat(nil, f, bits)) }

// appendFloat appends f as DuckDB and JavaScript print it: plain digits,
// unless the exponent is extreme (JavaScript's thresholds); NaN,
// Infinity, -Infinity.
func appendFloat(dst []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	}
	if bits == 64 {
		if out, ok := appendShortDecimal(dst, f); ok {
			return out
		}
	}
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		return strconv.AppendFloat(dst, f, 'g', -1, bits)
	}
	return strconv.AppendFloat(dst, f, 'f', -1, bits)
}

// appendShortDecimal appends f, when it is the float64 nearest to a
// decimal d with at most 6 fractional digits and |d| < 1e9 (amounts,
// prices, coordinates: most floats in messages), as strconv's shortest
// 'f' formatting would, from integer arithmetic; ok is false for any
// other f (and for zero, whose sign only strconv keeps).
//
// Why this is strconv's answer: below 1e9 a float64's spacing is under
// 1.2e-7, so its rounding interval holds at most one decimal with 6
// fractional digits; every decimal as short as d (or shorter) near f has
// its last digit at d's position or above, so it is such a decimal, so it
// is d. The shortest decimal that rounds to f is therefore d, its
// trailing zeros dropped. TestAppendShortDecimal and FuzzAppendFloat check
// it against strconv.
func appendShortDecimal(dst []byte, f float64) ([]byte, bool) {
	const scale = 1e6
	if !(f > -1e9 && f < 1e9) || f == 0 {
		return dst, false
	}
	n := math.Round(f * scale)
	if n/scale != f { // not the float of n/1e6 (division rounds correctly)
		return dst, false
	}
	u := int64(n)
	if u < 0 {
		dst = append(dst, '-')
		u = -u
	}
	dst = strconv.AppendInt(dst, u/scale, 10)
	frac := u % scale
	if frac == 0 {
		return dst, true
	}
	digits := 6
	for frac%10 == 0 {
		frac /= 10
		digits--
	}
	k := len(dst)
	dst = append(dst, ".000000"[:digits+1]...)
	for j := k + digits; j > k; j-- {
		dst[j] = byte('0' + frac%10)
		frac /= 10
	}
	return dst, true
}

// isoInterval prints an interval as ISO-8601: P1Y2M3DT4H5M6.5S, PT0S when
// zero.
func isoInterval(months, days, nanos int64) string {
	return string(appendISOInterval(nil, months, days, nanos))
}

func appendISOInterval(dst []byte, months, days, nanos int64) []byte {
	start := len(dst)
	dst = append(dst, 'P')
	if y := months / 12; y != 0 {
		dst = append(strconv.AppendInt(dst, y, 10), 'Y')
	}
	if m := months % 12; m != 0 {
		dst = append(strconv.AppendInt(dst, m, 10), 'M')
	}
	if days != 0 {
		dst = append(strconv.AppendInt(dst, days, 10), 'D')
	}
	if nanos != 0 {
		dst = append(dst, 'T')
		d := time.Duration(nanos)
		if h := d / time.Hour; h != 0 {
			dst = append(strconv.AppendInt(dst, int64(h), 10), 'H')
			d -= h * time.Hour
		}
		if m := d / time.Minute; m != 0 {
			dst = append(strconv.AppendInt(dst, int64(m), 10), 'M')
			d -= m * time.Minute
		}
		if d != 0 {
			dst = append(strconv.AppendFloat(dst, d.Seconds(), 'f', -1, 64), 'S')
		}
	}
	if len(dst) == start+1 {
		return append(dst[:start], "PT0S"...)
	}
	return dst
}

func timeLayout(unit arrow.TimeUnit) string {
	return time.DateOnly + "T" + clockLayout(unit) + "Z"
}

func clockLayout(unit arrow.TimeUnit) string {
	switch unit {
	case arrow.Second:
		return "15:04:05"
	case arrow.Millisecond:
		return "15:04:05.000"
	case arrow.Microsecond:
		return "15:04:05.000000"
	}
	return "15:04:05.000000000"
}

// appendBytesText appends b as UTF-8 text when valid, else "\x" and hex.
func appendBytesText(dst, b []byte) []byte {
	if utf8.Valid(b) {
		return append(dst, b...)
	}
	dst = append(dst, '\\', 'x')
	return hex.AppendEncode(dst, b)
}

// bytesText is b as UTF-8 text when valid, else "\x" and hex.
func bytesText(b []byte) string { return string(appendBytesText(nil, b)) }
