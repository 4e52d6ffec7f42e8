package protobuf_test

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/kq-sql/kq/internal/decode/protobuf"
)

func ExampleNewFormat() {
	files, err := protobuf.Compile(context.Background(), map[string]string{"shop.proto": `
syntax = "proto3";
package shop;
import "google/protobuf/timestamp.proto";
enum Status { NEW = 0; PAID = 1; }
message Order {
  int64 id = 1;
  Status status = 2;
  repeated string items = 3;
  google.protobuf.Timestamp at = 4;
}`})
	if err != nil {
		panic(err)
	}
	md, err := protobuf.Message(files, "shop.Order")
	if err != nil {
		panic(err)
	}
	f, err := protobuf.NewFormat(md)
	if err != nil {
		panic(err)
	}
	for _, fl := range f.Fields() {
		fmt.Println(fl.Name, fl.Type)
	}

	// Decode id and items of one payload.
	rd, err := f.Decoder([]int{0, 2})
	if err != nil {
		panic(err)
	}
	mem := memory.NewGoAllocator()
	ids := array.NewInt64Builder(mem)
	defer ids.Release()
	items := array.NewBuilder(mem, f.Fields()[2].Type)
	defer items.Release()
	var payload []byte
	payload = protowire.AppendTag(payload, 3, protowire.BytesType)
	payload = protowire.AppendString(payload, "pen")
	payload = protowire.AppendTag(payload, 1, protowire.VarintType)
	payload = protowire.AppendVarint(payload, 42)
	if err := rd.Decode(payload, []array.Builder{ids, items}); err != nil {
		panic(err)
	}
	// A truncated payload appends nothing.
	fmt.Println(rd.Decode(payload[:3], []array.Builder{ids, items}))
	a, l := ids.NewArray(), items.NewArray()
	defer a.Release()
	defer l.Release()
	fmt.Println(a, l)
	// Output:
	// id int64
	// status utf8
	// items list<item: utf8, nullable>
	// at timestamp[us, tz=UTC]
	// protobuf payload: offset 1: field shop.Order.items: length 3 runs 2 bytes past the end
	// [42] [["pen"]]
}
