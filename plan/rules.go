package plan

import (
	"strings"

	"github.com/kq-sql/kq/lang"
)

// Rule is a pure rewrite of a plan tree.
type Rule func(Node) Node

// DefaultRules are the rewrites Optimize applies, in order.
var DefaultRules = []Rule{PushLimit, PruneColumns, CountOnly}

// Optimize applies rules (DefaultRules when none are given) in order.
func Optimize(root Node, rules ...Rule) Node {
	if len(rules) == 0 {
		rules = DefaultRules
	}
	for _, r := range rules {
		root = r(root)
	}
	return root
}

// PushLimit moves a LIMIT over a projection of a scan into the scan, which
// then stops reading once it has the rows.
func PushLimit(root Node) Node {
	return Transform(root, func(n Node) Node {
		lim, ok := n.(*Limit)
		if !ok {
			return n
		}
		proj, ok := lim.Input.(*Project)
		if !ok {
			return n
		}
		scan, ok := proj.Input.(*Scan)
		if !ok {
			return n
		}
		s := *scan
		if s.Limit < 0 || lim.N < s.Limit {
			s.Limit = lim.N
		}
		return lim.WithChildren(proj.WithChildren(&s))
	})
}

// PruneColumns narrows a scan under a projection to the columns the
// projection uses.
func PruneColumns(root Node) Node {
	return Transform(root, func(n Node) Node {
		proj, ok := n.(*Project)
		if !ok {
			return n
		}
		scan, ok := proj.Input.(*Scan)
		if !ok {
			return n
		}
		used := map[string]bool{}
		for _, it := range proj.Items {
			if c := ColumnOf(it.Expr); c != "" {
				used[c] = true
			}
		}
		s := *scan
		s.Columns = nil
		for _, c := range scan.Columns {
			if used[c] {
				s.Columns = append(s.Columns, c)
			}
		}
		return proj.WithChildren(&s)
	})
}

// CountOnly turns COUNT(*) over a bare scan into a count-only scan, which
// counts records without materializing any column.
func CountOnly(root Node) Node {
	return Transform(root, func(n Node) Node {
		agg, ok := n.(*Aggregate)
		if !ok {
			return n
		}
		scan, ok := agg.Input.(*Scan)
		if !ok || scan.Limit >= 0 {
			return n
		}
		for _, it := range agg.Items {
			if !IsCountStar(it.Expr) {
				return n
			}
		}
		s := *scan
		s.Columns = nil
		s.CountOnly = true
		return agg.WithChildren(&s)
	})
}

// IsCountStar reports whether e is COUNT(*).
func IsCountStar(e lang.Expr) bool {
	c, ok := e.(*lang.Call)
	return ok && c.Star && strings.EqualFold(c.Name, "count")
}
