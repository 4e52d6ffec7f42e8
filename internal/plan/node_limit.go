package plan

import "fmt"

// Limit passes on N rows of its input after skipping Offset rows. N is -1
// for OFFSET without LIMIT.
type Limit struct {
	Input  Node
	N      int64
	Offset int64
}

// Children implements Node.
func (n *Limit) Children() []Node { return []Node{n.Input} }

// WithChildren implements Node.
func (n *Limit) WithChildren(c ...Node) Node { m := *n; m.Input = c[0]; return &m }

// String implements Node.
func (n *Limit) String() string {
	s := "Limit"
	if n.N >= 0 {
		s += fmt.Sprintf(" %d", n.N)
	}
	if n.Offset > 0 {
		s += fmt.Sprintf(" offset %d", n.Offset)
	}
	return s
}
