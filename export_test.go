package kq_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/internal/kafkatest"
)

// parquetSums reads a Parquet file with arrow-go's reader and returns its
// rows and the sums of its BIGINT/INTEGER columns by name.
func parquetSums(t *testing.T, path string) (int64, map[string]int64) {
	t.Helper()
	f, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pqarrow.NewFileReader(f, pqarrow.ArrowReadProperties{BatchSize: 4096}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	rr, err := r.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Release()
	var rows int64
	sums := map[string]int64{}
	for rr.Next() {
		rec := rr.RecordBatch()
		rows += rec.NumRows()
		for c, fld := range rec.Schema().Fields() {
			switch col := rec.Column(c).(type) {
			case *array.Int64:
				for i := 0; i < col.Len(); i++ {
					sums[fld.Name] += col.Value(i)
				}
			case *array.Int32:
				for i := 0; i < col.Len(); i++ {
					sums[fld.Name] += int64(col.Value(i))
				}
			case *array.Binary:
				for i := 0; i < col.Len(); i++ {
					sums[fld.Name] += int64(len(col.Value(i)))
				}
			}
		}
	}
	if err := rr.Err(); err != nil {
		t.Fatal(err)
	}
	return rows, sums
}

// fixtureSums are the exact figures of the orders fixture.
func fixtureSums(f *ordersFixture) (offsets, partitions, valueBytes int64) {
	for _, o := range f.orders {
		offsets += o.offset
		partitions += int64(o.partition)
		valueBytes += int64(len(fmt.Sprintf(`{"order_id":%d,"customer":%q,"amount":%g,"status":%q}`, o.id, o.customer, o.amount, o.status)))
	}
	return
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

func TestCopyParquet(t *testing.T) {
	f := orders(t)
	eng := f.open(t)
	dir := t.TempDir()
	offsets, partitions, valueBytes := fixtureSums(f)
	for _, tc := range []struct{ name, query, opts string }{
		// A projection of source columns is written by arrow-go's writer
		// straight from the scan; anything else by DuckDB's COPY.
		{"scan default", `SELECT partition, offset, value FROM kafka('orders') WITH (minPartitions=5)`, ""},
		{"scan snappy", `SELECT partition, offset, value FROM kafka('orders')`, ", COMPRESSION snappy"},
		{"duckdb zstd", `SELECT partition, offset + 0 AS offset, value FROM kafka('orders') WITH (minPartitions=5)`, ", COMPRESSION zstd"},
		{"duckdb none", `SELECT partition, offset + 0 AS offset, value FROM kafka('orders')`, ", COMPRESSION none"},
		{"scan zstd level 9", `SELECT partition, offset, value FROM kafka('orders')`, ", COMPRESSION zstd, COMPRESSION_LEVEL 9"},
		{"duckdb zstd level 9", `SELECT partition, offset + 0 AS offset, value FROM kafka('orders')`, ", COMPRESSION_LEVEL 9"},
		// Row groups of 97 rows: many, encoded in parallel and stitched
		// into one file (kq's Parquet writer), which DuckDB must read whole.
		{"scan row groups", `SELECT partition, offset, value FROM kafka('orders') WITH (minPartitions=5)`, ", ROW_GROUP_SIZE 97"},
		// DuckDB's writer with its smallest row group size; how many row
		// groups its threads make of 3000 rows depends on how they share
		// the scan's batches (one or two), so "duckdb row group size"
		// below checks the size on more rows.
		{"duckdb row groups", `SELECT partition, offset + 0 AS offset, value FROM kafka('orders')`, ", ROW_GROUP_SIZE 2048"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "orders.parquet")
			st, err := eng.Exec(context.Background(), `COPY (`+tc.query+`) TO '`+path+`' (FORMAT parquet`+tc.opts+`)`)
			if err != nil {
				t.Fatal(err)
			}
			rows, sums := parquetSums(t, path)
			if rows != fixtureOrders || st.Rows != fixtureOrders || sums["offset"] != offsets || sums["partition"] != partitions || sums["value"] != valueBytes {
				t.Fatalf("rows %d (stats %d), sums %v; want %d rows, offset %d, partition %d, value bytes %d",
					rows, st.Rows, sums, fixtureOrders, offsets, partitions, valueBytes)
			}
			if st.Scan == nil || st.Scan.Rows != fixtureOrders {
				t.Fatalf("scan stats %+v", st.Scan)
			}
			// DuckDB reads the file whole too, row group by row group.
			duckRows := queryInt64(t, eng, fmt.Sprintf(`SELECT COUNT(*) FROM read_parquet('%s')`, path))
			duckOffsets := queryInt64(t, eng, fmt.Sprintf(`SELECT SUM("offset")::BIGINT FROM read_parquet('%s')`, path))
			groups := queryInt64(t, eng, fmt.Sprintf(`SELECT COUNT(DISTINCT row_group_id) FROM parquet_metadata('%s')`, path))
			if duckRows != fixtureOrders || duckOffsets != offsets {
				t.Fatalf("DuckDB reads %d rows, offsets summing to %d; want %d, %d", duckRows, duckOffsets, fixtureOrders, offsets)
			}
			if tc.name == "scan row groups" && groups < 2 {
				t.Fatalf("%d row groups", groups)
			}
			if got := dirNames(t, dir); !slices.Equal(got, []string{"orders.parquet"}) {
				t.Fatalf("directory holds %v", got)
			}
		})
	}
	// ROW_GROUP_SIZE reaches DuckDB's writer: 30,000 rows (each record
	// ten times) in row groups of 2048 rows, each at most one more
	// 2048-row vector past it, whatever the threads (DuckDB's default,
	// 122,880 rows, would leave one row group a thread).
	t.Run("duckdb row group size", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "tenfold.parquet")
		st, err := eng.Exec(context.Background(), `COPY (SELECT o.partition, o.offset * 10 + r.range AS offset FROM kafka('orders') AS o, range(10) AS r) TO '`+path+`' (FORMAT parquet, ROW_GROUP_SIZE 2048)`)
		if err != nil {
			t.Fatal(err)
		}
		meta := fmt.Sprintf(`(SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata('%s'))`, path)
		rows := queryInt64(t, eng, `SELECT SUM(row_group_num_rows)::BIGINT FROM `+meta)
		groups := queryInt64(t, eng, `SELECT COUNT(*) FROM `+meta)
		largest := queryInt64(t, eng, `SELECT MAX(row_group_num_rows) FROM `+meta)
		if st.Rows != 10*fixtureOrders || rows != 10*fixtureOrders || groups < 8 || largest > 2*2048 {
			t.Fatalf("COPY wrote %d rows, the file holds %d in %d row groups, the largest %d; want %d rows in row groups of at most %d",
				st.Rows, rows, groups, largest, 10*fixtureOrders, 2*2048)
		}
	})
	t.Run("csv and json", func(t *testing.T) {
		for _, name := range []string{"o.csv", "o.json"} {
			path := filepath.Join(dir, name)
			st, err := eng.Exec(context.Background(), `COPY (SELECT partition, offset FROM kafka('orders') ORDER BY partition, offset) TO '`+path+`'`)
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(string(b)), "\n")
			first := map[string]string{"o.csv": "partition,offset", "o.json": `{"partition":0,"offset":0}`}[name]
			if st.Rows != fixtureOrders || lines[0] != first {
				t.Fatalf("%s: %d rows, first line %q", name, st.Rows, lines[0])
			}
		}
	})
	t.Run("bad options", func(t *testing.T) {
		for sql, want := range map[string]string{
			`COPY (SELECT 1) TO 'x.parquet' (FORMAT xml)`:                                                                                       `1:40: COPY option FORMAT: unknown format "xml"`,
			`COPY (SELECT 1) TO 'x.parquet' (COMPRESSION lz)`:                                                                                   `1:45: COPY option COMPRESSION: unknown codec "lz"`,
			`COPY (SELECT 1) TO 'x.parquet' (ROWS 3)`:                                                                                           `1:33: unknown COPY option ROWS`,
			`COPY (SELECT 1) TO 'x.csv' (COMPRESSION zstd)`:                                                                                     `1:29: COPY option COMPRESSION applies to FORMAT parquet only`,
			`COPY (SELECT 1) TO 'x' (FORMAT csv, PER_TASK true)`:                                                                                `PER_TASK true) writes Parquet parts`,
			`COPY (SELECT 1) TO 'x.parquet' (COMPRESSION_LEVEL 30)`:                                                                             `1:51: COPY option COMPRESSION_LEVEL: zstd level 30 is out of range 1–22`,
			`COPY (SELECT 1) TO 'x.parquet' (COMPRESSION_LEVEL fast)`:                                                                           `1:51: COPY option COMPRESSION_LEVEL: "fast" is not a positive integer`,
			`COPY (SELECT 1) TO 'x.parquet' (COMPRESSION snappy, COMPRESSION_LEVEL 3)`:                                                          `1:71: COPY option COMPRESSION_LEVEL: compression snappy has no levels`,
			`COPY (SELECT 1) TO 'x.csv' (COMPRESSION_LEVEL 3)`:                                                                                  `1:29: COPY option COMPRESSION_LEVEL applies to FORMAT parquet only`,
			`COPY (SELECT 1) TO 'x.parquet' (ROW_GROUP_SIZE 0)`:                                                                                 `1:48: COPY option ROW_GROUP_SIZE: "0" is not a positive number of rows`,
			`COPY (SELECT 1) TO 'x.csv' (ROW_GROUP_SIZE 10)`:                                                                                    `1:29: COPY option ROW_GROUP_SIZE applies to FORMAT parquet only`,
			`COPY (SELECT COUNT(*) FROM kafka('orders')) TO 'x' (PER_TASK true)`:                                                                `1:7: COPY ... (PER_TASK true) writes per-task parts: it needs SELECT <columns or expressions>`,
			`COPY (SELECT 1) TO 'x' (INCREMENTAL true, PER_TASK false)`:                                                                         `1:43: COPY option INCREMENTAL writes a directory of per-task parts: it needs PER_TASK true`,
			`COPY (SELECT 1) TO 'x' (FILE_SIZE_BYTES '10 furlongs')`:                                                                            `COPY option FILE_SIZE_BYTES: "10 furlongs" has an unknown unit`,
			`COPY (SELECT 1) TO 'x' (FILE_SIZE_BYTES 0)`:                                                                                        `COPY option FILE_SIZE_BYTES: "0" is not a positive size`,
			`COPY (SELECT 1) TO 'x' (PARTITION_BY (a, A))`:                                                                                      `1:25: COPY option PARTITION_BY names A twice`,
			`COPY (SELECT 1) TO 'x' (FORMAT (a))`:                                                                                               `1:25: COPY option FORMAT takes one value, not a list`,
			`COPY (SELECT offset FROM kafka('orders')) TO 'x' (PARTITION_BY (dt))`:                                                              `COPY option PARTITION_BY: dt is not a column of the query (its columns: offset)`,
			`COPY (SELECT row_number() OVER () AS n FROM kafka('orders')) TO 'x' (PER_TASK)`:                                                    `needs SELECT <columns or expressions> FROM kafka(...) without WHERE, joins, aggregates, window functions`,
			`COPY (SELECT status, count(*) AS n FROM kafka('orders') WITH (valueFormat='json') GROUP BY status) TO 'x' (PARTITION_BY (status))`: `1:7: COPY ... (PARTITION_BY) writes per-task parts: it needs SELECT`,
			`COPY (SELECT offset FROM kafka('orders')) TO 'ftp://h/x' (PER_TASK)`:                                                               `1:1: COPY: destination ftp://h/x: unsupported scheme ftp://`,
		} {
			_, err := eng.Exec(context.Background(), sql)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %v, want %q", sql, err, want)
			}
		}
	})
}

