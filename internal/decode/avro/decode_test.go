package avro

import (
	"math"
	"math/big"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/linkedin/goavro/v2"
)

// allTypes has a field of every type and logical type.
const allTypes = `{"type":"record","name":"All","namespace":"t","fields":[
	{"name":"b","type":"boolean"},
	{"name":"i","type":"int"},
	{"name":"l","type":"long"},
	{"name":"f","type":"float"},
	{"name":"d","type":"double"},
	{"name":"s","type":"string"},
	{"name":"by","type":"bytes"},
	{"name":"fx","type":{"type":"fixed","name":"F4","size":4}},
	{"name":"e","type":{"type":"enum","name":"Color","symbols":["RED","GREEN","BLUE"]}},
	{"name":"u","type":{"type":"string","logicalType":"uuid"}},
	{"name":"dt","type":{"type":"int","logicalType":"date"}},
	{"name":"tm","type":{"type":"int","logicalType":"time-millis"}},
	{"name":"tu","type":{"type":"long","logicalType":"time-micros"}},
	{"name":"tsm","type":{"type":"long","logicalType":"timestamp-millis"}},
	{"name":"tsu","type":{"type":"long","logicalType":"timestamp-micros"}},
	{"name":"ltm","type":{"type":"long","logicalType":"local-timestamp-millis"}},
	{"name":"ltu","type":{"type":"long","logicalType":"local-timestamp-micros"}},
	{"name":"decb","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
	{"name":"decf","type":{"type":"fixed","name":"D9","size":9,"logicalType":"decimal","precision":20,"scale":4}},
	{"name":"arr","type":{"type":"array","items":"long"}},
	{"name":"m","type":{"type":"map","values":"string"}},
	{"name":"rec","type":{"type":"record","name":"Inner","fields":[{"name":"x","type":"int"},{"name":"y","type":["null","string"]}]}},
	{"name":"n1","type":["null","string"]},
	{"name":"n2","type":["string","null"]},
	{"name":"u3","type":["null","int","string","Inner"]},
	{"name":"nul","type":"null"}
]}`

// allRow is a row of allTypes as goavro takes it and as the decoder
// should give it.
type allRow struct {
	name   string
	native map[string]any
	want   []any
}

