package output

import (
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// decimalText returns the text appender of a decimal column: the value's
// digits with scale of them after the point, as arrow's ToString writes
// it. Values that fit in an int64 are written from integers; ToString
// goes through big.Int or big.Float and allocates (it is the fallback
// for the rest, and for negative scales of Decimal32 and Decimal64,
// which it writes through big.Float's shortest form).
// TestDecimalText checks the two agree.
func decimalText(a arrow.Array) textFunc {
	switch a := a.(type) {
	case *array.Decimal32:
		scale := a.DataType().(*arrow.Decimal32Type).Scale
		if scale < 0 {
			return stringText(a, func(i int) string { return a.Value(i).ToString(scale) })
		}
		return intDecimalText(a, scale, func(i int) int64 { return int64(a.Value(i)) })
	case *array.Decimal64:
		scale := a.DataType().(*arrow.Decimal64Type).Scale
		if scale < 0 {
			return stringText(a, func(i int) string { return a.Value(i).ToString(scale) })
		}
		return intDecimalText(a, scale, func(i int) int64 { return int64(a.Value(i)) })
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		if scale < -decimal128.MaxScale || scale > decimal128.MaxScale {
			return stringText(a, func(i int) string { return a.Value(i).ToString(scale) })
		}
		return func(dst []byte, i int) ([]byte, bool) {
			if a.IsNull(i) {
				return dst, false
			}
			n := a.Value(i)
			if v, ok := decimal128Int64(n); ok {
				return appendDecimal(dst, v, scale), true
			}
			return append(dst, n.ToString(scale)...), true
		}
	case *array.Decimal256:
		scale := a.DataType().(*arrow.Decimal256Type).Scale
		return stringText(a, func(i int) string { return a.Value(i).ToString(scale) })
	}
	return stringText(a, a.ValueStr)
}

func intDecimalText(a arrow.Array, scale int32, v func(int) int64) textFunc {
	return func(dst []byte, i int) ([]byte, bool) {
		if a.IsNull(i) {
			return dst, false
		}
		return appendDecimal(dst, v(i), scale), true
	}
}

// decimal128Int64 returns n as an int64 when it fits in one.
func decimal128Int64(n decimal128.Num) (int64, bool) {
	lo, hi := n.LowBits(), n.HighBits()
	if hi == 0 && lo>>63 == 0 || hi == -1 && lo>>63 == 1 {
		return int64(lo), true
	}
	return 0, false
}

// appendDecimal appends v/10^scale with every digit of v: scale digits
// after the point (a zero before it when there is no integer part), or,
// for a negative scale, v's digits followed by -scale zeros (none when v
// is 0), as decimal128.Num.ToString writes it.
func appendDecimal(dst []byte, v int64, scale int32) []byte {
	u := uint64(v)
	if v < 0 {
		dst = append(dst, '-')
		u = -u
	}
	var buf [20]byte
	d := strconv.AppendUint(buf[:0], u, 10)
	if scale <= 0 {
		dst = append(dst, d...)
		if u != 0 {
			for range -scale {
				dst = append(dst, '0')
			}
		}
		return dst
	}
	places := int(scale)
	if len(d) <= places {
		dst = append(dst, '0', '.')
		for range places - len(d) {
			dst = append(dst, '0')
		}
		return append(dst, d...)
	}
	at := len(d) - places
	dst = append(dst, d[:at]...)
	dst = append(dst, '.')
	return append(dst, d[at:]...)
}
