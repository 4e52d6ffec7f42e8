package scan_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq/internal/kafkatest"
	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/internal/scan"
	"github.com/kq-sql/kq/internal/stats"
	"github.com/kq-sql/kq/lang"
)

// cluster is a kafkatest cluster with the scan tests' helpers.
type cluster struct{ *kafkatest.Cluster }

func newCluster(t *testing.T, opts ...kfake.Opt) *cluster {
	t.Helper()
	return &cluster{kafkatest.New(t, opts...)}
}

// produce writes records and fails the test on error.
func (c *cluster) produce(t *testing.T, recs ...*kgo.Record) {
	t.Helper()
	if err := c.Produce(context.Background(), recs...); err != nil {
		t.Fatal(err)
	}
}

// xRecord makes a record whose value is "x" (for kafkatest.Records).
func xRecord(int32, int) *kgo.Record { return &kgo.Record{Value: []byte("x")} }

// config returns a scan configuration whose workers each get their own
// client of c.
func (c *cluster) config(mem memory.Allocator) *scan.Config {
	addrs := c.ListenAddrs()
	return &scan.Config{
		NewClient: func() (*kgo.Client, func(), error) {
			cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...))
			if err != nil {
				return nil, nil, err
			}
			return cl, cl.Close, nil
		},
		Allocator: mem,
		Workers:   4,
	}
}

// scan plans query (a SELECT over one kafka() source) and returns its
// resolved scan, as the engine would run it.
func (c *cluster) scan(t *testing.T, query string) *plan.Scan {
	t.Helper()
	stmt, err := lang.Parse(query)
	if err != nil {
		t.Fatal(err)
	}
	sel, ok := stmt.(*lang.Select)
	if !ok {
		t.Fatalf("%s: not a SELECT", query)
	}
	root, err := plan.Build(sel)
	if err != nil {
		t.Fatal(err)
	}
	root, err = plan.Resolve(context.Background(), plan.Optimize(root), c.Admin, 4)
	if err != nil {
		t.Fatal(err)
	}
	scans := plan.Scans(root)
	if len(scans) != 1 {
		t.Fatalf("%s: %d scans", query, len(scans))
	}
	return scans[0]
}

// startScan starts s in the background context.
func startScan(t *testing.T, s *plan.Scan, cfg *scan.Config) (*scan.Stream, error) {
	t.Helper()
	return scan.Start(context.Background(), s, cfg)
}

// run runs s to its end and returns the rows it streamed and its stats.
func run(t *testing.T, s *plan.Scan, cfg *scan.Config) (int64, *stats.Stats, error) {
	t.Helper()
	st, err := scan.Start(context.Background(), s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Release()
	var n int64
	for st.Next() {
		n += st.RecordBatch().NumRows()
	}
	return n, st.Stats(), st.Err()
}

// txnLayout describes the transactional test topic: txns transactions,
// transaction k writing size(k) records to every partition, every 10th
// (k%10 == 9) aborted.
type txnLayout struct {
	partitions int
	txns       int
}

func (l txnLayout) size(k int) int { return 5 + k%13 }

func (l txnLayout) aborted(k int) bool { return k%10 == 9 }

// counts returns the committed and aborted data records, and the control
// records (one marker per transaction and partition).
func (l txnLayout) counts() (committed, aborted, control int64) {
	for k := range l.txns {
		n := int64(l.size(k) * l.partitions)
		if l.aborted(k) {
			aborted += n
		} else {
			committed += n
		}
		control += int64(l.partitions)
	}
	return committed, aborted, control
}

// produceTxns writes the layout into topic with two transactional
// producers whose transactions interleave: transactions k and k+1 (k even)
// are open at once, each written in two halves, so aborted and committed
// batches of different producers alternate in every partition.
func (c *cluster) produceTxns(t *testing.T, topic string, l txnLayout) {
	t.Helper()
	ctx := context.Background()
	var cls [2]*kgo.Client
	for i := range cls {
		cl, err := c.NewClient(kgo.TransactionalID(fmt.Sprintf("kq-test-%s-%d", topic, i)))
		if err != nil {
			t.Fatal(err)
		}
		defer cl.Close()
		cls[i] = cl
	}
	half := func(k, h int) []*kgo.Record {
		var recs []*kgo.Record
		for p := range l.partitions {
			n := l.size(k)
			lo, hi := 0, n/2
			if h == 1 {
				lo, hi = n/2, n
			}
			for i := lo; i < hi; i++ {
				recs = append(recs, &kgo.Record{Topic: topic, Partition: int32(p), Value: fmt.Appendf(nil, "txn-%d-%d-%d", k, p, i)})
			}
		}
		return recs
	}
	for k := 0; k < l.txns; k += 2 {
		pair := []int{k}
		if k+1 < l.txns {
			pair = append(pair, k+1)
		}
		for i := range pair {
			if err := cls[i].BeginTransaction(); err != nil {
				t.Fatal(err)
			}
		}
		for h := range 2 {
			for i, kk := range pair {
				if err := kafkatest.ProduceWith(ctx, cls[i], half(kk, h)...); err != nil {
					t.Fatal(err)
				}
			}
		}
		for i, kk := range pair {
			commit := kgo.TryCommit
			if l.aborted(kk) {
				commit = kgo.TryAbort
			}
			if err := cls[i].EndTransaction(ctx, commit); err != nil {
				t.Fatal(err)
			}
		}
	}
}
