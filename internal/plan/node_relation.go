package plan

import "github.com/kq-sql/kq/lang"

// RelationKind says what a Relation reads. It prints as the word EXPLAIN
// shows.
type RelationKind string

// Relation kinds.
const (
	// RelationTable is a table of the session database.
	RelationTable RelationKind = "table"
	// RelationCTE is a common table expression of the statement.
	RelationCTE RelationKind = "cte"
	// RelationFunction is a table function, e.g. read_parquet(...).
	RelationFunction RelationKind = "function"
	// RelationFile is a file named by its path.
	RelationFile RelationKind = "file"
	// RelationValues is the single row of a SELECT without FROM.
	RelationValues RelationKind = "values"
)

// Relation is a leaf the SQL engine reads itself: a table of the session
// database, a CTE, a table function (read_parquet(...)), a file, or the
// single row of a SELECT without FROM.
type Relation struct {
	// Kind says which of those it is.
	Kind RelationKind
	// Text is the relation as written (name, call or path); "" for
	// RelationValues.
	Text string
	// Alias is the relation's alias, "" when it has none.
	Alias string
}

// Children implements Node.
func (n *Relation) Children() []Node { return nil }

// WithChildren implements Node.
func (n *Relation) WithChildren(...Node) Node { m := *n; return &m }

// String implements Node.
func (n *Relation) String() string {
	if n.Kind == RelationValues {
		return "Values (one row)"
	}
	s := "Relation " + string(n.Kind) + " " + n.Text
	if n.Alias != "" {
		s += " AS " + lang.QuoteIdent(n.Alias)
	}
	return s
}
