package lang

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func mustParse(t *testing.T, q string) Statement {
	t.Helper()
	s, err := Parse(q)
	if err != nil {
		t.Fatalf("Parse(%q): %v", q, err)
	}
	return s
}

func firstItem(t *testing.T, q string) Expr {
	t.Helper()
	return mustParse(t, q).(*Select).Items[0].Expr
}

func TestPrecedenceTree(t *testing.T) {
	for _, tc := range []struct{ q, tree string }{
		{"SELECT 1 + 2 * 3", "(+ 1 (* 2 3))"},
		{"SELECT 1 - 2 - 3", "(- (- 1 2) 3)"},
		{"SELECT a OR b AND c", "(OR a (AND b c))"},
		{"SELECT NOT a = b", "(NOT (= a b))"},
		{"SELECT a = 1 AND b LIKE 'x' OR c IS NULL", "(OR (AND (= a 1) (LIKE b 'x')) (isnull c))"},
		{"SELECT 'a' || 1 + 2", "(|| 'a' (+ 1 2))"},
		{"SELECT v -> 'a' ->> 'b' = 'c'", "(= (->> (-> v 'a') 'b') 'c')"},
		{"SELECT -x::INT", "(- (cast x INT))"},
		{"SELECT -a * b", "(* (- a) b)"},
		{"SELECT a BETWEEN 1 + 1 AND 3 AND b", "(AND (between a (+ 1 1) 3) b)"},
		{"SELECT a IN (1, 2) = TRUE", "(= (in a 1 2) TRUE)"},
		{"SELECT l[1 + 1]::INT", "(cast (index l (+ 1 1)) INT)"},
	} {
		if got := sexpr(firstItem(t, tc.q)); got != tc.tree {
			t.Errorf("%s\n got %s\nwant %s", tc.q, got, tc.tree)
		}
	}
}

// sexpr prints an expression tree as an s-expression, to check shapes.
func sexpr(e Expr) string {
	switch e := e.(type) {
	case *Binary:
		return "(" + e.Op + " " + sexpr(e.Left) + " " + sexpr(e.Right) + ")"
	case *Unary:
		return "(" + e.Op + " " + sexpr(e.X) + ")"
	case *IsNull:
		return "(isnull " + sexpr(e.X) + ")"
	case *Between:
		return "(between " + sexpr(e.X) + " " + sexpr(e.Lo) + " " + sexpr(e.Hi) + ")"
	case *In:
		parts := []string{"in", sexpr(e.X)}
		for _, x := range e.List {
			parts = append(parts, sexpr(x))
		}
		return "(" + strings.Join(parts, " ") + ")"
	case *Cast:
		return "(cast " + sexpr(e.X) + " " + e.Type.String() + ")"
	case *Index:
		return "(index " + sexpr(e.X) + " " + sexpr(e.Index) + ")"
	default:
		return e.String()
	}
}

func TestPositions(t *testing.T) {
	q := "SELECT key,\n  COUNT(*) AS n\nFROM kafka('orders') WITH (minPartitions = 8) AS o\nWHERE o.offset > 10"
	sel := mustParse(t, q).(*Select)
	check := func(what string, n Node, line, col int) {
		t.Helper()
		if p := n.Position(); p.Line != line || p.Column != col {
			t.Errorf("%s at %d:%d, want %d:%d", what, p.Line, p.Column, line, col)
		}
	}
	check("select", sel, 1, 1)
	check("item 0", sel.Items[0], 1, 8)
	check("count", sel.Items[1].Expr, 2, 3)
	k := sel.From[0].(*KafkaSource)
	check("kafka", k, 3, 6)
	check("option", k.Options[0], 3, 28)
	check("option value", k.Options[0].Value, 3, 44)
	check("where", sel.Where, 4, 7)
	check("where right", sel.Where.(*Binary).Right, 4, 18)
	if got := sel.Where.(*Binary).Left.(*Ident).Parts; len(got) != 2 || got[0] != "o" || got[1] != "offset" {
		t.Errorf("where left parts %q", got)
	}
	if k.Alias != "o" || len(k.Topics) != 1 || k.Topics[0] != "orders" || k.Options[0].Key != "minPartitions" || k.Options[0].Value.Kind != LitInt {
		t.Errorf("kafka source %+v", k)
	}
}

