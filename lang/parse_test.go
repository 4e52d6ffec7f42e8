package lang

import (
	"testing"
)

// parseCases covers every statement and expression form. want is the
// canonical print; "" means the query prints back unchanged. The fuzz
// target seeds from these too.
var parseCases = []struct {
	name, query, want string
}{
	// Statements.
	{"positional params", "SELECT * FROM kafka(?) WITH (valueFormat = ?) WHERE status = ? AND timestamp >= ?", ""},
	{"numbered params", "SELECT $2 AS a, $1 + $2 FROM kafka('o', $3) WHERE offset BETWEEN $1 AND $2", ""},
	{"param in copy option", "COPY (SELECT key FROM kafka('o') WHERE partition IN (?, ?)) TO 'x.parquet' (COMPRESSION ?)", ""},
	{"select count", "SELECT COUNT(*) FROM kafka('orders') WITH (minPartitions = 8)", ""},
	{"select distinct", "SELECT DISTINCT key FROM kafka('o')", ""},
	{"select all", "SELECT ALL key FROM kafka('o')", "SELECT key FROM kafka('o')"},
	{"select no from", "SELECT 1", ""},
	{"select star qualified", "SELECT o.*, p.amount FROM kafka('o') AS o, kafka('p') AS p", ""},
	{"aliases", "SELECT a AS x, b y, c \"Z z\" FROM t", "SELECT a AS x, b AS y, c AS \"Z z\" FROM t"},
	{"alias offset needs AS", "SELECT offset AS offset FROM kafka('o')", ""},
	{"where group having order limit offset",
		"SELECT key, count(*) AS n FROM kafka('o') WHERE partition = 0 GROUP BY key HAVING count(*) > 1 ORDER BY n DESC NULLS LAST, key ASC NULLS FIRST LIMIT 10 OFFSET 5",
		"SELECT key, count(*) AS n FROM kafka('o') WHERE partition = 0 GROUP BY key HAVING count(*) > 1 ORDER BY n DESC NULLS LAST, key NULLS FIRST LIMIT 10 OFFSET 5"},
	{"offset before limit", "SELECT 1 OFFSET 2 LIMIT 3", "SELECT 1 LIMIT 3 OFFSET 2"},
	{"offset alone", "SELECT * FROM kafka('o') OFFSET 3", ""},
	{"lower case keywords", "select count(*) from kafka('o') where offset between 1 and 5 limit 1",
		"SELECT count(*) FROM kafka('o') WHERE offset BETWEEN 1 AND 5 LIMIT 1"},
	{"comments", "SELECT 1 -- one\n/* two */ + 2", "SELECT 1 + 2"},
	{"trailing semicolon", "SELECT 1;", "SELECT 1"},
	{"kafka several topics", "SELECT * FROM kafka('orders', 'payments')", ""},
	{"kafka comma topics", "SELECT * FROM kafka('orders,payments') WITH (startingOffsets = '{\"orders\":{\"0\":23}}', failOnDataLoss = FALSE) AS k", ""},
	{"kafka option forms", "SELECT * FROM kafka('o') WITH (kafka.bootstrap.servers = 'b:9092', kafka.group.id = g, minPartitions = -1, \"odd key\" = 1.5, x = NULL) o",
		"SELECT * FROM kafka('o') WITH (kafka.bootstrap.servers = 'b:9092', kafka.group.id = 'g', minPartitions = -1, \"odd key\" = 1.5, x = NULL) AS o"},
	{"session table", "SELECT * FROM customers AS c", ""},
	{"qualified table", "SELECT * FROM main.customers", ""},
	{"quoted table", "SELECT * FROM \"My Table\" AS \"t\"", "SELECT * FROM \"My Table\" AS t"},
	{"file reader", "SELECT * FROM read_parquet('x.parquet') AS p", ""},
	{"file reader named args", "SELECT * FROM read_csv('x.csv', header = TRUE, delim = ';')", ""},
	{"file string", "SELECT * FROM 'orders.parquet' AS f", ""},
	{"subquery in from", "SELECT n FROM (SELECT count(*) AS n FROM kafka('o')) AS s", ""},
	{"inner join", "SELECT * FROM kafka('o') AS o JOIN customers AS c ON o.key = c.id", ""},
	{"join kinds",
		"SELECT * FROM a INNER JOIN b ON a.x = b.x LEFT OUTER JOIN c USING (x) RIGHT JOIN d ON TRUE FULL OUTER JOIN e USING (x, y) CROSS JOIN f",
		"SELECT * FROM a JOIN b ON a.x = b.x LEFT JOIN c USING (x) RIGHT JOIN d ON TRUE FULL JOIN e USING (x, y) CROSS JOIN f"},
	{"nested join", "SELECT * FROM a JOIN (b JOIN c ON b.x = c.x) ON a.x = b.x", ""},
	{"topic join parquet", "SELECT o.value, p.name FROM kafka('orders') AS o JOIN read_parquet('p.parquet') AS p ON o.key = p.id", ""},
	{"cte", "WITH x AS (SELECT 1 AS a), y(b) AS (SELECT a FROM x) SELECT * FROM y", ""},
	{"recursive cte", "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT n FROM r", ""},
	{"union all", "SELECT key FROM kafka('a') UNION ALL SELECT key FROM kafka('b')", ""},
	{"union except intersect", "SELECT 1 UNION SELECT 2 EXCEPT SELECT 3 INTERSECT ALL SELECT 4", ""},
	{"union distinct", "SELECT 1 UNION DISTINCT SELECT 2", "SELECT 1 UNION SELECT 2"},
	{"union right grouping", "SELECT 1 UNION (SELECT 2 UNION SELECT 3)", ""},
	{"intersect left grouping", "(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3", ""},
	{"union order limit", "SELECT a FROM t UNION ALL SELECT b FROM u ORDER BY 1 LIMIT 5", ""},
	{"union operands with limits", "(SELECT a FROM t LIMIT 1) UNION ALL (SELECT b FROM u ORDER BY b LIMIT 2) ORDER BY 1", ""},
	{"parenthesised query", "(SELECT 1) ORDER BY 1", "SELECT 1 ORDER BY 1"},
	{"cte with union", "WITH x AS (SELECT 1) SELECT * FROM x UNION SELECT 2", ""},
	{"explain", "EXPLAIN SELECT COUNT(*) FROM kafka('orders')", ""},
	{"explain copy", "EXPLAIN COPY (SELECT 1) TO 'x.csv'", ""},
	{"copy", "COPY (SELECT * FROM kafka('orders')) TO 'out.parquet' (FORMAT parquet, COMPRESSION zstd, PER_TASK true)",
		"COPY (SELECT * FROM kafka('orders')) TO 'out.parquet' (FORMAT parquet, COMPRESSION zstd, PER_TASK TRUE)"},
	{"copy option forms", "COPY (SELECT 1) TO 'x.csv' (FORMAT = 'csv', HEADER, DELIMITER '|', ROW_GROUP_SIZE 1000, \"select\" 'x y')",
		"COPY (SELECT 1) TO 'x.csv' (FORMAT csv, HEADER, DELIMITER '|', ROW_GROUP_SIZE 1000, \"select\" 'x y')"},
	{"create table", "CREATE TABLE orders AS SELECT * FROM kafka('orders')", ""},
	{"create or replace", "CREATE OR REPLACE TABLE IF NOT EXISTS main.\"Orders\" AS SELECT 1", ""},
	{"insert", "INSERT INTO orders SELECT * FROM kafka('orders')", ""},
	{"insert columns", "INSERT INTO s.t (a, \"B\") SELECT 1, 2", ""},
	{"insert paren", "INSERT INTO t (SELECT 1)", "INSERT INTO t SELECT 1"},
	{"show topics", "show topics", "SHOW TOPICS"},
	{"show tables", "SHOW TABLES", ""},
	{"describe", "DESCRIBE kafka('t')", ""},
	{"describe table", "DESCRIBE orders", ""},
	{"describe join", "DESCRIBE (a JOIN b ON a.x = b.x)", ""},
	{"table function named like a keyword", "SELECT * FROM \"left\"(1), \"kafka\"('x')", ""},

	// DuckDB's forms.
	{"describe table function", "DESCRIBE read_parquet('f.parquet')", ""},
	{"describe file", "describe 'f.parquet'", "DESCRIBE 'f.parquet'"},
	{"describe select", "DESCRIBE SELECT status, count(*) FROM kafka('orders') GROUP BY status", ""},
	{"describe with", "DESCRIBE WITH x AS (SELECT 1 AS a) SELECT a FROM x", ""},
	{"describe parenthesised query", "DESCRIBE (SELECT 1) LIMIT 0", "DESCRIBE SELECT 1 LIMIT 0"},
	{"describe values", "DESCRIBE VALUES (1)", ""},
	{"qualify", "SELECT * FROM kafka('orders') QUALIFY row_number() OVER (PARTITION BY partition ORDER BY offset DESC) <= 3", ""},
	{"qualify after having", "select key, count(*) as n from kafka('o') group by key having count(*) > 1 qualify rank() over (order by n desc) = 1 order by key limit 5",
		"SELECT key, count(*) AS n FROM kafka('o') GROUP BY key HAVING count(*) > 1 QUALIFY rank() OVER (ORDER BY n DESC) = 1 ORDER BY key LIMIT 5"},
	{"qualify alias", "SELECT *, row_number() OVER (ORDER BY offset) AS rn FROM kafka('o') AS k WHERE partition = 1 QUALIFY rn < 4", ""},
	{"quoted qualify", "SELECT \"qualify\" FROM t AS \"qualify\"", ""},
	{"group by all", "SELECT status, count(*) FROM kafka('o') GROUP BY ALL", ""},
	{"group by all lower case", "select status, count(*) from t group by all having count(*) > 1 order by all_x",
		"SELECT status, count(*) FROM t GROUP BY ALL HAVING count(*) > 1 ORDER BY all_x"},
	{"exclude", "SELECT * EXCLUDE (key, \"value\") FROM kafka('o')", "SELECT * EXCLUDE (key, value) FROM kafka('o')"},
	{"exclude one", "SELECT * exclude headers FROM kafka('o')", "SELECT * EXCLUDE (headers) FROM kafka('o')"},
	{"qualified exclude", "SELECT o.* EXCLUDE (key), p.* FROM kafka('o') AS o, t AS p", ""},
	{"replace", "SELECT * REPLACE (decode(value) AS value, offset + 1 AS \"offset\") FROM kafka('o')",
		"SELECT * REPLACE (decode(value) AS value, offset + 1 AS offset) FROM kafka('o')"},
	{"exclude replace", "SELECT t.* EXCLUDE (a) REPLACE (b * 2 AS b) FROM t", ""},
	{"columns named exclude and replace", "SELECT exclude, replace(a, 'x', 'y') AS replace FROM t", ""},
	{"values", "VALUES (1, 'a'), (2, 'b')", ""},
	{"values modifiers", "values (1), (2) order by 1 desc limit 1", "VALUES (1), (2) ORDER BY 1 DESC LIMIT 1"},
	{"values in from", "SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t(id, name)", ""},
	{"values joined", "SELECT o.key, v.tier FROM kafka('o') AS o JOIN (VALUES ('c-1', 'gold')) AS v(customer, tier) ON decode(o.key) = v.customer", ""},
	{"values in union", "SELECT 1 UNION ALL VALUES (2)", ""},
	{"values in insert", "INSERT INTO t (a, b) VALUES (1, 2), (3, NULL)", ""},
	{"values in cte", "WITH v(x) AS (VALUES (1), (2)) SELECT sum(x) FROM v", ""},
	{"names values", "SELECT \"values\", values FROM t AS values", "SELECT \"values\", \"values\" FROM t AS \"values\""},
	{"describe a table named values", "DESCRIBE \"values\"", ""},
	{"alias columns", "SELECT * FROM read_csv('x.csv') AS c(a, b), 'f.parquet' f(x), t AS u(y)",
		"SELECT * FROM read_csv('x.csv') AS c(a, b), 'f.parquet' AS f(x), t AS u(y)"},

	// Expressions.
	{"literals", "SELECT 1, 1.5, .5, 1e10, 2.5E-3, 'it''s', '', TRUE, false, NULL",
		"SELECT 1, 1.5, .5, 1e10, 2.5E-3, 'it''s', '', TRUE, FALSE, NULL"},
	{"typed literals", "SELECT TIMESTAMP '2024-01-01 00:00:00', DATE '2024-01-01', TIME '10:00', TIMESTAMPTZ '2024-01-01 00:00:00+00'", ""},
	{"intervals", "SELECT INTERVAL '1 day', INTERVAL '2' HOUR, INTERVAL 3 days",
		"SELECT INTERVAL '1 day', INTERVAL '2 HOUR', INTERVAL '3 DAYS'"},
	{"timestamp column", "SELECT timestamp, partition, offset, key, value, topic FROM kafka('o')", ""},
	{"identifiers", "SELECT a.b.c, \"Quoted\".\"x y\", \"select\", value.amount, value.\"group\", t.\"order\" FROM t", ""},
	{"keyword after dot", "SELECT value.group, value.order FROM t", "SELECT value.\"group\", value.\"order\" FROM t"},
	{"calls", "SELECT count(*), count(DISTINCT key), sum(x), coalesce(a, b, 0), now(), left(s, 2), right(s, 1), my_udf(1)", ""},
	{"quoted function", "SELECT \"My Func\"(1), \"try_cast\"(2)", ""},
	{"arithmetic", "SELECT 1 + 2 * 3 - 4 / 5 % 6", ""},
	{"arithmetic parens", "SELECT (1 + 2) * 3, 1 - (2 - 3), -(1 + 2)", ""},
	{"unary", "SELECT -x, +x, - -x, -(-x), NOT NOT a", ""},
	{"concat", "SELECT 'a' || key || 'b'", ""},
	{"comparisons", "SELECT a = 1, a <> 1, a != 1, a < 1, a <= 1, a > 1, a >= 1",
		"SELECT a = 1, a <> 1, a <> 1, a < 1, a <= 1, a > 1, a >= 1"},
	{"double equals", "SELECT a == 1", "SELECT a = 1"},
	{"logic", "SELECT a AND b OR c AND NOT d", ""},
	{"logic parens", "SELECT (a OR b) AND c, NOT (a AND b)", ""},
	{"is null", "SELECT a IS NULL, a IS NOT NULL, a = b IS NULL", ""},
	{"in", "SELECT a IN (1, 2), a NOT IN ('x'), a IN (SELECT b FROM t), a NOT IN (WITH w AS (SELECT 1) SELECT * FROM w)", ""},
	{"between", "SELECT a BETWEEN 1 AND 2, a NOT BETWEEN 1 + 1 AND 2 * 2, (a BETWEEN 1 AND 2) AND b", ""},
	{"like", "SELECT a LIKE 'x%', a NOT LIKE 'x%', a ILIKE 'x%', a NOT ILIKE 'x%'", ""},
	{"case searched", "SELECT CASE WHEN a > 1 THEN 'big' WHEN a > 0 THEN 'small' ELSE 'none' END", ""},
	{"case simple", "SELECT CASE status WHEN 'paid' THEN 1 WHEN 'open' THEN 2 END", ""},
	{"cast", "SELECT CAST(a AS INTEGER), TRY_CAST(a AS DOUBLE), CAST(v AS DECIMAL(10, 2)), CAST(x AS VARCHAR)", ""},
	{"cast types", "SELECT a::int, b::decimal(18,3), c::int[], d::varchar[][], e::double precision, f::timestamp with time zone, g::character varying",
		"SELECT a::INT, b::DECIMAL(18, 3), c::INT[], d::VARCHAR[][], e::DOUBLE PRECISION, f::TIMESTAMP WITH TIME ZONE, g::CHARACTER VARYING"},
	{"cast chain", "SELECT value::VARCHAR::JSON ->> 'a', -x::INT, (a + b)::BIGINT", ""},
	{"json", "SELECT value ->> 'amount', value -> 'a' -> 'b', CAST(value AS JSON) ->> 'x'", ""},
	{"json compact", "SELECT value->>'amount'", "SELECT value ->> 'amount'"},
	{"index", "SELECT l[1], (l)[2], m['k'][1]", ""},
	{"scalar subquery", "SELECT (SELECT max(offset) FROM kafka('o')) AS m", ""},
	{"paren subquery", "SELECT ((SELECT 1))", ""},
	{"exists", "SELECT EXISTS (SELECT 1), NOT EXISTS (SELECT 2)", ""},
	{"window", "SELECT row_number() OVER (PARTITION BY key ORDER BY offset DESC), sum(x) OVER (), lag(x) OVER (ORDER BY ts)", ""},
	{"window frame", "SELECT sum(x) OVER (ORDER BY t ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), avg(x) OVER (PARTITION BY k ROWS 3 PRECEDING), max(x) OVER (RANGE BETWEEN 1 PRECEDING AND 2 FOLLOWING)", ""},
	{"filter", "SELECT count(*) FILTER (WHERE a > 1), sum(x) FILTER (WHERE b) OVER (PARTITION BY k)", ""},
	{"is distinct from", "SELECT a IS DISTINCT FROM b, a IS NOT DISTINCT FROM NULL, a = b IS DISTINCT FROM c", ""},
	{"list and struct literals", "SELECT [1, 2, 3], [], [[a]], {'k': 1, 'Two Words': [x]}, {}, {a: 1, \"b\": 2}[1], [1, 2][2]",
		"SELECT [1, 2, 3], [], [[a]], {'k': 1, 'Two Words': [x]}, {}, {'a': 1, 'b': 2}[1], [1, 2][2]"},
	{"aggregate order by", "SELECT string_agg(key, ',' ORDER BY offset DESC), list(DISTINCT x ORDER BY x) FILTER (WHERE x > 0)", ""},
	{"precedence mix", "SELECT a + b * c = d AND e OR NOT f IS NULL", ""},
	{"comparison chain", "SELECT a = b = c, a < b IS NULL", ""},
	{"other ops precedence", "SELECT 'a' || 1 + 2, a -> 'x' = b", ""},
	{"multi-line", "SELECT\n  key,\n  value\nFROM kafka('o')\nWHERE offset > 10", "SELECT key, value FROM kafka('o') WHERE offset > 10"},
}

func TestParse(t *testing.T) {
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse(tc.query)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.query, err)
			}
			want := tc.want
			if want == "" {
				want = tc.query
			}
			if got := s.String(); got != want {
				t.Errorf("String()\n got %s\nwant %s", got, want)
			}
			s2, err := Parse(s.String())
			if err != nil {
				t.Fatalf("reparse of %q: %v", s.String(), err)
			}
			if !Equal(s, s2) {
				t.Errorf("reparse of %q is not Equal", s.String())
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	q := "SELECT key, count(*) AS n, sum(CAST(value ->> 'amount' AS DOUBLE)) FROM kafka('orders') WITH (minPartitions = 8) AS o " +
		"WHERE partition IN (0, 1) AND offset BETWEEN 100 AND 2000 AND o.value ->> 'country' = 'DE' GROUP BY key HAVING count(*) > 1 ORDER BY n DESC LIMIT 10"
	b.SetBytes(int64(len(q)))
	for i := 0; i < b.N; i++ {
		if _, err := Parse(q); err != nil {
			b.Fatal(err)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"a", "", 1}, {"kitten", "sitting", 3}, {"minpartition", "minpartitions", 1}} {
		if got := EditDistance(tc.a, tc.b); got != tc.d {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.d)
		}
	}
}
