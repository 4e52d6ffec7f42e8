package plan

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"text/tabwriter"

	"github.com/kq-sql/kq/lang"
)

// ExplainText prints the plan for EXPLAIN: the tree after pushdown, what
// each scan took from the query, and the task table with Spark's preferred
// workers.
func (q *Query) ExplainText() string {
	var b strings.Builder
	b.WriteString("plan:\n")
	for _, line := range strings.Split(strings.TrimRight(Format(q.Root), "\n"), "\n") {
		b.WriteString("  " + line + "\n")
	}
	b.WriteString("pushed:\n")
	for i, s := range q.Scans {
		fmt.Fprintf(&b, "  scan %d %s:", i, s.label())
		var parts []string
		if len(s.Pushed) > 0 {
			parts = append(parts, "where "+exprsString(s.Pushed, " AND "))
		}
		if len(s.UpperBounds) > 0 {
			parts = append(parts, "timestamp upper bound: "+upperBoundText(s.UpperBounds))
		}
		if s.Limit >= 0 {
			parts = append(parts, fmt.Sprintf("limit %d", s.Limit))
		}
		if s.TopN != nil {
			parts = append(parts, s.TopN.explain())
		}
		if s.Resume != nil {
			parts = append(parts, "resume from "+s.Resume.String())
		}
		if s.CountOnly {
			parts = append(parts, "count-only")
		} else {
			parts = append(parts, "columns "+strings.Join(s.Columns, ", "))
		}
		b.WriteString(" " + strings.Join(parts, "; ") + "\n")
	}
	fmt.Fprintf(&b, "tasks (preferred worker of %d):\n", q.Workers)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	multi := len(q.Scans) > 1
	if multi {
		fmt.Fprintf(tw, "scan\t")
	}
	fmt.Fprintf(tw, "task\ttopic\tpartition\tfrom\tuntil\trows\tworker\t\n")
	for i, s := range q.Scans {
		for j, t := range s.Tasks {
			if multi {
				fmt.Fprintf(tw, "%d\t", i)
			}
			fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%d\t%d\t%d\t\n", j, t.Topic, t.Partition, t.From, t.Until, t.Size(), t.PreferredWorker)
		}
	}
	tw.Flush()
	return b.String()
}

// label names a scan in EXPLAIN: kafka('a', 'b') AS alias.
func (s *Scan) label() string {
	quoted := make([]string, len(s.Topics))
	for i, t := range s.Topics {
		quoted[i] = lang.QuoteString(t)
	}
	l := "kafka(" + strings.Join(quoted, ", ") + ")"
	if s.Alias != "" {
		l += " AS " + lang.QuoteIdent(s.Alias)
	}
	return l
}

// ExplainJSON is the JSON form of EXPLAIN: one object
// {"plan": <tree>, "pushed": {"scans": [...]}, "tasks": [...]}.
type ExplainJSON struct {
	Plan   NodeJSON   `json:"plan"`
	Pushed PushedJSON `json:"pushed"`
	Tasks  []TaskJSON `json:"tasks"`
}

// NodeJSON is a plan node: its kind ("Scan", "Project", ...), its one-line
// description, and its inputs.
type NodeJSON struct {
	Node     string     `json:"node"`
	Text     string     `json:"text"`
	Children []NodeJSON `json:"children,omitempty"`
}

// PushedJSON lists what each scan took from the query.
type PushedJSON struct {
	Scans []ScanJSON `json:"scans"`
}

// ScanJSON is one scan in EXPLAIN's JSON form. Partitions is null when
// every partition is read; offsets and timestamp (epoch ms) are null when
// unbounded, and each side is absent when open; limit is null when absent.
type ScanJSON struct {
	Source     string        `json:"source"`
	Topics     []string      `json:"topics"`
	Options    []string      `json:"options"`
	Predicates []string      `json:"predicates"`
	Partitions []int32       `json:"partitions"`
	Offsets    *IntervalJSON `json:"offsets"`
	Timestamp  *IntervalJSON `json:"timestamp"`
	// UpperBound is, per topic, what the timestamp's upper bound did;
	// absent when the scan has none.
	UpperBound []UpperBoundJSON `json:"timestampUpperBound,omitempty"`
	Limit      *int64           `json:"limit"`
	// TopN is the top-N on offset the scan reads; absent when none.
	TopN          *TopNJSON      `json:"topN,omitempty"`
	Columns       []string       `json:"columns"`
	Fields        []string       `json:"fields,omitempty"`
	CountOnly     bool           `json:"countOnly"`
	Tasks         int            `json:"tasks"`
	EstimatedRows int64          `json:"estimatedRows"`
	Split         map[string]any `json:"split"`
}

