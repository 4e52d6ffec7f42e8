package kq_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/internal/kafkatest"
)

// paramTopic is topic "orders" of 3 partitions, perPartition records
// each, JSON values {"n": i, "status": "paid"|"open"|..., "p": partition}
// at timestamps base + i seconds.
func paramTopic(t *testing.T, perPartition int) (*kafkatest.Cluster, time.Time) {
	t.Helper()
	c := kafkatest.New(t, kfake.NumBrokers(1), kfake.SeedTopics(3, "orders"))
	base := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	statuses := []string{"paid", "open", "it's '; DROP TABLE t; --"}
	recs := kafkatest.Records("orders", []int{perPartition, perPartition, perPartition}, func(p int32, i int) *kgo.Record {
		return &kgo.Record{
			Value:     fmt.Appendf(nil, `{"n": %d, "status": %q, "p": %d}`, i, statuses[i%3], p),
			Timestamp: base.Add(time.Duration(i) * time.Second),
		}
	})
	if err := c.Produce(context.Background(), recs...); err != nil {
		t.Fatal(err)
	}
	return c, base
}

// lines runs sql with args and returns its rows as "a|b|c" lines, and
// its statistics.
func lines(t *testing.T, q func() (*kq.Rows, error)) ([]string, *kq.Stats) {
	t.Helper()
	rr, err := q()
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Release()
	var out []string
	for rr.Next() {
		rec := rr.RecordBatch()
		for i := 0; i < int(rec.NumRows()); i++ {
			var cells []string
			for _, col := range rec.Columns() {
				// Value strings point into the batch, freed at the next Next.
				cells = append(cells, strings.Clone(col.ValueStr(i)))
			}
			out = append(out, strings.Join(cells, "|"))
		}
	}
	if err := rr.Err(); err != nil {
		t.Fatal(err)
	}
	return out, rr.Stats()
}

// TestParameters: a query with parameters gives the rows, and the scan
// statistics, of the same query written with literals, in both styles and
// in every place a parameter may stand (expressions, topic, options).
func TestParameters(t *testing.T) {
	c, base := paramTopic(t, 60)
	eng := openOn(t, c)
	ctx := context.Background()
	since := base.Add(30 * time.Second)
	cases := []struct {
		name     string
		params   string
		args     []any
		literals string
	}{
		{"positional", "SELECT partition, n, status FROM kafka('orders') WITH (valueFormat='json') WHERE status = ? AND timestamp >= ? ORDER BY partition, n",
			[]any{"paid", since},
			"SELECT partition, n, status FROM kafka('orders') WITH (valueFormat='json') WHERE status = 'paid' AND timestamp >= TIMESTAMP '2026-01-02 00:00:30' ORDER BY partition, n"},
		{"numbered and reused", "SELECT n, $2 AS label FROM kafka($1) WITH (valueFormat = $3) WHERE partition = $4 AND offset BETWEEN $5 AND $5 + 3 AND $2 = $2 ORDER BY n",
			[]any{"orders", "x", "json", int32(1), uint8(10)},
			"SELECT n, 'x' AS label FROM kafka('orders') WITH (valueFormat = 'json') WHERE partition = 1 AND offset BETWEEN 10 AND 10 + 3 ORDER BY n"},
		{"count pushed", "SELECT COUNT(*) FROM kafka(?) WHERE partition IN (?, ?) AND offset >= ?",
			[]any{"orders", 0, int64(2), 50},
			"SELECT COUNT(*) FROM kafka('orders') WHERE partition IN (0, 2) AND offset >= 50"},
		{"native projection", "SELECT partition, offset FROM kafka('orders') WHERE offset < ? AND partition = ?",
			[]any{uint(2), 0},
			"SELECT partition, offset FROM kafka('orders') WHERE offset < 2 AND partition = 0"},
		{"types", "SELECT ? AS s, ? AS b, ? AS i, ? AS f, ? AS t, ? AS z, ? AS bytes",
			[]any{"s", true, -7, 2.5, base, nil, []byte("\x00\xff")},
			"SELECT 's' AS s, TRUE AS b, -7 AS i, 2.5 AS f, TIMESTAMPTZ '2026-01-02 00:00:00Z' AS t, NULL AS z, '\\x00\\xFF'::BLOB AS bytes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, gst := lines(t, func() (*kq.Rows, error) { return eng.Query(ctx, tc.params, tc.args...) })
			want, wst := lines(t, func() (*kq.Rows, error) { return eng.Query(ctx, tc.literals) })
			if strings.Join(got, "\n") != strings.Join(want, "\n") || len(want) == 0 {
				t.Fatalf("with parameters:\n%s\nwith literals:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if (gst == nil) != (wst == nil) || gst != nil && gst.EstimatedRows != wst.EstimatedRows {
				t.Fatalf("statistics differ: %+v and %+v", gst, wst)
			}
			if gst != nil && wst.EstimatedRows == 180 && tc.name != "positional" {
				t.Fatalf("nothing pushed: %+v", wst)
			}
		})
	}
}

