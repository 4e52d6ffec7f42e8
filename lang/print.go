package lang

import (
	"strconv"
	"strings"
)

// String prints the statement as SQL.
func (n *Select) String() string {
	var b strings.Builder
	b.WriteString("SELECT ")
	if n.Distinct {
		b.WriteString("DISTINCT ")
	}
	for i, it := range n.Items {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(it.String())
	}
	b.WriteString(" FROM ")
	b.WriteString(n.From.String())
	if n.Where != nil {
		b.WriteString(" WHERE ")
		b.WriteString(n.Where.String())
	}
	if n.Limit != nil {
		b.WriteString(" LIMIT ")
		b.WriteString(strconv.FormatInt(*n.Limit, 10))
	}
	return b.String()
}

// String prints the statement as SQL.
func (n *Explain) String() string { return "EXPLAIN " + n.Stmt.String() }

// String prints the item as SQL.
func (n *SelectItem) String() string {
	if n.Star {
		return "*"
	}
	if n.Alias != "" {
		return n.Expr.String() + " AS " + QuoteIdent(n.Alias)
	}
	return n.Expr.String()
}

// String prints the source as SQL.
func (n *KafkaSource) String() string {
	var b strings.Builder
	b.WriteString("kafka(")
	for i, t := range n.Topics {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(QuoteString(t))
	}
	b.WriteString(")")
	if len(n.Options) > 0 {
		b.WriteString(" WITH (")
		for i, o := range n.Options {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(o.String())
		}
		b.WriteString(")")
	}
	if n.Alias != "" {
		b.WriteString(" AS ")
		b.WriteString(QuoteIdent(n.Alias))
	}
	return b.String()
}

// String prints the option as SQL. The key keeps the case it was written in.
func (n *Option) String() string {
	key := n.Key
	if !plainIdent.MatchString(key) || IsReserved(key) {
		key = QuoteIdent(key)
	}
	return key + " = " + n.Value.String()
}

// String prints the identifier, quoting parts that need it.
func (n *Ident) String() string {
	parts := make([]string, len(n.Parts))
	for i, p := range n.Parts {
		parts[i] = QuoteIdent(p)
	}
	return strings.Join(parts, ".")
}

// String prints the literal as SQL.
func (n *Literal) String() string {
	if n.Kind == LitString {
		return QuoteString(n.Value)
	}
	return n.Value
}

// String prints the call as SQL.
func (n *Call) String() string {
	var b strings.Builder
	name := n.Name
	if !plainIdent.MatchString(name) || IsReserved(name) {
		name = QuoteIdent(name)
	}
	b.WriteString(name)
	b.WriteString("(")
	if n.Star {
		b.WriteString("*")
	}
	if n.Distinct {
		b.WriteString("DISTINCT ")
	}
	for i, a := range n.Args {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.String())
	}
	b.WriteString(")")
	return b.String()
}

// String prints the operation as SQL. Operands print as parsed: grouping
// the user wrote is kept as *Paren, and the tree the parser builds follows
// SQL precedence, so no parentheses are added here.
func (n *Binary) String() string {
	return n.Left.String() + " " + n.Op + " " + n.Right.String()
}

// String prints the operation as SQL.
func (n *Unary) String() string {
	if n.Op == "NOT" {
		return "NOT " + n.X.String()
	}
	x := n.X.String()
	if strings.HasPrefix(x, "-") {
		return n.Op + " " + x // "--" would start a comment
	}
	return n.Op + x
}

// String prints the predicate as SQL.
func (n *In) String() string {
	var b strings.Builder
	b.WriteString(n.X.String())
	if n.Not {
		b.WriteString(" NOT")
	}
	b.WriteString(" IN (")
	for i, e := range n.List {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(e.String())
	}
	b.WriteString(")")
	return b.String()
}

// String prints the predicate as SQL.
func (n *Between) String() string {
	not := ""
	if n.Not {
		not = " NOT"
	}
	return n.X.String() + not + " BETWEEN " + n.Lo.String() + " AND " + n.Hi.String()
}

// String prints the predicate as SQL.
func (n *IsNull) String() string {
	if n.Not {
		return n.X.String() + " IS NOT NULL"
	}
	return n.X.String() + " IS NULL"
}

// String prints the expression in parentheses.
func (n *Paren) String() string { return "(" + n.X.String() + ")" }
