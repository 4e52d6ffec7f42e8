package plan

import (
	"strings"

	"github.com/kq-sql/kq/lang"
)

// PruneColumns narrows every scan to the columns the statement uses
// anywhere: select lists, WHERE (pushed conjuncts too: they stay in the
// SQL), GROUP BY, HAVING, ORDER BY, JOIN ON/USING, window clauses, and
// subqueries (which may refer to outer columns). A column counts for a
// scan when it is unqualified or qualified by the scan's name (Scan.Name);
// * or name.* in the SELECT reading the scan keeps every column. With a JSON
// value or key format, names that are not metadata columns are taken as
// decoded fields (Scan.Fields: a bare name or value.<field> for the value,
// key.<field> for the key; a bare name counts for the key too when only
// the key is JSON). The rule errs on the side of keeping a
// column: a name shared with another source keeps it in both. A scan
// that needs no column keeps partition, so that its rows still exist.
func PruneColumns(root Node) Node {
	u := &usage{}
	u.collect(root)
	return Transform(root, func(n Node) Node {
		scan, ok := n.(*Scan)
		if !ok || scan.CountOnly {
			return n
		}
		s := *scan
		all := u.star[scan]
		used := map[string]bool{}
		fields := map[string]bool{}
		var fieldOrder []string
		addField := func(name string) {
			if !fields[strings.ToLower(name)] {
				fields[strings.ToLower(name)] = true
				fieldOrder = append(fieldOrder, name)
			}
		}
		json := s.Options.ValueFormat == FormatJSON || s.Options.KeyFormat == FormatJSON
		for _, id := range u.idents {
			parts := id.Parts
			if len(parts) >= 2 && strings.EqualFold(parts[0], s.Name()) {
				parts = parts[1:]
			} else if len(parts) >= 2 && !isFormatted(parts[0]) {
				continue // another source's column
			}
			if c := sourceColumn(parts[0]); c != "" {
				used[c] = true
				if len(parts) >= 2 && json && (c == ColValue || c == ColKey) {
					addField(c + "." + parts[1]) // value.<field>, key.<field>
				}
				continue
			}
			if json && (len(id.Parts) > 1 || !u.aliases[strings.ToLower(parts[0])]) {
				if s.Options.ValueFormat == FormatJSON {
					addField(parts[0])
				}
				if s.Options.KeyFormat == FormatJSON {
					addField(ColKey + "." + parts[0])
				}
			}
		}
		s.Columns = nil
		for _, c := range scan.Columns {
			if all || used[c] {
				s.Columns = append(s.Columns, c)
			}
		}
		if len(s.Columns) == 0 {
			s.Columns = []string{ColPartition}
		}
		s.AllFields = json && all
		s.Fields = nil
		if json && !all {
			s.Fields = fieldOrder
		}
		return &s
	})
}

func isFormatted(name string) bool {
	return strings.EqualFold(name, ColValue) || strings.EqualFold(name, ColKey)
}

// sourceColumn returns the metadata column named name, or "".
func sourceColumn(name string) string {
	for _, c := range SourceColumns(true) {
		if strings.EqualFold(c, name) {
			return c
		}
	}
	return ""
}

// usage is every column reference of a tree, and the scans a * reaches.
type usage struct {
	idents []*lang.Ident
	star   map[*Scan]bool
	// aliases are the output names given with AS, which ORDER BY and
	// others may use; they are not decoded fields.
	aliases map[string]bool
}

func (u *usage) collect(n Node) {
	if u.star == nil {
		u.star, u.aliases = map[*Scan]bool{}, map[string]bool{}
	}
	var exprs []lang.Node
	switch n := n.(type) {
	case *Scan:
		for _, p := range n.Pushed {
			exprs = append(exprs, p)
		}
	case *Project:
		u.items(n.Items, n.Input)
		for _, it := range n.Items {
			if it.Expr != nil {
				exprs = append(exprs, it.Expr)
			}
		}
	case *Aggregate:
		u.items(n.Items, n.Input)
		for _, it := range n.Items {
			if it.Expr != nil {
				exprs = append(exprs, it.Expr)
			}
		}
		for _, g := range n.GroupBy {
			exprs = append(exprs, g)
		}
	case *Filter:
		for _, c := range n.Cond {
			exprs = append(exprs, c)
		}
	case *Sort:
		for _, k := range n.Keys {
			exprs = append(exprs, k.Expr)
		}
	case *Join:
		if n.On != nil {
			exprs = append(exprs, n.On)
		}
		for _, name := range n.Using {
			u.idents = append(u.idents, &lang.Ident{Parts: []string{name}})
		}
	}
	for _, e := range exprs {
		lang.Inspect(e, func(m lang.Node) bool {
			if id, ok := m.(*lang.Ident); ok {
				u.idents = append(u.idents, id)
			}
			return true
		})
	}
	for _, c := range n.Children() {
		u.collect(c)
	}
}

// items marks the scans a * or alias.* of a select list reaches: those of
// its own FROM tree, below any filters.
func (u *usage) items(items []Item, input Node) {
	for _, it := range items {
		if it.Expr != nil && it.Name != defaultName(it.Expr) {
			u.aliases[strings.ToLower(it.Name)] = true
		}
		if !it.Star && !it.FromStar {
			continue
		}
		for _, s := range fromScans(skipFilters(input)) {
			if it.Table == "" || strings.EqualFold(it.Table, s.Name()) {
				u.star[s] = true
			}
		}
	}
}

func skipFilters(n Node) Node {
	for {
		f, ok := n.(*Filter)
		if !ok {
			return n
		}
		n = f.Input
	}
}
