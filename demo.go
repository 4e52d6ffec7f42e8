package kq

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Demo is an in-process Kafka broker (franz-go's kfake) seeded with the demo
// data set: see DemoTopics. Close it when done.
type Demo struct {
	cluster *kfake.Cluster
}

// DemoOption configures StartDemo.
type DemoOption func(*demoConfig)

type demoConfig struct {
	port int
}

// WithDemoPort makes the demo broker listen on port (default: a free port).
func WithDemoPort(port int) DemoOption { return func(c *demoConfig) { c.port = port } }

// StartDemo starts a one-broker in-process Kafka cluster and seeds it with
// the demo data. The data is the same on every run.
func StartDemo(ctx context.Context, opts ...DemoOption) (*Demo, error) {
	var cfg demoConfig
	for _, o := range opts {
		o(&cfg)
	}
	kopts := []kfake.Opt{kfake.NumBrokers(1)}
	if cfg.port != 0 {
		kopts = append(kopts, kfake.Ports(cfg.port))
	}
	c, err := kfake.NewCluster(kopts...)
	if err != nil {
		return nil, fmt.Errorf("kq: demo broker: %w", err)
	}
	d := &Demo{cluster: c}
	if err := d.seed(ctx); err != nil {
		c.Close()
		return nil, fmt.Errorf("kq: seeding demo data: %w", err)
	}
	return d, nil
}

// Addrs returns the broker addresses ("127.0.0.1:port").
func (d *Demo) Addrs() []string { return d.cluster.ListenAddrs() }

// Brokers returns the broker addresses joined by commas, for WithBrokers or
// -b.
func (d *Demo) Brokers() string { return strings.Join(d.Addrs(), ",") }

// Close stops the broker.
func (d *Demo) Close() { d.cluster.Close() }

func (d *Demo) seed(ctx context.Context) error {
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(d.Addrs()...),
		kgo.ProducerBatchMaxBytes(1<<20),
		kgo.ProducerLinger(5*time.Millisecond),
		kgo.MaxBufferedRecords(1<<20),
		kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.ProducerBatchCompression(kgo.NoCompression()),
	)
	if err != nil {
		return err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	for _, t := range DemoTopics {
		resp, err := adm.CreateTopic(ctx, int32(t.Partitions), 1, nil, t.Name)
		if err == nil {
			err = resp.Err
		}
		if err != nil {
			return fmt.Errorf("create topic %s: %w", t.Name, err)
		}
	}
	if err := seedPlain(ctx, cl, adm); err != nil {
		return err
	}
	return seedTransactions(ctx, d.Addrs())
}

// seedPlain produces orders and payments, then deletes the records below
// each partition's demo start offset.
func seedPlain(ctx context.Context, cl *kgo.Client, adm *kadm.Client) error {
	var firstErr error
	errc := make(chan error, 1)
	promise := func(_ *kgo.Record, err error) {
		if err != nil {
			select {
			case errc <- err:
			default:
			}
		}
	}
	for _, t := range DemoTopics {
		if t.Transactional {
			continue
		}
		for p, r := range t.Ranges {
			for off := int64(0); off < r[1]; off++ {
				cl.Produce(ctx, t.record(int32(p), off), promise)
			}
		}
	}
	if err := cl.Flush(ctx); err != nil {
		return err
	}
	select {
	case firstErr = <-errc:
		return firstErr
	default:
	}
	del := kadm.Offsets{}
	for _, t := range DemoTopics {
		for p, r := range t.Ranges {
			if r[0] > 0 {
				del.AddOffset(t.Name, int32(p), r[0], -1)
			}
		}
	}
	resp, err := adm.DeleteRecords(ctx, del)
	if err != nil {
		return err
	}
	return resp.Error()
}

// seedTransactions writes the transactional topic: every fifth transaction
// is aborted.
func seedTransactions(ctx context.Context, brokers []string) error {
	for _, t := range DemoTopics {
		if !t.Transactional {
			continue
		}
		cl, err := kgo.NewClient(
			kgo.SeedBrokers(brokers...),
			kgo.TransactionalID("kq-demo-"+t.Name),
			kgo.RecordPartitioner(kgo.ManualPartitioner()),
		)
		if err != nil {
			return err
		}
		defer cl.Close()
		var off [2]int64
		for txn := 0; txn < demoTxns; txn++ {
			if err := cl.BeginTransaction(); err != nil {
				return err
			}
			for i := 0; i < demoTxnSize; i++ {
				p := int32(i % t.Partitions)
				cl.Produce(ctx, t.record(p, off[p]), nil)
				off[p]++
			}
			commit := kgo.TryCommit
			if txn%5 == 4 {
				commit = kgo.TryAbort
			}
			if err := cl.Flush(ctx); err != nil {
				return err
			}
			if err := cl.EndTransaction(ctx, commit); err != nil {
				return err
			}
		}
	}
	return nil
}
