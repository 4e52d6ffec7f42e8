package protobuf

import (
	"math"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/kq-sql/kq/internal/decode"
)

// Payloads built by hand with protowire, for what proto.Marshal never
// writes: unpacked and packed values mixed, fields repeated, fields out
// of order. The expected rows come from google.golang.org/protobuf's
// proto.Unmarshal of the same bytes, and the cases say what that is.

// field numbers of t.All and t.Inner
const (
	nI32     = 1
	nS       = 14
	nColor   = 16
	nRI32    = 19
	nRS64    = 20
	nRF32    = 22
	nRInner  = 27
	nMSI     = 28
	nMIM     = 29
	nInner   = 33
	nCInt    = 34
	nCStr    = 35
	nCInner  = 36
	nTS      = 37
	nWI64    = 39
	nUnpack  = 51
	nInnerA  = 1
	nInnerB  = 2
	nInnerC  = 3
	nUnknown = 1000
)

type wire []byte

func (w wire) varint(num protowire.Number, v uint64) wire {
	return protowire.AppendVarint(protowire.AppendTag(w, num, protowire.VarintType), v)
}

func (w wire) fixed32(num protowire.Number, v uint32) wire {
	return protowire.AppendFixed32(protowire.AppendTag(w, num, protowire.Fixed32Type), v)
}

func (w wire) fixed64(num protowire.Number, v uint64) wire {
	return protowire.AppendFixed64(protowire.AppendTag(w, num, protowire.Fixed64Type), v)
}

func (w wire) bytes(num protowire.Number, b []byte) wire {
	return protowire.AppendBytes(protowire.AppendTag(w, num, protowire.BytesType), b)
}

func (w wire) group(num protowire.Number, body []byte) wire {
	w = protowire.AppendTag(w, num, protowire.StartGroupType)
	w = append(w, body...)
	return protowire.AppendTag(w, num, protowire.EndGroupType)
}

func packedVarints(vs ...uint64) []byte {
	var b []byte
	for _, v := range vs {
		b = protowire.AppendVarint(b, v)
	}
	return b
}

// unmarshalRow decodes data with proto.Unmarshal, failing the test when
// it does not decode.
func unmarshalRow(t testing.TB, md protoreflect.MessageDescriptor, data []byte) protoreflect.Message {
	t.Helper()
	m := newMessage(md)
	if err := (proto.UnmarshalOptions{AllowPartial: true}).Unmarshal(data, m); err != nil {
		t.Fatalf("proto.Unmarshal: %v", err)
	}
	return m
}