func TestShapes(t *testing.T) {
	s := mustParse(t, "SELECT 1 FROM kafka('a', 'b,c') WITH (kafka.sasl.mechanism = 'PLAIN') k LEFT JOIN t USING (id), 'x.parquet'")
	sel := s.(*Select)
	j := sel.From[0].(*Join)
	if j.Kind != "LEFT" || len(j.Using) != 1 || j.Using[0] != "id" {
		t.Errorf("join %+v", j)
	}
	k := j.Left.(*KafkaSource)
	if strings.Join(k.Topics, "|") != "a|b,c" || k.Options[0].Key != "kafka.sasl.mechanism" || k.Alias != "k" {
		t.Errorf("kafka %+v", k)
	}
	if f := sel.From[1].(*FileTable); f.Path != "x.parquet" {
		t.Errorf("file %+v", f)
	}

	u := mustParse(t, "SELECT 1 UNION ALL SELECT 2 INTERSECT SELECT 3 LIMIT 1").(*SetOp)
	if u.Op != "UNION" || !u.All || *u.Limit != 1 {
		t.Errorf("union %+v", u)
	}
	if r := u.Right.(*SetOp); r.Op != "INTERSECT" || r.All {
		t.Errorf("intersect %+v", r)
	}

	c := mustParse(t, "COPY (SELECT 1) TO 'o.parquet' (FORMAT parquet, PER_TASK true, HEADER)").(*Copy)
	if c.Path != "o.parquet" || c.Options[0].Value.Value != "parquet" || c.Options[1].Value.Kind != LitBool || c.Options[2].Value != nil {
		t.Errorf("copy %+v", c)
	}
	c = mustParse(t, `COPY (SELECT 1) TO 'd/' (PARTITION_BY (dt, "Country"), PARTITION_BY one)`).(*Copy)
	if o := c.Options[0]; o.Value != nil || !slices.Equal(o.Names, []string{"dt", "Country"}) || c.Options[1].Value.Value != "one" {
		t.Errorf("copy %+v", c.Options[0])
	}
	if got := c.String(); got != `COPY (SELECT 1) TO 'd/' (PARTITION_BY (dt, "Country"), PARTITION_BY one)` {
		t.Errorf("printed %s", got)
	}

	ct := firstItem(t, "SELECT CAST(x AS DECIMAL(10,2)[])").(*Cast)
	if ct.Type.Name != "DECIMAL" || len(ct.Type.Args) != 2 || ct.Type.Args[1] != 2 || ct.Type.Lists != 1 || ct.Short || ct.Try {
		t.Errorf("cast %+v %+v", ct, ct.Type)
	}
	lit := firstItem(t, "SELECT TIMESTAMP '2024-01-01'").(*Literal)
	if lit.Kind != LitTimestamp || lit.Value != "2024-01-01" {
		t.Errorf("timestamp %+v", lit)
	}
	call := firstItem(t, "SELECT COUNT(DISTINCT x)").(*Call)
	if !call.Distinct || len(call.Args) != 1 || call.Star {
		t.Errorf("count distinct %+v", call)
	}
	if _, ok := mustParse(t, "EXPLAIN SHOW TOPICS").(*Explain).Stmt.(*Show); !ok {
		t.Error("EXPLAIN SHOW TOPICS")
	}
}

