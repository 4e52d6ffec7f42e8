package kq_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kq-sql/kq/lang"
)

// TestDuckDBForms runs the forms DuckDB users write daily through kq and
// DuckDB, with expectations computed from the fixture's records: DESCRIBE
// of a file reader and of a query, GROUP BY ALL, * EXCLUDE / REPLACE, and
// VALUES as a query and as a FROM item with column aliases.
func TestDuckDBForms(t *testing.T) {
	f := orders(t)
	eng := f.open(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "f.parquet")
	if _, err := eng.Exec(ctx, "COPY (SELECT 42 AS id, 'x' AS name) TO "+lang.QuoteString(path)); err != nil {
		t.Fatal(err)
	}

	byStatus := map[string]int{}
	amountByStatus := map[string]float64{}
	byCustomer := map[string]int{}
	for _, o := range f.orders {
		byStatus[o.status]++
		amountByStatus[o.status] += o.amount
		byCustomer[o.customer]++
	}
	var statusRows []string
	for _, s := range []string{"cancelled", "paid", "shipped"} {
		statusRows = append(statusRows, fmt.Sprintf("%s|%d|%g", s, byStatus[s], amountByStatus[s]))
	}
	tierRows := []string{
		fmt.Sprintf("gold|%d", byCustomer["c1"]+byCustomer["c2"]),
		fmt.Sprintf("silver|%d", byCustomer["c3"]),
	}
	// The first two offsets of partition 0, the key and value left out,
	// the offset replaced.
	first := []string{"orders|0|0|0", "orders|0|10|0"}

	for _, tc := range []struct {
		name, sql string
		want      []string
	}{
		{"describe read_parquet", "DESCRIBE read_parquet(" + lang.QuoteString(path) + ")", []string{"id|INTEGER|YES|||", "name|VARCHAR|YES|||"}},
		{"describe a file", "DESCRIBE " + lang.QuoteString(path), []string{"id|INTEGER|YES|||", "name|VARCHAR|YES|||"}},
		{"describe select", "DESCRIBE SELECT status, COUNT(*) AS n, SUM(amount) AS total FROM kafka('orders') WITH (valueFormat='json', valueSchema='status VARCHAR, amount DOUBLE') GROUP BY status",
			[]string{"status|VARCHAR|YES|||", "n|BIGINT|YES|||", "total|DOUBLE|YES|||"}},
		{"group by all", "SELECT status, COUNT(*), SUM(amount) FROM kafka('orders') WITH (valueFormat='json') GROUP BY ALL ORDER BY status", statusRows},
		{"exclude and replace", "SELECT * EXCLUDE (key, value, timestamp) REPLACE (offset * 10 AS offset) FROM kafka('orders') WHERE partition = 0 ORDER BY offset LIMIT 2", first},
		{"values", "VALUES (1, 'a'), (2, NULL) ORDER BY 1 DESC", []string{"2|", "1|a"}},
		{"values joined", `SELECT v.tier, COUNT(*) FROM kafka('orders') WITH (valueFormat='json') AS o
			JOIN (VALUES ('c1', 'gold'), ('c2', 'gold'), ('c3', 'silver')) AS v(customer, tier) ON v.customer = o.customer
			GROUP BY ALL ORDER BY 1`, tierRows},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, st := rowsStats(t, eng, tc.sql)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if strings.HasPrefix(tc.sql, "DESCRIBE SELECT") && (st == nil || st.Rows != 0 || st.Fetches != 0) {
				t.Errorf("DESCRIBE of a query read records: %+v", st)
			}
		})
	}

	// The columns * EXCLUDE leaves.
	rr, err := eng.Query(ctx, "SELECT * EXCLUDE (key, value) FROM kafka('orders') LIMIT 1")
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Release()
	var names []string
	for _, fl := range rr.Schema().Fields() {
		names = append(names, fl.Name)
	}
	if got := strings.Join(names, ","); got != "topic,partition,offset,timestamp,timestampType" {
		t.Errorf("columns %s", got)
	}
}
