package output

import (
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// The writers render a batch column by column through appenders: a
// function per column, chosen once per batch by the column's type, that
// appends one row's rendering to a byte slice. No value goes through
// interfaces, reflection, fmt or encoding/json, and nothing is allocated
// per value: BenchmarkWrite measured the previous writers (Text into
// strings, json.Marshal per value, encoding/csv) at 3–50 µs a row on the
// demo's orders, a dump's bottleneck.

// textFunc appends the text of row i (Text's rendering) to dst; ok is
// false for NULL, and then nothing is appended.
type textFunc func(dst []byte, i int) (out []byte, ok bool)

// jsonFunc appends row i as a JSON value: null for NULL, numbers and
// booleans bare, nested types nested, everything else as a string of its
// text.
type jsonFunc func(dst []byte, i int) []byte

// textOf returns the text appender of column a.
func textOf(a arrow.Array) textFunc {
	switch a := a.(type) {
	case *array.Binary:
		nulls := a.NullN() > 0
		return func(dst []byte, i int) ([]byte, bool) {
			if nulls && a.IsNull(i) {
				return dst, false
			}
			return appendBytesText(dst, a.Value(i)), true
		}
	case *array.LargeBinary:
		return func(dst []byte, i int) ([]byte, bool) {
			if a.IsNull(i) {
				return dst, false
			}
			return appendBytesText(dst, a.Value(i)), true
		}
	case *array.BinaryView:
		return func(dst []byte, i int) ([]byte, bool) {
			if a.IsNull(i) {
				return dst, false
			}
			return appendBytesText(dst, a.Value(i)), true
		}
	case *array.FixedSizeBinary:
		return func(dst []byte, i int) ([]byte, bool) {
			if a.IsNull(i) {
				return dst, false
			}
			return appendBytesText(dst, a.Value(i)), true
		}
	case *array.String:
		nulls := a.NullN() > 0
		return func(dst []byte, i int) ([]byte, bool) {
			if nulls && a.IsNull(i) {
				return dst, false
			}
			return append(dst, a.Value(i)...), true
		}
	case *array.LargeString:
		return func(dst []byte, i int) ([]byte, bool) {
			if a.IsNull(i) {
				return dst, false
			}
			return append(dst, a.Value(i)...), true
		}
	case *array.StringView:
		return func(dst []byte, i int) ([]byte, bool) {
			if a.IsNull(i) {
				return dst, false
			}
			return append(dst, a.Value(i)...), true
		}
	case *array.Boolean:
		return func(dst []byte, i int) ([]byte, bool) {
			if a.IsNull(i) {
				return dst, false
			}
			return strconv.AppendBool(dst, a.Value(i)), true
		}
	case *array.Int8:
		return intText(a, func(i int) int64 { return int64(a.Value(i)) })
	case *array.Int16:
		return intText(a, func(i int) int64 { return int64(a.Value(i)) })
	case *array.Int32:
		nulls := a.NullN() > 0
		return func(dst []byte, i int) ([]byte, bool) {
			if nulls && a.IsNull(i) {
				return dst, false
			}
			return strconv.AppendInt(dst, int64(a.Value(i)), 10), true
		}
	case *array.Int64:
		nulls := a.NullN() > 0
		return func(dst []byte, i int) ([]byte, bool) {
			if nulls && a.IsNull(i) {
				return dst, false
			}
			return strconv.AppendInt(dst, a.Value(i), 10), true
		}
	case *array.Uint8:
		return uintText(a, func(i int) uint64 { return uint64(a.Value(i)) })
	case *array.Uint16:
		return uintText(a, func(i int) uint64 { return uint64(a.Value(i)) })
	case *array.Uint32:
		return uintText(a, func(i int) uint64 { return uint64(a.Value(i)) })
	case *array.Uint64:
		return uintText(a, a.Value)
	case *array.Float16:
		return floatText(a, 32, func(i int) float64 { return float64(a.Value(i).Float32()) })
	case *array.Float32:
		return floatText(a, 32, func(i int) float64 { return float64(a.Value(i)) })
	case *array.Float64:
		nulls := a.NullN() > 0
		return func(dst []byte, i int) ([]byte, bool) {
			if nulls && a.IsNull(i) {
				return dst, false
			}
			return appendFloat(dst, a.Value(i), 64), true
		}
	case *array.Decimal32, *array.Decimal64, *array.Decimal128, *array.Decimal256:
		return decimalText(a)
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		tf := newTimeFormat(unit)
		nulls := a.NullN() > 0
		return func(dst []byte, i int) ([]byte, bool) {
			if nulls && a.IsNull(i) {
				return dst, false
			}
			return tf.appendTimestamp(dst, int64(a.Value(i))), true
		}
	case *array.Date32:
		return func(dst []byte, i int) ([]byte, bool) {
			if a.IsNull(i) {
				return dst, false
			}
			return appendDate(dst, int64(a.Value(i))), true
		}
	case *array.Date64:
		return func(dst []byte, i int) ([]byte, bool) {
			if a.IsNull(i) {
				return dst, false
			}
			return a.Value(i).ToTime().UTC().AppendFormat(dst, time.DateOnly), true
		}
	case *array.Time32:
		unit := a.DataType().(*arrow.Time32Type).Unit
		layout := clockLayout(unit)
		return func(dst []byte, i int) ([]byte, bool) {
			if a.IsNull(i) {
				return dst, false
			}
			return a.Value(i).ToTime(unit).UTC().AppendFormat(dst, layout), true
		}
	case *array.Time64:
		unit := a.DataType().(*arrow.Time64Type).Unit
		layout := clockLayout(unit)
		return func(dst []byte, i int) ([]byte, bool) {
			if a.IsNull(i) {
				return dst, false
			}
			return a.Value(i).ToTime(unit).UTC().AppendFormat(dst, layout), true
		}
	case *array.Duration:
		unit := a.DataType().(*arrow.DurationType).Unit
		return stringText(a, func(i int) string { return (time.Duration(a.Value(i)) * unit.Multiplier()).String() })
	case *array.MonthDayNanoInterval:
		return func(dst []byte, i int) ([]byte, bool) {
			if a.IsNull(i) {
				return dst, false
			}
			v := a.Value(i)
			return appendISOInterval(dst, int64(v.Months), int64(v.Days), v.Nanoseconds), true
		}
	case *array.MonthInterval:
		return func(dst []byte, i int) ([]byte, bool) {
			if a.IsNull(i) {
				return dst, false
			}
			return appendISOInterval(dst, int64(a.Value(i)), 0, 0), true
		}
	case *array.DayTimeInterval:
		return func(dst []byte, i int) ([]byte, bool) {
			if a.IsNull(i) {
				return dst, false
			}
			v := a.Value(i)
			return appendISOInterval(dst, 0, int64(v.Days), int64(v.Milliseconds)*int64(time.Millisecond)), true
		}
	case *array.Dictionary:
		values := textOf(a.Dictionary())
		return func(dst []byte, i int) ([]byte, bool) {
			if a.IsNull(i) {
				return dst, false
			}
			return values(dst, a.GetValueIndex(i))
		}
	case *array.Map, array.ListLike, *array.Struct:
		// Nested values render as JSON.
		js := jsonOf(a)
		return func(dst []byte, i int) ([]byte, bool) {
			if a.IsNull(i) {
				return dst, false
			}
			return js(dst, i), true
		}
	case *array.Null:
		return func(dst []byte, _ int) ([]byte, bool) { return dst, false }
	}
	return stringText(a, a.ValueStr)
}

func intText(a arrow.Array, v func(int) int64) textFunc {
	return func(dst []byte, i int) ([]byte, bool) {
		if a.IsNull(i) {
			return dst, false
		}
		return strconv.AppendInt(dst, v(i), 10), true
	}
}

func uintText(a arrow.Array, v func(int) uint64) textFunc {
	return func(dst []byte, i int) ([]byte, bool) {
		if a.IsNull(i) {
			return dst, false
		}
		return strconv.AppendUint(dst, v(i), 10), true
	}
}

func floatText(a arrow.Array, bits int, v func(int) float64) textFunc {
	return func(dst []byte, i int) ([]byte, bool) {
		if a.IsNull(i) {
			return dst, false
		}
		return appendFloat(dst, v(i), bits), true
	}
}

// stringText is the appender of the rare types rendered through a string.
func stringText(a arrow.Array, v func(int) string) textFunc {
	return func(dst []byte, i int) ([]byte, bool) {
		if a.IsNull(i) {
			return dst, false
		}
		return append(dst, v(i)...), true
	}
}

// jsonOf returns the JSON appender of column a. Numbers are bare JSON
// numbers, except NaN and ±Infinity, which JSON has no numbers for: they
// are the strings "NaN", "Infinity" and "-Infinity". Strings are escaped
// as encoding/json escapes them (HTML characters and U+2028/U+2029 as
// \u escapes, invalid UTF-8 as U+FFFD).
func jsonOf(a arrow.Array) jsonFunc {
	switch a := a.(type) {
	case *array.Boolean, *array.Int8, *array.Int16, *array.Int32, *array.Int64,
		*array.Uint8, *array.Uint16, *array.Uint32, *array.Uint64,
		*array.Decimal32, *array.Decimal64, *array.Decimal128, *array.Decimal256:
		// Their text is a JSON number (or true/false).
		return bareJSON(textOf(a))
	case *array.Float16, *array.Float32:
		text := textOf(a)
		return func(dst []byte, i int) []byte {
			start := len(dst)
			dst, ok := text(dst, i)
			if !ok {
				return append(dst, "null"...)
			}
			if c := dst[start]; c == 'N' || c == 'I' || (c == '-' && dst[start+1] == 'I') {
				// NaN, Infinity, -Infinity: quoted.
				dst = append(dst, '"')
				copy(dst[start+1:], dst[start:len(dst)-1])
				dst[start] = '"'
				return append(dst, '"')
			}
			return dst
		}
	case *array.Float64:
		nulls := a.NullN() > 0
		return func(dst []byte, i int) []byte {
			if nulls && a.IsNull(i) {
				return append(dst, "null"...)
			}
			v := a.Value(i)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				dst = append(dst, '"')
				return append(appendFloat(dst, v, 64), '"')
			}
			return appendFloat(dst, v, 64)
		}
	case *array.String:
		nulls := a.NullN() > 0
		return func(dst []byte, i int) []byte {
			if nulls && a.IsNull(i) {
				return append(dst, "null"...)
			}
			return appendJSONString(dst, a.Value(i))
		}
	case *array.Binary:
		nulls := a.NullN() > 0
		return func(dst []byte, i int) []byte {
			if nulls && a.IsNull(i) {
				return append(dst, "null"...)
			}
			return appendJSONBlob(dst, a.Value(i))
		}
	case *array.Timestamp:
		tf := newTimeFormat(a.DataType().(*arrow.TimestampType).Unit)
		nulls := a.NullN() > 0
		return func(dst []byte, i int) []byte {
			if nulls && a.IsNull(i) {
				return append(dst, "null"...)
			}
			dst = append(dst, '"')
			dst = tf.appendTimestamp(dst, int64(a.Value(i)))
			return append(dst, '"')
		}
	case *array.Dictionary:
		if a.Dictionary().DataType().ID() == arrow.BOOL {
			// Dictionary-encoded booleans have always been strings.
			return quotedJSON(textOf(a))
		}
		values := jsonOf(a.Dictionary())
		return func(dst []byte, i int) []byte {
			if a.IsNull(i) {
				return append(dst, "null"...)
			}
			return values(dst, a.GetValueIndex(i))
		}
	case *array.Map:
		return mapJSON(a)
	case array.ListLike:
		values := jsonOf(listValues(a))
		return func(dst []byte, i int) []byte {
			if a.IsNull(i) {
				return append(dst, "null"...)
			}
			start, end := a.ValueOffsets(i)
			dst = append(dst, '[')
			for j := start; j < end; j++ {
				if j > start {
					dst = append(dst, ',')
				}
				dst = values(dst, int(j))
			}
			return append(dst, ']')
		}
	case *array.Struct:
		st := a.DataType().(*arrow.StructType)
		keys := make([][]byte, a.NumField())
		fields := make([]jsonFunc, a.NumField())
		for f := range fields {
			keys[f] = append(appendJSONString(nil, st.Field(f).Name), ':')
			fields[f] = jsonOf(a.Field(f))
		}
		return func(dst []byte, i int) []byte {
			if a.IsNull(i) {
				return append(dst, "null"...)
			}
			dst = append(dst, '{')
			for f, key := range keys {
				if f > 0 {
					dst = append(dst, ',')
				}
				dst = append(dst, key...)
				dst = fields[f](dst, i)
			}
			return append(dst, '}')
		}
	case *array.Null:
		return func(dst []byte, _ int) []byte { return append(dst, "null"...) }
	}
	return quotedJSON(textOf(a))
}

