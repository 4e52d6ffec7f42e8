package lang

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// printer writes an AST as SQL. In the default mode it prints what String
// returns: the fewest parentheses that keep the tree, names quoted only when
// they must be. In render mode (see Render) it prints for the SQL engine:
// every identifier quoted, every operator operand that is itself an
// operation parenthesised, kafka() sources replaced, and anything that is
// not valid SQL in a node built by code reported as an error instead of
// being spliced in.
type printer struct {
	b      strings.Builder
	render bool
	opts   RenderOptions
	err    error
	marks  []mark // render mode: where each node's text starts

	// params are, in render mode, the statement's numbers of the
	// parameters rendered as $1, $2, ...; paramNums the reverse.
	params    []int
	paramNums map[int]int
}

// mark records, in render mode, that n's text starts here.
func (p *printer) mark(n Node) {
	if p.render && !isNil(n) {
		if pos := n.Position(); pos.Line > 0 {
			p.marks = append(p.marks, mark{offset: p.b.Len(), pos: pos})
		}
	}
}

func format(n Node) string {
	var p printer
	p.node(n)
	return p.b.String()
}

func (p *printer) w(ss ...string) {
	for _, s := range ss {
		p.b.WriteString(s)
	}
}

// invalid records that n cannot be rendered; in String mode it is ignored
// and the printer writes its best effort.
func (p *printer) invalid(n Node, format string, args ...any) {
	if p.render && p.err == nil {
		p.err = Errorf(n.Position(), "cannot render: "+format, args...)
	}
}

// missing writes a placeholder for a nil node; Render reports it.
func (p *printer) missing() {
	if p.render && p.err == nil {
		p.err = errors.New("lang: cannot render: the tree has a nil node where one is required")
	}
	p.w("<nil>")
}

// ident writes one name part.
func (p *printer) ident(name string) {
	if p.render {
		p.w(QuoteName(name))
		return
	}
	p.w(QuoteIdent(name))
}

func (p *printer) qname(parts []string) {
	for i, part := range parts {
		if i > 0 {
			p.w(".")
		}
		p.ident(part)
	}
}

func (p *printer) alias(a string) {
	if a != "" {
		p.w(" AS ")
		p.ident(a)
	}
}

// funcName writes a function name: bare when it is a plain word that the
// grammar would not read as something else, quoted otherwise. Scalar
// calls may be named LEFT and RIGHT; table functions may not.
func (p *printer) funcName(name string, scalar bool) {
	up := strings.ToUpper(name)
	leftRight := scalar && (up == "LEFT" || up == "RIGHT")
	if plainIdent.MatchString(name) && (!IsReserved(name) || leftRight) && up != "TRY_CAST" && up != "KAFKA" {
		p.w(name)
		return
	}
	p.w(QuoteName(name))
}

func (p *printer) node(n Node) {
	if isNil(n) {
		p.missing()
		return
	}
	switch n := n.(type) {
	case Expr:
		p.expr(n, 0)
	case Query:
		p.query(n)
	case TableExpr:
		p.table(n)
	case *Explain:
		p.w("EXPLAIN ")
		p.node(n.Stmt)
	case *Copy:
		p.copyStmt(n)
	case *CreateTable:
		p.w("CREATE ")
		if n.OrReplace {
			p.w("OR REPLACE ")
		}
		p.w("TABLE ")
		if n.IfNotExists {
			p.w("IF NOT EXISTS ")
		}
		p.qname(n.Name)
		p.w(" AS ")
		p.query(n.Query)
	case *Insert:
		p.w("INSERT INTO ")
		p.qname(n.Table)
		if len(n.Columns) > 0 {
			p.w(" ")
			p.identList(n.Columns)
		}
		p.w(" ")
		p.query(n.Query)
	case *Show:
		if n.What != "TOPICS" && n.What != "TABLES" {
			p.invalid(n, "SHOW %q", n.What)
		}
		p.w("SHOW ", n.What)
	case *Describe:
		p.describe(n)
	case *ReplaceItem:
		p.replaceItem(n)
	case *With:
		p.with(n)
	case *CTE:
		p.cte(n)
	case *SelectItem:
		p.selectItem(n)
	case *OrderItem:
		p.orderItem(n)
	case *Option:
		p.option(n, " = ")
	case *Window:
		p.window(n)
	case *Frame:
		p.frame(n)
	case *FrameBound:
		p.frameBound(n)
	case *StructField:
		p.structField(n)
	case *When:
		p.w("WHEN ")
		p.expr(n.Cond, 0)
		p.w(" THEN ")
		p.expr(n.Result, 0)
	case *Type:
		p.typ(n)
	case nil:
		p.missing()
	default:
		if p.render && p.err == nil {
			p.err = fmt.Errorf("lang: cannot render: unknown node type %T", n)
		}
		p.w(fmt.Sprintf("<%T>", n))
	}
}

