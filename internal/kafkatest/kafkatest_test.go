package kafkatest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq/internal/kafkatest"
)

// TestSASL seeds a cluster that requires SASL under each mechanism: the
// seeding client, the admin client and a transactional client from
// NewClient all authenticate with the option given to Start, and the
// records of Records land in the partitions it names.
func TestSASL(t *testing.T) {
	ctx := context.Background()
	for _, mech := range []string{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"} {
		t.Run(mech, func(t *testing.T) {
			auth, err := kafkatest.SASL(mech, "admin", "pw")
			if err != nil {
				t.Fatal(err)
			}
			c, err := kafkatest.Start([]kfake.Opt{kfake.EnableSASL(), kfake.Superuser(mech, "admin", "pw"), kfake.SeedTopics(2, "t")}, auth)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			value := func(p int32, i int) *kgo.Record { return &kgo.Record{Value: fmt.Appendf(nil, "%d-%d", p, i)} }
			if err := c.Produce(ctx, kafkatest.Records("t", []int{3, 5}, value)...); err != nil {
				t.Fatal(err)
			}
			// One committed transaction: a record and a marker per partition.
			if err := c.Transactions(ctx, "txn", [][]*kgo.Record{kafkatest.Records("t", []int{1, 1}, value)}, nil); err != nil {
				t.Fatal(err)
			}
			ends, err := c.Admin.ListEndOffsets(ctx, "t")
			if err != nil {
				t.Fatal(err)
			}
			for p, want := range []int64{5, 7} {
				if o, _ := ends.Lookup("t", int32(p)); o.Err != nil || o.Offset != want {
					t.Errorf("partition %d: end offset %d (%v), want %d", p, o.Offset, o.Err, want)
				}
			}
		})
	}
	if _, err := kafkatest.SASL("GSSAPI", "admin", "pw"); err == nil {
		t.Error("SASL(GSSAPI): no error")
	}
}
