package plan

import (
	"strings"

	"github.com/kq-sql/kq/lang"
)

// Node is a node of the logical plan. Nodes are immutable: rules build new
// nodes instead of changing old ones.
type Node interface {
	// Children returns the node's inputs.
	Children() []Node
	// WithChildren returns a copy of the node with its inputs replaced;
	// children has the length Children returned.
	WithChildren(children ...Node) Node
	// String describes the node itself on one line, without its inputs.
	String() string
}

// Item is one output column of a Project or Aggregate: an expression and
// the name the column gets. A * or t.* of the select list is an Item with
// Star set (and Table the qualifier) when it is not expanded.
type Item struct {
	Expr  lang.Expr
	Name  string
	Star  bool
	Table string
	// Exclude and Replace are the star's EXCLUDE and REPLACE lists.
	Exclude []string
	Replace []*lang.ReplaceItem
	// FromStar marks the items a * over a bare scan was expanded into.
	FromStar bool
}

// String prints the item as in a select list.
func (it Item) String() string {
	if it.Star {
		return (&lang.SelectItem{Star: true, Table: it.Table, Exclude: it.Exclude, Replace: it.Replace}).String()
	}
	s := it.Expr.String()
	if it.Name != lang.ItemName(it.Expr) && it.Name != "" {
		s += " AS " + lang.QuoteIdent(it.Name)
	}
	return s
}

func itemsString(items []Item) string {
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = it.String()
	}
	return strings.Join(parts, ", ")
}

func exprsString(es []lang.Expr, sep string) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.String()
	}
	return strings.Join(parts, sep)
}

// Format prints the plan as an indented tree, one node per line.
func Format(root Node) string {
	var b strings.Builder
	var walk func(n Node, depth int)
	walk = func(n Node, depth int) {
		b.WriteString(strings.Repeat("  ", depth))
		b.WriteString(n.String())
		b.WriteByte('\n')
		for _, c := range n.Children() {
			walk(c, depth+1)
		}
	}
	walk(root, 0)
	return b.String()
}

// Transform rewrites the tree bottom-up with fn.
func Transform(n Node, fn func(Node) Node) Node {
	children := n.Children()
	if len(children) > 0 {
		out := make([]Node, len(children))
		changed := false
		for i, c := range children {
			out[i] = Transform(c, fn)
			changed = changed || out[i] != c
		}
		if changed {
			n = n.WithChildren(out...)
		}
	}
	return fn(n)
}

// setScans returns root with every scan replaced by a copy that set has
// changed; root's scans are not touched.
func setScans(root Node, set func(*Scan)) Node {
	return Transform(root, func(n Node) Node {
		s, ok := n.(*Scan)
		if !ok {
			return n
		}
		c := *s
		set(&c)
		return &c
	})
}

// Scans returns the scans of the tree, in depth-first order.
func Scans(n Node) []*Scan {
	if s, ok := n.(*Scan); ok {
		return []*Scan{s}
	}
	var out []*Scan
	for _, c := range n.Children() {
		out = append(out, Scans(c)...)
	}
	return out
}

// withSubqueries returns input followed by subs, the children of a node
// whose expressions hold subqueries.
func withSubqueries(input Node, subs []Node) []Node {
	return append([]Node{input}, subs...)
}
