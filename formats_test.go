package kq_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/bufbuild/protocompile"
	"github.com/linkedin/goavro/v2"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/internal/kafkatest"
)

// The Avro schemas of the registry tests: v2 adds coupon with a default,
// and promotes qty from int to long.
const (
	avroV1 = `{"type":"record","name":"Sale","fields":[{"name":"id","type":"long"},{"name":"qty","type":"int"},` +
		`{"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},{"name":"note","type":["null","string"],"default":null}]}`
	avroV2 = `{"type":"record","name":"Sale","fields":[{"name":"id","type":"long"},{"name":"qty","type":"long"},` +
		`{"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},{"name":"note","type":["null","string"],"default":null},` +
		`{"name":"coupon","type":"string","default":"none"}]}`
)

// wire prepends the Confluent header (and a Protobuf message index).
func wire(id int, index []int, payload []byte) []byte {
	var h sr.ConfluentHeader
	b, _ := h.AppendEncode(nil, id, index)
	return append(b, payload...)
}

// TestAvroRegistry reads Avro written by an independent encoder (goavro)
// under two schema versions, in transactions (some aborted), at several
// splits: counts and sums equal the producer's, v1 records take v2's
// default, and bad payloads follow onDecodeError naming the schema id.
func TestAvroRegistry(t *testing.T) {
	ctx := context.Background()
	reg := srfake.New()
	defer reg.Close()
	reg.SeedSchema("sales-value", 1, 11, sr.Schema{Schema: avroV1, Type: sr.TypeAvro})
	reg.SeedSchema("sales-value", 2, 12, sr.Schema{Schema: avroV2, Type: sr.TypeAvro})
	c := kafkatest.New(t, kfake.SeedTopics(3, "sales", "broken"))
	v1, err := goavro.NewCodec(avroV1)
	if err != nil {
		t.Fatal(err)
	}
	v2, err := goavro.NewCodec(avroV2)
	if err != nil {
		t.Fatal(err)
	}
	var (
		txns                                    [][]*kgo.Record
		wantRows, wantQty, wantCents, wantNotes int64
		wantCoupons                             = map[string]int64{}
	)
	for txn := range 30 {
		aborted := txn%4 == 3
		var recs []*kgo.Record
		for i := range 50 {
			id := int64(txn*50 + i)
			cents := id*7 - 300 // negative prices too
			price := new(big.Rat).SetFrac64(cents, 100)
			note := goavro.Union("string", fmt.Sprintf("n%d", id))
			if id%3 == 0 {
				note = nil
			}
			var payload []byte
			var err error
			coupon := "none"
			if txn < 15 {
				payload, err = v1.BinaryFromNative(nil, map[string]any{"id": id, "qty": int32(id % 10), "price": price, "note": note})
				payload = wire(11, nil, payload)
			} else {
				coupon = []string{"spring", "none", "vip"}[id%3]
				payload, err = v2.BinaryFromNative(nil, map[string]any{"id": id, "qty": id % 10, "price": price, "note": note, "coupon": coupon})
				payload = wire(12, nil, payload)
			}
			if err != nil {
				t.Fatal(err)
			}
			recs = append(recs, &kgo.Record{Topic: "sales", Partition: int32(id % 3), Value: payload})
			if !aborted {
				wantRows++
				wantQty += id % 10
				wantCents += cents
				if id%3 != 0 {
					wantNotes++
				}
				wantCoupons[coupon]++
			}
		}
		txns = append(txns, recs)
	}
	if err := c.Transactions(ctx, "sales-producer", txns, func(i int) bool { return i%4 == 3 }); err != nil {
		t.Fatal(err)
	}
	eng, err := kq.Open(kq.WithBrokers(c.Brokers()), kq.WithSchemaRegistry(reg.URL()))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	for _, split := range []string{"", ", minPartitions=7", ", maxRecordsPerPartition=40, splitStrategy='spark'"} {
		got := rows(t, eng, `SELECT COUNT(*), SUM(qty), CAST(SUM(price) * 100 AS BIGINT), COUNT(note) FROM kafka('sales') WITH (valueFormat='avro'`+split+`)`)
		if want := fmt.Sprintf("%d|%d|%d|%d", wantRows, wantQty, wantCents, wantNotes); len(got) != 1 || got[0] != want {
			t.Fatalf("split %q: %v, want %s", split, got, want)
		}
	}
	got := rows(t, eng, `SELECT coupon, COUNT(*) FROM kafka('sales') WITH (valueFormat='avro') GROUP BY coupon ORDER BY coupon`)
	var want []string
	for _, k := range []string{"none", "spring", "vip"} {
		want = append(want, fmt.Sprintf("%s|%d", k, wantCoupons[k]))
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("coupons %v, want %v", got, want)
	}

	// Bad payloads: an unknown id, a wrong magic byte, a truncated body.
	good, _ := v1.BinaryFromNative(nil, map[string]any{"id": int64(1), "qty": int32(1), "price": big.NewRat(1, 1), "note": nil})
	bad := [][]byte{wire(99, nil, good), append([]byte{1}, wire(11, nil, good)[1:]...), wire(11, nil, good[:len(good)-1]), wire(11, nil, good)}
	var recs []*kgo.Record
	for _, b := range bad {
		recs = append(recs, &kgo.Record{Topic: "broken", Value: b})
	}
	if err := c.Produce(ctx, recs...); err != nil {
		t.Fatal(err)
	}
	got, st := rowsStats(t, eng, `SELECT COUNT(*), COUNT(id) FROM kafka('broken') WITH (valueFormat='avro', valueSubject='sales-value') WHERE offset >= 0`)
	if len(got) != 1 || got[0] != "4|1" || st.DecodeErrors != 3 {
		t.Fatalf("bad payloads: %v, %d decode errors; want 4 rows, 1 decoded, 3 errors", got, st.DecodeErrors)
	}
	_, err = eng.Query(ctx, `SELECT SUM(id) FROM kafka('broken') WITH (valueFormat='avro', valueSubject='sales-value', onDecodeError='fail')`)
	var de *kq.DecodeError
	if !errors.As(err, &de) || de.Topic != "broken" || de.Offset != 0 || !strings.Contains(err.Error(), "schema id 99") {
		t.Fatalf("onDecodeError='fail': %v, want a DecodeError at broken-0 offset 0 naming schema id 99", err)
	}
	// DESCRIBE says where the columns came from.
	desc := rows(t, eng, `DESCRIBE kafka('sales') WITH (valueFormat='avro')`)
	if !strings.Contains(strings.Join(desc, "\n"), "schema|value|avro subject sales-value version 2 (id 12)") {
		t.Errorf("DESCRIBE: %v", desc)
	}
}

