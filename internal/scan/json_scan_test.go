package scan_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq/internal/decode"
	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/internal/scan"
)

var statuses = []string{"created", "paid", "shipped", "cancelled"}

// produceOrders writes n JSON orders per partition (every 50th value not
// JSON, every 70th a null value) and returns the per-status counts and
// amount sums of the decodable ones, the number of undecodable values,
// and the offset of the first one in partition 0.
func produceOrders(t *testing.T, c *cluster, topic string, partitions, n int) (count map[string]int64, sum map[string]float64, bad int64, firstBad int64) {
	count, sum = map[string]int64{}, map[string]float64{}
	firstBad = -1
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var recs []*kgo.Record
	for p := range partitions {
		for i := range n {
			r := &kgo.Record{Topic: topic, Partition: int32(p), Key: fmt.Appendf(nil, `{"customer":"c-%d"}`, i%17)}
			status := statuses[(i*7+p)%len(statuses)]
			amount := float64((i*31+p)%10000) / 100
			switch {
			case i%50 == 49:
				r.Value = []byte(`{"order_id": 1, "status": "paid", "amount": oops}`)
				bad++
				if p == 0 && firstBad < 0 {
					firstBad = int64(i)
				}
			case i%70 == 69:
				r.Value = nil
			default:
				r.Value = fmt.Appendf(nil, `{"order_id":%d,"customer":"c-%d","amount":%g,"status":%q,"created_at":%q,"offset":%d,"meta":{"n":[%d]}}`,
					p*1_000_000+i, i%17, amount, status, base.Add(time.Duration(i)*time.Second).Format(time.RFC3339), i, i)
				count[status]++
				sum[status] += amount
			}
			recs = append(recs, r)
		}
	}
	c.produce(t, recs...)
	return count, sum, bad, firstBad
}

