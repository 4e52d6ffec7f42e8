package plan

import (
	"strings"

	"github.com/kq-sql/kq/lang"
)

// Join joins Left and Right. Kind is "INNER", "LEFT", "RIGHT", "FULL" or
// "CROSS" (also for FROM a, b).
type Join struct {
	Left, Right Node
	Kind        string
	On          lang.Expr // nil when absent
	Using       []string
	Subqueries  []Node
}

// Children implements Node.
func (n *Join) Children() []Node { return append([]Node{n.Left, n.Right}, n.Subqueries...) }

// WithChildren implements Node.
func (n *Join) WithChildren(c ...Node) Node {
	m := *n
	m.Left, m.Right, m.Subqueries = c[0], c[1], c[2:]
	return &m
}

// String implements Node.
func (n *Join) String() string {
	s := "Join " + strings.ToLower(n.Kind)
	if n.On != nil {
		s += " on " + n.On.String()
	}
	if len(n.Using) > 0 {
		quoted := make([]string, len(n.Using))
		for i, u := range n.Using {
			quoted[i] = lang.QuoteIdent(u)
		}
		s += " using (" + strings.Join(quoted, ", ") + ")"
	}
	return s
}
