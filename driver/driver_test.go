package driver_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq"
	kqdriver "github.com/kq-sql/kq/driver"
	"github.com/kq-sql/kq/internal/kafkatest"
)

// base is the timestamp of record 0; record i is base + i seconds.
var base = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// orders starts a cluster with topic "orders" (2 partitions, n records
// each). Record i of partition p has key "k-p-i", a JSON value
// {"id": i, "amount": i/4, "status": ..., "paid": i%2==0, "at": ..., "note": null}
// and a header h=p; every fifth record is a tombstone (NULL value) without
// headers.
func orders(t *testing.T, n int) *kafkatest.Cluster {
	t.Helper()
	c := kafkatest.New(t, kfake.NumBrokers(1), kfake.SeedTopics(2, "orders"))
	recs := kafkatest.Records("orders", []int{n, n}, func(p int32, i int) *kgo.Record {
		r := &kgo.Record{Key: fmt.Appendf(nil, "k-%d-%d", p, i), Timestamp: base.Add(time.Duration(i) * time.Second)}
		if i%5 == 4 {
			return r
		}
		r.Value = fmt.Appendf(nil, `{"id": %d, "amount": %g, "status": %q, "paid": %t, "at": %q, "note": null}`,
			i, float64(i)/4, []string{"paid", "open"}[i%2], i%2 == 0, base.Add(time.Duration(i)*time.Minute).Format(time.RFC3339))
		r.Headers = []kgo.RecordHeader{{Key: "h", Value: fmt.Appendf(nil, "%d", p)}}
		return r
	})
	if err := c.Produce(context.Background(), recs...); err != nil {
		t.Fatal(err)
	}
	return c
}