func TestCopyPerTask(t *testing.T) {
	f := orders(t)
	eng := f.open(t)
	dir := filepath.Join(t.TempDir(), "parts")
	offsets, partitions, valueBytes := fixtureSums(f)
	ctx := context.Background()
	for _, opts := range []string{"minPartitions=7", "maxRecordsPerPartition=300"} {
		t.Run(opts, func(t *testing.T) {
			src := `kafka('orders') WITH (` + opts + `)`
			p, err := eng.Explain(ctx, `SELECT partition, offset, value FROM `+src)
			if err != nil {
				t.Fatal(err)
			}
			st, err := eng.Exec(ctx, `COPY (SELECT partition, offset, value FROM `+src+`) TO '`+dir+`' (FORMAT parquet, PER_TASK true)`)
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(dir, "_kq_manifest.json"))
			if err != nil {
				t.Fatal(err)
			}
			var m struct {
				Rows  int64
				Parts []struct {
					File        string
					Topic       string
					Partition   int32
					From, Until int64
					Rows        int64
				}
			}
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			// One part per task, with exactly the task's range.
			if len(m.Parts) != len(p.Tasks) {
				t.Fatalf("%d parts for %d tasks", len(m.Parts), len(p.Tasks))
			}
			var rows, offSum, partSum, valSum int64
			for i, part := range m.Parts {
				task := p.Tasks[i]
				if part.Topic != task.Topic || part.Partition != task.Partition || part.From != task.From || part.Until != task.Until {
					t.Fatalf("part %d %+v, task %v", i, part, task.Range)
				}
				if want := fmt.Sprintf("%s-%d-%d-%d.parquet", task.Topic, task.Partition, task.From, task.Until); part.File != want {
					t.Fatalf("part file %s, want %s", part.File, want)
				}
				n, sums := parquetSums(t, filepath.Join(dir, part.File))
				if n != part.Rows || n != task.Until-task.From {
					t.Fatalf("%s: %d rows, manifest %d, range %d", part.File, n, part.Rows, task.Until-task.From)
				}
				rows += n
				offSum += sums["offset"]
				partSum += sums["partition"]
				valSum += sums["value"]
			}
			if rows != fixtureOrders || m.Rows != rows || st.Rows != rows || offSum != offsets || partSum != partitions || valSum != valueBytes {
				t.Fatalf("rows %d (manifest %d, stats %d), sums %d %d %d", rows, m.Rows, st.Rows, offSum, partSum, valSum)
			}
			// Only this run's parts and the manifest remain.
			if got := dirNames(t, dir); len(got) != len(m.Parts)+1 {
				t.Fatalf("directory holds %d files for %d parts: %v", len(got), len(m.Parts), got)
			}
		})
	}
}

