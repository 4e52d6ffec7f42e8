package avro

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	hamba "github.com/hamba/avro/v2"
	"github.com/linkedin/goavro/v2"
)

// fuzzSchema has a field of most types, unions, a projection's worth of
// skippable fields and a recursive list that reaches the cut.
const fuzzSchema = `{"type":"record","name":"F","namespace":"fz","fields":[
	{"name":"b","type":"boolean"},
	{"name":"i","type":"int"},
	{"name":"l","type":"long"},
	{"name":"f","type":"float"},
	{"name":"d","type":"double"},
	{"name":"s","type":"string"},
	{"name":"by","type":"bytes"},
	{"name":"fx","type":{"type":"fixed","name":"F2","size":2}},
	{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B","C"]}},
	{"name":"dt","type":{"type":"int","logicalType":"date"}},
	{"name":"ts","type":{"type":"long","logicalType":"timestamp-micros"}},
	{"name":"dec","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":3}},
	{"name":"decf","type":{"type":"fixed","name":"D3","size":3,"logicalType":"decimal","precision":6,"scale":1}},
	{"name":"arr","type":{"type":"array","items":["null","long"]}},
	{"name":"m","type":{"type":"map","values":{"type":"array","items":"string"}}},
	{"name":"u","type":["null","int","string",{"type":"record","name":"P","fields":[{"name":"x","type":"double"}]}]},
	{"name":"list","type":["null",{"type":"record","name":"Node","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","Node"]}]}]}
]}`

// fuzzWriter and fuzzReader are two versions of a schema, for a decoder
// that resolves: fields missing from each, promoted, reordered.
const fuzzWriter = `{"type":"record","name":"F","namespace":"fz","fields":[
	{"name":"s","type":"bytes"},
	{"name":"l","type":"int"},
	{"name":"gone","type":{"type":"map","values":{"type":"record","name":"P","fields":[{"name":"x","type":"float"}]}}},
	{"name":"e","type":{"type":"enum","name":"E","symbols":["C","A","D"]}},
	{"name":"u","type":["string","null","long","P"]}
]}`

const fuzzReader = `{"type":"record","name":"F","namespace":"fz","fields":[
	{"name":"l","type":"long"},
	{"name":"added","type":{"type":"array","items":"int"},"default":[1,2]},
	{"name":"s","type":"string"},
	{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B","C"],"default":"B"}},
	{"name":"u","type":["null","int","string",{"type":"record","name":"P","fields":[{"name":"x","type":"double"}]}]}
]}`

func fuzzSeeds(t testing.TB) [][]byte {
	list := func(n int) any {
		var v any
		for i := range n {
			v = goavro.Union("fz.Node", map[string]any{"v": int32(i), "next": v})
		}
		return v
	}
	base := func() map[string]any {
		return map[string]any{"b": true, "i": int32(-7), "l": int64(1) << 50, "f": float32(0.5), "d": -1.25, "s": "héllo",
			"by": []byte{0, 255}, "fx": []byte{1, 2}, "e": "C", "dt": int32(19000), "ts": int64(1700000000000001),
			"dec": big.NewRat(-12345, 1000), "decf": big.NewRat(-99999, 10), "arr": []any{nil, goavro.Union("long", int64(3))},
			"m": map[string]any{"k": []any{"a", "b"}}, "u": goavro.Union("fz.P", map[string]any{"x": 2.5}), "list": list(3)}
	}
	var seeds [][]byte
	for _, change := range []map[string]any{
		{}, {"u": nil, "list": nil, "arr": []any{}, "m": map[string]any{}},
		{"u": goavro.Union("int", int32(1)), "list": list(12)},
		{"u": goavro.Union("string", "x"), "f": float32(math.NaN()), "d": math.Inf(1), "list": list(8)},
	} {
		v := base()
		for k, c := range change {
			v[k] = c
		}
		seeds = append(seeds, encode(t, fuzzSchema, v))
	}
	w := encode(t, fuzzWriter, map[string]any{"s": []byte("x"), "l": int32(5), "gone": map[string]any{"p": map[string]any{"x": float32(1)}},
		"e": "A", "u": goavro.Union("long", int64(9))})
	seeds = append(seeds, w, seeds[0][:len(seeds[0])/2], append(slices.Clone(seeds[1]), 0))
	return seeds
}

