package plan

// Distinct removes repeated rows.
type Distinct struct {
	Input Node
}

// Children implements Node.
func (n *Distinct) Children() []Node { return []Node{n.Input} }

// WithChildren implements Node.
func (n *Distinct) WithChildren(c ...Node) Node { m := *n; m.Input = c[0]; return &m }

// String implements Node.
func (n *Distinct) String() string { return "Distinct" }