// cancelOnFetch cancels ctx when the fixture broker receives its next fetch
// request, i.e. in the middle of a scan.
func cancelOnFetch(f *ordersFixture, cancel context.CancelFunc) {
	f.cluster.ControlKey(int16(kmsg.Fetch), func(kmsg.Request) (kmsg.Response, error, bool) {
		cancel()
		return nil, nil, false
	})
}

func TestCancelledExportLeavesNoFile(t *testing.T) {
	f := orders(t)
	eng := f.open(t)
	dir := t.TempDir()
	for _, tc := range []struct{ target, query, opts string }{
		{"out.parquet", "partition, offset, value", ""},
		{"out.parquet", "partition, offset + 1 AS o, value", ""}, // through DuckDB
		{"parts", "partition, offset, value", ", PER_TASK true"},
	} {
		t.Run(tc.target+" "+tc.query, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			cancelOnFetch(f, cancel)
			_, err := eng.Exec(ctx, `COPY (SELECT `+tc.query+` FROM kafka('orders') WITH (minPartitions=6)) TO '`+filepath.Join(dir, tc.target)+`' (FORMAT parquet`+tc.opts+`)`)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("error %v, want context.Canceled", err)
			}
			names := dirNames(t, dir)
			if tc.target == "parts" {
				if len(names) == 1 && names[0] == "parts" {
					names = dirNames(t, filepath.Join(dir, "parts"))
				}
			}
			if len(names) != 0 {
				t.Fatalf("cancelled export left %v", names)
			}
		})
	}
}

