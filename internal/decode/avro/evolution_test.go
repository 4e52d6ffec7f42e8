package avro

import (
	"errors"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/linkedin/goavro/v2"
)

// TestEvolution decodes payloads written by goavro with a writer schema
// into a different reader schema.
func TestEvolution(t *testing.T) {
	for _, c := range []struct {
		name           string
		writer, reader string
		native         []map[string]any
		want           [][]any // nil: a decode error
	}{{
		name:   "added fields take their defaults",
		writer: `{"type":"record","name":"Order","fields":[{"name":"id","type":"long"}]}`,
		reader: `{"type":"record","name":"Order","fields":[
			{"name":"qty","type":"int","default":7},
			{"name":"id","type":"long"},
			{"name":"note","type":"string","default":"none"},
			{"name":"opt","type":["null","string"],"default":null},
			{"name":"opt2","type":["string","null"],"default":"dflt"},
			{"name":"addr","type":{"type":"record","name":"Addr","fields":[{"name":"city","type":"string"},{"name":"zip","type":["null","int"],"default":null}]},"default":{"city":"Paris"}},
			{"name":"tags","type":{"type":"array","items":"string"},"default":["a","b"]},
			{"name":"attrs","type":{"type":"map","values":"long"},"default":{"k":1,"j":2}},
			{"name":"color","type":{"type":"enum","name":"Color","symbols":["RED","GREEN"]},"default":"GREEN"},
			{"name":"fx","type":{"type":"fixed","name":"F2","size":2},"default":"\u0001\u00ff"},
			{"name":"raw","type":"bytes","default":"\u00ff\u0000"},
			{"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":6,"scale":2},"default":"\u0001\u00e2"},
			{"name":"ratio","type":"double","default":1.5},
			{"name":"flag","type":"boolean","default":true},
			{"name":"f32","type":"float","default":0.25},
			{"name":"big","type":"long","default":1099511627776},
			{"name":"u3","type":["int","null","string"],"default":5},
			{"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"},"default":1000},
			{"name":"empty","type":{"type":"array","items":"int"},"default":[]}]}`,
		native: []map[string]any{{"id": int64(1)}, {"id": int64(2)}},
		want: [][]any{
			{int32(7), int64(1), "none", nil, "dflt", map[string]any{"city": "Paris", "zip": nil}, []any{"a", "b"},
				[]kv{{"j", int64(2)}, {"k", int64(1)}}, "GREEN", []byte{1, 255}, []byte{255, 0}, "4.82", 1.5, true, float32(0.25),
				int64(1) << 40, map[string]any{"member0": int32(5), "member1": nil}, arrow.Timestamp(1000), []any{}},
			{int32(7), int64(2), "none", nil, "dflt", map[string]any{"city": "Paris", "zip": nil}, []any{"a", "b"},
				[]kv{{"j", int64(2)}, {"k", int64(1)}}, "GREEN", []byte{1, 255}, []byte{255, 0}, "4.82", 1.5, true, float32(0.25),
				int64(1) << 40, map[string]any{"member0": int32(5), "member1": nil}, arrow.Timestamp(1000), []any{}},
		},
	}, {
		name: "removed fields are skipped",
		writer: `{"type":"record","name":"R","fields":[{"name":"id","type":"long"},{"name":"gone","type":"string"},
			{"name":"gone2","type":{"type":"array","items":{"type":"record","name":"X","fields":[{"name":"a","type":{"type":"map","values":"string"}}]}}},
			{"name":"gone3","type":["null","X"]},{"name":"keep","type":"string"}]}`,
		reader: `{"type":"record","name":"R","fields":[{"name":"keep","type":"string"},{"name":"id","type":"long"}]}`,
		native: []map[string]any{{"id": int64(5), "gone": "x", "gone2": []any{map[string]any{"a": map[string]any{"k": "v"}}},
			"gone3": goavro.Union("X", map[string]any{"a": map[string]any{}}), "keep": "kept"}},
		want: [][]any{{"kept", int64(5)}},
	}, {
		name: "promotions",
		writer: `{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"},{"name":"c","type":"int"},
			{"name":"d","type":"long"},{"name":"e","type":"long"},{"name":"f","type":"float"},{"name":"g","type":"string"},{"name":"h","type":"bytes"},
			{"name":"i","type":["null","int"]},{"name":"j","type":{"type":"array","items":"int"}},{"name":"k","type":{"type":"map","values":"float"}},
			{"name":"l","type":"long"}]}`,
		reader: `{"type":"record","name":"R","fields":[{"name":"a","type":"long"},{"name":"b","type":"float"},{"name":"c","type":"double"},
			{"name":"d","type":"float"},{"name":"e","type":"double"},{"name":"f","type":"double"},{"name":"g","type":"bytes"},{"name":"h","type":"string"},
			{"name":"i","type":["null","long"]},{"name":"j","type":{"type":"array","items":"long"}},{"name":"k","type":{"type":"map","values":"double"}},
			{"name":"l","type":{"type":"long","logicalType":"timestamp-millis"}}]}`,
		native: []map[string]any{{"a": int32(-3), "b": int32(16777217), "c": int32(7), "d": int64(1) << 40, "e": int64(-5), "f": float32(0.1),
			"g": "héllo", "h": []byte("ok"), "i": goavro.Union("int", int32(9)), "j": []any{int32(1), int32(2)}, "k": map[string]any{"x": float32(0.5)},
			"l": int64(1700000000000)}},
		want: [][]any{{int64(-3), float32(16777216), 7.0, float32(1 << 40), -5.0, float64(float32(0.1)), []byte("héllo"), "ok",
			int64(9), []any{int64(1), int64(2)}, []kv{{"x", 0.5}}, arrow.Timestamp(1700000000000)}},
	}, {
		name:   "enum symbols by name, unknown to the reader's default",
		writer: record(`{"type":"enum","name":"E","symbols":["A","B","C","D"]}`),
		reader: record(`{"type":"enum","name":"E","symbols":["C","A","B"],"default":"A"}`),
		native: []map[string]any{{"f0": "A"}, {"f0": "C"}, {"f0": "D"}},
		want:   [][]any{{"A"}, {"C"}, {"A"}},
	}, {
		name:   "enum symbol unknown to a reader without default",
		writer: record(`{"type":"enum","name":"E","symbols":["A","B","C","D"]}`),
		reader: record(`{"type":"enum","name":"E","symbols":["C","A","B"]}`),
		native: []map[string]any{{"f0": "B"}, {"f0": "D"}, {"f0": "C"}},
		want:   [][]any{{"B"}, nil, {"C"}},
	}, {
		name:   "field and record aliases",
		writer: `{"type":"record","name":"Order","namespace":"a","fields":[{"name":"customer","type":"string"},{"name":"n","type":{"type":"record","name":"In","fields":[{"name":"v","type":"int"}]}}]}`,
		reader: `{"type":"record","name":"OrderV2","namespace":"b","aliases":["a.Order"],"fields":[{"name":"customer_name","type":"string","aliases":["customer"]},
			{"name":"n","type":{"type":"record","name":"In2","aliases":["In"],"fields":[{"name":"v","type":"long"}]}}]}`,
		native: []map[string]any{{"customer": "Ada", "n": map[string]any{"v": int32(3)}}},
		want:   [][]any{{"Ada", map[string]any{"v": int64(3)}}},
	}, {
		name:   "writer union read as a non-union",
		writer: record(`["null","long"]`),
		reader: record(`"long"`),
		native: []map[string]any{{"f0": goavro.Union("long", int64(4))}, {"f0": nil}},
		want:   [][]any{{int64(4)}, nil},
	}, {
		name:   "writer union read as another union, member by member",
		writer: record(`["int","string","boolean"]`),
		reader: record(`["string","long","null"]`),
		native: []map[string]any{{"f0": goavro.Union("int", int32(4))}, {"f0": goavro.Union("string", "s")}, {"f0": goavro.Union("boolean", true)}},
		want:   [][]any{{map[string]any{"member0": nil, "member1": int64(4)}}, {map[string]any{"member0": "s", "member1": nil}}, nil},
	}, {
		name:   "non-union read as unions",
		writer: record(`"long"`, `"int"`, `"string"`, `"null"`),
		reader: record(`["null","long"]`, `["null","string","long"]`, `["null","bytes","string"]`, `["int","null"]`),
		native: []map[string]any{{"f0": int64(1), "f1": int32(2), "f2": "s", "f3": nil}},
		want: [][]any{{int64(1), map[string]any{"member0": nil, "member1": int64(2)},
			map[string]any{"member0": nil, "member1": "s"}, nil}},
	}, {
		name:   "records in arrays",
		writer: record(`{"type":"array","items":{"type":"record","name":"Item","fields":[{"name":"sku","type":"string"},{"name":"qty","type":"int"}]}}`),
		reader: record(`{"type":"array","items":{"type":"record","name":"Item","fields":[{"name":"price","type":"double","default":0},{"name":"qty","type":"long"},{"name":"sku","type":"string"}]}}`),
		native: []map[string]any{{"f0": []any{map[string]any{"sku": "a", "qty": int32(1)}, map[string]any{"sku": "b", "qty": int32(2)}}}},
		want: [][]any{{[]any{map[string]any{"price": 0.0, "qty": int64(1), "sku": "a"},
			map[string]any{"price": 0.0, "qty": int64(2), "sku": "b"}}}},
	}, {
		name:   "below the cut: the reader's order and defaults",
		writer: cutSchema(`{"type":"record","name":"J","fields":[{"name":"y","type":"int"},{"name":"gone","type":"string"},{"name":"x","type":"string"}]}`),
		reader: cutSchema(`{"type":"record","name":"J","fields":[{"name":"x","type":"string"},{"name":"z","type":{"type":"array","items":"int"},"default":[3]},{"name":"y","type":"long"}]}`),
		native: []map[string]any{cutNative(map[string]any{"y": int32(1), "gone": "g", "x": "s"})},
		want:   [][]any{{cutWant(`{"x":"s","z":[3],"y":1}`)}},
	}, {
		name:   "below the cut: the writer's order is the reader's, defaults last",
		writer: cutSchema(`{"type":"record","name":"J","fields":[{"name":"gone","type":"string"},{"name":"x","type":"string"},{"name":"y","type":"int"}]}`),
		reader: cutSchema(`{"type":"record","name":"J","fields":[{"name":"x","type":"string"},{"name":"y","type":"long"},{"name":"z","type":["null","int"],"default":null}]}`),
		native: []map[string]any{cutNative(map[string]any{"y": int32(1), "gone": "g", "x": "s"})},
		want:   [][]any{{cutWant(`{"x":"s","y":1,"z":null}`)}},
	}} {
		t.Run(c.name, func(t *testing.T) {
			f := mustFormat(t, c.reader)
			dec, err := f.DecoderFor(mustParse(t, c.writer), all(f))
			if err != nil {
				t.Fatal(err)
			}
			payloads := make([][]byte, len(c.native))
			for i, n := range c.native {
				payloads[i] = encode(t, c.writer, n)
			}
			got, errs := run(t, f, dec, all(f), payloads...)
			for i, want := range c.want {
				var pe *PayloadError
				switch {
				case want == nil && !errors.As(errs[i], &pe):
					t.Errorf("row %d: got %v, %v; want a PayloadError", i, got[i], errs[i])
				case want != nil && errs[i] != nil:
					t.Errorf("row %d: %v", i, errs[i])
				case want != nil:
					if d := diff(sortMaps(got[i]), want); d != "" {
						t.Errorf("row %d:\n%s", i, d)
					}
				}
			}
		})
	}
}

