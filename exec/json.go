package exec

import (
	"bytes"
	"errors"
	"fmt"
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
	raw  []byte
}

// content returns a string slot's text between its quotes (escapes not
// yet decoded).
func (s *jsonSlot) content() []byte { return s.raw[1 : len(s.raw)-1] }

var errJSONObject = errors.New("not a JSON object")

// jsonObject walks the top-level fields of the JSON object in b. For each
// field it calls slot(key), which returns where to store the value, or
// nil to skip it. Keys with escapes are decoded into keyBuf. It checks the
// syntax of the whole value (nested values only for balanced brackets and
// well-formed strings) and returns an error naming the byte offset.
func jsonObject(b []byte, keyBuf *[]byte, slot func(key []byte) *jsonSlot) error {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return errJSONObject
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		if j := skipSpace(b, i+1); j != len(b) {
			return fmt.Errorf("unexpected %q after the object at byte %d", b[j], j)
		}
		return nil
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return syntaxErr(b, i, "a field name")
		}
		end, esc, err := scanString(b, i)
		if err != nil {
			return err
		}
		key := b[i+1 : end-1]
		if esc {
			*keyBuf, err = unescape((*keyBuf)[:0], key)
			if err != nil {
				return err
			}
			key = *keyBuf
		}
		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return syntaxErr(b, i, "':'")
		}
		i = skipSpace(b, i+1)
		s := slot(key)
		var tmp jsonSlot
		if s == nil || s.kind != jsonMissing { // skipped, or a repeated key: the first wins
			s = &tmp
		}
		if i, err = scanValue(b, i, s); err != nil {
			return err
		}
		i = skipSpace(b, i)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
			continue
		}
		if i < len(b) && b[i] == '}' {
			if j := skipSpace(b, i+1); j != len(b) {
				return fmt.Errorf("unexpected %q after the object at byte %d", b[j], j)
			}
			return nil
		}
		return syntaxErr(b, i, "',' or '}'")
	}
}

func syntaxErr(b []byte, i int, want string) error {
	if i >= len(b) {
		return fmt.Errorf("unexpected end of JSON, want %s", want)
	}
	return fmt.Errorf("unexpected %q at byte %d, want %s", b[i], i, want)
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// scanString returns the end (after the closing quote) of the string that
// starts at b[i] == '"', and whether it has escapes. Control characters
// inside strings are tolerated.
func scanString(b []byte, i int) (end int, esc bool, err error) {
	j := i + 1
	q := bytes.IndexByte(b[j:], '"')
	if q < 0 {
		return 0, false, errors.New("unterminated string")
	}
	bs := bytes.IndexByte(b[j:j+q], '\\')
	if bs < 0 {
		return j + q + 1, false, nil // the common case: no escapes
	}
	for j += bs; j < len(b); j++ {
		switch b[j] {
		case '"':
			return j + 1, true, nil
		case '\\':
			j++
		}
	}
	return 0, false, errors.New("unterminated string")
}

// scanValue scans the value at b[i] into s and returns the index after it.
func scanValue(b []byte, i int, s *jsonSlot) (int, error) {
	if i >= len(b) {
		return i, syntaxErr(b, i, "a value")
	}
	start := i
	switch c := b[i]; {
	case c == '"':
		end, esc, err := scanString(b, i)
		if err != nil {
			return i, err
		}
		*s = jsonSlot{kind: jsonString, esc: esc, raw: b[start:end]}
		return end, nil
	case c == '{' || c == '[':
		end, err := skipNested(b, i)
		if err != nil {
			return i, err
		}
		*s = jsonSlot{kind: jsonNested, raw: b[start:end]}
		return end, nil
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range [...]string{"true", "false", "null"} {
			if len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit {
				kind := jsonBool
				if lit == "null" {
					kind = jsonNull
				}
				*s = jsonSlot{kind: kind, raw: b[i : i+len(lit)]}
				return i + len(lit), nil
			}
		}
	case c == '-' || (c >= '0' && c <= '9'):
		j := i + 1
		for j < len(b) {
			c := b[j]
			if (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-' {
				j++
				continue
			}
			break
		}
		*s = jsonSlot{kind: jsonNumber, raw: b[i:j]}
		return j, nil
	}
	return i, syntaxErr(b, i, "a value")
}

// skipNested returns the index after the object or array at b[i].
func skipNested(b []byte, i int) (int, error) {
	depth := 0
	for j := i; j < len(b); j++ {
		switch b[j] {
		case '{', '[':
			depth++
		case '}', ']':
			if depth--; depth == 0 {
				return j + 1, nil
			}
		case '"':
			end, _, err := scanString(b, j)
			if err != nil {
				return j, err
			}
			j = end - 1
		}
	}
	return i, errors.New("unterminated object or array")
}

// unescape appends the decoded text of a JSON string's content to dst.
func unescape(dst, s []byte) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			dst = append(dst, c)
			continue
		}
		if i++; i >= len(s) {
			return dst, errors.New("bad escape at the end of a string")
		}
		switch s[i] {
		case '"', '\\', '/':
			dst = append(dst, s[i])
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
			r, n, err := hex4(s, i+1)
			if err != nil {
				return dst, err
			}
			i += n
			if utf16.IsSurrogate(r) {
				r2, n2, err := hex4(s, i+3)
				if err == nil && i+2 < len(s) && s[i+1] == '\\' && s[i+2] == 'u' {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						r = d
						i += 2 + n2
					}
				}
			}
			dst = utf8.AppendRune(dst, r)
		default:
			return dst, fmt.Errorf("bad escape \\%c", s[i])
		}
	}
	return dst, nil
}

// hex4 reads the four hex digits at s[i:] and returns the rune and 4.
func hex4(s []byte, i int) (rune, int, error) {
	if i+4 > len(s) {
		return 0, 0, errors.New("short \\u escape")
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
			return 0, 0, errors.New("bad \\u escape")
		}
	}
	return r, 4, nil
}
