package plan

import (
	"fmt"
	"strings"

	"github.com/kq-sql/kq/lang"
)

// Node is a node of the logical plan. Nodes are immutable: rules build new
// nodes instead of changing old ones.
type Node interface {
	// Children returns the node's inputs.
	Children() []Node
	// WithChildren returns a copy of the node with its inputs replaced.
	WithChildren(children ...Node) Node
	// String describes the node itself on one line, without its inputs.
	String() string
}

// Item is one output column of a Project or Aggregate: an expression and
// the name the column gets.
type Item struct {
	Expr lang.Expr
	Name string
}

// Project computes its items from each input row.
type Project struct {
	Input Node
	Items []Item
}

// Aggregate computes aggregate items over all input rows (one output row).
type Aggregate struct {
	Input Node
	Items []Item
}

// Limit passes on the first N rows of its input.
type Limit struct {
	Input Node
	N     int64
}

// Children implements Node.
func (n *Project) Children() []Node { return []Node{n.Input} }

// Children implements Node.
func (n *Aggregate) Children() []Node { return []Node{n.Input} }

// Children implements Node.
func (n *Limit) Children() []Node { return []Node{n.Input} }

// WithChildren implements Node.
func (n *Project) WithChildren(c ...Node) Node { m := *n; m.Input = c[0]; return &m }

// WithChildren implements Node.
func (n *Aggregate) WithChildren(c ...Node) Node { m := *n; m.Input = c[0]; return &m }

// WithChildren implements Node.
func (n *Limit) WithChildren(c ...Node) Node { m := *n; m.Input = c[0]; return &m }

func itemsString(items []Item) string {
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = it.Expr.String()
		if it.Name != it.Expr.String() {
			parts[i] += " AS " + lang.QuoteIdent(it.Name)
		}
	}
	return strings.Join(parts, ", ")
}

// String implements Node.
func (n *Project) String() string { return "Project " + itemsString(n.Items) }

// String implements Node.
func (n *Aggregate) String() string { return "Aggregate " + itemsString(n.Items) }

// String implements Node.
func (n *Limit) String() string { return fmt.Sprintf("Limit %d", n.N) }

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
