// Package kafkatest starts in-process Kafka clusters (franz-go's kfake: the
// Kafka protocol, transactions, read_committed, DeleteRecords, SASL, TLS,
// fault hooks) and seeds them. It is kq's one kfake helper: the demo
// broker, the tests of every package and the benchmarks use it.
package kafkatest

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Cluster is a running kfake cluster with a client for seeding it (manual
// partitioner: records go to the partition they name). Close it when done.
type Cluster struct {
	*kfake.Cluster
	// Client produces (and may consume); Admin is kadm over it. Both
	// have the options NewClient gives, and are closed by Close.
	Client *kgo.Client
	Admin  *kadm.Client

	clientOpts []kgo.Opt // Start's, for every client of the cluster
}

// Start starts a cluster with one broker unless opts say otherwise.
// clientOpts are added to the options of every client of the cluster
// (see NewClient): SASL or TLS for a cluster that requires it, or
// producer settings.
func Start(opts []kfake.Opt, clientOpts ...kgo.Opt) (*Cluster, error) {
	kc, err := kfake.NewCluster(append([]kfake.Opt{kfake.NumBrokers(1)}, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("kafkatest: start cluster: %w", err)
	}
	c := &Cluster{Cluster: kc, clientOpts: clientOpts}
	if c.Client, err = c.NewClient(); err != nil {
		kc.Close()
		return nil, err
	}
	c.Admin = kadm.NewClient(c.Client)
	return c, nil
}

// NewClient returns a new client of the cluster with the seeding client's
// options: the manual partitioner, batches of up to 1 MiB, a 5 ms linger,
// up to 2^20 buffered records, then Start's clientOpts, then opts (later
// options win). The caller closes it.
func (c *Cluster) NewClient(opts ...kgo.Opt) (*kgo.Client, error) {
	all := []kgo.Opt{
		kgo.SeedBrokers(c.ListenAddrs()...),
		kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.ProducerBatchMaxBytes(1 << 20),
		kgo.ProducerLinger(5 * time.Millisecond),
		kgo.MaxBufferedRecords(1 << 20),
	}
	all = append(append(all, c.clientOpts...), opts...)
	cl, err := kgo.NewClient(all...)
	if err != nil {
		return nil, fmt.Errorf("kafkatest: client: %w", err)
	}
	return cl, nil
}

// TB is the part of testing.TB that New needs.
type TB interface {
	Helper()
	Fatal(args ...any)
	Cleanup(func())
}

// New starts a cluster for a test (see Start), closed when the test ends;
// a failure fails the test.
func New(t TB, opts ...kfake.Opt) *Cluster {
	t.Helper()
	c, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// Brokers returns the listen addresses joined by commas.
func (c *Cluster) Brokers() string { return strings.Join(c.ListenAddrs(), ",") }

// Close closes the seeding client and stops the cluster.
func (c *Cluster) Close() {
	c.Client.Close()
	c.Cluster.Close()
}

// CreateTopic creates topic with the given partitions (replication 1) and
// topic configs (nil for none).
func (c *Cluster) CreateTopic(ctx context.Context, topic string, partitions int, configs map[string]*string) error {
	resp, err := c.Admin.CreateTopic(ctx, int32(partitions), 1, configs, topic)
	if err == nil {
		err = resp.Err
	}
	if err != nil {
		return fmt.Errorf("kafkatest: create topic %s: %w", topic, err)
	}
	return nil
}

// Produce produces recs (each to its own Partition) and waits until every
// one is acknowledged; the first failure is returned.
func (c *Cluster) Produce(ctx context.Context, recs ...*kgo.Record) error {
	return ProduceWith(ctx, c.Client, recs...)
}

// ProduceWith produces recs with cl and waits for all of them: the first
// failure is returned.
func ProduceWith(ctx context.Context, cl *kgo.Client, recs ...*kgo.Record) error {
	errc := make(chan error, 1)
	for _, r := range recs {
		cl.Produce(ctx, r, func(_ *kgo.Record, err error) {
			if err != nil {
				select {
				case errc <- err:
				default:
				}
			}
		})
	}
	if err := cl.Flush(ctx); err != nil {
		return err
	}
	select {
	case err := <-errc:
		return fmt.Errorf("kafkatest: produce: %w", err)
	default:
		return nil
	}
}

// Records returns counts[p] records for each partition p of topic,
// partition after partition: record(p, i) makes the i-th record of
// partition p, and Records sets its Topic and Partition.
func Records(topic string, counts []int, record func(p int32, i int) *kgo.Record) []*kgo.Record {
	n := 0
	for _, k := range counts {
		n += k
	}
	recs := make([]*kgo.Record, 0, n)
	for p, k := range counts {
		for i := range k {
			r := record(int32(p), i)
			r.Topic, r.Partition = topic, int32(p)
			recs = append(recs, r)
		}
	}
	return recs
}

// DeleteRecords moves the log start offset of each listed partition up to
// its offset (records below it are deleted, as retention does).
func (c *Cluster) DeleteRecords(ctx context.Context, offsets kadm.Offsets) error {
	resp, err := c.Admin.DeleteRecords(ctx, offsets)
	if err == nil {
		err = resp.Error()
	}
	if err != nil {
		return fmt.Errorf("kafkatest: delete records: %w", err)
	}
	return nil
}

// Transactions produces txns with a transactional producer of id txnID (a
// client from NewClient): one transaction per element, committed unless
// abort(i) says to abort the i-th. Each transaction's records go to the
// partitions they name. A failed transaction's error carries the
// producer's log (franz-go's info level: producer ids, epochs, the
// transactions' ends and any failed batch), to tell a client's failure
// from the broker's.
func (c *Cluster) Transactions(ctx context.Context, txnID string, txns [][]*kgo.Record, abort func(i int) bool) error {
	var log syncBuffer
	cl, err := c.NewClient(kgo.TransactionalID(txnID), kgo.WithLogger(kgo.BasicLogger(&log, kgo.LogLevelInfo, nil)))
	if err != nil {
		return err
	}
	defer cl.Close()
	fail := func(i int, err error) error {
		return fmt.Errorf("kafkatest: transaction %d: %w\nproducer log:\n%s", i, err, log.String())
	}
	for i, recs := range txns {
		if err := cl.BeginTransaction(); err != nil {
			return fail(i, err)
		}
		if err := ProduceWith(ctx, cl, recs...); err != nil {
			return fail(i, err)
		}
		commit := kgo.TryCommit
		if abort != nil && abort(i) {
			commit = kgo.TryAbort
		}
		if err := cl.EndTransaction(ctx, commit); err != nil {
			return fail(i, err)
		}
	}
	return nil
}

// syncBuffer is a bytes.Buffer that a client's goroutines can log into.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