// TestProtobufRegistry reads Protobuf written with dynamicpb (not kq's
// decoder) through the registry, and raw with protoFile.
func TestProtobufRegistry(t *testing.T) {
	ctx := context.Background()
	const schema = `syntax = "proto3";
package shop;
message Item { string sku = 1; int32 n = 2; }
message Order { int64 id = 1; repeated Item items = 2; map<string, double> tags = 3; oneof pay { string card = 4; int64 voucher = 5; } }
`
	reg := srfake.New()
	defer reg.Close()
	reg.SeedSchema("porders-value", 1, 21, sr.Schema{Schema: schema, Type: sr.TypeProtobuf})
	fd := compileProto(t, schema)
	md := fd.Messages().ByName("Order")
	c := kafkatest.New(t, kfake.SeedTopics(2, "porders"))
	var txns [][]*kgo.Record
	var wantRows, wantItems, wantN, wantCards int64
	for i := range 200 {
		if i%20 == 0 {
			txns = append(txns, nil)
		}
		aborted := len(txns)%3 == 0 // transactions 2, 5, 8 (0-based) are aborted
		var items0, n0, cards0 = wantItems, wantN, wantCards
		m := dynamicpb.NewMessage(md)
		m.Set(md.Fields().ByName("id"), protoreflect.ValueOf(int64(i)))
		items := m.Mutable(md.Fields().ByName("items")).List()
		for j := range i % 4 {
			it := dynamicpb.NewMessage(md.ParentFile().Messages().ByName("Item"))
			it.Set(it.Descriptor().Fields().ByName("sku"), protoreflect.ValueOf(fmt.Sprintf("s%d", j)))
			it.Set(it.Descriptor().Fields().ByName("n"), protoreflect.ValueOf(int32(j+1)))
			items.Append(protoreflect.ValueOf(it))
			wantItems++
			wantN += int64(j + 1)
		}
		if i%2 == 0 {
			m.Set(md.Fields().ByName("card"), protoreflect.ValueOf("visa"))
			wantCards++
		} else {
			m.Set(md.Fields().ByName("voucher"), protoreflect.ValueOf(int64(i)))
		}
		b, err := proto.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		txns[len(txns)-1] = append(txns[len(txns)-1], &kgo.Record{Topic: "porders", Partition: int32(i % 2), Value: wire(21, []int{1}, b)})
		if aborted {
			wantItems, wantN, wantCards = items0, n0, cards0
		} else {
			wantRows++
		}
	}
	if err := c.Transactions(ctx, "porders-producer", txns, func(i int) bool { return (i+1)%3 == 0 }); err != nil {
		t.Fatal(err)
	}
	eng, err := kq.Open(kq.WithBrokers(c.Brokers()), kq.WithSchemaRegistry(reg.URL()))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	for _, split := range []string{"", ", minPartitions=5", ", maxRecordsPerPartition=30, splitStrategy='spark'"} {
		got := rows(t, eng, `SELECT COUNT(*), SUM(len(items)), SUM(list_sum(list_transform(items, x -> x.n))), COUNT(value.pay.card) FROM kafka('porders') WITH (valueFormat='protobuf', protoMessage='shop.Order'`+split+`)`)
		if want := fmt.Sprintf("%d|%d|%d|%d", wantRows, wantItems, wantN, wantCards); len(got) != 1 || got[0] != want {
			t.Fatalf("protobuf%s: %v, want %s", split, got, want)
		}
	}
}

