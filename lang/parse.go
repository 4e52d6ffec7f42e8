package lang

import (
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2"
)

var parser = participle.MustBuild[gRoot](
	participle.Lexer(sqlLexer),
	participle.Elide("Whitespace", "Comment"),
	participle.CaseInsensitive("Keyword", "Ident"),
	participle.UseLookahead(2),
)

// Parse parses one statement. A trailing semicolon is allowed. Errors are
// *Error values carrying the line and column of the problem; a query longer
// than MaxQueryBytes or nested deeper than MaxDepth is an error too, never a
// crash. The returned tree is owned by the caller.
func Parse(query string) (Statement, error) {
	if err := checkLimits(query); err != nil {
		return nil, err
	}
	g, err := parseTree(query)
	if err != nil {
		return nil, fromParticiple(query, err)
	}
	if g.Stmt == nil {
		return nil, Errorf(Pos{Line: 1, Column: 1}, "empty query, expected a statement (SELECT, EXPLAIN, COPY, CREATE TABLE, INSERT, SHOW, DESCRIBE)")
	}
	var c converter
	stmt := c.statement(g.Stmt)
	if c.err != nil {
		return nil, c.err
	}
	if err := checkDepth(stmt); err != nil {
		return nil, err
	}
	if err := numberParams(stmt); err != nil {
		return nil, err
	}
	return stmt, nil
}

// parseTree runs the participle parser. Participle panics when the grammar
// itself is at fault (a branch that matches nothing); that is turned into an
// error naming the problem, so that no input can crash the caller. The fuzz
// test fails on such errors.
func parseTree(query string) (g *gRoot, err error) {
	defer func() {
		if r := recover(); r != nil {
			g, err = nil, Errorf(Pos{Line: 1, Column: 1}, "internal parser error: %v", r)
		}
	}()
	return parser.ParseString("", query)
}

// converter turns the concrete syntax tree into the AST, keeping the first
// semantic error it meets.
type converter struct {
	err *Error
}

func (c *converter) fail(pos Pos, format string, args ...any) {
	if c.err == nil {
		c.err = Errorf(pos, format, args...)
	}
}

func (c *converter) statement(g *gStatement) Statement {
	s := c.body(g.Body)
	if g.Explain {
		return &Explain{Pos: g.Pos, Stmt: s}
	}
	return s
}

func (c *converter) body(g *gBody) Statement {
	switch {
	case g.Copy != nil:
		cp := &Copy{Pos: g.Copy.Pos, Query: c.query(g.Copy.Query), Path: unquote(g.Copy.Path.Value, '\'')}
		for _, o := range g.Copy.Options {
			opt := &Option{Pos: o.Pos, Key: o.Key.value()}
			if o.Value != nil {
				opt.Value = c.optionValue(o.Value)
			}
			for _, n := range o.Names {
				opt.Names = append(opt.Names, n.value())
			}
			cp.Options = append(cp.Options, opt)
		}
		return cp
	case g.Create != nil:
		return &CreateTable{Pos: g.Create.Pos, OrReplace: g.Create.OrReplace, IfNotExists: g.Create.IfNotExists,
			Name: g.Create.Name.parts(), Query: c.query(g.Create.Query)}
	case g.Insert != nil:
		ins := &Insert{Pos: g.Insert.Pos, Table: g.Insert.Name.parts(), Query: c.query(g.Insert.Query)}
		for _, col := range g.Insert.Columns {
			ins.Columns = append(ins.Columns, col.value())
		}
		return ins
	case g.Show != nil:
		return &Show{Pos: g.Show.Pos, What: strings.ToUpper(g.Show.What)}
	case g.Describe != nil:
		if g.Describe.Query != nil {
			return &Describe{Pos: g.Describe.Pos, Query: c.query(g.Describe.Query)}
		}
		return &Describe{Pos: g.Describe.Pos, Source: c.tablePrimary(g.Describe.Source)}
	default:
		return c.query(g.Query)
	}
}

