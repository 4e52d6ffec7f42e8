package plan

import (
	"fmt"
	"sort"
	"strings"
)

// Resume is where an export continues: per partition, the exclusive end
// offset of what earlier runs exported (an incremental export's
// committed manifests, or a consumer group's committed offsets). A scan
// with a Resume starts each partition it lists there, and every other
// partition (new since) at earliest; the source's starting options do
// not apply. Offsets below a partition's log start are data loss, as for
// any start.
type Resume struct {
	// From says where the offsets come from, for EXPLAIN and errors:
	// "run 3 of s3://bucket/orders/", "consumer group nightly".
	From string
	// Offsets are the exclusive end offsets per partition.
	Offsets map[TopicPartition]int64
}

// String prints the resume point: its origin and its offsets.
func (r *Resume) String() string {
	tps := make([]TopicPartition, 0, len(r.Offsets))
	for tp := range r.Offsets {
		tps = append(tps, tp)
	}
	sort.Slice(tps, func(i, j int) bool {
		if tps[i].Topic != tps[j].Topic {
			return tps[i].Topic < tps[j].Topic
		}
		return tps[i].Partition < tps[j].Partition
	})
	parts := make([]string, len(tps))
	for i, tp := range tps {
		parts[i] = fmt.Sprintf("%s@%d", tp, r.Offsets[tp])
	}
	if len(parts) == 0 {
		return r.From + " (nothing exported yet: every partition from earliest)"
	}
	return r.From + " (" + strings.Join(parts, ", ") + ")"
}

// WithResume makes every scan continue from r (see Resume); nil changes
// nothing.
func WithResume(r *Resume) PlanOption { return func(c *planConfig) { c.resume = r } }

// setResume gives every scan of root the resume point r.
func setResume(root Node, r *Resume) Node {
	return setScans(root, func(c *Scan) { c.Resume = r })
}
