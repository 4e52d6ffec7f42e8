package plan

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
)

// TimestampType is a topic's message.timestamp.type: whether its record
// timestamps are set by producers (CreateTime, in any order) or by the
// broker when it appends them (LogAppendTime, never decreasing along a
// partition's offsets).
type TimestampType int8

// The timestamp types. TimestampTypeUnknown is a topic whose configuration
// could not be read; it is treated as CreateTime.
const (
	TimestampTypeUnknown TimestampType = iota
	CreateTime
	LogAppendTime
)

// String returns the name Kafka gives the type, or "unknown".
func (t TimestampType) String() string {
	switch t {
	case CreateTime:
		return "CreateTime"
	case LogAppendTime:
		return "LogAppendTime"
	}
	return "unknown"
}

// TopicConfigLister describes topic configurations; *kadm.Client satisfies
// it. When the OffsetLister given to Plan (or the one a SettingsLister
// returns for a source) implements it, the planner reads the
// message.timestamp.type of the topics whose scans have a timestamp upper
// bound, once per topic and cluster per plan, and pushes that bound into
// the ranges of LogAppendTime topics. A lister without it, or an error
// describing a topic, leaves the bound a row filter only.
type TopicConfigLister interface {
	DescribeTopicConfigs(ctx context.Context, topics ...string) (kadm.ResourceConfigs, error)
}

// timestampTypeConfig is the topic configuration that says how record
// timestamps are set.
const timestampTypeConfig = "message.timestamp.type"

// UpperBound says, per topic of a scan with a timestamp upper bound,
// whether the bound narrowed the ranges (LogAppendTime: the end of each
// partition is the first offset at or after the bound) or only filters
// rows (CreateTime, or a type that could not be read).
type UpperBound struct {
	Topic string        `json:"topic"`
	Type  TimestampType `json:"-"`
	// Reason is why the type is unknown ("" when it is known).
	Reason string `json:"reason,omitempty"`
}

// Pushed reports whether the bound narrowed the topic's ranges.
func (u UpperBound) Pushed() bool { return u.Type == LogAppendTime }

// String prints the decision as EXPLAIN shows it: "pushed
// (LogAppendTime)", "filtered (CreateTime)" or "filtered (timestamp type
// unknown: reason)".
func (u UpperBound) String() string {
	switch {
	case u.Pushed():
		return "pushed (LogAppendTime)"
	case u.Type == CreateTime:
		return "filtered (CreateTime)"
	}
	return "filtered (timestamp type unknown: " + u.Reason + ")"
}

// upperBoundText prints the decisions of a scan's topics: one decision
// when all topics share it, else "topic decision" per topic.
func upperBoundText(ubs []UpperBound) string {
	same := true
	for _, u := range ubs[1:] {
		same = same && u.String() == ubs[0].String()
	}
	if same {
		return ubs[0].String()
	}
	parts := make([]string, len(ubs))
	for i, u := range ubs {
		parts[i] = u.Topic + " " + u.String()
	}
	return strings.Join(parts, ", ")
}

// timestampTypes caches the timestamp types read while planning one
// statement, by cluster (ClientSettings.Identity) and topic.
type timestampTypes map[string]UpperBound

// lookup returns the timestamp type of every topic, describing the ones
// not cached yet through l in one request. A lister that cannot describe
// configs gives unknown types.
func (c timestampTypes) lookup(ctx context.Context, l OffsetLister, cluster string, topics []string) []UpperBound {
	key := func(topic string) string { return cluster + "\x00" + topic }
	var missing []string
	for _, t := range topics {
		if _, ok := c[key(t)]; !ok {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		got := describeTimestampTypes(ctx, l, missing)
		for _, t := range missing {
			c[key(t)] = got[t]
		}
	}
	out := make([]UpperBound, len(topics))
	for i, t := range topics {
		out[i] = c[key(t)]
	}
	return out
}

// describeTimestampTypes reads message.timestamp.type of topics through l.
func describeTimestampTypes(ctx context.Context, l OffsetLister, topics []string) map[string]UpperBound {
	out := make(map[string]UpperBound, len(topics))
	unknown := func(reason string) {
		for _, t := range topics {
			if _, ok := out[t]; !ok {
				out[t] = UpperBound{Topic: t, Reason: reason}
			}
		}
	}
	cl, ok := l.(TopicConfigLister)
	if !ok {
		unknown("the lister cannot describe topic configs")
		return out
	}
	sorted := append([]string(nil), topics...)
	sort.Strings(sorted)
	rcs, err := cl.DescribeTopicConfigs(ctx, sorted...)
	if err != nil {
		unknown(fmt.Sprintf("describe configs: %v", err))
		return out
	}
	for _, rc := range rcs {
		if !slices.Contains(topics, rc.Name) {
			continue
		}
		if rc.Err != nil {
			out[rc.Name] = UpperBound{Topic: rc.Name, Reason: fmt.Sprintf("describe configs of %s: %v", rc.Name, rc.Err)}
			continue
		}
		u := UpperBound{Topic: rc.Name, Reason: timestampTypeConfig + " not listed"}
		for _, c := range rc.Configs {
			if c.Key != timestampTypeConfig {
				continue
			}
			switch v := c.MaybeValue(); v {
			case "CreateTime":
				u.Type, u.Reason = CreateTime, ""
			case "LogAppendTime":
				u.Type, u.Reason = LogAppendTime, ""
			default:
				u.Reason = fmt.Sprintf("%s is %q", timestampTypeConfig, v)
			}
		}
		out[rc.Name] = u
	}
	unknown("topic missing from the answer")
	return out
}