// FuzzDecode checks that decoding never panics and is valid-or-error:
// an error appends nothing (run checks it), a success appends one value
// per builder; that a projection decodes what the full decoder does; and
// that what decodes is what goavro, an independent implementation, reads.
func FuzzDecode(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	format := mustFormat(f, fuzzSchema)
	reader := mustParse(f, fuzzSchema)
	codec, err := goavro.NewCodec(fuzzSchema)
	if err != nil {
		f.Fatal(err)
	}
	// goavro allocates a block's count up front, up to MaxBlockCount items:
	// a few hostile bytes would ask it for gigabytes (the fuzzer's process
	// was killed on testdata/fuzz/FuzzDecode/8766652a0d684442).
	defer func(count, size int64) { goavro.MaxBlockCount, goavro.MaxBlockSize = count, size }(goavro.MaxBlockCount, goavro.MaxBlockSize)
	goavro.MaxBlockCount, goavro.MaxBlockSize = 1<<12, 1<<16
	full, err := format.Decoder(all(format))
	if err != nil {
		f.Fatal(err)
	}
	projected := []int{1, 5, 9, 13, 15, 16}
	part, err := format.Decoder(projected)
	if err != nil {
		f.Fatal(err)
	}
	evolved := mustFormat(f, fuzzReader)
	older, err := evolved.DecoderFor(mustParse(f, fuzzWriter), all(evolved))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, errs := run(t, format, full, all(format), data)
		prow, perrs := run(t, format, part, projected, data)
		run(t, evolved, older, all(evolved), data) // atomicity only
		native, rest, gerr := codec.NativeFromBinary(data)
		if errs[0] != nil {
			var pe *PayloadError
			if !errors.As(errs[0], &pe) {
				t.Fatalf("not a PayloadError: %v", errs[0])
			}
			if gerr == nil && len(rest) == 0 && !stricter(pe) {
				t.Fatalf("goavro decodes what kq rejects with %v: %v", errs[0], native)
			}
			return
		}
		if perrs[0] != nil {
			t.Fatalf("the projection fails where all fields decode: %v", perrs[0])
		}
		for k, i := range projected {
			if !same(prow[0][k], rows[0][i]) {
				t.Fatalf("field %d projected: %#v, all fields: %#v", i, prow[0][k], rows[0][i])
			}
		}
		if gerr != nil || len(rest) != 0 {
			t.Fatalf("kq decodes what goavro rejects (%v, %d bytes left): %#v", gerr, len(rest), rows[0])
		}
		want := canon(reader, native, 0).(map[string]any)
		for k, field := range format.Fields() {
			if !same(lastKeys(rows[0][k]), want[field.Name]) {
				t.Fatalf("field %s: kq %#v, goavro %#v", field.Name, rows[0][k], want[field.Name])
			}
		}
	})
}

// stricter reports whether kq rejects, on purpose, a payload goavro
// reads: strings that are not UTF-8, booleans other than 0 and 1,
// decimals wider than their precision, block sizes that disagree with
// their items, varints with bits past their type.
func stricter(e *PayloadError) bool {
	for _, r := range []string{"UTF-8", "boolean byte", "precision", "block of", "too long"} {
		if strings.Contains(e.Reason, r) {
			return true
		}
	}
	return false
}

// canon turns goavro's value v of type s, at level, into what value
// gives for the decoded column.
func canon(s hamba.Schema, v any, level int) any {
	s = deref(s)
	if isCut(s, level) {
		if v == nil {
			return nil
		}
		return jsonText{jsonish(s, v)}
	}
	switch s := s.(type) {
	case *hamba.NullSchema:
		return nil
	case *hamba.UnionSchema:
		if v == nil {
			return nil
		}
		name, val := unionValue(v)
		sh := shapeOf(s)
		for i, m := range s.Types() {
			if unionName(m) != name {
				continue
			}
			if !sh.isStruct() {
				return canon(m, val, level)
			}
			out := map[string]any{}
			for k, j := range sh.members {
				out["member"+strconv.Itoa(k)] = nil
				if j == i {
					out["member"+strconv.Itoa(k)] = canon(m, val, level+1)
				}
			}
			return out
		}
		panic("no member " + name)
	case *hamba.RecordSchema:
		out := map[string]any{}
		for _, f := range s.Fields() {
			out[f.Name()] = canon(f.Type(), v.(map[string]any)[f.Name()], level+1)
		}
		return out
	case *hamba.ArraySchema:
		out := []any{}
		for _, it := range v.([]any) {
			out = append(out, canon(s.Items(), it, level+1))
		}
		return out
	case *hamba.MapSchema:
		out := []kv{}
		for k, it := range v.(map[string]any) {
			out = append(out, kv{k, canon(s.Values(), it, level+1)})
		}
		return sortMaps(out)
	}
	if d := decimalOf(s); d != nil {
		return v.(*big.Rat).FloatString(d.Scale())
	}
	switch logicalOf(s) {
	case hamba.Date:
		return arrow.Date32(v.(time.Time).Unix() / 86400)
	case hamba.TimestampMicros:
		return arrow.Timestamp(v.(time.Time).UnixMicro())
	}
	return v
}

