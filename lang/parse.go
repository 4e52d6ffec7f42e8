package lang

import (
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2"
)

var parser = participle.MustBuild[gStatement](
	participle.Lexer(sqlLexer),
	participle.Elide("Whitespace", "Comment"),
	participle.CaseInsensitive("Keyword", "Ident"),
	participle.UseLookahead(2),
)

// Parse parses one statement. A trailing semicolon is allowed. Errors are
// *Error values carrying the line and column of the problem.
func Parse(query string) (Statement, error) {
	g, err := parser.ParseString("", query)
	if err != nil {
		return nil, fromParticiple(err)
	}
	return convertStatement(g)
}

func convertStatement(g *gStatement) (Statement, error) {
	sel, err := convertSelect(g.Select)
	if err != nil {
		return nil, err
	}
	if g.Explain {
		return &Explain{Pos: g.Pos, Stmt: sel}, nil
	}
	return sel, nil
}

func convertSelect(g *gSelect) (*Select, error) {
	s := &Select{Pos: g.Pos, Distinct: g.Distinct}
	for _, it := range g.Items {
		item := &SelectItem{Pos: it.Pos, Star: it.Star}
		if it.Expr != nil {
			item.Expr = convertExpr(it.Expr)
		}
		if it.Alias != nil {
			item.Alias = it.Alias.value()
		}
		s.Items = append(s.Items, item)
	}
	src := &KafkaSource{Pos: g.From.Pos}
	for _, t := range g.From.Topics {
		src.Topics = append(src.Topics, unquote(t.Value, '\''))
	}
	for _, o := range g.From.Options {
		src.Options = append(src.Options, &Option{Pos: o.Pos, Key: o.Key.value(), Value: convertLiteral(o.Value)})
	}
	if g.From.Alias != nil {
		src.Alias = g.From.Alias.value()
	}
	s.From = src
	if g.Where != nil {
		s.Where = convertExpr(g.Where)
	}
	if g.Limit != nil {
		n, err := strconv.ParseInt(g.Limit.Value, 10, 64)
		if err != nil || n < 0 {
			return nil, Errorf(g.Limit.Pos, "LIMIT must be a non-negative integer, got %s", g.Limit.Value)
		}
		s.Limit = &n
	}
	return s, nil
}

func (g *gIdent) value() string {
	if strings.HasPrefix(g.Name, `"`) {
		return unquote(g.Name, '"')
	}
	return g.Name
}

func convertExpr(g *gExpr) Expr { return convertOr(g.Or) }

func convertOr(g *gOr) Expr {
	x := convertAnd(g.Left)
	for _, r := range g.Right {
		x = &Binary{Pos: g.Pos, Op: "OR", Left: x, Right: convertAnd(r)}
	}
	return x
}

func convertAnd(g *gAnd) Expr {
	x := convertNot(g.Left)
	for _, r := range g.Right {
		x = &Binary{Pos: g.Pos, Op: "AND", Left: x, Right: convertNot(r)}
	}
	return x
}

func convertNot(g *gNot) Expr {
	if g.Not != nil {
		return &Unary{Pos: g.Pos, Op: "NOT", X: convertNot(g.Not)}
	}
	return convertCmp(g.Cmp)
}

func convertCmp(g *gCmp) Expr {
	left := convertAdd(g.Left)
	switch {
	case g.Op != "":
		op := g.Op
		if op == "!=" {
			op = "<>"
		}
		return &Binary{Pos: g.Pos, Op: op, Left: left, Right: convertAdd(g.Right)}
	case g.IsNull != nil:
		return &IsNull{Pos: g.Pos, X: left, Not: g.IsNull.Not}
	case g.In != nil:
		in := &In{Pos: g.Pos, X: left, Not: g.In.Not}
		for _, e := range g.In.List {
			in.List = append(in.List, convertExpr(e))
		}
		return in
	case g.Between != nil:
		return &Between{Pos: g.Pos, X: left, Not: g.Between.Not, Lo: convertAdd(g.Between.Lo), Hi: convertAdd(g.Between.Hi)}
	case g.Like != nil:
		op := strings.ToUpper(g.Like.Op)
		if g.Like.Not {
			op = "NOT " + op
		}
		return &Binary{Pos: g.Pos, Op: op, Left: left, Right: convertAdd(g.Like.Pattern)}
	}
	return left
}

func convertAdd(g *gAdd) Expr {
	x := convertMul(g.Left)
	for _, r := range g.Right {
		x = &Binary{Pos: g.Pos, Op: r.Op, Left: x, Right: convertMul(r.Right)}
	}
	return x
}

func convertMul(g *gMul) Expr {
	x := convertUnary(g.Left)
	for _, r := range g.Right {
		x = &Binary{Pos: g.Pos, Op: r.Op, Left: x, Right: convertUnary(r.Right)}
	}
	return x
}

func convertUnary(g *gUnary) Expr {
	if g.Neg != nil {
		return &Unary{Pos: g.Pos, Op: "-", X: convertUnary(g.Neg)}
	}
	return convertPrimary(g.Primary)
}

func convertPrimary(g *gPrimary) Expr {
	switch {
	case g.Call != nil:
		c := &Call{Pos: g.Pos, Name: g.Call.Name.value(), Star: g.Call.Star, Distinct: g.Call.Distinct}
		for _, a := range g.Call.Args {
			c.Args = append(c.Args, convertExpr(a))
		}
		return c
	case g.Literal != nil:
		return convertLiteral(g.Literal)
	case g.Ident != nil:
		id := &Ident{Pos: g.Pos}
		for _, p := range g.Ident.Parts {
			id.Parts = append(id.Parts, p.value())
		}
		return id
	default:
		return &Paren{Pos: g.Pos, X: convertExpr(g.Paren)}
	}
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
	default:
		return &Literal{Pos: g.Pos, Kind: LitNull, Value: "NULL"}
	}
}
