package decode

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/kq-sql/kq/internal/plan"
)

// refProjection is the rule of jsonDecoder written out plainly, with
// encoding/json judging every string and every value read: it returns
// the first value of each member read (per read), the names of the
// members in order, and whether the object decodes. Control characters
// inside strings are escaped before encoding/json sees them (the decoder
// tolerates them).
func refProjection(data []byte, read func(string) bool) (vals map[string][]byte, names []string, ok bool) {
	p := 0
	ws := func() {
		for p < len(data) && strings.IndexByte(" \t\r\n", data[p]) >= 0 {
			p++
		}
	}
	valid := func(tok []byte) bool {
		esc, _ := escapeControls(tok)
		return json.Valid(esc)
	}
	str := func() ([]byte, bool) { // a string: closed, encoding/json takes it
		if p >= len(data) || data[p] != '"' {
			return nil, false
		}
		j := p + 1
		for j < len(data) && data[j] != '"' {
			if data[j] == '\\' {
				j++
			}
			j++
		}
		if j >= len(data) {
			return nil, false
		}
		tok := data[p : j+1]
		p = j + 1
		return tok, valid(tok)
	}
	skip := func() bool { // a value, structurally
		if p >= len(data) {
			return false
		}
		switch data[p] {
		case '"':
			_, ok := str()
			return ok
		case '{', '[':
			var stack []byte
			for p < len(data) {
				switch c := data[p]; c {
				case '"':
					if _, ok := str(); !ok {
						return false
					}
					continue
				case '{':
					stack = append(stack, '}')
				case '[':
					stack = append(stack, ']')
				case '}', ']':
					if stack[len(stack)-1] != c {
						return false
					}
					if stack = stack[:len(stack)-1]; len(stack) == 0 {
						p++
						return true
					}
				}
				p++
			}
			return false
		}
		j := p
		for j < len(data) && (data[j] >= '0' && data[j] <= '9' || data[j]|0x20 >= 'a' && data[j]|0x20 <= 'z' || strings.IndexByte("+-.", data[j]) >= 0) {
			j++
		}
		if j == p {
			return false
		}
		p = j
		return true
	}
	vals = map[string][]byte{}
	ws()
	if p >= len(data) || data[p] != '{' {
		return vals, names, false
	}
	p++
	ws()
	if p < len(data) && data[p] == '}' {
		p++
		ws()
		return vals, names, p == len(data)
	}
	for {
		tok, ok := str()
		if !ok {
			return vals, names, false
		}
		name := string(unescape(nil, tok[1:len(tok)-1]))
		names = append(names, name)
		ws()
		if p >= len(data) || data[p] != ':' {
			return vals, names, false
		}
		p++
		ws()
		start := p
		if !skip() {
			return vals, names, false
		}
		if _, seen := vals[name]; read(name) && !seen {
			if !valid(data[start:p]) {
				return vals, names, false
			}
			vals[name] = data[start:p]
		}
		ws()
		switch {
		case p < len(data) && data[p] == ',':
			p++
			ws()
		case p < len(data) && data[p] == '}':
			p++
			ws()
			return vals, names, p == len(data)
		default:
			return vals, names, false
		}
	}
}

// checkProjections decodes data through the scan's path (a partDecoder:
// jsonDecoder's walk, then its walkLayout once the layout is learned)
// reading several sets of fields — each member alone, all of them, one
// that is not there, every other one — and compares the outcome and the
// text of every field read with refProjection. Fields are read as JSON
// text, which must be UTF-8.
func checkProjections(t *testing.T, data []byte) {
	t.Helper()
	_, names, _ := refProjection(data, func(string) bool { return false })
	sets := [][]string{{"zz-missing"}, append([]string{"zz-missing"}, names...)}
	for i, n := range names {
		if i < 8 {
			sets = append(sets, []string{n})
		}
	}
	var odd []string
	for i, n := range names {
		if i%2 == 1 {
			odd = append(odd, n)
		}
	}
	if len(odd) > 0 {
		sets = append(sets, odd)
	}
	for _, set := range sets {
		checkProjection(t, data, set)
	}
}