// TestParameterExplain: EXPLAIN with bound parameters shows the ranges
// they push down.
func TestParameterExplain(t *testing.T) {
	c, base := paramTopic(t, 60)
	eng := openOn(t, c)
	p, err := eng.Explain(context.Background(), "SELECT key FROM kafka(?) WHERE partition = ? AND offset >= ? AND timestamp >= ?", "orders", 1, 40, base)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Tasks) != 1 || p.Tasks[0].Range != (kq.Range{Topic: "orders", Partition: 1, From: 40, Until: 60}) {
		t.Fatalf("tasks %+v\n%s", p.Tasks, p)
	}
	if s := p.String(); !strings.Contains(s, "partitions=[1] offsets=[40, +inf)") {
		t.Fatalf("EXPLAIN does not show the pushed range:\n%s", s)
	}
}

func TestParameterErrors(t *testing.T) {
	c, _ := paramTopic(t, 3)
	eng := openOn(t, c)
	ctx := context.Background()
	cases := []struct {
		sql  string
		args []any
		want string
	}{
		{"SELECT * FROM kafka('orders') WHERE partition = ? AND offset > ?", []any{1}, "1:64: query has 2 parameters, got 1"},
		{"SELECT ?", []any{1, 2}, "1:8: query has 1 parameter, got 2"},
		{"SELECT COUNT(*) FROM kafka('orders') WHERE partition = ?", nil, "1:56: query has 1 parameter, got 0"},
		{"SELECT ? + $1", []any{1}, "1:12: $1 after ?: a statement uses either ? or $n parameters, not both"},
		{"SELECT 1, ?", []any{struct{}{}}, "1:11: parameter 1: unsupported type struct {}"},
		{"SELECT * FROM kafka(?)", []any{42}, "1:21: parameter ? stands for a topic name: want a non-empty string, got an integer"},
		{"SELECT * FROM kafka('orders') WITH (minPartitions = ?)", []any{"0"}, "1:53: option minPartitions"},
		{"SELECT * FROM kafka(?)", []any{"ordres"}, "1:15: unknown topic \"ordres\""},
	}
	for _, tc := range cases {
		_, err := eng.Query(ctx, tc.sql, tc.args...)
		var qe *kq.QueryError
		var ue *kq.UnknownTopicError
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) || !errors.As(err, &qe) && !errors.As(err, &ue) {
			t.Errorf("%s %v: got %v, want %q", tc.sql, tc.args, err, tc.want)
		}
	}
}

