package lang

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
)

func TestRenderText(t *testing.T) {
	src := func(k *KafkaSource) string {
		s := QuoteIdent("kq_" + k.Topics[0])
		if k.Alias != "" {
			s += " AS " + QuoteIdent(k.Alias)
		}
		return s
	}
	for _, tc := range []struct{ q, want string }{
		{"SELECT key, count(*) AS n FROM kafka('orders') WITH (minPartitions = 8) o WHERE o.offset > 1 + 2 * 3 GROUP BY key",
			`SELECT "key", count(*) AS "n" FROM kq_orders AS o WHERE "o"."offset" > (1 + (2 * 3)) GROUP BY "key"`},
		{"SELECT a FROM kafka('a') JOIN read_parquet('p.parquet') p ON a.k = p.k",
			`SELECT "a" FROM kq_a JOIN read_parquet('p.parquet') AS "p" ON "a"."k" = "p"."k"`},
		{"SELECT NOT a = b, -x::INT, 'a' || 1 + 2", `SELECT NOT ("a" = "b"), -("x"::INT), 'a' || (1 + 2)`},
		{"SELECT \"we\"\"ird\" FROM 'x''.csv'", `SELECT "we""ird" FROM 'x''.csv'`},
		{"SELECT 1 UNION SELECT 2 INTERSECT SELECT 3", "SELECT 1 UNION (SELECT 2 INTERSECT SELECT 3)"},
		{"COPY (SELECT * FROM kafka('o')) TO 'o.parquet' (FORMAT parquet)", `COPY (SELECT * FROM kq_o) TO 'o.parquet' (FORMAT 'parquet')`},
		{"CREATE TABLE t AS SELECT 1", `CREATE TABLE "t" AS SELECT 1`},
	} {
		s := mustParse(t, tc.q)
		got, err := Render(s, RenderOptions{Source: src})
		if err != nil {
			t.Errorf("Render(%q): %v", tc.q, err)
			continue
		}
		if got != tc.want {
			t.Errorf("Render(%q)\n got %s\nwant %s", tc.q, got, tc.want)
		}
	}
}

func TestRenderRejects(t *testing.T) {
	a := &Ident{Parts: []string{"a"}}
	sel := func(e Expr) *Select { return &Select{Items: []*SelectItem{{Expr: e}}} }
	for _, tc := range []struct {
		stmt Statement
		want string
	}{
		{sel(&Binary{Op: "; DROP TABLE x; --", Left: a, Right: a}), `cannot render: operator "; DROP TABLE x; --"`},
		{sel(&Literal{Kind: LitInt, Value: "1; DROP TABLE x"}), `cannot render: integer "1; DROP TABLE x"`},
		{sel(&Literal{Kind: LitBool, Value: "yes"}), `cannot render: boolean "yes"`},
		{sel(&Cast{X: a, Type: &Type{Name: "INT); DROP TABLE x; --"}}), `cannot render: type name "INT); DROP TABLE x; --"`},
		{sel(&Unary{Op: "!", X: a}), `cannot render: unary operator "!"`},
		{&Select{Items: []*SelectItem{{Star: true}}, From: []TableExpr{&KafkaSource{Topics: []string{"o"}}}}, `cannot render: no replacement for kafka('o')`},
		{sel(nil), `cannot render: the tree has a nil node where one is required`},
		{sel(&Binary{Op: "+", Left: a, Right: (*Ident)(nil)}), `cannot render: the tree has a nil node where one is required`},
		{&Explain{Stmt: (*Select)(nil)}, `cannot render: the tree has a nil node where one is required`},
		{sel(&Case{Whens: []*When{nil}}), `cannot render: the tree has a nil node where one is required`},
		{&Select{Items: []*SelectItem{{Star: true}}, From: []TableExpr{&Join{Kind: "SIDEWAYS", Left: &Table{Name: []string{"a"}}, Right: &Table{Name: []string{"b"}}}}}, `cannot render: join kind "SIDEWAYS"`},
	} {
		_, err := Render(tc.stmt, RenderOptions{})
		if err == nil || !strings.HasSuffix(err.Error(), tc.want) {
			t.Errorf("Render(%s): %v, want %s", tc.stmt, err, tc.want)
		}
	}
	// Names are quoted, never spliced: a hostile alias stays one name.
	s := &Select{Items: []*SelectItem{{Expr: a, Alias: `x" FROM t; DROP TABLE t; --`}}}
	got, err := Render(s, RenderOptions{})
	if err != nil || got != `SELECT "a" AS "x"" FROM t; DROP TABLE t; --"` {
		t.Errorf("hostile alias rendered as %s (%v)", got, err)
	}
}

