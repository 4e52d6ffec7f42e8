package plan

// SetOp combines two queries: Op is "UNION", "EXCEPT" or "INTERSECT".
type SetOp struct {
	Left, Right Node
	Op          string
	All         bool
}

// Children implements Node.
func (n *SetOp) Children() []Node { return []Node{n.Left, n.Right} }

// WithChildren implements Node.
func (n *SetOp) WithChildren(c ...Node) Node { m := *n; m.Left, m.Right = c[0], c[1]; return &m }

// String implements Node.
func (n *SetOp) String() string {
	if n.All {
		return n.Op + " ALL"
	}
	return n.Op
}
