package lang

// TableExpr is an item of a FROM clause: *KafkaSource, *Table, *TableFunc,
// *FileTable, *SubquerySource or *Join.
type TableExpr interface {
	Node
	tableExpr()
}

// KafkaSource is kafka('topic', ...) WITH (option = value, ...) [AS alias].
// Topics lists the names as written; kafka('a,b') is one string here and is
// split by package plan. A topic given as a parameter, kafka(?), is ""
// in Topics and its parameter is TopicParams[i] (nil for the names
// written as strings; TopicParams is nil when no topic is a parameter);
// Bind puts the bound name into Topics and leaves TopicParams nil.
type KafkaSource struct {
	Pos         Pos
	Topics      []string
	TopicParams []*Literal
	Options     []*Option
	Alias       string // "" when absent
}

// Table is a table of the session database. Name holds the dotted parts,
// unquoted.
type Table struct {
	Pos   Pos
	Name  []string
	Alias string // "" when absent
	// AliasColumns renames the columns: AS t(a, b). Empty when absent;
	// only with an Alias. The same holds for the other sources but kafka().
	AliasColumns []string
}

// TableFunc is a table function of the SQL engine, typically a file reader:
// read_parquet('x.parquet'), read_csv('x.csv', header = true). Arguments
// pass through as expressions; name = value arguments are *Binary "=".
type TableFunc struct {
	Pos          Pos
	Name         string
	Args         []Expr
	Alias        string   // "" when absent
	AliasColumns []string // AS t(a, b); empty when absent
}

// FileTable is a file named by a string in FROM ('orders.parquet'); the SQL
// engine picks the reader from the extension.
type FileTable struct {
	Pos          Pos
	Path         string
	Alias        string   // "" when absent
	AliasColumns []string // AS t(a, b); empty when absent
}

// SubquerySource is a query in FROM: (SELECT ...) or (VALUES ...),
// [AS alias[(columns)]].
type SubquerySource struct {
	Pos          Pos
	Query        Query
	Alias        string   // "" when absent
	AliasColumns []string // AS t(a, b); empty when absent
}

// Join is Left [kind] JOIN Right [ON On | USING (Using)]. Kind is "INNER",
// "LEFT", "RIGHT", "FULL" or "CROSS"; a CROSS join has neither On nor Using,
// every other kind exactly one of them. Joins associate to the left; a Join
// as Right prints in parentheses. Pos is where the join keywords start (the
// LEFT of LEFT JOIN), the place errors about the join should point at.
type Join struct {
	Pos   Pos
	Kind  string
	Left  TableExpr
	Right TableExpr
	On    Expr     // nil when absent
	Using []string // empty when absent
}

func (*KafkaSource) tableExpr()    {}
func (*Table) tableExpr()          {}
func (*TableFunc) tableExpr()      {}
func (*FileTable) tableExpr()      {}
func (*SubquerySource) tableExpr() {}
func (*Join) tableExpr()           {}

// Position implements Node.
func (n *KafkaSource) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Table) Position() Pos { return n.Pos }

// Position implements Node.
func (n *TableFunc) Position() Pos { return n.Pos }

// Position implements Node.
func (n *FileTable) Position() Pos { return n.Pos }

// Position implements Node.
func (n *SubquerySource) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Join) Position() Pos { return n.Pos }