// jsonText is JSON text, compared by value.
type jsonText struct{ v any }

// jsonish returns goavro's value v of type s as encoding/json reads the
// JSON text of the package's rendering, numbers as json.Number (only the
// types of fuzzSchema below the cut).
func jsonish(s hamba.Schema, v any) any {
	s = deref(s)
	switch s := s.(type) {
	case *hamba.UnionSchema:
		if v == nil {
			return nil
		}
		name, val := unionValue(v)
		for _, m := range s.Types() {
			if unionName(m) == name {
				return jsonish(m, val)
			}
		}
	case *hamba.RecordSchema:
		out := map[string]any{}
		for _, f := range s.Fields() {
			out[f.Name()] = jsonish(f.Type(), v.(map[string]any)[f.Name()])
		}
		return out
	}
	switch v := v.(type) {
	case int32:
		return json.Number(strconv.Itoa(int(v)))
	case nil:
		return nil
	}
	panic("no JSON for " + describe(s))
}

func unionValue(v any) (string, any) {
	for k, val := range v.(map[string]any) {
		return k, val
	}
	panic("empty union value")
}

// unionName is goavro's name of a union member.
func unionName(s hamba.Schema) string {
	s = deref(s)
	if n, ok := s.(hamba.NamedSchema); ok {
		return n.FullName()
	}
	return string(s.Type())
}

// lastKeys keeps, in the maps of v, the last entry of each key and sorts
// them: goavro reads a map into a Go map, where a key written twice
// keeps its last value.
func lastKeys(v any) any {
	switch v := v.(type) {
	case []kv:
		var out []kv
		for i, e := range v {
			if !slices.ContainsFunc(v[i+1:], func(o kv) bool { return o.K == e.K }) {
				out = append(out, kv{e.K, lastKeys(e.V)})
			}
		}
		return sortMaps(append([]kv{}, out...))
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = lastKeys(e)
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, e := range v {
			out[k] = lastKeys(e)
		}
		return out
	}
	return v
}

// same compares decoded values: NaNs are equal, JSON text compares by
// value with a jsonText.
func same(a, b any) bool {
	switch b := b.(type) {
	case jsonText:
		s, ok := a.(string)
		if !ok {
			return false
		}
		d := json.NewDecoder(strings.NewReader(s))
		d.UseNumber()
		var v any
		return d.Decode(&v) == nil && reflect.DeepEqual(v, b.v)
	case float32:
		x, ok := a.(float32)
		return ok && (x == b && math.Signbit(float64(x)) == math.Signbit(float64(b)) || x != x && b != b)
	case float64:
		x, ok := a.(float64)
		return ok && (x == b && math.Signbit(x) == math.Signbit(b) || x != x && b != b)
	case []byte:
		x, ok := a.([]byte)
		return ok && bytes.Equal(x, b)
	case []any:
		x, ok := a.([]any)
		return ok && len(x) == len(b) && sameAll(x, b)
	case []kv:
		x, ok := a.([]kv)
		if !ok || len(x) != len(b) {
			return false
		}
		for i := range x {
			if x[i].K != b[i].K || !same(x[i].V, b[i].V) {
				return false
			}
		}
		return true
	case map[string]any:
		x, ok := a.(map[string]any)
		if !ok || len(x) != len(b) {
			return false
		}
		for k := range b {
			if !same(x[k], b[k]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

func sameAll(a, b []any) bool {
	for i := range a {
		if !same(a[i], b[i]) {
			return false
		}
	}
	return true
}
