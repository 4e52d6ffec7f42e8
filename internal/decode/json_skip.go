package decode

import (
	"encoding/binary"
	"fmt"
	"math/bits"
)

// The structural skipper: how the scan's decoder steps over the values of
// fields a query does not read. It finds where a value ends and checks
// only what it must look at to find it (see jsonDecoder for the rule):
//
//   - a string must be closed, and its escapes are checked (scanString:
//     the check costs nothing on the common path without a backslash);
//   - an object or an array must be closed by the matching bracket, the
//     strings inside it as above; what lies between them (commas, colons,
//     numbers, literals) is not looked at;
//   - anything else (a number, true, false, null) must be a non-empty run
//     of ASCII letters, digits, '+', '-' and '.'.

// scalarByte is true for the bytes of an unread scalar's run.
var scalarByte = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	t['+'], t['-'], t['.'] = true, true, true
	return t
}()

// nestByte is true for the bytes skipBalanced stops at outside strings.
var nestByte = func() (t [256]bool) {
	for _, c := range `"{}[]` {
		t[c] = true
	}
	return t
}()

// stringStop returns the index of the first '"' or '\\' in b[j:], or
// len(b). It reads eight bytes at a time; the last up-to-seven bytes of b
// are read as the last eight, the lanes already seen masked off.
func stringStop(b []byte, j int) int {
	for ; j+8 <= len(b); j += 8 {
		x := binary.LittleEndian.Uint64(b[j:])
		q, s := x^lanesQ, x^lanesBS
		// A lane's high bit is set for a zero lane of q or s (exact for
		// the lowest such lane, which is all we need).
		if m := ((q - lanes1) &^ q) | ((s-lanes1)&^s)&lanesHigh; m&lanesHigh != 0 {
			return j + bits.TrailingZeros64(m&lanesHigh)>>3
		}
	}
	if j >= len(b) {
		return len(b)
	}
	if len(b) < 8 {
		for j < len(b) && b[j] != '"' && b[j] != '\\' {
			j++
		}
		return j
	}
	// The lanes of the last eight bytes before j are zeroed, which
	// matches neither byte (masking the result instead would keep the
	// false positives a borrow from a masked lane makes above it).
	seen := 8 - (len(b) - j)
	x := binary.LittleEndian.Uint64(b[len(b)-8:]) &^ (1<<(8*seen) - 1)
	q, s := x^lanesQ, x^lanesBS
	m := ((q-lanes1)&^q | (s-lanes1)&^s) & lanesHigh
	if m == 0 {
		return len(b)
	}
	return len(b) - 8 + bits.TrailingZeros64(m)>>3
}

// skipDigits8 returns the index of the first byte of b[i:] that is not
// an ASCII digit, eight bytes at a time, stopping before the last seven
// bytes of b (the caller goes on byte by byte).
func skipDigits8(b []byte, i int) int {
	const hi4, d3, six = lanes1 * 0xF0, lanes1 * 0x30, lanes1 * 6
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		// Non-zero lanes: a high nibble that is not 3, or a low one
		// above 9 (x+6 carries into the high nibble). A carry out of a
		// lane only changes lanes above a non-digit one.
		nd := (x&hi4 ^ d3) | ((x+six)&hi4 ^ d3)
		if nd != 0 {
			lanes := ((nd &^ lanesHigh) + ^uint64(lanesHigh) | nd) & lanesHigh
			return i + bits.TrailingZeros64(lanes)>>3
		}
	}
	return i
}

// skipString returns the index after the string at b[i] == '"', checked
// as scanString does (which also reports what it found in the string).
func skipString(b []byte, i int) (int, error) {
	if j := stringStop(b, i+1); j < len(b) && b[j] == '"' {
		return j + 1, nil
	}
	end, _, err := scanString(b, i)
	return end, err
}

// skipValue returns the index after the value at b[i], checked
// structurally only.
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return i, syntaxErr(b, i, "a value")
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		return skipBalanced(b, i)
	}
	j := i
	for j < len(b) && scalarByte[b[j]] {
		j++
	}
	if j == i {
		return i, syntaxErr(b, i, "a value")
	}
	return j, nil
}

// skipBalanced returns the index after the object or array at b[i]: its
// brackets must match and its strings close. It keeps its own stack of
// open brackets, so depth costs memory, not Go stack.
func skipBalanced(b []byte, i int) (int, error) {
	var stackBuf [32]byte
	stack := stackBuf[:0] // the closing bracket of each open value
	for j := i; ; {
		for j < len(b) && !nestByte[b[j]] {
			j++
		}
		if j >= len(b) {
			return i, fmt.Errorf("unterminated %s at byte %d", nestedName(b[i]), i)
		}
		switch c := b[j]; c {
		case '"':
			end, err := skipString(b, j)
			if err != nil {
				return i, err
			}
			j = end
			continue
		case '{':
			stack = append(stack, '}')
		case '[':
			stack = append(stack, ']')
		default: // '}' or ']'
			if stack[len(stack)-1] != c {
				return i, fmt.Errorf("unexpected %q at byte %d, want '%c'", c, j, stack[len(stack)-1])
			}
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				return j + 1, nil
			}
		}
		j++
	}
}

func nestedName(open byte) string {
	if open == '{' {
		return "object"
	}
	return "array"
}