func allRows() []allRow {
	inner := func(x int32, y any) map[string]any { return map[string]any{"x": x, "y": y} }
	return []allRow{{
		name: "values",
		native: map[string]any{
			"b": true, "i": int32(-5), "l": int64(1) << 40, "f": float32(1.5), "d": -2.25, "s": "héllo \"x\"\n",
			"by": []byte{0, 1, 255}, "fx": []byte{1, 2, 3, 4}, "e": "GREEN", "u": "7f1d5c4e-9a3b-4c2d-8e1f-0a1b2c3d4e5f",
			"dt": int32(19723), "tm": int32(3723004), "tu": int64(3723004005), "tsm": int64(1700000000123), "tsu": int64(1700000000123456),
			"ltm": int64(-1000), "ltu": int64(1), "decb": big.NewRat(-12345, 100), "decf": big.NewRat(-1234567, 10000),
			"arr": []any{int64(1), int64(-2), int64(3)}, "m": map[string]any{"a": "x", "b": "y"},
			"rec": inner(1, goavro.Union("string", "w")), "n1": goavro.Union("string", "s1"), "n2": goavro.Union("string", "s2"),
			"u3": goavro.Union("t.Inner", inner(2, nil)), "nul": nil,
		},
		want: []any{
			true, int32(-5), int64(1) << 40, float32(1.5), -2.25, "héllo \"x\"\n",
			[]byte{0, 1, 255}, []byte{1, 2, 3, 4}, "GREEN", "7f1d5c4e-9a3b-4c2d-8e1f-0a1b2c3d4e5f",
			arrow.Date32(19723), arrow.Time32(3723004), arrow.Time64(3723004005), arrow.Timestamp(1700000000123), arrow.Timestamp(1700000000123456),
			arrow.Timestamp(-1000), arrow.Timestamp(1), "-123.45", "-123.4567",
			[]any{int64(1), int64(-2), int64(3)}, []kv{{"a", "x"}, {"b", "y"}},
			map[string]any{"x": int32(1), "y": "w"}, "s1", "s2",
			map[string]any{"member0": nil, "member1": nil, "member2": map[string]any{"x": int32(2), "y": nil}}, nil,
		},
	}, {
		name: "nulls and empties",
		native: map[string]any{
			"b": false, "i": int32(0), "l": int64(0), "f": float32(0), "d": 0.0, "s": "",
			"by": []byte{}, "fx": []byte{0, 0, 0, 0}, "e": "RED", "u": "",
			"dt": int32(-1), "tm": int32(0), "tu": int64(0), "tsm": int64(0), "tsu": int64(-1),
			"ltm": int64(0), "ltu": int64(0), "decb": big.NewRat(0, 1), "decf": big.NewRat(1, 10000),
			"arr": []any{}, "m": map[string]any{},
			"rec": inner(0, nil), "n1": nil, "n2": nil, "u3": nil, "nul": nil,
		},
		want: []any{
			false, int32(0), int64(0), float32(0), 0.0, "",
			[]byte{}, []byte{0, 0, 0, 0}, "RED", "",
			arrow.Date32(-1), arrow.Time32(0), arrow.Time64(0), arrow.Timestamp(0), arrow.Timestamp(-1),
			arrow.Timestamp(0), arrow.Timestamp(0), "0.00", "0.0001",
			[]any{}, []kv{},
			map[string]any{"x": int32(0), "y": nil}, nil, nil, nil, nil,
		},
	}, {
		name: "extremes",
		native: map[string]any{
			"b": true, "i": int32(math.MinInt32), "l": int64(math.MinInt64), "f": float32(math.Inf(-1)), "d": math.MaxFloat64, "s": "日本語 🙂",
			"by": make([]byte, 300), "fx": []byte{255, 255, 255, 255}, "e": "BLUE", "u": "x",
			"dt": int32(math.MaxInt32), "tm": int32(86399999), "tu": int64(86399999999), "tsm": int64(math.MaxInt64), "tsu": int64(math.MinInt64),
			"ltm": int64(math.MaxInt64), "ltu": int64(math.MinInt64), "decb": big.NewRat(999999999, 100), "decf": new(big.Rat).SetFrac(nines(20), pow10(4)),
			"arr": []any{int64(math.MaxInt64), int64(math.MinInt64)}, "m": map[string]any{"": "", "k": "日本"},
			"rec": inner(math.MaxInt32, goavro.Union("string", "")), "n1": goavro.Union("string", ""), "n2": goavro.Union("string", ""),
			"u3": goavro.Union("int", int32(math.MinInt32)), "nul": nil,
		},
		want: []any{
			true, int32(math.MinInt32), int64(math.MinInt64), float32(math.Inf(-1)), math.MaxFloat64, "日本語 🙂",
			make([]byte, 300), []byte{255, 255, 255, 255}, "BLUE", "x",
			arrow.Date32(math.MaxInt32), arrow.Time32(86399999), arrow.Time64(86399999999), arrow.Timestamp(math.MaxInt64), arrow.Timestamp(math.MinInt64),
			arrow.Timestamp(math.MaxInt64), arrow.Timestamp(math.MinInt64), "9999999.99", "9999999999999999.9999",
			[]any{int64(math.MaxInt64), int64(math.MinInt64)}, []kv{{"", ""}, {"k", "日本"}},
			map[string]any{"x": int32(math.MaxInt32), "y": ""}, "", "",
			map[string]any{"member0": int32(math.MinInt32), "member1": nil, "member2": nil}, nil,
		},
	}, {
		name: "union string member",
		native: map[string]any{
			"b": false, "i": int32(1), "l": int64(-1), "f": float32(-0.25), "d": math.SmallestNonzeroFloat64, "s": "a",
			"by": []byte{7}, "fx": []byte{9, 8, 7, 6}, "e": "RED", "u": "u",
			"dt": int32(0), "tm": int32(1), "tu": int64(1), "tsm": int64(-1), "tsu": int64(1),
			"ltm": int64(1), "ltu": int64(1), "decb": big.NewRat(-1, 100), "decf": new(big.Rat).SetFrac(new(big.Int).Neg(nines(20)), pow10(4)),
			"arr": []any{int64(0)}, "m": map[string]any{"only": "one"},
			"rec": inner(-1, nil), "n1": goavro.Union("string", "é"), "n2": nil,
			"u3": goavro.Union("string", "member1"), "nul": nil,
		},
		want: []any{
			false, int32(1), int64(-1), float32(-0.25), math.SmallestNonzeroFloat64, "a",
			[]byte{7}, []byte{9, 8, 7, 6}, "RED", "u",
			arrow.Date32(0), arrow.Time32(1), arrow.Time64(1), arrow.Timestamp(-1), arrow.Timestamp(1),
			arrow.Timestamp(1), arrow.Timestamp(1), "-0.01", "-9999999999999999.9999",
			[]any{int64(0)}, []kv{{"only", "one"}},
			map[string]any{"x": int32(-1), "y": nil}, "é", nil,
			map[string]any{"member0": nil, "member1": "member1", "member2": nil}, nil,
		},
	}}
}