// TestRenderRunsInDuckDB runs rendered statements in DuckDB and checks that
// they mean what the user's text means there: for each query, the original
// text and the rendered text must give the same rows.
func TestRenderRunsInDuckDB(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, stmt := range []string{
		`CREATE TABLE kq_orders AS SELECT i AS "offset", i % 3 AS "partition", 'k' || (i % 4) AS "key", '{"amount": ' || i || ', "country": "' || (CASE WHEN i % 2 = 0 THEN 'DE' ELSE 'FR' END) || '"}' AS "value" FROM range(20) t(i)`,
		`CREATE TABLE customers AS SELECT 'k' || i AS id, 'name ' || i AS name FROM range(4) t(i)`,
		`CREATE TABLE "we""ird" AS SELECT 1 AS "col ""x"""`,
		`CREATE TABLE lists AS SELECT [1, 2, 3] AS l, MAP {'a': 5} AS m`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	src := func(k *KafkaSource) string {
		s := QuoteIdent("kq_" + k.Topics[0])
		if k.Alias != "" {
			s += " AS " + QuoteIdent(k.Alias)
		}
		return s
	}
	for _, tc := range []struct{ kq, duck string }{
		{"SELECT 1 + 2 * 3 - 4 / 2, 2 * (3 + 4), - -1, 10 % 3", ""},
		{"SELECT 'a' || 1 + 2, (1 < 2) = TRUE, NOT 1 = 2, NOT FALSE AND FALSE, TRUE OR FALSE AND FALSE", ""},
		{"SELECT 2 BETWEEN 1 AND 3 AND TRUE, 1 IN (1, 2) = TRUE, NULL IS NULL, 'abc' LIKE 'a%', 'ABC' ILIKE 'a%', 'x' NOT LIKE 'y'", ""},
		{"SELECT CASE WHEN 1 > 2 THEN 'a' WHEN 2 > 1 THEN 'b' END, CASE 2 WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'many' END", ""},
		{"SELECT CAST('1.50' AS DECIMAL(10, 2)), '7'::INTEGER + 1, -'2'::INT, TRY_CAST('x' AS INT), CAST(NULL AS INT[]) IS NULL", ""},
		{"SELECT TIMESTAMP '2024-01-02 03:04:05' + INTERVAL '1 day', DATE '2024-01-01' + INTERVAL 2 DAYS", ""},
		{`SELECT '{"a": {"b": 1}}'::JSON -> 'a' ->> 'b', '{"a": 2}'::JSON ->> 'a' = '2'`, ""},
		{"SELECT key, count(*) AS n, sum(offset) FROM kafka('orders') WHERE partition IN (0, 1) AND offset >= 2 GROUP BY key HAVING count(*) > 1 ORDER BY key DESC NULLS LAST LIMIT 3 OFFSET 1",
			`SELECT key, count(*) AS n, sum("offset") FROM kq_orders WHERE "partition" IN (0, 1) AND "offset" >= 2 GROUP BY key HAVING count(*) > 1 ORDER BY key DESC NULLS LAST LIMIT 3 OFFSET 1`},
		{"SELECT o.key, c.name, o.value->>'country' AS country FROM kafka('orders') AS o JOIN customers AS c ON o.key = c.id WHERE o.offset < 6 ORDER BY o.offset",
			`SELECT o.key, c.name, o.value::JSON->>'country' AS country FROM kq_orders AS o JOIN customers AS c ON o.key = c.id WHERE o."offset" < 6 ORDER BY o."offset"`},
		{"WITH t AS (SELECT DISTINCT key FROM kafka('orders')) SELECT count(*) FROM t UNION ALL SELECT 7 ORDER BY 1",
			"WITH t AS (SELECT DISTINCT key FROM kq_orders) SELECT count(*) FROM t UNION ALL SELECT 7 ORDER BY 1"},
		{"SELECT key, offset, row_number() OVER (PARTITION BY key ORDER BY offset DESC) AS rn, sum(offset) OVER (ORDER BY offset ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM kafka('orders') AS k ORDER BY offset LIMIT 5",
			`SELECT key, "offset", row_number() OVER (PARTITION BY key ORDER BY "offset" DESC) AS rn, sum("offset") OVER (ORDER BY "offset" ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM kq_orders AS k ORDER BY "offset" LIMIT 5`},
		{"SELECT count(*) FILTER (WHERE partition = 0), count(DISTINCT key), max((SELECT count(*) FROM customers)) FROM kafka('orders') WHERE EXISTS (SELECT 1 FROM customers WHERE id = key) AND key NOT IN (SELECT id FROM customers WHERE id = 'k3')",
			`SELECT count(*) FILTER (WHERE "partition" = 0), count(DISTINCT key), max((SELECT count(*) FROM customers)) FROM kq_orders WHERE EXISTS (SELECT 1 FROM customers WHERE id = key) AND key NOT IN (SELECT id FROM customers WHERE id = 'k3')`},
		{`SELECT "col ""x""" FROM "we""ird"`, ""},
		{"SELECT x FROM (SELECT offset AS x FROM kafka('orders') LIMIT 2) AS s CROSS JOIN customers AS c WHERE c.id = 'k1' ORDER BY x", `SELECT x FROM (SELECT "offset" AS x FROM kq_orders LIMIT 2) AS s CROSS JOIN customers AS c WHERE c.id = 'k1' ORDER BY x`},
		{"SELECT l[2], l[1 + 2] * 10, m['a'] FROM lists AS t", ""},
		{"SELECT [1, 2, 3][2], {'a': 1, 'b c': [2]}['b c'][1], 1 IS DISTINCT FROM NULL, NULL IS NOT DISTINCT FROM NULL AND TRUE", ""},
		{"SELECT string_agg(key, ',' ORDER BY offset DESC) FROM kafka('orders') WHERE offset < 4", `SELECT string_agg(key, ',' ORDER BY "offset" DESC) FROM kq_orders WHERE "offset" < 4`},
	} {
		s, err := Parse(tc.kq)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.kq, err)
			continue
		}
		rendered, err := Render(s, RenderOptions{Source: src})
		if err != nil {
			t.Errorf("Render(%q): %v", tc.kq, err)
			continue
		}
		duck := tc.duck
		if duck == "" {
			duck = tc.kq
		}
		got, err := rows(db, rendered)
		if err != nil {
			t.Errorf("DuckDB rejected the rendering of %q:\n%s\n%v", tc.kq, rendered, err)
			continue
		}
		want, err := rows(db, duck)
		if err != nil {
			t.Fatalf("reference %q: %v", duck, err)
		}
		if got != want {
			t.Errorf("%q rendered as\n%s\ngives %s, DuckDB's reading of the text gives %s", tc.kq, rendered, got, want)
		}
	}
}