func open(t *testing.T, c *kafkatest.Cluster, settings string) *sql.DB {
	t.Helper()
	db, err := sql.Open("kq", "kafka://"+c.Brokers()+settings)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// column is what a result column should be: its DuckDB type name, its
// scan type, and the value of the row checked.
type column struct {
	name, dbType string
	scan         reflect.Type
	want         any
}

func checkColumns(t *testing.T, rows *sql.Rows, want []column) {
	t.Helper()
	types, err := rows.ColumnTypes()
	if err != nil {
		t.Fatal(err)
	}
	if len(types) != len(want) {
		t.Fatalf("%d columns, want %d", len(types), len(want))
	}
	for i, ct := range types {
		w := want[i]
		if ct.Name() != w.name || ct.DatabaseTypeName() != w.dbType || ct.ScanType() != w.scan {
			t.Errorf("column %d: %s %s %v, want %s %s %v", i, ct.Name(), ct.DatabaseTypeName(), ct.ScanType(), w.name, w.dbType, w.scan)
		}
		if _, ok := ct.Nullable(); !ok {
			t.Errorf("column %s: Nullable not reported", ct.Name())
		}
	}
	if !rows.Next() {
		t.Fatalf("no row: %v", rows.Err())
	}
	got := make([]any, len(want))
	ptrs := make([]any, len(want))
	for i := range got {
		ptrs[i] = &got[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		t.Fatal(err)
	}
	for i, w := range want {
		if !reflect.DeepEqual(got[i], w.want) {
			t.Errorf("column %s = %#v (%T), want %#v (%T)", w.name, got[i], got[i], w.want, w.want)
		}
		if got[i] != nil && reflect.TypeOf(got[i]) != w.scan {
			t.Errorf("column %s: value of type %T, scan type %v", w.name, got[i], w.scan)
		}
	}
}

var (
	tBytes  = reflect.TypeFor[[]byte]()
	tString = reflect.TypeFor[string]()
	tInt32  = reflect.TypeFor[int32]()
	tInt64  = reflect.TypeFor[int64]()
	tTime   = reflect.TypeFor[time.Time]()
	tList   = reflect.TypeFor[[]any]()
)

// TestSourceColumns: every source column, as the scan streams it and as
// DuckDB returns it, with kq's types and NULLs as nil.
func TestSourceColumns(t *testing.T) {
	c := orders(t, 10)
	db := open(t, c, "?workers=2")
	ctx := context.Background()
	for _, q := range []string{
		"SELECT key, value, topic, partition, offset, timestamp, timestampType, headers FROM kafka('orders') WITH (includeHeaders=true) WHERE partition = 1 AND offset = 3",
		"SELECT key, value, topic, partition, offset, timestamp, timestampType, headers FROM kafka('orders') WITH (includeHeaders=true) WHERE partition = 1 ORDER BY offset LIMIT 1 OFFSET 3",
	} {
		rows, err := db.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		checkColumns(t, rows, []column{
			{"key", "BLOB", tBytes, []byte("k-1-3")},
			{"value", "BLOB", tBytes, []byte(`{"id": 3, "amount": 0.75, "status": "open", "paid": false, "at": "2026-03-04T05:09:07Z", "note": null}`)},
			{"topic", "VARCHAR", tString, "orders"},
			{"partition", "INTEGER", tInt32, int32(1)},
			{"offset", "BIGINT", tInt64, int64(3)},
			{"timestamp", "TIMESTAMPTZ", tTime, base.Add(3 * time.Second)},
			{"timestampType", "INTEGER", tInt32, int32(0)},
			{"headers", `STRUCT("key" VARCHAR, "value" BLOB)[]`, tList, []any{map[string]any{"key": "h", "value": []byte("1")}}},
		})
		rows.Close()
	}
	// A tombstone: NULL value, NULL headers.
	var value, headers any
	if err := db.QueryRowContext(ctx, "SELECT value, headers FROM kafka('orders') WITH (includeHeaders=true) WHERE partition = 0 AND offset = 4").Scan(&value, &headers); err != nil {
		t.Fatal(err)
	}
	if value != nil || headers != nil {
		t.Fatalf("tombstone: value %v, headers %v", value, headers)
	}
	var ns sql.NullString
	if err := db.QueryRowContext(ctx, "SELECT CAST(value AS VARCHAR) FROM kafka('orders') WHERE partition = 0 AND offset = 9").Scan(&ns); err != nil || ns.Valid {
		t.Fatalf("NullString of a tombstone: %+v %v", ns, err)
	}
}

// TestDecodedColumns: JSON fields decode to BIGINT, DOUBLE, VARCHAR,
// BOOLEAN and TIMESTAMP columns (instants: DuckDB's TIMESTAMPTZ); a JSON null and a tombstone are NULL.
func TestDecodedColumns(t *testing.T) {
	c := orders(t, 10)
	db := open(t, c, "")
	rows, err := db.QueryContext(context.Background(), "SELECT id, amount, status, paid, at, note FROM kafka('orders') WITH (valueFormat='json', valueSchema='id BIGINT, amount DOUBLE, status VARCHAR, paid BOOLEAN, at TIMESTAMP, note VARCHAR') WHERE partition = 0 AND offset = 2")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	checkColumns(t, rows, []column{
		{"id", "BIGINT", tInt64, int64(2)},
		{"amount", "DOUBLE", reflect.TypeFor[float64](), 0.5},
		{"status", "VARCHAR", tString, "paid"},
		{"paid", "BOOLEAN", reflect.TypeFor[bool](), true},
		{"at", "TIMESTAMPTZ", tTime, base.Add(2 * time.Minute)},
		{"note", "VARCHAR", tString, nil},
	})
	var id sql.NullInt64
	if err := db.QueryRow("SELECT id FROM kafka('orders') WITH (valueFormat='json', valueSchema='id BIGINT') WHERE partition = 0 AND offset = 4").Scan(&id); err != nil || id.Valid {
		t.Fatalf("id of a tombstone: %+v %v", id, err)
	}
}

// TestDuckDBTypes: the types only DuckDB computes have duckdb-go's Go
// types.
func TestDuckDBTypes(t *testing.T) {
	c := orders(t, 2)
	db := open(t, c, "")
	var m duckdb.OrderedMap
	m.Set("a", int32(1))
	m.Set("b", int32(2))
	rows, err := db.Query(`SELECT CAST(12.25 AS DECIMAL(10,2)) AS d, DATE '2026-01-02' AS dt, TIME '01:02:03.5' AS tm, INTERVAL 3 DAY + INTERVAL 5 SECOND AS iv,
		map(['a', 'b'], [1, 2]) AS m, {'x': 1, 'y': 'z'} AS s, [1, NULL, 3] AS l, CAST(-1 AS TINYINT) AS i8, CAST(300 AS SMALLINT) AS i16,
		CAST(200 AS UTINYINT) AS u8, CAST(18446744073709551615 AS UBIGINT) AS u64, CAST(1.5 AS FLOAT) AS f32, CAST('\x00\xff' AS BLOB) AS b,
		TIMESTAMPTZ '2026-01-02 03:04:05+02' AS tz, COUNT(*) AS n FROM kafka('orders')`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	checkColumns(t, rows, []column{
		{"d", "DECIMAL(10,2)", reflect.TypeFor[duckdb.Decimal](), duckdb.Decimal{Width: 10, Scale: 2, Value: big.NewInt(1225)}},
		{"dt", "DATE", tTime, time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)},
		{"tm", "TIME", tTime, time.Date(1, 1, 1, 1, 2, 3, 500_000_000, time.UTC)},
		{"iv", "INTERVAL", reflect.TypeFor[duckdb.Interval](), duckdb.Interval{Days: 3, Micros: 5_000_000}},
		{"m", "MAP(VARCHAR, INTEGER)", reflect.TypeFor[duckdb.OrderedMap](), m},
		{"s", `STRUCT("x" INTEGER, "y" VARCHAR)`, reflect.TypeFor[map[string]any](), map[string]any{"x": int32(1), "y": "z"}},
		{"l", "INTEGER[]", tList, []any{int32(1), nil, int32(3)}},
		{"i8", "TINYINT", reflect.TypeFor[int8](), int8(-1)},
		{"i16", "SMALLINT", reflect.TypeFor[int16](), int16(300)},
		{"u8", "UTINYINT", reflect.TypeFor[uint8](), uint8(200)},
		{"u64", "UBIGINT", reflect.TypeFor[uint64](), uint64(18446744073709551615)},
		{"f32", "FLOAT", reflect.TypeFor[float32](), float32(1.5)},
		{"b", "BLOB", tBytes, []byte{0, 0xff}},
		{"tz", "TIMESTAMPTZ", tTime, time.Date(2026, 1, 2, 1, 4, 5, 0, time.UTC)},
		{"n", "BIGINT", tInt64, int64(4)},
	})
}

// TestParametersAndPrepare: ? and $n parameters through Query, QueryRow,
// Exec and prepared statements; a prepared statement plans again at each
// run (fresh offsets).
func TestParametersAndPrepare(t *testing.T) {
	c := orders(t, 20)
	db := open(t, c, "")
	ctx := context.Background()
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM kafka(?) WITH (valueFormat=?) WHERE status = ? AND partition = ? AND timestamp >= ?", "orders", "json", "paid", 1, base.Add(10*time.Second)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 4 { // offsets 10, 12, 16, 18 (14 is a tombstone)
		t.Fatalf("paid in partition 1 since +10s: %d, want 4", n)
	}
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM kafka('orders') WHERE offset BETWEEN $1 AND $1 + $2", 5, 2).Scan(&n); err != nil || n != 6 {
		t.Fatalf("$n: %d %v", n, err)
	}
	st, err := db.PrepareContext(ctx, "SELECT COUNT(*) FROM kafka('orders') WHERE partition = ?")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, p := range []int{0, 1} {
		if err := st.QueryRowContext(ctx, p).Scan(&n); err != nil || n != 20 {
			t.Fatalf("partition %d: %d %v", p, n, err)
		}
	}
	if err := c.Produce(ctx, &kgo.Record{Topic: "orders", Partition: 1, Value: []byte("{}")}); err != nil {
		t.Fatal(err)
	}
	if err := st.QueryRowContext(ctx, 1).Scan(&n); err != nil || n != 21 {
		t.Fatalf("after one more record: %d %v", n, err)
	}
	// database/sql checks the count against NumInput.
	if err := st.QueryRowContext(ctx, 1, 2).Scan(&n); err == nil || !strings.Contains(err.Error(), "expected 1 arguments, got 2") {
		t.Fatalf("two values: %v", err)
	}
	if err := db.QueryRowContext(ctx, "SELECT ? + ?", 1).Scan(&n); err == nil || !strings.Contains(err.Error(), "query has 2 parameters, got 1") {
		t.Fatalf("one value for two: %v", err)
	}
	if err := db.QueryRowContext(ctx, "SELECT ?", sql.Named("x", 1)).Scan(&n); err == nil || !strings.Contains(err.Error(), "named argument") {
		t.Fatalf("named: %v", err)
	}
	var qe *kq.QueryError
	if err := db.QueryRowContext(ctx, "SELECT ?", struct{}{}).Scan(&n); !errors.As(err, &qe) || !strings.Contains(err.Error(), "parameter 1: unsupported type struct {}") {
		t.Fatalf("unsupported type: %v", err)
	}
	if _, err := db.BeginTx(ctx, nil); !errors.Is(err, kqdriver.ErrNoTransactions) {
		t.Fatalf("BeginTx: %v", err)
	}
}

