package plan

import "math"

// SparkRange is a range as Spark's KafkaOffsetRangeCalculator returns it:
// with the preferred executor location, set only when Spark does.
type SparkRange struct {
	Range
	// PreferredLoc is the executor location, or "" for Spark's None.
	PreferredLoc string
}

// SparkGetRanges is Spark 4.x KafkaOffsetRangeCalculator.getRanges(ranges,
// executorLocations) exactly (Spark's source, v4.0): empty
// ranges are dropped; when nothing needs splitting (Branch A) every range
// keeps its place and gets executorLocations[floorMod(hash(tp), n)] as its
// location; otherwise (Branch B) ranges are split by maxRecords and then,
// if still fewer than minParts, proportionally, and no range has a
// location. The output follows the input order. minParts and maxRecords
// are 0 when unset.
func SparkGetRanges(ranges []Range, minParts int, maxRecords int64, executorLocations []string) []SparkRange {
	out, branchA := splitSparkBranch(ranges, minParts, maxRecords)
	located := make([]SparkRange, len(out))
	for i, r := range out {
		located[i] = SparkRange{Range: r}
		if branchA && len(executorLocations) > 0 {
			located[i].PreferredLoc = executorLocations[PreferredWorker(r.Topic, r.Partition, len(executorLocations))]
		}
	}
	return located
}

// splitSpark is getRanges without executor locations (kq's tasks carry a
// preferred worker instead, see AssignWorkers).
func splitSpark(ranges []Range, minParts int, maxRecords int64) []Range {
	out, _ := splitSparkBranch(ranges, minParts, maxRecords)
	return out
}

// splitSparkBranch computes getRanges and reports whether Branch A (no
// splitting at all) was taken.
func splitSparkBranch(ranges []Range, minParts int, maxRecords int64) ([]Range, bool) {
	in := nonEmpty(ranges)
	if (minParts == 0 || len(in) >= minParts) && maxRecords == 0 {
		return in, true
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
		return divided, false
	}
	var total int64
	for _, r := range divided {
		total += r.Size()
	}
	// Spark keys the unsplit set by topic-partition, not by range: once
	// any piece of a partition is unsplit, every piece of it is
	// (reference §1.4).
	unsplit := map[TopicPartition]bool{}
	var unsplitTotal int64
	unsplitCount := 0
	for _, r := range divided {
		if sparkPartCount(r.Size(), total, minParts) == 1 {
			unsplit[TopicPartition{r.Topic, r.Partition}] = true
			unsplitTotal += r.Size()
			unsplitCount++
		}
	}
	splitTotal := total - unsplitTotal
	splitMin := max(minParts-unsplitCount, 1)
	out := make([]Range, 0, max(minParts, len(divided)))
	for _, r := range divided {
		parts := int64(1)
		if !unsplit[TopicPartition{r.Topic, r.Partition}] {
			parts = sparkPartCount(r.Size(), splitTotal, splitMin)
		}
		out = append(out, divide(r, parts)...)
	}
	return out, false
}

// sparkPartCount is max(round(size/total*minParts), 1) in IEEE doubles with
// Java's Math.round, which equals Go's math.Round for non-negative input.
func sparkPartCount(size, total int64, minParts int) int64 {
	return max(int64(math.Round(float64(size)/float64(total)*float64(minParts))), 1)
}
