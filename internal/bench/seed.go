package bench

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq/internal/kafkatest"
)

// Topic and partitions of the bulk topic `make bench` reads.
const (
	DefaultTopic      = "bulk"
	DefaultPartitions = 6
)

var (
	statuses  = []string{"created", "paid", "shipped", "delivered", "cancelled"}
	countries = []string{"DE", "FR", "US", "GB", "JP", "BR", "IN", "NL"}
	epoch     = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
)

// mix is splitmix64, for reproducible values.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Status returns the status field of record i, for checks of GROUP BY
// results.
func Status(i int64) string { return statuses[mix(uint64(i))>>32%uint64(len(statuses))] }

// Country returns the country field of record i.
func Country(i int64) string { return countries[mix(uint64(i))>>40%uint64(len(countries))] }

// OrderKey appends the key of record i (a customer id such as "c-0042")
// to dst.
func OrderKey(dst []byte, i int64) []byte {
	h := mix(uint64(i))
	dst = append(dst, "c-"...)
	c := h % 5000
	for _, d := range []uint64{1000, 100, 10, 1} {
		dst = append(dst, byte('0'+c/d%10))
	}
	return dst
}

// OrderValue appends the JSON value of record i to dst: an order shaped
// like the demo data's (order_id, customer, amount, status, country,
// created_at), 110–120 bytes.
func OrderValue(dst []byte, i int64) []byte {
	h := mix(uint64(i))
	dst = append(dst, `{"order_id":`...)
	dst = strconv.AppendInt(dst, i, 10)
	dst = append(dst, `,"customer":"`...)
	dst = OrderKey(dst, i)
	dst = append(dst, `","amount":`...)
	cents := h>>13%50000 + 100
	dst = strconv.AppendUint(dst, cents/100, 10)
	dst = append(dst, '.', byte('0'+cents/10%10), byte('0'+cents%10))
	dst = append(dst, `,"status":"`...)
	dst = append(dst, statuses[h>>32%uint64(len(statuses))]...)
	dst = append(dst, `","country":"`...)
	dst = append(dst, Country(i)...)
	dst = append(dst, `","created_at":"`...)
	dst = epoch.Add(time.Duration(i)*time.Second).AppendFormat(dst, time.RFC3339)
	return append(dst, `"}`...)
}

// AvroSchema is the Avro schema of the bulk topic's Avro copy (subject
// <topic>_avro-value, id AvroSchemaID): the fields of OrderValue, with
// created_at as timestamp-millis.
const AvroSchema = `{"type":"record","name":"Order","namespace":"bench","fields":[` +
	`{"name":"order_id","type":"long"},{"name":"customer","type":"string"},{"name":"amount","type":"double"},` +
	`{"name":"status","type":"string"},{"name":"country","type":"string"},` +
	`{"name":"created_at","type":{"type":"long","logicalType":"timestamp-millis"}}]}`

// AvroSchemaID is the registry id of AvroSchema.
const AvroSchemaID = 1

// OrderAvro appends the Avro value of record i to dst, in the Confluent
// wire format (magic byte 0, AvroSchemaID, the payload): the same order
// as OrderValue's, encoded by hand (zigzag varints, length-prefixed
// strings, little-endian doubles), about 50 bytes.
func OrderAvro(dst []byte, i int64) []byte {
	h := mix(uint64(i))
	dst = append(dst, 0, 0, 0, 0, AvroSchemaID)
	dst = binary.AppendVarint(dst, i)
	k := len(dst)
	dst = append(dst, 0) // the customer's length: 6 bytes, one varint byte
	dst = OrderKey(dst, i)
	dst[k] = byte(2 * (len(dst) - k - 1))
	cents := h>>13%50000 + 100
	dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(float64(cents)/100))
	status := statuses[h>>32%uint64(len(statuses))]
	dst = append(binary.AppendVarint(dst, int64(len(status))), status...)
	country := Country(i)
	dst = append(binary.AppendVarint(dst, int64(len(country))), country...)
	return binary.AppendVarint(dst, epoch.Add(time.Duration(i)*time.Second).UnixMilli())
}

