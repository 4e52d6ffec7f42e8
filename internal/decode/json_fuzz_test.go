package decode

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/kq-sql/kq/internal/plan"
)

// jsonSeeds are tricky objects for FuzzDecodeJSON and TestDecodeJSONSeeds.
var jsonSeeds = []string{
	`{}`, ` { } `, `{"a":1}`, `{"a":1,"a":2}`, `{"a":"x","b":[1,{"c":"]"}],"d":null,"e":true,"f":false}`,
	`{"s":"\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"}`, `{"s":"\ud83d"}`, `{"s":"\ude00\ud83d"}`, `{"s":"\ud83d\u0041"}`,
	`{"s":"\u12"}`, `{"s":"\x"}`, `{"s":"\u00"}`, `{"a\u0062":1,"ab":2}`, `{"\"":1}`, `{"\\":2}`,
	"{\"s\":\"\xff\"}", "{\"s\":\"\xe2\x82\"}", "{\"s\":\"é\"}", "{\"\xff\":1}", "{\"s\":\"\x01\"}", "{\"s\":\"a\tb\"}",
	`{"n":1e400}`, `{"n":-1e400}`, `{"n":-0}`, `{"n":-0.0}`, `{"n":0.1}`, `{"n":123456789012345678}`,
	`{"n":1234567890123456789012}`, `{"n":9007199254740993}`, `{"n":9223372036854775807}`, `{"n":9223372036854775808}`,
	`{"n":-9223372036854775808}`, `{"n":-9223372036854775809}`, `{"n":1e22}`, `{"n":1e23}`, `{"n":5e-324}`, `{"n":1e-400}`,
	`{"n":2.2250738585072011e-308}`, `{"n":0.30000000000000004}`, `{"n":0.3}`, `{"n":-1.23e-5}`, `{"n":"0.3"}`, `{"n":1.7976931348623157e308}`, `{"n":1E+2}`, `{"n":1e-2}`,
	`{"n":01}`, `{"n":1.}`, `{"n":.5}`, `{"n":-}`, `{"n":+1}`, `{"n":1e}`, `{"n":0x10}`, `{"n":NaN}`, `{"n":Infinity}`,
	`{"n":"123"}`, `{"n":"1e3"}`, `{"n":"12.5"}`, `{"n":"NaN"}`, `{"n":"0x1p4"}`, `{"n":"\u0031"}`, `{"n":" 1"}`,
	`{"b":"true"}`, `{"b":"false"}`, `{"b":"tru\u0065"}`, `{"b":tru}`, `{"b":nul}`, `{"b":truex}`,
	`{"a":[1,,2]}`, `{"a":[1 2]}`, `{"a":[}`, `{"a":{"b"}}`, `{"a":{"b":1,}}`, `{"a":[1,]}`, `{"a":1,}`, `{,}`,
	`{"a" 1}`, `{"a": 1}`, `{"a" :1 , "b" : 2}`, `{"a":1} x`, `{"a":1}}`, `[1]`, `"a"`, `1`, ``, `{"a":[[[[[[[[[[]]]]]]]]]]}`, `{"a":[{"b":[{"c":{}}]}]}`,
	"{\"a\":1}\n", "\t{\"a\" :\r\n1 }", `{"order_id":1234567,"customer":"c-0042","amount":123.45,"status":"delivered"}`,
}

func FuzzDecodeJSON(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkJSONAgainstStdlib(t, data) })
}

// TestDecodeJSONSeeds runs the differential check of FuzzDecodeJSON over
// its seeds on every test run.
func TestDecodeJSONSeeds(t *testing.T) {
	for _, s := range jsonSeeds {
		checkJSONAgainstStdlib(t, []byte(s))
	}
}