// cutWant wraps JSON text at the cut in the STRUCTs of cutSchema.
func cutWant(text string) any {
	var v any = map[string]any{"j": text}
	for k := MaxDepth - 1; k >= 2; k-- {
		v = map[string]any{"l" + string(rune('0'+k)): v}
	}
	return v
}

func TestDecoderForErrors(t *testing.T) {
	for _, c := range []struct {
		writer, reader string
		idx            []int
		field, reason  string
	}{
		{record(`"string"`), record(`"long"`), []int{0}, "f0", "writer type string cannot be read as long"},
		{record(`"string"`, `"long"`), record(`"long"`, `"long"`), []int{1}, "f0", "cannot be read"}, // not projected, still resolved
		{record(`"long"`), record(`"long"`, `"int"`), nil, "f1", "no default"},
		{record(`{"type":"record","name":"In","fields":[{"name":"x","type":"string"}]}`),
			record(`{"type":"record","name":"In","fields":[{"name":"x","type":"int"}]}`), []int{0}, "f0.x", "cannot be read"},
		{record(`{"type":"array","items":"double"}`), record(`{"type":"array","items":"float"}`), []int{0}, "f0[]", "cannot be read"},
		{record(`{"type":"map","values":"string"}`), record(`{"type":"map","values":"int"}`), []int{0}, "f0{}", "cannot be read"},
		{record(`{"type":"array","items":"long"}`), record(`{"type":"map","values":"long"}`), []int{0}, "f0", "cannot be read"},
		{record(`{"type":"fixed","name":"F","size":4}`), record(`{"type":"fixed","name":"F","size":5}`), []int{0}, "f0", "cannot be read"},
		{record(`{"type":"fixed","name":"F","size":4}`), record(`{"type":"fixed","name":"G","size":4}`), []int{0}, "f0", "cannot be read"},
		{record(`{"type":"enum","name":"E","symbols":["A"]}`), record(`{"type":"enum","name":"G","symbols":["A"]}`), []int{0}, "f0", "cannot be read"},
		{record(`{"type":"record","name":"A","fields":[]}`), record(`{"type":"record","name":"B","fields":[]}`), []int{0}, "f0", "cannot be read"},
		{record(`{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}`), record(`{"type":"bytes","logicalType":"decimal","precision":9,"scale":3}`), []int{0}, "f0", "scale"},
		{record(`"string"`), record(`{"type":"bytes","logicalType":"decimal","precision":9,"scale":3}`), []int{0}, "f0", "cannot be read"},
		{record(`["null","string"]`), record(`"long"`), []int{0}, "f0", "cannot be read"},
		{record(`"null"`), record(`"long"`), []int{0}, "f0", "cannot be read"},
		{record(`"int"`), record(`["null","string"]`), []int{0}, "f0", "cannot be read"},
		{`"long"`, record(`"long"`), []int{0}, "", "not a record"},
		{`{"type":"record","name":"Other","fields":[]}`, record(`"long"`), nil, "", "not the reader's record"},
		{record(`"long"`), record(`"long"`, `"long"`), []int{1, 0}, "", "increasing"},
		{record(`"long"`), record(`"long"`), []int{1}, "", "increasing"},
		{record(`"long"`), record(`"long"`), []int{-1}, "", "increasing"},
	} {
		f := mustFormat(t, c.reader)
		_, err := f.DecoderFor(mustParse(t, c.writer), c.idx)
		var se *SchemaError
		if err == nil || !strings.Contains(err.Error(), c.reason) || (errors.As(err, &se) && se.Field != c.field) {
			t.Errorf("%s as %s: got %v, want an error of field %q saying %q", c.writer, c.reader, err, c.field, c.reason)
		}
	}
}
