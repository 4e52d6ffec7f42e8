package plan

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kq-sql/kq/lang"
)

// countingLister is testLister that counts the topics it is asked to
// describe.
type countingLister struct {
	mapLister
	mu        sync.Mutex
	described map[string]int
}

func (l *countingLister) DescribeTopicConfigs(ctx context.Context, topics ...string) (kadm.ResourceConfigs, error) {
	l.mu.Lock()
	for _, t := range topics {
		l.described[t]++
	}
	l.mu.Unlock()
	return l.mapLister.DescribeTopicConfigs(ctx, topics...)
}

// offsetsOnly hides every method of testLister but the OffsetLister ones:
// a lister that cannot describe configs.
type offsetsOnly struct{ OffsetLister }

func planOn(t *testing.T, l OffsetLister, sql string) *Query {
	t.Helper()
	stmt, err := lang.Parse(sql)
	if err != nil {
		t.Fatal(err)
	}
	q, err := Plan(t.Context(), stmt, l, WithWorkers(3))
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// TestTimestampUpperBound: a timestamp upper bound narrows the ranges of
// LogAppendTime topics only (to the first offset at or after it, from
// ListOffsets), and EXPLAIN says which, in text and JSON. On CreateTime
// topics, and when the type cannot be read, the ranges are those of the
// lower bound alone. The topics' types are read once per plan, however
// many scans read them, and only when a scan has an upper bound.
func TestTimestampUpperBound(t *testing.T) {
	// appended and events have the same timestamps: partition 0 1000,
	// 2000, ... ms, partition 1 5000, 6000, ... ms.
	const where = ` WHERE timestamp >= TIMESTAMP '1970-01-01 00:00:03' AND timestamp < TIMESTAMP '1970-01-01 00:00:07'`
	for _, tc := range []struct {
		name   string
		l      OffsetLister
		topic  string
		ranges string
		text   string
	}{
		// ts 3000..6000 are offsets 2..5 of partition 0; 5000, 6000
		// offsets 0, 1 of partition 1.
		{"log append", testLister, "appended", "[appended-0 [2, 6) appended-1 [0, 2)]", "timestamp upper bound: pushed (LogAppendTime)"},
		{"create time", testLister, "events", "[events-0 [2, 10) events-1 [0, 10)]", "timestamp upper bound: filtered (CreateTime)"},
		{"no configs", offsetsOnly{testLister}, "appended", "[appended-0 [2, 10) appended-1 [0, 10)]",
			"timestamp upper bound: filtered (timestamp type unknown: the lister cannot describe topic configs)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := planOn(t, tc.l, "SELECT offset FROM kafka('"+tc.topic+"')"+where)
			var ranges []string
			for _, task := range q.Tasks() {
				ranges = append(ranges, task.Range.String())
			}
			if got := "[" + strings.Join(ranges, " ") + "]"; got != tc.ranges {
				t.Errorf("ranges %s, want %s", got, tc.ranges)
			}
			if !strings.Contains(q.ExplainText(), tc.text) {
				t.Errorf("EXPLAIN does not say %q:\n%s", tc.text, q.ExplainText())
			}
			b, err := q.MarshalExplainJSON()
			if err != nil {
				t.Fatal(err)
			}
			var ej struct {
				Pushed struct {
					Scans []struct {
						UpperBound []UpperBoundJSON `json:"timestampUpperBound"`
					} `json:"scans"`
				} `json:"pushed"`
			}
			if err := json.Unmarshal(b, &ej); err != nil {
				t.Fatal(err)
			}
			ub := ej.Pushed.Scans[0].UpperBound
			if len(ub) != 1 || ub[0].Topic != tc.topic || "timestamp upper bound: "+ub[0].Text != tc.text || ub[0].Pushed != (tc.name == "log append") {
				t.Errorf("JSON timestampUpperBound %+v, want %q", ub, tc.text)
			}
		})
	}

	t.Run("once per topic per plan", func(t *testing.T) {
		cl := &countingLister{mapLister: testLister, described: map[string]int{}}
		q := planOn(t, cl, `SELECT a.offset FROM kafka('appended') a JOIN kafka('appended', 'events') b ON a.offset = b.offset
			WHERE a.timestamp < TIMESTAMP '1970-01-01 00:00:04' AND b.timestamp < TIMESTAMP '1970-01-01 00:00:06'
			UNION ALL SELECT offset FROM kafka('shuffled')`)
		if cl.described["appended"] != 1 || cl.described["events"] != 1 || cl.described["shuffled"] != 0 {
			t.Errorf("described %v, want appended and events once, shuffled (no upper bound) never", cl.described)
		}
		if got := q.Scans[1].UpperBounds; len(got) != 2 || !got[0].Pushed() || got[1].Pushed() {
			t.Errorf("scan 1 upper bounds %v, want appended pushed, events filtered", got)
		}
		if !strings.Contains(q.ExplainText(), "timestamp upper bound: appended pushed (LogAppendTime), events filtered (CreateTime)") {
			t.Errorf("EXPLAIN of mixed topics:\n%s", q.ExplainText())
		}
	})

	t.Run("no upper bound, no describe", func(t *testing.T) {
		cl := &countingLister{mapLister: testLister, described: map[string]int{}}
		q := planOn(t, cl, "SELECT offset FROM kafka('appended') WHERE timestamp >= TIMESTAMP '1970-01-01 00:00:03'")
		if len(cl.described) != 0 || q.Scans[0].UpperBounds != nil || strings.Contains(q.ExplainText(), "upper bound") {
			t.Errorf("described %v, upper bounds %v", cl.described, q.Scans[0].UpperBounds)
		}
	})
}