// TestJSONSchemaRegistry reads Confluent-framed JSON with the fields of a
// registered JSON Schema.
func TestJSONSchemaRegistry(t *testing.T) {
	ctx := context.Background()
	reg := srfake.New()
	defer reg.Close()
	reg.SeedSchema("events-value", 1, 31, sr.Schema{Type: sr.TypeJSON, Schema: `{"type":"object","properties":{"n":{"type":"integer"},"at":{"type":"string","format":"date-time"},"tag":{"type":["null","string"]}}}`})
	c := kafkatest.New(t, kfake.SeedTopics(1, "events"))
	var recs []*kgo.Record
	for i := range 10 {
		recs = append(recs, &kgo.Record{Topic: "events", Value: wire(31, nil, fmt.Appendf(nil, `{"n":%d,"at":"2026-01-01T00:00:%02dZ","tag":"t"}`, i, i))})
	}
	recs = append(recs, &kgo.Record{Topic: "events", Value: []byte(`{"n":100}`)}) // no header: a decode error
	if err := c.Produce(ctx, recs...); err != nil {
		t.Fatal(err)
	}
	eng, err := kq.Open(kq.WithBrokers(c.Brokers()), kq.WithSchemaRegistry(reg.URL()))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	got, st := rowsStats(t, eng, `SELECT SUM(n), MAX(at), COUNT(tag) FROM kafka('events') WITH (valueFormat='jsonschema')`)
	if len(got) != 1 || got[0] != "45|2026-01-01T00:00:09.000000Z|10" || st.DecodeErrors != 1 {
		t.Fatalf("jsonschema: %v, %d decode errors", got, st.DecodeErrors)
	}
}

// TestFormatErrors: a registry format without a registry, an unknown
// subject, an unreachable registry: clear errors with positions.
func TestFormatErrors(t *testing.T) {
	c := kafkatest.New(t, kfake.SeedTopics(1, "t"))
	if err := c.Produce(context.Background(), &kgo.Record{Topic: "t", Value: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	eng, err := kq.Open(kq.WithBrokers(c.Brokers()), kq.WithTimeout(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	reg := srfake.New()
	defer reg.Close()
	for _, tc := range []struct{ sql, want string }{
		{`SELECT * FROM kafka('t') WITH (valueFormat='avro')`, "1:32: valueFormat='avro' needs a schema registry"},
		{`SELECT * FROM kafka('t') WITH (valueFormat='avro', schemaRegistry='` + reg.URL() + `')`, `has no subject "t-value"`},
		{`SELECT * FROM kafka('t') WITH (valueFormat='protobuf', schemaRegistry='http://127.0.0.1:1')`, "schema registry at http://127.0.0.1:1"},
	} {
		_, err := eng.Query(context.Background(), tc.sql)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.sql, err, tc.want)
		}
	}
}

// compileProto compiles a .proto text with protocompile for the test's
// encoder (dynamicpb); kq decodes with its own wire decoder.
func compileProto(t *testing.T, schema string) protoreflect.FileDescriptor {
	t.Helper()
	comp := protocompile.Compiler{Resolver: &protocompile.SourceResolver{Accessor: protocompile.SourceAccessorFromMap(map[string]string{"t.proto": schema})}}
	files, err := comp.Compile(context.Background(), "t.proto")
	if err != nil {
		t.Fatal(err)
	}
	return files[0]
}
