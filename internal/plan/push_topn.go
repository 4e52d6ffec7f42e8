package plan

import (
	"strconv"
	"strings"

	"github.com/kq-sql/kq/lang"
)

// TopN says a scan needs at most N rows of each partition (each topic's
// partition): the N highest offsets (Desc) or the N lowest. The scan
// reads each partition's tail backwards in growing windows (or its head
// forwards) until it has N rows or reaches the start of the range; the
// query's ORDER BY ... LIMIT or QUALIFY still runs over what it returns,
// at most partitions×N rows.
type TopN struct {
	// N is the number of rows per partition; 0 reads none.
	N int64
	// Desc says the rows wanted are those with the highest offsets.
	Desc bool
	// PerPartition says the query asks for N rows of each partition
	// (QUALIFY row_number() OVER (PARTITION BY partition ...)); otherwise
	// it asks for N rows overall (ORDER BY offset LIMIT N), which no
	// partition can give more of.
	PerPartition bool
}

// String prints the top-N as the scan's line in the plan shows it:
// "top=3 by offset DESC per partition" (or "overall").
func (t TopN) String() string {
	dir := "ASC"
	if t.Desc {
		dir = "DESC"
	}
	s := "top=" + strconv.FormatInt(t.N, 10) + " by offset " + dir
	if t.PerPartition {
		s += " per partition"
	} else {
		s += " overall"
	}
	return s
}

// explain says what the scan does, for EXPLAIN's pushed section: "top 3
// by offset DESC overall: at most 3 rows per partition, read backwards
// from each partition's end in growing windows".
func (t TopN) explain() string {
	how := "read forwards from each partition's start"
	if t.Desc {
		how = "read backwards from each partition's end in growing windows"
	}
	return "top " + strings.TrimPrefix(t.String(), "top=") + ": at most " + strconv.FormatInt(t.N, 10) + " rows per partition, " + how
}

// PushTopN gives a scan the top-N of the query above it (Scan.TopN), in
// two shapes:
//
//   - ORDER BY offset [DESC] LIMIT n [OFFSET m] over a plain projection
//     of the scan (leading ORDER BY keys on topic or partition, and keys
//     after offset, are allowed: within a partition the order is the
//     offset's), which needs at most n+m rows of each partition;
//   - QUALIFY row_number() OVER ([PARTITION BY partition[, topic]] ORDER
//     BY offset [DESC], ...) <= n (or < n+1, = 1, and the same with the
//     sides swapped or through a select-list alias of the call), which
//     needs at most n rows of each partition.
//
// A WHERE the scan did not take whole (PushFilter runs first), window
// functions in the select list other than the QUALIFY's own row_number,
// subqueries, DISTINCT, aggregates and joins block it: what the scan
// drops must be rows the query cannot return. The ORDER BY, LIMIT and
// QUALIFY stay in the plan and run over the scan's rows.
func PushTopN(root Node) Node {
	return Transform(root, func(n Node) Node {
		switch x := n.(type) {
		case *Limit:
			return topNOfLimit(x)
		case *Filter:
			return topNOfQualify(x)
		}
		return n
	})
}

// topNOfLimit handles Limit -> Sort -> Project -> Scan.
func topNOfLimit(lim *Limit) Node {
	sort, ok := lim.Input.(*Sort)
	if !ok || lim.N < 0 || len(sort.Subqueries) > 0 {
		return lim
	}
	proj, scan, ok := plainProjection(sort.Input)
	if !ok {
		return lim
	}
	desc, ok := offsetOrder(sort.Keys, scan)
	if !ok {
		return lim
	}
	s := withTopN(scan, TopN{N: addSat(lim.N, lim.Offset), Desc: desc})
	return lim.WithChildren(sort.WithChildren(proj.WithChildren(s)))
}

// topNOfQualify handles Filter (QUALIFY) -> Project -> Scan.
func topNOfQualify(f *Filter) Node {
	if !f.Qualify || len(f.Subqueries) > 0 || len(f.Cond) != 1 {
		return f
	}
	proj, ok := f.Input.(*Project)
	if !ok || len(proj.Subqueries) > 0 {
		return f
	}
	scan, ok := proj.Input.(*Scan)
	if !ok || scan.CountOnly {
		return f
	}
	call, n, ok := rowNumberAtMost(f.Cond[0], proj.Items)
	if !ok {
		return f
	}
	if shadowsSource(proj.Items) {
		return f
	}
	for _, it := range proj.Items {
		if it.Expr != nil && hasWindow(it.Expr) && !lang.Equal(it.Expr, call) {
			return f
		}
	}
	w := call.Over
	for _, p := range w.PartitionBy {
		if c := scanColumn(p, scan); c != ColPartition && c != ColTopic {
			return f
		}
	}
	desc, ok := offsetOrder(w.OrderBy, scan)
	if !ok {
		return f
	}
	s := withTopN(scan, TopN{N: n, Desc: desc, PerPartition: len(w.PartitionBy) > 0})
	return f.WithChildren(append([]Node{proj.WithChildren(s)}, f.Subqueries...)...)
}

