package decode

import (
	"errors"
	"math"
	"strconv"
	"unsafe"
)

// jsonInt parses a JSON number that must be an integer; 5.0 and 1e3 are
// accepted, 5.5 is not.
func jsonInt(b []byte) (int64, error) {
	if len(b) == 0 {
		return 0, errors.New("empty number")
	}
	neg := b[0] == '-'
	i := 0
	if neg {
		i = 1
	}
	if i == len(b) {
		return 0, errors.New("bad number")
	}
	var n uint64
	for ; i < len(b); i++ {
		c := b[i]
		if c < '0' || c > '9' {
			f, err := jsonFloat(b)
			if err != nil {
				return 0, err
			}
			if f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 {
				return 0, errors.New("not an integer")
			}
			return int64(f), nil
		}
		if n > (math.MaxUint64-9)/10 {
			return 0, errors.New("out of the BIGINT range")
		}
		n = n*10 + uint64(c-'0')
	}
	if neg {
		if n > 1<<63 {
			return 0, errors.New("out of the BIGINT range")
		}
		return -int64(n), nil
	}
	if n > math.MaxInt64 {
		return 0, errors.New("out of the BIGINT range")
	}
	return int64(n), nil
}

// jsonFloat parses a number as strconv.ParseFloat does (to the same bits,
// errors for what it rejects or rounds to ±Inf). Plain decimals with few
// digits take a fast path. The string view of b does not outlive the call.
func jsonFloat(b []byte) (float64, error) {
	if f, ok := exactFloat(b); ok {
		return f, nil
	}
	if len(b) == 0 {
		return 0, errors.New("empty number")
	}
	f, err := strconv.ParseFloat(unsafe.String(&b[0], len(b)), 64)
	if err != nil {
		return 0, errors.New("bad number")
	}
	return f, nil
}

// pow10 holds the powers of ten that float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// exactFloat parses -?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)? when the
// result is exact by Clinger's fast path: a mantissa of at most 2^53 and
// a power of ten of at most 22 (both exact float64s), so that one
// correctly rounded multiply or divide gives the correctly rounded value.
// ok is false for anything else, which strconv then parses.
func exactFloat(b []byte) (f float64, ok bool) {
	i := 0
	neg := false
	if len(b) > 0 && b[0] == '-' {
		neg = true
		i++
	}
	// At most 19 digits in all (leading zeros too) fit m without
	// overflow; longer numbers are left to strconv.
	var m uint64
	exp := 0 // m × 10^exp is the value
	start := i
	for ; i < len(b) && b[i]-'0' <= 9; i++ {
		m = m*10 + uint64(b[i]-'0')
	}
	nd := i - start
	if nd == 0 {
		return 0, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		fs := i
		for ; i < len(b) && b[i]-'0' <= 9; i++ {
			m = m*10 + uint64(b[i]-'0')
		}
		if i == fs {
			return 0, false
		}
		nd += i - fs
		exp = fs - i
	}
	if nd > 19 {
		return 0, false
	}
	if i < len(b) && b[i]|0x20 == 'e' {
		i++
		eneg := false
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			eneg = b[i] == '-'
			i++
		}
		es := i
		e := 0
		for ; i < len(b) && b[i]-'0' <= 9; i++ {
			if e < 1e4 {
				e = e*10 + int(b[i]-'0')
			}
		}
		if i == es {
			return 0, false
		}
		if eneg {
			e = -e
		}
		exp += e
	}
	if i != len(b) {
		return 0, false
	}
	switch {
	case m == 0:
		f = 0
	case m > 1<<53:
		return 0, false
	case exp == 0:
		f = float64(m)
	case exp > 0 && exp <= 22:
		f = float64(m) * pow10[exp]
	case exp < 0 && exp >= -22:
		f = float64(m) / pow10[-exp]
	default:
		return 0, false
	}
	if neg {
		f = -f
	}
	return f, true
}
