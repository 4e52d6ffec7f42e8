package sink

import (
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Text renders row i of column a as text (NULL renders as "" with ok false).
func Text(a arrow.Array, i int) (s string, ok bool) {
	if a.IsNull(i) {
		return "", false
	}
	switch a := a.(type) {
	case *array.Binary:
		return bytesText(a.Value(i)), true
	case *array.String:
		return a.Value(i), true
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return a.Value(i).ToTime(unit).UTC().Format(timeLayout(unit)), true
	case *array.Int32:
		return strconv.FormatInt(int64(a.Value(i)), 10), true
	case *array.Int64:
		return strconv.FormatInt(a.Value(i), 10), true
	case *array.Float64:
		return strconv.FormatFloat(a.Value(i), 'g', -1, 64), true
	case *array.Boolean:
		return strconv.FormatBool(a.Value(i)), true
	}
	b, err := json.Marshal(jsonValue(a, i))
	if err != nil {
		return a.ValueStr(i), true
	}
	return string(b), true
}

func timeLayout(unit arrow.TimeUnit) string {
	switch unit {
	case arrow.Second:
		return "2006-01-02T15:04:05Z07:00"
	case arrow.Millisecond:
		return "2006-01-02T15:04:05.000Z07:00"
	case arrow.Microsecond:
		return "2006-01-02T15:04:05.000000Z07:00"
	}
	return time.RFC3339Nano
}

// bytesText is b as UTF-8 text when valid, else "\x" and hex.
func bytesText(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return `\x` + hex.EncodeToString(b)
}

// jsonValue converts row i of a into a value for encoding/json.
func jsonValue(a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	switch a := a.(type) {
	case *array.Binary, *array.String, *array.Timestamp:
		s, _ := Text(a, i)
		return s
	case *array.Int32:
		return a.Value(i)
	case *array.Int64:
		return a.Value(i)
	case *array.Float64:
		return a.Value(i)
	case *array.Boolean:
		return a.Value(i)
	case *array.List:
		start, end := a.ValueOffsets(i)
		out := make([]any, 0, end-start)
		for j := start; j < end; j++ {
			out = append(out, jsonValue(a.ListValues(), int(j)))
		}
		return out
	case *array.Struct:
		st := a.DataType().(*arrow.StructType)
		obj := make(map[string]any, a.NumField())
		for f := 0; f < a.NumField(); f++ {
			obj[st.Field(f).Name] = jsonValue(a.Field(f), i)
		}
		return obj
	}
	return a.GetOneForMarshal(i)
}
