package lang

import (
	"errors"
	"strings"
	"testing"
)

// errorCases are bad inputs with the exact error each gives.
var errorCases = []struct{ query, want string }{
	{"VALUES (1, 2), (3)", `1:16: VALUES rows must have the same length: this one has 1 values, the first 2`},
	{"SELECT * FROM kafka('o') AS k(a)", `1:31: kafka() sources have their own column names; they cannot be renamed in the alias`},
	{"SELECT a EXCLUDE (b) FROM t", `1:18: unexpected "(", expected ",", an operator, the next clause or the end of the query`},
	{"SELECT * FROM t GROUP BY ALL, a", `1:29: unexpected ",", expected the next clause or the end of the query`},
	{"SELECT * REPLACE (a) FROM t", `1:20: unexpected ")", expected "AS"`},
	{"VALUES ()", `1:9: unexpected ")", expected an expression`},
	{"SELECT COUNT(* FROM kafka('orders')", `1:16: unexpected "FROM", expected ")"`},
	{"SELECT", `1:7: unexpected end of query, expected a column or expression`},
	{"SELECT FROM kafka('o')", `1:8: unexpected "FROM", expected a column or expression`},
	{"SELECT a FROM", `1:14: unexpected end of query, expected a table, kafka('topic'), a file or (SELECT ...)`},
	{"SELECT a FROM kafka('o'", `1:24: unexpected end of query, expected ")"`},
	{"SELECT a FROM kafka()", `1:15: kafka() needs at least one topic name`},
	{"SELECT a FROM kafka(1)", `1:21: kafka() takes topic names as string literals or parameters, got 1`},
	{"SELECT a FROM kafka('o') WITH (x)", `1:33: unexpected ")", expected "="`},
	{"SELECT a FROM kafka('o') WITH (x = )", `1:36: unexpected ")", expected a value (a string, number, TRUE or FALSE)`},
	{"SELECT a FROM kafka('o') WITH x = 1", `1:31: unexpected "x", expected "("`},
	{"SELECT a, FROM t", `1:11: unexpected "FROM", expected an expression`},
	{"SELECT a FROM t WHERE", `1:22: unexpected end of query, expected an expression`},
	{"SELECT a FROM t WHERE a IN ()", `1:29: unexpected ")", expected an expression`},
	{"SELECT a FROM t WHERE a BETWEEN 1", `1:34: unexpected end of query, expected "AND"`},
	{"SELECT a FROM t WHERE a NOT 1", `1:29: unexpected "1", expected IN, BETWEEN, LIKE or ILIKE`},
	{"SELECT a FROM t GROUP a", `1:23: unexpected "a", expected "BY"`},
	{"SELECT a FROM t LIMIT x", `1:23: unexpected "x", expected an integer`},
	{"SELECT a FROM t LIMIT 99999999999999999999", `1:23: LIMIT must be a non-negative integer, got 99999999999999999999`},
	{"SELECT a FROM t JOIN u", `1:17: INNER JOIN needs ON or USING (or write CROSS JOIN)`},
	{"SELECT a FROM t CROSS JOIN u ON a = b", `1:17: CROSS JOIN takes no ON or USING`},
	{"SELECT CASE WHEN a THEN 1", `1:26: unexpected end of query, expected "END"`},
	{"SELECT CASE END", `1:13: unexpected "END", expected WHEN`},
	{"SELECT CAST(a)", `1:14: unexpected ")", expected "AS"`},
	{"SELECT CAST(a AS)", `1:17: unexpected ")", expected a type name`},
	{"SELECT 'abc", `1:8: unterminated string (a ' without its closing ')`},
	{`SELECT "abc`, `1:8: unterminated quoted name (a " without its closing ")`},
	{"SELECT 1 /* open", `1:10: unterminated comment (a /* without its closing */)`},
	{"SELECT # FROM t", `1:8: unexpected character '#'`},
	{"SELECT a FROM t; SELECT b", `1:18: unexpected "SELECT", expected the end of the query (kq runs one statement at a time)`},
	{"SELECT a b c FROM t", `1:12: unexpected "c", expected ",", an operator, the next clause or the end of the query`},
	{"COPY SELECT 1 TO 'x'", `1:6: unexpected "SELECT", expected "("`},
	{"COPY (SELECT 1) TO x", `1:20: unexpected "x", expected a string`},
	{"CREATE TABLE t SELECT 1", `1:16: unexpected "SELECT", expected "AS"`},
	{"INSERT t SELECT 1", `1:8: unexpected "t", expected "INTO"`},
	{"SHOW", `1:5: unexpected end of query, expected "TOPICS" or "TABLES"`},
	{"SELECT a FROM t UNION", `1:22: unexpected end of query, expected SELECT`},
	{"FROM t SELECT a", `1:1: unexpected "FROM", expected a statement (SELECT, EXPLAIN, COPY, CREATE TABLE, INSERT, SHOW, DESCRIBE)`},
	{"SELECT 1::", `1:11: unexpected end of query, expected a type name`},
	{"SELECT\n  a,\n  b\nFROM kafka('o') LIMIT x", `4:23: unexpected "x", expected an integer`},
	{"(SELECT 1 LIMIT 1) LIMIT 2", `1:26: this parenthesised query already has ORDER BY, LIMIT or OFFSET; wrap it as SELECT * FROM (...)`},
	{"SELECT x::DECIMAL(99999999999999999999)", `1:11: type DECIMAL: parameter 99999999999999999999 is not a non-negative integer`},
	{"", `1:1: empty query, expected a statement (SELECT, EXPLAIN, COPY, CREATE TABLE, INSERT, SHOW, DESCRIBE)`},
	{"-- only a comment", `1:1: empty query, expected a statement (SELECT, EXPLAIN, COPY, CREATE TABLE, INSERT, SHOW, DESCRIBE)`},
	{"SELECT CASE WHEN", `1:17: unexpected end of query, expected an expression`},
	{"SELECT CASE WHEN a", `1:19: unexpected end of query, expected "THEN"`},
	{"WITH over AS (SELECT 1) SELECT 1", `1:6: unexpected "over", expected a name`},
	{"SELECT (((1", `1:12: unexpected end of query, expected ")", "," or an operator`},
	{"SELECT a FROM t ORDER BY a NULLS MIDDLE", `1:34: unexpected "MIDDLE", expected "FIRST" or "LAST"`},
	{"SELECT {'a' 1}", `1:13: unexpected "1", expected ":"`},
	{"SELECT [1, 2", `1:13: unexpected end of query, expected "]"`},
	{"SELECT * FROM kafka('orders') LIMT 5", `1:31: "LIMT" is not a keyword here (did you mean LIMIT?)`},
	{"SELECT *\nFROM kafka('orders') o\nWEHRE offset > 5", `3:1: "WEHRE" is not a keyword here (did you mean WHERE?)`},
	{"SELECT * FROM kafka('o') QUALIFI row_number() OVER () = 1", `1:26: "QUALIFI" is not a keyword here (did you mean QUALIFY?)`},
	{"SELECT key FROM kafka('o') ORDR BY key", `1:28: "ORDR" is not a keyword here (did you mean ORDER?)`},
	{"SELECT * FROM kafka('o') QUALIFY", `1:33: unexpected end of query, expected an expression`},
	{"SELECT * FROM kafka('o') QUALIFY row_number() OVER (ORDER BY offset) <= 3 WHERE offset > 1", `1:75: unexpected "WHERE", expected ",", an operator, the next clause or the end of the query`},
	{"SELECT * FROM kafka('o') QUALIFY x HAVING y", `1:36: unexpected "HAVING", expected ",", an operator, the next clause or the end of the query`},
	{"SELECT qualify FROM t", `1:8: unexpected "qualify", expected a column or expression`},
	{"SELECT INTERVAL 5", `1:18: unexpected end of query, expected a unit such as DAY or HOUR`},
}

