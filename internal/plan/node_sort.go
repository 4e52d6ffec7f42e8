package plan

import (
	"strings"

	"github.com/kq-sql/kq/lang"
)

// Sort orders its input by Keys.
type Sort struct {
	Input      Node
	Keys       []*lang.OrderItem
	Subqueries []Node
}

// Children implements Node.
func (n *Sort) Children() []Node { return withSubqueries(n.Input, n.Subqueries) }

// WithChildren implements Node.
func (n *Sort) WithChildren(c ...Node) Node {
	m := *n
	m.Input, m.Subqueries = c[0], c[1:]
	return &m
}

// String implements Node.
func (n *Sort) String() string {
	parts := make([]string, len(n.Keys))
	for i, k := range n.Keys {
		parts[i] = k.String()
	}
	return "Sort " + strings.Join(parts, ", ")
}