// TestInjection: a value holding quotes and "'; DROP TABLE t; --" is data
// through the driver's Query, Exec and prepared statements.
func TestInjection(t *testing.T) {
	c := orders(t, 5)
	db := open(t, c, "?db="+filepath.Join(t.TempDir(), "kq.duckdb"))
	ctx := context.Background()
	evil := `it's '; DROP TABLE t; --`
	if _, err := db.ExecContext(ctx, "CREATE TABLE t AS SELECT 1 AS x"); err != nil {
		t.Fatal(err)
	}
	var s string
	if err := db.QueryRowContext(ctx, "SELECT ?", evil).Scan(&s); err != nil || s != evil {
		t.Fatalf("Query: %q %v", s, err)
	}
	res, err := db.ExecContext(ctx, "CREATE TABLE u AS SELECT ? AS v, offset FROM kafka('orders') WHERE partition = ?", evil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 5 {
		t.Fatalf("CREATE TABLE u: %d rows", n)
	}
	st, err := db.PrepareContext(ctx, "SELECT COUNT(*) FROM u WHERE v = $1")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int64
	if err := st.QueryRowContext(ctx, evil).Scan(&n); err != nil || n != 5 {
		t.Fatalf("prepared: %d %v", n, err)
	}
	if err := db.QueryRowContext(ctx, "SELECT x FROM t").Scan(&n); err != nil || n != 1 {
		t.Fatalf("table t: %d %v", n, err)
	}
}

// TestCancellation: cancelling a query's context ends its rows with the
// context's error and stops its scans, on the streamed path and on
// DuckDB's.
func TestCancellation(t *testing.T) {
	c := orders(t, 20000)
	db := open(t, c, "?workers=2")
	for _, q := range []string{
		"SELECT partition, offset, value FROM kafka('orders') WITH (maxRecordsPerPartition=1000)",
		"SELECT partition, offset, octet_length(value) AS n FROM kafka('orders') WITH (maxRecordsPerPartition=1000) ORDER BY n",
	} {
		ctx, cancel := context.WithCancel(context.Background())
		rows, err := db.QueryContext(ctx, q)
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		if !rows.Next() {
			t.Fatalf("%s: no first row: %v", q, rows.Err())
		}
		cancel()
		read := 1
		for rows.Next() {
			read++
		}
		if err := rows.Err(); !errors.Is(err, context.Canceled) {
			t.Fatalf("%s: after cancel, %d rows, err %v", q, read, err)
		}
		rows.Close()
	}
	// A context that ends before the query starts.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := db.QueryContext(ctx, "SELECT COUNT(*) FROM kafka('orders')"); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled before: %v", err)
	}
	// The engine is still usable.
	var n int64
	if err := db.QueryRow("SELECT COUNT(*) FROM kafka('orders')").Scan(&n); err != nil || n != 40000 {
		t.Fatalf("after cancellations: %d %v", n, err)
	}
}

