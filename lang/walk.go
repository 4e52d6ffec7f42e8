package lang

import "reflect"

// Children returns the direct children of n in source order: the nodes a
// walk visits below n. Absent optional parts are left out, so no element is
// nil. It returns nil for leaves (*Ident, *Literal, *Show, *Table, ...).
func Children(n Node) []Node {
	if isNil(n) {
		return nil
	}
	var out []Node
	add := func(ns ...Node) {
		for _, c := range ns {
			if !isNil(c) {
				out = append(out, c)
			}
		}
	}
	switch n := n.(type) {
	case *Select:
		add(n.With)
		for _, it := range n.Items {
			add(it)
		}
		for _, f := range n.From {
			add(f)
		}
		add(n.Where)
		for _, e := range n.GroupBy {
			add(e)
		}
		add(n.Having)
		add(n.Qualify)
		for _, o := range n.OrderBy {
			add(o)
		}
	case *Values:
		add(n.With)
		for _, row := range n.Rows {
			for _, e := range row {
				add(e)
			}
		}
		for _, o := range n.OrderBy {
			add(o)
		}
	case *ReplaceItem:
		add(n.Expr)
	case *SetOp:
		add(n.With, n.Left, n.Right)
		for _, o := range n.OrderBy {
			add(o)
		}
	case *With:
		for _, c := range n.CTEs {
			add(c)
		}
	case *CTE:
		add(n.Query)
	case *SelectItem:
		for _, r := range n.Replace {
			add(r)
		}
		add(n.Expr)
	case *OrderItem:
		add(n.Expr)
	case *Explain:
		add(n.Stmt)
	case *Copy:
		add(n.Query)
		for _, o := range n.Options {
			add(o)
		}
	case *CreateTable:
		add(n.Query)
	case *Insert:
		add(n.Query)
	case *Describe:
		add(n.Source, n.Query)
	case *Option:
		add(n.Value)
	case *KafkaSource:
		for _, p := range n.TopicParams {
			if p != nil {
				add(p)
			}
		}
		for _, o := range n.Options {
			add(o)
		}
	case *TableFunc:
		for _, a := range n.Args {
			add(a)
		}
	case *SubquerySource:
		add(n.Query)
	case *Join:
		add(n.Left, n.Right, n.On)
	case *Call:
		for _, a := range n.Args {
			add(a)
		}
		for _, o := range n.OrderBy {
			add(o)
		}
		add(n.Filter, n.Over)
	case *Window:
		for _, e := range n.PartitionBy {
			add(e)
		}
		for _, o := range n.OrderBy {
			add(o)
		}
		add(n.Frame)
	case *Frame:
		add(n.Start, n.End)
	case *FrameBound:
		add(n.Offset)
	case *Binary:
		add(n.Left, n.Right)
	case *Unary:
		add(n.X)
	case *In:
		add(n.X)
		for _, e := range n.List {
			add(e)
		}
		add(n.Query)
	case *Between:
		add(n.X, n.Lo, n.Hi)
	case *IsNull:
		add(n.X)
	case *Paren:
		add(n.X)
	case *Case:
		add(n.Operand)
		for _, w := range n.Whens {
			add(w)
		}
		add(n.Else)
	case *When:
		add(n.Cond, n.Result)
	case *Cast:
		add(n.X, n.Type)
	case *Index:
		add(n.X, n.Index)
	case *List:
		for _, e := range n.Items {
			add(e)
		}
	case *Struct:
		for _, f := range n.Fields {
			add(f)
		}
	case *StructField:
		add(n.Value)
	case *Subquery:
		add(n.Query)
	case *Exists:
		add(n.Query)
	}
	return out
}

// isNil reports whether n is nil or a nil pointer in an interface.
func isNil(n Node) bool {
	if n == nil {
		return true
	}
	v := reflect.ValueOf(n)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// Inspect walks the tree below root depth-first in source order, calling f
// for each node before its children; when f returns false the children of
// that node are skipped. Like go/ast.Inspect.
func Inspect(root Node, f func(Node) bool) {
	if isNil(root) || !f(root) {
		return
	}
	for _, c := range Children(root) {
		Inspect(c, f)
	}
}

// KafkaSources returns every kafka(...) source in root, in source order,
// including those inside subqueries, CTEs and joins.
func KafkaSources(root Node) []*KafkaSource {
	var out []*KafkaSource
	Inspect(root, func(n Node) bool {
		if k, ok := n.(*KafkaSource); ok {
			out = append(out, k)
		}
		return true
	})
	return out
}

// Columns returns every column reference (*Ident) in root, in source order.
// It does not descend into subqueries and CTEs, whose columns belong to
// another scope (the IN operand before a subquery is still searched).
func Columns(root Node) []*Ident {
	var out []*Ident
	Inspect(root, func(n Node) bool {
		switch n := n.(type) {
		case *Ident:
			out = append(out, n)
		case *Subquery, *Exists, *SubquerySource, *CTE:
			return n == root
		case *In:
			if n.Query != nil && Node(n) != root {
				Inspect(n.X, func(m Node) bool {
					if id, ok := m.(*Ident); ok {
						out = append(out, id)
					}
					return true
				})
				return false
			}
		}
		return true
	})
	return out
}

// Conjuncts splits e at its top-level ANDs, looking through parentheses:
// a AND (b AND c) gives [a b c]. It returns nil for a nil e.
func Conjuncts(e Expr) []Expr {
	switch x := e.(type) {
	case nil:
		return nil
	case *Binary:
		if x.Op == "AND" {
			return append(Conjuncts(x.Left), Conjuncts(x.Right)...)
		}
	case *Paren:
		if b, ok := x.X.(*Binary); ok && b.Op == "AND" {
			return Conjuncts(b)
		}
	}
	return []Expr{e}
}
