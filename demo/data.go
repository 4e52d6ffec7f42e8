package demo

import (
	"fmt"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Topic describes one topic of the demo data.
type Topic struct {
	// Name is the topic name.
	Name string
	// Partitions is the number of partitions.
	Partitions int
	// Ranges holds, per partition, [earliest, latest): records below
	// earliest were produced and then deleted (DeleteRecords), so offsets
	// look like those of a long-running topic. Nil for the transactional
	// topic, whose offsets include markers and aborted records.
	Ranges [][2]int64
	// Transactional topics are written in transactions, every fifth one
	// aborted.
	Transactional bool
	// Encoding is how the values are written: "" for JSON, EncodingAvro
	// or EncodingProtobuf for the Confluent wire format with schemas in
	// the demo's registry.
	Encoding string
}

// Value encodings of the registry topics.
const (
	EncodingAvro     = "avro"
	EncodingProtobuf = "protobuf"
)

const (
	demoTxns    = 50
	demoTxnSize = 100
)

// Topics is the demo data set: orders and payments with the offsets of the
// worked splitting example of the README; ledger, a transactional topic
// with 50 transactions of 100 records over 2 partitions, every fifth
// aborted (4000 committed records); and orders_avro and orders_proto,
// orders in the Confluent wire format with schemas in the demo's Schema
// Registry (orders_avro under two schema versions, the second adding a
// field with a default).
var Topics = []Topic{
	{Name: "orders", Partitions: 3, Ranges: [][2]int64{{1000, 151000}, {2000, 82000}, {5000, 35000}}},
	{Name: "payments", Partitions: 1, Ranges: [][2]int64{{100, 40100}}},
	{Name: "ledger", Partitions: 2, Transactional: true},
	{Name: "orders_avro", Partitions: 2, Ranges: [][2]int64{{0, 5000}, {0, 5000}}, Encoding: EncodingAvro},
	{Name: "orders_proto", Partitions: 2, Ranges: [][2]int64{{0, 5000}, {0, 5000}}, Encoding: EncodingProtobuf},
}

// demoEpoch is the timestamp of the first demo record.
var demoEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

var (
	demoStatuses  = []string{"created", "paid", "shipped", "delivered", "cancelled"}
	demoCountries = []string{"DE", "FR", "US", "GB", "JP", "BR", "IN", "NL"}
	demoMethods   = []string{"card", "paypal", "bank_transfer", "voucher"}
)

// mix is splitmix64: a deterministic hash for reproducible demo values.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// record returns the demo record of topic t at (partition, offset).
func (t Topic) record(p int32, off int64) *kgo.Record {
	id := uint64(p)<<40 | uint64(off)
	h := mix(id ^ uint64(len(t.Name))<<56)
	ts := demoEpoch.Add(time.Duration(off) * 10 * time.Second).Add(time.Duration(p) * time.Second)
	r := &kgo.Record{Topic: t.Name, Partition: p, Timestamp: ts}
	switch {
	case t.Encoding != "":
		o := newOrder(p, off, h, ts)
		r.Key = []byte(o.customer)
		r.Value = t.encode(o, off)
	case t.Name == "orders":
		orderID := int64(p)*1_000_000 + off
		customer := fmt.Sprintf("c-%04d", h%5000)
		r.Key = []byte(customer)
		r.Value = fmt.Appendf(nil, `{"order_id":%d,"customer":%q,"amount":%s,"status":%q,"country":%q,"created_at":%q}`,
			orderID, customer, cents(h>>13%50000+100), demoStatuses[h>>32%uint64(len(demoStatuses))],
			demoCountries[h>>40%uint64(len(demoCountries))], ts.Format(time.RFC3339))
		if off%7 == 0 {
			r.Headers = []kgo.RecordHeader{{Key: "source", Value: []byte([]string{"web", "app"}[h%2])}, {Key: "trace-id", Value: []byte(strconv.FormatUint(h, 16))}}
		}
	case t.Name == "payments":
		r.Key = []byte(strconv.FormatInt(off, 10))
		r.Value = fmt.Appendf(nil, `{"payment_id":%d,"order_id":%d,"amount":%s,"method":%q,"paid_at":%q}`,
			off, int64(h%3)*1_000_000+int64(h>>8%80000), cents(h>>13%50000+100), demoMethods[h>>32%uint64(len(demoMethods))], ts.Format(time.RFC3339))
	default:
		r.Key = []byte(fmt.Sprintf("acct-%03d", h%100))
		r.Value = fmt.Appendf(nil, `{"entry":%d,"account":"acct-%03d","delta":%s}`, off, h%100, cents(h>>13%20000))
	}
	return r
}

// cents prints n hundredths as a decimal ("12.34").
func cents(n uint64) string { return fmt.Sprintf("%d.%02d", n/100, n%100) }
