package lang

import (
	"regexp"
	"strconv"
	"strings"
)

// Precedence levels, loosest first; see grammar_expr.go.
const (
	precOr = 1 + iota
	precAnd
	precNot
	precCmp
	precOther
	precAdd
	precMul
	precUnary
	precPostfix
	precPrimary
)

var binaryPrec = map[string]int{
	"OR": precOr, "AND": precAnd,
	"=": precCmp, "<>": precCmp, "<": precCmp, "<=": precCmp, ">": precCmp, ">=": precCmp,
	"LIKE": precCmp, "ILIKE": precCmp, "NOT LIKE": precCmp, "NOT ILIKE": precCmp,
	"IS DISTINCT FROM": precCmp, "IS NOT DISTINCT FROM": precCmp,
	"||": precOther, "->": precOther, "->>": precOther,
	"+": precAdd, "-": precAdd,
	"*": precMul, "/": precMul, "%": precMul,
}

// precedence is how tightly e binds when printed without parentheses.
func precedence(e Expr) int {
	switch e := e.(type) {
	case *Binary:
		if p, ok := binaryPrec[e.Op]; ok {
			return p
		}
		return 0
	case *Unary:
		if e.Op == "NOT" {
			return precNot
		}
		return precUnary
	case *In, *Between, *IsNull:
		return precCmp
	case *Cast:
		if e.Short {
			return precPostfix
		}
	case *Index:
		return precPostfix
	}
	return precPrimary
}

// expr writes e, in parentheses when its precedence is below min. In
// render mode every operation that is an operand (min > 0) is
// parenthesised, so the SQL engine's own precedence rules never matter.
func (p *printer) expr(e Expr, min int) {
	if isNil(e) {
		p.missing()
		return
	}
	prec := precedence(e)
	if prec < min || (p.render && min > 0 && prec < precPrimary) {
		p.w("(")
		p.bare(e)
		p.w(")")
		return
	}
	p.bare(e)
}

func (p *printer) exprList(es []Expr) {
	for i, e := range es {
		if i > 0 {
			p.w(", ")
		}
		p.expr(e, 0)
	}
}

func (p *printer) bare(e Expr) {
	if isNil(e) {
		p.missing()
		return
	}
	p.mark(e)
	switch e := e.(type) {
	case *Ident:
		p.qname(e.Parts)
	case *Literal:
		p.literal(e)
	case *Call:
		p.call(e)
	case *Binary:
		prec, ok := binaryPrec[e.Op]
		if !ok {
			p.invalid(e, "operator %q", e.Op)
			prec = precPrimary
		}
		p.expr(e.Left, prec)
		p.w(" ", e.Op, " ")
		p.expr(e.Right, prec+1)
	case *Unary:
		switch e.Op {
		case "NOT":
			p.w("NOT ")
			p.expr(e.X, precNot)
		case "-", "+":
			p.w(e.Op)
			if startsWithSign(e.X) {
				p.w(" ") // "--" would start a comment
			}
			p.expr(e.X, precUnary)
		default:
			p.invalid(e, "unary operator %q", e.Op)
			p.w(e.Op, " ")
			p.expr(e.X, precPrimary)
		}
	case *In:
		p.expr(e.X, precCmp)
		if e.Not {
			p.w(" NOT")
		}
		p.w(" IN (")
		if e.Query != nil {
			p.query(e.Query)
		} else {
			p.exprList(e.List)
		}
		p.w(")")
	case *Between:
		p.expr(e.X, precCmp)
		if e.Not {
			p.w(" NOT")
		}
		p.w(" BETWEEN ")
		p.expr(e.Lo, precCmp+1)
		p.w(" AND ")
		p.expr(e.Hi, precCmp+1)
	case *IsNull:
		p.expr(e.X, precCmp)
		if e.Not {
			p.w(" IS NOT NULL")
		} else {
			p.w(" IS NULL")
		}
	case *Paren:
		p.w("(")
		p.expr(e.X, 0)
		p.w(")")
	case *Case:
		p.w("CASE")
		if e.Operand != nil {
			p.w(" ")
			p.expr(e.Operand, 0)
		}
		if len(e.Whens) == 0 {
			p.invalid(e, "CASE without WHEN")
		}
		for _, w := range e.Whens {
			if w == nil {
				p.missing()
				continue
			}
			p.w(" WHEN ")
			p.expr(w.Cond, 0)
			p.w(" THEN ")
			p.expr(w.Result, 0)
		}
		if e.Else != nil {
			p.w(" ELSE ")
			p.expr(e.Else, 0)
		}
		p.w(" END")
	case *Cast:
		switch {
		case p.render && p.opts.Text != "" && IsTextType(e.Type):
			p.textCast(e)
		case e.Short:
			p.expr(e.X, precPostfix)
			p.w("::")
			p.typ(e.Type)
		default:
			if e.Try {
				p.w("TRY_CAST(")
			} else {
				p.w("CAST(")
			}
			p.expr(e.X, 0)
			p.w(" AS ")
			p.typ(e.Type)
			p.w(")")
		}
	case *Index:
		p.expr(e.X, precPostfix)
		p.w("[")
		p.expr(e.Index, 0)
		p.w("]")
	case *List:
		p.w("[")
		p.exprList(e.Items)
		p.w("]")
	case *Struct:
		p.w("{")
		for i, f := range e.Fields {
			if i > 0 {
				p.w(", ")
			}
			p.structField(f)
		}
		p.w("}")
	case *Subquery:
		p.w("(")
		p.query(e.Query)
		p.w(")")
	case *Exists:
		p.w("EXISTS (")
		p.query(e.Query)
		p.w(")")
	case nil:
		p.missing()
	}
}

