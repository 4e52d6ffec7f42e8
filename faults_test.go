package kq_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/internal/kafkatest"
)

// faultTopic is the topic of the fault matrix: faultPartitions partitions
// of faultPerPartition JSON records {"n": i} each.
const (
	faultTopic        = "faulty"
	faultPartitions   = 3
	faultPerPartition = 400
)

// faultCluster is a one-broker kfake cluster holding faultTopic, and the
// exact figures the queries must return.
func faultCluster(t *testing.T) (c *kfake.Cluster, count, sum int64) {
	t.Helper()
	kc, err := kafkatest.Start([]kfake.Opt{kfake.SeedTopics(faultPartitions, faultTopic)},
		kgo.ProducerLinger(0), kgo.MaxBufferedRecords(50)) // many small batches: many fetches
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(kc.Close)
	recs := kafkatest.Records(faultTopic, slices.Repeat([]int{faultPerPartition}, faultPartitions), func(p int32, i int) *kgo.Record {
		n := int64(int(p)*faultPerPartition + i)
		count++
		sum += n
		return &kgo.Record{Value: fmt.Appendf(nil, `{"n":%d}`, n)}
	})
	if err := kc.Produce(context.Background(), recs...); err != nil {
		t.Fatal(err)
	}
	return kc.Cluster, count, sum
}

// faultKind is one way a broker misbehaves on a request.
type faultKind string

const (
	dropConn     faultKind = "dropped connection"
	notLeader    faultKind = "NOT_LEADER_OR_FOLLOWER"
	timedOut     faultKind = "REQUEST_TIMED_OUT"
	slowResponse faultKind = "slow response"
)

// injectFault makes the next n requests of key fail as kind says (n < 0:
// every request until the returned stop is called) and returns how many
// requests it failed so far. Dropped connections and slow answers use
// ControlKey (a control function returning an error makes kfake close the
// connection; SleepControl delays the answer without blocking the other
// connections); error codes use kfake's Fault, which answers with the code
// on every partition of the topic (per topic for Metadata).
func injectFault(c *kfake.Cluster, key kmsg.Key, kind faultKind, n int) (hits func() int64, stop func()) {
	var hit atomic.Int64
	var off atomic.Bool
	left := func() bool { return !off.Load() && (n < 0 || hit.Load() < int64(n)) }
	switch kind {
	case notLeader, timedOut:
		code := kerr.NotLeaderForPartition
		if kind == timedOut {
			code = kerr.RequestTimedOut
		}
		h := c.Fault(kfake.Fault{Keys: []kmsg.Key{key}, Topic: faultTopic, Err: code, Count: n})
		return func() int64 { return int64(h.Hits()) }, h.Remove
	}
	c.ControlKey(int16(key), func(kmsg.Request) (kmsg.Response, error, bool) {
		if !left() {
			c.DropControl()
			return nil, nil, false
		}
		c.KeepControl()
		hit.Add(1)
		if kind == dropConn {
			return nil, errors.New("injected fault: connection dropped"), true
		}
		c.SleepControl(func() { time.Sleep(150 * time.Millisecond) })
		return nil, nil, false
	})
	return hit.Load, func() { off.Store(true) }
}

// faultQueries are the queries of the fault matrix: a count the scan does
// alone, and a JSON aggregate through DuckDB.
func faultQueries(count, sum int64) []struct{ name, sql, want string } {
	return []struct{ name, sql, want string }{
		{"count", `SELECT COUNT(*) FROM kafka('` + faultTopic + `') WITH (minPartitions=6)`, fmt.Sprint(count)},
		{"json aggregate", `SELECT COUNT(*), SUM(n), COUNT(DISTINCT n) FROM kafka('` + faultTopic + `') WITH (valueFormat='json', maxRecordsPerPartition=150)`,
			fmt.Sprintf("%d|%d|%d", count, sum, count)},
	}
}

// TestFaultMatrix runs a count and a JSON aggregate through the public API
// while the broker drops connections, answers NOT_LEADER_OR_FOLLOWER or
// REQUEST_TIMED_OUT, or answers slowly, on Fetch, ListOffsets and
// Metadata requests. Faults that stop give the exact result; faults that
// never stop give an error naming the topic (and, for fetches and offsets,
// the partition) within a bounded time, never a hang.
func TestFaultMatrix(t *testing.T) {
	// Under faults that never stop, the engine gives up after its timeout
	// (which also bounds fetch and offset retries). Transient faults get
	// a longer one: franz-go's own retries of NOT_LEADER_OR_FOLLOWER back
	// off 250 ms, 500 ms, 1 s... within it.
	const timeout, transientTimeout = time.Second, 5 * time.Second
	open := func(t *testing.T, c *kfake.Cluster, timeout time.Duration) *kq.Engine {
		eng, err := kq.Open(kq.WithBrokers(c.ListenAddrs()...), kq.WithTimeout(timeout), kq.WithWorkers(2))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { eng.Close() })
		return eng
	}
	for _, key := range []kmsg.Key{kmsg.Fetch, kmsg.ListOffsets, kmsg.Metadata} {
		for _, kind := range []faultKind{dropConn, notLeader, timedOut, slowResponse} {
			name := fmt.Sprintf("%s/%s", kmsg.NameForKey(int16(key)), kind)
			t.Run(name+"/transient", func(t *testing.T) {
				// A cluster per case: a fault left over by a failed case
				// must not hit the next.
				c, count, sum := faultCluster(t)
				for _, q := range faultQueries(count, sum) {
					eng := open(t, c, transientTimeout)
					// The first requests of the key fail; later ones pass.
					hits, stop := injectFault(c, key, kind, 3)
					got := strings.Join(rows(t, eng, q.sql), ";")
					stop()
					if got != q.want {
						t.Errorf("%s: got %s, want %s", q.name, got, q.want)
					}
					if hits() == 0 {
						t.Errorf("%s: no %s request was faulted", q.name, kmsg.NameForKey(int16(key)))
					}
				}
			})
			if kind == slowResponse {
				continue // slow answers that never stop still give the result (above)
			}
			t.Run(name+"/permanent", func(t *testing.T) {
				c, count, sum := faultCluster(t)
				eng := open(t, c, timeout)
				// The engine connects first, so that the fault hits the
				// query rather than the connection check.
				rows(t, eng, `SELECT COUNT(*) FROM kafka('`+faultTopic+`')`)
				hits, stop := injectFault(c, key, kind, -1)
				defer stop()
				for _, q := range faultQueries(count, sum) {
					ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
					start := time.Now()
					rr, err := eng.Query(ctx, q.sql)
					if err == nil {
						for rr.Next() {
						}
						err = rr.Err()
						rr.Release()
					}
					elapsed := time.Since(start)
					if err == nil {
						t.Fatalf("%s: no error after %d faulted requests", q.name, hits())
					}
					if ctx.Err() != nil || elapsed > 8*timeout {
						t.Errorf("%s: failed after %v (timeout %v): %v", q.name, elapsed, timeout, err)
					}
					cancel()
					// A partition's error names the partition; a failed
					// metadata request or a dropped offsets request
					// (for every partition) names the topic.
					want := faultTopic + "-"
					if key == kmsg.Metadata || key == kmsg.ListOffsets && kind == dropConn {
						want = faultTopic
					}
					if !strings.Contains(err.Error(), want) {
						t.Errorf("%s: error does not name %s: %v", q.name, want, err)
					}
					t.Logf("%s: after %v: %v", q.name, elapsed.Round(time.Millisecond), err)
				}
			})
		}
	}
}