// query writes a SELECT or set operation with its WITH and modifiers.
func (p *printer) query(q Query) {
	if isNil(q) {
		p.missing()
		return
	}
	switch q := q.(type) {
	case *Select:
		p.with(q.With)
		p.selectCore(q)
		p.modifiers(q.OrderBy, q.Limit, q.Offset)
	case *Values:
		p.with(q.With)
		p.values(q)
		p.modifiers(q.OrderBy, q.Limit, q.Offset)
	case *SetOp:
		p.with(q.With)
		lvl := setLevel(q)
		if lvl == 0 {
			p.invalid(q, "set operation %q", q.Op)
		}
		p.setOperand(q.Left, lvl, false)
		p.w(" ", q.Op)
		if q.All {
			p.w(" ALL")
		}
		p.w(" ")
		p.setOperand(q.Right, lvl, true)
		p.modifiers(q.OrderBy, q.Limit, q.Offset)
	case nil:
		p.missing()
	}
}

func setLevel(q *SetOp) int {
	switch q.Op {
	case "UNION", "EXCEPT":
		return 1
	case "INTERSECT":
		return 2
	}
	return 0
}

// setOperand writes one side of a set operation, in parentheses when it
// carries its own clauses or would otherwise regroup.
func (p *printer) setOperand(q Query, parent int, right bool) {
	paren := p.render
	switch q := q.(type) {
	case *Select:
		paren = q.With != nil || len(q.OrderBy) > 0 || q.Limit != nil || q.Offset != nil
	case *Values:
		paren = q.With != nil || len(q.OrderBy) > 0 || q.Limit != nil || q.Offset != nil
	case *SetOp:
		lvl := setLevel(q)
		paren = paren || q.With != nil || len(q.OrderBy) > 0 || q.Limit != nil || q.Offset != nil ||
			lvl < parent || (right && lvl == parent)
	}
	if paren {
		p.w("(")
		p.query(q)
		p.w(")")
		return
	}
	p.query(q)
}

func (p *printer) with(w *With) {
	if w == nil {
		return
	}
	p.w("WITH ")
	if w.Recursive {
		p.w("RECURSIVE ")
	}
	for i, c := range w.CTEs {
		if i > 0 {
			p.w(", ")
		}
		p.cte(c)
	}
	p.w(" ")
}

// identList prints names as a parenthesised, comma-separated list.
func (p *printer) identList(names []string) {
	p.w("(")
	for i, n := range names {
		if i > 0 {
			p.w(", ")
		}
		p.ident(n)
	}
	p.w(")")
}

func (p *printer) cte(c *CTE) {
	if c == nil {
		p.missing()
		return
	}
	p.ident(c.Name)
	if len(c.Columns) > 0 {
		p.identList(c.Columns)
	}
	p.w(" AS (")
	p.query(c.Query)
	p.w(")")
}

func (p *printer) selectCore(s *Select) {
	p.w("SELECT ")
	if s.Distinct {
		p.w("DISTINCT ")
	}
	for i, it := range s.Items {
		if i > 0 {
			p.w(", ")
		}
		p.selectItem(it)
		if it != nil && it.Star {
			if ex := p.starExclude(s, it); len(ex) > 0 {
				p.w(" EXCLUDE (")
				for j, q := range ex {
					if j > 0 {
						p.w(", ")
					}
					p.qname(q)
				}
				p.w(")")
			}
		}
	}
	if len(s.From) > 0 {
		p.w(" FROM ")
		for i, f := range s.From {
			if i > 0 {
				p.w(", ")
			}
			p.table(f)
		}
	}
	if s.Where != nil {
		p.w(" WHERE ")
		p.expr(s.Where, 0)
	}
	switch {
	case s.GroupByAll:
		if len(s.GroupBy) > 0 {
			p.invalid(s, "GROUP BY ALL with expressions")
		}
		p.w(" GROUP BY ALL")
	case len(s.GroupBy) > 0:
		p.w(" GROUP BY ")
		p.exprList(s.GroupBy)
	}
	if s.Having != nil {
		p.w(" HAVING ")
		p.expr(s.Having, 0)
	}
	if s.Qualify != nil {
		p.w(" QUALIFY ")
		p.expr(s.Qualify, 0)
	}
}

