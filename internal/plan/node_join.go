package plan

import (
	"strings"

	"github.com/kq-sql/kq/lang"
)

// JoinKind is the kind of a Join, spelled as lang.Join spells it. It
// prints in lower case in EXPLAIN.
type JoinKind string

// Join kinds.
const (
	JoinInner JoinKind = "INNER"
	JoinLeft  JoinKind = "LEFT"
	JoinRight JoinKind = "RIGHT"
	JoinFull  JoinKind = "FULL"
	// JoinCross is CROSS JOIN, and also FROM a, b.
	JoinCross JoinKind = "CROSS"
)

// joinKind returns the JoinKind of j, and an error for a kind the planner
// does not know (lang makes none).
func joinKind(j *lang.Join) (JoinKind, error) {
	switch k := JoinKind(j.Kind); k {
	case JoinInner, JoinLeft, JoinRight, JoinFull, JoinCross:
		return k, nil
	}
	return "", lang.Errorf(j.Pos, "cannot plan %s JOIN", j.Kind)
}

// Join joins Left and Right.
type Join struct {
	Left, Right Node
	Kind        JoinKind
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
	s := "Join " + strings.ToLower(string(n.Kind))
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
