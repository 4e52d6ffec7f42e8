package decode

import "encoding/binary"

// maxKeyPositions is how many leading positions of an object the key
// cache remembers; objects with more members always take walk, the slow
// path (at about the cost of the decoder before walkLayout).
const maxKeyPositions = 64

// keyEntry is the member name last seen at one position of an object, as
// its JSON text: the same bytes are the same name, so a match needs no
// string scan, no unescaping and no map lookup.
type keyEntry struct {
	text  string // the name with its quotes (escapes as written), and ':' when colon
	colon bool   // the ':' followed the name at once and ends text
	wide  bool   // colon, and 8 <= len(text) <= 16: lo and hi are the text
	lo    uint64 // text's first eight bytes, little-endian (for shorter text, masked by mask)
	hi    uint64 // for 8 <= len(text) <= 16, its last eight bytes
	mask  uint64
	field int // the slot of the field, -1 when it is not read
}

// match reports whether the member at b[i] == '"' starts with e.text.
func (e *keyEntry) match(b []byte, i int) bool {
	n := len(e.text)
	if n > len(b)-i {
		return false
	}
	switch {
	case n >= 8 && n <= 16: // two loads, overlapping for n < 16
		return binary.LittleEndian.Uint64(b[i:]) == e.lo && binary.LittleEndian.Uint64(b[i+n-8:]) == e.hi
	case n < 8 && len(b)-i >= 8:
		return binary.LittleEndian.Uint64(b[i:])&e.mask == e.lo
	}
	return string(b[i:i+n]) == e.text
}

// set makes e the name text (see keyEntry) of field.
func (e *keyEntry) set(text []byte, colon bool, field int) {
	*e = keyEntry{text: string(text), colon: colon, field: field}
	n := len(text)
	for k := range min(n, 8) {
		e.lo |= uint64(text[k]) << (8 * k)
		e.mask |= 0xff << (8 * k)
	}
	if n >= 8 && n <= 16 {
		e.hi = binary.LittleEndian.Uint64(text[n-8:])
		e.wide = colon
	}
}

// learnKey scans the name of the member at b[i] == '"' and the ':' after
// it, remembers the name for position k, and returns the field's slot
// (-1 when it is not read) and the index after the ':'.
func (d *jsonDecoder) learnKey(b []byte, i, k int) (field, next int, err error) {
	end, fl, err := scanString(b, i)
	if err != nil {
		return 0, 0, err
	}
	key := b[i+1 : end-1]
	if fl&strEsc != 0 {
		d.keyBuf = unescape(d.keyBuf[:0], key)
		key = d.keyBuf
	}
	field, ok := d.index[string(key)]
	if !ok {
		field = -1
	}
	colon := end < len(b) && b[end] == ':'
	textEnd := end
	if colon {
		textEnd++
		next = textEnd
	} else {
		j := skipSpace(b, end)
		if j >= len(b) || b[j] != ':' {
			return 0, 0, syntaxErr(b, j, "':'")
		}
		next = j + 1
	}
	if k < maxKeyPositions { // remember the layout of ordinary objects
		if k >= len(d.keys) {
			d.keys = append(d.keys[:k], keyEntry{field: -1})
		}
		if e := &d.keys[k]; e.text != string(b[i:textEnd]) {
			e.set(b[i:textEnd], colon, field)
		}
	}
	return field, next, nil
}