func TestFailedInsertLeavesTableUnchanged(t *testing.T) {
	f := orders(t)
	db := filepath.Join(t.TempDir(), "kq.duckdb")
	eng := f.open(t, kq.WithDB(db))
	ctx := context.Background()
	st, err := eng.Exec(ctx, `CREATE TABLE t AS SELECT partition, offset FROM kafka('orders') WHERE partition = 0`)
	if err != nil {
		t.Fatal(err)
	}
	if st.Rows != fixtureOrders/3 {
		t.Fatalf("CREATE TABLE AS wrote %d rows", st.Rows)
	}
	if got := rows(t, eng, "SHOW TABLES"); !slices.Contains(got, "t") {
		t.Fatalf("SHOW TABLES: %v", got)
	}
	if got := rows(t, eng, "DESCRIBE t"); len(got) != 2 || !strings.HasPrefix(got[0], "partition|INTEGER") || !strings.HasPrefix(got[1], "offset|BIGINT") {
		t.Fatalf("DESCRIBE t: %v", got)
	}
	count := func() string { return strings.Join(rows(t, eng, `SELECT COUNT(*), SUM(offset) FROM t`), ";") }
	before := count()

	// A statement failing part-way through the rows: the cast fails at
	// offset 500, after earlier rows were inserted.
	_, err = eng.Exec(ctx, `INSERT INTO t SELECT partition, CAST(CASE WHEN offset < 500 THEN '1' ELSE 'x' END AS BIGINT) FROM kafka('orders')`)
	if err == nil || !strings.Contains(err.Error(), "Conversion Error") {
		t.Fatalf("INSERT with a failing cast: %v", err)
	}
	if got := count(); got != before {
		t.Fatalf("after failed INSERT: %s, want %s", got, before)
	}
	// Cancellation in the middle of the scan.
	cctx, cancel := context.WithCancel(ctx)
	cancelOnFetch(f, cancel)
	_, err = eng.Exec(cctx, `INSERT INTO t SELECT partition, offset FROM kafka('orders') WITH (minPartitions=6)`)
	cancel()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled INSERT: %v", err)
	}
	if got := count(); got != before {
		t.Fatalf("after cancelled INSERT: %s, want %s", got, before)
	}
	// A successful INSERT, then the file database keeps the table.
	if st, err = eng.Exec(ctx, `INSERT INTO t SELECT partition, offset FROM kafka('orders') WHERE partition = 1`); err != nil || st.Rows != fixtureOrders/3 {
		t.Fatalf("INSERT: %v, %+v", err, st)
	}
	eng.Close()
	eng2 := f.open(t, kq.WithDB(db))
	if got := rows(t, eng2, `SELECT COUNT(*) FROM t`); len(got) != 1 || got[0] != fmt.Sprint(2*fixtureOrders/3) {
		t.Fatalf("reopened database: %v", got)
	}
}

