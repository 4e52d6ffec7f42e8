package output

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Text renders row i of column a as text: numbers as digits, BLOBs as
// UTF-8 when valid else "\x" and hex, timestamps as ISO-8601 in UTC,
// dates as YYYY-MM-DD, decimals with their scale, intervals in ISO-8601
// (P1M2DT3S), and lists, structs and maps as JSON. NULL renders as "" with
// ok false.
func Text(a arrow.Array, i int) (s string, ok bool) {
	if a.IsNull(i) {
		return "", false
	}
	switch v := scalar(a, i).(type) {
	case string:
		return v, true
	case json.RawMessage:
		return string(v), true
	case nil:
		return "", false
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return a.ValueStr(i), true
		}
		return string(b), true
	}
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

// scalar returns row i of a as text for scalars (string), or as a value
// for encoding/json for nested types and numbers in JSON: json.RawMessage
// for exact numbers, []any, map[string]any (ordered as jsonObject).
func scalar(a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	switch a := a.(type) {
	case *array.Binary:
		return bytesText(a.Value(i))
	case *array.LargeBinary:
		return bytesText(a.Value(i))
	case *array.BinaryView:
		return bytesText(a.Value(i))
	case *array.FixedSizeBinary:
		return bytesText(a.Value(i))
	case *array.String:
		return a.Value(i)
	case *array.LargeString:
		return a.Value(i)
	case *array.StringView:
		return a.Value(i)
	case *array.Boolean:
		return strconv.FormatBool(a.Value(i))
	case *array.Int8:
		return strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Int16:
		return strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Int32:
		return strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Int64:
		return strconv.FormatInt(a.Value(i), 10)
	case *array.Uint8:
		return strconv.FormatUint(uint64(a.Value(i)), 10)
	case *array.Uint16:
		return strconv.FormatUint(uint64(a.Value(i)), 10)
	case *array.Uint32:
		return strconv.FormatUint(uint64(a.Value(i)), 10)
	case *array.Uint64:
		return strconv.FormatUint(a.Value(i), 10)
	case *array.Float16:
		return formatFloat(float64(a.Value(i).Float32()), 32)
	case *array.Float32:
		return formatFloat(float64(a.Value(i)), 32)
	case *array.Float64:
		return formatFloat(a.Value(i), 64)
	case *array.Decimal32:
		return a.Value(i).ToString(a.DataType().(*arrow.Decimal32Type).Scale)
	case *array.Decimal64:
		return a.Value(i).ToString(a.DataType().(*arrow.Decimal64Type).Scale)
	case *array.Decimal128:
		return a.Value(i).ToString(a.DataType().(*arrow.Decimal128Type).Scale)
	case *array.Decimal256:
		return a.Value(i).ToString(a.DataType().(*arrow.Decimal256Type).Scale)
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return a.Value(i).ToTime(unit).UTC().Format(timeLayout(unit))
	case *array.Date32:
		return a.Value(i).ToTime().UTC().Format(time.DateOnly)
	case *array.Date64:
		return a.Value(i).ToTime().UTC().Format(time.DateOnly)
	case *array.Time32:
		unit := a.DataType().(*arrow.Time32Type).Unit
		return a.Value(i).ToTime(unit).UTC().Format(clockLayout(unit))
	case *array.Time64:
		unit := a.DataType().(*arrow.Time64Type).Unit
		return a.Value(i).ToTime(unit).UTC().Format(clockLayout(unit))
	case *array.Duration:
		unit := a.DataType().(*arrow.DurationType).Unit
		return (time.Duration(a.Value(i)) * unit.Multiplier()).String()
	case *array.MonthDayNanoInterval:
		v := a.Value(i)
		return isoInterval(int64(v.Months), int64(v.Days), v.Nanoseconds)
	case *array.MonthInterval:
		return isoInterval(int64(a.Value(i)), 0, 0)
	case *array.DayTimeInterval:
		v := a.Value(i)
		return isoInterval(0, int64(v.Days), int64(v.Milliseconds)*int64(time.Millisecond))
	case *array.Dictionary:
		return scalar(a.Dictionary(), a.GetValueIndex(i))
	case *array.Map:
		return mapValue(a, i)
	case array.ListLike:
		start, end := a.ValueOffsets(i)
		values := listValues(a)
		out := make([]any, 0, end-start)
		for j := start; j < end; j++ {
			out = append(out, jsonValue(values, int(j)))
		}
		return out
	case *array.Struct:
		st := a.DataType().(*arrow.StructType)
		obj := make(jsonObject, a.NumField())
		for f := 0; f < a.NumField(); f++ {
			obj[f] = jsonField{st.Field(f).Name, jsonValue(a.Field(f), i)}
		}
		return obj
	case *array.Null:
		return nil
	}
	return a.ValueStr(i)
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

// mapValue renders a map as a JSON object when its keys are text, else as
// a list of {"key": k, "value": v}.
func mapValue(a *array.Map, i int) any {
	start, end := a.ValueOffsets(i)
	keys, items := a.Keys(), a.Items()
	textKeys := keys.DataType().ID() == arrow.STRING || keys.DataType().ID() == arrow.LARGE_STRING
	if textKeys {
		obj := make(jsonObject, 0, end-start)
		for j := int(start); j < int(end); j++ {
			k, _ := Text(keys, j)
			obj = append(obj, jsonField{k, jsonValue(items, j)})
		}
		return obj
	}
	out := make([]any, 0, end-start)
	for j := int(start); j < int(end); j++ {
		out = append(out, jsonObject{{"key", jsonValue(keys, j)}, {"value", jsonValue(items, j)}})
	}
	return out
}

func formatFloat(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	// Plain digits, as DuckDB and JavaScript print them, unless the
	// exponent is extreme (JavaScript's thresholds).
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		return strconv.FormatFloat(f, 'g', -1, bits)
	}
	return strconv.FormatFloat(f, 'f', -1, bits)
}

