package protobuf

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// richMessage sets a field of every kind, nested ones too.
func richMessage(t testing.TB, md protoreflect.MessageDescriptor) protoreflect.Message {
	inner := sub(md, "inner")
	node := sub(md, "tree")
	return msg(md,
		"i32", int32(-5), "i64", int64(1<<40), "u32", uint32(7), "u64", uint64(math.MaxUint64),
		"s32", int32(-3), "s64", int64(-300), "f32", uint32(1), "f64", uint64(2), "sf32", int32(-1), "sf64", int64(-2),
		"fl", float32(0.5), "db", 0.25, "b", true, "s", "sß", "by", []byte{9}, "color", protoreflect.EnumNumber(2),
		"opt", int32(1), "ri32", []any{int32(1), int32(300)}, "rdb", []any{1.0}, "rs", []any{"a", "b"},
		"rinner", []any{msg(inner, "a", int32(1), "c", []any{int64(1), int64(2)})},
		"m_si", map[any]any{"k": int64(1)}, "m_im", map[any]any{int32(1): msg(inner, "b", "v")},
		"inner", msg(inner, "b", "in", "c", []any{int64(5)}),
		"c_str", "one",
		"ts", msg(sub(md, "ts"), "seconds", int64(5), "nanos", int32(6)),
		"w_s", msg(sub(md, "w_s"), "value", "w"),
		"tree", msg(node, "v", int32(1), "next", msg(node, "v", int32(2))),
		"unpacked", []any{int32(4), int32(5)})
}

// TestDecodeTruncated cuts a valid payload at every offset: a cut inside
// a field or a nested message is an error that appends nothing; a cut
// between top-level fields is a shorter valid message. Either way the
// decoder agrees with proto.Unmarshal.
func TestDecodeTruncated(t *testing.T) {
	md := allMessage(t)
	f := newFormat(t, md)
	data := marshal(t, richMessage(t, md).Interface())
	mem := checkedAllocator(t)
	cuts := make([][]byte, len(data))
	for k := range cuts {
		cuts[k] = data[:k]
	}
	rows, decErrs := decodeRows(t, mem, f, nil, cuts...)
	errs := 0
	for k, cut := range cuts {
		m := newMessage(md)
		goErr := proto.Unmarshal(cut, m)
		if (decErrs[k] != nil) != (goErr != nil) {
			t.Fatalf("cut at %d: error %v, proto.Unmarshal's %v", k, decErrs[k], goErr)
		}
		if decErrs[k] != nil {
			errs++
			var pe *PayloadError
			if !errors.As(decErrs[k], &pe) {
				t.Fatalf("cut at %d: %T %v", k, decErrs[k], decErrs[k])
			}
			continue
		}
		checkRow(t, m, nil, rows[0])
		rows = rows[1:]
	}
	if errs < len(data)/2 {
		t.Fatalf("only %d of %d cuts failed", errs, len(data))
	}
}

