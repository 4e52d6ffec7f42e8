package plan

import (
	"strings"

	"github.com/kq-sql/kq/lang"
)

// Build turns a query into a logical plan. A SELECT becomes, bottom-up:
// its FROM items (Scan for kafka(), Relation for tables, files and table
// functions, Subquery, Join), Filter (WHERE), Aggregate (GROUP BY or
// aggregate calls) or Project, Filter (HAVING), Filter (QUALIFY),
// Distinct, Sort, Limit; a set
// operation is a SetOp; WITH is a With node. Subqueries inside expressions
// are planned too, as extra children of the node holding them, so that
// every kafka() source of the query has its Scan. The WITH options of
// every source are validated here; errors are *lang.Error values pointing
// into the query.
func Build(q lang.Query) (Node, error) {
	b := &builder{}
	return b.query(q)
}

// BuildStatement plans any statement that reads rows: a query, or COPY,
// CREATE TABLE AS and INSERT (a Write over the query's plan). EXPLAIN plans
// the statement it explains. Statements without a query (SHOW, DESCRIBE)
// are errors.
func BuildStatement(stmt lang.Statement) (Node, error) {
	b := &builder{}
	switch s := stmt.(type) {
	case *lang.Explain:
		return BuildStatement(s.Stmt)
	case lang.Query:
		return b.query(s)
	case *lang.Copy:
		return b.write(s.Query, WriteCopy, lang.QuoteString(s.Path))
	case *lang.CreateTable:
		return b.write(s.Query, WriteCreate, qualifiedName(s.Name))
	case *lang.Insert:
		return b.write(s.Query, WriteInsert, qualifiedName(s.Table))
	}
	return nil, lang.Errorf(stmt.Position(), "cannot plan %s: plans are made for queries, COPY, CREATE TABLE AS and INSERT", statementWord(stmt))
}

func statementWord(stmt lang.Statement) string {
	s := stmt.String()
	if i := strings.IndexByte(s, ' '); i > 0 {
		s = s[:i]
	}
	return strings.ToUpper(s)
}

func qualifiedName(parts []string) string {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = lang.QuoteIdent(p)
	}
	return strings.Join(quoted, ".")
}

// builder holds the CTE names in scope while building.
type builder struct {
	ctes []map[string]bool
}

func (b *builder) write(q lang.Query, kind WriteKind, target string) (Node, error) {
	in, err := b.query(q)
	if err != nil {
		return nil, err
	}
	return &Write{Input: in, Kind: kind, Target: target}, nil
}

func (b *builder) query(q lang.Query) (Node, error) {
	switch q := q.(type) {
	case *lang.Select:
		return b.withCTEs(q.With, func() (Node, error) { return b.selectQuery(q) })
	case *lang.Values:
		return b.withCTEs(q.With, func() (Node, error) {
			v := &Values{Rows: q.Rows}
			for _, row := range q.Rows {
				for _, e := range row {
					subs, err := b.subqueries(e)
					if err != nil {
						return nil, err
					}
					v.Subqueries = append(v.Subqueries, subs...)
				}
			}
			return b.orderLimit(v, q.OrderBy, q.Limit, q.Offset)
		})
	case *lang.SetOp:
		return b.withCTEs(q.With, func() (Node, error) {
			left, err := b.query(q.Left)
			if err != nil {
				return nil, err
			}
			right, err := b.query(q.Right)
			if err != nil {
				return nil, err
			}
			var root Node = &SetOp{Left: left, Right: right, Op: q.Op, All: q.All}
			return b.orderLimit(root, q.OrderBy, q.Limit, q.Offset)
		})
	}
	return nil, lang.Errorf(q.Position(), "cannot plan %s", q)
}

// withCTEs plans the CTEs of w, then body with their names in scope.
func (b *builder) withCTEs(w *lang.With, body func() (Node, error)) (Node, error) {
	if w == nil {
		return body()
	}
	scope := map[string]bool{}
	b.ctes = append(b.ctes, scope)
	defer func() { b.ctes = b.ctes[:len(b.ctes)-1] }()
	node := &With{}
	for _, c := range w.CTEs {
		if w.Recursive {
			scope[strings.ToLower(c.Name)] = true // a recursive CTE sees itself
		}
		plan, err := b.query(c.Query)
		if err != nil {
			return nil, err
		}
		scope[strings.ToLower(c.Name)] = true
		node.Names = append(node.Names, c.Name)
		node.CTEs = append(node.CTEs, plan)
	}
	in, err := body()
	if err != nil {
		return nil, err
	}
	node.Input = in
	return node, nil
}

