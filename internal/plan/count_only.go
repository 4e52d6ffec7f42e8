package plan

import (
	"strings"

	"github.com/kq-sql/kq/lang"
)

// CountOnly turns a query that is only COUNT(*) over one kafka() scan,
// with every WHERE conjunct taken exactly by the scan, into a count-only
// scan, which counts records without building any column (the executor
// needs no SQL engine for it). Only the top of the tree qualifies, with at
// most a Sort or a LIMIT (not 0, no OFFSET) above the aggregate.
func CountOnly(root Node) Node {
	switch n := root.(type) {
	case *Limit:
		if n.N == 0 || n.Offset > 0 {
			return root
		}
		if in := CountOnly(n.Input); in != n.Input {
			return n.WithChildren(in)
		}
		return root
	case *Sort:
		if len(n.Subqueries) > 0 {
			return root
		}
		if in := CountOnly(n.Input); in != n.Input {
			return n.WithChildren(in)
		}
		return root
	case *Aggregate:
		scan, ok := n.Input.(*Scan)
		if !ok || scan.Limit >= 0 || len(n.GroupBy) > 0 || len(n.Subqueries) > 0 {
			return root
		}
		for _, it := range n.Items {
			if it.Star || !IsCountStar(it.Expr) {
				return root
			}
		}
		s := *scan
		s.Columns, s.Fields, s.AllFields = nil, nil, false
		s.CountOnly = true
		return n.WithChildren(&s)
	}
	return root
}

// IsCountStar reports whether e is a plain COUNT(*) (no FILTER, no OVER).
func IsCountStar(e lang.Expr) bool {
	c, ok := e.(*lang.Call)
	return ok && c.Star && !c.Distinct && c.Filter == nil && c.Over == nil && strings.EqualFold(c.Name, "count")
}

// IsCountOnly reports whether the tree's result comes from a count-only
// scan.
func IsCountOnly(root Node) bool {
	for {
		switch n := root.(type) {
		case *Limit:
			root = n.Input
		case *Sort:
			root = n.Input
		case *Aggregate:
			s, ok := n.Input.(*Scan)
			return ok && s.CountOnly
		default:
			return false
		}
	}
}
