package plan

// PushLimit moves a LIMIT into the scan when only a projection (without
// window functions or subqueries) stands between them: the scan then stops
// once it has LIMIT+OFFSET rows. A WHERE blocks it unless the scan took
// every conjunct exactly (PushFilter runs first); ORDER BY, DISTINCT,
// aggregates and joins block it by standing between.
func PushLimit(root Node) Node {
	return Transform(root, func(n Node) Node {
		lim, ok := n.(*Limit)
		if !ok || lim.N < 0 {
			return n
		}
		proj, ok := lim.Input.(*Project)
		if !ok || len(proj.Subqueries) > 0 {
			return n
		}
		for _, it := range proj.Items {
			if it.Expr != nil && hasWindow(it.Expr) {
				return n
			}
		}
		scan, ok := proj.Input.(*Scan)
		if !ok {
			return n
		}
		want := addSat(lim.N, lim.Offset)
		s := *scan
		if s.Limit < 0 || want < s.Limit {
			s.Limit = want
		}
		return lim.WithChildren(proj.WithChildren(append([]Node{&s}, proj.Subqueries...)...))
	})
}