func (b *builder) isCTE(name []string) bool {
	if len(name) != 1 {
		return false
	}
	for i := len(b.ctes) - 1; i >= 0; i-- {
		if b.ctes[i][strings.ToLower(name[0])] {
			return true
		}
	}
	return false
}

func (b *builder) selectQuery(sel *lang.Select) (Node, error) {
	var root Node
	if len(sel.From) == 0 {
		root = &Relation{Kind: RelationValues}
	}
	for _, f := range sel.From {
		n, err := b.table(f)
		if err != nil {
			return nil, err
		}
		if root == nil {
			root = n
		} else {
			root = &Join{Left: root, Right: n, Kind: JoinCross}
		}
	}
	if sel.Where != nil {
		subs, err := b.subqueries(sel.Where)
		if err != nil {
			return nil, err
		}
		root = &Filter{Input: root, Cond: lang.Conjuncts(sel.Where), Subqueries: subs}
	}

	items, subs, err := b.items(sel, root)
	if err != nil {
		return nil, err
	}
	aggregate := len(sel.GroupBy) > 0 || sel.GroupByAll || sel.Having != nil
	for _, it := range sel.Items {
		if it.Expr != nil && hasAggregate(it.Expr) {
			aggregate = true
		}
	}
	if aggregate {
		for _, g := range sel.GroupBy {
			s, err := b.subqueries(g)
			if err != nil {
				return nil, err
			}
			subs = append(subs, s...)
		}
		root = &Aggregate{Input: root, GroupBy: groupBy(sel), Items: items, Subqueries: subs}
		if sel.Having != nil {
			hs, err := b.subqueries(sel.Having)
			if err != nil {
				return nil, err
			}
			root = &Filter{Input: root, Cond: lang.Conjuncts(sel.Having), Subqueries: hs, Having: true}
		}
	} else {
		root = &Project{Input: root, Items: items, Subqueries: subs}
	}
	if sel.Qualify != nil {
		qs, err := b.subqueries(sel.Qualify)
		if err != nil {
			return nil, err
		}
		root = &Filter{Input: root, Cond: lang.Conjuncts(sel.Qualify), Subqueries: qs, Qualify: true}
	}
	if sel.Distinct {
		root = &Distinct{Input: root}
	}
	return b.orderLimit(root, sel.OrderBy, sel.Limit, sel.Offset)
}

// groupBy returns what sel groups by: its GROUP BY list, or for GROUP BY
// ALL every select item without an aggregate (a star among them: its
// columns are not known here, and the SQL engine expands it).
func groupBy(sel *lang.Select) []lang.Expr {
	if !sel.GroupByAll {
		return sel.GroupBy
	}
	var out []lang.Expr
	for _, it := range sel.Items {
		if it.Expr != nil && !hasAggregate(it.Expr) {
			out = append(out, it.Expr)
		}
	}
	return out
}

// items builds the select list. A plain * over a bare kafka() scan is
// expanded into the scan's columns; a * with EXCLUDE or REPLACE is left
// to the SQL engine, which knows every column it stands for.
func (b *builder) items(sel *lang.Select, input Node) ([]Item, []Node, error) {
	var items []Item
	var subs []Node
	for _, it := range sel.Items {
		if it.Star && (len(it.Exclude) > 0 || len(it.Replace) > 0) {
			for _, r := range it.Replace {
				s, err := b.subqueries(r.Expr)
				if err != nil {
					return nil, nil, err
				}
				subs = append(subs, s...)
			}
			items = append(items, Item{Star: true, Table: it.Table, Exclude: it.Exclude, Replace: it.Replace})
			continue
		}
		if it.Star {
			if scan, ok := skipFilters(input).(*Scan); ok && (it.Table == "" || strings.EqualFold(it.Table, scan.Name())) {
				for _, c := range scan.Columns {
					if scan.HiddenFromStar(c) {
						continue
					}
					items = append(items, Item{Expr: &lang.Ident{Pos: it.Pos, Parts: []string{c}}, Name: c, FromStar: true})
				}
				continue
			}
			items = append(items, Item{Star: true, Table: it.Table})
			continue
		}
		s, err := b.subqueries(it.Expr)
		if err != nil {
			return nil, nil, err
		}
		subs = append(subs, s...)
		name := it.Alias
		if name == "" {
			name = lang.ItemName(it.Expr)
		}
		items = append(items, Item{Expr: it.Expr, Name: name})
	}
	return items, subs, nil
}

