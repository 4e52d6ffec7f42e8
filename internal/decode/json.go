package decode

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"
)

// The kinds of JSON value a jsonSlot holds.
const (
	jsonMissing uint8 = iota // the field is not in the object
	jsonNull
	jsonString
	jsonNumber
	jsonBool
	jsonNested // an object or an array
)

// jsonSlot is one top-level field of a decoded object: its kind and its
// raw text (strings with their quotes), aliasing the record's value.
type jsonSlot struct {
	kind uint8
	esc  bool // a string with escapes
	high bool // raw holds bytes >= 0x80 (then it may not be UTF-8)
	raw  []byte
}

// content returns a string slot's text between its quotes (escapes not
// yet decoded).
func (s *jsonSlot) content() []byte { return s.raw[1 : len(s.raw)-1] }

var errJSONObject = errors.New("not a JSON object")

// jsonObject walks the top-level fields of the JSON object in b. For each
// field it calls slot(key), which returns where to store the value, or
// nil to skip it; a repeated key's later values are checked and dropped
// (the first wins). Keys with escapes are decoded into keyBuf. It checks
// the syntax of the whole value, nested values included, as RFC 8259
// does, with one exception: control characters inside strings are
// tolerated. Bytes that are not UTF-8 are left for the conversion of the
// fields that keep them. An error names the byte offset. Schema inference
// (Guesser) uses it; the scan's decoder (jsonDecoder) checks the values of
// fields a query does not read structurally only.
func jsonObject(b []byte, keyBuf *[]byte, slot func(key []byte) *jsonSlot) error {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return errJSONObject
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return atEnd(b, i+1)
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return syntaxErr(b, i, "a field name")
		}
		end, fl, err := scanString(b, i)
		if err != nil {
			return err
		}
		key := b[i+1 : end-1]
		if fl&strEsc != 0 {
			*keyBuf = unescape((*keyBuf)[:0], key)
			key = *keyBuf
		}
		s := slot(key)
		i = end
		if i < len(b) && b[i] == ':' { // the common case: no space before
			i++
		} else {
			i = skipSpace(b, i)
			if i >= len(b) || b[i] != ':' {
				return syntaxErr(b, i, "':'")
			}
			i++
		}
		if i < len(b) && isSpace(b[i]) {
			i = skipSpace(b, i)
		}
		kind, end, fl, err := scanValue(b, i)
		if err != nil {
			return err
		}
		if s != nil && s.kind == jsonMissing { // else skipped, or a repeated key: the first wins
			*s = jsonSlot{kind: kind, esc: fl&strEsc != 0, high: fl&strHigh != 0, raw: b[i:end]}
		}
		i = end
		if i < len(b) && b[i] == ',' { // the common case: no space
			i++
			if i < len(b) && b[i] == '"' {
				continue
			}
			i = skipSpace(b, i)
			continue
		}
		i = skipSpace(b, i)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
			continue
		}
		if i < len(b) && b[i] == '}' {
			return atEnd(b, i+1)
		}
		return syntaxErr(b, i, "',' or '}'")
	}
}

// atEnd checks that only white space follows the object ending at b[i-1].
func atEnd(b []byte, i int) error {
	for j := i; j < len(b); j++ {
		if !isSpace(b[j]) {
			return fmt.Errorf("unexpected %q after the object at byte %d", b[j], j)
		}
	}
	return nil
}

