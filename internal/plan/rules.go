package plan

// Rule is a pure rewrite of a plan tree: it returns a new tree and never
// changes the nodes it is given.
type Rule func(Node) Node

// DefaultRules are the rewrites Optimize applies, in order: predicates
// first (they decide whether a top-N, LIMIT and COUNT(*) can reach the
// scan: a WHERE left over blocks them), then the top-N on offset, LIMIT,
// column pruning, and the count-only scan.
var DefaultRules = []Rule{PushFilter, PushTopN, PushLimit, PruneColumns, CountOnly}

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

// fromScans returns the scans a SELECT's FROM tree n reads directly,
// through joins but not into subqueries.
func fromScans(n Node) []*Scan {
	switch n := n.(type) {
	case *Scan:
		return []*Scan{n}
	case *Join:
		return append(fromScans(n.Left), fromScans(n.Right)...)
	}
	return nil
}

// replaceScans returns FROM tree n with every scan s replaced by repl[s].
func replaceScans(n Node, repl map[*Scan]*Scan) Node {
	switch x := n.(type) {
	case *Scan:
		if r, ok := repl[x]; ok {
			return r
		}
	case *Join:
		l, r := replaceScans(x.Left, repl), replaceScans(x.Right, repl)
		if l != x.Left || r != x.Right {
			c := x.Children()
			c[0], c[1] = l, r
			return x.WithChildren(c...)
		}
	}
	return n
}
