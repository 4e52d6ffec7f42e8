package plan

// PushLimit moves a LIMIT into the scans that feed it through nothing but
// plain projections (no window functions, no subqueries), FROM subqueries,
// inner LIMITs and the branches of UNION ALL: each such scan stops once it
// has LIMIT+OFFSET rows. A WHERE blocks it unless the scan took every
// conjunct exactly (PushFilter runs first); ORDER BY, DISTINCT,
// aggregates, joins and the other set operations block it by standing
// between.
func PushLimit(root Node) Node {
	return Transform(root, func(n Node) Node {
		lim, ok := n.(*Limit)
		if !ok || lim.N < 0 {
			return n
		}
		in := limitInto(lim.Input, addSat(lim.N, lim.Offset))
		if in == lim.Input {
			return n
		}
		return lim.WithChildren(in)
	})
}

// limitInto returns n with the scans below it limited to want rows, or n
// itself when no scan can take the limit.
func limitInto(n Node, want int64) Node {
	switch x := n.(type) {
	case *Scan:
		if x.Limit >= 0 && x.Limit <= want {
			return n
		}
		s := *x
		s.Limit = want
		return &s
	case *Project:
		if len(x.Subqueries) > 0 {
			return n
		}
		for _, it := range x.Items {
			if it.Expr != nil && hasWindow(it.Expr) {
				return n
			}
		}
		if _, ok := x.Input.(*Scan); !ok {
			if _, ok := x.Input.(*Subquery); !ok {
				return n
			}
		}
	case *Subquery:
	case *Limit:
		// The inner LIMIT/OFFSET needs OFFSET rows more than it passes on.
		if x.N >= 0 {
			want = min(want, x.N)
		}
		want = addSat(want, x.Offset)
	case *SetOp:
		if x.Op != "UNION" || !x.All {
			return n
		}
		l, r := limitInto(x.Left, want), limitInto(x.Right, want)
		if l == x.Left && r == x.Right {
			return n
		}
		return x.WithChildren(l, r)
	default:
		return n
	}
	c := n.Children()
	in := limitInto(c[0], want)
	if in == c[0] {
		return n
	}
	c = append([]Node{in}, c[1:]...)
	return n.WithChildren(c...)
}
