package plan

import (
	"strings"

	"github.com/kq-sql/kq/lang"
)

// PushFilter pushes the WHERE conjuncts that constrain partition (=, IN),
// offset (comparisons, BETWEEN) or timestamp (comparisons, BETWEEN with
// TIMESTAMP/TIMESTAMPTZ literals or timestamp strings, UTC unless they
// have a zone) of one
// kafka() source into that source's scan: Partitions, Offsets and
// Timestamp. An OR is pushed only when every branch constrains the same
// column of the same source. A column is the source's when it is
// qualified by the source's name (Scan.Name: its alias, else its one
// topic), or unqualified when the source is the
// only FROM item. Conjuncts the scan takes exactly leave the Filter (and
// are listed in Scan.Pushed); the others stay.
func PushFilter(root Node) Node {
	return Transform(root, func(n Node) Node {
		f, ok := n.(*Filter)
		if !ok || f.Having || f.Qualify {
			return n
		}
		scans := fromScans(f.Input)
		if len(scans) == 0 {
			return n
		}
		_, single := f.Input.(*Scan)
		resolve := func(id *lang.Ident) (*Scan, string) {
			var scan *Scan
			switch {
			case len(id.Parts) == 1 && single:
				scan = scans[0]
			case len(id.Parts) == 2:
				for _, s := range scans {
					if strings.EqualFold(s.Name(), id.Parts[0]) {
						scan = s
					}
				}
			}
			if scan == nil {
				return nil, ""
			}
			for _, c := range []string{ColPartition, ColOffset, ColTimestamp} {
				if strings.EqualFold(id.Name(), c) {
					return scan, c
				}
			}
			return nil, ""
		}
		repl := map[*Scan]*Scan{}
		var residual []lang.Expr
		for _, c := range f.Cond {
			b, ok := analyze(c, resolve)
			if !ok {
				residual = append(residual, c)
				continue
			}
			s := repl[b.scan]
			if s == nil {
				cp := *b.scan
				s = &cp
				repl[b.scan] = s
			}
			s.narrow(b)
			s.Pushed = append(append([]lang.Expr{}, s.Pushed...), c)
			if !b.exact {
				residual = append(residual, c)
			}
		}
		if len(repl) == 0 {
			return n
		}
		input := replaceScans(f.Input, repl)
		if len(residual) == 0 && len(f.Subqueries) == 0 {
			return input
		}
		m := *f
		m.Input, m.Cond = input, residual
		return &m
	})
}

// narrow applies bound b to the scan (a copy owned by the caller).
func (s *Scan) narrow(b bound) {
	switch b.column {
	case ColPartition:
		if s.Partitions == nil {
			s.Partitions = b.partitions
			return
		}
		var ps []int32
		for _, p := range s.Partitions {
			if containsPartition(b.partitions, p) {
				ps = append(ps, p)
			}
		}
		s.Partitions = normPartitions(ps)
	case ColOffset:
		s.Offsets = s.Offsets.Intersect(b.iv)
	case ColTimestamp:
		s.Timestamp = s.Timestamp.Intersect(b.iv)
	}
}