func TestParseErrors(t *testing.T) {
	for _, tc := range errorCases {
		_, err := Parse(tc.query)
		if err == nil {
			t.Errorf("Parse(%q) succeeded", tc.query)
			continue
		}
		var lerr *Error
		if !errors.As(err, &lerr) {
			t.Errorf("Parse(%q): %T is not a *Error", tc.query, err)
		}
		if err.Error() != tc.want {
			t.Errorf("Parse(%q)\n got %s\nwant %s", tc.query, err, tc.want)
		}
	}
}

func TestCaret(t *testing.T) {
	for _, tc := range []struct{ q, caret string }{
		{"SELECT COUNT(* FROM kafka('orders')", "SELECT COUNT(* FROM kafka('orders')\n               ^"},
		{"SELECT *\nFROM kafka('o') LIMIT x", "FROM kafka('o') LIMIT x\n                      ^"},
		{"SELECT *\n\tFROM kafka('o') LIMIT x", "\tFROM kafka('o') LIMIT x\n\t                      ^"},
		{"SELECT a FROM", "SELECT a FROM\n             ^"},
		{"SELECT a FROM   \n\n  -- nothing\n", "SELECT a FROM   \n             ^"},
		{"SELECT 'a\nb' ||", "b' ||\n     ^"},
	} {
		_, err := Parse(tc.q)
		if got := Caret(tc.q, err); got != tc.caret {
			t.Errorf("Caret for %q:\n%s\nwant\n%s", tc.q, got, tc.caret)
		}
	}
	// A long line shows a window of caretWidth runes around the column.
	long := "SELECT " + strings.Repeat("a + ", 100) + "FROM FROM"
	_, err := Parse(long)
	got := Caret(long, err)
	line, caret, _ := strings.Cut(got, "\n")
	if want := "..." + long[len(long)-caretWidth:]; line != want || caret != strings.Repeat(" ", strings.Index(line, "FROM FROM"))+"^" {
		t.Errorf("Caret of a long line:\n%s\nwant the line\n%s\nand the caret under the first FROM", got, want)
	}
	if Caret("x", errors.New("plain")) != "" {
		t.Error("Caret of a plain error should be empty")
	}
}