// TestDSN: settings, errors naming the setting, and secrets that never
// come from (or show in) the DSN.
func TestDSN(t *testing.T) {
	const password = "s3cr3t-pw"
	cases := []struct{ dsn, want string }{
		{"localhost:9092", `DSN must start with "kafka://"`},
		{"kafka://analyst:" + password + "@localhost:9092?sasl.mechanism=PLAIN", "carries a password in its user info"},
		{"kafka://localhost:9092?sasl.password=" + password, "carries a password (sasl.password)"},
		{"kafka://localhost:9092?schemaRegistry=http://r&schemaRegistry.password=" + password, "carries a password (schemaRegistry.password)"},
		{"kafka://localhost:9092?wokers=2", `unknown DSN setting "wokers" (known: db, sasl.mechanism`},
		{"kafka://localhost:9092?workers=0", "workers must be a positive integer"},
		{"kafka://localhost:9092?timeout=soon", "timeout must be a duration"},
		{"kafka://localhost:9092?sasl.username=a", "SASL user without sasl.mechanism"},
		{"kafka://localhost:9092?sasl.mechanism=PLAIN&sasl.username=a", "a password is needed: set KQ_SASL_PASSWORD"},
		{"kafka://localhost:9092?schemaRegistry.username=a", "schemaRegistry.username without schemaRegistry"},
	}
	t.Setenv(kqdriver.EnvSASLPassword, "")
	for _, tc := range cases {
		_, err := kqdriver.ParseDSN(tc.dsn)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), password) {
			t.Errorf("%s: got %v, want %q", tc.dsn, err, tc.want)
		}
		db, err := sql.Open("kq", tc.dsn)
		if err == nil {
			err = db.Ping()
			db.Close()
		}
		if err == nil || strings.Contains(err.Error(), password) {
			t.Errorf("sql.Open %s: %v", tc.dsn, err)
		}
	}
}

