package plan

import "github.com/kq-sql/kq/lang"

// Aggregate groups its input by GroupBy (one group of all rows when empty)
// and computes Items per group.
type Aggregate struct {
	Input      Node
	GroupBy    []lang.Expr
	Items      []Item
	Subqueries []Node
}

// Children implements Node.
func (n *Aggregate) Children() []Node { return withSubqueries(n.Input, n.Subqueries) }

// WithChildren implements Node.
func (n *Aggregate) WithChildren(c ...Node) Node {
	m := *n
	m.Input, m.Subqueries = c[0], c[1:]
	return &m
}

// String implements Node.
func (n *Aggregate) String() string {
	s := "Aggregate " + itemsString(n.Items)
	if len(n.GroupBy) > 0 {
		s += " group by " + exprsString(n.GroupBy, ", ")
	}
	return s
}