func (p *printer) modifiers(order []*OrderItem, limit, offset *int64) {
	if len(order) > 0 {
		p.w(" ORDER BY ")
		p.orderItems(order)
	}
	if limit != nil {
		p.w(" LIMIT ", strconv.FormatInt(*limit, 10))
	}
	if offset != nil {
		p.w(" OFFSET ", strconv.FormatInt(*offset, 10))
	}
}

func (p *printer) selectItem(it *SelectItem) {
	if it == nil {
		p.missing()
		return
	}
	switch {
	case it.Star:
		if it.Table != "" {
			p.ident(it.Table)
			p.w(".")
		}
		p.w("*")
		if len(it.Exclude) > 0 {
			p.w(" EXCLUDE ")
			p.identList(it.Exclude)
		}
		if len(it.Replace) > 0 {
			p.w(" REPLACE (")
			for i, r := range it.Replace {
				if i > 0 {
					p.w(", ")
				}
				p.replaceItem(r)
			}
			p.w(")")
		}
	default:
		if len(it.Exclude) > 0 || len(it.Replace) > 0 {
			p.invalid(it, "EXCLUDE or REPLACE after an expression")
		}
		p.expr(it.Expr, 0)
		// A column reference is left unaliased: DuckDB names it as
		// ItemName does, and "x" AS "x" for a missing x would have it
		// report the alias instead of the missing column.
		if _, column := it.Expr.(*Ident); it.Alias == "" && p.render && p.opts.ItemNames && !column && it.Expr != nil {
			p.alias(ItemName(it.Expr))
			return
		}
		p.alias(it.Alias)
	}
}

func (p *printer) replaceItem(r *ReplaceItem) {
	if r == nil {
		p.missing()
		return
	}
	p.expr(r.Expr, 0)
	p.w(" AS ")
	p.ident(r.Name)
}

// values writes VALUES and its rows.
func (p *printer) values(v *Values) {
	if len(v.Rows) == 0 {
		p.invalid(v, "VALUES without rows")
	}
	p.w("VALUES ")
	for i, row := range v.Rows {
		if i > 0 {
			p.w(", ")
		}
		if len(row) == 0 || len(row) != len(v.Rows[0]) {
			p.invalid(v, "VALUES row %d of %d values, the first of %d", i+1, len(row), len(v.Rows[0]))
		}
		p.w("(")
		p.exprList(row)
		p.w(")")
	}
}

// describe writes DESCRIBE and its query or source. For the SQL engine,
// a source that is neither a table nor a kafka() source (which the
// executor describes itself) is described as SELECT * FROM it: DuckDB's
// DESCRIBE takes a table or a query, not read_parquet(...).
func (p *printer) describe(d *Describe) {
	p.w("DESCRIBE ")
	switch src := d.Source.(type) {
	case nil:
		if isNil(d.Query) {
			p.missing()
			return
		}
		p.query(d.Query)
		return
	case *Table:
		if p.render && len(src.AliasColumns) == 0 && src.Alias == "" {
			p.table(src)
			return
		}
	case *KafkaSource:
		if !p.render {
			p.table(src)
			return
		}
	}
	if !isNil(d.Query) {
		p.invalid(d, "DESCRIBE of both a source and a query")
	}
	if p.render {
		p.w("SELECT * FROM ")
		p.table(d.Source)
		return
	}
	if _, join := d.Source.(*Join); join {
		p.w("(")
		p.table(d.Source)
		p.w(")")
		return
	}
	p.table(d.Source)
}

func (p *printer) orderItems(items []*OrderItem) {
	for i, o := range items {
		if i > 0 {
			p.w(", ")
		}
		p.orderItem(o)
	}
}

func (p *printer) orderItem(o *OrderItem) {
	if o == nil {
		p.missing()
		return
	}
	p.expr(o.Expr, 0)
	if o.Desc {
		p.w(" DESC")
	}
	switch o.Nulls {
	case "":
	case "FIRST", "LAST":
		p.w(" NULLS ", o.Nulls)
	default:
		p.invalid(o, "NULLS %q", o.Nulls)
	}
}

