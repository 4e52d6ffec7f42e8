package protobuf

import (
	"bytes"
	"cmp"
	"slices"
)

// mapKey is the key of one map entry, to find the entries a later one
// with the same key replaces (on the wire the last entry of a key wins).
type mapKey struct {
	o   int32  // the entry's occurrence
	u   uint64 // a number or bool key, as the column holds it
	s   []byte // a string key
	dup bool   // a later entry has the same key
}

// smallMap is the entry count up to which duplicate keys are found by
// comparing every pair rather than by sorting.
const smallMap = 16

// appendMap appends a map from the entries at first and after in t: the
// last entry of each key, in the order of those entries.
func (d *decoder) appendMap(t *table, c *col, first int32, data []byte) {
	c.mb.Append(true)
	if first < 0 {
		return
	}
	if t.occs[first].next < 0 {
		d.appendEntry(c, data, t.occs[first])
		return
	}
	e := c.entry
	keys := c.keys[:0]
	for o := first; o >= 0; o = t.occs[o].next {
		oc := t.occs[o]
		e.tab.reset()
		_, _, _ = scan(e.info, data[:oc.end], oc.start, 0, &e.tab, e.slots, false, 0)
		k := mapKey{o: o}
		if ko := e.tab.first(0); ko >= 0 {
			k.u, k.s = keyOf(c.key.spec.kind, data, e.tab.occs[ko])
		}
		keys = append(keys, k)
	}
	c.keys = keys
	markDuplicates(keys)
	for _, k := range keys {
		if !k.dup {
			d.appendEntry(c, data, t.occs[k.o])
		}
	}
}

// appendEntry appends the key and value of the map entry oc.
func (d *decoder) appendEntry(c *col, data []byte, oc occ) {
	e := c.entry
	e.tab.reset()
	_, _, _ = scan(e.info, data[:oc.end], oc.start, 0, &e.tab, e.slots, false, 0)
	if ko := e.tab.first(0); ko >= 0 {
		k := e.tab.occs[ko]
		d.appendScalar(c.key, c.key.spec.kind, data, k.start, k.end)
	} else {
		d.appendZero(c.key, c.key.spec.kind)
	}
	vo := e.tab.first(1)
	switch {
	case c.val.spec.kind.message():
		d.appendMessage(c.val, data, &e.tab, vo, false) // the empty message when missing
	case vo >= 0:
		v := e.tab.occs[vo]
		d.appendScalar(c.val, c.val.spec.kind, data, v.start, v.end)
	default:
		d.appendZero(c.val, c.val.spec.kind)
	}
}

// keyOf returns a map key as it compares in its column: numbers as the
// column's value (so two encodings of one int32 are one key), strings
// as their bytes.
func keyOf(k kind, data []byte, oc occ) (uint64, []byte) {
	switch k {
	case kString:
		return 0, data[oc.start:oc.end]
	case kFixed32, kSfixed32:
		return uint64(fixed32(data, oc.start)), nil
	case kFixed64, kSfixed64:
		return fixed64(data, oc.start), nil
	}
	x, _ := varint(data, oc.start)
	switch k {
	case kInt32, kUint32, kSint32: // sint32's zigzag of the low 32 bits is one-to-one
		return uint64(uint32(x)), nil
	case kBool:
		if x != 0 {
			return 1, nil
		}
		return 0, nil
	}
	return x, nil // int64, uint64, sint64 (zigzag is one-to-one)
}

// markDuplicates sets dup on every key that a later one equals.
func markDuplicates(keys []mapKey) {
	eq := func(a, b *mapKey) bool { return a.u == b.u && bytes.Equal(a.s, b.s) }
	if len(keys) <= smallMap {
		for i := range keys {
			for j := i + 1; j < len(keys); j++ {
				if eq(&keys[i], &keys[j]) {
					keys[i].dup = true
					break
				}
			}
		}
		return
	}
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(i, j int) int {
		a, b := &keys[i], &keys[j]
		if c := cmp.Compare(a.u, b.u); c != 0 {
			return c
		}
		if c := bytes.Compare(a.s, b.s); c != 0 {
			return c
		}
		return cmp.Compare(i, j)
	})
	for k := 0; k+1 < len(order); k++ {
		if eq(&keys[order[k]], &keys[order[k+1]]) {
			keys[order[k]].dup = true
		}
	}
}
