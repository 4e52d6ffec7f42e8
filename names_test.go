package kq_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kq-sql/kq"
)

// TestColumnNameErrors: column names are resolved against the sources'
// columns and decoded fields before DuckDB runs anything, so an unknown
// name is a *kq.QueryError at its line:column with a suggestion from the
// right candidates, or the hint that the values are not decoded; what
// DuckDB still reports gets a position too, and a table that is a topic
// suggests kafka('...').
func TestColumnNameErrors(t *testing.T) {
	f := orders(t)
	eng := f.open(t)
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "x.parquet")
	if _, err := eng.Exec(ctx, `CREATE TABLE names_t AS SELECT 'c1' AS customer, 1 AS tier`); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		sql      string
		line     int
		col      int
		contains []string
	}{
		{`SELECT status, COUNT(*) FROM kafka('orders') GROUP BY status`, 1, 8,
			[]string{`column "status" not found`, `kafka('orders') reads its values undecoded`, `valueFormat='json'`}},
		{`SELECT stauts, COUNT(*) FROM kafka('orders') WITH (valueFormat='json') GROUP BY stauts`, 1, 8,
			[]string{`column "stauts" not found (did you mean "status"?)`}},
		{"SELECT o.offset,\n  o.stauts FROM kafka('orders') WITH (valueFormat='json') o", 2, 3,
			[]string{`column "stauts" not found in kafka('orders') AS o (did you mean "status"?)`}},
		{`SELECT value.amuont FROM kafka('orders') WITH (valueFormat='json')`, 1, 8,
			[]string{`field "amuont" not found in the value of kafka('orders') (did you mean value.amount?)`}},
		{`SELECT value.amount FROM kafka('orders')`, 1, 8, []string{`the value of kafka('orders') is not decoded (value is a BLOB)`, `valueFormat='json'`}},
		{`SELECT parition, COUNT(*) FROM kafka('orders') GROUP BY 1`, 1, 8, []string{`(did you mean "partition"?)`}},
		{`SELECT x.status FROM kafka('orders') WITH (valueFormat='json') AS o`, 1, 8, []string{`"x" is not a source of this query (did you mean "o"?)`}},
		{`SELECT COUNT(*) FROM kafka('orders') o WHERE EXISTS (SELECT 1 FROM kafka('orders') p WHERE p.key = o.key AND p.offst > 0)`, 1, 110,
			[]string{`column "offst" not found in kafka('orders') AS p (did you mean "offset"?)`}},
		{`WITH t AS (SELECT offset AS o FROM kafka('orders')) SELECT oo FROM t`, 1, 60, []string{`column "oo" not found (did you mean "o"?)`}},
		{`SELECT s.amout FROM (SELECT amount FROM kafka('orders') WITH (valueFormat='json')) AS s`, 1, 8, []string{`column "amout" not found in s (did you mean "amount"?)`}},
		{`CREATE TABLE bad AS SELECT stauts FROM kafka('orders') WITH (valueFormat='json')`, 1, 28, []string{`(did you mean "status"?)`}},
		{`COPY (SELECT customr FROM kafka('orders') WITH (valueFormat='json')) TO '` + out + `'`, 1, 14, []string{`(did you mean "customer"?)`}},
		// A table that is a topic.
		{`SELECT * FROM orders`, 1, 15, []string{`table "orders" does not exist; the topic orders is read with kafka('orders')`}},
		{`SELECT * FROM ordrs WHERE 1 = 1`, 1, 15, []string{`(did you mean the topic kafka('orders')?)`}},
		// What DuckDB reports is placed where its caret is.
		{`SELECT status, 'x' + 1 FROM kafka('orders') WITH (valueFormat='json')`, 1, 16, []string{"Binder Error", "explicit type casts"}},
		// names_t is a table of the session: kq does not know its columns.
		{`SELECT nope FROM kafka('orders') JOIN names_t AS t ON true`, 1, 8, []string{`Referenced column "nope" not found`}},
		{"COPY (SELECT 1 + 'a' FROM kafka('orders')) TO '" + out + "'", 1, 14, []string{"Binder Error"}},
	} {
		var err error
		if strings.HasPrefix(tc.sql, "COPY") || strings.HasPrefix(tc.sql, "CREATE") {
			_, err = eng.Exec(ctx, tc.sql)
		} else {
			var rr *kq.Rows
			if rr, err = eng.Query(ctx, tc.sql); err == nil {
				rr.Release()
			}
		}
		var qe *kq.QueryError
		if !errors.As(err, &qe) {
			t.Errorf("%s: %v, want a *kq.QueryError", tc.sql, err)
			continue
		}
		if qe.Line != tc.line || qe.Column != tc.col {
			t.Errorf("%s: at %d:%d, want %d:%d (%v)", tc.sql, qe.Line, qe.Column, tc.line, tc.col, err)
		}
		for _, want := range tc.contains {
			if !strings.Contains(qe.Msg, want) {
				t.Errorf("%s: %q does not say %q", tc.sql, qe.Msg, want)
			}
		}
		if strings.Contains(qe.Msg, "projection") || strings.Contains(qe.Msg, "pg_") {
			t.Errorf("%s: internal wording: %q", tc.sql, qe.Msg)
		}
	}

	// Names that are right must pass, whatever scope they come from.
	for _, sql := range []string{
		`SELECT status AS s, COUNT(*) AS n FROM kafka('orders') WITH (valueFormat='json') GROUP BY s HAVING n > 1 ORDER BY s`,
		`SELECT amount * 2 AS double_amount, double_amount + 1 FROM kafka('orders') WITH (valueFormat='json') LIMIT 1`,
		`SELECT o.status, t.tier, tier FROM kafka('orders') WITH (valueFormat='json') AS o JOIN names_t AS t ON t.customer = o.customer LIMIT 1`,
		`SELECT customer, tier FROM kafka('orders') WITH (valueFormat='json') JOIN names_t USING (customer) LIMIT 1`,
		`WITH c(n) AS (SELECT COUNT(*) FROM kafka('orders')) SELECT n FROM c`,
		`SELECT COUNT(*) FROM kafka('orders') AS o WHERE o.offset > (SELECT min(p.offset) FROM kafka('orders') AS p WHERE p.partition = o.partition)`,
		`SELECT current_date IS NOT NULL, key FROM kafka('orders') LIMIT 1`,
		`SELECT row_number() OVER (PARTITION BY partition ORDER BY offset DESC) AS rn, value.status FROM kafka('orders') WITH (valueFormat='json') LIMIT 1`,
		`SELECT "Status" FROM kafka('orders') WITH (valueFormat='json') LIMIT 1`,
		`SELECT s.amount FROM (SELECT * FROM kafka('orders') WITH (valueFormat='json')) AS s LIMIT 1`,
		`SELECT list_transform([1, 2], x -> x + offset), list_transform([{'n': 1}], item -> item.n) FROM kafka('orders') LIMIT 1`,
		`SELECT value::VARCHAR -> '$.status' FROM kafka('orders') LIMIT 1`,
	} {
		rr, err := eng.Query(ctx, sql)
		if err != nil {
			t.Errorf("%s: %v", sql, err)
			continue
		}
		for rr.Next() {
		}
		if err := rr.Err(); err != nil {
			t.Errorf("%s: %v", sql, err)
		}
		rr.Release()
	}
}
