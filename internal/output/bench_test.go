package output

import (
	"fmt"
	"io"
	"math/rand/v2"
	"syscall"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// benchRows is how many rows a benchmark batch holds, as a scan's batches
// do (decode.Builder flushes at 8192 rows).
const benchRows = 8192

var benchStatuses = []string{"created", "paid", "shipped", "delivered", "cancelled"}
var benchCountries = []string{"DE", "NL", "FR", "US", "GB", "PL"}

// benchShapes are the batches the benchmarks write: "fields" is what
// SELECT * with valueFormat='json' returns today (the Kafka columns but
// the value, then its fields; timestamps in µs, UTC), "json" the same
// with the value as a STRUCT too (SELECT *, value) and millisecond
// timestamps, "raw" the Kafka columns with the value as its JSON bytes.
var benchShapes = []string{"fields", "json", "raw"}

// demoBatch is a batch shaped like the demo's orders (see benchShapes).
func demoBatch(mem memory.Allocator, shape string) arrow.RecordBatch {
	raw, fieldsOnly := shape == "raw", shape == "fields"
	ts := &arrow.TimestampType{Unit: arrow.Millisecond}
	unit := int64(1)
	if fieldsOnly {
		ts = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
		unit = 1000
	}
	fieldsOf := []arrow.Field{
		{Name: "order_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "customer", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "amount", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "status", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "country", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "created_at", Type: ts, Nullable: true},
	}
	valueType := arrow.DataType(arrow.StructOf(fieldsOf...))
	if raw {
		valueType = arrow.BinaryTypes.Binary
	}
	fields := []arrow.Field{
		{Name: "key", Type: arrow.BinaryTypes.Binary, Nullable: true},
		{Name: "value", Type: valueType, Nullable: true},
		{Name: "topic", Type: arrow.BinaryTypes.String},
		{Name: "partition", Type: arrow.PrimitiveTypes.Int32},
		{Name: "offset", Type: arrow.PrimitiveTypes.Int64},
		{Name: "timestamp", Type: ts},
		{Name: "timestampType", Type: arrow.PrimitiveTypes.Int32},
	}
	if fieldsOnly {
		fields = append(fields[:1], fields[2:]...)
	}
	if !raw {
		fields = append(fields, fieldsOf...)
	}
	b := array.NewRecordBuilder(mem, arrow.NewSchema(fields, nil))
	defer b.Release()
	r := rand.New(rand.NewPCG(1, 2))
	t0 := int64(1767225600000)
	for i := range benchRows {
		id := int64(1000 + i)
		customer := fmt.Sprintf("c-%04d", r.IntN(5000))
		amount := float64(r.IntN(100000)) / 100
		status := benchStatuses[r.IntN(len(benchStatuses))]
		country := benchCountries[r.IntN(len(benchCountries))]
		at := (t0 + int64(i)*10000) * unit
		b.Field(0).(*array.BinaryBuilder).Append([]byte(customer))
		if fieldsOnly {
			b.Field(1).(*array.StringBuilder).Append("orders")
			b.Field(2).(*array.Int32Builder).Append(int32(i % 3))
			b.Field(3).(*array.Int64Builder).Append(id)
			b.Field(4).(*array.TimestampBuilder).Append(arrow.Timestamp(at))
			b.Field(5).(*array.Int32Builder).Append(0)
			appendOrder(func(j int) array.Builder { return b.Field(6 + j) }, id, customer, amount, status, country, at)
			continue
		}
		if raw {
			b.Field(1).(*array.BinaryBuilder).Append(fmt.Appendf(nil, `{"order_id":%d,"customer":%q,"amount":%v,"status":%q,"country":%q,"created_at":"2026-01-01T02:46:40.000Z"}`, id, customer, amount, status, country))
		} else {
			sb := b.Field(1).(*array.StructBuilder)
			sb.Append(true)
			appendOrder(sb.FieldBuilder, id, customer, amount, status, country, at)
		}
		b.Field(2).(*array.StringBuilder).Append("orders")
		b.Field(3).(*array.Int32Builder).Append(int32(i % 3))
		b.Field(4).(*array.Int64Builder).Append(id)
		b.Field(5).(*array.TimestampBuilder).Append(arrow.Timestamp(at))
		b.Field(6).(*array.Int32Builder).Append(0)
		if !raw {
			appendOrder(func(j int) array.Builder { return b.Field(7 + j) }, id, customer, amount, status, country, at)
		}
	}
	return b.NewRecordBatch()
}

func appendOrder(field func(int) array.Builder, id int64, customer string, amount float64, status, country string, at int64) {
	field(0).(*array.Int64Builder).Append(id)
	field(1).(*array.StringBuilder).Append(customer)
	field(2).(*array.Float64Builder).Append(amount)
	field(3).(*array.StringBuilder).Append(status)
	field(4).(*array.StringBuilder).Append(country)
	field(5).(*array.TimestampBuilder).Append(arrow.Timestamp(at))
}

// BenchmarkWrite writes demo-shaped batches in every format to
// io.Discard; ns/row is the figure to compare (text formats against
// Arrow IPC).
func BenchmarkWrite(b *testing.B) {
	for _, shape := range benchShapes {
		rec := demoBatch(memory.DefaultAllocator, shape)
		for _, f := range Formats {
			b.Run(shape+"/"+string(f), func(b *testing.B) {
				const batches = 4
				recs := make([]arrow.RecordBatch, batches)
				for i := range recs {
					recs[i] = rec
				}
				b.ResetTimer()
				cpu0 := processCPU()
				for range b.N {
					rr, err := array.NewRecordReader(rec.Schema(), recs)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := Write(io.Discard, f, rr); err != nil {
						b.Fatal(err)
					}
					rr.Release()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batches*benchRows), "ns/row")
				b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N*batches*benchRows), "cpu-ns/row")
			})
		}
		rec.Release()
	}
}

// processCPU is the CPU time the process has used (user and system, every
// thread, the garbage collector's too), in nanoseconds: on a shared
// machine a steadier figure than the wall time.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkWriteReference is BenchmarkWrite with the writers this package
// had before they were rewritten (reference_test.go): the "before" of
// their speed-up, measured under the same conditions.
func BenchmarkWriteReference(b *testing.B) {
	writers := map[Format]func(io.Writer, array.RecordReader) (int64, error){
		Table:  refWriteTable,
		CSV:    refWriteCSV,
		JSON:   func(w io.Writer, rr array.RecordReader) (int64, error) { return refWriteJSON(w, rr, false) },
		NDJSON: func(w io.Writer, rr array.RecordReader) (int64, error) { return refWriteJSON(w, rr, true) },
	}
	for _, shape := range benchShapes {
		rec := demoBatch(memory.DefaultAllocator, shape)
		for _, f := range []Format{Table, CSV, JSON, NDJSON} {
			b.Run(shape+"/"+string(f), func(b *testing.B) {
				const batches = 1
				for range b.N {
					rr, err := array.NewRecordReader(rec.Schema(), []arrow.RecordBatch{rec})
					if err != nil {
						b.Fatal(err)
					}
					if _, err := writers[f](io.Discard, rr); err != nil {
						b.Fatal(err)
					}
					rr.Release()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batches*benchRows), "ns/row")
			})
		}
		rec.Release()
	}
}
