package avro

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/linkedin/goavro/v2"
)

// TestDecodeRecursive decodes linked lists of every length up to past
// the cut: nodes at level MaxDepth are JSON text, a null there is NULL.
func TestDecodeRecursive(t *testing.T) {
	f := mustFormat(t, linkedList)
	var list func(vals []int64) map[string]any // goavro's native list
	list = func(vals []int64) map[string]any {
		n := map[string]any{"value": vals[0], "next": nil}
		if len(vals) > 1 {
			n["next"] = goavro.Union("Node", list(vals[1:]))
		}
		return n
	}
	var text func(vals []int64) string // the JSON text of a list
	text = func(vals []int64) string {
		if len(vals) == 0 {
			return "null"
		}
		return fmt.Sprintf(`{"value":%d,"next":%s}`, vals[0], text(vals[1:]))
	}
	var next func(vals []int64, level int) any // the decoded next at level
	next = func(vals []int64, level int) any {
		switch {
		case len(vals) == 0:
			return nil
		case level == MaxDepth:
			return text(vals)
		}
		return map[string]any{"value": vals[0], "next": next(vals[1:], level+1)}
	}
	for n := 1; n <= 2*MaxDepth; n++ {
		vals := make([]int64, n)
		for i := range vals {
			vals[i] = int64(i + 1)
		}
		got := decodeOne(t, f, all(f), encode(t, linkedList, list(vals)))
		if d := diff(got, []any{int64(1), next(vals[1:], 1)}); d != "" {
			t.Errorf("%d nodes:\n%s", n, d)
		}
	}
}

// TestDecodeRecursiveUnion cuts a recursive type inside a union STRUCT:
// the member at level MaxDepth is JSON text, its siblings are not.
func TestDecodeRecursiveUnion(t *testing.T) {
	const schema = `{"type":"record","name":"T","fields":[{"name":"u","type":["null","int","T"]}]}`
	f := mustFormat(t, schema)
	// A chain of depth T records around an int.
	chain := func(depth int) any {
		v := goavro.Union("int", int32(depth))
		for range depth {
			v = goavro.Union("T", map[string]any{"u": v})
		}
		return v
	}
	member := func(v any) map[string]any {
		if i, ok := v.(int32); ok {
			return map[string]any{"member0": i, "member1": nil}
		}
		return map[string]any{"member0": nil, "member1": v}
	}
	// u at levels 1, 3, 5, 7 is a STRUCT; its T member at level 8 is JSON.
	for depth, want := range []any{
		member(int32(0)),
		member(map[string]any{"u": member(int32(1))}),
		member(map[string]any{"u": member(map[string]any{"u": member(int32(2))})}),
		member(map[string]any{"u": member(map[string]any{"u": member(map[string]any{"u": member(int32(3))})})}),
		member(map[string]any{"u": member(map[string]any{"u": member(map[string]any{"u": member(`{"u":4}`)})})}),
		member(map[string]any{"u": member(map[string]any{"u": member(map[string]any{"u": member(`{"u":{"u":5}}`)})})}),
	} {
		got := decodeOne(t, f, all(f), encode(t, schema, map[string]any{"u": chain(depth)}))
		if d := diff(got, []any{want}); d != "" {
			t.Errorf("depth %d:\n%s", depth, d)
		}
	}
}

// cutSchema nests record j, of type body, at level MaxDepth (each lk at
// level k): it decodes to JSON text.
func cutSchema(body string) string {
	s := `{"name":"j","type":` + body + `}`
	for k := MaxDepth - 1; k >= 1; k-- {
		s = fmt.Sprintf(`{"name":"l%d","type":{"type":"record","name":"L%d","fields":[%s]}}`, k, k, s)
	}
	return `{"type":"record","name":"Top","fields":[` + s + `]}`
}

// cutNative wraps the native value of j in the records of cutSchema.
func cutNative(j any) map[string]any {
	v := map[string]any{"j": j}
	for k := MaxDepth - 1; k >= 1; k-- {
		v = map[string]any{fmt.Sprintf("l%d", k): v}
	}
	return v
}

// cutValue returns the JSON text that a decoded cutSchema holds.
func cutValue(t *testing.T, row []any) string {
	v := row[0]
	for k := 2; k < MaxDepth; k++ {
		v = v.(map[string]any)[fmt.Sprintf("l%d", k)]
	}
	s, ok := v.(map[string]any)["j"].(string)
	if !ok {
		t.Fatalf("j is %#v, not JSON text", v)
	}
	if !json.Valid([]byte(s)) {
		t.Fatalf("not JSON: %s", s)
	}
	return s
}

