package avro

import (
	"runtime"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	hamba "github.com/hamba/avro/v2"
	"github.com/linkedin/goavro/v2"
)

const benchSchema = `{"type":"record","name":"Order","fields":[
	{"name":"order_id","type":"long"},
	{"name":"customer","type":"string"},
	{"name":"amount","type":"double"},
	{"name":"status","type":{"type":"enum","name":"Status","symbols":["created","paid","shipped","delivered","cancelled"]}},
	{"name":"country","type":"string"},
	{"name":"created_at","type":{"type":"long","logicalType":"timestamp-millis"}}]}`

// benchNullable is benchSchema with every field nullable, as Debezium
// and many registries write them.
const benchNullable = `{"type":"record","name":"Order","fields":[
	{"name":"order_id","type":["null","long"]},
	{"name":"customer","type":["null","string"]},
	{"name":"amount","type":["null","double"]},
	{"name":"status","type":["null",{"type":"enum","name":"Status","symbols":["created","paid","shipped","delivered","cancelled"]}]},
	{"name":"country","type":["null","string"]},
	{"name":"created_at","type":["null",{"type":"long","logicalType":"timestamp-millis"}]}]}`

var benchNative = map[string]any{"order_id": int64(1000123), "customer": "customer-0042 (gold tier, since 2019)", "amount": 123.45,
	"status": "shipped", "country": "Germany", "created_at": int64(1767261600000)}

// cpuPerOp reports, besides ns/op, the thread's CPU time per op
// (cpu-ns/op) when the platform gives it. Call it first in a benchmark.
func cpuPerOp(b *testing.B) {
	runtime.LockOSThread()
	start, ok := threadCPU()
	b.Cleanup(func() {
		defer runtime.UnlockOSThread()
		if end, _ := threadCPU(); ok && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	})
}

// BenchmarkDecode decodes an order record into Arrow builders: all six
// fields, and two (amount, status: a pruned GROUP BY status,
// SUM(amount)). check is the first pass alone, the cost of validating
// before appending; goavro and hamba decode the same payload into Go
// values, for scale.
func BenchmarkDecode(b *testing.B) {
	payload := encode(b, benchSchema, benchNative)
	f := mustFormat(b, benchSchema)
	nullable := map[string]any{}
	for k, v := range benchNative {
		name := map[string]string{"order_id": "long", "customer": "string", "amount": "double", "status": "Status", "country": "string",
			"created_at": "long.timestamp-millis"}[k]
		nullable[k] = goavro.Union(name, v)
	}
	type bench struct {
		name    string
		f       *Format
		payload []byte
		idx     []int
	}
	fn := mustFormat(b, benchNullable)
	for _, c := range []bench{
		{"fields=6", f, payload, all(f)},
		{"fields=2", f, payload, []int{2, 3}},
		{"nullable/fields=6", fn, encode(b, benchNullable, nullable), all(fn)},
	} {
		f, payload, idx := c.f, c.payload, c.idx
		dec, err := f.Decoder(idx)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			mem := memory.NewGoAllocator()
			bs := make([]array.Builder, len(idx))
			for k, i := range idx {
				bs[k] = array.NewBuilder(mem, f.Fields()[i].Type)
				defer bs[k].Release()
			}
			cpuPerOp(b)
			b.SetBytes(int64(len(payload)))
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if err := dec.Decode(payload, bs); err != nil {
					b.Fatal(err)
				}
				if i%8192 == 8191 { // a batch, then reserve the next as decode.Builder does
					for _, bl := range bs {
						data := 0
						if bb, ok := bl.(interface{ DataLen() int }); ok {
							data = bb.DataLen()
						}
						bl.NewArray().Release()
						bl.Reserve(8192)
						if bb, ok := bl.(interface{ ReserveData(int) }); ok {
							bb.ReserveData(data)
						}
					}
				}
			}
		})
		b.Run("check/"+c.name, func(b *testing.B) {
			d := dec.(*decoder)
			cpuPerOp(b)
			b.SetBytes(int64(len(payload)))
			b.ReportAllocs()
			for b.Loop() {
				d.empties = maxEmptyItems
				if _, err := d.check(d.top, payload, 0, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("goavro", func(b *testing.B) {
		c, err := goavro.NewCodec(benchSchema)
		if err != nil {
			b.Fatal(err)
		}
		cpuPerOp(b)
		b.SetBytes(int64(len(payload)))
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := c.NativeFromBinary(payload); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hamba", func(b *testing.B) {
		s := mustParse(b, benchSchema)
		var v struct {
			OrderID   int64   `avro:"order_id"`
			Customer  string  `avro:"customer"`
			Amount    float64 `avro:"amount"`
			Status    string  `avro:"status"`
			Country   string  `avro:"country"`
			CreatedAt int64   `avro:"created_at"`
		}
		cpuPerOp(b)
		b.SetBytes(int64(len(payload)))
		b.ReportAllocs()
		for b.Loop() {
			if err := hamba.Unmarshal(s, payload, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDecoderFor compiles a decoder: a scan does it once per writer
// schema and worker.
func BenchmarkDecoderFor(b *testing.B) {
	for _, schema := range []string{benchSchema, allTypes, linkedList} {
		f := mustFormat(b, schema)
		w := mustParse(b, schema)
		b.Run(f.reader.Name(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.DecoderFor(w, all(f)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
