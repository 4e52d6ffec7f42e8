package protobuf

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// TestDecodeProjection decodes column subsets of the same payloads:
// each subset gets the same values as the whole row.
func TestDecodeProjection(t *testing.T) {
	md := allMessage(t)
	f := newFormat(t, md)
	m := richMessage(t, md)
	data := marshal(t, m.Interface())
	n := len(f.Fields())
	subsets := [][]int{
		{},
		{0},
		{n - 1},
		{0, n - 1},
		{columnIndex(t, f, "choice")},
		{columnIndex(t, f, "inner"), columnIndex(t, f, "tree")},
		{columnIndex(t, f, "m_si"), columnIndex(t, f, "ts"), columnIndex(t, f, "w_s")},
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 10 {
		var idx []int
		for i := 0; i < n; i++ {
			if r.IntN(3) == 0 {
				idx = append(idx, i)
			}
		}
		subsets = append(subsets, idx)
	}
	for _, idx := range subsets {
		mem := checkedAllocator(t)
		rows, errs := decodeRows(t, mem, f, idx, data, data)
		for _, err := range errs {
			if err != nil {
				t.Fatalf("columns %v: %v", idx, err)
			}
		}
		for _, row := range rows {
			checkRow(t, m, idx, row)
		}
	}
}

// TestDecoderColumns checks Decoder's column list.
func TestDecoderColumns(t *testing.T) {
	f := newFormat(t, allMessage(t))
	for _, idx := range [][]int{{-1}, {len(f.Fields())}, {2, 1}, {1, 1}} {
		if _, err := f.Decoder(idx); err == nil {
			t.Errorf("Decoder(%v): no error", idx)
		}
	}
}

// TestDecodeBuilders checks that a decoder rejects builders of other
// types before appending anything, and follows builders that change.
func TestDecodeBuilders(t *testing.T) {
	mem := checkedAllocator(t)
	md := allMessage(t)
	f := newFormat(t, md)
	idx := []int{columnIndex(t, f, "i32"), columnIndex(t, f, "inner")}
	rd, err := f.Decoder(idx)
	if err != nil {
		t.Fatal(err)
	}
	data := marshal(t, msg(md, "i32", int32(7), "inner", msg(sub(md, "inner"), "a", int32(1))))
	i32 := array.NewInt32Builder(mem)
	defer i32.Release()
	i64 := array.NewInt64Builder(mem)
	defer i64.Release()
	inner := array.NewBuilder(mem, f.Fields()[idx[1]].Type)
	defer inner.Release()
	other := array.NewStructBuilder(mem, arrow.StructOf(arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int32, Nullable: true}))
	defer other.Release()
	for _, bs := range [][]array.Builder{
		{i32},
		{i32, inner, i64},
		{i64, inner},
		{i32, other},
		{i32, nil},
	} {
		if err := rd.Decode(data, bs); err == nil {
			t.Errorf("builders %v: no error", bs)
		}
		if i32.Len() != 0 || inner.Len() != 0 {
			t.Fatalf("appended on error: %d, %d", i32.Len(), inner.Len())
		}
	}
	for round := 0; round < 3; round++ {
		if err := rd.Decode(data, []array.Builder{i32, inner}); err != nil {
			t.Fatal(err)
		}
		a := i32.NewArray()
		s := inner.NewArray()
		if a.Len() != 1 || a.(*array.Int32).Value(0) != 7 || s.Len() != 1 {
			t.Fatalf("round %d: %v %v", round, a, s)
		}
		a.Release()
		s.Release()
	}
	// New builders of the right types.
	i32b := array.NewInt32Builder(mem)
	defer i32b.Release()
	innerb := array.NewBuilder(mem, f.Fields()[idx[1]].Type)
	defer innerb.Release()
	if err := rd.Decode(data, []array.Builder{i32b, innerb}); err != nil || i32b.Len() != 1 || innerb.Len() != 1 {
		t.Fatalf("new builders: %v, %d, %d", err, i32b.Len(), innerb.Len())
	}
}

const writerProto = `
syntax = "proto3";
package e;
message Extra { string x = 1; repeated Extra more = 2; }
message Order {
  int64 id = 1;
  string name = 2;
  Extra extra = 3;
  repeated int32 nums = 4;
  int32 widened = 5;
  double price = 6;
  map<string, string> tags = 7;
  oneof pay { string card = 12; int64 cash = 13; }
}
`

const readerProto = `
syntax = "proto3";
package e;
message Sub { int32 a = 1; }
message Order {
  int64 id = 1;
  int64 widened = 5;
  double price = 6;
  int32 added = 8;
  optional string added_opt = 9;
  Sub added_msg = 10;
  repeated string added_list = 11;
  oneof pay { int64 cash = 13; bool voucher = 14; }
}
`

// TestDecodeEvolution decodes payloads of one version of a message with
// another: by field number, skipping the writer's extra fields, the
// reader's extra fields missing.
func TestDecodeEvolution(t *testing.T) {
	writer := compileMessage(t, writerProto, "e.Order")
	reader := compileMessage(t, readerProto, "e.Order")
	extra := sub(writer, "extra")
	payloads := []protoreflect.Message{
		msg(writer, "id", int64(1), "name", "n", "extra", msg(extra, "x", "x", "more", []any{msg(extra, "x", "y")}),
			"nums", []any{int32(1), int32(2)}, "widened", int32(-5), "price", 2.5, "tags", map[any]any{"k": "v"}, "card", "visa"),
		msg(writer, "id", int64(2), "cash", int64(10)),
		msg(writer),
	}
	f := newFormat(t, reader)
	var names []string
	for _, fl := range f.Fields() {
		names = append(names, fl.Name)
	}
	if got := strings.Join(names, ","); got != "id,widened,price,added,added_opt,added_msg,added_list,pay" {
		t.Fatalf("columns %s", got)
	}
	want := [][]any{
		{int64(1), int64(-5), 2.5, int32(0), nil, nil, []any{}, nil}, // the writer's card is not the reader's
		{int64(2), int64(0), 0.0, int32(0), nil, nil, []any{}, map[string]any{"cash": int64(10), "voucher": nil}},
		{int64(0), int64(0), 0.0, int32(0), nil, nil, []any{}, nil},
	}
	mem := checkedAllocator(t)
	for i, p := range payloads {
		data := marshal(t, p.Interface())
		rows, errs := decodeRows(t, mem, f, nil, data)
		if errs[0] != nil {
			t.Fatal(errs[0])
		}
		checkRow(t, unmarshalRow(t, reader, data), nil, rows[0])
		for k := range want[i] {
			if !equal(want[i][k], rows[0][k]) {
				t.Errorf("payload %d column %s: %s, want %s", i, names[k], show(rows[0][k]), show(want[i][k]))
			}
		}
	}
}
