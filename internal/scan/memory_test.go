package scan_test

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq/internal/kafkatest"
	"github.com/kq-sql/kq/internal/scan"
)

// peakAllocator tracks the bytes an allocator has out and their peak.
type peakAllocator struct {
	memory.Allocator
	cur, peak atomic.Int64
}

func (a *peakAllocator) add(n int) {
	c := a.cur.Add(int64(n))
	for p := a.peak.Load(); c > p && !a.peak.CompareAndSwap(p, c); p = a.peak.Load() {
	}
}

func (a *peakAllocator) Allocate(n int) []byte { a.add(n); return a.Allocator.Allocate(n) }
func (a *peakAllocator) Free(b []byte)         { a.add(-len(b)); a.Allocator.Free(b) }
func (a *peakAllocator) Reallocate(n int, b []byte) []byte {
	a.add(n - len(b))
	return a.Allocator.Reallocate(n, b)
}

// TestMemoryBounded scans a topic about forty times larger than what the
// scan may hold (Buffer batches of BatchRows rows, plus one per worker)
// with a slow reader, and checks that the Arrow memory in use never grows
// past that bound: backpressure, not topic size, limits memory.
func TestMemoryBounded(t *testing.T) {
	const (
		partitions = 4
		perPart    = 25000
		valueSize  = 100
	)
	c := newCluster(t, kfake.SeedTopics(partitions, "big"))
	value := make([]byte, valueSize)
	c.produce(t, kafkatest.Records("big", slices.Repeat([]int{perPart}, partitions), func(int32, int) *kgo.Record {
		return &kgo.Record{Value: value}
	})...)
	s := c.scan(t, "SELECT offset, value FROM kafka('big') WITH (minPartitions=8)")

	checked := memory.NewCheckedAllocator(memory.NewGoAllocator())
	mem := &peakAllocator{Allocator: checked}
	cfg := c.config(mem)
	cfg.Workers = 2
	cfg.Buffer = 2
	cfg.BatchRows = 1000
	st, err := scan.Start(context.Background(), s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var rows, batches int64
	var maxBatch int64
	for st.Next() {
		rec := st.RecordBatch()
		rows += rec.NumRows()
		batches++
		var size int64
		for _, col := range rec.Columns() {
			for _, b := range col.Data().Buffers() {
				if b != nil {
					size += int64(b.Cap())
				}
			}
		}
		maxBatch = max(maxBatch, size)
		if batches%10 == 0 {
			time.Sleep(time.Millisecond) // a slow reader: workers block on the buffer
		}
	}
	st.Release()
	if err := st.Err(); err != nil {
		t.Fatal(err)
	}
	if rows != partitions*perPart {
		t.Fatalf("%d rows, want %d", rows, partitions*perPart)
	}
	total := int64(partitions * perPart * (valueSize + 8))
	// Buffer batches in the channel, one in the reader's hand, one sent
	// and one being built per worker.
	bound := int64(cfg.Buffer+1+2*cfg.Workers) * maxBatch
	t.Logf("topic %d bytes of values and offsets in %d batches; peak Arrow memory %d, bound %d (largest batch %d)", total, batches, mem.peak.Load(), bound, maxBatch)
	if p := mem.peak.Load(); p > bound || p > total/10 {
		t.Errorf("peak Arrow memory %d exceeds the bound %d (or a tenth of the topic, %d)", p, bound, total/10)
	}
	checked.AssertSize(t, 0)
}