func pow10(n int64) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(n), nil) }

// nines returns the largest number of n digits.
func nines(n int64) *big.Int { return new(big.Int).Sub(pow10(n), big.NewInt(1)) }

// TestDecodeTypes decodes every type and logical type, written by
// goavro, in one decoder over several rows.
func TestDecodeTypes(t *testing.T) {
	f := mustFormat(t, allTypes)
	rows := allRows()
	payloads := make([][]byte, len(rows))
	for i, r := range rows {
		payloads[i] = encode(t, allTypes, r.native)
	}
	dec, err := f.Decoder(all(f))
	if err != nil {
		t.Fatal(err)
	}
	got, errs := run(t, f, dec, all(f), payloads...)
	for i, r := range rows {
		if errs[i] != nil {
			t.Errorf("%s: %v", r.name, errs[i])
			continue
		}
		for k, field := range f.Fields() {
			if d := diff(sortMaps(got[i][k]), r.want[k]); d != "" {
				t.Errorf("%s: field %s:\n%s", r.name, field.Name, d)
			}
		}
	}
}

// TestDecodeNaN checks NaN floats, which DeepEqual cannot compare.
func TestDecodeNaN(t *testing.T) {
	schema := record(`"float"`, `"double"`)
	f := mustFormat(t, schema)
	row := decodeOne(t, f, all(f), encode(t, schema, map[string]any{"f0": float32(math.NaN()), "f1": math.NaN()}))
	if !math.IsNaN(float64(row[0].(float32))) || !math.IsNaN(row[1].(float64)) {
		t.Fatalf("got %v", row)
	}
}

// TestDecodeNested decodes records, arrays, maps and unions nested in
// each other.
func TestDecodeNested(t *testing.T) {
	schema := `{"type":"record","name":"Order","fields":[
		{"name":"id","type":"long"},
		{"name":"customer","type":{"type":"record","name":"Customer","fields":[
			{"name":"name","type":"string"},
			{"name":"address","type":["null",{"type":"record","name":"Address","fields":[
				{"name":"city","type":"string"},{"name":"zip","type":["null","int"]}]}]}]}},
		{"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[
			{"name":"sku","type":"string"},
			{"name":"tags","type":{"type":"map","values":{"type":"array","items":"string"}}},
			{"name":"price","type":["null","double","string"]}]}}},
		{"name":"extra","type":{"type":"map","values":["null","Address"]}}
	]}`
	f := mustFormat(t, schema)
	native := map[string]any{
		"id": int64(42),
		"customer": map[string]any{"name": "Ada", "address": goavro.Union("Address",
			map[string]any{"city": "Paris", "zip": goavro.Union("int", int32(75001))})},
		"lines": []any{
			map[string]any{"sku": "A1", "tags": map[string]any{"t": []any{"x", "y"}}, "price": goavro.Union("double", 9.5)},
			map[string]any{"sku": "B2", "tags": map[string]any{}, "price": goavro.Union("string", "free")},
			map[string]any{"sku": "C3", "tags": map[string]any{"u": []any{}}, "price": nil},
		},
		"extra": map[string]any{"home": nil, "work": goavro.Union("Address", map[string]any{"city": "Oslo", "zip": nil})},
	}
	want := []any{
		int64(42),
		map[string]any{"name": "Ada", "address": map[string]any{"city": "Paris", "zip": int32(75001)}},
		[]any{
			map[string]any{"sku": "A1", "tags": []kv{{"t", []any{"x", "y"}}}, "price": map[string]any{"member0": 9.5, "member1": nil}},
			map[string]any{"sku": "B2", "tags": []kv{}, "price": map[string]any{"member0": nil, "member1": "free"}},
			map[string]any{"sku": "C3", "tags": []kv{{"u", []any{}}}, "price": nil},
		},
		[]kv{{"home", nil}, {"work", map[string]any{"city": "Oslo", "zip": nil}}},
	}
	got := decodeOne(t, f, all(f), encode(t, schema, native))
	if d := diff(sortMaps(got), want); d != "" {
		t.Fatal(d)
	}
}
