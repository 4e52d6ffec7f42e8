package plan

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kq-sql/kq/lang"
)

// bound is what one predicate says about one pushable column of one scan:
// a set of partitions, or an interval of offsets or of timestamps (epoch
// ms). exact is false when the bound holds more rows than the predicate
// (the hull of an OR of ranges): the predicate then also stays a filter.
type bound struct {
	scan       *Scan
	column     string // ColPartition, ColOffset or ColTimestamp
	partitions []int32
	iv         Interval
	exact      bool
}

// maxPartitionSet caps partition BETWEEN lists; larger ranges are not
// pushed.
const maxPartitionSet = 100_000

// columnResolver maps a column reference to the scan and pushable column
// it names, or nil.
type columnResolver func(*lang.Ident) (*Scan, string)

// analyze returns the bound predicate e puts on one column of one scan,
// and false when e is not a pushable predicate.
func analyze(e lang.Expr, resolve columnResolver) (bound, bool) {
	switch x := e.(type) {
	case *lang.Paren:
		return analyze(x.X, resolve)
	case *lang.Binary:
		switch x.Op {
		case "AND", "OR":
			l, ok := analyze(x.Left, resolve)
			if !ok {
				return bound{}, false
			}
			r, ok := analyze(x.Right, resolve)
			if !ok || l.scan != r.scan || l.column != r.column {
				return bound{}, false
			}
			if x.Op == "AND" {
				return l.and(r), true
			}
			return l.or(r), true
		case "=", "<", "<=", ">", ">=":
			return comparison(x, resolve)
		}
	case *lang.Between:
		if x.Not {
			return bound{}, false
		}
		id, ok := x.X.(*lang.Ident)
		if !ok {
			return bound{}, false
		}
		scan, col := resolve(id)
		if scan == nil {
			return bound{}, false
		}
		lo, ok1 := constant(x.Lo, col)
		hi, ok2 := constant(x.Hi, col)
		if !ok1 || !ok2 {
			return bound{}, false
		}
		return betweenBound(scan, col, lo, hi)
	case *lang.In:
		if x.Not || x.Query != nil {
			return bound{}, false
		}
		id, ok := x.X.(*lang.Ident)
		if !ok {
			return bound{}, false
		}
		scan, col := resolve(id)
		if scan == nil || col != ColPartition {
			return bound{}, false
		}
		var ps []int32
		for _, v := range x.List {
			c, ok := constant(v, col)
			if !ok {
				return bound{}, false
			}
			if p, ok := partitionValue(c); ok {
				ps = append(ps, p)
			}
		}
		return bound{scan: scan, column: col, partitions: normPartitions(ps), exact: true}, true
	}
	return bound{}, false
}

// value is a constant of a predicate, scaled for its column: an integer,
// or for timestamps microseconds since the epoch.
type value struct{ v int64 }

// constant reads literal e as a value for column col: integers for
// partition and offset; TIMESTAMP/TIMESTAMPTZ literals and timestamp
// strings for timestamp (in microseconds since the epoch). A parameter
// is read as the value it is bound to.
func constant(e lang.Expr, col string) (value, bool) {
	neg := false
	for {
		switch x := e.(type) {
		case *lang.Paren:
			e = x.X
			continue
		case *lang.Unary:
			if x.Op == "-" || x.Op == "+" {
				neg = neg != (x.Op == "-")
				e = x.X
				continue
			}
		}
		break
	}
	lit, ok := e.(*lang.Literal)
	if !ok {
		return value{}, false
	}
	if lit.Kind == lang.LitParam {
		// A bound parameter pushes down as its value does (lang.Bind);
		// an unbound one is no constant.
		if lit = lit.Bound; lit == nil {
			return value{}, false
		}
	}
	switch lit.Kind {
	case lang.LitInt:
		n, err := strconv.ParseInt(lit.Value, 10, 64)
		if err != nil {
			return value{}, false
		}
		if neg {
			n = -n
		}
		if col == ColTimestamp {
			// DuckDB cannot compare a timestamp with an integer: the
			// statement fails there, so the scan must not answer it.
			return value{}, false
		}
		return value{n}, true
	case lang.LitTimestamp, lang.LitTimestampTZ, lang.LitString:
		if col != ColTimestamp || neg {
			return value{}, false
		}
		t, ok := parseNaiveTimestamp(lit.Value)
		if !ok {
			return value{}, false
		}
		return value{t.UnixMicro()}, true
	}
	return value{}, false
}

// timestampLiteralLayouts are the timestamp texts pushed down, at most
// microsecond precision: with a zone (an instant), or without one, read as
// UTC, which the executor's SQL session uses too.
var timestampLiteralLayouts = []string{
	"2006-01-02 15:04:05.999999",
	"2006-01-02T15:04:05.999999",
	"2006-01-02",
	"2006-01-02 15:04:05.999999Z07:00",
	"2006-01-02T15:04:05.999999Z07:00",
	"2006-01-02 15:04:05.999999Z07",
	"2006-01-02T15:04:05.999999Z07",
}

func parseNaiveTimestamp(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		// More than microseconds: DuckDB's rounding is not ours to guess.
		digits := 0
		for _, c := range s[i+1:] {
			if c < '0' || c > '9' {
				break
			}
			digits++
		}
		if digits > 6 {
			return time.Time{}, false
		}
	}
	for _, layout := range timestampLiteralLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// comparison analyzes column op constant (or constant op column).