// TestSASLFromEnvironment: the SASL password comes from KQ_SASL_PASSWORD
// or a file; a wrong one fails without showing it.
func TestSASLFromEnvironment(t *testing.T) {
	const password = "pa55-w0rd-from-env"
	auth, err := kafkatest.SASL("SCRAM-SHA-256", "analyst", password)
	if err != nil {
		t.Fatal(err)
	}
	c, err := kafkatest.Start([]kfake.Opt{kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-256", "analyst", password), kfake.SeedTopics(1, "events")}, auth)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Produce(context.Background(), &kgo.Record{Topic: "events", Value: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	count := func(dsn string) (int64, error) {
		db, err := sql.Open("kq", dsn)
		if err != nil {
			return 0, err
		}
		defer db.Close()
		var n int64
		err = db.QueryRow("SELECT COUNT(*) FROM kafka('events')").Scan(&n)
		return n, err
	}
	dsn := "kafka://" + c.Brokers() + "?sasl.mechanism=SCRAM-SHA-256&sasl.username=analyst&timeout=5s"
	t.Setenv(kqdriver.EnvSASLPassword, password)
	db, err := sql.Open("kq", dsn)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Ping(); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	db.Close()
	if n, err := count(dsn); err != nil || n != 1 {
		t.Fatalf("password from the environment: %d %v", n, err)
	}
	file := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(file, []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(kqdriver.EnvSASLPassword, "wrong-one")
	if n, err := count(dsn + "&sasl.passwordFile=" + file); err != nil || n != 1 {
		t.Fatalf("password from a file: %d %v", n, err)
	}
	if _, err := count(dsn); err == nil || strings.Contains(err.Error(), "wrong-one") {
		t.Fatalf("wrong password: %v", err)
	}
	db, err = sql.Open("kq", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Ping(); err == nil || !strings.Contains(err.Error(), "SASL authentication (SCRAM-SHA-256 user analyst)") || strings.Contains(err.Error(), "wrong-one") {
		t.Fatalf("Ping with the wrong password: %v", err)
	}
}

// TestNewConnector: a program holding kq options opens a sql.DB over
// them; all its connections share one engine (a table one makes, the
// others see), closed with the DB.
func TestNewConnector(t *testing.T) {
	c := orders(t, 3)
	conn, err := kqdriver.NewConnector(kq.WithBrokers(c.ListenAddrs()...), kq.WithWorkers(1))
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(conn)
	ctx := context.Background()
	c1, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c1.ExecContext(ctx, "CREATE TABLE k AS SELECT key FROM kafka('orders')"); err != nil {
		t.Fatal(err)
	}
	c2, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	if err := c2.QueryRowContext(ctx, "SELECT COUNT(*) FROM k").Scan(&n); err != nil || n != 6 {
		t.Fatalf("second connection: %d %v", n, err)
	}
	c1.Close()
	c2.Close()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Connect(ctx); err == nil {
		t.Fatal("Connect after DB.Close")
	}
}