// TopNJSON is a TopN in EXPLAIN's JSON form: rows per partition, the
// offset order ("DESC": the tail, read backwards; "ASC": the head), and
// whether the query asks per partition or overall.
type TopNJSON struct {
	N            int64  `json:"n"`
	Order        string `json:"order"`
	PerPartition bool   `json:"perPartition"`
}

// UpperBoundJSON is an UpperBound in EXPLAIN's JSON form: the topic, its
// message.timestamp.type ("CreateTime", "LogAppendTime" or "unknown"),
// whether the bound narrowed the ranges, and the text form.
type UpperBoundJSON struct {
	Topic         string `json:"topic"`
	TimestampType string `json:"timestampType"`
	Pushed        bool   `json:"pushed"`
	Text          string `json:"text"`
}

// IntervalJSON is an Interval with its open sides left out.
type IntervalJSON struct {
	From  *int64 `json:"from,omitempty"`
	Until *int64 `json:"until,omitempty"`
}

// TaskJSON is one task in EXPLAIN's JSON form. Scan is the index into
// pushed.scans, present when the query has several scans.
type TaskJSON struct {
	Topic           string `json:"topic"`
	Partition       int32  `json:"partition"`
	From            int64  `json:"from"`
	Until           int64  `json:"until"`
	PreferredWorker int    `json:"preferredWorker"`
	Scan            *int   `json:"scan,omitempty"`
}

// ExplainJSON returns the JSON form of EXPLAIN.
func (q *Query) ExplainJSON() ExplainJSON {
	out := ExplainJSON{Plan: nodeJSON(q.Root), Pushed: PushedJSON{Scans: []ScanJSON{}}, Tasks: []TaskJSON{}}
	for i, s := range q.Scans {
		sj := ScanJSON{
			Source: s.label(), Topics: s.Topics, Options: nonNil(s.Options.Given()), Predicates: []string{},
			Partitions: s.Partitions, Offsets: intervalJSON(s.Offsets), Timestamp: intervalJSON(s.Timestamp),
			Columns: nonNil(s.Columns), Fields: s.fieldNames(), CountOnly: s.CountOnly, Tasks: len(s.Tasks), EstimatedRows: s.EstimatedRows(),
			Split: map[string]any{"strategy": s.Options.Split.Strategy},
		}
		if s.Options.Split.MinPartitions > 0 {
			sj.Split["minPartitions"] = s.Options.Split.MinPartitions
		}
		if s.Options.Split.MaxRecordsPerPartition > 0 {
			sj.Split["maxRecordsPerPartition"] = s.Options.Split.MaxRecordsPerPartition
		}
		for _, u := range s.UpperBounds {
			sj.UpperBound = append(sj.UpperBound, UpperBoundJSON{Topic: u.Topic, TimestampType: u.Type.String(), Pushed: u.Pushed(), Text: u.String()})
		}
		for _, p := range s.Pushed {
			sj.Predicates = append(sj.Predicates, p.String())
		}
		if s.Limit >= 0 {
			lim := s.Limit
			sj.Limit = &lim
		}
		if t := s.TopN; t != nil {
			order := "ASC"
			if t.Desc {
				order = "DESC"
			}
			sj.TopN = &TopNJSON{N: t.N, Order: order, PerPartition: t.PerPartition}
		}
		out.Pushed.Scans = append(out.Pushed.Scans, sj)
		for _, t := range s.Tasks {
			tj := TaskJSON{Topic: t.Topic, Partition: t.Partition, From: t.From, Until: t.Until, PreferredWorker: t.PreferredWorker}
			if len(q.Scans) > 1 {
				idx := i
				tj.Scan = &idx
			}
			out.Tasks = append(out.Tasks, tj)
		}
	}
	return out
}

// MarshalExplainJSON returns ExplainJSON as indented JSON text.
func (q *Query) MarshalExplainJSON() ([]byte, error) {
	return json.MarshalIndent(q.ExplainJSON(), "", "  ")
}

func nodeJSON(n Node) NodeJSON {
	kind := reflect.TypeOf(n).Elem().Name()
	out := NodeJSON{Node: kind, Text: n.String()}
	for _, c := range n.Children() {
		out.Children = append(out.Children, nodeJSON(c))
	}
	return out
}

func intervalJSON(iv Interval) *IntervalJSON {
	if !iv.Bounded() {
		return nil
	}
	var out IntervalJSON
	if iv.HasFrom {
		v := iv.From
		out.From = &v
	}
	if iv.HasUntil {
		v := iv.Until
		out.Until = &v
	}
	return &out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
