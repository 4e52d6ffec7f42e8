package plan

import (
	"strconv"

	"github.com/kq-sql/kq/lang"
)

// Values is the rows of a VALUES list, which the SQL engine computes.
// Subqueries are the subqueries inside its expressions.
type Values struct {
	Rows       [][]lang.Expr
	Subqueries []Node
}

// Children implements Node.
func (n *Values) Children() []Node { return n.Subqueries }

// WithChildren implements Node.
func (n *Values) WithChildren(c ...Node) Node {
	m := *n
	m.Subqueries = c
	return &m
}

// String implements Node.
func (n *Values) String() string {
	if len(n.Rows) == 1 {
		return "Values (1 row)"
	}
	return "Values (" + strconv.Itoa(len(n.Rows)) + " rows)"
}
