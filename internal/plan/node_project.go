package plan

// Project computes its items from each input row. Subqueries are the plans
// of subqueries inside the items (EXISTS, IN, scalar), children after
// Input.
type Project struct {
	Input      Node
	Items      []Item
	Subqueries []Node
}

// Children implements Node.
func (n *Project) Children() []Node { return withSubqueries(n.Input, n.Subqueries) }

// WithChildren implements Node.
func (n *Project) WithChildren(c ...Node) Node {
	m := *n
	m.Input, m.Subqueries = c[0], c[1:]
	return &m
}

// String implements Node.
func (n *Project) String() string { return "Project " + itemsString(n.Items) }
