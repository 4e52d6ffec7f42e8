package protobuf

import "google.golang.org/protobuf/encoding/protowire"

// occ is one occurrence of a field in a payload: its value's bytes
// [start, end) (a varint's bytes, a fixed value, a length-delimited
// value's contents without the length, a group's contents without the
// end tag), as indexes into the whole payload.
type occ struct {
	start, end int
	next       int32 // the field's next occurrence, -1 for none
	wt         protowire.Type
}

// slotState is a field's occurrences in the message being read: the
// first and the last (a singular scalar keeps only its last). It is
// empty unless gen is the table's.
type slotState struct {
	gen         uint32
	first, last int32
}

// oneofState is the member of a oneof set last (a table slot).
type oneofState struct {
	gen  uint32
	slot int32
}

// table records where the fields of one message are in a payload, so
// that they can be appended in schema order whatever their order on the
// wire. It is reused from message to message: reset empties it in O(1).
type table struct {
	gen    uint32
	slots  []slotState
	oneofs []oneofState
	occs   []occ
}

func newTable(slots, oneofs int) table {
	return table{gen: 1, slots: make([]slotState, slots), oneofs: make([]oneofState, oneofs)}
}

// maxKeptOccs is the most occurrences a table keeps room for from one
// message to the next: a payload of many repeated values grows it by 32
// bytes a value, and a decoder should not hold on to that.
const maxKeptOccs = 1 << 14

func (t *table) reset() {
	t.gen++
	if t.gen == 0 { // wrapped: old generations could look current
		clear(t.slots)
		clear(t.oneofs)
		t.gen = 1
	}
	if cap(t.occs) > maxKeptOccs {
		t.occs = nil
	}
	t.occs = t.occs[:0]
}

// first returns the first occurrence recorded in slot, -1 when none.
func (t *table) first(slot int32) int32 {
	if s := &t.slots[slot]; s.gen == t.gen {
		return s.first
	}
	return -1
}

// member returns the slot of the member of oneof i set last, -1 when none.
func (t *table) member(i int32) int32 {
	if o := &t.oneofs[i]; o.gen == t.gen {
		return o.slot
	}
	return -1
}

// unset records that a member of oneof i without a slot is set, so that
// no member with one is.
func (t *table) unset(i int32) {
	t.oneofs[i] = oneofState{gen: t.gen, slot: -1}
}

// record records an occurrence of field f in slot: a singular scalar
// replaces the one before (the last one wins), other fields add to their
// list (repeated values, map entries, the parts of a message to merge).
// Setting a member of a oneof forgets what an earlier member set, and a
// member set again after another starts over.
func (t *table) record(slot int32, f *fieldInfo, o occ) {
	s := &t.slots[slot]
	if f.oneof >= 0 {
		if m := &t.oneofs[f.oneof]; m.gen != t.gen || m.slot != slot {
			*m = oneofState{gen: t.gen, slot: slot}
			s.gen = 0
		}
	}
	o.next = -1
	if s.gen == t.gen {
		if !f.linked {
			t.occs[s.last] = o
			return
		}
		t.occs = append(t.occs, o)
		i := int32(len(t.occs) - 1)
		t.occs[s.last].next = i
		s.last = i
		return
	}
	t.occs = append(t.occs, o)
	i := int32(len(t.occs) - 1)
	*s = slotState{gen: t.gen, first: i, last: i}
}
