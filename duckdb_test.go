package kq_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/internal/kafkatest"
	"github.com/kq-sql/kq/internal/output"
)

// order is one record of the shared orders fixture.
type order struct {
	partition int32
	offset    int64
	id        int64
	customer  string
	amount    float64
	status    string
}

// ordersFixture is a kafkatest cluster with topic "orders" (3 partitions)
// of JSON order values, shared by the relational tests (one cluster per
// test binary keeps `make test` fast).
type ordersFixture struct {
	cluster *kafkatest.Cluster
	orders  []order
}

var (
	fixtureOnce sync.Once
	fixture     *ordersFixture
	fixtureErr  error
)

const fixtureOrders = 3000

func orders(t *testing.T) *ordersFixture {
	t.Helper()
	fixtureOnce.Do(func() {
		// Not closed: it lives as long as the test binary.
		c, err := kafkatest.Start([]kfake.Opt{kfake.SeedTopics(3, "orders")})
		if err != nil {
			fixtureErr = err
			return
		}
		f := &ordersFixture{cluster: c}
		statuses := []string{"paid", "shipped", "cancelled"}
		next := [3]int64{}
		var recs []*kgo.Record
		for i := range fixtureOrders {
			o := order{partition: int32(i % 3), id: int64(i), customer: fmt.Sprintf("c%d", i%7), amount: float64(i%100) + 0.5, status: statuses[i%len(statuses)]}
			o.offset = next[o.partition]
			next[o.partition]++
			f.orders = append(f.orders, o)
			recs = append(recs, &kgo.Record{
				Topic: "orders", Partition: o.partition, Key: fmt.Appendf(nil, "%d", o.id),
				Value: fmt.Appendf(nil, `{"order_id":%d,"customer":%q,"amount":%g,"status":%q}`, o.id, o.customer, o.amount, o.status),
			})
		}
		if err := c.Produce(context.Background(), recs...); err != nil {
			fixtureErr = err
			return
		}
		fixture = f
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixture
}

// open opens an engine on the fixture cluster.
func (f *ordersFixture) open(t *testing.T, opts ...kq.Option) *kq.Engine {
	t.Helper()
	return openOn(t, f.cluster, opts...)
}

// rows runs sql and returns its rows printed as "a|b|c" (sink's text
// rendering, NULL as "NULL").
func rows(t *testing.T, eng *kq.Engine, sql string) []string {
	t.Helper()
	out, _ := rowsStats(t, eng, sql)
	return out
}

// rowsStats runs sql and returns its rows as in rows, and its statistics.
func rowsStats(t *testing.T, eng *kq.Engine, sql string) ([]string, *kq.Stats) {
	t.Helper()
	rr, err := eng.Query(context.Background(), sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	defer rr.Release()
	return readRows(t, rr), rr.Stats()
}

func readRows(t *testing.T, rr array.RecordReader) []string {
	t.Helper()
	var csv strings.Builder
	if _, err := output.Write(&csv, "csv", rr); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(csv.String(), "\n"), "\n")
	out := make([]string, 0, len(lines)-1)
	for _, l := range lines[1:] {
		out = append(out, strings.ReplaceAll(l, ",", "|"))
	}
	return out
}

func TestRelationalWhereAggregate(t *testing.T) {
	f := orders(t)
	eng := f.open(t)
	var n, valueBytes, minOff, maxOff int64 = 0, 0, -1, -1
	for _, o := range f.orders {
		if o.partition != 1 {
			continue
		}
		n++
		valueBytes += int64(len(fmt.Sprintf(`{"order_id":%d,"customer":%q,"amount":%g,"status":%q}`, o.id, o.customer, o.amount, o.status)))
		if minOff < 0 || o.offset < minOff {
			minOff = o.offset
		}
		maxOff = max(maxOff, o.offset)
	}
	got := rows(t, eng, `SELECT COUNT(*), SUM(octet_length(value)), MIN("offset"), MAX(offset) FROM kafka('orders') WITH (minPartitions=4) WHERE partition = 1`)
	if want := fmt.Sprintf("%d|%d|%d|%d", n, valueBytes, minOff, maxOff); len(got) != 1 || got[0] != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestRelationalQueries(t *testing.T) {
	f := orders(t)
	eng := f.open(t)
	dir := t.TempDir()

	// Customers as a Parquet file, written by DuckDB itself.
	custPath := filepath.Join(dir, "customers.parquet")
	if _, err := eng.Exec(context.Background(), `COPY (SELECT 'c' || range AS id, 'name-' || range AS name FROM range(7)) TO '`+custPath+`'`); err != nil {
		t.Fatal(err)
	}

	type agg struct {
		n      int64
		amount float64
	}
	byStatus := map[string]*agg{}
	byCustomer := map[string]int64{}
	for _, o := range f.orders {
		if byStatus[o.status] == nil {
			byStatus[o.status] = &agg{}
		}
		byStatus[o.status].n++
		byStatus[o.status].amount += o.amount
		byCustomer[o.customer]++
	}
	var statusRows, customerRows []string
	for _, s := range []string{"cancelled", "paid", "shipped"} {
		statusRows = append(statusRows, fmt.Sprintf("%s|%d|%g", s, byStatus[s].n, byStatus[s].amount))
	}
	for i := range 7 {
		customerRows = append(customerRows, fmt.Sprintf("name-%d|%d", i, byCustomer[fmt.Sprintf("c%d", i)]))
	}
	// The last offsets of the partitions, highest first.
	var last []string
	for p := int32(0); p < 3; p++ {
		last = append(last, fmt.Sprintf("%d|%d", fixtureOrders/3-1, p))
	}

	for _, tc := range []struct {
		name, sql string
		want      []string
	}{
		{"json aggregate", `SELECT decode(value)->>'status' AS status, COUNT(*), SUM(CAST(decode(value)->>'amount' AS DOUBLE))
			FROM kafka('orders') GROUP BY status ORDER BY status`, statusRows},
		{"json columns", `SELECT status, COUNT(*), SUM(amount) FROM kafka('orders') WITH (valueFormat='json', minPartitions=5)
			GROUP BY status ORDER BY status`, statusRows},
		{"json columns with a schema", `SELECT status, COUNT(*), SUM(amount) FROM kafka('orders')
			WITH (valueFormat='json', valueSchema='status VARCHAR, amount DOUBLE') GROUP BY 1 ORDER BY 1`, statusRows},
		{"join with parquet", `SELECT c.name, COUNT(*) FROM kafka('orders') AS o
			JOIN read_parquet('` + custPath + `') AS c ON c.id = decode(o.value)->>'customer'
			GROUP BY c.name ORDER BY c.name`, customerRows},
		{"order by limit", `SELECT offset, partition FROM kafka('orders') ORDER BY offset DESC, partition LIMIT 3`, last},
		{"window", `SELECT COUNT(*) FROM (SELECT offset, LAG(offset) OVER (PARTITION BY partition ORDER BY offset) AS prev FROM kafka('orders')) AS w WHERE prev = offset - 1`,
			[]string{fmt.Sprint(fixtureOrders - 3)}},
		{"no kafka source", `SELECT COUNT(*) FROM read_parquet('` + custPath + `')`, []string{"7"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := rows(t, eng, tc.sql)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestShowTopicsAndDescribe(t *testing.T) {
	f := orders(t)
	eng := f.open(t)
	n := fixtureOrders / 3
	// Other tests add topics to the shared cluster; orders is the first.
	got := rows(t, eng, "SHOW TOPICS")
	if want := fmt.Sprintf(`orders|3|"[0|0|0]"|"[%d|%d|%d]"|%d`, n, n, n, fixtureOrders); len(got) == 0 || !slices.Contains(got, want) {
		t.Fatalf("SHOW TOPICS: %q, want %q", got, want)
	}
	got = rows(t, eng, `DESCRIBE kafka('orders') WITH (valueFormat='json', startingOffsets='{"orders":{"0":10,"1":-2,"2":-2}}')`)
	want := []string{
		"column|key|BLOB||||", `column|value|"STRUCT(order_id BIGINT| customer VARCHAR| amount DOUBLE| status VARCHAR)"||||`, "column|topic|VARCHAR||||", "column|partition|INTEGER||||",
		"column|offset|BIGINT||||", "column|timestamp|TIMESTAMP WITH TIME ZONE||||", "column|timestampType|INTEGER||||",
		"column|order_id|BIGINT||||", "column|customer|VARCHAR||||", "column|amount|DOUBLE||||", "column|status|VARCHAR||||",
		fmt.Sprintf("partition|orders||0|10|%d|%d", n, n-10),
		fmt.Sprintf("partition|orders||1|0|%d|%d", n, n),
		fmt.Sprintf("partition|orders||2|0|%d|%d", n, n),
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("DESCRIBE:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := eng.Query(context.Background(), "DESCRIBE kafka('nope')"); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("DESCRIBE of an unknown topic: %v", err)
	}
}

// TestDuckDBSourceErrors checks that a scan's own error reaches the caller
// through DuckDB as itself (errors.As), not as DuckDB's message.
func TestDuckDBSourceErrors(t *testing.T) {
	f := orders(t)
	ctx := context.Background()
	if err := f.cluster.CreateTopic(ctx, "badjson", 2, nil); err != nil {
		t.Fatal(err)
	}
	var recs []*kgo.Record
	for i := range 200 {
		v := fmt.Sprintf(`{"n":%d}`, i)
		if i == 150 {
			v = `{"n":` // does not decode
		}
		recs = append(recs, &kgo.Record{Topic: "badjson", Partition: int32(i % 2), Value: []byte(v)})
	}
	if err := f.cluster.Produce(ctx, recs...); err != nil {
		t.Fatal(err)
	}
	eng := f.open(t)
	src := `kafka('badjson') WITH (valueFormat='json', valueSchema='n BIGINT'`
	got, stats := rowsStats(t, eng, `SELECT COUNT(n), SUM(n) FROM `+src+`) WHERE n >= 0`)
	if len(got) != 1 || got[0] != fmt.Sprintf("199|%d", 199*200/2-150) {
		t.Fatalf("lenient decoding: %v", got)
	}
	if stats == nil || stats.Rows != 200 || stats.DecodeErrors != 1 {
		t.Fatalf("stats %+v", stats)
	}
	for _, sql := range []string{
		`SELECT SUM(n) FROM ` + src + `, onDecodeError='fail')`,
		`COPY (SELECT n * 2 FROM ` + src + `, onDecodeError='fail')) TO '` + filepath.Join(t.TempDir(), "x.parquet") + `'`,
	} {
		_, err := eng.Query(ctx, sql)
		var de *kq.DecodeError
		if !errors.As(err, &de) || de.Topic != "badjson" || de.Offset != 75 {
			t.Fatalf("%s: error %v (%T), want *kq.DecodeError at badjson offset 75", sql, err, err)
		}
	}
}

// TestDuckDBPathReleasesMemory runs queries through DuckDB (complete,
// stopped early by LIMIT, failing, writing) with a checked allocator: every
// batch a scan built is released.
func TestDuckDBPathReleasesMemory(t *testing.T) {
	f := orders(t)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	eng := f.open(t, kq.WithAllocator(mem))
	ctx := context.Background()
	for _, sql := range []string{
		`SELECT partition, COUNT(*) FROM kafka('orders') GROUP BY partition`,
		`SELECT o.offset FROM kafka('orders') AS o JOIN kafka('orders') AS p ON o.offset = p.offset AND o.partition = p.partition LIMIT 3`,
		`SELECT key, value, headers FROM kafka('orders') WITH (includeHeaders=true) WHERE offset % 100 = 0`,
		`SELECT status, amount FROM kafka('orders') WITH (valueFormat='json') ORDER BY amount DESC LIMIT 1`,
	} {
		rr, err := eng.Query(ctx, sql)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		for rr.Next() {
		}
		rr.Release()
	}
	if _, err := eng.Query(ctx, `SELECT CAST(decode(value) AS INTEGER) FROM kafka('orders')`); err == nil {
		t.Fatal("a failing cast did not fail")
	}
	if _, err := eng.Exec(ctx, `CREATE TABLE m AS SELECT * FROM kafka('orders') WHERE partition = 2`); err != nil {
		t.Fatal(err)
	}
	mem.AssertSize(t, 0)
}

// TestDuckDBTypesRender renders DuckDB's result types in the text formats.
func TestDuckDBTypesRender(t *testing.T) {
	f := orders(t)
	eng := f.open(t)
	sql := `SELECT CAST(1.5 AS DECIMAL(10,2)) AS d, CAST('2024-01-02' AS DATE) AS dt, TIMESTAMP '2024-01-02 03:04:05.123456' AS ts,
	  CAST('2024-01-02 03:04:05+02' AS TIMESTAMPTZ) AS tz, INTERVAL '1 day 2 hours' AS iv, list_value(1, 2) AS l, row(1, 'x') AS s,
	  map(list_value('k'), list_value(1)) AS m, NULL AS n, CAST('123456789012345678901234567890' AS HUGEINT) AS h,
	  CAST('x' AS BLOB) AS b, from_hex('ff00') AS hex, CAST('01:02:03' AS TIME) AS t, CAST(1 AS TINYINT) AS ti, CAST(2 AS UBIGINT) AS ub,
	  CAST(1.25 AS FLOAT) AS fl, 'a' AS v`
	for format, want := range map[output.Format]string{
		"ndjson": `{"d":1.50,"dt":"2024-01-02","ts":"2024-01-02T03:04:05.123456Z","tz":"2024-01-02T01:04:05.000000Z","iv":"P1DT2H","l":[1,2],"s":{"":1,"":"x"},"m":{"k":1},"n":null,"h":123456789012345678901234567890,"b":"x","hex":"\\xff00","t":"01:02:03.000000","ti":1,"ub":2,"fl":1.25,"v":"a"}` + "\n",
		"csv": "d,dt,ts,tz,iv,l,s,m,n,h,b,hex,t,ti,ub,fl,v\n" +
			`1.50,2024-01-02,2024-01-02T03:04:05.123456Z,2024-01-02T01:04:05.000000Z,P1DT2H,"[1,2]","{"""":1,"""":""x""}","{""k"":1}",,123456789012345678901234567890,x,\xff00,01:02:03.000000,1,2,1.25,a` + "\n",
	} {
		rr, err := eng.Query(context.Background(), sql)
		if err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		_, err = output.Write(&out, format, rr)
		rr.Release()
		if err != nil {
			t.Fatal(err)
		}
		if out.String() != want {
			t.Errorf("%s:\n got %s\nwant %s", format, out.String(), want)
		}
	}
}

// TestNativeJSONProjection checks that projections of decoded JSON fields
// and SELECT * stream from the scan (Arrow types of the scan, not of
// DuckDB) with the right columns and values.
func TestNativeJSONProjection(t *testing.T) {
	f := orders(t)
	eng := f.open(t)
	ctx := context.Background()
	var amount float64
	for _, o := range f.orders {
		amount += o.amount
	}
	for _, tc := range []struct {
		sql  string
		cols string
	}{
		// The value STRUCT is hidden from *: its fields are the columns.
		{`SELECT * FROM kafka('orders') WITH (valueFormat='json')`, "key topic partition offset timestamp timestampType order_id customer amount status"},
		{`SELECT o.offset, status, o.amount FROM kafka('orders') WITH (valueFormat='json') AS o`, "offset status amount"},
	} {
		rr, err := eng.Query(ctx, tc.sql)
		if err != nil {
			t.Fatal(err)
		}
		// Streamed: the statistics exist only once the rows are read
		// (from the scan, or, as DuckDB's results stream too, from
		// DuckDB).
		native := rr.Stats() == nil
		var names []string
		for _, fl := range rr.Schema().Fields() {
			names = append(names, fl.Name)
		}
		if strings.Join(names, " ") != tc.cols {
			t.Fatalf("%s: columns %v, want %s", tc.sql, names, tc.cols)
		}
		var n int64
		var sum float64
		col := slices.Index(names, "amount")
		for rr.Next() {
			rec := rr.RecordBatch()
			n += rec.NumRows()
			a := rec.Column(col).(*array.Float64)
			for i := 0; i < a.Len(); i++ {
				sum += a.Value(i)
			}
		}
		err = rr.Err()
		rr.Release()
		if err != nil || n != fixtureOrders || sum != amount || !native {
			t.Fatalf("%s: %d rows, amount %g (want %d, %g), native %v, err %v", tc.sql, n, sum, fixtureOrders, amount, native, err)
		}
	}
}
