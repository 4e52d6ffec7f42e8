package kq_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestColumnNamesFollowTheQuery: a result column is named by its alias,
// else by the column it names (o.status is status), else by the text of
// its expression as kq prints it — whether the scan streams the rows or
// DuckDB computes them, and in what COPY and CREATE TABLE AS write.
func TestColumnNamesFollowTheQuery(t *testing.T) {
	f := orders(t)
	eng := f.open(t)
	ctx := context.Background()
	for _, tc := range []struct {
		sql, names string
		streamed   bool // rows streamed (from the scan, or from DuckDB), not computed before Query returns
	}{
		{`SELECT COUNT(*) FROM kafka('orders')`, "COUNT(*)", false}, // count-only: no DuckDB, counted before Query returns
		{`SELECT COUNT(*) FROM kafka('orders') WITH (valueFormat='json') WHERE status = 'paid'`, "COUNT(*)", true},
		{`SELECT count(*), COUNT(*) AS n FROM kafka('orders') GROUP BY partition`, "count(*) n", true},
		{`SELECT o.offset, CAST(value AS STRING) FROM kafka('orders') AS o LIMIT 1`, "offset CAST(value AS STRING)", true},
		{`SELECT o.offset, CAST(value AS STRING) FROM kafka('orders') AS o ORDER BY offset LIMIT 1`, "offset CAST(value AS STRING)", true},
		{`SELECT status, upper(status), value.amount, amount*2 FROM kafka('orders') WITH (valueFormat='json') o ORDER BY 1 LIMIT 1`, "status upper(status) amount amount * 2", true},
		{`SELECT * FROM (SELECT COUNT(*), max(offset) FROM kafka('orders'))`, "COUNT(*) max(offset)", true},
	} {
		rr, err := eng.Query(ctx, tc.sql)
		if err != nil {
			t.Fatalf("%s: %v", tc.sql, err)
		}
		var names []string
		for _, fl := range rr.Schema().Fields() {
			names = append(names, fl.Name)
		}
		streamed := rr.Stats() == nil
		for rr.Next() {
		}
		rr.Release()
		if got := strings.Join(names, " "); got != tc.names {
			t.Errorf("%s: columns %q, want %q", tc.sql, got, tc.names)
		}
		if streamed != tc.streamed {
			t.Errorf("%s: streamed %v, want %v", tc.sql, streamed, tc.streamed)
		}
	}

	out := filepath.Join(t.TempDir(), "counts.csv")
	if _, err := eng.Exec(ctx, `COPY (SELECT partition, COUNT(*) FROM kafka('orders') GROUP BY partition ORDER BY partition) TO '`+out+`' (FORMAT csv)`); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if header, _, _ := strings.Cut(string(b), "\n"); header != `partition,COUNT(*)` {
		t.Errorf("COPY header %q, want partition,COUNT(*)", header)
	}
	if _, err := eng.Exec(ctx, `CREATE TABLE counts AS SELECT partition, COUNT(*) FROM kafka('orders') GROUP BY partition`); err != nil {
		t.Fatal(err)
	}
	if got := rows(t, eng, `SELECT string_agg(column_name, ' ' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'counts'`); len(got) != 1 || got[0] != "partition COUNT(*)" {
		t.Errorf("CREATE TABLE AS columns %q, want partition COUNT(*)", got)
	}
}