func rows(db *sql.DB, q string) (string, error) {
	rs, err := db.Query(q)
	if err != nil {
		return "", err
	}
	defer rs.Close()
	cols, _ := rs.Columns()
	var b strings.Builder
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "%v;", vals)
	}
	return b.String(), rs.Err()
}

// TestRenderOptions: ItemNames names unaliased items by ItemName in
// every SELECT; Text renders casts to a text type so that a BLOB operand
// becomes UTF-8 text, other casts as written.
func TestRenderOptions(t *testing.T) {
	opts := RenderOptions{ItemNames: true, Text: "kq_text"}
	for _, tc := range []struct{ q, want string }{
		{"SELECT COUNT(*), o.status, value.amount, amount * 2, x AS y FROM t AS o",
			`SELECT COUNT(*) AS "COUNT(*)", "o"."status", "value"."amount", "amount" * 2 AS "amount * 2", "x" AS "y" FROM "t" AS "o"`},
		{"SELECT * FROM (SELECT count(*) FROM t) AS s", `SELECT * FROM (SELECT count(*) AS "count(*)" FROM "t") AS "s"`},
		{"SELECT CAST(v AS STRING) FROM t",
			`SELECT CASE WHEN typeof("v") = 'BLOB' THEN coalesce(try(decode(TRY_CAST("v" AS BLOB))), kq_text(TRY_CAST("v" AS BLOB))) ELSE CAST("v" AS STRING) END AS "CAST(v AS STRING)" FROM "t"`},
		{"SELECT v::VARCHAR ->> 'a' AS a, TRY_CAST(v AS TEXT) AS b, CAST(v AS INT) AS c, v::VARCHAR[] AS d FROM t",
			`SELECT (CASE WHEN typeof("v") = 'BLOB' THEN coalesce(try(decode(TRY_CAST("v" AS BLOB))), kq_text(TRY_CAST("v" AS BLOB))) ELSE CAST("v" AS VARCHAR) END) ->> 'a' AS "a", ` +
				`CASE WHEN typeof("v") = 'BLOB' THEN coalesce(try(decode(TRY_CAST("v" AS BLOB))), kq_text(TRY_CAST("v" AS BLOB))) ELSE TRY_CAST("v" AS TEXT) END AS "b", CAST("v" AS INT) AS "c", "v"::VARCHAR[] AS "d" FROM "t"`},
	} {
		got, err := Render(mustParse(t, tc.q), opts)
		if err != nil {
			t.Errorf("Render(%q): %v", tc.q, err)
			continue
		}
		if got != tc.want {
			t.Errorf("Render(%q)\n got %s\nwant %s", tc.q, got, tc.want)
		}
	}
	if _, err := Render(mustParse(t, "SELECT CAST(v AS VARCHAR)"), RenderOptions{Text: "f(); DROP TABLE x"}); err == nil {
		t.Error("a text function name that is not a name was rendered")
	}
}

