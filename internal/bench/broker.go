package bench

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/kq-sql/kq/internal/kafkatest"
)

// Broker is an in-process kfake cluster of one broker holding the bulk
// topic. Close it when done.
type Broker struct {
	c *kafkatest.Cluster
	// Seed describes the seeded topic; AvroSeed its Avro copy, when one
	// was asked for.
	Seed, AvroSeed SeedStats

	reg *srfake.Registry // serves AvroSchema when the Avro copy exists
}

// StartBroker starts a one-broker kfake cluster listening on port (0: a
// free port) and seeds topic with n records over partitions partitions
// (see Seed).
//
// With avro it also seeds <topic>_avro, the same records as OrderAvro
// writes them, and starts a Schema Registry (franz-go's srfake) serving
// AvroSchema as subject <topic>_avro-value.
func StartBroker(ctx context.Context, port int, topic string, partitions int, n int64, avro bool) (*Broker, error) {
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
	if avro {
		if b.AvroSeed, err = SeedAvro(ctx, c, topic+"_avro", partitions, n); err != nil {
			c.Close()
			return nil, fmt.Errorf("bench: seed %s_avro: %w", topic, err)
		}
		b.reg = srfake.New()
		b.reg.SeedSchema(topic+"_avro-value", 1, AvroSchemaID, sr.Schema{Schema: AvroSchema, Type: sr.TypeAvro})
	}
	return b, nil
}

// RegistryURL is the Schema Registry's URL, "" without the Avro copy.
func (b *Broker) RegistryURL() string {
	if b.reg == nil {
		return ""
	}
	return b.reg.URL()
}

// Addrs returns the broker's addresses ("127.0.0.1:port").
func (b *Broker) Addrs() []string { return b.c.ListenAddrs() }

// Brokers returns the addresses joined by commas.
func (b *Broker) Brokers() string { return b.c.Brokers() }

// Close stops the broker.
func (b *Broker) Close() {
	if b.reg != nil {
		b.reg.Close()
	}
	b.c.Close()
}
