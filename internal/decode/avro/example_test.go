package avro_test

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/kq-sql/kq/internal/decode/avro"
)

func ExampleFormat_DecoderFor() {
	v1, _ := avro.Parse(`{"type":"record","name":"Order","fields":[
		{"name":"id","type":"long"},{"name":"status","type":"string"}]}`)
	v2, _ := avro.Parse(`{"type":"record","name":"Order","fields":[
		{"name":"id","type":"long"},{"name":"status","type":"string"},
		{"name":"amount","type":["null","double"],"default":null}]}`)
	f, err := avro.NewFormat(v2)
	if err != nil {
		panic(err)
	}
	for _, field := range f.Fields() {
		fmt.Println(field)
	}
	// Decode status and amount from payloads written with v1.
	dec, err := f.DecoderFor(v1, []int{1, 2})
	if err != nil {
		panic(err)
	}
	mem := memory.NewGoAllocator()
	status, amount := array.NewStringBuilder(mem), array.NewFloat64Builder(mem)
	defer status.Release()
	defer amount.Release()
	bs := []array.Builder{status, amount}
	payload := []byte{0x54, 0x08, 'p', 'a', 'i', 'd'} // id 42, status "paid"
	fmt.Println(dec.Decode(payload, bs))
	fmt.Println(dec.Decode(payload[:3], bs)) // appends nothing
	s, a := status.NewArray(), amount.NewArray()
	defer s.Release()
	defer a.Release()
	fmt.Println(s, a)
	// Output:
	// id: type=int64, nullable
	// status: type=utf8, nullable
	// amount: type=float64, nullable
	// <nil>
	// avro: field "status", byte 1: length 4 is past the end of the payload
	// ["paid"] [(null)]
}
