package flightsql_test

import (
	"database/sql"
	"fmt"
	"testing"

	_ "github.com/apache/arrow-go/v18/arrow/flight/flightsql/driver" // registers "flightsql"

	"github.com/kq-sql/kq/flightsql"
)

// TestDatabaseSQLDriver queries the server through a second,
// independent client: arrow-go's database/sql Flight SQL driver, with a
// bearer token in its DSN.
func TestDatabaseSQLDriver(t *testing.T) {
	f := start(t, fixtureOpts{server: []flightsql.Option{flightsql.WithTokens("drv-token")}})
	db, err := sql.Open("flightsql", "flightsql://"+f.addr+"?token=drv-token")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT partition, offset, CAST(value AS VARCHAR) AS v FROM kafka('events') ORDER BY partition, offset")
	if err != nil {
		t.Fatal(err)
	}
	var got [][]string
	for rows.Next() {
		var p int32
		var o int64
		var v string
		if err := rows.Scan(&p, &o, &v); err != nil {
			t.Fatal(err)
		}
		got = append(got, []string{fmt.Sprint(p), fmt.Sprint(o), v})
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	sortRows(got) // wantEvents is sorted as text
	equalRows(t, "database/sql", got, wantEvents())

	res, err := db.Exec("CREATE TABLE p0 AS SELECT offset FROM kafka('events') WHERE partition = 0")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := res.RowsAffected(); err != nil || n != int64(perPartition[0]) {
		t.Fatalf("CREATE TABLE AS: %d rows, %v; want %d", n, err, perPartition[0])
	}
	var n int64
	if err := db.QueryRow("SELECT COUNT(*) FROM p0").Scan(&n); err != nil || n != int64(perPartition[0]) {
		t.Fatalf("SELECT COUNT(*) FROM p0: %d, %v", n, err)
	}

	// Parameters, typed by the driver from the Go values.
	var cnt int64
	if err := db.QueryRow("SELECT COUNT(*) FROM kafka('events') WHERE partition = ? AND offset < ?", 3, 10).Scan(&cnt); err != nil || cnt != 10 {
		t.Fatalf("with parameters: %d, %v; want 10", cnt, err)
	}

	bad, err := sql.Open("flightsql", "flightsql://"+f.addr+"?token=wrong")
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	if _, err := bad.Query("SELECT COUNT(*) FROM kafka('events')"); err == nil {
		t.Fatal("a wrong token was served")
	}
}
