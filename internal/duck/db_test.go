//go:build duckdb_arrow

package duck

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// viewRows is the table behind the regression views: Kafka-like columns
// mixing INT32, INT64, VARCHAR and BLOB (with NULLs), in several batches.
type viewRow struct {
	partition int32
	offset    int64
	topic     string
	key       []byte // nil is NULL
	value     []byte
}

func viewRows(n int) []viewRow {
	rows := make([]viewRow, n)
	for i := range rows {
		r := viewRow{partition: int32(i % 3), offset: int64(i), topic: fmt.Sprintf("t%d", i%4), value: fmt.Appendf(nil, "value-%d-%s", i, strings.Repeat("x", i%17))}
		if i%5 != 0 {
			r.key = fmt.Appendf(nil, "k%d", i)
		}
		rows[i] = r
	}
	return rows
}

var viewSchema = arrow.NewSchema([]arrow.Field{
	{Name: "partition", Type: arrow.PrimitiveTypes.Int32},
	{Name: "offset", Type: arrow.PrimitiveTypes.Int64},
	{Name: "topic", Type: arrow.BinaryTypes.String},
	{Name: "key", Type: arrow.BinaryTypes.Binary, Nullable: true},
	{Name: "value", Type: arrow.BinaryTypes.Binary, Nullable: true},
}, nil)

// viewReader returns rows as a record reader of batches of batchRows.
func viewReader(t *testing.T, mem memory.Allocator, rows []viewRow, batchRows int) array.RecordReader {
	t.Helper()
	b := array.NewRecordBuilder(mem, viewSchema)
	defer b.Release()
	var recs []arrow.RecordBatch
	for i, r := range rows {
		b.Field(0).(*array.Int32Builder).Append(r.partition)
		b.Field(1).(*array.Int64Builder).Append(r.offset)
		b.Field(2).(*array.StringBuilder).Append(r.topic)
		if r.key == nil {
			b.Field(3).AppendNull()
		} else {
			b.Field(3).(*array.BinaryBuilder).Append(r.key)
		}
		b.Field(4).(*array.BinaryBuilder).Append(r.value)
		if (i+1)%batchRows == 0 || i == len(rows)-1 {
			recs = append(recs, b.NewRecordBatch())
		}
	}
	rr, err := array.NewRecordReader(viewSchema, recs)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		r.Release()
	}
	return rr
}

