package plan

import (
	"strings"

	"github.com/kq-sql/kq/lang"
)

// PruneColumns narrows every scan to the columns its SELECT uses: select
// list, WHERE (pushed conjuncts too: they stay in the SQL), GROUP BY,
// HAVING, ORDER BY, JOIN ON/USING, window clauses, and the subqueries in
// those expressions (which may refer to the outer columns). Other SELECTs
// (UNION branches, CTEs, FROM subqueries) cannot name its columns and do
// not count. A column counts for a scan when it is unqualified or
// qualified by the scan's name (Scan.Name);
// * or name.* in the SELECT reading the scan keeps every column but a
// decoded value or key: that STRUCT is hidden from *, kept only when
// named (value.amount, SELECT value), as its fields are columns. With a JSON
// value or key format, names that are not metadata columns are taken as
// decoded fields (Scan.Fields: a bare name counts for every JSON part,
// value.<field> for the value, key.<field> for the key). The rule errs on
// the side of keeping a
// column: a name shared with another source keeps it in both. A scan
// that needs no column keeps partition, so that its rows still exist.
func PruneColumns(root Node) Node {
	u := &usage{star: map[*Scan]bool{}, aliases: map[string]bool{}, aliasFirst: map[*lang.Ident]bool{}, blockOf: map[*Scan]*block{}}
	u.collect(root, &block{})
	return Transform(root, func(n Node) Node {
		scan, ok := n.(*Scan)
		if !ok || scan.CountOnly {
			return n
		}
		b := u.blockOf[scan]
		s := *scan
		all := u.star[scan]
		used := map[string]bool{}
		// seen holds the references added, names in lower case: one
		// entry per field as written (f and value.f are both kept, as
		// EXPLAIN shows them).
		seen := map[FieldRef]bool{}
		var fieldOrder []FieldRef
		addField := func(r FieldRef) {
			k := r
			k.Name = strings.ToLower(r.Name)
			if !seen[k] {
				seen[k] = true
				fieldOrder = append(fieldOrder, r)
			}
		}
		json := s.Options.ValueFormat.Decoded() || s.Options.KeyFormat.Decoded()
		for _, id := range b.idents {
			parts := id.Parts
			if len(parts) >= 2 && strings.EqualFold(parts[0], s.Name()) {
				parts = parts[1:]
			} else if len(parts) >= 2 && !isFormatted(parts[0]) {
				continue // another source's column
			}
			if c := sourceColumn(parts[0]); c != "" {
				used[c] = true
				if len(parts) >= 2 && json && (c == ColValue || c == ColKey) {
					addField(FieldRef{Part: Part(c), Name: parts[1], Qualified: c == ColValue}) // value.<field>, key.<field>
				}
				continue
			}
			// In ORDER BY and HAVING a bare name that is an output alias
			// means the alias; elsewhere (SUM(amount) AS amount) it is
			// the field.
			if json && (len(id.Parts) > 1 || !u.aliasFirst[id] || !u.aliases[strings.ToLower(parts[0])]) {
				if s.Options.ValueFormat.Decoded() {
					addField(FieldRef{Part: PartValue, Name: parts[0]})
				}
				if s.Options.KeyFormat.Decoded() {
					addField(FieldRef{Part: PartKey, Name: parts[0]})
				}
			}
		}
		s.Columns = nil
		for _, c := range scan.Columns {
			if (all && !s.HiddenFromStar(c)) || used[c] {
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

// usage is what the SELECTs of a tree use: the column references of
// each SELECT (block), the scans a * reaches, the output aliases.
type usage struct {
	blockOf map[*Scan]*block
	star    map[*Scan]bool
	// aliases are the output names given with AS, which ORDER BY and
	// others may use; they are not decoded fields.
	aliases map[string]bool
	// aliasFirst holds the references of ORDER BY and HAVING, where an
	// output alias takes precedence over a column of the same name.
	aliasFirst map[*lang.Ident]bool
}

// block is one SELECT's scope: its column references, including those in
// its expressions' subqueries.
type block struct {
	idents []*lang.Ident
}

// collect walks n, which belongs to SELECT b.
func (u *usage) collect(n Node, b *block) {
	var exprs []lang.Node
	aliasFirst := false
	switch n := n.(type) {
	case *Scan:
		u.blockOf[n] = b
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
		aliasFirst = n.Having || n.Qualify
		for _, c := range n.Cond {
			exprs = append(exprs, c)
		}
	case *Sort:
		aliasFirst = true
		for _, k := range n.Keys {
			exprs = append(exprs, k.Expr)
		}
	case *Join:
		if n.On != nil {
			exprs = append(exprs, n.On)
		}
		for _, name := range n.Using {
			b.idents = append(b.idents, &lang.Ident{Parts: []string{name}})
		}
	}
	// Inspect also walks the subqueries inside the expressions: their
	// references to this SELECT's columns count here.
	for _, e := range exprs {
		lang.Inspect(e, func(m lang.Node) bool {
			if id, ok := m.(*lang.Ident); ok {
				b.idents = append(b.idents, id)
				if aliasFirst {
					u.aliasFirst[id] = true
				}
			}
			return true
		})
	}
	for _, c := range n.Children() {
		switch n.(type) {
		case *Subquery, *SetOp, *With:
			if w, ok := n.(*With); ok && c == w.Input {
				u.collect(c, b) // the body of WITH is this SELECT
				continue
			}
			u.collect(c, &block{}) // another SELECT
		default:
			if _, ok := c.(*Subquery); ok {
				u.collect(c, &block{})
				continue
			}
			u.collect(c, b)
		}
	}
}

// items marks the scans a * or alias.* of a select list reaches: those of
// its own FROM tree, below any filters.
func (u *usage) items(items []Item, input Node) {
	for _, it := range items {
		if it.Expr != nil && it.Name != lang.ItemName(it.Expr) {
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