func checkProjection(t *testing.T, data []byte, set []string) {
	t.Helper()
	reads := map[string]bool{}
	d := newPartDecoder(plan.ColValue, plan.FormatJSON, PartSpec{})
	for _, n := range set {
		if !reads[n] {
			reads[n] = true
			d.addField(plan.Field{Name: n, Type: plan.TypeJSON}, arrow.BinaryTypes.String)
		}
	}
	want, _, ok := refProjection(data, func(n string) bool { return reads[n] })
	wantErr := !ok
	for _, v := range want {
		wantErr = wantErr || !utf8.Valid(v)
	}
	// Another layout first, then data twice: learned by walk, then
	// (when it is of one) through walkLayout.
	for round, in := range [][]byte{[]byte(`{"b":1,"zz-missing":[2],"a":"x"}`), data, data} {
		err := d.append(in)
		if round == 0 {
			continue
		}
		if (err != nil) != wantErr {
			t.Fatalf("%q reading %q (round %d): err = %v, want error %v", data, set, round, err, wantErr)
		}
		if !ok {
			continue
		}
		jd := d.dec.(*jsonDecoder)
		for j, c := range d.cols {
			s := &jd.slots[j]
			raw, found := want[c.f.Name]
			switch {
			case !found && s.kind != jsonMissing:
				t.Fatalf("%q reading %q (round %d): field %q is %q, want it missing", data, set, round, c.f.Name, s.raw)
			case found && !bytes.Equal(s.raw, raw):
				t.Fatalf("%q reading %q (round %d): field %q is %q, want %q", data, set, round, c.f.Name, s.raw, raw)
			}
		}
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	for j := range d.cols {
		d.cols[j].finish(mem).Release()
	}
	mem.AssertSize(t, 0)
}

// TestJSONProjection pins the rule of jsonDecoder down: what is a decode
// error depends on the fields a query reads.
func TestJSONProjection(t *testing.T) {
	for _, tc := range []struct {
		in   string
		read string // comma-separated fields
		err  bool
	}{
		{in: `{"a":1,"b":tru}`, read: "a"},
		{in: `{"a":1,"b":tru}`, read: "b", err: true},
		{in: `{"a":1,"b":[1,,2]}`, read: "a"},
		{in: `{"a":1,"b":[1,,2]}`, read: "b", err: true},
		{in: `{"a":1,"b":{"c" 1}}`, read: "a"},
		{in: `{"a":1,"b":01}`, read: "a"},
		{in: `{"a":1,"b":01}`, read: "b", err: true},
		{in: `{"b":1x,"a":2}`, read: "a"},
		{in: `{"a":1,"a":tru}`, read: "a"}, // a repeated name's later values are not read
		{in: `{"a":tru,"a":1}`, read: "a", err: true},
		// Whatever is read: the object's syntax, strings, brackets.
		{in: `{"a":1,"b":"\x"}`, read: "a", err: true},
		{in: `{"a":1,"b":["\x"]}`, read: "a", err: true},
		{in: `{"a":1,"b":[}`, read: "a", err: true},
		{in: `{"a":1,"b":[1}`, read: "a", err: true},
		{in: `{"a":1,"b":{]}`, read: "a", err: true},
		{in: `{"a":1,"b":"x}`, read: "a", err: true},
		{in: `{"a":1,"b":}`, read: "a", err: true},
		{in: `{"a":1,"b":"x"y}`, read: "a", err: true},
		{in: `{"a":1 "b":2}`, read: "a", err: true},
		{in: `{"a":1,"b" 2}`, read: "a", err: true},
		{in: `{"a":1,b:2}`, read: "a", err: true},
		{in: `{"a":1,"b":2,}`, read: "a", err: true},
		{in: `{"a":1,"b":2`, read: "a", err: true},
		{in: `{"a":1,"b":2}x`, read: "a", err: true},
		{in: `{"a":1,"b":@}`, read: "a", err: true},
		{in: `[{"a":1}]`, read: "a", err: true},
		{in: ` {"a" : 1 , "b" : [ 1 , { } ] } `, read: "a"},
		{in: `{"b":{"c":[{"d":"]}"}]},"a":1}`, read: "a"},
	} {
		d := newJSONDecoder(nil)
		for i, n := range strings.Split(tc.read, ",") {
			d.index[n] = i
			d.slots = append(d.slots, jsonSlot{})
		}
		for round := range 2 { // learned, then the same layout again
			d.clearSlots()
			err := d.walk([]byte(tc.in))
			if round == 1 {
				d.clearSlots()
				if d.walkLayout([]byte(tc.in)) {
					err = nil
				} else {
					d.clearSlots()
					err = d.walk([]byte(tc.in))
				}
			}
			if (err != nil) != tc.err {
				t.Errorf("%s reading %s (round %d): err = %v, want error %v", tc.in, tc.read, round, err, tc.err)
			}
		}
		checkProjection(t, []byte(tc.in), strings.Split(tc.read, ","))
	}
}

// TestJSONLayout checks that objects of one layout take walkLayout and
// that others fall back to walk with the same result.
func TestJSONLayout(t *testing.T) {
	d := newJSONDecoder([]plan.Field{{Name: "amount"}, {Name: "status"}})
	order := `{"order_id":%d,"customer":"c-%04d","amount":%d.5,"status":"%s","country":"DE"}`
	for i, tc := range []struct {
		in   string
		fast bool
	}{
		{in: fmt.Sprintf(order, 1, 1, 1, "new")},
		{in: fmt.Sprintf(order, 123456, 42, 77, "shipped"), fast: true},
		{in: `{"order_id":1, "customer":"x","amount":1,"status":"s","country":"DE"}`},                   // white space
		{in: `{"order_id":1,"customer":"\u0041","amount":2,"status":"s","country":"DE"}`},               // an escape
		{in: `{"order_id":[1],"customer":"x","amount":3,"status":"s","country":"DE"}`},                  // a nested value
		{in: `{"customer":"x","order_id":1,"amount":4,"status":"s","country":"DE"}`},                    // another order
		{in: `{"customer":"x","order_id":1,"amount":5,"status":"s","country":"DE"}`, fast: true},        // learned
		{in: `{"customer":"x","order_id":1,"amount":6,"status":"s","country":"DE","extra":1}`},          // longer
		{in: `{"customer":"x","order_id":1,"amount":7,"status":"s"}`, fast: true},                       // shorter
		{in: `{"customer":"x","order_id":1,"amount":8,"status":"s","country":"DE"} `},                   // trailing space
		{in: `{"customer":"x","order_id":1,"amount":9,"status":"s","country":"DE"}x`},                   // an error
		{in: `{"customer":"x","order_id":1,"amount":1e,"status":"s","country":"DE"}`},                   // an error read
		{in: `{"customer":"x","order_id":1,"amount":10,"status":"s\u00e9","country":"DE"}`, fast: true}, // escapes read
	} {
		d.clearSlots()
		fast := d.walkLayout([]byte(tc.in))
		if fast != tc.fast {
			t.Errorf("%d: %s: walkLayout = %v, want %v", i, tc.in, fast, tc.fast)
		}
		got := fmt.Sprintf("%s %s", d.slots[0].raw, d.slots[1].raw)
		d.clearSlots()
		err := d.walk([]byte(tc.in))
		if want := fmt.Sprintf("%s %s", d.slots[0].raw, d.slots[1].raw); fast && (got != want || err != nil) {
			t.Errorf("%d: %s: walkLayout found %s, walk %s (%v)", i, tc.in, got, want, err)
		}
	}
}