// resultRows reads rr to its end and prints each row as "a|b|c".
func resultRows(t *testing.T, rr array.RecordReader) []string {
	t.Helper()
	var out []string
	for rr.Next() {
		rec := rr.RecordBatch()
		for i := 0; i < int(rec.NumRows()); i++ {
			cells := make([]string, rec.NumCols())
			for c := range cells {
				cells[c] = rec.Column(c).ValueStr(i)
			}
			out = append(out, strings.Join(cells, "|"))
		}
	}
	if err := rr.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestArrowViewRegression is the regression test for duckdb-go's
// Arrow views (issues #24, #28): queries reading one, some and all columns
// of a view, with filters, ordering and joins, must return exact results.
// The cases run in a child process so that a SIGSEGV inside DuckDB fails
// this test instead of killing the whole test binary.
func TestArrowViewRegression(t *testing.T) {
	if os.Getenv("KQ_ARROW_VIEW_CHILD") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestArrowViewRegression$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), "KQ_ARROW_VIEW_CHILD=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child process failed (%v):\n%s", err, out)
		}
		if !strings.Contains(string(out), "--- PASS: TestArrowViewRegression") {
			t.Fatalf("child process did not run the test:\n%s", out)
		}
		return
	}

	rows := viewRows(10007)
	sum := func(keep func(viewRow) bool, f func(viewRow) int64) (n, s int64) {
		for _, r := range rows {
			if keep(r) {
				n++
				s += f(r)
			}
		}
		return n, s
	}
	all := func(viewRow) bool { return true }
	valueLen := func(r viewRow) int64 { return int64(len(r.value)) }
	offset := func(r viewRow) int64 { return r.offset }
	_, sumValueLen := sum(all, valueLen)
	_, sumOffset := sum(all, offset)
	_, sumTopicLen := sum(all, func(r viewRow) int64 { return int64(len(r.topic)) })
	_, sumPartition := sum(all, func(r viewRow) int64 { return int64(r.partition) })
	keys, _ := sum(func(r viewRow) bool { return r.key != nil }, offset)
	p1n, p1off := sum(func(r viewRow) bool { return r.partition == 1 }, offset)
	hin, hival := sum(func(r viewRow) bool { return r.offset >= 5000 }, valueLen)
	t2n, t2p := sum(func(r viewRow) bool { return r.topic == "t2" }, func(r viewRow) int64 { return int64(r.partition) })
	var groups []string
	for p := int32(0); p < 3; p++ {
		n, s := sum(func(r viewRow) bool { return r.partition == p }, offset)
		groups = append(groups, fmt.Sprintf("%d|%d|%d", p, n, s))
	}
	joinN, _ := sum(func(r viewRow) bool { return r.partition == 2 && r.offset%2 == 0 }, offset)
	last := rows[len(rows)-1]

	cases := []struct {
		name  string
		query string
		want  []string
	}{
		{"one blob column", `SELECT SUM(octet_length(value)) FROM v`, []string{fmt.Sprint(sumValueLen)}},
		{"one varchar column as text", `SELECT SUM(length(CAST(value AS VARCHAR))) FROM v`, []string{fmt.Sprint(sumValueLen)}},
		{"one bigint column", `SELECT SUM("offset") FROM v`, []string{fmt.Sprint(sumOffset)}},
		{"one int column", `SELECT SUM(partition) FROM v`, []string{fmt.Sprint(sumPartition)}},
		{"one varchar column", `SELECT SUM(length(topic)) FROM v`, []string{fmt.Sprint(sumTopicLen)}},
		{"nullable column", `SELECT COUNT(key) FROM v`, []string{fmt.Sprint(keys)}},
		{"no column", `SELECT COUNT(*) FROM v`, []string{fmt.Sprint(len(rows))}},
		{"some columns grouped", `SELECT partition, COUNT(*), SUM("offset") FROM v GROUP BY partition ORDER BY partition`, groups},
		{"filter on int", `SELECT COUNT(*), SUM("offset") FROM v WHERE partition = 1`, []string{fmt.Sprintf("%d|%d", p1n, p1off)}},
		{"filter on bigint", `SELECT COUNT(*), SUM(octet_length(value)) FROM v WHERE "offset" >= 5000`, []string{fmt.Sprintf("%d|%d", hin, hival)}},
		{"filter on varchar", `SELECT COUNT(*), SUM(partition) FROM v WHERE topic = 't2'`, []string{fmt.Sprintf("%d|%d", t2n, t2p)}},
		{"all columns", `SELECT SUM(partition), SUM("offset"), SUM(length(topic)), COUNT(key), SUM(octet_length(value)) FROM v`,
			[]string{fmt.Sprintf("%d|%d|%d|%d|%d", sumPartition, sumOffset, sumTopicLen, keys, sumValueLen)}},
		{"order by limit", `SELECT "offset", CAST(value AS VARCHAR) FROM v ORDER BY "offset" DESC LIMIT 1`, []string{fmt.Sprintf("%d|%s", last.offset, last.value)}},
		{"join", `SELECT COUNT(*) FROM v JOIN w ON v."offset" = w."offset" WHERE w.partition = 2 AND v."offset" % 2 = 0`, []string{fmt.Sprint(joinN)}},
	}

	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	db, err := Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srcs := []Source{{Name: "v", Reader: viewReader(t, mem, rows, 1000)}}
			if strings.Contains(tc.query, " w ") {
				srcs = append(srcs, Source{Name: "w", Reader: viewReader(t, mem, rows, 777)})
			}
			rr, err := db.Query(ctx, tc.query, srcs)
			if err != nil {
				t.Fatal(err)
			}
			got := resultRows(t, rr)
			rr.Release()
			t.Logf("mem after %s: %d", tc.name, mem.CurrentAlloc())
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("%s\n got: %q\nwant: %q", tc.query, got, tc.want)
			}
		})
	}
	mem.AssertSize(t, 0)
}

func TestSQLErrorMessage(t *testing.T) {
	db, err := Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.Query(context.Background(), `SELECT nope FROM range(3)`, nil)
	var se *SQLError
	if !errors.As(err, &se) || strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), "LINE 1") ||
		!strings.Contains(err.Error(), `Referenced column "nope" not found`) {
		t.Fatalf("error %q (%T)", err, err)
	}
}
