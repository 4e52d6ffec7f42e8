package scan_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq/internal/kafkatest"
)

// TestHeadersAndCompression writes each partition with another codec and
// checks every column of every record, headers included: NULL (not an
// empty list) for a record without headers, NULL for a header without a
// value, NULL keys and values.
func TestHeadersAndCompression(t *testing.T) {
	codecs := []kgo.CompressionCodec{kgo.NoCompression(), kgo.GzipCompression(), kgo.SnappyCompression(), kgo.Lz4Compression(), kgo.ZstdCompression()}
	c := newCluster(t, kfake.SeedTopics(int32(len(codecs)), "h"))
	const n = 400
	for p, codec := range codecs {
		cl, err := c.NewClient(kgo.ProducerBatchCompression(codec))
		if err != nil {
			t.Fatal(err)
		}
		var recs []*kgo.Record
		for i := range n {
			r := &kgo.Record{Topic: "h", Partition: int32(p), Value: fmt.Appendf(nil, "v%d-%d", p, i)}
			if i%3 != 0 {
				r.Key = fmt.Appendf(nil, "k%d", i)
			}
			if i%5 == 0 {
				r.Value = nil
			}
			if i%2 == 0 {
				r.Headers = []kgo.RecordHeader{{Key: "a", Value: []byte{byte(i)}}, {Key: "nil"}}
			}
			recs = append(recs, r)
		}
		if err := kafkatest.ProduceWith(context.Background(), cl, recs...); err != nil {
			t.Fatal(err)
		}
		cl.Close()
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)

	_, cst, err := run(t, c.scan(t, "SELECT COUNT(*) FROM kafka('h')"), c.config(mem))
	if err != nil || cst.Rows != int64(n*len(codecs)) {
		t.Fatalf("COUNT(*) = %d, %v; want %d", cst.Rows, err, n*len(codecs))
	}
	s := c.scan(t, "SELECT partition, offset, key, value, headers FROM kafka('h') WITH (includeHeaders=true, minPartitions=7)")
	st, err := startScan(t, s, c.config(mem))
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	for st.Next() {
		rec := st.RecordBatch()
		col := func(name string) any { return rec.Column(rec.Schema().FieldIndices(name)[0]) } // scan columns are in schema order
		ps, offs := col("partition").(*array.Int32), col("offset").(*array.Int64)
		keys, vals := col("key").(*array.Binary), col("value").(*array.Binary)
		hs := col("headers").(*array.List)
		hst := hs.ListValues().(*array.Struct)
		hk, hv := hst.Field(0).(*array.String), hst.Field(1).(*array.Binary)
		for r := range int(rec.NumRows()) {
			rows++
			p, i := ps.Value(r), int(offs.Value(r))
			if wantNull := i%3 == 0; keys.IsNull(r) != wantNull || (!wantNull && string(keys.Value(r)) != fmt.Sprintf("k%d", i)) {
				t.Fatalf("%d-%d: key %q (null %v)", p, i, keys.Value(r), keys.IsNull(r))
			}
			if wantNull := i%5 == 0; vals.IsNull(r) != wantNull || (!wantNull && string(vals.Value(r)) != fmt.Sprintf("v%d-%d", p, i)) {
				t.Fatalf("%d-%d: value %q (null %v)", p, i, vals.Value(r), vals.IsNull(r))
			}
			if i%2 != 0 {
				if hs.IsValid(r) {
					t.Fatalf("%d-%d: headers not NULL for a record without any", p, i)
				}
				continue
			}
			lo, hi := hs.ValueOffsets(r)
			if !hs.IsValid(r) || hi-lo != 2 || hk.Value(int(lo)) != "a" || string(hv.Value(int(lo))) != string([]byte{byte(i)}) || hk.Value(int(lo+1)) != "nil" || hv.IsValid(int(lo+1)) {
				t.Fatalf("%d-%d: headers wrong", p, i)
			}
		}
	}
	st.Release()
	if err := st.Err(); err != nil {
		t.Fatal(err)
	}
	if rows != n*len(codecs) {
		t.Fatalf("%d rows, want %d", rows, n*len(codecs))
	}
}
