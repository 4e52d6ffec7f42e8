package protobuf

import (
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/reflect/protoreflect"
)

const proto2Proto = `
syntax = "proto2";
package p;
enum E { A = 1; B = 2; }
message M {
  optional int32 i = 1;
  optional string s = 2 [default = "d"];
  required int64 r = 3;
  optional E e = 4;
  repeated int32 ri = 5;
  optional group G = 6 {
    optional int32 a = 7;
    optional string b = 8;
  }
  repeated group RG = 9 {
    optional int32 c = 10;
  }
  optional bytes by = 11;
  map<string, int32> m = 12;
}
`

// TestDecodeProto2 covers proto2: presence for every singular field (a
// default is not a value), groups, closed enums, strings that need not
// be UTF-8.
func TestDecodeProto2(t *testing.T) {
	md := compileMessage(t, proto2Proto, "p.M")
	f := newFormat(t, md)
	g := md.Fields().ByName("g").Message()
	rg := md.Fields().ByName("rg").Message()
	cases := []protoreflect.Message{
		msg(md),
		msg(md, "i", int32(0), "s", "", "r", int64(-1), "e", protoreflect.EnumNumber(2), "ri", []any{int32(1), int32(2)}),
		msg(md, "g", msg(g, "a", int32(3)), "rg", []any{msg(rg, "c", int32(1)), msg(rg)}, "by", []byte{}, "m", map[any]any{"x": int32(1)}),
	}
	mem := checkedAllocator(t)
	for _, m := range cases {
		data := marshal(t, m.Interface())
		rows, errs := decodeRows(t, mem, f, nil, data)
		if errs[0] != nil {
			t.Fatal(errs[0])
		}
		checkRow(t, m, nil, rows[0])
	}
	// What proto.Unmarshal does differently: an unknown number of a closed
	// enum is still shown (as all enums are), invalid UTF-8 is replaced.
	data := wire{}.varint(4, 99).bytes(2, []byte{'a', 0xff, 'b'}).group(6, wire{}.varint(7, 1).group(100, nil).bytes(8, []byte{0xfe}))
	rows, errs := decodeRows(t, mem, f, nil, data)
	if errs[0] != nil {
		t.Fatal(errs[0])
	}
	want := []any{nil, "a\uFFFDb", nil, "99", []any{}, map[string]any{"a": int32(1), "b": "\uFFFD"}, []any{}, nil, map[any]any{}}
	for k := range want {
		if !equal(want[k], rows[0][k]) {
			t.Errorf("column %d: %s, want %s", k, show(rows[0][k]), show(want[k]))
		}
	}
	// A group's end tag must match; a message field may not be a group.
	for _, bad := range []wire{
		protowire.AppendTag(protowire.AppendTag(nil, 6, protowire.StartGroupType), 7, protowire.EndGroupType),
		protowire.AppendTag(nil, 6, protowire.StartGroupType),
		wire{}.bytes(6, nil),
	} {
		if _, errs := decodeRows(t, mem, f, nil, bad); errs[0] == nil {
			t.Errorf("% x: no error", bad)
		}
	}
}

const editionsProto = `
edition = "2023";
package ed;
message Sub { int32 a = 1; }
message M {
  int32 implicit = 1 [features.field_presence = IMPLICIT];
  int32 explicit = 2;
  Sub delimited = 3 [features.message_encoding = DELIMITED];
  string unchecked = 4 [features.utf8_validation = NONE];
  string checked = 5;
  repeated int32 expanded = 6 [features.repeated_field_encoding = EXPANDED];
}
`

// TestDecodeEditions covers features: presence, delimited (group)
// encoding of messages, UTF-8 validation.
func TestDecodeEditions(t *testing.T) {
	md := compileMessage(t, editionsProto, "ed.M")
	f := newFormat(t, md)
	sub := md.Fields().ByName("delimited").Message()
	mem := checkedAllocator(t)
	for _, m := range []protoreflect.Message{
		msg(md),
		msg(md, "implicit", int32(1), "explicit", int32(0), "delimited", msg(sub, "a", int32(2)), "unchecked", "u", "checked", "c", "expanded", []any{int32(1), int32(2)}),
	} {
		data := marshal(t, m.Interface())
		rows, errs := decodeRows(t, mem, f, nil, data)
		if errs[0] != nil {
			t.Fatal(errs[0])
		}
		checkRow(t, m, nil, rows[0])
	}
	_, errs := decodeRows(t, mem, f, nil, wire{}.bytes(4, []byte{0xff}), wire{}.bytes(5, []byte{0xff}))
	if errs[0] != nil || errs[1] == nil {
		t.Fatalf("utf8_validation NONE: %v; VERIFY: %v", errs[0], errs[1])
	}
}

const emptyProto = `
syntax = "proto3";
package em;
import "google/protobuf/empty.proto";
message Nothing {}
message HasNothing { Nothing n = 1; }
message M {
  google.protobuf.Empty e = 1;
  int32 a = 2;
  oneof o {
    google.protobuf.Empty none = 3;
    int32 some = 4;
  }
  repeated Nothing l = 5;
  map<string, Nothing> m = 6;
  HasNothing h = 7;
  oneof all_empty { Nothing x = 8; }
}
`

// TestDecodeEmptyMessages checks that fields of message types without
// fields are left out, and skipped on the wire.
func TestDecodeEmptyMessages(t *testing.T) {
	md := compileMessage(t, emptyProto, "em.M")
	f := newFormat(t, md)
	var names []string
	for _, fl := range f.Fields() {
		names = append(names, fl.Name+" "+fl.Type.String())
	}
	want := []string{"a int32", "o struct<some: int32 nullable>"}
	if len(names) != len(want) || names[0] != want[0] || names[1] != want[1] {
		t.Fatalf("columns %q, want %q", names, want)
	}
	mem := checkedAllocator(t)
	data := wire{}.bytes(1, nil).varint(2, 5).bytes(3, nil).bytes(5, nil).bytes(6, wire{}.bytes(1, []byte("k"))).bytes(7, wire{}.bytes(1, nil))
	// The oneof's last member set wins, also when it has no column.
	rows, errs := decodeRows(t, mem, f, nil, data, wire{}.varint(4, 1), wire{}.bytes(3, nil).varint(4, 1), wire{}.varint(4, 1).bytes(3, nil))
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	some := []any{int32(0), map[string]any{"some": int32(1)}}
	if !equal([]any{int32(5), nil}, rows[0]) || !equal(some, rows[1]) || !equal(some, rows[2]) || !equal([]any{int32(0), nil}, rows[3]) {
		t.Fatalf("rows %s", show([]any{rows[0], rows[1], rows[2], rows[3]}))
	}
}
