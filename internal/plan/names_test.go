package plan

import (
	"strings"
	"testing"

	"github.com/kq-sql/kq/lang"
)

// TestCheckNames checks names against scopes: the sources' columns and
// fields, aliases, CTEs, FROM subqueries, enclosing SELECTs, lambdas; and
// leaves alone what may belong to a relation kq does not know.
func TestCheckNames(t *testing.T) {
	fields := func(s *Scan) SourceFields {
		if !s.Options.ValueFormat.Decoded() {
			return SourceFields{}
		}
		return SourceFields{Value: []Field{{Name: "status"}, {Name: "amount"}, {Name: "offset"}}}
	}
	const json = " WITH (valueFormat='json')"
	for _, tc := range []struct{ sql, err string }{
		{"SELECT status, amount, value.offset, offset FROM kafka('o')" + json, ""},
		{"SELECT stauts FROM kafka('o')" + json, `1:8: column "stauts" not found (did you mean "status"?)`},
		{"SELECT status FROM kafka('o')", `1:8: column "status" not found; kafka('o') reads its values undecoded (value is a BLOB)`},
		{"SELECT status FROM kafka('o') WITH (valueFormat='string')", `(value is a VARCHAR)`},
		{"SELECT value.x FROM kafka('o')" + json, `1:8: field "x" not found in the value of kafka('o'), whose fields are status, amount, offset`},
		{"SELECT o.value.amont FROM kafka('o')" + json + " o", `(did you mean value.amount?)`},
		{"SELECT p.status FROM kafka('o')" + json + " o", `1:8: "p" is not a source of this query (did you mean "o"?)`},
		{"SELECT s AS x FROM kafka('o')" + json + " ORDER BY x", `1:8: column "s" not found`},
		{"SELECT status AS s FROM kafka('o')" + json + " ORDER BY s", ""},
		{"SELECT anything FROM kafka('o')" + json + " JOIN t ON t.k = o.key", ""},
		{"SELECT anything FROM kafka('o')" + json + " JOIN 'f.parquet' ON true", ""},
		{"SELECT status FROM kafka('o')" + json + " o WHERE EXISTS (SELECT 1 FROM kafka('p') p WHERE p.offset = o.offset AND amount > 1)", ""},
		{"SELECT status FROM kafka('o')" + json + " o WHERE EXISTS (SELECT 1 FROM kafka('p') p WHERE p.offset = o.ofset)", `column "ofset" not found in kafka('o') AS o (did you mean "offset"?)`},
		{"WITH c(n) AS (SELECT COUNT(*) FROM kafka('o')) SELECT n FROM c", ""},
		{"WITH c AS (SELECT COUNT(*) FROM kafka('o')) SELECT \"COUNT(*)\", m FROM c", `column "m" not found`},
		{"WITH c AS (SELECT * FROM t) SELECT m FROM c", ""},
		{"SELECT x FROM (SELECT status AS x, * FROM kafka('o')" + json + ") s WHERE s.amount > 0", ""},
		{"SELECT s.value FROM (SELECT * FROM kafka('o')" + json + ") s", `column "value" not found in s`},
		{"SELECT list_transform([offset], e -> e + partition) FROM kafka('o')", ""},
		{"SELECT current_timestamp, offset FROM kafka('o')", ""},
		{"COPY (SELECT nope FROM kafka('o')) TO 'x.csv'", `1:14: column "nope" not found`},
		{"SELECT 1 UNION ALL SELECT nope FROM kafka('o')", `column "nope" not found`},
	} {
		stmt, err := lang.Parse(tc.sql)
		if err != nil {
			t.Fatalf("parse %s: %v", tc.sql, err)
		}
		root, err := BuildStatement(stmt)
		if err != nil {
			t.Fatalf("build %s: %v", tc.sql, err)
		}
		root = Optimize(root)
		err = CheckNames(stmt, &Query{Stmt: stmt, Root: root, Scans: Scans(root)}, fields)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.sql, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: %v, want %s", tc.sql, err, tc.err)
		}
	}
}