// withTopN returns a copy of scan with top-N t, the smaller when it
// already has one in the same direction.
func withTopN(scan *Scan, t TopN) *Scan {
	s := *scan
	if s.TopN != nil && s.TopN.Desc == t.Desc && s.TopN.N <= t.N {
		return &s
	}
	s.TopN = &t
	return &s
}

// plainProjection returns n as a Project over a scan whose items compute
// each row from its record alone (no window functions, no subqueries),
// and which has no top-N or LIMIT of its own in the other direction.
func plainProjection(n Node) (*Project, *Scan, bool) {
	proj, ok := n.(*Project)
	if !ok || len(proj.Subqueries) > 0 {
		return nil, nil, false
	}
	scan, ok := proj.Input.(*Scan)
	if !ok || scan.CountOnly || scan.Limit >= 0 {
		return nil, nil, false
	}
	for _, it := range proj.Items {
		if it.Expr != nil && hasWindow(it.Expr) {
			return nil, nil, false
		}
	}
	if shadowsSource(proj.Items) {
		return nil, nil, false
	}
	return proj, scan, true
}

// shadowsSource reports whether a select item hides the source's offset,
// partition or topic under its own name (an alias offset for another
// expression, or a * REPLACE), so that ORDER BY offset would not mean the
// record's offset.
func shadowsSource(items []Item) bool {
	for _, it := range items {
		if len(it.Replace) > 0 {
			return true
		}
		if it.Expr == nil {
			continue
		}
		for _, c := range []string{ColOffset, ColPartition, ColTopic} {
			if strings.EqualFold(it.Name, c) && ColumnOf(it.Expr) != c {
				return true
			}
		}
	}
	return false
}

// offsetOrder reports whether keys order the rows of one partition by
// offset: keys on topic or partition (constant within a partition), then
// offset, then anything. desc is offset's direction. (ORDER BY may name
// select-list aliases; shadowsSource rules out aliases that hide these
// names.)
func offsetOrder(keys []*lang.OrderItem, scan *Scan) (desc bool, ok bool) {
	for _, k := range keys {
		switch scanColumn(k.Expr, scan) {
		case ColTopic, ColPartition:
			continue
		case ColOffset:
			return k.Desc, true
		}
		return false, false
	}
	return false, false
}

// scanColumn returns the metadata column of scan that e names (bare, or
// qualified by the scan's name), or "".
func scanColumn(e lang.Expr, scan *Scan) string {
	id, ok := e.(*lang.Ident)
	if !ok {
		return ""
	}
	switch {
	case len(id.Parts) == 1:
	case len(id.Parts) == 2 && strings.EqualFold(id.Parts[0], scan.Name()):
	default:
		return ""
	}
	return sourceColumn(id.Name())
}

// rowNumberAtMost recognizes a QUALIFY condition that keeps the rows whose
// row_number() is at most n: rn <= n, rn < n+1, rn = 1, and the same with
// the sides swapped, where rn is a row_number() call with a window
// ordering, or a select-list alias of one.
func rowNumberAtMost(cond lang.Expr, items []Item) (*lang.Call, int64, bool) {
	b, ok := cond.(*lang.Binary)
	if !ok {
		return nil, 0, false
	}
	op, l, r := b.Op, b.Left, b.Right
	if _, isLit := l.(*lang.Literal); isLit {
		l, r = r, l
		op = map[string]string{"<=": ">=", ">=": "<=", "<": ">", ">": "<", "=": "="}[op]
	}
	call := rowNumber(l, items)
	lit, isLit := r.(*lang.Literal)
	if call == nil || !isLit || lit.Kind != lang.LitInt {
		return nil, 0, false
	}
	v, err := strconv.ParseInt(lit.Value, 10, 64)
	if err != nil {
		return nil, 0, false
	}
	switch {
	case op == "<=" && v >= 0:
		return call, v, true
	case op == "<" && v >= 1:
		return call, v - 1, true
	case op == "=" && v == 1:
		return call, 1, true
	}
	return nil, 0, false
}

// rowNumber returns the row_number() call e is, or names through a
// select-list alias; nil otherwise.
func rowNumber(e lang.Expr, items []Item) *lang.Call {
	for {
		p, ok := e.(*lang.Paren)
		if !ok {
			break
		}
		e = p.X
	}
	if id, ok := e.(*lang.Ident); ok && len(id.Parts) == 1 {
		for _, it := range items {
			if it.Expr != nil && strings.EqualFold(it.Name, id.Parts[0]) && it.Name != lang.ItemName(it.Expr) {
				e = it.Expr
				break
			}
		}
	}
	c, ok := e.(*lang.Call)
	if !ok || !strings.EqualFold(c.Name, "row_number") || c.Over == nil || c.Star || c.Distinct ||
		len(c.Args) > 0 || len(c.OrderBy) > 0 || c.Filter != nil {
		return nil
	}
	return c
}
