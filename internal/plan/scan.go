package plan

import (
	"fmt"
	"strings"

	"github.com/kq-sql/kq/lang"
)

// Columns of the kafka() source, in schema order (Spark's schema). Headers
// is present only with includeHeaders=true.
const (
	ColKey           = "key"
	ColValue         = "value"
	ColTopic         = "topic"
	ColPartition     = "partition"
	ColOffset        = "offset"
	ColTimestamp     = "timestamp"
	ColTimestampType = "timestampType"
	ColHeaders       = "headers"
)

// SourceColumns returns the source's columns in schema order.
func SourceColumns(includeHeaders bool) []string {
	cols := []string{ColKey, ColValue, ColTopic, ColPartition, ColOffset, ColTimestamp, ColTimestampType}
	if includeHeaders {
		cols = append(cols, ColHeaders)
	}
	return cols
}

// Scan reads a kafka() source. It is the only leaf of a plan.
type Scan struct {
	// Pos is where the kafka() source is in the query.
	Pos lang.Pos
	// Topics are the topics read, in the order written.
	Topics []string
	// Options are the source's validated WITH options.
	Options Options
	// Columns are the columns to materialize, in schema order. Empty for a
	// count-only scan.
	Columns []string
	// Limit stops the scan after this many rows; -1 means no limit.
	Limit int64
	// TopN, when not nil, reads at most TopN.N rows of each partition:
	// those with the highest offsets (read backwards from the end) or the
	// lowest (see TopN). Each partition is then one task.
	TopN *TopN
	// CountOnly scans count records without materializing any column.
	CountOnly bool
	// Tasks are the offset-range tasks; nil until Resolve.
	Tasks []Task
	// Resume, when set, is where an export continues: it replaces the
	// starting options (see Resume).
	Resume *Resume

	// Alias is the source's alias, "" when it has none.
	Alias string
	// Source is the kafka() source of the statement this scan reads; the
	// executor replaces it with the scan's stream when it renders the
	// statement for DuckDB. Nil for scans built by hand.
	Source *lang.KafkaSource
	// Partitions, when not nil, are the only partitions read (pushed down
	// from partition = and IN); an empty non-nil slice reads nothing.
	// Sorted, without repeats.
	Partitions []int32
	// Offsets narrows every partition's range (pushed down from offset
	// comparisons and BETWEEN).
	Offsets Interval
	// Timestamp bounds the record timestamps, in epoch milliseconds, from
	// pushed-down timestamp comparisons. Its lower bound also narrows the
	// ranges (ListOffsets by time), and so does its upper bound on
	// LogAppendTime topics (UpperBounds). It is a row filter the executor MUST
	// apply: a row whose timestamp is outside it is not produced nor
	// counted, which keeps count-only scans exact (Kafka timestamps need
	// not grow with offsets).
	Timestamp Interval
	// UpperBounds says, per topic, whether Timestamp's upper bound also
	// narrowed the ranges (LogAppendTime topics) or only filters rows;
	// nil until Resolve, and when Timestamp has no upper bound.
	UpperBounds []UpperBound
	// Pushed are the WHERE conjuncts pushed into this scan, as written.
	// They also stay in the statement DuckDB runs.
	Pushed []lang.Expr
	// Fields are the decoded JSON fields the query uses, in the order the
	// query names them, when a format is FormatJSON and AllFields is
	// false. A field may be named more than once (as f and value.f).
	Fields []FieldRef
	// AllFields says every decoded field is needed (SELECT *, or a use
	// the planner cannot see through).
	AllFields bool
}

// Name is the name the source has in the SQL the executor runs, by which
// columns may be qualified: its alias, else its topic when it reads one
// topic (kafka('orders') is orders), else "kafka".
func (n *Scan) Name() string {
	switch {
	case n.Alias != "":
		return n.Alias
	case len(n.Topics) == 1:
		return n.Topics[0]
	}
	return "kafka"
}

// HiddenFromStar reports whether * leaves column col out: a decoded value
// or key (a STRUCT of fields that are columns of their own), which the
// query reaches only by naming it (value.amount, SELECT value).
func (n *Scan) HiddenFromStar(col string) bool {
	return (col == ColValue && n.Options.ValueFormat.Decoded()) || (col == ColKey && n.Options.KeyFormat.Decoded())
}

// Children implements Node.
func (n *Scan) Children() []Node { return nil }

// WithChildren implements Node.
func (n *Scan) WithChildren(...Node) Node { m := *n; return &m }

// String implements Node.
func (n *Scan) String() string {
	var b strings.Builder
	b.WriteString("Scan kafka(")
	for i, t := range n.Topics {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(lang.QuoteString(t))
	}
	b.WriteString(")")
	if n.Alias != "" {
		b.WriteString(" AS " + lang.QuoteIdent(n.Alias))
	}
	if given := n.Options.Given(); len(given) > 0 {
		fmt.Fprintf(&b, " options=[%s]", strings.Join(given, ", "))
	}
	if n.CountOnly {
		b.WriteString(" count-only")
	} else {
		fmt.Fprintf(&b, " columns=[%s]", strings.Join(n.Columns, ", "))
		if n.Options.ValueFormat.Decoded() || n.Options.KeyFormat.Decoded() {
			if n.AllFields {
				b.WriteString(" fields=*")
			} else {
				fmt.Fprintf(&b, " fields=[%s]", strings.Join(n.fieldNames(), ", "))
			}
		}
	}
	if n.Partitions != nil {
		ps := make([]string, len(n.Partitions))
		for i, p := range n.Partitions {
			ps[i] = fmt.Sprint(p)
		}
		fmt.Fprintf(&b, " partitions=[%s]", strings.Join(ps, ", "))
	}
	if n.Offsets.Bounded() {
		b.WriteString(" offsets=" + n.Offsets.String())
	}
	if n.Timestamp.Bounded() {
		b.WriteString(" timestamp=" + n.Timestamp.TimeString())
	}
	if n.Limit >= 0 {
		fmt.Fprintf(&b, " limit=%d", n.Limit)
	}
	if n.TopN != nil {
		b.WriteString(" " + n.TopN.String())
	}
	if n.Tasks != nil {
		fmt.Fprintf(&b, " tasks=%d estimatedRows=%d", len(n.Tasks), n.EstimatedRows())
	}
	return b.String()
}

// fieldNames returns Fields as printed.
func (n *Scan) fieldNames() []string {
	names := make([]string, len(n.Fields))
	for i, f := range n.Fields {
		names[i] = f.String()
	}
	return names
}

// EstimatedRows is the sum of the task sizes: offsets, an upper bound of
// the records read. With a TopN, a task counts for at most TopN.N (the
// rows it returns; markers, aborted records and gaps can make it read
// more offsets).
func (n *Scan) EstimatedRows() int64 {
	var est int64
	for _, t := range n.Tasks {
		if n.TopN != nil {
			est += min(t.Size(), n.TopN.N)
			continue
		}
		est += t.Size()
	}
	return est
}