func (b *builder) orderLimit(root Node, order []*lang.OrderItem, limit, offset *int64) (Node, error) {
	if len(order) > 0 {
		var subs []Node
		for _, o := range order {
			s, err := b.subqueries(o.Expr)
			if err != nil {
				return nil, err
			}
			subs = append(subs, s...)
		}
		root = &Sort{Input: root, Keys: order, Subqueries: subs}
	}
	if limit != nil || offset != nil {
		l := &Limit{Input: root, N: -1}
		if limit != nil {
			l.N = *limit
		}
		if offset != nil {
			l.Offset = *offset
		}
		root = l
	}
	return root, nil
}

// table plans one FROM item.
func (b *builder) table(t lang.TableExpr) (Node, error) {
	switch t := t.(type) {
	case *lang.KafkaSource:
		return newScan(t)
	case *lang.Table:
		kind := RelationTable
		if b.isCTE(t.Name) {
			kind = RelationCTE
		}
		return &Relation{Kind: kind, Text: qualifiedName(t.Name), Alias: t.Alias}, nil
	case *lang.TableFunc:
		return &Relation{Kind: RelationFunction, Text: (&lang.TableFunc{Name: t.Name, Args: t.Args}).String(), Alias: t.Alias}, nil
	case *lang.FileTable:
		return &Relation{Kind: RelationFile, Text: lang.QuoteString(t.Path), Alias: t.Alias}, nil
	case *lang.SubquerySource:
		in, err := b.query(t.Query)
		if err != nil {
			return nil, err
		}
		return &Subquery{Input: in, Alias: t.Alias}, nil
	case *lang.Join:
		left, err := b.table(t.Left)
		if err != nil {
			return nil, err
		}
		right, err := b.table(t.Right)
		if err != nil {
			return nil, err
		}
		kind, err := joinKind(t)
		if err != nil {
			return nil, err
		}
		var subs []Node
		if t.On != nil {
			if subs, err = b.subqueries(t.On); err != nil {
				return nil, err
			}
		}
		return &Join{Left: left, Right: right, Kind: kind, On: t.On, Using: t.Using, Subqueries: subs}, nil
	}
	return nil, lang.Errorf(t.Position(), "cannot plan FROM %s", t)
}

// newScan validates a kafka() source and returns its scan, reading every
// column until PruneColumns narrows it.
func newScan(src *lang.KafkaSource) (*Scan, error) {
	opts, err := ParseOptions(src.Options)
	if err != nil {
		return nil, err
	}
	topics, err := splitTopics(src)
	if err != nil {
		return nil, err
	}
	return &Scan{
		Pos: src.Pos, Topics: topics, Options: opts, Columns: SourceColumns(opts.IncludeHeaders),
		Limit: -1, Source: src, Alias: src.Alias, AllFields: opts.ValueFormat.Decoded() || opts.KeyFormat.Decoded(),
	}, nil
}

// subqueries plans the subqueries inside expression e (EXISTS, IN
// (SELECT ...), scalar subqueries), outermost first.
func (b *builder) subqueries(e lang.Node) ([]Node, error) {
	var out []Node
	var firstErr error
	lang.Inspect(e, func(n lang.Node) bool {
		if firstErr != nil {
			return false
		}
		var q lang.Query
		switch n := n.(type) {
		case *lang.Subquery:
			q = n.Query
		case *lang.Exists:
			q = n.Query
		case *lang.In:
			q = n.Query
		}
		if q == nil {
			return true
		}
		plan, err := b.query(q)
		if err != nil {
			firstErr = err
			return false
		}
		out = append(out, &Subquery{Input: plan})
		if in, ok := n.(*lang.In); ok {
			more, err := b.subqueries(in.X)
			if err != nil {
				firstErr = err
			}
			out = append(out, more...)
		}
		return false
	})
	return out, firstErr
}

// splitTopics flattens kafka('a', 'b,c') into [a b c], checking for empty
// and repeated names.
func splitTopics(src *lang.KafkaSource) ([]string, error) {
	var topics []string
	seen := map[string]bool{}
	for _, t := range src.Topics {
		for _, name := range strings.Split(t, ",") {
			name = strings.TrimSpace(name)
			if name == "" {
				return nil, lang.Errorf(src.Pos, "kafka(): empty topic name in %s", lang.QuoteString(t))
			}
			if seen[name] {
				return nil, lang.Errorf(src.Pos, "kafka(): topic %q is named twice", name)
			}
			seen[name] = true
			topics = append(topics, name)
		}
	}
	return topics, nil
}

// ColumnOf returns the source column an expression names, or "" when it is
// not a plain column reference.
func ColumnOf(e lang.Expr) string {
	id, ok := e.(*lang.Ident)
	if !ok {
		return ""
	}
	for _, c := range SourceColumns(true) {
		if strings.EqualFold(c, id.Name()) {
			return c
		}
	}
	return ""
}
