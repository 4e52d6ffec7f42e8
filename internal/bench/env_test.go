package bench

import (
	"context"
	"os"
	"strconv"
	"sync"
	"testing"
)

// benchTopic is the broker and topic the Go benchmarks of this package
// read: the one named by KQ_BENCH_BROKERS, KQ_BENCH_TOPIC (default bulk)
// and KQ_BENCH_N (its record count; `kqbench run -profile` sets all
// three), else an in-process broker seeded with KQ_BENCH_N (default
// 200,000) records, started once per test binary. With the in-process
// broker the broker's work shows in CPU profiles too.
type benchTopic struct {
	brokers string
	topic   string
	n       int64
	bytes   int64 // keys plus values; 0 when unknown (external broker)
}

var (
	topicOnce sync.Once
	topicVal  benchTopic
	topicErr  error
)

func getBenchTopic(b testing.TB) benchTopic {
	b.Helper()
	topicOnce.Do(func() {
		n := int64(200_000)
		if s := os.Getenv("KQ_BENCH_N"); s != "" {
			if n, topicErr = strconv.ParseInt(s, 10, 64); topicErr != nil {
				return
			}
		}
		topic := os.Getenv("KQ_BENCH_TOPIC")
		if topic == "" {
			topic = DefaultTopic
		}
		if addr := os.Getenv("KQ_BENCH_BROKERS"); addr != "" {
			topicVal = benchTopic{brokers: addr, topic: topic, n: n}
			// KQ_BENCH_BYTES (keys plus values) keeps the work of
			// computing them out of CPU profiles.
			if s := os.Getenv("KQ_BENCH_BYTES"); s != "" {
				topicVal.bytes, topicErr = strconv.ParseInt(s, 10, 64)
				return
			}
			// The generator is deterministic: the bytes are known
			// without reading the topic.
			var buf []byte
			for i := int64(0); i < n; i++ {
				buf = OrderValue(OrderKey(buf[:0], i), i)
				topicVal.bytes += int64(len(buf))
			}
			return
		}
		// Not closed: it lives as long as the test binary.
		br, err := StartBroker(context.Background(), 0, topic, DefaultPartitions, n, false)
		if err != nil {
			topicErr = err
			return
		}
		topicVal = benchTopic{brokers: br.Brokers(), topic: topic, n: n, bytes: br.Seed.Bytes}
	})
	if topicErr != nil {
		b.Fatal(topicErr)
	}
	return topicVal
}

// report sets the bytes per op and reports rows/s.
func (t benchTopic) report(b *testing.B) {
	b.SetBytes(t.bytes)
	b.ReportMetric(float64(t.n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