// checkJSONAgainstStdlib checks the decoder against encoding/json: the
// scan's path for several projections (checkProjections), and the full
// check (jsonObject, schema inference's) for the same accept/reject
// decision for a top-level object, the same first
// value of each key, and the same field values for every type. The
// differences are deliberate: control characters inside strings are
// tolerated (so data is compared with them escaped), nesting is not
// limited (encoding/json stops at 10000 levels), keys are compared as
// bytes (encoding/json turns bytes that are not UTF-8 into U+FFFD, so such
// keys are not compared), and the VARCHAR and JSON fields reject what is
// not UTF-8 (encoding/json replaces it).
func checkJSONAgainstStdlib(t *testing.T, data []byte) {
	t.Helper()
	checkProjections(t, data)
	ours := map[string]*jsonSlot{}
	var order []string
	var keyBuf []byte
	err := jsonObject(data, &keyBuf, func(key []byte) *jsonSlot {
		s, ok := ours[string(key)]
		if !ok {
			s = &jsonSlot{}
			ours[string(key)] = s
			order = append(order, string(key))
		}
		return s
	})
	std := bytes.TrimLeft(data, " \t\r\n")
	stdOK := json.Valid(data) && len(std) > 0 && std[0] == '{'
	if err != nil {
		if stdOK {
			t.Fatalf("%q: rejected (%v), encoding/json accepts it", data, err)
		}
		return
	}
	esc, depth := escapeControls(data)
	if !json.Valid(esc) {
		if depth > 10000 {
			return
		}
		t.Fatalf("%q: accepted, encoding/json rejects it (escaped: %q)", data, esc)
	}
	if !bytes.Equal(esc, data) {
		// Compare the values of the escaped text, which the decoder must
		// take as well.
		checkJSONAgainstStdlib(t, esc)
		return
	}
	for _, k := range order {
		if !utf8.ValidString(k) {
			return // keys are bytes here, U+FFFD there
		}
	}

	// The first value of each key, per encoding/json.
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	want := map[string]json.RawMessage{}
	var wantOrder []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			t.Fatal(err)
		}
		k := tok.(string)
		if _, ok := want[k]; !ok {
			want[k] = bytes.TrimSpace(raw)
			wantOrder = append(wantOrder, k)
		}
	}
	if fmt.Sprint(order) != fmt.Sprint(wantOrder) {
		t.Fatalf("%q: keys %q, encoding/json %q", data, order, wantOrder)
	}
	for _, k := range order {
		s, raw := ours[k], want[k]
		if !bytes.Equal(s.raw, raw) {
			t.Fatalf("%q: field %q is %q, encoding/json %q", data, k, s.raw, raw)
		}
		if s.high != !isASCII(raw) {
			t.Fatalf("%q: field %q: high = %v", data, k, s.high)
		}
		for _, typ := range []plan.FieldType{plan.TypeBigint, plan.TypeInteger, plan.TypeDouble, plan.TypeVarchar, plan.TypeBoolean, plan.TypeJSON, plan.TypeTimestamp} {
			checkFieldValue(t, data, k, typ, s, raw)
		}
	}
}