// startsWithSign reports whether x prints starting with "-" or "+" when it
// is the operand of a unary sign.
func startsWithSign(x Expr) bool {
	switch x := x.(type) {
	case *Unary:
		return x.Op == "-" || x.Op == "+"
	case *Literal:
		return strings.HasPrefix(x.Value, "-") || strings.HasPrefix(x.Value, "+")
	}
	return false
}

func (p *printer) call(c *Call) {
	p.funcName(c.Name, true)
	p.w("(")
	switch {
	case c.Star:
		p.w("*")
	case c.Distinct:
		p.w("DISTINCT ")
	}
	p.exprList(c.Args)
	if len(c.OrderBy) > 0 {
		p.w(" ORDER BY ")
		p.orderItems(c.OrderBy)
	}
	p.w(")")
	if c.Filter != nil {
		p.w(" FILTER (WHERE ")
		p.expr(c.Filter, 0)
		p.w(")")
	}
	if c.Over != nil {
		p.w(" OVER ")
		p.window(c.Over)
	}
}

func (p *printer) structField(f *StructField) {
	if f == nil {
		p.missing()
		return
	}
	p.w(QuoteString(f.Key), ": ")
	p.expr(f.Value, 0)
}

func (p *printer) window(w *Window) {
	if w == nil {
		p.missing()
		return
	}
	p.w("(")
	sep := ""
	if len(w.PartitionBy) > 0 {
		p.w("PARTITION BY ")
		p.exprList(w.PartitionBy)
		sep = " "
	}
	if len(w.OrderBy) > 0 {
		p.w(sep, "ORDER BY ")
		p.orderItems(w.OrderBy)
		sep = " "
	}
	if w.Frame != nil {
		p.w(sep)
		p.frame(w.Frame)
	}
	p.w(")")
}

func (p *printer) frame(f *Frame) {
	if f == nil {
		p.missing()
		return
	}
	switch f.Unit {
	case "ROWS", "RANGE", "GROUPS":
	default:
		p.invalid(f, "frame unit %q", f.Unit)
	}
	p.w(f.Unit, " ")
	if f.End == nil {
		p.frameBound(f.Start)
		return
	}
	p.w("BETWEEN ")
	p.frameBound(f.Start)
	p.w(" AND ")
	p.frameBound(f.End)
}

func (p *printer) frameBound(b *FrameBound) {
	if b == nil {
		p.missing()
		return
	}
	switch b.Kind {
	case "UNBOUNDED PRECEDING", "UNBOUNDED FOLLOWING", "CURRENT ROW":
		p.w(b.Kind)
	case "PRECEDING", "FOLLOWING":
		p.expr(b.Offset, precCmp+1)
		p.w(" ", b.Kind)
	default:
		p.invalid(b, "frame bound %q", b.Kind)
		p.w(b.Kind)
	}
}

var (
	typeName   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*( [A-Za-z_][A-Za-z0-9_]*)*$`)
	intText    = regexp.MustCompile(`^-?[0-9]+$`)
	numberText = regexp.MustCompile(`^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$`)
)

func (p *printer) typ(t *Type) {
	if t == nil {
		p.missing()
		return
	}
	if !typeName.MatchString(t.Name) {
		p.invalid(t, "type name %q", t.Name)
	}
	p.w(t.Name)
	if len(t.Args) > 0 {
		p.w("(")
		for i, a := range t.Args {
			if i > 0 {
				p.w(", ")
			}
			p.w(strconv.FormatInt(a, 10))
		}
		p.w(")")
	}
	for i := 0; i < t.Lists; i++ {
		p.w("[]")
	}
}

var typedPrefix = map[LiteralKind]string{
	LitTimestamp: "TIMESTAMP ", LitDate: "DATE ", LitTime: "TIME ",
	LitInterval: "INTERVAL ", LitTimestampTZ: "TIMESTAMPTZ ",
}

func (p *printer) literal(l *Literal) {
	if l == nil {
		p.missing()
		return
	}
	switch l.Kind {
	case LitString:
		p.w(QuoteString(l.Value))
	case LitInt:
		if !intText.MatchString(l.Value) {
			p.invalid(l, "integer %q", l.Value)
		}
		p.w(l.Value)
	case LitDecimal:
		if !numberText.MatchString(l.Value) {
			p.invalid(l, "number %q", l.Value)
		}
		p.w(l.Value)
	case LitBool:
		v := strings.ToUpper(l.Value)
		if v != "TRUE" && v != "FALSE" {
			p.invalid(l, "boolean %q", l.Value)
		}
		p.w(v)
	case LitNull:
		p.w("NULL")
	case LitParam:
		p.param(l)
	default:
		prefix, ok := typedPrefix[l.Kind]
		if !ok {
			p.invalid(l, "literal kind %d", l.Kind)
		}
		p.w(prefix, QuoteString(l.Value))
	}
}