// query converts a query and attaches its WITH, ORDER BY, LIMIT and OFFSET
// to the SELECT or set operation it wraps.
func (c *converter) query(g *gQuery) Query {
	q := c.union(g.Body)
	var with *With
	if g.With != nil {
		with = &With{Pos: g.With.Pos, Recursive: g.With.Recursive}
		for _, cte := range g.With.CTEs {
			ct := &CTE{Pos: cte.Pos, Name: cte.Name.value(), Query: c.query(cte.Query)}
			for _, col := range cte.Columns {
				ct.Columns = append(ct.Columns, col.value())
			}
			with.CTEs = append(with.CTEs, ct)
		}
	}
	var order []*OrderItem
	for _, o := range g.OrderBy {
		order = append(order, c.orderItem(o))
	}
	limitTok, offsetTok := g.Limit, g.Offset
	if g.Offset2 != nil {
		limitTok, offsetTok = g.Limit2, g.Offset2
	}
	limit := c.count(limitTok, "LIMIT")
	offset := c.count(offsetTok, "OFFSET")

	m := modifiersOf(q)
	if with != nil {
		if *m.with != nil {
			c.fail(with.Pos, "a parenthesised query with its own WITH cannot take another; merge the WITH clauses")
		}
		*m.with = with
	}
	if len(order) > 0 || limit != nil || offset != nil {
		if len(*m.order) > 0 || *m.limit != nil || *m.offset != nil {
			pos := g.Pos
			switch {
			case len(g.OrderBy) > 0:
				pos = g.OrderBy[0].Pos
			case limitTok != nil:
				pos = limitTok.Pos
			case offsetTok != nil:
				pos = offsetTok.Pos
			}
			c.fail(pos, "this parenthesised query already has ORDER BY, LIMIT or OFFSET; wrap it as SELECT * FROM (...)")
		}
		*m.order, *m.limit, *m.offset = order, limit, offset
	}
	return q
}

// modifiers points at the clauses a query carries around its body.
type modifiers struct {
	with          **With
	order         *[]*OrderItem
	limit, offset **int64
}

func modifiersOf(q Query) modifiers {
	switch s := q.(type) {
	case *SetOp:
		return modifiers{&s.With, &s.OrderBy, &s.Limit, &s.Offset}
	case *Values:
		return modifiers{&s.With, &s.OrderBy, &s.Limit, &s.Offset}
	}
	s := q.(*Select) // the only other Query
	return modifiers{&s.With, &s.OrderBy, &s.Limit, &s.Offset}
}

func (c *converter) count(g *gInteger, clause string) *int64 {
	if g == nil {
		return nil
	}
	n, err := strconv.ParseInt(g.Value, 10, 64)
	if err != nil || n < 0 {
		c.fail(g.Pos, "%s must be a non-negative integer, got %s", clause, g.Value)
		return nil
	}
	return &n
}

func (c *converter) union(g *gUnion) Query {
	q := c.intersect(g.Left)
	for _, r := range g.Right {
		q = &SetOp{Pos: q.Position(), Op: strings.ToUpper(r.Op), All: r.All, Left: q, Right: c.intersect(r.Right)}
	}
	return q
}

func (c *converter) intersect(g *gIntersect) Query {
	q := c.setPrimary(g.Left)
	for _, r := range g.Right {
		q = &SetOp{Pos: q.Position(), Op: "INTERSECT", All: r.All, Left: q, Right: c.setPrimary(r.Right)}
	}
	return q
}

func (c *converter) setPrimary(g *gSetPrimary) Query {
	switch {
	case g.Paren != nil:
		return c.query(g.Paren)
	case g.Values != nil:
		return c.values(g.Values)
	}
	return c.selectCore(g.Select)
}

