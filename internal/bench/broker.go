package bench

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kq-sql/kq/internal/kafkatest"
)

// Broker is an in-process kfake cluster of one broker holding the bulk
// topic. Close it when done.
type Broker struct {
	c *kafkatest.Cluster
	// Seed describes the seeded topic.
	Seed SeedStats
}

// StartBroker starts a one-broker kfake cluster listening on port (0: a
// free port) and seeds topic with n records over partitions partitions
// (see Seed).
func StartBroker(ctx context.Context, port int, topic string, partitions int, n int64) (*Broker, error) {
	if n < 1 {
		return nil, errNoRecords
	}
	var opts []kfake.Opt
	if port != 0 {
		opts = append(opts, kfake.Ports(port))
	}
	c, err := kafkatest.Start(opts)
	if err != nil {
		return nil, fmt.Errorf("bench: start broker: %w", err)
	}
	b := &Broker{c: c}
	if b.Seed, err = Seed(ctx, c, topic, partitions, n); err != nil {
		c.Close()
		return nil, fmt.Errorf("bench: seed %s: %w", topic, err)
	}
	return b, nil
}

// Addrs returns the broker's addresses ("127.0.0.1:port").
func (b *Broker) Addrs() []string { return b.c.ListenAddrs() }

// Brokers returns the addresses joined by commas.
func (b *Broker) Brokers() string { return b.c.Brokers() }

// Close stops the broker.
func (b *Broker) Close() { b.c.Close() }