func comparison(x *lang.Binary, resolve columnResolver) (bound, bool) {
	op := x.Op
	id, ok := unparen(x.Left).(*lang.Ident)
	other := x.Right
	if !ok {
		if id, ok = unparen(x.Right).(*lang.Ident); !ok {
			return bound{}, false
		}
		other = x.Left
		op = map[string]string{"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}[op]
	}
	scan, col := resolve(id)
	if scan == nil {
		return bound{}, false
	}
	c, ok := constant(other, col)
	if !ok {
		return bound{}, false
	}
	if col == ColPartition {
		return partitionComparison(scan, op, c)
	}
	// v is in the column's unit for offsets; microseconds for timestamps,
	// whose column holds milliseconds.
	lo, hi := func(v int64) int64 { return v }, func(v int64) int64 { return v }
	if col == ColTimestamp {
		lo, hi = ceilDiv1000, floorDiv1000
	}
	var iv Interval
	switch op {
	case "=":
		iv = iv.AtLeast(lo(c.v)).Below(addSat(hi(c.v), 1))
	case ">=":
		iv = iv.AtLeast(lo(c.v))
	case ">":
		iv = iv.AtLeast(addSat(hi(c.v), 1))
	case "<":
		iv = iv.Below(lo(c.v))
	case "<=":
		iv = iv.Below(addSat(hi(c.v), 1))
	}
	return bound{scan: scan, column: col, iv: iv, exact: true}, true
}

// partitionComparison is the set of partitions partition op c holds: c
// for =, 0 up to c for < and <= (partitions are never negative), as
// betweenBound makes them. A lower bound (> and >=) is not a set the plan
// can name without the topic's partition count: it stays a filter.
func partitionComparison(scan *Scan, op string, c value) (bound, bool) {
	switch op {
	case "=":
		return betweenBound(scan, ColPartition, c, c)
	case "<=":
		return betweenBound(scan, ColPartition, value{0}, c)
	case "<":
		if c.v <= 0 {
			return betweenBound(scan, ColPartition, value{0}, value{-1}) // none
		}
		return betweenBound(scan, ColPartition, value{0}, value{c.v - 1})
	}
	return bound{}, false
}

func betweenBound(scan *Scan, col string, lo, hi value) (bound, bool) {
	if col == ColPartition {
		if hi.v-lo.v > maxPartitionSet {
			return bound{}, false
		}
		var ps []int32
		for v := max(lo.v, 0); v <= hi.v && v <= math.MaxInt32; v++ {
			ps = append(ps, int32(v))
		}
		return bound{scan: scan, column: col, partitions: normPartitions(ps), exact: true}, true
	}
	var iv Interval
	if col == ColTimestamp {
		iv = iv.AtLeast(ceilDiv1000(lo.v)).Below(addSat(floorDiv1000(hi.v), 1))
	} else {
		iv = iv.AtLeast(lo.v).Below(addSat(hi.v, 1))
	}
	return bound{scan: scan, column: col, iv: iv, exact: true}, true
}

// and narrows b by o (same scan and column).
func (b bound) and(o bound) bound {
	if b.column == ColPartition {
		var ps []int32
		for _, p := range b.partitions {
			if containsPartition(o.partitions, p) {
				ps = append(ps, p)
			}
		}
		b.partitions = normPartitions(ps)
	} else {
		b.iv = b.iv.Intersect(o.iv)
	}
	b.exact = b.exact && o.exact
	return b
}

// or widens b by o (same scan and column): partition sets unite exactly;
// intervals give their hull, which may hold more than either.
func (b bound) or(o bound) bound {
	if b.column == ColPartition {
		b.partitions = normPartitions(append(append([]int32{}, b.partitions...), o.partitions...))
		b.exact = b.exact && o.exact
		return b
	}
	switch {
	case b.iv.Empty():
		return o
	case o.iv.Empty():
		return b
	}
	hull := Interval{}
	if b.iv.HasFrom && o.iv.HasFrom {
		hull = hull.AtLeast(min(b.iv.From, o.iv.From))
	}
	if b.iv.HasUntil && o.iv.HasUntil {
		hull = hull.Below(max(b.iv.Until, o.iv.Until))
	}
	// The hull is exact when the two intervals overlap or touch.
	touch := (!b.iv.HasUntil || !o.iv.HasFrom || b.iv.Until >= o.iv.From) &&
		(!o.iv.HasUntil || !b.iv.HasFrom || o.iv.Until >= b.iv.From)
	b.iv = hull
	b.exact = b.exact && o.exact && touch
	return b
}

func unparen(e lang.Expr) lang.Expr {
	for {
		p, ok := e.(*lang.Paren)
		if !ok {
			return e
		}
		e = p.X
	}
}

func partitionValue(c value) (int32, bool) {
	if c.v < 0 || c.v > math.MaxInt32 {
		return 0, false // no such partition: the set stays empty
	}
	return int32(c.v), true
}

// normPartitions sorts ps and drops repeats; never nil.
func normPartitions(ps []int32) []int32 {
	out := append([]int32{}, ps...)
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	n := 0
	for i, p := range out {
		if i == 0 || p != out[n-1] {
			out[n] = p
			n++
		}
	}
	return out[:n]
}

func floorDiv1000(v int64) int64 {
	q := v / 1000
	if v%1000 < 0 {
		q--
	}
	return q
}

func ceilDiv1000(v int64) int64 { return -floorDiv1000(-v) }

func addSat(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}
