package plan

import "github.com/kq-sql/kq/lang"

// Filter keeps the input rows for which every conjunct of Cond holds.
// After pushdown it holds only what the scans could not take exactly.
type Filter struct {
	Input      Node
	Cond       []lang.Expr
	Subqueries []Node
	// Having marks the filter of a HAVING clause (above an Aggregate).
	Having bool
	// Qualify marks the filter of a QUALIFY clause (above the Project or
	// Aggregate whose window functions it filters on).
	Qualify bool
}

// Children implements Node.
func (n *Filter) Children() []Node { return withSubqueries(n.Input, n.Subqueries) }

// WithChildren implements Node.
func (n *Filter) WithChildren(c ...Node) Node {
	m := *n
	m.Input, m.Subqueries = c[0], c[1:]
	return &m
}

// String implements Node.
func (n *Filter) String() string {
	if n.Having {
		return "Having " + exprsString(n.Cond, " AND ")
	}
	if n.Qualify {
		return "Qualify " + exprsString(n.Cond, " AND ")
	}
	return "Filter " + exprsString(n.Cond, " AND ")
}
