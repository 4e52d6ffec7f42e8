// Package demo runs a Kafka broker in the process (franz-go's kfake),
// seeded with kq's demo data: JSON orders and payments with the offsets of
// a long-running topic, keys and headers, and a transactional topic with
// committed and aborted transactions. The CLI's --demo and demo-broker use
// it, and so do tests and examples; the kq library never imports it.
package demo

import (
	"context"
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/kq-sql/kq/internal/kafkatest"
)

// Broker is a running demo broker, and its Schema Registry. Close it when
// done.
type Broker struct {
	c   *kafkatest.Cluster
	reg *srfake.Registry // nil when no topic needs one
}

// Option configures Start.
type Option func(*config)

type config struct {
	port   int
	topics []Topic
}

// WithPort makes the broker listen on port. Default: a free port.
func WithPort(port int) Option { return func(c *config) { c.port = port } }

// WithTopics seeds topics instead of Topics, the demo data set.
func WithTopics(topics ...Topic) Option { return func(c *config) { c.topics = topics } }

// Start starts a one-broker in-process Kafka cluster and seeds it. The data
// is the same on every run.
func Start(ctx context.Context, opts ...Option) (*Broker, error) {
	cfg := config{topics: Topics}
	for _, o := range opts {
		o(&cfg)
	}
	var kopts []kfake.Opt
	if cfg.port != 0 {
		kopts = append(kopts, kfake.Ports(cfg.port))
	}
	c, err := kafkatest.Start(kopts, kgo.ProducerBatchCompression(kgo.NoCompression()))
	if err != nil {
		return nil, fmt.Errorf("demo broker: %w", err)
	}
	if err := seed(ctx, c, cfg.topics); err != nil {
		c.Close()
		return nil, fmt.Errorf("seeding demo data: %w", err)
	}
	b := &Broker{c: c}
	for _, t := range cfg.topics {
		if t.Encoding != "" && b.reg == nil {
			b.reg = startRegistry()
		}
	}
	return b, nil
}

// RegistryURL returns the URL of the demo's Schema Registry, "" when its
// topics need none.
func (b *Broker) RegistryURL() string {
	if b.reg == nil {
		return ""
	}
	return b.reg.URL()
}

// Addrs returns the broker addresses ("127.0.0.1:port").
func (b *Broker) Addrs() []string { return b.c.ListenAddrs() }

// Brokers returns the broker addresses joined by commas, for
// kq.WithBrokers or -b.
func (b *Broker) Brokers() string { return strings.Join(b.Addrs(), ",") }

// Close stops the broker and the registry.
func (b *Broker) Close() {
	if b.reg != nil {
		b.reg.Close()
	}
	b.c.Close()
}

func seed(ctx context.Context, c *kafkatest.Cluster, topics []Topic) error {
	for _, t := range topics {
		if err := c.CreateTopic(ctx, t.Name, t.Partitions, nil); err != nil {
			return err
		}
	}
	if err := seedPlain(ctx, c, topics); err != nil {
		return err
	}
	for _, t := range topics {
		if t.Transactional {
			if err := seedTransactions(ctx, c, t); err != nil {
				return err
			}
		}
	}
	return nil
}

// seedPlain produces the topics that are not transactional, then deletes
// the records below each partition's demo start offset.
func seedPlain(ctx context.Context, c *kafkatest.Cluster, topics []Topic) error {
	var recs []*kgo.Record
	del := kadm.Offsets{}
	for _, t := range topics {
		if t.Transactional {
			continue
		}
		for p, r := range t.Ranges {
			for off := int64(0); off < r[1]; off++ {
				recs = append(recs, t.record(int32(p), off))
			}
			if r[0] > 0 {
				del.AddOffset(t.Name, int32(p), r[0], -1)
			}
		}
	}
	if err := c.Produce(ctx, recs...); err != nil {
		return err
	}
	if len(del) == 0 {
		return nil
	}
	return c.DeleteRecords(ctx, del)
}

// seedTransactions writes a transactional topic: demoTxns transactions of
// demoTxnSize records spread over its partitions, every fifth aborted.
func seedTransactions(ctx context.Context, c *kafkatest.Cluster, t Topic) error {
	off := make([]int64, t.Partitions) // the next data offset per partition, markers aside
	txns := make([][]*kgo.Record, demoTxns)
	for i := range txns {
		for j := range demoTxnSize {
			p := int32(j % t.Partitions)
			txns[i] = append(txns[i], t.record(p, off[p]))
			off[p]++
		}
	}
	return c.Transactions(ctx, "kq-demo-"+t.Name, txns, func(i int) bool { return i%5 == 4 })
}
