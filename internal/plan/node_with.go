package plan

import (
	"strings"

	"github.com/kq-sql/kq/lang"
)

// With defines common table expressions for Input: CTEs[i] is the plan of
// the CTE named Names[i]. Children are the CTEs, then Input.
type With struct {
	Names []string
	CTEs  []Node
	Input Node
}

// Children implements Node.
func (n *With) Children() []Node { return append(append([]Node{}, n.CTEs...), n.Input) }

// WithChildren implements Node.
func (n *With) WithChildren(c ...Node) Node {
	m := *n
	m.CTEs, m.Input = append([]Node{}, c[:len(c)-1]...), c[len(c)-1]
	return &m
}

// String implements Node.
func (n *With) String() string {
	quoted := make([]string, len(n.Names))
	for i, name := range n.Names {
		quoted[i] = lang.QuoteIdent(name)
	}
	return "With " + strings.Join(quoted, ", ")
}