// TestPrintCodeBuilt prints trees built by code (not by the parser), whose
// operands may bind more loosely than their operator: printing must add
// the parentheses that keep the tree.
func TestPrintCodeBuilt(t *testing.T) {
	a, b, c := &Ident{Parts: []string{"a"}}, &Ident{Parts: []string{"b"}}, &Ident{Parts: []string{"c"}}
	bin := func(op string, l, r Expr) *Binary { return &Binary{Op: op, Left: l, Right: r} }
	for _, tc := range []struct {
		e    Expr
		want string
	}{
		{bin("*", bin("+", a, b), c), "(a + b) * c"},
		{bin("-", a, bin("-", b, c)), "a - (b - c)"},
		{bin("-", bin("-", a, b), c), "a - b - c"},
		{bin("AND", bin("OR", a, b), c), "(a OR b) AND c"},
		{bin("=", a, bin("=", b, c)), "a = (b = c)"},
		{bin("||", a, bin("=", b, c)), "a || (b = c)"},
		{&Unary{Op: "NOT", X: bin("AND", a, b)}, "NOT (a AND b)"},
		{&Unary{Op: "-", X: bin("+", a, b)}, "-(a + b)"},
		{&Unary{Op: "-", X: &Unary{Op: "-", X: a}}, "- -a"},
		{&Unary{Op: "-", X: &Literal{Kind: LitInt, Value: "-1"}}, "- -1"},
		{&Cast{X: bin("+", a, b), Type: &Type{Name: "INT"}, Short: true}, "(a + b)::INT"},
		{&Index{X: &Unary{Op: "-", X: a}, Index: b}, "(-a)[b]"},
		{&Between{X: bin("OR", a, b), Lo: bin("AND", a, b), Hi: c}, "(a OR b) BETWEEN (a AND b) AND c"},
		{&IsNull{X: bin("AND", a, b), Not: true}, "(a AND b) IS NOT NULL"},
		{&In{X: bin("OR", a, b), List: []Expr{bin("OR", a, b)}}, "(a OR b) IN (a OR b)"},
		{bin("=", a, &Unary{Op: "NOT", X: b}), "a = (NOT b)"},
		{bin("LIKE", a, bin("=", b, c)), "a LIKE (b = c)"},
	} {
		got := tc.e.String()
		if got != tc.want {
			t.Errorf("got %s, want %s", got, tc.want)
		}
		// What prints must parse back to the same grouping.
		back := firstItem(t, "SELECT "+got)
		if got2 := back.String(); got2 != got {
			t.Errorf("reparse of %s printed %s", got, got2)
		}
	}
}

func TestEqual(t *testing.T) {
	a := mustParse(t, "SELECT a + 1 FROM t WHERE b")
	b := mustParse(t, "select   a+1\nfrom t where b")
	if !Equal(a, b) {
		t.Error("same query with other spacing is not Equal")
	}
	for _, other := range []string{"SELECT a + 2 FROM t WHERE b", "SELECT a + 1 FROM t", "SELECT A + 1 FROM t WHERE b", "SELECT (a + 1) FROM t WHERE b"} {
		if Equal(a, mustParse(t, other)) {
			t.Errorf("%q Equal to %q", other, a)
		}
	}
	if !Equal(nil, nil) || Equal(a, nil) {
		t.Error("nil handling")
	}
}

// TestKeywordsCoverGrammar: every word the grammar matches literally is
// one of Keywords (what the REPL completes), kafka aside.
func TestKeywordsCoverGrammar(t *testing.T) {
	kw := map[string]bool{}
	for _, k := range Keywords() {
		kw[k] = true
	}
	for _, file := range []string{"grammar.go", "grammar_expr.go"} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`'([A-Za-z_]+)'`).FindAllStringSubmatch(string(b), -1) {
			if w := m[1]; w != "kafka" && !kw[w] {
				t.Errorf("%s: %s is not among Keywords()", file, w)
			}
		}
	}
}

// TestPositionsDuckDBForms: the nodes of DuckDB's forms carry where they
// start, and every node of them has a position.
func TestPositionsDuckDBForms(t *testing.T) {
	check := func(what string, n Node, line, col int) {
		t.Helper()
		if p := n.Position(); p.Line != line || p.Column != col {
			t.Errorf("%s at %d:%d, want %d:%d", what, p.Line, p.Column, line, col)
		}
	}
	q := "DESCRIBE SELECT * EXCLUDE (a)\n  REPLACE (b + 1 AS b) FROM (VALUES (1, 2),\n (3, 4)) AS v(a, b) GROUP BY ALL"
	d := mustParse(t, q).(*Describe)
	check("describe", d, 1, 1)
	sel := d.Query.(*Select)
	check("select", sel, 1, 10)
	check("star", sel.Items[0], 1, 17)
	check("replace", sel.Items[0].Replace[0], 2, 12)
	check("replace expr", sel.Items[0].Replace[0].Expr, 2, 12)
	src := sel.From[0].(*SubquerySource)
	check("values source", src, 2, 29)
	v := src.Query.(*Values)
	check("values", v, 2, 30)
	check("second row", v.Rows[1][0], 3, 3)
	if !sel.GroupByAll || len(src.AliasColumns) != 2 || sel.Items[0].Exclude[0] != "a" {
		t.Errorf("shape: %+v %+v", sel, src)
	}
	Inspect(d, func(n Node) bool {
		if p := n.Position(); p.Line < 1 || p.Column < 1 {
			t.Errorf("%T %s has no position", n, n)
		}
		return true
	})
}
