package plan

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// The test cluster: a kfake broker seeded like kq's demo data (orders and
// payments with the seed example's offsets, records below the start offset
// deleted), plus small topics with chosen timestamps. Built once in TestMain
// and only read by the tests.
var (
	testAdmin   *kadm.Client
	testBrokers []string
)

// fixtureEpoch is the timestamp of offset 0 of orders and payments; offset
// o of partition p has fixtureEpoch + 10 s·o + 1 s·p, as in the demo.
var fixtureEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// fixtureTopic is one topic of the fixture: per partition, the offset
// range that survives ([0] is deleted below), and the timestamp of each
// offset.
type fixtureTopic struct {
	name   string
	ranges [][2]int64
	ts     func(p int32, off int64) time.Time
}

func demoTS(p int32, off int64) time.Time {
	return fixtureEpoch.Add(time.Duration(off)*10*time.Second + time.Duration(p)*time.Second)
}

var fixtureTopics = []fixtureTopic{
	{"orders", [][2]int64{{1000, 151000}, {2000, 82000}, {5000, 35000}}, demoTS},
	{"payments", [][2]int64{{100, 40100}}, demoTS},
	// events: partition 0 has timestamps 1000, 2000, ..., 10000 ms;
	// partition 1 has 5000, 6000, ..., 14000 ms.
	{"events", [][2]int64{{0, 10}, {0, 10}}, func(p int32, off int64) time.Time {
		return time.UnixMilli(1000*(off+1) + 4000*int64(p))
	}},
	// shuffled: timestamps that do not grow with offsets: 5000, 1000, 9000,
	// 3000, 7000 ms.
	{"shuffled", [][2]int64{{0, 5}}, func(_ int32, off int64) time.Time {
		return time.UnixMilli([]int64{5000, 1000, 9000, 3000, 7000}[off])
	}},
	{"empty", [][2]int64{{0, 0}}, nil},
}

func TestMain(m *testing.M) {
	os.Exit(runWithCluster(m))
}

func runWithCluster(m *testing.M) int {
	c, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		fmt.Fprintln(os.Stderr, "kfake:", err)
		return 1
	}
	defer c.Close()
	testBrokers = c.ListenAddrs()
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(testBrokers...),
		kgo.ProducerBatchMaxBytes(1<<20),
		kgo.ProducerLinger(5*time.Millisecond),
		kgo.MaxBufferedRecords(1<<20),
		kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.ProducerBatchCompression(kgo.NoCompression()),
	)
	if err != nil {
		fmt.Fprintln(os.Stderr, "client:", err)
		return 1
	}
	defer cl.Close()
	testAdmin = kadm.NewClient(cl)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := seedFixture(ctx, cl, testAdmin); err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		return 1
	}
	return m.Run()
}

func seedFixture(ctx context.Context, cl *kgo.Client, adm *kadm.Client) error {
	for _, t := range fixtureTopics {
		resp, err := adm.CreateTopic(ctx, int32(len(t.ranges)), 1, nil, t.name)
		if err == nil {
			err = resp.Err
		}
		if err != nil {
			return fmt.Errorf("create %s: %w", t.name, err)
		}
	}
	errc := make(chan error, 1)
	promise := func(_ *kgo.Record, err error) {
		if err != nil {
			select {
			case errc <- err:
			default:
			}
		}
	}
	for _, t := range fixtureTopics {
		for p, r := range t.ranges {
			for off := int64(0); off < r[1]; off++ {
				cl.Produce(ctx, &kgo.Record{Topic: t.name, Partition: int32(p), Value: []byte("x"), Timestamp: t.ts(int32(p), off)}, promise)
			}
		}
	}
	if err := cl.Flush(ctx); err != nil {
		return err
	}
	select {
	case err := <-errc:
		return err
	default:
	}
	del := kadm.Offsets{}
	for _, t := range fixtureTopics {
		for p, r := range t.ranges {
			if r[0] > 0 {
				del.AddOffset(t.name, int32(p), r[0], -1)
			}
		}
	}
	resp, err := adm.DeleteRecords(ctx, del)
	if err != nil {
		return err
	}
	return resp.Error()
}