// values converts VALUES rows, which must all have the first row's length.
func (c *converter) values(g *gValues) *Values {
	v := &Values{Pos: g.Pos}
	for _, r := range g.Rows {
		row := make([]Expr, len(r.Exprs))
		for i, e := range r.Exprs {
			row[i] = c.expr(e)
		}
		if len(row) != len(g.Rows[0].Exprs) {
			c.fail(r.Pos, "VALUES rows must have the same length: this one has %d values, the first %d", len(row), len(g.Rows[0].Exprs))
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}

func (c *converter) selectCore(g *gSelect) *Select {
	s := &Select{Pos: g.Pos, Distinct: g.Distinct}
	for _, it := range g.Items {
		item := &SelectItem{Pos: it.Pos, Star: it.Star}
		for _, e := range it.Exclude {
			item.Exclude = append(item.Exclude, e.value())
		}
		for _, r := range it.Replace {
			item.Replace = append(item.Replace, &ReplaceItem{Pos: r.Pos, Expr: c.expr(r.Expr), Name: r.Name.value()})
		}
		switch {
		case it.Table != nil:
			item.Star, item.Table = true, it.Table.value()
		case it.Expr != nil:
			item.Expr = c.expr(it.Expr)
			if it.Alias != nil {
				item.Alias = it.Alias.Name.value()
			}
		}
		s.Items = append(s.Items, item)
	}
	for _, f := range g.From {
		s.From = append(s.From, c.fromItem(f))
	}
	if g.Where != nil {
		s.Where = c.expr(g.Where)
	}
	s.GroupByAll = g.GroupAll
	for _, e := range g.GroupBy {
		s.GroupBy = append(s.GroupBy, c.expr(e))
	}
	if g.Having != nil {
		s.Having = c.expr(g.Having)
	}
	if g.Qualify != nil {
		s.Qualify = c.expr(g.Qualify)
	}
	return s
}

func (c *converter) orderItem(g *gOrderItem) *OrderItem {
	return &OrderItem{Pos: g.Pos, Expr: c.expr(g.Expr), Desc: strings.EqualFold(g.Dir, "DESC"), Nulls: strings.ToUpper(g.Nulls)}
}

func (c *converter) fromItem(g *gFromItem) TableExpr {
	t := c.tablePrimary(g.Left)
	for _, j := range g.Joins {
		join := &Join{Pos: j.Pos, Kind: "INNER", Left: t, Right: c.tablePrimary(j.Right)}
		switch {
		case j.Cross:
			join.Kind = "CROSS"
		case j.Kind != "":
			join.Kind = strings.ToUpper(j.Kind)
		}
		if j.On != nil {
			join.On = c.expr(j.On)
		}
		for _, u := range j.Using {
			join.Using = append(join.Using, u.value())
		}
		hasCond := j.On != nil || len(j.Using) > 0
		if join.Kind == "CROSS" && hasCond {
			c.fail(j.Pos, "CROSS JOIN takes no ON or USING")
		}
		if join.Kind != "CROSS" && !hasCond {
			c.fail(j.Pos, "%s JOIN needs ON or USING (or write CROSS JOIN)", join.Kind)
		}
		t = join
	}
	return t
}

func (c *converter) tablePrimary(g *gTablePrimary) TableExpr {
	alias := ""
	var columns []string
	if g.Alias != nil {
		alias = g.Alias.Name.Name.value()
		for _, col := range g.Alias.Columns {
			columns = append(columns, col.value())
		}
	}
	switch {
	case g.Kafka != nil:
		if len(columns) > 0 {
			c.fail(g.Alias.Columns[0].Pos, "kafka() sources have their own column names; they cannot be renamed in the alias")
		}
		k := &KafkaSource{Pos: g.Pos, Alias: alias}
		for _, a := range g.Kafka.Args {
			e := c.expr(a)
			lit, ok := e.(*Literal)
			if ok && lit.Kind == LitParam {
				if k.TopicParams == nil {
					k.TopicParams = make([]*Literal, len(k.Topics), len(g.Kafka.Args))
				}
				k.Topics = append(k.Topics, "")
				k.TopicParams = append(k.TopicParams, lit)
				continue
			}
			if !ok || lit.Kind != LitString {
				c.fail(e.Position(), "kafka() takes topic names as string literals or parameters, got %s", e)
				continue
			}
			k.Topics = append(k.Topics, lit.Value)
			if k.TopicParams != nil {
				k.TopicParams = append(k.TopicParams, nil)
			}
		}
		for _, o := range g.Kafka.Options {
			k.Options = append(k.Options, &Option{Pos: o.Pos, Key: o.Key.value(), Value: c.optionValue(o.Value)})
		}
		return k
	case g.Subquery != nil:
		return &SubquerySource{Pos: g.Pos, Query: c.query(g.Subquery), Alias: alias, AliasColumns: columns}
	case g.Paren != nil:
		if alias != "" {
			c.fail(g.Alias.Pos, "an alias cannot follow a parenthesised join")
		}
		return c.fromItem(g.Paren)
	case g.File != nil:
		return &FileTable{Pos: g.Pos, Path: unquote(g.File.Value, '\''), Alias: alias, AliasColumns: columns}
	case g.Func != nil:
		f := &TableFunc{Pos: g.Pos, Name: g.Func.Name.value(), Alias: alias, AliasColumns: columns}
		if strings.EqualFold(f.Name, "kafka") && len(g.Func.Args) == 0 {
			c.fail(g.Pos, "kafka() needs at least one topic name")
		}
		for _, a := range g.Func.Args {
			f.Args = append(f.Args, c.expr(a))
		}
		return f
	default:
		return &Table{Pos: g.Pos, Name: g.Table.parts(), Alias: alias, AliasColumns: columns}
	}
}

func (c *converter) optionValue(g *gOptionValue) *Literal {
	switch {
	case g.Literal != nil:
		return convertLiteral(g.Literal)
	case g.Minus:
		kind := LitInt
		if strings.ContainsAny(g.Number, ".eE") {
			kind = LitDecimal
		}
		return &Literal{Pos: g.Pos, Kind: kind, Value: "-" + g.Number}
	default:
		return &Literal{Pos: g.Pos, Kind: LitString, Value: g.Word.value()}
	}
}

func (g *gIdent) value() string {
	if strings.HasPrefix(g.Name, `"`) {
		return unquote(g.Name, '"')
	}
	return g.Name
}

func (g *gQName) parts() []string {
	parts := []string{g.First.value()}
	for _, r := range g.Rest {
		parts = append(parts, identText(r))
	}
	return parts
}

func (g *gOptionKey) value() string {
	parts := []string{g.First.value()}
	for _, r := range g.Rest {
		parts = append(parts, identText(r))
	}
	return strings.Join(parts, ".")
}

// identText unquotes a "quoted" identifier token and returns others as is.
func identText(tok string) string {
	if strings.HasPrefix(tok, `"`) {
		return unquote(tok, '"')
	}
	return tok
}
