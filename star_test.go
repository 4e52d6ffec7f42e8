package kq_test

import (
	"context"
	"strings"
	"testing"
)

// TestStarHidesDecodedStruct: SELECT * over a decoded source lists the
// metadata columns and the decoded fields once each; the value (key)
// STRUCT is hidden from * and name.*, there when named — on the scan's
// path and through DuckDB.
func TestStarHidesDecodedStruct(t *testing.T) {
	f := orders(t)
	eng := f.open(t)
	ctx := context.Background()
	const meta = "key topic partition offset timestamp timestampType"
	const fields = "order_id customer amount status"
	for _, tc := range []struct{ sql, names string }{
		{`SELECT * FROM kafka('orders') WITH (valueFormat='json')`, meta + " " + fields},
		{`SELECT * FROM kafka('orders') WITH (valueFormat='json') ORDER BY offset LIMIT 2`, meta + " " + fields},
		{`SELECT *, value.amount AS a FROM kafka('orders') WITH (valueFormat='json') LIMIT 2`, meta + " " + fields + " a"},
		{`SELECT o.*, value FROM kafka('orders') WITH (valueFormat='json') AS o WHERE o.value.status = 'paid'`, meta + " " + fields + " value"},
		{`SELECT value FROM kafka('orders') WITH (valueFormat='json')`, "value"},
		{`SELECT * FROM (SELECT * FROM kafka('orders') WITH (valueFormat='json')) AS s WHERE amount > 1`, meta + " " + fields},
		{`SELECT * FROM kafka('orders') WITH (valueFormat='json') AS o JOIN kafka('orders') WITH (valueFormat='json') AS p ON o.partition = p.partition AND o.offset = p.offset AND p.value.amount >= 0 LIMIT 1`,
			meta + " " + fields + " " + meta + " " + fields},
		{`SELECT p.* FROM kafka('orders') WITH (valueFormat='json') AS o JOIN kafka('orders') WITH (valueFormat='json') AS p ON o.partition = p.partition AND o.offset = p.offset AND o.value.amount >= 0 LIMIT 1`,
			meta + " " + fields},
		// An undecoded value is a column like the others.
		{`SELECT * FROM kafka('orders') LIMIT 1`, "key value topic partition offset timestamp timestampType"},
	} {
		rr, err := eng.Query(ctx, tc.sql)
		if err != nil {
			t.Fatalf("%s: %v", tc.sql, err)
		}
		var names []string
		for _, fl := range rr.Schema().Fields() {
			names = append(names, fl.Name)
		}
		for rr.Next() {
		}
		err = rr.Err()
		rr.Release()
		if err != nil {
			t.Fatalf("%s: %v", tc.sql, err)
		}
		if got := strings.Join(names, " "); got != tc.names {
			t.Errorf("%s:\n got %s\nwant %s", tc.sql, got, tc.names)
		}
	}
	// DESCRIBE still lists the STRUCT, which the query may name.
	var described []string
	for _, r := range rows(t, eng, `DESCRIBE kafka('orders') WITH (valueFormat='json')`) {
		if f := strings.Split(r, "|"); f[0] == "column" {
			described = append(described, f[1])
		}
	}
	if got := strings.Join(described, " "); got != "key value topic partition offset timestamp timestampType "+fields {
		t.Errorf("DESCRIBE columns %s", got)
	}
}
