package plan

import (
	"container/heap"
	"fmt"
	"math"
	"math/bits"
	"sort"
)

// Split strategies, the values of the splitStrategy option.
const (
	// SplitBalanced guarantees minPartitions tasks whenever the records
	// allow (SPEC §5). It is the default.
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

// Split turns ranges into tasks. Empty ranges are dropped. Under
// SplitBalanced the ranges are first sorted by (topic, partition, from) and
// so are the tasks; under SplitSpark the input order is kept, as Spark does.
// PreferredWorker is left zero; see AssignWorkers.
func Split(ranges []Range, o SplitOptions) ([]Task, error) {
	if o.MinPartitions < 0 {
		return nil, fmt.Errorf("minPartitions must be positive, got %d", o.MinPartitions)
	}
	if o.MaxRecordsPerPartition < 0 {
		return nil, fmt.Errorf("maxRecordsPerPartition must be positive, got %d", o.MaxRecordsPerPartition)
	}
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

// splitBalanced implements SPEC §5's balanced strategy.
func splitBalanced(ranges []Range, minParts int, maxRecords int64) []Range {
	in := nonEmpty(ranges)
	sort.SliceStable(in, func(i, j int) bool { return rangeLess(in[i], in[j]) })

	// Step 1: cap every piece at maxRecords.
	pieces := in
	if maxRecords > 0 {
		pieces = make([]Range, 0, len(in))
		for _, r := range in {
			pieces = append(pieces, divide(r, ceilDiv(r.Size(), maxRecords))...)
		}
	}
	if minParts <= len(pieces) {
		return pieces
	}

	// Step 2: give one more part at a time to the piece with the largest
	// size per part, never below one record per part.
	h := make(pieceHeap, 0, len(pieces))
	for i, r := range pieces {
		if r.Size() > 1 {
			h = append(h, &piece{idx: i, size: r.Size(), parts: 1})
		}
	}
	heap.Init(&h)
	parts := make([]int64, len(pieces))
	for i := range parts {
		parts[i] = 1
	}
	total := len(pieces)
	for total < minParts && h.Len() > 0 {
		p := h[0]
		p.parts++
		parts[p.idx] = p.parts
		total++
		if p.parts >= p.size {
			heap.Pop(&h)
		} else {
			heap.Fix(&h, 0)
		}
	}
	out := make([]Range, 0, total)
	for i, r := range pieces {
		out = append(out, divide(r, parts[i])...)
	}
	return out
}

func rangeLess(a, b Range) bool {
	if a.Topic != b.Topic {
		return a.Topic < b.Topic
	}
	if a.Partition != b.Partition {
		return a.Partition < b.Partition
	}
	return a.From < b.From
}

type piece struct {
	idx         int
	size, parts int64
}

// pieceHeap orders pieces by size per part, largest first, then by index.
type pieceHeap []*piece

func (h pieceHeap) Len() int { return len(h) }
func (h pieceHeap) Less(i, j int) bool {
	// Compare size_i/parts_i with size_j/parts_j exactly in 128 bits.
	hi1, lo1 := bits.Mul64(uint64(h[i].size), uint64(h[j].parts))
	hi2, lo2 := bits.Mul64(uint64(h[j].size), uint64(h[i].parts))
	if hi1 != hi2 || lo1 != lo2 {
		return hi1 > hi2 || (hi1 == hi2 && lo1 > lo2)
	}
	return h[i].idx < h[j].idx
}
func (h pieceHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *pieceHeap) Push(x any)   { *h = append(*h, x.(*piece)) }
func (h *pieceHeap) Pop() any {
	old := *h
	p := old[len(old)-1]
	*h = old[:len(old)-1]
	return p
}

// splitSpark is Spark 4.x KafkaOffsetRangeCalculator.getRanges without
// executor locations (the batch path), see reference/spark-kafka-source.md.
func splitSpark(ranges []Range, minParts int, maxRecords int64) []Range {
	in := nonEmpty(ranges)
	if (minParts == 0 || len(in) >= minParts) && maxRecords == 0 {
		return in
	}
	divided := in
	if maxRecords > 0 {
		divided = make([]Range, 0, len(in))
		for _, r := range in {
			parts := int64(math.Ceil(float64(r.Size()) / float64(maxRecords)))
			divided = append(divided, divide(r, parts)...)
		}
	}
	if minParts == 0 || minParts <= len(divided) {
		return divided
	}
	var total int64
	for _, r := range divided {
		total += r.Size()
	}
	type tp struct {
		topic     string
		partition int32
	}
	unsplit := map[tp]bool{}
	var unsplitTotal int64
	unsplitCount := 0
	for _, r := range divided {
		if sparkPartCount(r.Size(), total, minParts) == 1 {
			unsplit[tp{r.Topic, r.Partition}] = true
			unsplitTotal += r.Size()
			unsplitCount++
		}
	}
	splitTotal := total - unsplitTotal
	splitMin := max(minParts-unsplitCount, 1)
	out := make([]Range, 0, minParts)
	for _, r := range divided {
		parts := int64(1)
		if !unsplit[tp{r.Topic, r.Partition}] {
			parts = sparkPartCount(r.Size(), splitTotal, splitMin)
		}
		out = append(out, divide(r, parts)...)
	}
	return out
}

// sparkPartCount is max(round(size/total*minParts), 1) in IEEE doubles with
// Java's Math.round, which equals Go's math.Round for non-negative input.
func sparkPartCount(size, total int64, minParts int) int64 {
	return max(int64(math.Round(float64(size)/float64(total)*float64(minParts))), 1)
}