func syntaxErr(b []byte, i int, want string) error {
	if i >= len(b) {
		return fmt.Errorf("unexpected end of JSON, want %s", want)
	}
	return fmt.Errorf("unexpected %q at byte %d, want %s", b[i], i, want)
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// What scanString found in a string besides plain ASCII.
const (
	strEsc  = 1 << iota // a backslash escape
	strHigh             // a byte >= 0x80
)

// Eight-byte lanes for scanString.
const (
	lanes1    = 0x0101010101010101
	lanesHigh = 0x8080808080808080
	lanesQ    = lanes1 * '"'
	lanesBS   = lanes1 * '\\'
)

// strPlain is true for the bytes scanString steps over without a look:
// all but '"', '\\' and those >= 0x80.
var strPlain = func() (t [256]bool) {
	for c := range 0x80 {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// scanString returns the end (after the closing quote) of the string that
// starts at b[i] == '"', and whether it has escapes (strEsc) or bytes >=
// 0x80 (strHigh). Escapes are checked; control characters are tolerated.
// It reads eight bytes at a time, stopping at the first quote, backslash
// or (until one is seen) high byte.
func scanString(b []byte, i int) (end int, fl uint8, err error) {
	j := i + 1
	high := uint64(lanesHigh)
	for {
		for j+8 <= len(b) {
			x := binary.LittleEndian.Uint64(b[j:])
			q, s := x^lanesQ, x^lanesBS
			// A lane's high bit is set for a zero lane of q or s (exact
			// for the lowest such lane, which is all we need) or a high
			// byte of x.
			m := ((q-lanes1)&^q|(s-lanes1)&^s)&lanesHigh | x&high
			if m != 0 {
				j += bits.TrailingZeros64(m) >> 3
				goto special
			}
			j += 8
		}
		for j < len(b) && strPlain[b[j]] {
			j++
		}
		if j >= len(b) {
			return 0, 0, fmt.Errorf("unterminated string at byte %d", i)
		}
	special:
		switch c := b[j]; c {
		case '"':
			return j + 1, fl, nil
		case '\\':
			fl |= strEsc
			if j+1 >= len(b) {
				return 0, 0, fmt.Errorf("unterminated string at byte %d", i)
			}
			switch b[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j += 2
			case 'u':
				if _, ok := hex4(b, j+2); !ok {
					return 0, 0, fmt.Errorf("bad \\u escape at byte %d", j)
				}
				j += 6
			default:
				return 0, 0, fmt.Errorf("bad escape %q at byte %d", b[j:j+2], j)
			}
		default: // a high byte: note it, stop looking for more
			fl |= strHigh
			high = 0
			j++
		}
	}
}

// scanValue scans the value at b[i] and returns its kind, the index
// after it, and for a string or a nested value, what scanString found.
func scanValue(b []byte, i int) (kind uint8, end int, fl uint8, err error) {
	if i >= len(b) {
		return 0, i, 0, syntaxErr(b, i, "a value")
	}
	switch c := b[i]; c {
	case '"':
		end, fl, err := scanString(b, i)
		return jsonString, end, fl, err
	case '{', '[':
		end, high, err := skipNested(b, i)
		if high {
			fl = strHigh
		}
		return jsonNested, end, fl, err
	case 't':
		if hasLit(b, i, "true") {
			return jsonBool, i + 4, 0, nil
		}
	case 'f':
		if hasLit(b, i, "false") {
			return jsonBool, i + 5, 0, nil
		}
	case 'n':
		if hasLit(b, i, "null") {
			return jsonNull, i + 4, 0, nil
		}
	default:
		if c == '-' || c-'0' <= 9 {
			end, err := scanNumber(b, i)
			return jsonNumber, end, 0, err
		}
	}
	return 0, i, 0, syntaxErr(b, i, "a value")
}

func hasLit(b []byte, i int, lit string) bool {
	return len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit
}

// scanNumber returns the end of the number at b[i] per RFC 8259:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func scanNumber(b []byte, i int) (int, error) {
	j := i
	if b[j] == '-' {
		j++
	}
	switch {
	case j >= len(b) || b[j]-'0' > 9:
		return i, syntaxErr(b, j, "a digit")
	case b[j] == '0':
		j++
	default:
		j = skipDigits(b, j+1)
	}
	if j < len(b) && b[j] == '.' {
		k := skipDigits(b, j+1)
		if k == j+1 {
			return i, syntaxErr(b, k, "a digit")
		}
		j = k
	}
	if j < len(b) && b[j]|0x20 == 'e' {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		k := skipDigits(b, j)
		if k == j {
			return i, syntaxErr(b, k, "a digit")
		}
		j = k
	}
	return j, nil
}

func skipDigits(b []byte, i int) int {
	for i < len(b) && b[i]-'0' <= 9 {
		i++
	}
	return i
}

// skipNested checks the object or array at b[i] and returns the index
// after it and whether its strings hold bytes >= 0x80. It keeps its own
// stack of open brackets, so depth costs memory, not Go stack.
func skipNested(b []byte, i int) (end int, high bool, err error) {
	var stackBuf [32]byte
	stack := stackBuf[:0] // the closing bracket of each open value
	const (
		wantValue = iota
		wantKey
		afterValue
	)
	state := wantValue
	j := i
	for {
		switch state {
		case wantValue:
			if j >= len(b) {
				return i, false, syntaxErr(b, j, "a value")
			}
			switch c := b[j]; c {
			case '{', '[':
				close := byte('}')
				if c == '[' {
					close = ']'
				}
				stack = append(stack, close)
				j = skipSpace(b, j+1)
				if j < len(b) && b[j] == close {
					stack = stack[:len(stack)-1]
					j++
					state = afterValue
				} else if c == '{' {
					state = wantKey
				}
				continue
			case '"':
				e, fl, err := scanString(b, j)
				if err != nil {
					return i, false, err
				}
				high = high || fl&strHigh != 0
				j = e
			default:
				if _, j, _, err = scanValue(b, j); err != nil {
					return i, false, err
				}
			}
			state = afterValue
		case wantKey:
			if j >= len(b) || b[j] != '"' {
				return i, false, syntaxErr(b, j, "a field name")
			}
			e, fl, err := scanString(b, j)
			if err != nil {
				return i, false, err
			}
			high = high || fl&strHigh != 0
			j = skipSpace(b, e)
			if j >= len(b) || b[j] != ':' {
				return i, false, syntaxErr(b, j, "':'")
			}
			j = skipSpace(b, j+1)
			state = wantValue
		case afterValue:
			if len(stack) == 0 {
				return j, high, nil
			}
			j = skipSpace(b, j)
			close := stack[len(stack)-1]
			switch {
			case j >= len(b):
				return i, false, syntaxErr(b, j, fmt.Sprintf("',' or '%c'", close))
			case b[j] == ',':
				j = skipSpace(b, j+1)
				if close == '}' {
					state = wantKey
				} else {
					state = wantValue
				}
			case b[j] == close:
				stack = stack[:len(stack)-1]
				j++
			default:
				return i, false, syntaxErr(b, j, fmt.Sprintf("',' or '%c'", close))
			}
		}
	}
}

// unescape appends the decoded text of a JSON string's content, checked
// by scanString, to dst. Like encoding/json it decodes a surrogate pair
// to one rune and a lone surrogate to U+FFFD.
func unescape(dst, s []byte) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			dst = append(dst, c)
			continue
		}
		i++
		switch s[i] {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r, _ := hex4(s, i+1)
			i += 4
			if utf16.IsSurrogate(r) && i+2 < len(s) && s[i+1] == '\\' && s[i+2] == 'u' {
				if r2, ok := hex4(s, i+3); ok {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						r = d
						i += 6
					}
				}
			}
			dst = utf8.AppendRune(dst, r)
		default: // '"', '\\', '/'
			dst = append(dst, s[i])
		}
	}
	return dst
}

// hex4 reads the four hex digits at s[i:].
func hex4(s []byte, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range s[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