// TestJSONText pins the JSON text of every type below a cut.
func TestJSONText(t *testing.T) {
	schema := cutSchema(allTypes)
	f := mustFormat(t, schema)
	native := allRows()[0].native
	native["m"] = map[string]any{"a": "x"} // one key: goavro writes a Go map in no fixed order
	got := cutValue(t, decodeOne(t, f, all(f), encode(t, schema, cutNative(native))))
	want := `{"b":true,"i":-5,"l":1099511627776,"f":1.5,"d":-2.25,"s":"héllo \"x\"\n","by":"AAH/","fx":"AQIDBA==",` +
		`"e":"GREEN","u":"7f1d5c4e-9a3b-4c2d-8e1f-0a1b2c3d4e5f","dt":"2024-01-01","tm":"01:02:03.004","tu":"01:02:03.004005",` +
		`"tsm":"2023-11-14T22:13:20.123Z","tsu":"2023-11-14T22:13:20.123456Z","ltm":"1969-12-31T23:59:59.000","ltu":"1970-01-01T00:00:00.000001",` +
		`"decb":-123.45,"decf":-123.4567,"arr":[1,-2,3],"m":{"a":"x"},"rec":{"x":1,"y":"w"},"n1":"s1","n2":"s2","u3":{"x":2,"y":null},"nul":null}`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// TestJSONTextScalars pins the JSON text of special scalar values.
func TestJSONTextScalars(t *testing.T) {
	for _, c := range []struct {
		typ    string
		native any
		want   string
	}{
		{`"float"`, float32(0.1), `0.1`},
		{`"double"`, 0.1, `0.1`},
		{`"double"`, 1e21, `1e+21`},
		{`"double"`, math.Copysign(0, -1), `-0`},
		{`"float"`, float32(posInf()), `"Infinity"`},
		{`"double"`, -posInf(), `"-Infinity"`},
		{`"string"`, "\x00\x1f\t\\/<>", `"\u0000\u001f\t\\/<>"`},
		{`{"type":"int","logicalType":"time-millis"}`, int32(-1), `-1`},
		{`{"type":"int","logicalType":"time-millis"}`, int32(86400000), `86400000`},
		{`{"type":"int","logicalType":"time-millis"}`, int32(86399999), `"23:59:59.999"`},
		{`{"type":"int","logicalType":"date"}`, int32(-719162), `"0001-01-01"`},
		{`{"type":"bytes","logicalType":"decimal","precision":4,"scale":4}`, []byte{0xff}, `-0.0001`},
		{`{"type":"bytes","logicalType":"decimal","precision":60,"scale":0}`, append([]byte{0x7f}, repeat(0xff, 24)...), `803469022129495137770981046170581301261101496891396417650687`}, // 2^199-1: wider than Decimal128, exact in JSON,
		{`{"type":"bytes","logicalType":"decimal","precision":5,"scale":5}`, []byte{0x01}, `0.00001`},
		{`{"type":"bytes","logicalType":"decimal","precision":3,"scale":5}`, []byte{0x01}, `"AQ=="`}, // scale > precision: not a decimal
	} {
		body := `{"type":"record","name":"J","fields":[{"name":"v","type":` + c.typ + `}]}`
		schema := cutSchema(body)
		f := mustFormat(t, schema)
		// goavro wants a *big.Rat for a decimal: write its bytes with a plain bytes schema.
		wschema := strings.ReplaceAll(schema, `,"logicalType":"decimal"`, ``)
		dec, err := f.DecoderFor(mustParse(t, wschema), all(f))
		if err != nil {
			t.Fatal(err)
		}
		rows, errs := run(t, f, dec, all(f), encode(t, wschema, cutNative(map[string]any{"v": c.native})))
		if errs[0] != nil {
			t.Fatalf("%s: %v", c.typ, errs[0])
		}
		if got := cutValue(t, rows[0]); got != `{"v":`+c.want+`}` {
			t.Errorf("%s %v: got %s, want {\"v\":%s}", c.typ, c.native, got, c.want)
		}
	}
}

func posInf() float64 { return math.Inf(1) }

// TestRecursiveResolution resolves recursive types below the cut where
// one of them does not resolve: J (its x changed type) does not, K holds
// a J in a union and was resolved while J was still being resolved. K
// still decodes, but a J in it is an error, not whatever J's unfinished
// decoder would read.
func TestRecursiveResolution(t *testing.T) {
	pair := func(x string) string {
		return cutSchema(`{"type":"record","name":"Pair","fields":[
			{"name":"j","type":["null",{"type":"record","name":"J","fields":[
				{"name":"u","type":["null",{"type":"record","name":"K","fields":[{"name":"j","type":["null","J"]}]}]},
				{"name":"x","type":"` + x + `"}]}]},
			{"name":"k","type":"K"}]}`)
	}
	writer, reader := pair("string"), pair("long")
	f := mustFormat(t, reader)
	dec, err := f.DecoderFor(mustParse(t, writer), all(f))
	if err != nil {
		t.Fatal(err)
	}
	j := goavro.Union("J", map[string]any{"u": nil, "x": "s"})
	rows, errs := run(t, f, dec, all(f),
		encode(t, writer, cutNative(map[string]any{"j": nil, "k": map[string]any{"j": nil}})),
		encode(t, writer, cutNative(map[string]any{"j": nil, "k": map[string]any{"j": j}})),
		encode(t, writer, cutNative(map[string]any{"j": j, "k": map[string]any{"j": nil}})))
	if errs[0] != nil || cutValue(t, rows[0]) != `{"j":null,"k":{"j":null}}` {
		t.Errorf("got %v, %v", rows[0], errs[0])
	}
	for _, err := range errs[1:] {
		if err == nil || !strings.Contains(err.Error(), "does not resolve") {
			t.Errorf("got %v, want a J that does not resolve", err)
		}
	}
}
