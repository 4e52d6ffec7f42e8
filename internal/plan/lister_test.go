package plan

import (
	"context"
	"sort"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
)

// mapLister is an OffsetLister, and a topic lister for the "did you mean"
// suggestion, over fixed offsets: the planner's tests need offsets, not a
// broker. It answers as *kadm.Client answers against a broker holding the
// same partitions, in the fields the planner reads (Topic, Partition,
// Offset, Timestamp, Err): an unknown topic lists as a partition -1 with
// kerr.UnknownTopicOrPartition, not as an error, and a partition with no
// record at or after a time lists its high watermark with timestamp -1.
// TestOffsetListerContract holds it to that against kfake. It is read-only
// and safe for concurrent use.
type mapLister map[string][]mapPartition

// mapPartition is one partition's offsets.
type mapPartition struct {
	// start is the log start offset, end the high watermark and stable
	// the last stable offset (end when no transaction is open).
	start, end, stable int64
	// ts returns the timestamp, in epoch milliseconds, of an offset in
	// [start, end); nil when the partition has no records.
	ts func(off int64) int64
	// logAppend is the topic's message.timestamp.type: LogAppendTime
	// when set, else CreateTime.
	logAppend bool
}

// newMapLister returns the lister of topics.
func newMapLister(topics []fixtureTopic) mapLister {
	l := mapLister{}
	for _, t := range topics {
		ps := make([]mapPartition, len(t.ranges))
		for i, r := range t.ranges {
			ps[i] = mapPartition{start: r[0], end: r[1], stable: r[1] - t.open, logAppend: t.logAppend}
			if t.ts != nil {
				ps[i].ts = func(off int64) int64 { return t.ts(int32(i), off).UnixMilli() }
			}
		}
		l[t.name] = ps
	}
	return l
}

// ListStartOffsets implements OffsetLister.
func (l mapLister) ListStartOffsets(ctx context.Context, topics ...string) (kadm.ListedOffsets, error) {
	return l.list(ctx, topics, func(p mapPartition) (int64, int64) { return p.start, -1 })
}

// ListEndOffsets implements OffsetLister.
func (l mapLister) ListEndOffsets(ctx context.Context, topics ...string) (kadm.ListedOffsets, error) {
	return l.list(ctx, topics, func(p mapPartition) (int64, int64) { return p.end, -1 })
}

// ListCommittedOffsets implements OffsetLister.
func (l mapLister) ListCommittedOffsets(ctx context.Context, topics ...string) (kadm.ListedOffsets, error) {
	return l.list(ctx, topics, func(p mapPartition) (int64, int64) { return p.stable, -1 })
}

// ListOffsetsAfterMilli implements OffsetLister: the first offset from the
// log start offset whose timestamp is at or after millisecond, searched up
// to the high watermark (kadm lists by time under read_uncommitted), with
// its timestamp; else the high watermark with timestamp -1.
func (l mapLister) ListOffsetsAfterMilli(ctx context.Context, millisecond int64, topics ...string) (kadm.ListedOffsets, error) {
	return l.list(ctx, topics, func(p mapPartition) (int64, int64) {
		for off := p.start; off < p.end; off++ {
			if ts := p.ts(off); ts >= millisecond {
				return off, ts
			}
		}
		return p.end, -1
	})
}

// ListTopics lists topics, every topic when none are named; a named topic
// that does not exist lists with kerr.UnknownTopicOrPartition.
func (l mapLister) ListTopics(ctx context.Context, topics ...string) (kadm.TopicDetails, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := kadm.TopicDetails{}
	for _, t := range l.names(topics) {
		d := kadm.TopicDetail{Topic: t, Partitions: kadm.PartitionDetails{}}
		ps, ok := l[t]
		if !ok {
			d.Err = kerr.UnknownTopicOrPartition
		}
		for i := range ps {
			d.Partitions[int32(i)] = kadm.PartitionDetail{Topic: t, Partition: int32(i)}
		}
		out[t] = d
	}
	return out, nil
}

// DescribeTopicConfigs implements TopicConfigLister with the one config
// the planner reads, message.timestamp.type; a topic that does not exist
// describes with kerr.UnknownTopicOrPartition.
func (l mapLister) DescribeTopicConfigs(ctx context.Context, topics ...string) (kadm.ResourceConfigs, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out kadm.ResourceConfigs
	for _, t := range topics {
		ps, ok := l[t]
		if !ok {
			out = append(out, kadm.ResourceConfig{Name: t, Err: kerr.UnknownTopicOrPartition})
			continue
		}
		typ := "CreateTime"
		if len(ps) > 0 && ps[0].logAppend {
			typ = "LogAppendTime"
		}
		out = append(out, kadm.ResourceConfig{Name: t, Configs: []kadm.Config{{Key: timestampTypeConfig, Value: &typ}}})
	}
	return out, nil
}

// list lists the offset and timestamp at gives for every partition of
// topics (every topic when none are named).
func (l mapLister) list(ctx context.Context, topics []string, at func(mapPartition) (offset, timestamp int64)) (kadm.ListedOffsets, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := kadm.ListedOffsets{}
	for _, t := range l.names(topics) {
		ps, ok := l[t]
		if !ok {
			out[t] = map[int32]kadm.ListedOffset{-1: {Topic: t, Partition: -1, Err: kerr.UnknownTopicOrPartition}}
			continue
		}
		listed := make(map[int32]kadm.ListedOffset, len(ps))
		for i, p := range ps {
			off, ts := at(p)
			listed[int32(i)] = kadm.ListedOffset{Topic: t, Partition: int32(i), Offset: off, Timestamp: ts}
		}
		out[t] = listed
	}
	return out, nil
}

// names returns topics, or every topic of l, sorted, when there are none.
func (l mapLister) names(topics []string) []string {
	if len(topics) > 0 {
		return topics
	}
	for t := range l {
		topics = append(topics, t)
	}
	sort.Strings(topics)
	return topics
}
