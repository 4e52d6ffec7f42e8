package plan

import (
	"fmt"
	"sort"
)

// Split strategies, the values of the splitStrategy option.
const (
	// SplitBalanced guarantees minPartitions tasks whenever the records
	// allow (see splitBalanced). It is the default.
	SplitBalanced = "balanced"
	// SplitSpark reproduces Spark 4.x KafkaOffsetRangeCalculator.getRanges.
	SplitSpark = "spark"
)

// SplitOptions control how ranges become tasks. The zero value splits
// nothing: one task per non-empty range.
type SplitOptions struct {
	// Strategy is SplitBalanced (when empty) or SplitSpark.
	Strategy string
	// MinPartitions asks for at least this many tasks; 0 means unset.
	MinPartitions int
	// MaxRecordsPerPartition caps the size of a task; 0 means unset.
	MaxRecordsPerPartition int64
}

// Split turns ranges into tasks, ordered by (topic, partition, from).
// Empty ranges are dropped. Both strategies see the ranges sorted; Spark's
// getRanges keeps its input order and does not otherwise depend on it, so
// SplitSpark gives Spark's ranges in that order (SparkGetRanges keeps the
// caller's order). PreferredWorker is left zero; see AssignWorkers.
func Split(ranges []Range, o SplitOptions) ([]Task, error) {
	if o.MinPartitions < 0 {
		return nil, fmt.Errorf("minPartitions must be positive, got %d", o.MinPartitions)
	}
	if o.MaxRecordsPerPartition < 0 {
		return nil, fmt.Errorf("maxRecordsPerPartition must be positive, got %d", o.MaxRecordsPerPartition)
	}
	sorted := append([]Range(nil), ranges...)
	sort.SliceStable(sorted, func(i, j int) bool { return rangeLess(sorted[i], sorted[j]) })
	ranges = sorted
	var out []Range
	switch o.Strategy {
	case "", SplitBalanced:
		out = splitBalanced(ranges, o.MinPartitions, o.MaxRecordsPerPartition)
	case SplitSpark:
		out = splitSpark(ranges, o.MinPartitions, o.MaxRecordsPerPartition)
	default:
		return nil, fmt.Errorf("unknown split strategy %q (allowed: balanced, spark)", o.Strategy)
	}
	tasks := make([]Task, len(out))
	for i, r := range out {
		tasks[i] = Task{Range: r}
	}
	return tasks, nil
}

// AssignWorkers sets every task's PreferredWorker for the given number of
// workers (at least 1).
func AssignWorkers(tasks []Task, workers int) {
	if workers < 1 {
		workers = 1
	}
	for i := range tasks {
		tasks[i].PreferredWorker = PreferredWorker(tasks[i].Topic, tasks[i].Partition, workers)
	}
}

// divide is Spark's getDividedPartition: part k of parts takes
// remaining/(parts-k) offsets, so the remainder goes to the later parts.
// Empty parts (when parts > size) are dropped.
func divide(r Range, parts int64) []Range {
	out := make([]Range, 0, parts)
	remaining, start := r.Size(), r.From
	for k := int64(0); k < parts; k++ {
		n := remaining / (parts - k)
		remaining -= n
		end := min(start+n, r.Until)
		if end > start {
			out = append(out, Range{Topic: r.Topic, Partition: r.Partition, From: start, Until: end})
		}
		start = end
	}
	return out
}

func nonEmpty(ranges []Range) []Range {
	out := make([]Range, 0, len(ranges))
	for _, r := range ranges {
		if r.Size() > 0 {
			out = append(out, r)
		}
	}
	return out
}

func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }
