package flightsql_test

import (
	"context"
	"fmt"
	"net"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"
	arrowflightsql "github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/flightsql"
	"github.com/kq-sql/kq/internal/kafkatest"
)

// perPartition is how many records each partition of "events" holds;
// record i of partition p is valued "v-p-i".
var perPartition = []int{300, 1, 0, 2500}

// fixture is a kfake cluster with "events", an Engine on it with a
// checked allocator, and a Flight SQL server on 127.0.0.1:0.
type fixture struct {
	cluster *kafkatest.Cluster
	eng     *kq.Engine
	addr    string
	mem     *memory.CheckedAllocator
}

type fixtureOpts struct {
	engine []kq.Option
	server []flightsql.Option
	topics func(t *testing.T, c *kafkatest.Cluster)
}

func start(t *testing.T, o fixtureOpts) *fixture {
	t.Helper()
	c := kafkatest.New(t, kfake.SeedTopics(int32(len(perPartition)), "events"))
	ctx := context.Background()
	if err := c.Produce(ctx, kafkatest.Records("events", perPartition, func(p int32, i int) *kgo.Record {
		return &kgo.Record{Value: fmt.Appendf(nil, "v-%d-%d", p, i)}
	})...); err != nil {
		t.Fatal(err)
	}
	if o.topics != nil {
		o.topics(t, c)
	}
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	eng, err := kq.Open(append([]kq.Option{kq.WithBrokers(c.Brokers()), kq.WithAllocator(mem), kq.WithWorkers(2)}, o.engine...)...)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := flightsql.New(eng, o.server...)
	if err != nil {
		t.Fatal(err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(sctx, lis) }()
	f := &fixture{cluster: c, eng: eng, addr: lis.Addr().String(), mem: mem}
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
		eng.Close()
		mem.AssertSize(t, 0)
	})
	return f
}

// client returns an arrow-go Flight SQL client of f's server.
func (f *fixture) client(t *testing.T, opts ...grpc.DialOption) *arrowflightsql.Client {
	t.Helper()
	if len(opts) == 0 {
		opts = []grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}
	}
	cl, err := arrowflightsql.NewClient(f.addr, nil, nil, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	return cl
}

// fetch runs info's endpoints and returns every row as strings, one
// per column, in the order they came.
func fetch(ctx context.Context, cl *arrowflightsql.Client, info *flight.FlightInfo) ([][]string, *arrow.Schema, error) {
	var rows [][]string
	var schema *arrow.Schema
	for _, ep := range info.Endpoint {
		rdr, err := cl.DoGet(ctx, ep.Ticket)
		if err != nil {
			return nil, nil, err
		}
		schema = rdr.Schema()
		for rdr.Next() {
			rec := rdr.RecordBatch()
			for i := 0; i < int(rec.NumRows()); i++ {
				row := make([]string, rec.NumCols())
				for c := range row {
					row[c] = strings.Clone(rec.Column(c).ValueStr(i))
				}
				rows = append(rows, row)
			}
		}
		err = rdr.Err()
		rdr.Release()
		if err != nil {
			return nil, nil, err
		}
	}
	return rows, schema, nil
}

func query(ctx context.Context, cl *arrowflightsql.Client, sql string) ([][]string, error) {
	info, err := cl.Execute(ctx, sql)
	if err != nil {
		return nil, err
	}
	rows, _, err := fetch(ctx, cl, info)
	return rows, err
}

// wantEvents are the rows of SELECT partition, offset, CAST(value AS
// VARCHAR) FROM kafka('events'), sorted.
func wantEvents() [][]string {
	var out [][]string
	for p, n := range perPartition {
		for i := 0; i < n; i++ {
			out = append(out, []string{fmt.Sprint(p), fmt.Sprint(i), fmt.Sprintf("v-%d-%d", p, i)})
		}
	}
	sortRows(out)
	return out
}

func sortRows(rows [][]string) {
	sort.Slice(rows, func(i, j int) bool { return slices.Compare(rows[i], rows[j]) < 0 })
}

func equalRows(t *testing.T, what string, got, want [][]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows, want %d", what, len(got), len(want))
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Fatalf("%s: row %d is %q, want %q", what, i, got[i], want[i])
		}
	}
}