// SeedStats describes a seeded topic.
type SeedStats struct {
	Topic      string        `json:"topic"`
	Partitions int           `json:"partitions"`
	Records    int64         `json:"records"`
	Bytes      int64         `json:"bytes"` // keys plus values
	Elapsed    time.Duration `json:"elapsedNs"`
}

// Seed creates topic in c with the given number of partitions and
// produces n order records to it (record i to partition i mod partitions,
// with the key OrderKey(i), the value OrderValue(i) and timestamp
// epoch+i s), and waits until every record is acknowledged. It returns the
// first produce error.
//
// The records are made while they are produced, never held all at once,
// by a client of c (kafkatest's 1 MiB batches) tuned for speed:
// uncompressed, acknowledged by the leader alone, without idempotence, a
// 2 ms linger and up to 256 Ki records buffered.
func Seed(ctx context.Context, c *kafkatest.Cluster, topic string, partitions int, n int64) (SeedStats, error) {
	return seed(ctx, c, topic, partitions, n, OrderValue)
}

// SeedAvro is Seed with the values OrderAvro writes.
func SeedAvro(ctx context.Context, c *kafkatest.Cluster, topic string, partitions int, n int64) (SeedStats, error) {
	return seed(ctx, c, topic, partitions, n, OrderAvro)
}

func seed(ctx context.Context, c *kafkatest.Cluster, topic string, partitions int, n int64, value func([]byte, int64) []byte) (SeedStats, error) {
	start := time.Now()
	st := SeedStats{Topic: topic, Partitions: partitions, Records: n}
	cl, err := c.NewClient(
		kgo.ProducerLinger(2*time.Millisecond),
		kgo.MaxBufferedRecords(256<<10),
		kgo.ProducerBatchCompression(kgo.NoCompression()),
		kgo.RequiredAcks(kgo.LeaderAck()),
		kgo.DisableIdempotentWrite(),
	)
	if err != nil {
		return st, err
	}
	defer cl.Close()
	if err := c.CreateTopic(ctx, topic, partitions, nil); err != nil {
		return st, err
	}
	var (
		firstErr atomic.Pointer[error]
		bytes    atomic.Int64
		wg       sync.WaitGroup
	)
	promise := func(_ *kgo.Record, err error) {
		if err != nil {
			firstErr.CompareAndSwap(nil, &err)
		}
	}
	// Two producers build records in parallel; each record owns its
	// key and value slices (kgo holds them until acknowledged), carved
	// from a shared chunk to keep allocations few.
	const gens = 2
	for g := 0; g < gens; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var chunk []byte
			var sum int64
			for i := int64(g); i < n; i += gens {
				if firstErr.Load() != nil || ctx.Err() != nil {
					break
				}
				if cap(chunk)-len(chunk) < 256 {
					chunk = make([]byte, 0, 1<<20)
				}
				k0 := len(chunk)
				chunk = OrderKey(chunk, i)
				v0 := len(chunk)
				chunk = value(chunk, i)
				r := &kgo.Record{
					Topic:     topic,
					Partition: int32(i % int64(partitions)),
					Key:       chunk[k0:v0:v0],
					Value:     chunk[v0:len(chunk):len(chunk)],
					Timestamp: epoch.Add(time.Duration(i) * time.Second),
				}
				sum += int64(len(chunk) - k0)
				cl.Produce(ctx, r, promise)
			}
			bytes.Add(sum)
		}()
	}
	wg.Wait()
	if err := cl.Flush(ctx); err != nil {
		return st, err
	}
	if p := firstErr.Load(); p != nil {
		return st, fmt.Errorf("produce: %w", *p)
	}
	if err := ctx.Err(); err != nil {
		return st, err
	}
	st.Bytes = bytes.Load()
	st.Elapsed = time.Since(start)
	return st, nil
}

// errNoRecords is returned for a topic size below one.
var errNoRecords = errors.New("records must be at least 1")
