package lang

import (
	"strconv"
	"strings"
)

// Conversion of the expression grammar (grammar_expr.go) into the AST.

func (c *converter) expr(g *gExpr) Expr { return c.or(g.Or) }

func (c *converter) or(g *gOr) Expr {
	x := c.and(g.Left)
	for _, r := range g.Right {
		x = &Binary{Pos: g.Pos, Op: "OR", Left: x, Right: c.and(r)}
	}
	return x
}

func (c *converter) and(g *gAnd) Expr {
	x := c.not(g.Left)
	for _, r := range g.Right {
		x = &Binary{Pos: g.Pos, Op: "AND", Left: x, Right: c.not(r)}
	}
	return x
}

func (c *converter) not(g *gNot) Expr {
	if g.Not != nil {
		return &Unary{Pos: g.Pos, Op: "NOT", X: c.not(g.Not)}
	}
	return c.cmp(g.Cmp)
}

func (c *converter) cmp(g *gCmp) Expr {
	x := c.other(g.Left)
	for _, t := range g.Suffix {
		switch {
		case t.Op != "":
			op := t.Op
			switch op {
			case "!=":
				op = "<>"
			case "==":
				op = "="
			}
			x = &Binary{Pos: g.Pos, Op: op, Left: x, Right: c.other(t.Right)}
		case t.Distinct != nil:
			op := "IS DISTINCT FROM"
			if t.Distinct.Not {
				op = "IS NOT DISTINCT FROM"
			}
			x = &Binary{Pos: g.Pos, Op: op, Left: x, Right: c.other(t.Distinct.Right)}
		case t.IsNull != nil:
			x = &IsNull{Pos: g.Pos, X: x, Not: t.IsNull.Not}
		case t.In != nil:
			in := &In{Pos: g.Pos, X: x, Not: t.In.Not}
			if t.In.Query != nil {
				in.Query = c.query(t.In.Query)
			}
			for _, e := range t.In.List {
				in.List = append(in.List, c.expr(e))
			}
			x = in
		case t.Between != nil:
			x = &Between{Pos: g.Pos, X: x, Not: t.Between.Not, Lo: c.other(t.Between.Lo), Hi: c.other(t.Between.Hi)}
		case t.Like != nil:
			op := strings.ToUpper(t.Like.Op)
			if t.Like.Not {
				op = "NOT " + op
			}
			x = &Binary{Pos: g.Pos, Op: op, Left: x, Right: c.other(t.Like.Pattern)}
		}
	}
	return x
}

func (c *converter) other(g *gOther) Expr {
	x := c.add(g.Left)
	for _, r := range g.Right {
		x = &Binary{Pos: g.Pos, Op: r.Op, Left: x, Right: c.add(r.Right)}
	}
	return x
}

func (c *converter) add(g *gAdd) Expr {
	x := c.mul(g.Left)
	for _, r := range g.Right {
		x = &Binary{Pos: g.Pos, Op: r.Op, Left: x, Right: c.mul(r.Right)}
	}
	return x
}

func (c *converter) mul(g *gMul) Expr {
	x := c.unary(g.Left)
	for _, r := range g.Right {
		x = &Binary{Pos: g.Pos, Op: r.Op, Left: x, Right: c.unary(r.Right)}
	}
	return x
}

func (c *converter) unary(g *gUnary) Expr {
	if g.X != nil {
		return &Unary{Pos: g.Pos, Op: g.Op, X: c.unary(g.X)}
	}
	x := c.primary(g.Postfix.Primary)
	for _, s := range g.Postfix.Suffix {
		if s.Cast != nil {
			x = &Cast{Pos: g.Pos, X: x, Type: c.typ(s.Cast), Short: true}
		} else {
			x = &Index{Pos: g.Pos, X: x, Index: c.expr(s.Index)}
		}
	}
	return x
}

