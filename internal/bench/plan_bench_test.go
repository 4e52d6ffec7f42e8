package bench

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq/internal/kafkatest"
	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/lang"
)

// BenchmarkSplit10k splits 10,000 partition ranges of 1,000–5,999
// records: one task per range, at least 20,000 tasks, and at most 2,500
// records per task, under both strategies. (plan's own
// BenchmarkSplitBalanced10k asks for 100,000 tasks.)
func BenchmarkSplit10k(b *testing.B) {
	in := make([]plan.Range, 10_000)
	for i := range in {
		in[i] = plan.Range{Topic: "wide", Partition: int32(i), From: 0, Until: int64(1000 + i*37%5000)}
	}
	for _, strategy := range []string{plan.SplitBalanced, plan.SplitSpark} {
		for _, o := range []plan.SplitOptions{{}, {MinPartitions: 20_000}, {MaxRecordsPerPartition: 2500}} {
			o.Strategy = strategy
			b.Run(fmt.Sprintf("%s/min=%d/max=%d", strategy, o.MinPartitions, o.MaxRecordsPerPartition), func(b *testing.B) {
				var tasks []plan.Task
				for b.Loop() {
					var err error
					if tasks, err = plan.Split(in, o); err != nil {
						b.Fatal(err)
					}
				}
				if len(tasks) < len(in) {
					b.Fatalf("%d tasks for %d ranges", len(tasks), len(in))
				}
				b.ReportMetric(float64(len(tasks)), "tasks")
			})
		}
	}
}

// BenchmarkPlan10k plans statements over a kfake topic of 10,000
// partitions holding 3 records each: parse, build, rules, offset
// resolution (ListOffsets through kadm, the part that talks to the
// broker), and splitting.
func BenchmarkPlan10k(b *testing.B) {
	const partitions = 10_000
	ctx := context.Background()
	c := kafkatest.New(b)
	if err := c.CreateTopic(ctx, "wide", partitions, nil); err != nil {
		b.Fatal(err)
	}
	recs := kafkatest.Records("wide", slices.Repeat([]int{3}, partitions), func(_ int32, i int) *kgo.Record {
		return &kgo.Record{Value: OrderValue(nil, int64(i))}
	})
	if err := c.Produce(ctx, recs...); err != nil {
		b.Fatal(err)
	}
	for _, q := range []struct{ name, sql string }{
		{"count", "SELECT COUNT(*) FROM kafka('wide')"},
		{"count-min20k", "SELECT COUNT(*) FROM kafka('wide') WITH (minPartitions=20000)"},
		{"groupby", "SELECT status, COUNT(*), SUM(amount) FROM kafka('wide') WITH (valueFormat='json', valueSchema='status VARCHAR, amount DOUBLE') WHERE partition < 5000 GROUP BY status"},
	} {
		b.Run(q.name, func(b *testing.B) {
			var pq *plan.Query
			for b.Loop() {
				stmt, err := lang.Parse(q.sql)
				if err != nil {
					b.Fatal(err)
				}
				if pq, err = plan.Plan(ctx, stmt, c.Admin); err != nil {
					b.Fatal(err)
				}
			}
			n := len(pq.Tasks())
			if n < partitions/2 {
				b.Fatalf("%d tasks", n)
			}
			b.ReportMetric(float64(n), "tasks")
		})
	}
}
