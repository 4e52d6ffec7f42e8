package decode

import (
	"encoding/binary"
	"math/bits"

	"github.com/kq-sql/kq/internal/plan"
)

// jsonDecoder is the Decoder of valueFormat='json': the fields are
// top-level members of an object, found by one scan of the text (walk)
// and converted to their columns' types. It is used by one goroutine.
//
// What is a decode error: the value must be one JSON object, and
//
//   - the object's own syntax is checked in full: '{', each member's name
//     (a string), ':', its value, ',' between members, '}', and nothing
//     but white space around it;
//   - every string looked at — names, values, strings inside skipped
//     objects and arrays — must be closed and its escapes valid (control
//     characters are tolerated; bytes that are not UTF-8 are an error
//     only in a field read as VARCHAR or JSON);
//   - the value of a field the query reads is checked in full, as RFC
//     8259 says, and must convert to the field's type;
//   - the value of a member the query does not read (another field, or a
//     repeated name after its first value, which is the one kept) is
//     checked structurally only (json_skip.go): an object or array must
//     close with matching brackets, a number or literal must be a run of
//     ASCII letters, digits, '+', '-' and '.'.
//
// So {"a":1,"b":tru} and {"a":1,"b":[1,,2]} decode for a query that reads
// only a, and are decode errors for one that reads b; {"a":1,"b":"\x"}
// and {"a":1,"b":[}} are errors whatever the query reads. Objects of the
// layout last seen take walkLayout, a fast path that decides the same
// (TestJSONLayout; FuzzDecodeJSON decodes every input twice).
type jsonDecoder struct {
	index  map[string]int // field name -> slot
	slots  []jsonSlot
	keyBuf []byte

	// Objects of one topic tend to list their members in the same order:
	// keys[k] is the name walk last saw at position k of an object, which
	// walkLayout matches the next objects against.
	keys []keyEntry
}

func newJSONDecoder(fields []plan.Field) *jsonDecoder {
	d := &jsonDecoder{index: make(map[string]int, len(fields)), slots: make([]jsonSlot, len(fields))}
	for i, f := range fields {
		d.index[f.Name] = i
	}
	return d
}

// Decode implements Decoder.
func (d *jsonDecoder) Decode(data []byte, cols []fieldCol) error {
	d.clearSlots()
	if !d.walkLayout(data) {
		d.clearSlots()
		if err := d.walk(data); err != nil {
			return err
		}
	}
	// Convert and append field by field; a field that does not convert
	// takes back what the fields before it appended: no half-decoded
	// rows.
	var v value
	for i := range cols {
		c := &cols[i]
		if c.appendJSON(&d.slots[i]) {
			continue
		}
		if err := c.convert(&d.slots[i], &v); err != nil {
			for j := range i {
				cols[j].dropLast()
			}
			return err
		}
		c.append(&v)
	}
	return nil
}

func (d *jsonDecoder) clearSlots() {
	for i := range d.slots {
		d.slots[i].kind = jsonMissing // raw is stale until set
	}
}

// walkLayout is walk for the common case, an object of the layout walk
// learned last: each member's name and ':' as in d.keys, no white space,
// unread values strings without escapes or scalars. It returns false,
// having decided nothing, for any other object (then walk decides,
// relearning the layout, and finds the error if there is one); when it
// returns true, walk would have found the same.
func (d *jsonDecoder) walkLayout(b []byte) bool {
	keys := d.keys
	if len(keys) == 0 || len(b) < 2 || b[0] != '{' {
		return false
	}
	i := 1
	for k := range keys {
		e := &keys[k]
		// The name and ':', as keyEntry.match, its common case inline.
		if n := len(e.text); e.wide && n <= len(b)-i {
			if binary.LittleEndian.Uint64(b[i:]) != e.lo || binary.LittleEndian.Uint64(b[i+n-8:]) != e.hi {
				return false
			}
		} else if !e.colon || !e.match(b, i) {
			return false
		}
		i += len(e.text)
		if f := e.field; f >= 0 && d.slots[f].kind == jsonMissing {
			kind, end, fl, err := scanValue(b, i)
			if err != nil {
				return false
			}
			d.slots[f] = jsonSlot{kind: kind, esc: fl&strEsc != 0, high: fl&strHigh != 0, raw: b[i:end]}
			i = end
		} else if i < len(b) && b[i] == '"' {
			// A string without escapes: stringStop, its first eight
			// bytes inline (most unread strings end in them).
			j := i + 1
			if j+8 <= len(b) {
				x := binary.LittleEndian.Uint64(b[j:])
				q, s := x^lanesQ, x^lanesBS
				if m := ((q-lanes1)&^q | (s-lanes1)&^s) & lanesHigh; m != 0 {
					j += bits.TrailingZeros64(m) >> 3
				} else {
					j = stringStop(b, j+8)
				}
			} else {
				j = stringStop(b, j)
			}
			if j >= len(b) || b[j] != '"' {
				return false
			}
			i = j + 1
		} else {
			j := skipDigits8(b, i)
			for j < len(b) && scalarByte[b[j]] {
				j++
			}
			if j == i {
				return false
			}
			i = j
		}
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case ',':
			i++
		case '}':
			return i+1 == len(b)
		default:
			return false
		}
	}
	return false // more members than the layout has
}

// walk fills d.slots from the object in b, checking it by the rule of
// jsonDecoder, and learns its layout (d.keys) for walkLayout. An error
// names the byte offset.
func (d *jsonDecoder) walk(b []byte) error {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return errJSONObject
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		d.keys = d.keys[:0]
		return atEnd(b, i+1)
	}
	for k := 0; ; k++ {
		if i >= len(b) || b[i] != '"' {
			return syntaxErr(b, i, "a field name")
		}
		field, next, err := d.learnKey(b, i, k)
		if err != nil {
			return err
		}
		i = skipSpace(b, next)
		if field >= 0 && d.slots[field].kind == jsonMissing {
			kind, end, fl, err := scanValue(b, i)
			if err != nil {
				return err
			}
			d.slots[field] = jsonSlot{kind: kind, esc: fl&strEsc != 0, high: fl&strHigh != 0, raw: b[i:end]}
			i = end
		} else if i, err = skipValue(b, i); err != nil {
			return err
		}
		var done bool
		if i, done, err = nextMember(b, i); done || err != nil {
			if done && k+1 < len(d.keys) {
				d.keys = d.keys[:k+1]
			}
			return err
		}
	}
}

// nextMember checks what follows a member's value ending at b[i]: ','
// and the next member's name (returned: its index), or '}' and nothing
// but white space after it (done).
func nextMember(b []byte, i int) (next int, done bool, err error) {
	if i < len(b) && b[i] == ',' { // the common case: no space
		i++
	} else {
		i = skipSpace(b, i)
		if i < len(b) && b[i] == '}' {
			return 0, true, atEnd(b, i+1)
		}
		if i >= len(b) || b[i] != ',' {
			return 0, false, syntaxErr(b, i, "',' or '}'")
		}
		i++
	}
	if i < len(b) && b[i] != '"' {
		i = skipSpace(b, i)
	}
	return i, false, nil
}