// bareJSON writes text as is: numbers and booleans.
func bareJSON(text textFunc) jsonFunc {
	return func(dst []byte, i int) []byte {
		dst, ok := text(dst, i)
		if !ok {
			return append(dst, "null"...)
		}
		return dst
	}
}

// quotedJSON writes text as a JSON string. The text is rendered after the
// string's place in dst and escaped into it.
func quotedJSON(text textFunc) jsonFunc {
	return func(dst []byte, i int) []byte {
		start := len(dst)
		dst, ok := text(dst, i)
		if !ok {
			return append(dst[:start], "null"...)
		}
		n := len(dst) - start
		if jsonSafe(dst[start:]) {
			// The common case: nothing to escape; shift right by one.
			dst = append(dst, 0, '"')
			copy(dst[start+1:], dst[start:start+n])
			dst[start] = '"'
			return dst
		}
		raw := dst[start:]
		dst = appendJSONString(dst, raw) // appends after raw ...
		// ... then moves the escaped string down over it.
		m := copy(dst[start:], dst[start+n:])
		return dst[:start+m]
	}
}

// mapJSON renders a map as a JSON object when its keys are text, else as
// a list of {"key": k, "value": v}.
func mapJSON(a *array.Map) jsonFunc {
	keys, items := a.Keys(), a.Items()
	itemJSON := jsonOf(items)
	switch keys.DataType().ID() {
	case arrow.STRING, arrow.LARGE_STRING:
		keyText := textOf(keys)
		var scratch []byte
		return func(dst []byte, i int) []byte {
			if a.IsNull(i) {
				return append(dst, "null"...)
			}
			start, end := a.ValueOffsets(i)
			dst = append(dst, '{')
			for j := int(start); j < int(end); j++ {
				if j > int(start) {
					dst = append(dst, ',')
				}
				scratch, _ = keyText(scratch[:0], j) // a NULL key is ""
				dst = appendJSONString(dst, scratch)
				dst = append(dst, ':')
				dst = itemJSON(dst, j)
			}
			return append(dst, '}')
		}
	}
	keyJSON := jsonOf(keys)
	return func(dst []byte, i int) []byte {
		if a.IsNull(i) {
			return append(dst, "null"...)
		}
		start, end := a.ValueOffsets(i)
		dst = append(dst, '[')
		for j := int(start); j < int(end); j++ {
			if j > int(start) {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"key":`...)
			dst = keyJSON(dst, j)
			dst = append(dst, `,"value":`...)
			dst = itemJSON(dst, j)
			dst = append(dst, '}')
		}
		return append(dst, ']')
	}
}

// jsonSafeSet marks the ASCII bytes a JSON string holds unescaped, as
// encoding/json writes them (with HTML escaping): printable, and not
// ", \, <, > or &.
var jsonSafeSet = func() (s [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		s[b] = b != '"' && b != '\\' && b != '<' && b != '>' && b != '&'
	}
	return s
}()

// jsonSafe reports whether s is all ASCII that needs no escaping.
func jsonSafe(s []byte) bool {
	for _, b := range s {
		if b >= utf8.RuneSelf || !jsonSafeSet[b] {
			return false
		}
	}
	return true
}

const hexDigits = "0123456789abcdef"

// appendJSONBlob appends a BLOB as a JSON string of its text: b when b is
// valid UTF-8 (escaped), else "\x" and hex.
func appendJSONBlob(dst, b []byte) []byte {
	var high byte
	for _, c := range b {
		high |= c
	}
	if high >= utf8.RuneSelf && !utf8.Valid(b) {
		// "\x" and hex: the backslash escaped.
		dst = append(dst, '"', '\\')
		dst = appendBytesText(dst, b)
		return append(dst, '"')
	}
	return appendJSONString(dst, b)
}

// appendJSONString appends s as a JSON string, escaped exactly as
// encoding/json's Marshal escapes strings.
func appendJSONString[S []byte | string](dst []byte, s S) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if jsonSafeSet[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		n := min(len(s)-i, utf8.UTFMax)
		c, size := utf8.DecodeRuneInString(string(s[i : i+n]))
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