// isoInterval prints an interval as ISO-8601: P1Y2M3DT4H5M6.5S, PT0S when
// zero.
func isoInterval(months, days, nanos int64) string {
	var b strings.Builder
	b.WriteByte('P')
	if y := months / 12; y != 0 {
		fmt.Fprintf(&b, "%dY", y)
	}
	if m := months % 12; m != 0 {
		fmt.Fprintf(&b, "%dM", m)
	}
	if days != 0 {
		fmt.Fprintf(&b, "%dD", days)
	}
	if nanos != 0 {
		b.WriteByte('T')
		d := time.Duration(nanos)
		if h := d / time.Hour; h != 0 {
			fmt.Fprintf(&b, "%dH", h)
			d -= h * time.Hour
		}
		if m := d / time.Minute; m != 0 {
			fmt.Fprintf(&b, "%dM", m)
			d -= m * time.Minute
		}
		if d != 0 {
			b.WriteString(strconv.FormatFloat(d.Seconds(), 'f', -1, 64))
			b.WriteByte('S')
		}
	}
	if b.Len() == 1 {
		return "PT0S"
	}
	return b.String()
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

// bytesText is b as UTF-8 text when valid, else "\x" and hex.
func bytesText(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return `\x` + hex.EncodeToString(b)
}

// jsonValue converts row i of a into a value for encoding/json: numbers
// and booleans stay JSON numbers and booleans (exactly, as written by
// Text), everything else is as Text renders it, nested types nest.
func jsonValue(a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	v := scalar(a, i)
	s, ok := v.(string)
	if !ok {
		return v
	}
	switch t := a.DataType(); {
	case t.ID() == arrow.BOOL:
		return json.RawMessage(s)
	case numeric(t):
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return s // NaN, ±Infinity are not JSON numbers
		}
		return json.RawMessage(s)
	}
	return s
}

// jsonObject is a JSON object that keeps its fields in order.
type jsonObject []jsonField

type jsonField struct {
	name  string
	value any
}

// MarshalJSON implements json.Marshaler.
func (o jsonObject) MarshalJSON() ([]byte, error) {
	var b []byte
	b = append(b, '{')
	for i, f := range o {
		if i > 0 {
			b = append(b, ',')
		}
		k, err := json.Marshal(f.name)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(f.value)
		if err != nil {
			return nil, err
		}
		b = append(b, k...)
		b = append(b, ':')
		b = append(b, v...)
	}
	return append(b, '}'), nil
}
