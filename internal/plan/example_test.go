package plan_test

import (
	"fmt"

	"github.com/kq-sql/kq/internal/plan"
)

// The worked example of the README (orders and payments) under the default balanced strategy: at
// least minPartitions tasks, none above maxRecordsPerPartition.
func ExampleSplit() {
	ranges := []plan.Range{
		{Topic: "orders", Partition: 0, From: 1000, Until: 151000},
		{Topic: "orders", Partition: 1, From: 2000, Until: 82000},
		{Topic: "orders", Partition: 2, From: 5000, Until: 35000},
		{Topic: "payments", Partition: 0, From: 100, Until: 40100},
	}
	tasks, err := plan.Split(ranges, plan.SplitOptions{MinPartitions: 8, MaxRecordsPerPartition: 50000})
	if err != nil {
		panic(err)
	}
	plan.AssignWorkers(tasks, 3)
	for _, t := range tasks {
		fmt.Println(t.Range, "worker", t.PreferredWorker)
	}
	// Output:
	// orders-0 [1000, 26000) worker 1
	// orders-0 [26000, 51000) worker 1
	// orders-0 [51000, 101000) worker 1
	// orders-0 [101000, 151000) worker 1
	// orders-1 [2000, 42000) worker 2
	// orders-1 [42000, 82000) worker 2
	// orders-2 [5000, 35000) worker 0
	// payments-0 [100, 40100) worker 0
}

// Spark's getRanges on the same input gives 7 ranges: the split by
// maxRecordsPerPartition leaves no piece large enough for minPartitions to
// split again (reference §3).
func ExampleSparkGetRanges() {
	ranges := []plan.Range{
		{Topic: "orders", Partition: 0, From: 1000, Until: 151000},
		{Topic: "orders", Partition: 1, From: 2000, Until: 82000},
		{Topic: "orders", Partition: 2, From: 5000, Until: 35000},
		{Topic: "payments", Partition: 0, From: 100, Until: 40100},
	}
	for _, r := range plan.SparkGetRanges(ranges, 8, 50000, nil) {
		fmt.Println(r.Range)
	}
	// Output:
	// orders-0 [1000, 51000)
	// orders-0 [51000, 101000)
	// orders-0 [101000, 151000)
	// orders-1 [2000, 42000)
	// orders-1 [42000, 82000)
	// orders-2 [5000, 35000)
	// payments-0 [100, 40100)
}