// TestPrepare: a Stmt is parsed once and planned at each run, so a second
// run sees records produced after the first.
func TestPrepare(t *testing.T) {
	c, _ := paramTopic(t, 10)
	eng := openOn(t, c)
	ctx := context.Background()
	st, err := eng.Prepare(ctx, "SELECT COUNT(*) FROM kafka('orders') WHERE partition = $1")
	if err != nil {
		t.Fatal(err)
	}
	if st.NumParams() != 1 {
		t.Fatalf("NumParams %d", st.NumParams())
	}
	count := func(p int) string {
		got, _ := lines(t, func() (*kq.Rows, error) { return st.Query(ctx, p) })
		return strings.Join(got, ",")
	}
	if got := count(1); got != "10" {
		t.Fatalf("first run: %s", got)
	}
	if err := c.Produce(ctx, &kgo.Record{Topic: "orders", Partition: 1, Value: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	if got := count(1); got != "11" {
		t.Fatalf("second run: %s, want 11 (fresh offsets)", got)
	}
	if got := count(2); got != "10" {
		t.Fatalf("partition 2: %s", got)
	}
	p, err := st.Explain(ctx, 1)
	if err != nil || len(p.Tasks) != 1 || p.Tasks[0].Until != 11 {
		t.Fatalf("Explain: %v %+v", err, p)
	}
	if _, err := st.Query(ctx); err == nil || !strings.Contains(err.Error(), "query has 1 parameter, got 0") {
		t.Fatalf("no values: %v", err)
	}
	st.Close()
	if _, err := st.Query(ctx, 1); !errors.Is(err, kq.ErrStmtClosed) {
		t.Fatalf("after Close: %v", err)
	}
}

// TestParameterInjection: a value holding quotes and "'; DROP TABLE t;
// --" is data, not SQL, through Query, Exec (CREATE TABLE AS into a
// database file), Prepare: table t still exists and the value round-trips.
func TestParameterInjection(t *testing.T) {
	c, _ := paramTopic(t, 30)
	db := filepath.Join(t.TempDir(), "kq.duckdb")
	eng, err := kq.Open(kq.WithBrokers(c.ListenAddrs()...), kq.WithDB(db))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	ctx := context.Background()
	evil := `it's '; DROP TABLE t; --`
	if _, err := eng.Exec(ctx, "CREATE TABLE t AS SELECT 1 AS x"); err != nil {
		t.Fatal(err)
	}
	tStillThere := func() {
		t.Helper()
		got, _ := lines(t, func() (*kq.Rows, error) { return eng.Query(ctx, "SELECT x FROM t") })
		if strings.Join(got, ",") != "1" {
			t.Fatalf("table t: %v", got)
		}
	}
	// Query: the value matches the records that hold it, and only those.
	got, _ := lines(t, func() (*kq.Rows, error) {
		return eng.Query(ctx, "SELECT COUNT(*), MIN(status) FROM kafka('orders') WITH (valueFormat='json') WHERE status = ?", evil)
	})
	if want := "30|" + evil; strings.Join(got, ",") != want {
		t.Fatalf("Query: %q, want %q", got, want)
	}
	tStillThere()
	// Exec: CREATE TABLE AS stores the value as data.
	res, err := eng.Exec(ctx, "CREATE TABLE u AS SELECT ? AS v, n FROM kafka('orders') WITH (valueFormat='json') WHERE status = ? AND partition = ?", evil, evil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 10 {
		t.Fatalf("CREATE TABLE u wrote %d rows, want 10", res.Rows)
	}
	got, _ = lines(t, func() (*kq.Rows, error) { return eng.Query(ctx, "SELECT DISTINCT v FROM u WHERE v = $1", evil) })
	if strings.Join(got, ",") != evil {
		t.Fatalf("u.v: %q", got)
	}
	tStillThere()
	// Prepare: once, run with the value as a topic name too (an unknown
	// topic, named in the error, not run).
	st, err := eng.Prepare(ctx, "SELECT COUNT(*) FROM kafka(?) WITH (valueFormat='json') WHERE status = ?")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got, _ = lines(t, func() (*kq.Rows, error) { return st.Query(ctx, "orders", evil) })
	if strings.Join(got, ",") != "30" {
		t.Fatalf("Prepare: %v", got)
	}
	if _, err := st.Query(ctx, evil, evil); err == nil || !strings.Contains(err.Error(), `unknown topic "it's '; DROP TABLE t; --"`) {
		t.Fatalf("topic: %v", err)
	}
	tStillThere()
	// The value read back from the database file is the value given.
	eng.Close()
	eng2, err := kq.Open(kq.WithBrokers(c.ListenAddrs()...), kq.WithDB(db))
	if err != nil {
		t.Fatal(err)
	}
	defer eng2.Close()
	rr, err := eng2.Query(ctx, "SELECT v FROM u LIMIT 1")
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Release()
	if !rr.Next() || rr.RecordBatch().Column(0).(*array.String).Value(0) != evil {
		t.Fatalf("u.v after reopening: %v", rr.Err())
	}
}

// TestParametersInCopy: parameters in the query of a COPY — to one file
// through DuckDB's COPY, and per task through DuckDB batch by batch — are
// bound as in a query, and the files hold the values.
func TestParametersInCopy(t *testing.T) {
	c, _ := paramTopic(t, 30)
	eng := openOn(t, c)
	ctx := context.Background()
	evil := `it's '; DROP TABLE t; --`
	dir := t.TempDir()
	file := filepath.Join(dir, "one.parquet")
	res, err := eng.Exec(ctx, "COPY (SELECT ? AS tag, n FROM kafka(?) WITH (valueFormat='json') WHERE status = ? AND partition = ?) TO '"+file+"' (FORMAT parquet)", evil, "orders", evil, 2)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 10 {
		t.Fatalf("COPY to a file wrote %d rows, want 10", res.Rows)
	}
	parts := filepath.Join(dir, "parts")
	res, err = eng.Exec(ctx, "COPY (SELECT $1 || '!' AS tag, offset FROM kafka($2) WITH (minPartitions = $3)) TO '"+parts+"' (FORMAT parquet, PER_TASK true, PARTITION_BY (tag))", evil, "orders", 6)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 90 || res.Scan == nil || len(res.Scan.Tasks) != 6 {
		t.Fatalf("per-task COPY wrote %d rows, want 90 in 6 tasks: %+v", res.Rows, res.Scan)
	}
	got, _ := lines(t, func() (*kq.Rows, error) {
		return eng.Query(ctx, "SELECT COUNT(*), MIN(tag) FROM read_parquet(?) WHERE tag = ?", file, evil)
	})
	if want := "10|" + evil; strings.Join(got, ",") != want {
		t.Fatalf("file: %q, want %q", got, want)
	}
	got, _ = lines(t, func() (*kq.Rows, error) {
		return eng.Query(ctx, "SELECT COUNT(*), MIN(tag) FROM read_parquet(?, hive_partitioning = true)", parts+"/**/*.parquet")
	})
	if want := "90|" + evil + "!"; strings.Join(got, ",") != want {
		t.Fatalf("parts: %q, want %q", got, want)
	}
}
