package plan

// Write sends its input's rows somewhere else than the result: COPY to a
// file, CREATE TABLE AS or INSERT INTO a table of the session database.
type Write struct {
	Input Node
	// Kind is "copy", "create" or "insert".
	Kind string
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
	case "copy":
		return "Copy to " + n.Target
	case "create":
		return "Create table " + n.Target
	}
	return "Insert into " + n.Target
}
