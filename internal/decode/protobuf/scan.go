package protobuf

import (
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
)

// scan reads the fields of a message body b[i:] or, when group is not 0,
// of a group body ending with group's end tag, and returns the index
// after it and where the body ends (before the end tag). With t non-nil
// it records in t the occurrences of the fields of mi that have a slot
// (slots is indexed like mi.fields, -1 for none).
//
// With validate, scan checks everything the append pass relies on, in
// nested messages too: bounds, varints, wire types of known fields,
// packed lengths and the UTF-8 of strings that must be UTF-8. Without,
// it checks only what finding the fields needs, for payloads validated
// before.
func scan(mi *msgInfo, b []byte, i int, group protowire.Number, t *table, slots []int32, validate bool, depth int) (next, end int, err error) {
	if depth > maxNesting {
		return 0, 0, payloadError(i, nil, "nesting deeper than %d", maxNesting)
	}
	for i < len(b) {
		at := i
		var tag uint64
		if c := b[i]; c < 0x80 { // varint's one-byte case, inlined by hand
			tag, i = uint64(c), i+1
		} else if tag, i = varintSlow(b, i); i < 0 {
			return 0, 0, varintError(at, i, nil)
		}
		num, wt := tagNumber(tag), protowire.Type(tag&7)
		if wt == protowire.EndGroupType {
			if group != 0 && num == group {
				return i, at, nil
			}
			return 0, 0, payloadError(at, nil, "unexpected end group %d", tag>>3)
		}
		if num < 1 {
			return 0, 0, payloadError(at, nil, "invalid field number %d", tag>>3)
		}
		f := mi.field(num)
		if f == nil {
			if wt == protowire.StartGroupType {
				i, err = skipGroup(b, i, num, depth+1)
			} else {
				_, _, i, err = value(b, i, wt, nil)
			}
			if err != nil {
				return 0, 0, err
			}
			continue
		}
		if wt != f.wt && !(f.packable && wt == protowire.BytesType) {
			return 0, 0, payloadError(at, f, "wire type %s, want %s", wireTypeName(wt), wireTypeName(f.wt))
		}
		o := occ{wt: wt}
		switch wt {
		case protowire.VarintType:
			n := i + 1
			if i >= len(b) || b[i] >= 0x80 {
				if _, n = varintSlow(b, i); n < 0 {
					return 0, 0, varintError(i, n, f)
				}
			}
			o.start, o.end, i = i, n, n
		case protowire.BytesType:
			var l uint64
			n := i + 1
			if i < len(b) && b[i] < 0x80 {
				l = uint64(b[i])
			} else if l, n = varintSlow(b, i); n < 0 {
				return 0, 0, varintError(i, n, f)
			}
			if l > uint64(len(b)-n) {
				return 0, 0, payloadError(i, f, "length %d runs %d bytes past the end", l, l-uint64(len(b)-n))
			}
			o.start, o.end, i = n, n+int(l), n+int(l)
			if validate {
				if f.utf8 {
					if !utf8.Valid(b[o.start:o.end]) {
						return 0, 0, payloadError(o.start, f, "invalid UTF-8")
					}
				} else if f.sub != nil || f.packable {
					if err := check(f, b[:o.end], o.start, depth); err != nil {
						return 0, 0, err
					}
				}
			}
		case protowire.StartGroupType:
			o.start = i
			if i, o.end, err = scan(f.sub, b, i, num, nil, nil, validate, depth+1); err != nil {
				return 0, 0, err
			}
		default: // fixed32, fixed64
			if o.start, o.end, i, err = value(b, i, wt, f); err != nil {
				return 0, 0, err
			}
		}
		if t != nil {
			if s := slots[f.index]; s >= 0 {
				t.record(s, f, o)
			} else if f.oneof >= 0 {
				t.unset(f.oneof) // a member without a column (of an empty type) is set
			}
		}
	}
	if group != 0 {
		return 0, 0, payloadError(i, nil, "group %d not ended", group)
	}
	return i, i, nil
}

// check validates the contents b[i:] of a length-delimited value of f, a
// message or packed numbers.
func check(f *fieldInfo, b []byte, i int, depth int) error {
	switch {
	case f.sub != nil:
		_, _, err := scan(f.sub, b, i, 0, nil, nil, true, depth+1)
		return err
	case f.packable && f.size > 0:
		if (len(b)-i)%f.size != 0 {
			return payloadError(i, f, "packed length %d is not a multiple of %d", len(b)-i, f.size)
		}
	case f.packable:
		for i < len(b) {
			_, n := varint(b, i)
			if n < 0 {
				return varintError(i, n, f)
			}
			i = n
		}
	}
	return nil
}
