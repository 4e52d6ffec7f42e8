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
	// CountOnly scans count records without materializing any column.
	CountOnly bool
	// Tasks are the offset-range tasks; nil until Resolve.
	Tasks []Task
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
	if n.CountOnly {
		b.WriteString(" count-only")
	} else {
		fmt.Fprintf(&b, " columns=[%s]", strings.Join(n.Columns, ", "))
	}
	if n.Limit >= 0 {
		fmt.Fprintf(&b, " limit=%d", n.Limit)
	}
	if n.Tasks != nil {
		var est int64
		for _, t := range n.Tasks {
			est += t.Size()
		}
		fmt.Fprintf(&b, " tasks=%d estimatedRows=%d", len(n.Tasks), est)
	}
	return b.String()
}