// TestDecodeMalformed checks payloads that are not valid: each is an
// error naming what is wrong, and appends nothing to any builder, also
// when the bad part is in a column not decoded.
func TestDecodeMalformed(t *testing.T) {
	md := allMessage(t)
	f := newFormat(t, md)
	// valid is clipped so that appending to it copies.
	valid := slices.Clip(wire{}.varint(nI32, 1).bytes(nS, []byte("ok")))
	// deep returns n nested unknown groups.
	deep := func(n int) wire {
		var w wire
		for i := 0; i < n; i++ {
			w = protowire.AppendTag(w, nUnknown, protowire.StartGroupType)
		}
		for i := 0; i < n; i++ {
			w = protowire.AppendTag(w, nUnknown, protowire.EndGroupType)
		}
		return w
	}
	// deepMessages returns n nested t.Chain next fields.
	deepMessages := func(n int) wire {
		w := wire{}.varint(1, 1)
		for i := 0; i < n; i++ {
			w = wire{}.bytes(2, w)
		}
		return wire{}.bytes(50, w)
	}
	cases := []struct {
		name   string
		data   wire
		reason string
	}{
		{"varint of 11 bytes", append(wire{}, 0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01), "varint overflows"},
		{"varint of 10 bytes overflowing", append(wire{}, 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02), "varint overflows"},
		{"truncated varint", append(valid, 0x08, 0x80), "truncated varint"},
		{"truncated tag", append(valid, 0x80), "truncated varint"},
		{"truncated fixed64", append(wire{}, 0x41, 1, 2, 3), "truncated fixed64"},
		{"truncated fixed32", append(wire{}, 0x3d, 1, 2, 3), "truncated fixed32"},
		{"length past end", append(valid, 0x72, 0x05, 'a'), "past the end"},
		{"huge length", protowire.AppendVarint(append(valid, 0x72), math.MaxUint64>>1), "past the end"},
		{"length past end of an enclosing message", wire{}.bytes(nInner, append(wire{}, 0x12, 0x05, 'a')), "past the end"},
		{"field number 0", append(wire{}, 0x00, 0x01), "invalid field number 0"},
		{"field number too large", protowire.AppendVarint(nil, uint64(protowire.MaxValidNumber+1)<<3), "invalid field number"},
		{"reserved wire type 6", append(wire{}, 0x0e), "wire type 6 (reserved), want varint"},
		{"reserved wire type 7 in an unknown field", protowire.AppendVarint(nil, nUnknown<<3|7), "reserved wire type 7"},
		{"wire type: varint for a string", wire{}.varint(nS, 1), "field t.All.s: wire type varint, want length-delimited"},
		{"wire type: fixed32 for an int32", wire{}.fixed32(nI32, 1), "field t.All.i32: wire type fixed32, want varint"},
		{"wire type: bytes for an int32", wire{}.bytes(nI32, []byte{1}), "wire type length-delimited, want varint"},
		{"wire type: varint for a message", wire{}.varint(nInner, 1), "field t.All.inner: wire type varint"},
		{"wire type: fixed64 in a nested message", wire{}.bytes(nInner, wire{}.fixed64(nInnerA, 1)), "field t.Inner.a: wire type fixed64"},
		{"wire type: in a map entry", wire{}.bytes(nMSI, wire{}.varint(1, 1)), "field t.All.MSiEntry.key"},
		{"wire type: group for a repeated string", wire{}.group(24, nil), "wire type start group"},
		{"invalid UTF-8", wire{}.bytes(nS, []byte{'a', 0xff}), "field t.All.s: invalid UTF-8"},
		{"invalid UTF-8 in a nested message", wire{}.bytes(nInner, wire{}.bytes(nInnerB, []byte{0xc0, 0x80})), "field t.Inner.b: invalid UTF-8"},
		{"invalid UTF-8 in a map key", wire{}.bytes(nMSI, wire{}.bytes(1, []byte{0xed, 0xa0, 0x80})), "invalid UTF-8"},
		{"invalid UTF-8 in a list", wire{}.bytes(24, []byte("ok")).bytes(24, []byte{0xff}), "field t.All.rs: invalid UTF-8"},
		{"invalid UTF-8 in a wrapper", wire{}.bytes(40, wire{}.bytes(1, []byte{0xff})), "google.protobuf.StringValue.value: invalid UTF-8"},
		{"invalid UTF-8 in a oneof", wire{}.bytes(nCStr, []byte{0xff}), "invalid UTF-8"},
		{"packed fixed32 of 5 bytes", wire{}.bytes(nRF32, []byte{1, 2, 3, 4, 5}), "packed length 5 is not a multiple of 4"},
		{"packed varints truncated", wire{}.bytes(nRI32, []byte{1, 0x80}), "field t.All.ri32: truncated varint"},
		{"unexpected end group", protowire.AppendTag(valid, 5, protowire.EndGroupType), "unexpected end group 5"},
		{"group not ended", protowire.AppendTag(wire{}, nUnknown, protowire.StartGroupType), "group 1000 not ended"},
		{"group ended by another number", protowire.AppendTag(protowire.AppendTag(wire{}, nUnknown, protowire.StartGroupType), nUnknown+1, protowire.EndGroupType), "end group 1001 inside group 1000"},
		{"groups nested too deep", deep(maxNesting + 2), "nesting deeper than"},
		{"messages nested too deep", deepMessages(maxNesting + 2), "nesting deeper than"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, idx := range [][]int{nil, {columnIndex(t, f, "b")}, {}} {
				mem := checkedAllocator(t)
				_, errs := decodeRows(t, mem, f, idx, valid, c.data, valid)
				err := errs[1]
				if err == nil {
					t.Fatalf("columns %v: no error", idx)
				}
				if !strings.Contains(err.Error(), c.reason) {
					t.Fatalf("columns %v: error %q, want it to say %q", idx, err, c.reason)
				}
				var pe *PayloadError
				if !errors.As(err, &pe) || pe.Offset < 0 || pe.Offset > len(c.data) {
					t.Fatalf("error %#v", err)
				}
				if errs[0] != nil || errs[2] != nil {
					t.Fatalf("valid payloads: %v, %v", errs[0], errs[2])
				}
			}
		})
	}
	// Deep nesting up to the limit decodes.
	mem := checkedAllocator(t)
	if _, errs := decodeRows(t, mem, f, nil, deep(maxNesting-1), deepMessages(maxNesting-10)); errs[0] != nil || errs[1] != nil {
		t.Fatalf("nesting within the limit: %v, %v", errs[0], errs[1])
	}
}
