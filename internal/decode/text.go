package decode

import "unicode/utf8"

// AppendText appends b, bytes meant as UTF-8 text, to dst as valid UTF-8:
// each maximal invalid subsequence (the longest start of a well-formed
// sequence, or one byte) becomes U+FFFD, the practice Unicode recommends
// and Java's decoder — hence Spark's CAST(value AS STRING) as shown —
// follows. It is what a cast of a BLOB to text gives in kq, on the scan's
// path and through DuckDB (see lang.RenderOptions.Text).
func AppendText(dst, b []byte) []byte {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || size > 1 {
			dst = append(dst, b[i:i+size]...)
			i += size
			continue
		}
		i += invalidPrefix(b[i:])
		dst = utf8.AppendRune(dst, utf8.RuneError)
	}
	return dst
}

// invalidPrefix returns the length of the maximal subpart at the start of
// b, which does not start with a well-formed sequence: the lead byte and
// the continuation bytes that could still follow it (Unicode's table of
// well-formed byte sequences), at least 1.
func invalidPrefix(b []byte) int {
	lo, hi := byte(0x80), byte(0xBF)
	need := 0
	switch c := b[0]; {
	case c >= 0xC2 && c <= 0xDF:
		need = 1
	case c == 0xE0:
		need, lo = 2, 0xA0
	case c == 0xED:
		need, hi = 2, 0x9F
	case c >= 0xE1 && c <= 0xEF:
		need = 2
	case c == 0xF0:
		need, lo = 3, 0x90
	case c == 0xF4:
		need, hi = 3, 0x8F
	case c >= 0xF1 && c <= 0xF3:
		need = 3
	}
	n := 1
	for ; n <= need && n < len(b); n++ {
		if b[n] < lo || b[n] > hi {
			break
		}
		lo, hi = 0x80, 0xBF
	}
	return n
}
