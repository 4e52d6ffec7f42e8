package output

// The rendering of values and the text writers as they were before the
// writers were rewritten for speed (appenders over bufio, no encoding/json,
// no per-value allocation): the reference the differential tests compare
// the writers with, so that every rendering rule is kept byte for byte.
// Deliberate differences are listed where the tests allow them.

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/jedib0t/go-pretty/v6/text"
)

// refText renders row i of column a as text: numbers as digits, BLOBs as
// UTF-8 when valid else "\x" and hex, timestamps as ISO-8601 in UTC,
// dates as YYYY-MM-DD, decimals with their scale, intervals in ISO-8601
// (P1M2DT3S), and lists, structs and maps as JSON. NULL renders as "" with
// ok false.
func refText(a arrow.Array, i int) (s string, ok bool) {
	if a.IsNull(i) {
		return "", false
	}
	switch v := refScalar(a, i).(type) {
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

// scalar returns row i of a as text for scalars (string), or as a value
// for encoding/json for nested types and numbers in JSON: json.RawMessage
// for exact numbers, []any, map[string]any (ordered as refJSONObject).
func refScalar(a arrow.Array, i int) any {
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
		return refFormatFloat(float64(a.Value(i).Float32()), 32)
	case *array.Float32:
		return refFormatFloat(float64(a.Value(i)), 32)
	case *array.Float64:
		return refFormatFloat(a.Value(i), 64)
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
		return refScalar(a.Dictionary(), a.GetValueIndex(i))
	case *array.Map:
		return refMapValue(a, i)
	case array.ListLike:
		start, end := a.ValueOffsets(i)
		values := refListValues(a)
		out := make([]any, 0, end-start)
		for j := start; j < end; j++ {
			out = append(out, refJSONValue(values, int(j)))
		}
		return out
	case *array.Struct:
		st := a.DataType().(*arrow.StructType)
		obj := make(refJSONObject, a.NumField())
		for f := 0; f < a.NumField(); f++ {
			obj[f] = refJSONField{st.Field(f).Name, refJSONValue(a.Field(f), i)}
		}
		return obj
	case *array.Null:
		return nil
	}
	return a.ValueStr(i)
}

func refListValues(a array.ListLike) arrow.Array {
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
func refMapValue(a *array.Map, i int) any {
	start, end := a.ValueOffsets(i)
	keys, items := a.Keys(), a.Items()
	textKeys := keys.DataType().ID() == arrow.STRING || keys.DataType().ID() == arrow.LARGE_STRING
	if textKeys {
		obj := make(refJSONObject, 0, end-start)
		for j := int(start); j < int(end); j++ {
			k, _ := refText(keys, j)
			obj = append(obj, refJSONField{k, refJSONValue(items, j)})
		}
		return obj
	}
	out := make([]any, 0, end-start)
	for j := int(start); j < int(end); j++ {
		out = append(out, refJSONObject{{"key", refJSONValue(keys, j)}, {"value", refJSONValue(items, j)}})
	}
	return out
}

// jsonValue converts row i of a into a value for encoding/json: numbers
// and booleans stay JSON numbers and booleans (exactly, as written by
// Text), everything else is as Text renders it, nested types nest.
func refJSONValue(a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	v := refScalar(a, i)
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

// refJSONObject is a JSON object that keeps its fields in order.
type refJSONObject []refJSONField

type refJSONField struct {
	name  string
	value any
}

// MarshalJSON implements json.Marshaler.
func (o refJSONObject) MarshalJSON() ([]byte, error) {
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

func refHeader(rr array.RecordReader) []string {
	fields := rr.Schema().Fields()
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	return names
}

func refWriteCSV(w io.Writer, rr array.RecordReader) (int64, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write(refHeader(rr)); err != nil {
		return 0, err
	}
	var rows int64
	for rr.Next() {
		rec := rr.RecordBatch()
		row := make([]string, rec.NumCols())
		for i := 0; i < int(rec.NumRows()); i++ {
			for c := range row {
				row[c], _ = refText(rec.Column(c), i)
			}
			if err := cw.Write(row); err != nil {
				return rows, err
			}
			rows++
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return rows, err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return rows, err
	}
	return rows, rr.Err()
}

// writeJSON writes one array of objects, or one object per line (ndjson).
// Keys keep the column order.
func refWriteJSON(w io.Writer, rr array.RecordReader, lines bool) (int64, error) {
	bw := bufio.NewWriter(w)
	names := refHeader(rr)
	keys := make([][]byte, len(names))
	for i, n := range names {
		keys[i], _ = json.Marshal(n)
	}
	var rows int64
	if !lines {
		bw.WriteString("[")
	}
	for rr.Next() {
		rec := rr.RecordBatch()
		for i := 0; i < int(rec.NumRows()); i++ {
			if !lines && rows > 0 {
				bw.WriteString(",")
			}
			if !lines {
				bw.WriteString("\n  ")
			}
			bw.WriteByte('{')
			for c := range names {
				if c > 0 {
					bw.WriteByte(',')
				}
				bw.Write(keys[c])
				bw.WriteByte(':')
				v, err := json.Marshal(refJSONValue(rec.Column(c), i))
				if err != nil {
					return rows, fmt.Errorf("column %s: %w", names[c], err)
				}
				bw.Write(v)
			}
			bw.WriteByte('}')
			if lines {
				bw.WriteByte('\n')
			}
			rows++
		}
	}
	if err := rr.Err(); err != nil {
		return rows, err
	}
	if !lines {
		if rows > 0 {
			bw.WriteString("\n")
		}
		bw.WriteString("]\n")
	}
	return rows, bw.Flush()
}

// refTableWriter renders box-drawn tables block by block.
type refTableWriter struct {
	w      *bufio.Writer
	names  []string
	right  []bool // right-align (numbers)
	widths []int  // current widths; nil before the first block
	rows   [][]string
}

func refWriteTable(w io.Writer, rr array.RecordReader) (int64, error) {
	tw := &refTableWriter{w: bufio.NewWriter(w), names: refHeader(rr)}
	for _, f := range rr.Schema().Fields() {
		tw.right = append(tw.right, numeric(f.Type))
	}
	var n int64
	for rr.Next() {
		rec := rr.RecordBatch()
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]string, rec.NumCols())
			for c := range row {
				s, ok := refText(rec.Column(c), i)
				if !ok {
					s = "NULL"
				}
				row[c] = refCell(s)
			}
			tw.rows = append(tw.rows, row)
			n++
			if len(tw.rows) == TableBlockRows {
				tw.flushBlock()
			}
		}
	}
	if err := rr.Err(); err != nil {
		return n, err
	}
	tw.flushBlock()
	tw.rule('└', '┴', '┘')
	return n, tw.w.Flush()
}

// cell makes s fit on one line (control characters escaped) and owns its
// bytes: Text may return a string that aliases the batch's buffer, which
// is gone once the reader moves on, and the table holds a block of rows.
func refCell(s string) string {
	if !strings.ContainsAny(s, "\n\r\t") {
		return strings.Clone(s)
	}
	return strings.NewReplacer("\n", `\n`, "\r", `\r`, "\t", `\t`).Replace(s)
}

// flushBlock writes the buffered rows, opening a new table when there is
// none yet or the rows need wider columns.
func (tw *refTableWriter) flushBlock() {
	widths := make([]int, len(tw.names))
	for c, n := range tw.names {
		widths[c] = text.StringWidthWithoutEscSequences(n)
	}
	for _, row := range tw.rows {
		for c, s := range row {
			widths[c] = max(widths[c], text.StringWidthWithoutEscSequences(s))
		}
	}
	if tw.widths == nil || refWider(widths, tw.widths) {
		if tw.widths != nil {
			tw.rule('└', '┴', '┘')
		}
		if tw.widths != nil {
			for c := range widths {
				widths[c] = max(widths[c], tw.widths[c])
			}
		}
		tw.widths = widths
		tw.rule('┌', '┬', '┐')
		tw.line(tw.names, false)
		tw.rule('├', '┼', '┤')
	}
	for _, row := range tw.rows {
		tw.line(row, true)
	}
	tw.rows = tw.rows[:0]
}

func refWider(a, b []int) bool {
	for i := range a {
		if a[i] > b[i] {
			return true
		}
	}
	return false
}

func (tw *refTableWriter) rule(left, mid, right rune) {
	tw.w.WriteRune(left)
	for c, w := range tw.widths {
		if c > 0 {
			tw.w.WriteRune(mid)
		}
		tw.w.WriteString(strings.Repeat("─", w+2))
	}
	tw.w.WriteRune(right)
	tw.w.WriteByte('\n')
}

func (tw *refTableWriter) line(cells []string, align bool) {
	tw.w.WriteString("│")
	for c, s := range cells {
		if c > 0 {
			tw.w.WriteString("│")
		}
		pad := strings.Repeat(" ", tw.widths[c]-text.StringWidthWithoutEscSequences(s))
		tw.w.WriteByte(' ')
		if align && tw.right[c] {
			tw.w.WriteString(pad + s)
		} else {
			tw.w.WriteString(s + pad)
		}
		tw.w.WriteByte(' ')
	}
	tw.w.WriteString("│\n")
}

// refFormatFloat is appendFloat before its fast path for short decimals:
// strconv's shortest digits, plain unless the exponent is extreme.
func refFormatFloat(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		return strconv.FormatFloat(f, 'g', -1, bits)
	}
	return strconv.FormatFloat(f, 'f', -1, bits)
}