// table writes a FROM item.
func (p *printer) table(t TableExpr) {
	if isNil(t) {
		p.missing()
		return
	}
	if _, join := t.(*Join); !join {
		p.mark(t) // a join's text starts with its left side
	}
	switch t := t.(type) {
	case *KafkaSource:
		if p.render {
			p.kafkaSource(t)
			return
		}
		p.w("kafka(")
		for i, topic := range t.Topics {
			if i > 0 {
				p.w(", ")
			}
			if i < len(t.TopicParams) && t.TopicParams[i] != nil {
				p.literal(t.TopicParams[i])
				continue
			}
			p.w(QuoteString(topic))
		}
		p.w(")")
		if len(t.Options) > 0 {
			p.w(" WITH (")
			for i, o := range t.Options {
				if i > 0 {
					p.w(", ")
				}
				p.option(o, " = ")
			}
			p.w(")")
		}
		p.alias(t.Alias)
	case *Table:
		p.qname(t.Name)
		p.tableAlias(t, t.Alias, t.AliasColumns)
	case *TableFunc:
		p.funcName(t.Name, false)
		p.w("(")
		p.exprList(t.Args)
		p.w(")")
		p.tableAlias(t, t.Alias, t.AliasColumns)
	case *FileTable:
		p.w(QuoteString(t.Path))
		p.tableAlias(t, t.Alias, t.AliasColumns)
	case *SubquerySource:
		p.w("(")
		p.query(t.Query)
		p.w(")")
		p.tableAlias(t, t.Alias, t.AliasColumns)
	case *Join:
		p.table(t.Left)
		switch t.Kind {
		case "INNER":
			p.w(" JOIN ")
		case "LEFT", "RIGHT", "FULL", "CROSS":
			p.w(" ", t.Kind, " JOIN ")
		default:
			p.invalid(t, "join kind %q", t.Kind)
			p.w(" ", t.Kind, " JOIN ")
		}
		if _, nested := t.Right.(*Join); nested {
			p.w("(")
			p.table(t.Right)
			p.w(")")
		} else {
			p.table(t.Right)
		}
		if t.On != nil {
			p.w(" ON ")
			p.expr(t.On, 0)
		}
		if len(t.Using) > 0 {
			p.w(" USING ")
			p.identList(t.Using)
		}
	case nil:
		p.missing()
	}
}

// tableAlias writes AS alias(columns); columns need an alias.
func (p *printer) tableAlias(n Node, alias string, columns []string) {
	p.alias(alias)
	if len(columns) == 0 {
		return
	}
	if alias == "" {
		p.invalid(n, "column aliases without a table alias")
	}
	p.identList(columns)
}

// option writes key<sep>value; a nil value writes the key alone.
func (p *printer) option(o *Option, sep string) {
	if o == nil {
		p.missing()
		return
	}
	p.optionKey(o)
	if o.Value == nil {
		return
	}
	p.w(sep)
	p.literal(o.Value)
}

// optionKey writes an option key: bare when it is dotted plain words whose
// first is not reserved, quoted as one name otherwise.
func (p *printer) optionKey(o *Option) {
	bare := o.Key != ""
	for i, part := range strings.Split(o.Key, ".") {
		if !plainIdent.MatchString(part) || (i == 0 && IsReserved(part)) {
			bare = false
		}
	}
	if bare {
		p.w(o.Key)
		return
	}
	if p.render {
		p.invalid(o, "option key %q", o.Key)
	}
	p.w(QuoteName(o.Key))
}

func (p *printer) copyStmt(c *Copy) {
	p.w("COPY (")
	p.query(c.Query)
	p.w(") TO ", QuoteString(c.Path))
	if len(c.Options) == 0 {
		return
	}
	p.w(" (")
	for i, o := range c.Options {
		if i > 0 {
			p.w(", ")
		}
		if o == nil {
			p.missing()
			continue
		}
		p.optionKey(o)
		if len(o.Names) > 0 {
			p.w(" (")
			for j, n := range o.Names {
				if j > 0 {
					p.w(", ")
				}
				p.w(QuoteIdent(n))
			}
			p.w(")")
			continue
		}
		if o.Value == nil {
			continue
		}
		p.w(" ")
		if v := o.Value; v.Kind == LitString && plainIdent.MatchString(v.Value) && !IsReserved(v.Value) && !p.render {
			p.w(v.Value) // a bare word: FORMAT parquet
			continue
		}
		p.literal(o.Value)
	}
	p.w(")")
}