func TestDecodeWire(t *testing.T) {
	md := allMessage(t)
	entry := func(k []byte, v []byte) []byte { return append(append([]byte{}, k...), v...) }
	cases := []struct {
		name string
		data wire
		col  string
		want any // the column's value, as the oracle also computes it
	}{
		{"unpacked and packed mixed", wire{}.
			varint(nRI32, 1).
			bytes(nRI32, packedVarints(2, 3)).
			varint(nRI32, math.MaxUint64). // int32 -1, 10 bytes
			bytes(nRI32, nil).
			varint(nRI32, 4),
			"ri32", []any{int32(1), int32(2), int32(3), int32(-1), int32(4)}},
		{"packed field unpacked", wire{}.varint(nUnpack, 7).bytes(nUnpack, packedVarints(8, 9)), "unpacked", []any{int32(7), int32(8), int32(9)}},
		{"packed sint64", wire{}.bytes(nRS64, packedVarints(protowire.EncodeZigZag(-1), protowire.EncodeZigZag(math.MinInt64))).varint(nRS64, protowire.EncodeZigZag(5)),
			"rs64", []any{int64(-1), int64(math.MinInt64), int64(5)}},
		{"packed fixed32", wire{}.bytes(nRF32, protowire.AppendFixed32(protowire.AppendFixed32(nil, 1), math.MaxUint32)).fixed32(nRF32, 3),
			"rf32", []any{uint32(1), uint32(math.MaxUint32), uint32(3)}},
		{"scalar: last wins", wire{}.varint(nI32, 1).bytes(nS, nil).varint(nI32, 2).bytes(nS, []byte("x")).varint(nI32, 3),
			"i32", int32(3)},
		{"string: last wins", wire{}.bytes(nS, []byte("first")).bytes(nS, []byte("second")), "s", "second"},
		{"int32 from a 64-bit varint", wire{}.varint(nI32, 1<<32|5), "i32", int32(5)},
		{"enum: last wins, unknown", wire{}.varint(nColor, 1).varint(nColor, 1234), "color", "1234"},
		{"message: occurrences merge", wire{}.
			bytes(nInner, wire{}.varint(nInnerA, 1).varint(nInnerC, 10)).
			varint(nI32, 9).
			bytes(nInner, wire{}.bytes(nInnerB, []byte("b")).varint(nInnerC, 11)).
			bytes(nInner, wire{}.varint(nInnerA, 2)),
			"inner", map[string]any{"a": int32(2), "b": "b", "c": []any{int64(10), int64(11)}, "color": "COLOR_UNSPECIFIED"}},
		{"message: fields out of order", wire{}.bytes(nInner, wire{}.varint(4, 2).varint(nInnerC, 1).bytes(nInnerB, []byte("z")).varint(nInnerA, 5)),
			"inner", map[string]any{"a": int32(5), "b": "z", "c": []any{int64(1)}, "color": "GREEN"}},
		{"repeated message: each occurrence an element", wire{}.bytes(nRInner, wire{}.varint(nInnerA, 1)).bytes(nRInner, wire{}.varint(nInnerA, 2)),
			"rinner", []any{
				map[string]any{"a": int32(1), "b": "", "c": []any{}, "color": "COLOR_UNSPECIFIED"},
				map[string]any{"a": int32(2), "b": "", "c": []any{}, "color": "COLOR_UNSPECIFIED"}}},
		{"oneof: last member wins", wire{}.varint(nCInt, 5).bytes(nCStr, []byte("s")), "choice",
			map[string]any{"c_int": nil, "c_str": "s", "c_inner": nil}},
		{"oneof: a member set again starts over", wire{}.
			bytes(nCInner, wire{}.varint(nInnerA, 1)).
			varint(nCInt, 5).
			bytes(nCInner, wire{}.bytes(nInnerB, []byte("b"))),
			"choice", map[string]any{"c_int": nil, "c_str": nil, "c_inner": map[string]any{"a": int32(0), "b": "b", "c": []any{}, "color": "COLOR_UNSPECIFIED"}}},
		{"oneof: a member twice merges", wire{}.
			bytes(nCInner, wire{}.varint(nInnerA, 1)).
			bytes(nCInner, wire{}.bytes(nInnerB, []byte("b"))),
			"choice", map[string]any{"c_int": nil, "c_str": nil, "c_inner": map[string]any{"a": int32(1), "b": "b", "c": []any{}, "color": "COLOR_UNSPECIFIED"}}},
		{"map: the last entry of a key wins", wire{}.
			bytes(nMSI, entry(wire{}.bytes(1, []byte("a")), wire{}.varint(2, 1))).
			bytes(nMSI, entry(wire{}.bytes(1, []byte("b")), wire{}.varint(2, 2))).
			bytes(nMSI, entry(wire{}.varint(2, 3), wire{}.bytes(1, []byte("a")))), // value before key
			"m_si", map[any]any{"a": int64(3), "b": int64(2)}},
		{"map: entry without key or value", wire{}.bytes(nMSI, nil).bytes(nMIM, wire{}.varint(1, 4)),
			"m_si", map[any]any{"": int64(0)}},
		{"map: message value missing is the empty message", wire{}.bytes(nMIM, wire{}.varint(1, 4)),
			"m_im", map[any]any{int32(4): map[string]any{"a": int32(0), "b": "", "c": []any{}, "color": "COLOR_UNSPECIFIED"}}},
		{"map: key and value repeated inside an entry", wire{}.bytes(nMSI, wire{}.bytes(1, []byte("x")).varint(2, 1).bytes(1, []byte("y")).varint(2, 2)),
			"m_si", map[any]any{"y": int64(2)}},
		{"map: entry with an unknown field", wire{}.bytes(nMSI, wire{}.bytes(1, []byte("k")).fixed64(9, 0).varint(2, 6)),
			"m_si", map[any]any{"k": int64(6)}},
		{"map: int32 keys equal once truncated", wire{}.
			bytes(nMIM, wire{}.varint(1, 1).bytes(2, wire{}.varint(nInnerA, 1))).
			bytes(nMIM, wire{}.varint(1, 1<<32|1).bytes(2, wire{}.varint(nInnerA, 2))),
			"m_im", map[any]any{int32(1): map[string]any{"a": int32(2), "b": "", "c": []any{}, "color": "COLOR_UNSPECIFIED"}}},
		{"timestamp: parts merge", wire{}.bytes(nTS, wire{}.varint(1, 10)).bytes(nTS, wire{}.varint(2, 5000)),
			"ts", nil}, // want from the oracle
		{"wrapper: last value wins", wire{}.bytes(nWI64, wire{}.varint(1, 1)).bytes(nWI64, wire{}.varint(1, 2).varint(7, 0)),
			"w_i64", int64(2)},
		{"unknown fields of every wire type", wire{}.
			varint(nUnknown, 1).fixed32(nUnknown+1, 2).fixed64(nUnknown+2, 3).bytes(nUnknown+3, []byte("u")).
			group(nUnknown+4, wire{}.varint(1, 1).group(2, wire{}.bytes(3, nil))).
			varint(protowire.MaxValidNumber, 1).
			varint(nI32, 8),
			"i32", int32(8)},
	}
	f := newFormat(t, md)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mem := checkedAllocator(t)
			rows, errs := decodeRows(t, mem, f, nil, c.data)
			if errs[0] != nil {
				t.Fatal(errs[0])
			}
			m := unmarshalRow(t, md, c.data)
			checkRow(t, m, nil, rows[0])
			col := columnIndex(t, f, c.col)
			if c.want != nil && !equal(c.want, rows[0][col]) {
				t.Errorf("%s: %s, want %s", c.col, show(rows[0][col]), show(c.want))
			}
		})
	}
}