func (c *converter) primary(g *gPrimary) Expr {
	switch {
	case g.Case != nil:
		cs := &Case{Pos: g.Pos}
		if g.Case.Operand != nil {
			cs.Operand = c.expr(g.Case.Operand)
		}
		for _, w := range g.Case.Whens {
			cs.Whens = append(cs.Whens, &When{Pos: w.Pos, Cond: c.expr(w.Cond), Result: c.expr(w.Result)})
		}
		if g.Case.Else != nil {
			cs.Else = c.expr(g.Case.Else)
		}
		return cs
	case g.Cast != nil:
		return &Cast{Pos: g.Pos, X: c.expr(g.Cast.X), Type: c.typ(g.Cast.Type), Try: strings.EqualFold(g.Cast.Func, "TRY_CAST")}
	case g.Exists != nil:
		return &Exists{Pos: g.Pos, Query: c.query(g.Exists)}
	case g.Typed != nil:
		kind := map[string]LiteralKind{"TIMESTAMP": LitTimestamp, "DATE": LitDate, "TIME": LitTime, "TIMESTAMPTZ": LitTimestampTZ}[strings.ToUpper(g.Typed.Type)]
		return &Literal{Pos: g.Pos, Kind: kind, Value: unquote(g.Typed.Value, '\'')}
	case g.Interval != nil:
		iv := g.Interval
		v := iv.Number + " " + strings.ToUpper(iv.NUnit)
		if iv.String != "" {
			v = unquote(iv.String, '\'')
			if iv.Unit != "" {
				v += " " + strings.ToUpper(iv.Unit)
			}
		}
		return &Literal{Pos: g.Pos, Kind: LitInterval, Value: v}
	case g.Literal != nil:
		return convertLiteral(g.Literal)
	case g.List != nil:
		l := &List{Pos: g.Pos}
		for _, e := range g.List.Items {
			l.Items = append(l.Items, c.expr(e))
		}
		return l
	case g.Struct != nil:
		st := &Struct{Pos: g.Pos}
		for _, f := range g.Struct.Fields {
			key := f.Key
			switch {
			case strings.HasPrefix(key, "'"):
				key = unquote(key, '\'')
			case strings.HasPrefix(key, `"`):
				key = unquote(key, '"')
			}
			st.Fields = append(st.Fields, &StructField{Pos: f.Pos, Key: key, Value: c.expr(f.Value)})
		}
		return st
	case g.Subquery != nil:
		return &Subquery{Pos: g.Pos, Query: c.query(g.Subquery)}
	case g.Paren != nil:
		return &Paren{Pos: g.Pos, X: c.expr(g.Paren)}
	case g.Call != nil:
		return c.call(g.Call)
	default:
		return &Ident{Pos: g.Pos, Parts: g.Column.parts()}
	}
}

func (c *converter) call(g *gCall) *Call {
	call := &Call{Pos: g.Pos, Name: identText(g.Name), Star: g.Star, Distinct: g.Distinct}
	for _, a := range g.Args {
		call.Args = append(call.Args, c.expr(a))
	}
	for _, o := range g.OrderBy {
		call.OrderBy = append(call.OrderBy, c.orderItem(o))
	}
	if g.Filter != nil {
		call.Filter = c.expr(g.Filter)
	}
	if w := g.Over; w != nil {
		win := &Window{Pos: w.Pos}
		for _, e := range w.PartitionBy {
			win.PartitionBy = append(win.PartitionBy, c.expr(e))
		}
		for _, o := range w.OrderBy {
			win.OrderBy = append(win.OrderBy, c.orderItem(o))
		}
		if f := w.Frame; f != nil {
			fr := &Frame{Pos: f.Pos, Unit: strings.ToUpper(f.Unit)}
			if f.Only != nil {
				fr.Start = c.frameBound(f.Only)
			} else {
				fr.Start, fr.End = c.frameBound(f.Start), c.frameBound(f.End)
			}
			win.Frame = fr
		}
		call.Over = win
	}
	return call
}

func (c *converter) frameBound(g *gFrameBound) *FrameBound {
	switch {
	case g.Unbounded != "":
		return &FrameBound{Pos: g.Pos, Kind: "UNBOUNDED " + strings.ToUpper(g.Unbounded)}
	case g.Current:
		return &FrameBound{Pos: g.Pos, Kind: "CURRENT ROW"}
	default:
		return &FrameBound{Pos: g.Pos, Kind: strings.ToUpper(g.Dir), Offset: c.other(g.Offset)}
	}
}

func (c *converter) typ(g *gType) *Type {
	t := &Type{Pos: g.Pos, Name: strings.ToUpper(g.Name), Lists: len(g.Lists)}
	if g.Second != "" {
		t.Name += " " + strings.ToUpper(g.Second)
	}
	if g.WithZone {
		t.Name += " WITH TIME ZONE"
	}
	for _, a := range g.Args {
		n, err := strconv.ParseInt(a, 10, 64)
		if err != nil || n < 0 {
			c.fail(g.Pos, "type %s: parameter %s is not a non-negative integer", t.Name, a)
		}
		t.Args = append(t.Args, n)
	}
	return t
}

func convertLiteral(g *gLiteral) *Literal {
	switch {
	case g.Number != nil:
		kind := LitInt
		if strings.ContainsAny(*g.Number, ".eE") {
			kind = LitDecimal
		}
		return &Literal{Pos: g.Pos, Kind: kind, Value: *g.Number}
	case g.String != nil:
		return &Literal{Pos: g.Pos, Kind: LitString, Value: unquote(*g.String, '\'')}
	case g.Bool != nil:
		return &Literal{Pos: g.Pos, Kind: LitBool, Value: strings.ToUpper(*g.Bool)}
	case g.Param != nil:
		// Numbered once the whole statement is read (numberParams).
		return &Literal{Pos: g.Pos, Kind: LitParam, Value: *g.Param}
	default:
		return &Literal{Pos: g.Pos, Kind: LitNull, Value: "NULL"}
	}
}
