package plan

import "github.com/kq-sql/kq/lang"

// Subquery is a query used as a FROM item, (SELECT ...) AS alias. Names
// inside it are out of reach of the enclosing SELECT.
type Subquery struct {
	Input Node
	Alias string
}

// Children implements Node.
func (n *Subquery) Children() []Node { return []Node{n.Input} }

// WithChildren implements Node.
func (n *Subquery) WithChildren(c ...Node) Node { m := *n; m.Input = c[0]; return &m }

// String implements Node.
func (n *Subquery) String() string {
	if n.Alias == "" {
		return "Subquery"
	}
	return "Subquery AS " + lang.QuoteIdent(n.Alias)
}