// TestDecodeMapOrder checks that a map keeps the last entry of each key
// in the order of those entries, for small maps (compared pairwise) and
// large ones (sorted).
func TestDecodeMapOrder(t *testing.T) {
	md := allMessage(t)
	f := newFormat(t, md)
	for _, n := range []int{3, smallMap, smallMap + 1, 100} {
		var data wire
		var want []string
		keys := map[string]int{}
		for i := 0; i < n; i++ {
			k := string(rune('a' + i%(n/2+1)%26))
			if i%26 != i%(n/2+1)%26 {
				k += string(rune('A' + i/26))
			}
			data = data.bytes(nMSI, wire{}.bytes(1, []byte(k)).varint(2, uint64(i)))
			if j, ok := keys[k]; ok {
				want[j] = ""
			}
			keys[k] = len(want)
			want = append(want, k)
		}
		var order []string
		for _, k := range want {
			if k != "" {
				order = append(order, k)
			}
		}
		mem := checkedAllocator(t)
		idx := []int{columnIndex(t, f, "m_si")}
		rd, err := f.Decoder(idx)
		if err != nil {
			t.Fatal(err)
		}
		got := decodeMapKeys(t, mem, f, rd, idx[0], data)
		if len(got) != len(order) {
			t.Fatalf("%d entries: keys %v, want %v", n, got, order)
		}
		for i := range got {
			if got[i] != order[i] {
				t.Fatalf("%d entries: keys %v, want %v", n, got, order)
			}
		}
		checkRow(t, unmarshalRow(t, md, data), idx, func() []any { r, _ := decodeRows(t, mem, f, idx, data); return r[0] }())
	}
}

// decodeMapKeys decodes data with rd, a decoder of the map column col
// of string keys alone, and returns the keys in order.
func decodeMapKeys(t *testing.T, mem memory.Allocator, f *Format, rd decode.RowDecoder, col int, data []byte) []string {
	t.Helper()
	b := array.NewBuilder(mem, f.Fields()[col].Type)
	defer b.Release()
	if err := rd.Decode(data, []array.Builder{b}); err != nil {
		t.Fatal(err)
	}
	a := b.NewArray().(*array.Map)
	defer a.Release()
	keys := a.Keys().(*array.String)
	var got []string
	for i := 0; i < keys.Len(); i++ {
		got = append(got, keys.Value(i))
	}
	return got
}

// TestDecodeMapKeyWireType: a map entry whose key repeats with another
// wire type is an error here. google.golang.org/protobuf v1.36.12's
// proto.Unmarshal into a dynamicpb message panics on it ("type mismatch:
// cannot convert nil to map key", proto/decode.go unmarshalMap keeps
// haveKey after the second key fails), found by FuzzDecode
// (testdata/fuzz/FuzzDecode/aaaec4fc2fbfad53).
func TestDecodeMapKeyWireType(t *testing.T) {
	md := allMessage(t)
	f := newFormat(t, md)
	mem := checkedAllocator(t)
	data := wire{}.bytes(nMSI, wire{}.bytes(1, []byte("a")).varint(1, 1))
	if _, errs := decodeRows(t, mem, f, nil, data); errs[0] == nil || !strings.Contains(errs[0].Error(), "MSiEntry.key: wire type varint") {
		t.Fatalf("error %v", errs[0])
	}
	if _, _, panicked := unmarshalRecover(md, data); !panicked {
		t.Log("proto.Unmarshal no longer panics: FuzzDecode's special case can go")
	}
}
