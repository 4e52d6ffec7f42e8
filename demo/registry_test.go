package demo

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/internal/output"
)

// TestRegistryTopics: the Avro and Protobuf demo topics decode through the
// demo's registry to what the generator wrote: counts and amounts per
// status, and v2's channel default for the records written with v1.
func TestRegistryTopics(t *testing.T) {
	ctx := context.Background()
	b, err := Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	eng, err := kq.Open(kq.WithBrokers(b.Brokers()), kq.WithSchemaRegistry(b.RegistryURL()))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	for _, topic := range []Topic{Topics[3], Topics[4]} {
		count, cents, channels := map[string]int64{}, map[string]uint64{}, map[string]int64{}
		for p, r := range topic.Ranges {
			for off := r[0]; off < r[1]; off++ {
				rec := topic.record(int32(p), off)
				id := uint64(p)<<40 | uint64(off)
				o := newOrder(int32(p), off, mix(id^uint64(len(topic.Name))<<56), rec.Timestamp)
				count[o.status]++
				cents[o.status] += o.cents
				if off < avroV2From {
					o.channel = "web"
				}
				channels[o.channel]++
			}
		}
		var want []string
		for s := range count {
			want = append(want, fmt.Sprintf("%s,%d,%d", s, count[s], cents[s]))
		}
		sort.Strings(want)
		format := map[string]string{EncodingAvro: "avro", EncodingProtobuf: "protobuf"}[topic.Encoding]
		got := query(t, eng, fmt.Sprintf("SELECT status, COUNT(*), CAST(ROUND(SUM(amount) * 100) AS BIGINT) FROM kafka('%s') WITH (valueFormat='%s', minPartitions=4) GROUP BY status ORDER BY status", topic.Name, format))
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: %v, want %v", topic.Name, got, want)
		}
		if topic.Encoding == EncodingAvro {
			got := query(t, eng, "SELECT channel, COUNT(*) FROM kafka('orders_avro') WITH (valueFormat='avro') GROUP BY channel ORDER BY channel")
			if want := fmt.Sprintf("app,%d web,%d", channels["app"], channels["web"]); strings.Join(got, " ") != want {
				t.Errorf("channels %v, want %s", got, want)
			}
		}
	}
}

// query runs sql and returns its CSV rows without the header.
func query(t *testing.T, eng *kq.Engine, sql string) []string {
	t.Helper()
	rows, err := eng.Query(context.Background(), sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	defer rows.Release()
	var b strings.Builder
	if _, err := output.Write(&b, "csv", rows); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	return lines[1:]
}
