package avro

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	hamba "github.com/hamba/avro/v2"
	"github.com/linkedin/goavro/v2"

	"github.com/kq-sql/kq/internal/decode"
)

// kv is a map entry as value gives it.
type kv struct {
	K string
	V any
}

// value returns row i of a as a Go value: nil for NULL, the Arrow value
// for scalars (arrow.Timestamp, ...), the decimal's text, []any for a
// list, []kv for a map, map[string]any for a STRUCT.
func value(a arrow.Array, i int) any {
	if a.IsNull(i) || a.DataType().ID() == arrow.NULL {
		return nil
	}
	switch a := a.(type) {
	case *array.Boolean:
		return a.Value(i)
	case *array.Int32:
		return a.Value(i)
	case *array.Int64:
		return a.Value(i)
	case *array.Float32:
		return a.Value(i)
	case *array.Float64:
		return a.Value(i)
	case *array.String:
		return a.Value(i)
	case *array.Binary:
		return slices.Clone(a.Value(i))
	case *array.Decimal128:
		return a.Value(i).ToString(a.DataType().(*arrow.Decimal128Type).Scale)
	case *array.Date32:
		return a.Value(i)
	case *array.Time32:
		return a.Value(i)
	case *array.Time64:
		return a.Value(i)
	case *array.Timestamp:
		return a.Value(i)
	case *array.Map:
		start, end := a.ValueOffsets(i)
		out := []kv{}
		for j := int(start); j < int(end); j++ {
			out = append(out, kv{value(a.Keys(), j).(string), value(a.Items(), j)})
		}
		return out
	case *array.List:
		start, end := a.ValueOffsets(i)
		out := []any{}
		for j := int(start); j < int(end); j++ {
			out = append(out, value(a.ListValues(), j))
		}
		return out
	case *array.Struct:
		out := map[string]any{}
		st := a.DataType().(*arrow.StructType)
		for j := range a.NumField() {
			out[st.Field(j).Name] = value(a.Field(j), i)
		}
		return out
	}
	panic(fmt.Sprintf("no value for %T", a))
}

// sortMaps sorts the entries of the maps in v by key, for data whose
// encoder (goavro, from a Go map) chose the order.
func sortMaps(v any) any {
	switch v := v.(type) {
	case []kv:
		out := make([]kv, len(v))
		for i, e := range v {
			out[i] = kv{e.K, sortMaps(e.V)}
		}
		slices.SortStableFunc(out, func(a, b kv) int { return cmp.Compare(a.K, b.K) })
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = sortMaps(e)
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, e := range v {
			out[k] = sortMaps(e)
		}
		return out
	}
	return v
}

// encode encodes native with goavro, an Avro implementation independent
// of the one the package parses schemas with.
func encode(t testing.TB, schema string, native any) []byte {
	t.Helper()
	c, err := goavro.NewCodec(schema)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.BinaryFromNative(nil, native)
	if err != nil {
		t.Fatalf("goavro: %v", err)
	}
	return b
}

func mustFormat(t testing.TB, schema string) *Format {
	t.Helper()
	s, err := Parse(schema)
	if err != nil {
		t.Fatal(err)
	}
	f, err := NewFormat(s)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func mustParse(t testing.TB, schema string) hamba.Schema {
	t.Helper()
	s, err := Parse(schema)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// all returns the indexes of every field of f.
func all(f *Format) []int {
	idx := make([]int, len(f.Fields()))
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// run decodes payloads with dec into fresh builders of the fields at idx
// and returns, per payload, the row's values or the error. It checks
// that a payload appends one value to each builder, or nothing with an
// error, and that no memory is left allocated.
func run(t testing.TB, f *Format, dec decode.RowDecoder, idx []int, payloads ...[]byte) (rows [][]any, errs []error) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	fields := f.Fields()
	bs := make([]array.Builder, len(idx))
	for k, i := range idx {
		bs[k] = array.NewBuilder(mem, fields[i].Type)
		defer bs[k].Release()
	}
	var ok []int // the payloads that decoded
	for p, data := range payloads {
		before := lens(bs)
		err := dec.Decode(data, bs)
		errs = append(errs, err)
		after := lens(bs)
		want := before
		if err == nil {
			ok = append(ok, p)
			want = slices.Clone(before)
			for k := range want {
				want[k]++
			}
		}
		if !slices.Equal(after, want) {
			t.Fatalf("payload %d (err %v): builder lengths %v -> %v, want %v", p, err, before, after, want)
		}
	}
	arrs := make([]arrow.Array, len(bs))
	for k, b := range bs {
		arrs[k] = b.NewArray()
		defer arrs[k].Release()
		if err := validate(arrs[k]); err != nil {
			t.Fatalf("field %d: %v", k, err)
		}
	}
	rows = make([][]any, len(payloads))
	for r, p := range ok {
		row := make([]any, len(arrs))
		for k, a := range arrs {
			row[k] = value(a, r)
		}
		rows[p] = row
	}
	return rows, errs
}

func lens(bs []array.Builder) []int {
	out := make([]int, len(bs))
	for k, b := range bs {
		out[k] = b.Len()
	}
	return out
}

// decodeOne decodes one payload with the reader schema as writer and
// returns the row, failing the test on an error.
func decodeOne(t testing.TB, f *Format, idx []int, data []byte) []any {
	t.Helper()
	dec, err := f.Decoder(idx)
	if err != nil {
		t.Fatal(err)
	}
	rows, errs := run(t, f, dec, idx, data)
	if errs[0] != nil {
		t.Fatal(errs[0])
	}
	return rows[0]
}

func diff(got, want any) string {
	if reflect.DeepEqual(got, want) {
		return ""
	}
	return fmt.Sprintf("got  %#v\nwant %#v", got, want)
}

// validate validates a and its children fully where arrow-go can.
func validate(a arrow.Array) error {
	if v, ok := a.(interface{ ValidateFull() error }); ok {
		if err := v.ValidateFull(); err != nil {
			return err
		}
	}
	switch a := a.(type) {
	case *array.Struct:
		for j := range a.NumField() {
			if a.Field(j).Len() != a.Len() {
				return fmt.Errorf("struct child %d has %d rows, not %d", j, a.Field(j).Len(), a.Len())
			}
			if err := validate(a.Field(j)); err != nil {
				return err
			}
		}
	case *array.Map:
		if err := validate(a.Keys()); err != nil {
			return err
		}
		return validate(a.Items())
	case *array.List:
		return validate(a.ListValues())
	case *array.String:
		for i := range a.Len() {
			if !utf8.ValidString(a.Value(i)) {
				return fmt.Errorf("row %d is not UTF-8", i)
			}
		}
	}
	return nil
}

func arrowSchema(fields []arrow.Field) *arrow.Schema { return arrow.NewSchema(fields, nil) }
