package scan_test

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kq-sql/kq/internal/kafkatest"
	"github.com/kq-sql/kq/internal/scan"
)

// injector fails a share of the requests of one key, deterministically:
// it drops the connection, answers with a retriable error, or answers late.
type injector struct {
	mu     sync.Mutex
	rng    *rand.Rand
	share  float64
	seen   atomic.Int64
	failed atomic.Int64
	off    atomic.Bool
}

// stop removes the injector's control function at the next request.
func (in *injector) stop() { in.off.Store(true) }

func inject(c *kafkatest.Cluster, key kmsg.Key, share float64, seed uint64) *injector {
	in := &injector{rng: rand.New(rand.NewPCG(seed, 1)), share: share}
	c.ControlKey(int16(key), func(kreq kmsg.Request) (kmsg.Response, error, bool) {
		if in.off.Load() {
			c.DropControl()
			return nil, nil, false
		}
		c.KeepControl()
		in.seen.Add(1)
		in.mu.Lock()
		roll, kind := in.rng.Float64(), in.rng.IntN(3)
		in.mu.Unlock()
		if roll >= in.share {
			return nil, nil, false
		}
		in.failed.Add(1)
		switch kind {
		case 0: // drop the connection
			return nil, errors.New("injected: connection dropped"), true
		case 1: // a retriable error on every partition
			return errorResponse(kreq), nil, true
		default: // slow: answer normally after a pause
			time.Sleep(20 * time.Millisecond)
			return nil, nil, false
		}
	})
	return in
}

// errorResponse answers a Fetch or ListOffsets request with
// NOT_LEADER_FOR_PARTITION on every partition.
func errorResponse(kreq kmsg.Request) kmsg.Response {
	code := kerr.NotLeaderForPartition.Code
	switch req := kreq.(type) {
	case *kmsg.FetchRequest:
		resp := req.ResponseKind().(*kmsg.FetchResponse)
		resp.Version = req.Version
		for _, rt := range req.Topics {
			st := kmsg.NewFetchResponseTopic()
			st.Topic, st.TopicID = rt.Topic, rt.TopicID
			for _, rp := range rt.Partitions {
				sp := kmsg.NewFetchResponseTopicPartition()
				sp.Partition, sp.ErrorCode = rp.Partition, code
				st.Partitions = append(st.Partitions, sp)
			}
			resp.Topics = append(resp.Topics, st)
		}
		return resp
	case *kmsg.ListOffsetsRequest:
		resp := req.ResponseKind().(*kmsg.ListOffsetsResponse)
		resp.Version = req.Version
		for _, rt := range req.Topics {
			st := kmsg.NewListOffsetsResponseTopic()
			st.Topic = rt.Topic
			for _, rp := range rt.Partitions {
				sp := kmsg.NewListOffsetsResponseTopicPartition()
				sp.Partition, sp.ErrorCode = rp.Partition, code
				st.Partitions = append(st.Partitions, sp)
			}
			resp.Topics = append(resp.Topics, st)
		}
		return resp
	}
	panic("errorResponse: unexpected request")
}

