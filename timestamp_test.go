package kq_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq/internal/kafkatest"
)

// TestTimestampOneTypeOneRendering: the timestamp column and decoded
// TIMESTAMP fields print the same whether the rows stream from the scan
// or come back through DuckDB, and DESCRIBE names the type a table made
// from them gets.
func TestTimestampOneTypeOneRendering(t *testing.T) {
	c := kafkatest.New(t, kfake.SeedTopics(1, "ts"))
	ctx := context.Background()
	at := time.Date(2026, 1, 1, 10, 0, 40, 0, time.UTC)
	if err := c.Produce(ctx, &kgo.Record{Topic: "ts", Value: []byte(`{"at":"2026-01-01T10:00:40.123Z"}`), Timestamp: at}); err != nil {
		t.Fatal(err)
	}
	eng := openOn(t, c)
	const want = "2026-01-01T10:00:40.000000Z|2026-01-01T10:00:40.123000Z"
	for _, sql := range []string{
		// Streamed from the scan.
		`SELECT timestamp, at FROM kafka('ts') WITH (valueFormat='json')`,
		// Through DuckDB.
		`SELECT timestamp, at FROM kafka('ts') WITH (valueFormat='json') WHERE partition = 0 ORDER BY offset`,
		`SELECT timestamp + INTERVAL 0 SECOND, at FROM kafka('ts') WITH (valueFormat='json')`,
	} {
		if got := rows(t, eng, sql); len(got) != 1 || got[0] != want {
			t.Errorf("%s: %q, want %q", sql, got, want)
		}
	}

	types := map[string]string{}
	for _, r := range rows(t, eng, `DESCRIBE kafka('ts') WITH (valueFormat='json')`) {
		f := strings.Split(r, "|")
		if f[0] == "column" {
			types[f[1]] = f[2]
		}
	}
	if _, err := eng.Exec(ctx, `CREATE TABLE t AS SELECT timestamp, at FROM kafka('ts') WITH (valueFormat='json')`); err != nil {
		t.Fatal(err)
	}
	for _, col := range []string{"timestamp", "at"} {
		got := rows(t, eng, `SELECT data_type FROM information_schema.columns WHERE table_name = 't' AND column_name = '`+col+`'`)
		if len(got) != 1 || got[0] != types[col] || got[0] != "TIMESTAMP WITH TIME ZONE" {
			t.Errorf("%s: CREATE TABLE AS made %q, DESCRIBE says %q, want both TIMESTAMP WITH TIME ZONE", col, got, types[col])
		}
	}
	if got := rows(t, eng, `SELECT timestamp, at FROM t`); len(got) != 1 || got[0] != want {
		t.Errorf("from the table: %q, want %q", got, want)
	}
}