// TestRenderHidden: a star that reaches a kafka() source with hidden
// columns leaves them out with EXCLUDE, qualified by the source's name;
// name.* only for its own source; stars of other SELECTs are untouched.
func TestRenderHidden(t *testing.T) {
	opts := RenderOptions{
		Source: func(k *KafkaSource) string { return QuoteName("v_"+k.Topics[0]) + " AS " + QuoteName(k.Alias) },
		Hidden: func(k *KafkaSource) (string, []string) {
			if k.Topics[0] == "raw" {
				return k.Alias, nil
			}
			return k.Alias, []string{"value"}
		},
	}
	for _, tc := range []struct{ q, want string }{
		{"SELECT * FROM kafka('o') AS o", `SELECT * EXCLUDE ("o"."value") FROM "v_o" AS "o"`},
		{"SELECT o.*, r.* FROM kafka('o') AS o JOIN kafka('raw') AS r ON true", `SELECT "o".* EXCLUDE ("o"."value"), "r".* FROM "v_o" AS "o" JOIN "v_raw" AS "r" ON TRUE`},
		{"SELECT * FROM kafka('o') AS o, kafka('p') AS p", `SELECT * EXCLUDE ("o"."value", "p"."value") FROM "v_o" AS "o", "v_p" AS "p"`},
		{"SELECT * FROM (SELECT * FROM kafka('o') AS o) AS s", `SELECT * FROM (SELECT * EXCLUDE ("o"."value") FROM "v_o" AS "o") AS "s"`},
	} {
		got, err := Render(mustParse(t, tc.q), opts)
		if err != nil {
			t.Errorf("Render(%q): %v", tc.q, err)
			continue
		}
		if got != tc.want {
			t.Errorf("Render(%q)\n got %s\nwant %s", tc.q, got, tc.want)
		}
	}
}

// TestRenderMappedPos: an offset in the rendered SQL maps back to the
// node of the query whose text it is in.
func TestRenderMappedPos(t *testing.T) {
	q := "SELECT a,\n  b + 'x' FROM kafka('o') AS o WHERE o.c > 1"
	r, err := RenderMapped(mustParse(t, q), RenderOptions{Source: func(*KafkaSource) string { return `"v" AS "o"` }})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		at        string // the rendered text the offset starts
		line, col int
	}{
		{`"a"`, 1, 8}, {`"b"`, 2, 3}, {`'x'`, 2, 7}, {`"v" AS`, 2, 16}, {`"o"."c"`, 2, 38}, {`1`, 2, 44},
	} {
		off := strings.Index(r.SQL, tc.at)
		pos, ok := r.Pos(off)
		if off < 0 || !ok || pos.Line != tc.line || pos.Column != tc.col {
			t.Errorf("%s at %d in %s: %d:%d (%v), want %d:%d", tc.at, off, r.SQL, pos.Line, pos.Column, ok, tc.line, tc.col)
		}
	}
	if _, ok := r.Pos(len(r.SQL) + 1); ok {
		t.Error("an offset past the end mapped")
	}
}
