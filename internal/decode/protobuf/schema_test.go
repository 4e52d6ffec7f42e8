package protobuf

import (
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// allProto has a field of every kind the mapping knows.
const allProto = `
syntax = "proto3";
package t;

import "google/protobuf/timestamp.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/wrappers.proto";

enum Color {
  COLOR_UNSPECIFIED = 0;
  RED = 1;
  GREEN = 2;
  MINUS = -3;
}

message Inner {
  int32 a = 1;
  string b = 2;
  repeated int64 c = 3;
  Color color = 4;
}

message Node {
  int32 v = 1;
  Node next = 2;
  repeated Node kids = 3;
}

message Chain {
  int32 v = 1;
  Chain next = 2;
  map<string, int32> tags = 3;
}

message All {
  int32 i32 = 1;
  int64 i64 = 2;
  uint32 u32 = 3;
  uint64 u64 = 4;
  sint32 s32 = 5;
  sint64 s64 = 6;
  fixed32 f32 = 7;
  fixed64 f64 = 8;
  sfixed32 sf32 = 9;
  sfixed64 sf64 = 10;
  float fl = 11;
  double db = 12;
  bool b = 13;
  string s = 14;
  bytes by = 15;
  Color color = 16;
  optional int32 opt = 17;
  optional string opt_s = 18;
  repeated int32 ri32 = 19;
  repeated sint64 rs64 = 20;
  repeated double rdb = 21;
  repeated fixed32 rf32 = 22;
  repeated bool rb = 23;
  repeated string rs = 24;
  repeated bytes rby = 25;
  repeated Color rcolor = 26;
  repeated Inner rinner = 27;
  map<string, int64> m_si = 28;
  map<int32, Inner> m_im = 29;
  map<bool, string> m_bs = 30;
  map<sint32, Color> m_ce = 31;
  map<uint64, google.protobuf.Timestamp> m_ts = 32;
  Inner inner = 33;
  oneof choice {
    int32 c_int = 34;
    string c_str = 35;
    Inner c_inner = 36;
  }
  google.protobuf.Timestamp ts = 37;
  google.protobuf.Duration dur = 38;
  google.protobuf.Int64Value w_i64 = 39;
  google.protobuf.StringValue w_s = 40;
  google.protobuf.BoolValue w_b = 41;
  google.protobuf.BytesValue w_by = 42;
  google.protobuf.DoubleValue w_db = 43;
  google.protobuf.FloatValue w_fl = 44;
  google.protobuf.UInt32Value w_u32 = 45;
  google.protobuf.UInt64Value w_u64 = 46;
  google.protobuf.Int32Value w_i32 = 47;
  repeated google.protobuf.Timestamp rts = 48;
  repeated google.protobuf.Int32Value rw = 49;
  Chain tree = 50;
  repeated int32 unpacked = 51 [packed = false];
  map<fixed64, bytes> m_fb = 52;
  map<string, google.protobuf.Int64Value> m_sw = 53;
  uint32 after_oneof = 54;
}
`

// allMessage returns t.All.
func allMessage(t testing.TB) protoreflect.MessageDescriptor {
	return compileMessage(t, allProto, "t.All")
}

// setField sets a field of m by name from a Go value: numbers, bool,
// string, []byte, protoreflect.EnumNumber, a message, a []any for a list
// and a map[any]any for a map.
func setField(m protoreflect.Message, name string, v any) {
	fd := m.Descriptor().Fields().ByName(protoreflect.Name(name))
	if fd == nil {
		panic("no field " + name)
	}
	switch {
	case fd.IsList():
		l := m.Mutable(fd).List()
		for _, e := range v.([]any) {
			l.Append(toValue(e))
		}
	case fd.IsMap():
		mm := m.Mutable(fd).Map()
		for k, e := range v.(map[any]any) {
			mm.Set(toValue(k).MapKey(), toValue(e))
		}
	default:
		m.Set(fd, toValue(v))
	}
}

func toValue(v any) protoreflect.Value {
	switch v := v.(type) {
	case *dynamicpb.Message:
		return protoreflect.ValueOfMessage(v)
	case protoreflect.EnumNumber:
		return protoreflect.ValueOfEnum(v)
	}
	return protoreflect.ValueOf(v)
}

// msg returns a new message of md with the fields set (name, value pairs).
func msg(md protoreflect.MessageDescriptor, kv ...any) *dynamicpb.Message {
	m := dynamicpb.NewMessage(md)
	for i := 0; i < len(kv); i += 2 {
		setField(m, kv[i].(string), kv[i+1])
	}
	return m
}

// sub returns the descriptor of the message type of md's field name.
func sub(md protoreflect.MessageDescriptor, name string) protoreflect.MessageDescriptor {
	fd := md.Fields().ByName(protoreflect.Name(name))
	if fd.IsMap() {
		return fd.MapValue().Message()
	}
	return fd.Message()
}

// columnIndex returns the index of a column by name.
func columnIndex(t testing.TB, f *Format, name string) int {
	t.Helper()
	for i, fl := range f.Fields() {
		if fl.Name == name {
			return i
		}
	}
	t.Fatalf("no column %s", name)
	return -1
}