func TestCopyPerTaskJSONFields(t *testing.T) {
	f := orders(t)
	eng := f.open(t)
	dir := filepath.Join(t.TempDir(), "json")
	st, err := eng.Exec(context.Background(), `COPY (SELECT offset, status, amount FROM kafka('orders') WITH (valueFormat='json', minPartitions=4)) TO '`+dir+`' (PER_TASK true)`)
	if err != nil {
		t.Fatal(err)
	}
	if st.Rows != fixtureOrders || len(st.Files) != 5 {
		t.Fatalf("stats %+v", st)
	}
	var rows, offsets int64
	for _, p := range st.Files[:4] {
		n, sums := parquetSums(t, p)
		rows += n
		offsets += sums["offset"]
	}
	want, _, _ := fixtureSums(f)
	if rows != fixtureOrders || offsets != want {
		t.Fatalf("parts hold %d rows, offset sum %d; want %d, %d", rows, offsets, fixtureOrders, want)
	}
}

// TestDataLossInsertLeavesTableUnchanged: an INSERT whose scan hits data
// loss under failOnDataLoss=true (the default) after other partitions'
// rows went in fails with the *kq.DataLossError and inserts nothing.
func TestDataLossInsertLeavesTableUnchanged(t *testing.T) {
	f := orders(t)
	ctx := context.Background()
	if err := f.cluster.CreateTopic(ctx, "lossy", 2, nil); err != nil {
		t.Fatal(err)
	}
	x := func(int32, int) *kgo.Record { return &kgo.Record{Value: []byte("x")} }
	if err := f.cluster.Produce(ctx, kafkatest.Records("lossy", []int{500, 500}, x)...); err != nil {
		t.Fatal(err)
	}
	del := kadm.Offsets{}
	del.AddOffset("lossy", 0, 300, -1)
	if err := f.cluster.DeleteRecords(ctx, del); err != nil {
		t.Fatal(err)
	}
	eng := f.open(t)
	if _, err := eng.Exec(ctx, `CREATE TABLE l AS SELECT partition, offset FROM kafka('lossy') WITH (failOnDataLoss=false) WHERE partition = 1`); err != nil {
		t.Fatal(err)
	}
	before := rows(t, eng, `SELECT COUNT(*), SUM(offset) FROM l`)
	_, err := eng.Exec(ctx, `INSERT INTO l SELECT partition, offset FROM kafka('lossy') WITH (startingOffsets='{"lossy":{"0":0,"1":-2}}', minPartitions=4)`)
	var dle *kq.DataLossError
	if !errors.As(err, &dle) || dle.Topic != "lossy" || dle.Partition != 0 {
		t.Fatalf("INSERT over lost records: %v (%T), want *kq.DataLossError for lossy-0", err, err)
	}
	if after := rows(t, eng, `SELECT COUNT(*), SUM(offset) FROM l`); strings.Join(after, ";") != strings.Join(before, ";") {
		t.Fatalf("table changed: %v, want %v", after, before)
	}
}