// checkFieldValue converts one field to typ and compares the result with
// encoding/json's (and strconv's, for numbers in strings).
func checkFieldValue(t *testing.T, data []byte, k string, typ plan.FieldType, s *jsonSlot, raw []byte) {
	t.Helper()
	dt, _ := FieldArrowType(typ)
	c := newFieldCol(plan.Field{Name: k, Type: typ}, dt)
	var v value
	err := c.convert(s, &v)
	fail := func(what string, want any) {
		t.Helper()
		t.Fatalf("%q: field %q as %s: %s (err %v), want %v", data, k, typ, what, err, want)
	}
	// Decode's fast path appends what convert and append do, or nothing.
	if fast := newFieldCol(plan.Field{Name: k, Type: typ}, dt); fast.appendJSON(s) {
		if err != nil {
			fail("taken by appendJSON", "an error")
		}
		slow := newFieldCol(plan.Field{Name: k, Type: typ}, dt)
		slow.append(&v)
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		a, b := fast.finish(mem), slow.finish(mem)
		if !array.Equal(a, b) {
			fail(fmt.Sprintf("appendJSON gave %v", a), b)
		}
		a.Release()
		b.Release()
		mem.AssertSize(t, 0)
	}
	if raw[0] == 'n' {
		if err != nil || !v.null {
			fail("not NULL", "NULL")
		}
		return
	}
	str, isStr := "", raw[0] == '"'
	if isStr {
		if err := json.Unmarshal(raw, &str); err != nil {
			t.Fatal(err)
		}
	}
	plainStr := isStr && !bytes.ContainsRune(raw, '\\')
	content := ""
	if plainStr {
		content = string(raw[1 : len(raw)-1])
	}
	switch typ {
	case plan.TypeBigint, plan.TypeInteger:
		var w int64
		var werr error
		switch {
		case raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9':
			w, werr = refInt(string(raw))
		case plainStr:
			w, werr = refInt(content)
		default:
			werr = errWrongKind
		}
		if werr == nil && typ == plan.TypeInteger && (w < math.MinInt32 || w > math.MaxInt32) {
			werr = errWrongKind
		}
		if (err != nil) != (werr != nil) || err == nil && v.i != w {
			fail(fmt.Sprint(v.i), fmt.Sprint(w, " ", werr))
		}
	case plan.TypeDouble:
		var w float64
		var werr error
		switch {
		case raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9':
			werr = json.Unmarshal(raw, &w)
		case plainStr:
			w, werr = strconv.ParseFloat(content, 64)
		default:
			werr = errWrongKind
		}
		if (err != nil) != (werr != nil) || err == nil && math.Float64bits(v.f) != math.Float64bits(w) {
			fail(fmt.Sprint(v.f), fmt.Sprint(w, " ", werr))
		}
	case plan.TypeBoolean:
		r := string(raw)
		ok := r == "true" || r == "false" || r == `"true"` || r == `"false"`
		if (err == nil) != ok || ok && v.b != strings.Contains(r, "true") {
			fail(fmt.Sprint(v.b), r)
		}
	case plan.TypeVarchar:
		w := string(raw)
		if isStr {
			w = str
		}
		valid := utf8.Valid(raw)
		if (err == nil) != valid || valid && string(v.s) != w {
			fail(fmt.Sprintf("%q", v.s), fmt.Sprintf("%q", w))
		}
	case plan.TypeJSON:
		valid := utf8.Valid(raw)
		if (err == nil) != valid || valid && !bytes.Equal(v.s, raw) {
			fail(fmt.Sprintf("%q", v.s), fmt.Sprintf("%q", raw))
		}
	case plan.TypeTimestamp:
		if err == nil && !isStr && raw[0] != '-' && (raw[0] < '0' || raw[0] > '9') {
			fail(fmt.Sprint(v.i), "an error")
		}
	}
}

var intText = regexp.MustCompile(`^-?[0-9]+$`)

// refInt is jsonInt's rule by strconv: digits are an exact BIGINT, other
// numbers one whose float64 value is integral and in range.
func refInt(s string) (int64, error) {
	if intText.MatchString(s) {
		return strconv.ParseInt(s, 10, 64)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, err
	}
	if f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 {
		return 0, errWrongKind
	}
	return int64(f), nil
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// escapeControls escapes the control characters inside the strings of
// data, which the decoder accepted, and returns the deepest nesting.
func escapeControls(data []byte) (out []byte, depth int) {
	in, d := false, 0
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case in && c == '\\':
			out = append(out, c, data[i+1])
			i++
			continue
		case in && c == '"':
			in = false
		case in && c < 0x20:
			out = fmt.Appendf(out, `\u%04x`, c)
			continue
		case in:
		case c == '"':
			in = true
		case c == '{' || c == '[':
			d++
			depth = max(depth, d)
		case c == '}' || c == ']':
			d--
		}
		out = append(out, c)
	}
	return out, depth
}