// TestFetchFaults fails 20% of fetch requests (dropped connections,
// NOT_LEADER_FOR_PARTITION, slow answers) and checks that the counts stay
// exact, and that the data-loss path survives failing ListOffsets.
func TestFetchFaults(t *testing.T) {
	l := txnLayout{partitions: 3, txns: 60}
	c := newCluster(t, kfake.SeedTopics(int32(l.partitions), "tx"), kfake.SeedTopics(1, "dl"))
	c.produceTxns(t, "tx", l)
	committed, aborted, control := l.counts()
	c.produce(t, kafkatest.Records("dl", []int{1000}, xRecord)...)

	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	scans := map[string]string{
		"count": "SELECT COUNT(*) FROM kafka('tx') WITH (minPartitions=7)",
		"rows":  "SELECT offset, value FROM kafka('tx') WITH (maxRecordsPerPartition=200)",
	}
	for name, q := range scans {
		s := c.scan(t, q)
		t.Run(name, func(t *testing.T) {
			fetches := inject(c.Cluster, kmsg.Fetch, 0.2, 7)
			defer fetches.stop()
			cfg := c.config(mem)
			cfg.FetchBytes = 256 // a batch or two per fetch: many fetches, many faults
			rows, st, err := run(t, s, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !s.CountOnly && rows != committed {
				t.Errorf("streamed %d rows, want %d", rows, committed)
			}
			if st.Rows != committed || st.AbortedRecords != aborted || st.ControlRecords != control {
				t.Errorf("stats rows %d aborted %d control %d, want %d %d %d", st.Rows, st.AbortedRecords, st.ControlRecords, committed, aborted, control)
			}
			if fetches.failed.Load() < 20 {
				t.Errorf("only %d of %d fetches failed; the test injects too little", fetches.failed.Load(), fetches.seen.Load())
			}
			t.Logf("%d of %d fetch requests failed", fetches.failed.Load(), fetches.seen.Load())
		})
	}

	t.Run("data loss with failing list offsets", func(t *testing.T) {
		s := c.scan(t, "SELECT COUNT(*) FROM kafka('dl') WITH (minPartitions=20, failOnDataLoss=false)")
		del := kadm.Offsets{}
		del.AddOffset("dl", 0, 300, -1)
		if err := c.DeleteRecords(t.Context(), del); err != nil {
			t.Fatal(err)
		}
		fetches := inject(c.Cluster, kmsg.Fetch, 0.2, 11)
		defer fetches.stop()
		lists := inject(c.Cluster, kmsg.ListOffsets, 0.5, 13)
		defer lists.stop()
		cfg := c.config(mem)
		cfg.Logger = slog.New(slog.DiscardHandler)
		_, st, err := run(t, s, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if st.Rows != 700 || st.DataLoss.RecordsLost != 300 {
			t.Errorf("rows %d lost %d, want 700 and 300", st.Rows, st.DataLoss.RecordsLost)
		}
		if lists.failed.Load() == 0 {
			t.Errorf("no list-offsets request failed (of %d); the test injects too little", lists.seen.Load())
		}
		t.Logf("%d of %d list-offsets requests failed", lists.failed.Load(), lists.seen.Load())
	})
}

// settledGoroutines waits until the number of goroutines is at most want,
// and returns the last count.
func settledGoroutines(want int) int {
	n := runtime.NumGoroutine()
	for deadline := time.Now().Add(5 * time.Second); n > want && time.Now().Before(deadline); n = runtime.NumGoroutine() {
		time.Sleep(20 * time.Millisecond)
	}
	return n
}

// TestCancelLeavesNothing cancels scans at several points — while the
// reader consumes, while workers are blocked on a full buffer, while a
// fetch hangs at the broker — and checks that the scan ends with the
// context's error, every goroutine exits and every Arrow byte is freed.
func TestCancelLeavesNothing(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(4, "big"))
	c.produce(t, kafkatest.Records("big", []int{5000, 5000, 5000, 5000}, func(_ int32, i int) *kgo.Record {
		return &kgo.Record{Value: []byte{byte(i), byte(i >> 8)}}
	})...)
	s := c.scan(t, "SELECT offset, value FROM kafka('big') WITH (minPartitions=16)")
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	base := runtime.NumGoroutine()

	t.Run("cancel while reading", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cfg := c.config(mem)
		cfg.BatchRows = 100
		cfg.Buffer = 1
		st, err := scan.Start(ctx, s, cfg)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3 && st.Next(); i++ {
		}
		cancel()
		for st.Next() {
		}
		if !errors.Is(st.Err(), context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", st.Err())
		}
		st.Release()
	})
	t.Run("release without reading", func(t *testing.T) {
		cfg := c.config(mem)
		cfg.BatchRows = 100
		cfg.Buffer = 1
		st, err := scan.Start(context.Background(), s, cfg)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond) // workers fill the buffer and block
		st.Release()
	})
	t.Run("cancel during a hanging fetch", func(t *testing.T) {
		release := make(chan struct{})
		var hung atomic.Bool
		c.ControlKey(int16(kmsg.Fetch), func(kmsg.Request) (kmsg.Response, error, bool) {
			c.KeepControl()
			hung.Store(true)
			c.SleepControl(func() { <-release })
			return nil, nil, false
		})
		ctx, cancel := context.WithCancel(context.Background())
		st, err := scan.Start(ctx, s, c.config(mem))
		if err != nil {
			t.Fatal(err)
		}
		for !hung.Load() {
			time.Sleep(5 * time.Millisecond)
		}
		start := time.Now()
		cancel()
		for st.Next() {
		}
		if !errors.Is(st.Err(), context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", st.Err())
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("cancellation took %v", d)
		}
		st.Release()
		close(release)
		c.ControlKey(int16(kmsg.Fetch), func(kmsg.Request) (kmsg.Response, error, bool) { c.DropControl(); return nil, nil, false })
	})
	if n := settledGoroutines(base); n > base {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines after the scans, %d before:\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
	mem.AssertSize(t, 0)
}
