package protobuf

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

const orderProto = `
syntax = "proto3";
package shop;
import "google/protobuf/timestamp.proto";
enum Status { STATUS_UNSPECIFIED = 0; NEW = 1; PAID = 2; SHIPPED = 3; }
message Order {
  int64 id = 1;
  string customer = 2;
  double amount = 3;
  Status status = 4;
  google.protobuf.Timestamp created_at = 5;
  repeated string items = 6;
}
`

// orderPayloads returns n distinct serialized orders.
func orderPayloads(b *testing.B, md protoreflect.MessageDescriptor, n int) [][]byte {
	ts := md.Fields().ByName("created_at").Message()
	var ps [][]byte
	for i := range n {
		m := msg(md,
			"id", int64(1_000_000+i),
			"customer", "customer-"+string(rune('a'+i%26))+"-0042",
			"amount", 12.5+float64(i),
			"status", protoreflect.EnumNumber(1+i%3),
			"created_at", msg(ts, "seconds", int64(1_700_000_000+i), "nanos", int32(i*1000)),
			"items", []any{"sku-1234", "sku-98765"})
		ps = append(ps, marshal(b, m))
	}
	return ps
}

// BenchmarkDecode decodes order-like messages (6 fields) into builders,
// flushing a batch every 4096 rows and reserving the next as a scan does
// (so that it measures decoding more than Arrow buffers growing).
func BenchmarkDecode(b *testing.B) {
	md := compileMessage(b, orderProto, "shop.Order")
	f := newFormat(b, md)
	payloads := orderPayloads(b, md, 64)
	size := 0
	for _, p := range payloads {
		size += len(p)
	}
	for _, c := range []struct {
		name string
		idx  []int
	}{
		{"all", []int{0, 1, 2, 3, 4, 5}},
		{"2 fields", []int{0, 2}},
	} {
		b.Run(c.name, func(b *testing.B) {
			mem := memory.NewGoAllocator()
			rd, err := f.Decoder(c.idx)
			if err != nil {
				b.Fatal(err)
			}
			bs := make([]array.Builder, len(c.idx))
			for k, i := range c.idx {
				bs[k] = array.NewBuilder(mem, f.Fields()[i].Type)
				defer bs[k].Release()
			}
			for _, bl := range bs {
				reserve(bl, 4096)
			}
			b.SetBytes(int64(size / len(payloads)))
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				if err := rd.Decode(payloads[n%len(payloads)], bs); err != nil {
					b.Fatal(err)
				}
				if n++; n%4096 == 0 {
					for _, bl := range bs {
						bl.NewArray().Release()
						reserve(bl, 4096)
					}
				}
			}
		})
	}
}

// reserve reserves room for n values in b and the builders under it,
// 16 bytes a string.
func reserve(b array.Builder, n int) {
	b.Reserve(n)
	switch b := b.(type) {
	case *array.StringBuilder:
		b.ReserveData(16 * n)
	case *array.ListBuilder:
		reserve(b.ValueBuilder(), 2*n)
	case *array.StructBuilder:
		for i := 0; i < b.NumField(); i++ {
			reserve(b.FieldBuilder(i), n)
		}
	}
}

// BenchmarkUnmarshalDynamicpb is the same payloads through proto.Unmarshal
// into a dynamicpb message, for scale: no Arrow, only the parse.
func BenchmarkUnmarshalDynamicpb(b *testing.B) {
	md := compileMessage(b, orderProto, "shop.Order")
	payloads := orderPayloads(b, md, 64)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		m := newMessage(md)
		if err := proto.Unmarshal(payloads[n%len(payloads)], m); err != nil {
			b.Fatal(err)
		}
		n++
	}
}
