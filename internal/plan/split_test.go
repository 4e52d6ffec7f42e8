package plan

import (
	"reflect"
	"testing"
)

// seedRanges is the worked example of the README and the planner's docs.
var seedRanges = []Range{
	{"orders", 0, 1000, 151000},
	{"orders", 1, 2000, 82000},
	{"orders", 2, 5000, 35000},
	{"payments", 0, 100, 40100},
}

func ranges(tasks []Task) []Range {
	out := make([]Range, len(tasks))
	for i, t := range tasks {
		out[i] = t.Range
	}
	return out
}

func TestSplitSeedExample(t *testing.T) {
	for _, tc := range []struct {
		strategy string
		want     []Range
	}{
		{SplitBalanced, []Range{
			{"orders", 0, 1000, 26000}, {"orders", 0, 26000, 51000}, {"orders", 0, 51000, 101000}, {"orders", 0, 101000, 151000},
			{"orders", 1, 2000, 42000}, {"orders", 1, 42000, 82000},
			{"orders", 2, 5000, 35000},
			{"payments", 0, 100, 40100},
		}},
		{SplitSpark, []Range{
			{"orders", 0, 1000, 51000}, {"orders", 0, 51000, 101000}, {"orders", 0, 101000, 151000},
			{"orders", 1, 2000, 42000}, {"orders", 1, 42000, 82000},
			{"orders", 2, 5000, 35000},
			{"payments", 0, 100, 40100},
		}},
	} {
		t.Run(tc.strategy, func(t *testing.T) {
			tasks, err := Split(seedRanges, SplitOptions{Strategy: tc.strategy, MinPartitions: 8, MaxRecordsPerPartition: 50000})
			if err != nil {
				t.Fatal(err)
			}
			if got := ranges(tasks); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestPreferredWorker(t *testing.T) {
	// Values of Java's TopicPartition.hashCode, as Spark computes them.
	for _, tc := range []struct {
		topic     string
		partition int32
		hash      int32
		workers   int
		want      int
	}{
		{"t1", 1, 4637, 3, 2},
		{"t2", 1, 4638, 3, 0},
		{"t3", 1, 4639, 3, 1},
		{"orders", 0, -1008769370, 3, 1},
		{"payments", 0, 1382683374, 3, 0},
	} {
		if h := topicPartitionHash(tc.topic, tc.partition); h != tc.hash {
			t.Errorf("hash(%s-%d) = %d, want %d", tc.topic, tc.partition, h, tc.hash)
		}
		if got := PreferredWorker(tc.topic, tc.partition, tc.workers); got != tc.want {
			t.Errorf("PreferredWorker(%s-%d, %d) = %d, want %d", tc.topic, tc.partition, tc.workers, got, tc.want)
		}
	}
}
