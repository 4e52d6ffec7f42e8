package plan

// WriteKind says where a Write sends its rows.
type WriteKind string

// Write kinds.
const (
	// WriteCopy is COPY ... TO a file.
	WriteCopy WriteKind = "copy"
	// WriteCreate is CREATE TABLE ... AS.
	WriteCreate WriteKind = "create"
	// WriteInsert is INSERT INTO a table.
	WriteInsert WriteKind = "insert"
)

// Write sends its input's rows somewhere else than the result: COPY to a
// file, CREATE TABLE AS or INSERT INTO a table of the session database.
type Write struct {
	Input Node
	// Kind says which of those it is.
	Kind WriteKind
	// Target is the path or table name, as written.
	Target string
}

// Children implements Node.
func (n *Write) Children() []Node { return []Node{n.Input} }

// WithChildren implements Node.
func (n *Write) WithChildren(c ...Node) Node { m := *n; m.Input = c[0]; return &m }

// String implements Node.
func (n *Write) String() string {
	switch n.Kind {
	case WriteCopy:
		return "Copy to " + n.Target
	case WriteCreate:
		return "Create table " + n.Target
	}
	return "Insert into " + n.Target
}