// TestJSONDecode decodes JSON values in the scan with an inferred and a
// given schema and checks the typed columns against what was produced:
// per-status counts and amount sums, decode errors, the collision rule,
// key fields, and onDecodeError='fail'.
func TestJSONDecode(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(3, "orders"))
	count, sum, bad, firstBad := produceOrders(t, c, "orders", 3, 2000)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)

	for _, tc := range []struct {
		name, with string
		want       map[string]arrow.DataType
	}{
		{"inferred", "valueFormat='json', keyFormat='json', minPartitions=5", map[string]arrow.DataType{
			"order_id": arrow.PrimitiveTypes.Int64, "customer": arrow.BinaryTypes.String, "amount": arrow.PrimitiveTypes.Float64,
			"status": arrow.BinaryTypes.String, "created_at": decode.TimestampType,
			"meta": arrow.BinaryTypes.String, "offset": arrow.PrimitiveTypes.Int64,
			"value": arrow.StructOf(
				arrow.Field{Name: "order_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
				arrow.Field{Name: "customer", Type: arrow.BinaryTypes.String, Nullable: true},
				arrow.Field{Name: "amount", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
				arrow.Field{Name: "status", Type: arrow.BinaryTypes.String, Nullable: true},
				arrow.Field{Name: "created_at", Type: decode.TimestampType, Nullable: true},
				arrow.Field{Name: "offset", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
				arrow.Field{Name: "meta", Type: arrow.BinaryTypes.String, Nullable: true}),
			// The key's customer is shadowed by the value's: key.customer only.
			"key":       arrow.StructOf(arrow.Field{Name: "customer", Type: arrow.BinaryTypes.String, Nullable: true}),
			"partition": arrow.PrimitiveTypes.Int32,
		}},
		{"given", "valueSchema='status VARCHAR, amount DOUBLE, order_id INTEGER, created_at TIMESTAMP, meta JSON, offset BIGINT', maxRecordsPerPartition=700", map[string]arrow.DataType{
			"order_id": arrow.PrimitiveTypes.Int32, "amount": arrow.PrimitiveTypes.Float64, "status": arrow.BinaryTypes.String,
			"created_at": decode.TimestampType, "meta": arrow.BinaryTypes.String,
			"value": arrow.StructOf(
				arrow.Field{Name: "status", Type: arrow.BinaryTypes.String, Nullable: true},
				arrow.Field{Name: "amount", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
				arrow.Field{Name: "order_id", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
				arrow.Field{Name: "created_at", Type: decode.TimestampType, Nullable: true},
				arrow.Field{Name: "meta", Type: arrow.BinaryTypes.String, Nullable: true},
				arrow.Field{Name: "offset", Type: arrow.PrimitiveTypes.Int64, Nullable: true}),
			"key": arrow.BinaryTypes.Binary, "offset": arrow.PrimitiveTypes.Int64, "partition": arrow.PrimitiveTypes.Int32,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// value and key named: * alone hides decoded STRUCTs.
			s := c.scan(t, "SELECT *, value, key FROM kafka('orders') WITH ("+tc.with+")")
			s.AllFields = true // what the planner says for SELECT *
			st, err := scan.Start(t.Context(), s, c.config(mem))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Release()
			schema := st.Schema()
			for name, typ := range tc.want {
				idx := schema.FieldIndices(name)
				if len(idx) != 1 {
					t.Fatalf("no column %q in %v", name, schema)
				}
				if got := schema.Field(idx[0]).Type; !arrow.TypeEqual(got, typ) {
					t.Errorf("column %q is %v, want %v", name, got, typ)
				}
			}
			col := func(rec arrow.RecordBatch, name string) arrow.Array { return rec.Column(schema.FieldIndices(name)[0]) }
			gotCount, gotSum := map[string]int64{}, map[string]float64{}
			var rows int64
			for st.Next() {
				rec := st.RecordBatch()
				status := col(rec, "status").(*array.String)
				amount := col(rec, "amount").(*array.Float64)
				offs := col(rec, "offset").(*array.Int64)
				value := col(rec, "value").(*array.Struct)
				vst := value.Data().DataType().(*arrow.StructType)
				vi, _ := vst.FieldIdx("offset")
				voffs := value.Field(vi).(*array.Int64)
				created := col(rec, "created_at").(*array.Timestamp)
				meta := col(rec, "meta").(*array.String)
				for i := range int(rec.NumRows()) {
					rows++
					if status.IsNull(i) {
						if !amount.IsNull(i) || !created.IsNull(i) || value.IsValid(i) {
							t.Fatalf("offset %d: status NULL but other fields set", offs.Value(i))
						}
						continue
					}
					if !value.IsValid(i) {
						t.Fatalf("offset %d: value struct NULL but fields set", offs.Value(i))
					}
					gotCount[strings.Clone(status.Value(i))]++
					gotSum[strings.Clone(status.Value(i))] += amount.Value(i)
					if voffs.Value(i) != offs.Value(i) {
						t.Fatalf("value.offset %d at offset %d", voffs.Value(i), offs.Value(i))
					}
					if want := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(offs.Value(i)) * time.Second).UnixMicro(); int64(created.Value(i)) != want {
						t.Fatalf("created_at %d at offset %d, want %d", created.Value(i), offs.Value(i), want)
					}
					if want := fmt.Sprintf(`{"n":[%d]}`, offs.Value(i)); meta.Value(i) != want {
						t.Fatalf("meta %q, want %q", meta.Value(i), want)
					}
				}
			}
			if err := st.Err(); err != nil {
				t.Fatal(err)
			}
			if rows != 6000 {
				t.Errorf("%d rows, want 6000", rows)
			}
			if fmt.Sprint(gotCount) != fmt.Sprint(count) {
				t.Errorf("per-status counts %v, want %v", gotCount, count)
			}
			for k, v := range sum {
				if math.Abs(gotSum[k]-v) > 1e-6 {
					t.Errorf("sum(amount) for %s = %f, want %f", k, gotSum[k], v)
				}
			}
			if st.Stats().DecodeErrors != bad {
				t.Errorf("decodeErrors %d, want %d", st.Stats().DecodeErrors, bad)
			}
		})
	}

	t.Run("onDecodeError=fail", func(t *testing.T) {
		s := c.scan(t, "SELECT * FROM kafka('orders') WITH (valueFormat='json', onDecodeError='fail', startingOffsets='{\"orders\":{\"0\":0,\"1\":2000,\"2\":2000}}')")
		s.Fields = []plan.FieldRef{{Part: plan.PartValue, Name: "status"}}
		_, _, err := run(t, s, c.config(mem))
		var de *decode.DecodeError
		if !errors.As(err, &de) || de.Topic != "orders" || de.Partition != 0 || de.Offset != firstBad || de.Part != plan.ColValue {
			t.Fatalf("err = %v, want a *DecodeError at orders-0 offset %d", err, firstBad)
		}
		t.Log(err)
	})
}

// TestJSONPruning checks that only the fields the query uses are decoded
// and become columns, and that key fields are chosen by their part.
func TestJSONPruning(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(2, "orders"))
	count, sum, _, _ := produceOrders(t, c, "orders", 2, 500)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for _, tc := range []struct {
		fields []plan.FieldRef
		want   []string
	}{
		{[]plan.FieldRef{{Part: plan.PartValue, Name: "STATUS"}, {Part: plan.PartValue, Name: "amount"}}, []string{"partition", "amount", "status"}},
		{[]plan.FieldRef{{Part: plan.PartValue, Name: "offset", Qualified: true}, {Part: plan.PartKey, Name: "customer"}}, []string{"partition", "customer"}},
		{nil, []string{"partition"}},
	} {
		t.Run(fmt.Sprint(tc.fields), func(t *testing.T) {
			s := c.scan(t, "SELECT partition FROM kafka('orders') WITH (valueFormat='json', keyFormat='json')")
			s.Fields = tc.fields
			cfg := c.config(mem)
			st, err := scan.Start(t.Context(), s, cfg)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, f := range st.Schema().Fields() {
				names = append(names, f.Name)
			}
			if fmt.Sprint(names) != fmt.Sprint(tc.want) {
				t.Errorf("columns %v, want %v", names, tc.want)
			}
			gotCount, gotSum := map[string]int64{}, map[string]float64{}
			for st.Next() {
				rec := st.RecordBatch()
				if len(names) == 3 && names[2] == "status" {
					amount, status := rec.Column(1).(*array.Float64), rec.Column(2).(*array.String)
					for i := range status.Len() {
						if status.IsValid(i) {
							gotCount[strings.Clone(status.Value(i))]++
							gotSum[strings.Clone(status.Value(i))] += amount.Value(i)
						}
					}
				}
			}
			st.Release()
			if err := st.Err(); err != nil {
				t.Fatal(err)
			}
			if len(names) == 3 && names[2] == "status" {
				if fmt.Sprint(gotCount) != fmt.Sprint(count) {
					t.Errorf("counts %v, want %v", gotCount, count)
				}
				for k, v := range sum {
					if math.Abs(gotSum[k]-v) > 1e-6 {
						t.Errorf("sum %s = %f, want %f", k, gotSum[k], v)
					}
				}
			}
		})
	}
}
