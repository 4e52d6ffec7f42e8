package demo

import (
	"encoding/binary"
	"math"
	"time"

	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"
	"google.golang.org/protobuf/encoding/protowire"
)

// The demo registry's schemas. orders_avro-value has two versions: v2 adds
// channel with a default, and the records at offsets from avroV2From on
// are written with it.
const (
	avroOrderV1 = `{"type":"record","name":"Order","namespace":"shop","fields":[` +
		`{"name":"order_id","type":"long"},{"name":"customer","type":"string"},{"name":"amount","type":"double"},` +
		`{"name":"status","type":{"type":"enum","name":"Status","symbols":["created","paid","shipped","delivered","cancelled"]}},` +
		`{"name":"country","type":"string"},{"name":"created_at","type":{"type":"long","logicalType":"timestamp-millis"}}]}`
	avroOrderV2 = `{"type":"record","name":"Order","namespace":"shop","fields":[` +
		`{"name":"order_id","type":"long"},{"name":"customer","type":"string"},{"name":"amount","type":"double"},` +
		`{"name":"status","type":{"type":"enum","name":"Status","symbols":["created","paid","shipped","delivered","cancelled"]}},` +
		`{"name":"country","type":"string"},{"name":"created_at","type":{"type":"long","logicalType":"timestamp-millis"}},` +
		`{"name":"channel","type":"string","default":"web"}]}`
	protoOrder = `syntax = "proto3";
package shop;
import "google/protobuf/timestamp.proto";
message Order {
  int64 order_id = 1;
  string customer = 2;
  double amount = 3;
  string status = 4;
  string country = 5;
  google.protobuf.Timestamp created_at = 6;
}
`
	avroV1ID, avroV2ID, protoID = 1, 2, 3
	avroV2From                  = 2500
)

// startRegistry starts the demo's Schema Registry (franz-go's srfake) with
// the schemas of the registry topics.
func startRegistry() *srfake.Registry {
	reg := srfake.New()
	reg.SeedSchema("orders_avro-value", 1, avroV1ID, sr.Schema{Schema: avroOrderV1, Type: sr.TypeAvro})
	reg.SeedSchema("orders_avro-value", 2, avroV2ID, sr.Schema{Schema: avroOrderV2, Type: sr.TypeAvro})
	reg.SeedSchema("orders_proto-value", 1, protoID, sr.Schema{Schema: protoOrder, Type: sr.TypeProtobuf})
	return reg
}

// order is one demo order, as the registry topics carry it.
type order struct {
	id                        int64
	customer, country, status string
	cents                     uint64
	created                   time.Time
	channel                   string
}

func newOrder(p int32, off int64, h uint64, ts time.Time) order {
	return order{
		id:       int64(p)*1_000_000 + off,
		customer: "c-" + pad4(h%5000),
		cents:    h>>13%50000 + 100,
		status:   demoStatuses[h>>32%uint64(len(demoStatuses))],
		country:  demoCountries[h>>40%uint64(len(demoCountries))],
		created:  ts,
		channel:  []string{"web", "app"}[h%2],
	}
}

func pad4(n uint64) string {
	b := []byte{'0', '0', '0', '0'}
	for i := 3; i >= 0 && n > 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b)
}

// encode writes o in the topic's wire format: magic byte 0, the schema id,
// for Protobuf the message index (0: the first message), then the payload.
// The encoders are written here by hand, independent of the decoders kq
// reads them with.
func (t Topic) encode(o order, off int64) []byte {
	b := []byte{0, 0, 0, 0, 0}
	if t.Encoding == EncodingProtobuf {
		binary.BigEndian.PutUint32(b[1:], protoID)
		b = append(b, 0)
		b = protowire.AppendTag(b, 1, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(o.id))
		b = protowire.AppendTag(b, 2, protowire.BytesType)
		b = protowire.AppendString(b, o.customer)
		b = protowire.AppendTag(b, 3, protowire.Fixed64Type)
		b = protowire.AppendFixed64(b, math.Float64bits(float64(o.cents)/100))
		b = protowire.AppendTag(b, 4, protowire.BytesType)
		b = protowire.AppendString(b, o.status)
		b = protowire.AppendTag(b, 5, protowire.BytesType)
		b = protowire.AppendString(b, o.country)
		var ts []byte
		ts = protowire.AppendTag(ts, 1, protowire.VarintType)
		ts = protowire.AppendVarint(ts, uint64(o.created.Unix()))
		b = protowire.AppendTag(b, 6, protowire.BytesType)
		return protowire.AppendBytes(b, ts)
	}
	id := uint32(avroV1ID)
	if off >= avroV2From {
		id = avroV2ID
	}
	binary.BigEndian.PutUint32(b[1:], id)
	b = binary.AppendVarint(b, o.id)
	b = avroString(b, o.customer)
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(float64(o.cents)/100))
	for i, s := range demoStatuses {
		if s == o.status {
			b = binary.AppendVarint(b, int64(i))
		}
	}
	b = avroString(b, o.country)
	b = binary.AppendVarint(b, o.created.UnixMilli())
	if id == avroV2ID {
		b = avroString(b, o.channel)
	}
	return b
}

// avroString appends an Avro string: its length as a zigzag varint, then
// its bytes.
func avroString(b []byte, s string) []byte {
	return append(binary.AppendVarint(b, int64(len(s))), s...)
}
