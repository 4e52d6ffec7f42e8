package decode

import (
	"encoding/binary"

	"github.com/kq-sql/kq/internal/plan"
)

// maxKeyPositions is how many leading positions of an object the key
// cache remembers.
const maxKeyPositions = 64

// keyEntry is the key last seen at one position of an object.
type keyEntry struct {
	key   string
	lo    uint64 // the key's first (up to) eight bytes, little-endian
	mask  uint64 // which bytes of lo belong to the key
	field int    // the slot of the field, -1 when it is not decoded
	plain bool   // the key had no escapes: its JSON text is its bytes
}

// matchKey checks whether the object's key at b[i] == '"' is the one last
// seen at this position, straight from the JSON text, without scanning the
// string first. It returns the field's slot (nil when not decoded) and the
// index after the closing quote; ok is false when it cannot tell, and
// then lookupKey decides.
func (d *jsonDecoder) matchKey(b []byte, i int) (s *jsonSlot, end int, ok bool) {
	k := d.pos
	if k >= len(d.keys) {
		return nil, 0, false
	}
	e := &d.keys[k]
	if !e.plain {
		return nil, 0, false
	}
	j := i + 1
	q := j + len(e.key) // the closing quote, if it is the same key
	if q >= len(b) || b[q] != '"' {
		return nil, 0, false
	}
	// The text between the quotes equals a key without backslashes or
	// quotes: it is that key, unescaped.
	if j+8 <= len(b) {
		if binary.LittleEndian.Uint64(b[j:])&e.mask != e.lo || len(e.key) > 8 && string(b[j+8:q]) != e.key[8:] {
			return nil, 0, false
		}
	} else if string(b[j:q]) != e.key {
		return nil, 0, false
	}
	d.pos++
	if e.field < 0 {
		return nil, q + 1, true
	}
	return &d.slots[e.field], q + 1, true
}

// lookupKey returns the slot of the field named key (nil when it is not
// decoded) from the index, and remembers it for this position; plain
// says key is the JSON text itself, without escapes.
func (d *jsonDecoder) lookupKey(key []byte, plain bool) *jsonSlot {
	k := d.pos
	d.pos++
	i, ok := d.index[string(key)]
	if !ok {
		i = -1
	}
	if k < maxKeyPositions { // remember the layout of ordinary objects
		for len(d.keys) <= k {
			d.keys = append(d.keys, keyEntry{field: -1})
		}
		if e := &d.keys[k]; e.key != string(key) || e.plain != plain {
			*e = keyEntry{key: string(key), field: i, plain: plain}
			for n := range min(len(key), 8) {
				e.lo |= uint64(key[n]) << (8 * n)
				e.mask |= 0xff << (8 * n)
			}
		}
	}
	if i < 0 {
		return nil
	}
	return &d.slots[i]
}

// jsonDecoder is the Decoder of valueFormat='json': the fields are
// top-level members of an object, found by one scan of the text
// (walkObject) and converted to their columns' types.
type jsonDecoder struct {
	index  map[string]int // field name -> slot
	slots  []jsonSlot
	keyBuf []byte

	// Objects of one topic tend to list their fields in the same order:
	// keys[k] is the key last seen at position k of an object, checked
	// before the map; pos is the position in the object.
	keys []keyEntry
	pos  int
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
	for i := range d.slots {
		d.slots[i].kind = jsonMissing // raw is stale until set
	}
	d.pos = 0
	if err := walkObject(data, &d.keyBuf, d, nil); err != nil {
		return err
	}
	// Convert and append field by field; a field that does not convert
	// takes back what the fields before it appended: no half-decoded
	// rows.
	var v value
	for i := range cols {
		c := &cols[i]
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
