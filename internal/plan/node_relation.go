package plan

import "github.com/kq-sql/kq/lang"

// Relation is a leaf the SQL engine reads itself: a table of the session
// database, a CTE, a table function (read_parquet(...)), a file, or the
// single row of a SELECT without FROM.
type Relation struct {
	// Kind is "table", "cte", "function", "file" or "values".
	Kind string
	// Text is the relation as written (name, call or path).
	Text  string
	Alias string
}

// Children implements Node.
func (n *Relation) Children() []Node { return nil }

// WithChildren implements Node.
func (n *Relation) WithChildren(...Node) Node { m := *n; return &m }

// String implements Node.
func (n *Relation) String() string {
	if n.Kind == "values" {
		return "Values (one row)"
	}
	s := "Relation " + n.Kind + " " + n.Text
	if n.Alias != "" {
		s += " AS " + lang.QuoteIdent(n.Alias)
	}
	return s
}