func TestStatementExact(t *testing.T) {
	f := start(t, fixtureOpts{})
	cl := f.client(t)
	ctx := context.Background()

	// A native scan, streamed from the scan.
	rows, err := query(ctx, cl, "SELECT partition, offset, CAST(value AS VARCHAR) AS v FROM kafka('events') WITH (minPartitions=5)")
	if err != nil {
		t.Fatal(err)
	}
	sortRows(rows)
	equalRows(t, "scan", rows, wantEvents())

	// A query DuckDB runs; the result is computed from the generator.
	rows, err = query(ctx, cl, "SELECT partition, COUNT(*), MAX(offset) FROM kafka('events') GROUP BY partition ORDER BY partition")
	if err != nil {
		t.Fatal(err)
	}
	var want [][]string
	for p, n := range perPartition {
		if n > 0 {
			want = append(want, []string{fmt.Sprint(p), fmt.Sprint(n), fmt.Sprint(n - 1)})
		}
	}
	equalRows(t, "group by", rows, want)

	// The FlightInfo's schema is the stream's.
	info, err := cl.Execute(ctx, "SELECT offset, value FROM kafka('events')")
	if err != nil {
		t.Fatal(err)
	}
	schema, err := flight.DeserializeSchema(info.Schema, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	_, streamed, err := fetch(ctx, cl, info)
	if err != nil {
		t.Fatal(err)
	}
	if !schema.Equal(streamed) || schema.NumFields() != 2 || schema.Field(1).Type.ID() != arrow.BINARY {
		t.Fatalf("FlightInfo schema %v, stream schema %v", schema, streamed)
	}

	// A ticket is good once.
	if _, _, err := fetch(ctx, cl, info); status.Code(err) != codes.NotFound {
		t.Fatalf("second DoGet of a ticket: %v, want NotFound", err)
	}
}

func TestStatementErrors(t *testing.T) {
	f := start(t, fixtureOpts{})
	cl := f.client(t)
	ctx := context.Background()
	for _, tc := range []struct {
		sql  string
		code codes.Code
		msg  string
	}{
		{"SELECT nope FROM kafka('events')", codes.InvalidArgument, "1:8"},
		{"SELECT * FROM kafka('evnets')", codes.NotFound, "evnets"},
		{"SELEC 1", codes.InvalidArgument, "1:1"},
	} {
		_, err := cl.Execute(ctx, tc.sql)
		st, _ := status.FromError(err)
		if st.Code() != tc.code || !contains(st.Message(), tc.msg) {
			t.Errorf("%s: %v, want %v naming %q", tc.sql, err, tc.code, tc.msg)
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func TestConcurrentClients(t *testing.T) {
	f := start(t, fixtureOpts{})
	ctx := context.Background()
	want := wantEvents()
	total := 0
	for _, n := range perPartition {
		total += n
	}
	const clients = 16
	errs := make(chan error, clients)
	for c := 0; c < clients; c++ {
		cl := f.client(t)
		go func() {
			var err error
			if c%2 == 0 {
				var rows [][]string
				rows, err = query(ctx, cl, "SELECT partition, offset, CAST(value AS VARCHAR) FROM kafka('events')")
				sortRows(rows)
				if err == nil && !slices.EqualFunc(rows, want, slices.Equal) {
					err = fmt.Errorf("client %d: %d rows, not the %d expected", c, len(rows), len(want))
				}
			} else {
				var rows [][]string
				rows, err = query(ctx, cl, "SELECT COUNT(*), SUM(octet_length(value)) FROM kafka('events') WHERE offset >= 0")
				if err == nil {
					wantLen := 0
					for _, r := range want {
						wantLen += len(r[2])
					}
					if len(rows) != 1 || rows[0][0] != fmt.Sprint(total) || rows[0][1] != fmt.Sprint(wantLen) {
						err = fmt.Errorf("client %d: got %q, want [%d %d]", c, rows, total, wantLen)
					}
				}
			}
			errs <- err
		}()
	}
	for c := 0; c < clients; c++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestPreparedStatement(t *testing.T) {
	f := start(t, fixtureOpts{})
	cl := f.client(t)
	ctx := context.Background()
	stmt, err := cl.Prepare(ctx, "SELECT partition, offset, CAST(value AS VARCHAR) FROM kafka('events')")
	if err != nil {
		t.Fatal(err)
	}
	// The result's schema is known at prepare time (the Flight SQL JDBC
	// driver runs a statement without one as an update).
	if ds := stmt.DatasetSchema(); ds == nil || ds.NumFields() != 3 || ds.Field(2).Type.ID() != arrow.STRING {
		t.Fatalf("dataset schema %v", ds)
	}
	// Two executions, each planned anew: the second sees a record
	// produced in between.
	for run := 0; run < 2; run++ {
		info, err := stmt.Execute(ctx)
		if err != nil {
			t.Fatal(err)
		}
		rows, _, err := fetch(ctx, cl, info)
		if err != nil {
			t.Fatal(err)
		}
		sortRows(rows)
		want := wantEvents()
		if run == 1 {
			want = append(want, []string{"2", "0", "late"})
			sortRows(want)
		}
		equalRows(t, fmt.Sprintf("run %d", run), rows, want)
		if run == 0 {
			if err := f.cluster.Produce(ctx, &kgo.Record{Topic: "events", Partition: 2, Value: []byte("late")}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := stmt.Close(ctx); err != nil {
		t.Fatal(err)
	}

	// A statement that writes has no dataset schema and runs as an
	// update; one that does not plan fails at prepare.
	up, err := cl.Prepare(ctx, "CREATE TABLE p AS SELECT offset FROM kafka('events') WHERE partition = 3")
	if err != nil {
		t.Fatal(err)
	}
	if ds := up.DatasetSchema(); ds != nil && ds.NumFields() > 0 {
		t.Fatalf("dataset schema of CREATE TABLE AS: %v", ds)
	}
	if n, err := up.ExecuteUpdate(ctx); err != nil || n != int64(perPartition[3]) {
		t.Fatalf("prepared CREATE TABLE AS: %d, %v", n, err)
	}
	up.Close(ctx)
	if _, err := cl.Prepare(ctx, "SELECT nope FROM kafka('events')"); status.Code(err) != codes.InvalidArgument {
		t.Fatalf("prepare of a bad query: %v, want InvalidArgument", err)
	}
	// A prepared query never executed is released at close (the
	// checked allocator ends at 0).
	idle, err := cl.Prepare(ctx, "SELECT value FROM kafka('events')")
	if err != nil {
		t.Fatal(err)
	}
	if err := idle.Close(ctx); err != nil {
		t.Fatal(err)
	}

	// The handle is gone on the server: a client that still holds it
	// is refused.
	again, err := cl.LoadPreparedStatementFromResult(&arrowflightsql.CreatePreparedStatementResult{PreparedStatementHandle: stmt.Handle()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := again.Execute(ctx); status.Code(err) != codes.NotFound {
		t.Fatalf("execute after close: %v, want NotFound", err)
	}
}

func TestUpdatesAndTables(t *testing.T) {
	f := start(t, fixtureOpts{})
	cl := f.client(t)
	ctx := context.Background()
	n, err := cl.ExecuteUpdate(ctx, "CREATE TABLE ev AS SELECT partition, offset FROM kafka('events')")
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, c := range perPartition {
		total += c
	}
	if n != int64(total) {
		t.Fatalf("CREATE TABLE AS wrote %d rows, want %d", n, total)
	}
	n, err = cl.ExecuteUpdate(ctx, "INSERT INTO ev SELECT partition, offset FROM kafka('events') WHERE partition = 0")
	if err != nil || n != int64(perPartition[0]) {
		t.Fatalf("INSERT: %d, %v; want %d", n, err, perPartition[0])
	}
	// A failing INSERT changes nothing (one transaction).
	if _, err := cl.ExecuteUpdate(ctx, "INSERT INTO ev SELECT partition, offset, offset FROM kafka('events')"); err == nil {
		t.Fatal("INSERT of three columns into two succeeded")
	}
	rows, err := query(ctx, cl, "SELECT COUNT(*) FROM ev")
	if err != nil || len(rows) != 1 || rows[0][0] != fmt.Sprint(total+perPartition[0]) {
		t.Fatalf("SELECT COUNT(*) FROM ev: %q, %v; want %d", rows, err, total+perPartition[0])
	}

	// GetTables: the topic in "kafka", the table in "main", with
	// schemas.
	info, err := cl.GetTables(ctx, &arrowflightsql.GetTablesOpts{IncludeSchema: true})
	if err != nil {
		t.Fatal(err)
	}
	rdr, err := cl.DoGet(ctx, info.Endpoint[0].Ticket)
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Release()
	got := map[string]*arrow.Schema{}
	for rdr.Next() {
		rec := rdr.RecordBatch()
		for i := 0; i < int(rec.NumRows()); i++ {
			if !rec.Column(0).IsNull(i) {
				t.Errorf("row %d has a catalog", i)
			}
			name := rec.Column(1).ValueStr(i) + "." + rec.Column(2).ValueStr(i)
			s, err := flight.DeserializeSchema(rec.Column(4).(*array.Binary).Value(i), memory.DefaultAllocator)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got[name] = s
			if tt := rec.Column(3).ValueStr(i); tt != "TABLE" {
				t.Errorf("%s: type %q", name, tt)
			}
		}
	}
	if err := rdr.Err(); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["kafka.events"] == nil || got["main.ev"] == nil {
		t.Fatalf("GetTables: %v, want kafka.events and main.ev", got)
	}
	var names []string
	for _, fl := range got["kafka.events"].Fields() {
		names = append(names, fl.Name)
	}
	if want := []string{"key", "value", "topic", "partition", "offset", "timestamp", "timestampType"}; !slices.Equal(names, want) {
		t.Errorf("kafka.events columns %v, want %v", names, want)
	}
	if s := got["main.ev"]; s.NumFields() != 2 || s.Field(0).Name != "partition" || s.Field(1).Name != "offset" {
		t.Errorf("main.ev schema %v", s)
	}

	// Filters: a table name pattern, a schema, a catalog.
	for _, tc := range []struct {
		opts *arrowflightsql.GetTablesOpts
		want []string
	}{
		{&arrowflightsql.GetTablesOpts{TableNameFilterPattern: ptr("ev_nts")}, []string{"kafka.events"}},
		{&arrowflightsql.GetTablesOpts{DbSchemaFilterPattern: ptr("ma%")}, []string{"main.ev"}},
		{&arrowflightsql.GetTablesOpts{Catalog: ptr("other")}, nil},
		{&arrowflightsql.GetTablesOpts{TableTypes: []string{"VIEW"}}, nil},
	} {
		info, err := cl.GetTables(ctx, tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		rows, _, err := fetch(ctx, cl, info)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, r := range rows {
			names = append(names, r[1]+"."+r[2])
		}
		if !slices.Equal(names, tc.want) {
			t.Errorf("GetTables(%+v): %v, want %v", tc.opts, names, tc.want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestMetadata(t *testing.T) {
	f := start(t, fixtureOpts{server: []flightsql.Option{flightsql.WithVersion("1.2.3")}})
	cl := f.client(t)
	ctx := context.Background()

	info, err := cl.GetCatalogs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rows, _, err := fetch(ctx, cl, info); err != nil || len(rows) != 0 {
		t.Fatalf("GetCatalogs: %q, %v; want none", rows, err)
	}
	info, err = cl.GetDBSchemas(ctx, &arrowflightsql.GetDBSchemasOpts{})
	if err != nil {
		t.Fatal(err)
	}
	rows, _, err := fetch(ctx, cl, info)
	if err != nil {
		t.Fatal(err)
	}
	equalRows(t, "GetDBSchemas", rows, [][]string{{"(null)", "kafka"}, {"(null)", "main"}})

	info, err = cl.GetSqlInfo(ctx, []arrowflightsql.SqlInfo{arrowflightsql.SqlInfoFlightSqlServerName, arrowflightsql.SqlInfoFlightSqlServerVersion, arrowflightsql.SqlInfoIdentifierQuoteChar, arrowflightsql.SqlInfoFlightSqlServerTransaction})
	if err != nil {
		t.Fatal(err)
	}
	rows, _, err = fetch(ctx, cl, info)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rows {
		got[r[0]] = r[1]
	}
	for id, want := range map[arrowflightsql.SqlInfo]string{
		arrowflightsql.SqlInfoFlightSqlServerName:        "kq",
		arrowflightsql.SqlInfoFlightSqlServerVersion:     "1.2.3",
		arrowflightsql.SqlInfoIdentifierQuoteChar:        `"`,
		arrowflightsql.SqlInfoFlightSqlServerTransaction: fmt.Sprint(int32(arrowflightsql.SqlTransactionNone)),
	} {
		if g := got[fmt.Sprint(uint32(id))]; !contains(g, want) {
			t.Errorf("SqlInfo %v = %q, want %q", id, g, want)
		}
	}
}

func TestMaxQueries(t *testing.T) {
	f := start(t, fixtureOpts{server: []flightsql.Option{flightsql.WithMaxQueries(1), flightsql.WithTicketTimeout(2 * time.Second)}})
	cl := f.client(t)
	ctx := context.Background()
	info, err := cl.Execute(ctx, "SELECT offset FROM kafka('events')")
	if err != nil {
		t.Fatal(err)
	}
	// The first query holds the one slot until its DoGet ends.
	if _, err := cl.Execute(ctx, "SELECT offset FROM kafka('events')"); status.Code(err) != codes.ResourceExhausted {
		t.Fatalf("second query: %v, want ResourceExhausted", err)
	}
	if _, err := cl.ExecuteUpdate(ctx, "CREATE TABLE x AS SELECT 1"); status.Code(err) != codes.ResourceExhausted {
		t.Fatalf("update: %v, want ResourceExhausted", err)
	}
	if _, _, err := fetch(ctx, cl, info); err != nil {
		t.Fatal(err)
	}
	// Freed; and a ticket nobody fetches frees its slot at the timeout.
	if _, err := cl.Execute(ctx, "SELECT offset FROM kafka('events')"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := cl.Execute(ctx, "SELECT offset FROM kafka('events')")
		if err == nil {
			break
		}
		if status.Code(err) != codes.ResourceExhausted || time.Now().After(deadline) {
			t.Fatalf("after the ticket timeout: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// bindOne binds one row of parameters, one column per value (int32 or
// string), to stmt.
func bindOne(t *testing.T, stmt *arrowflightsql.PreparedStatement, values ...any) {
	t.Helper()
	var fields []arrow.Field
	for i, v := range values {
		typ := arrow.DataType(arrow.BinaryTypes.String)
		if _, ok := v.(int32); ok {
			typ = arrow.PrimitiveTypes.Int32
		}
		fields = append(fields, arrow.Field{Name: fmt.Sprint("p", i), Type: typ, Nullable: true})
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, arrow.NewSchema(fields, nil))
	defer b.Release()
	for i, v := range values {
		switch v := v.(type) {
		case int32:
			b.Field(i).(*array.Int32Builder).Append(v)
		case string:
			b.Field(i).(*array.StringBuilder).Append(v)
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	stmt.SetParameters(rec)
}

// TestParameters: values bound to a prepared statement's placeholders
// are values, never SQL; each execution binds what was set last.
func TestParameters(t *testing.T) {
	f := start(t, fixtureOpts{})
	cl := f.client(t)
	ctx := context.Background()
	stmt, err := cl.Prepare(ctx, "SELECT partition, offset, CAST(value AS VARCHAR) FROM kafka('events') WHERE partition = ? AND CAST(value AS VARCHAR) <> ?")
	if err != nil {
		t.Fatal(err)
	}
	defer stmt.Close(ctx)
	for _, p := range []int32{3, 0, 2} {
		bindOne(t, stmt, p, "v-0-7")
		info, err := stmt.Execute(ctx)
		if err != nil {
			t.Fatal(err)
		}
		rows, _, err := fetch(ctx, cl, info)
		if err != nil {
			t.Fatal(err)
		}
		sortRows(rows)
		var want [][]string
		for _, r := range wantEvents() {
			if r[0] == fmt.Sprint(p) && r[2] != "v-0-7" {
				want = append(want, r)
			}
		}
		equalRows(t, fmt.Sprintf("partition = %d", p), rows, want)
	}
	// A string that looks like SQL is a string.
	bindOne(t, stmt, int32(0), "x' OR '1'='1")
	info, err := stmt.Execute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rows, _, err := fetch(ctx, cl, info); err != nil || len(rows) != perPartition[0] {
		t.Fatalf("injection attempt: %d rows, %v; want %d", len(rows), err, perPartition[0])
	}
	// A prepared update takes parameters too.
	up, err := cl.Prepare(ctx, "CREATE TABLE px AS SELECT offset FROM kafka('events') WHERE partition = ?")
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close(ctx)
	bindOne(t, up, int32(3))
	if n, err := up.ExecuteUpdate(ctx); err != nil || n != int64(perPartition[3]) {
		t.Fatalf("prepared CREATE TABLE AS with a parameter: %d, %v", n, err)
	}
	// Missing values are the statement's error.
	bare, err := cl.Prepare(ctx, "SELECT offset FROM kafka('events') WHERE partition = ?")
	if err != nil {
		t.Fatal(err)
	}
	defer bare.Close(ctx)
	if _, err := bare.Execute(ctx); status.Code(err) != codes.InvalidArgument {
		t.Fatalf("executing without a value: %v, want InvalidArgument", err)
	}
}

// TestMemoryLimit: a query over the engine's memory limit is an error
// for its client, and the server goes on serving.
func TestMemoryLimit(t *testing.T) {
	f := start(t, fixtureOpts{engine: []kq.Option{kq.WithMemoryLimit(16 << 20)}, topics: bigTopic})
	cl := f.client(t)
	ctx := context.Background()
	_, err := query(ctx, cl, "SELECT list(value) FROM kafka('big')")
	if st, _ := status.FromError(err); err == nil || !strings.Contains(st.Message(), "Out of Memory") {
		t.Fatalf("list() of 180,000 values under 16 MiB: %v, want an out-of-memory error", err)
	}
	if rows, err := query(ctx, cl, "SELECT COUNT(*) FROM kafka('big')"); err != nil || rows[0][0] != "180000" {
		t.Fatalf("after the failed query: %q, %v", rows, err)
	}
}