func TestLimits(t *testing.T) {
	deep := func(n int) string { return "SELECT " + strings.Repeat("(", n) + "1" + strings.Repeat(")", n) }
	for _, tc := range []struct {
		name, q, want string
	}{
		{"too long", "SELECT '" + strings.Repeat("x", MaxQueryBytes) + "'", "1:1: query is 1048585 bytes long, more than the limit of 1048576"},
		{"parentheses", deep(MaxDepth + 1), "1:208: query is nested more than 200 levels deep"},
		{"NOT run", "SELECT " + strings.Repeat("NOT ", 1000) + "TRUE", "1:808: query is nested more than 200 levels deep"},
		{"minus run", "SELECT " + strings.Repeat("- ", 300) + "1", "1:408: query is nested more than 200 levels deep"},
		{"CASE nesting", "SELECT " + strings.Repeat("CASE WHEN TRUE THEN ", 250) + "1" + strings.Repeat(" END", 250), "1:4008: query is nested more than 200 levels deep"},
		{"long chain", "SELECT 1" + strings.Repeat(" + 1", 1200), "1:8: expression is nested more than 1000 levels deep; split long operator chains"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.q)
			if err == nil || err.Error() != tc.want {
				t.Errorf("got %v, want %s", err, tc.want)
			}
		})
	}
	// Just inside the limits parses and round-trips.
	for _, q := range []string{deep(MaxDepth - 1), "SELECT 1" + strings.Repeat(" + 1", 900)} {
		s := mustParse(t, q)
		if s2 := mustParse(t, s.String()); !Equal(s, s2) {
			t.Errorf("round trip of a deep query failed")
		}
	}
}
