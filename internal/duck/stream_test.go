//go:build duckdb_arrow

package duck

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// genReader produces batches of rows ("offset" BIGINT, payload VARCHAR)
// on demand, as a scan does, counting what it produced; DuckDB calls its
// Next on its own threads.
type genReader struct {
	mem      memory.Allocator
	batches  int   // how many batches in all
	rows     int   // rows per batch
	failAt   int   // the batch at which the stream fails; 0: never
	failWith error // that failure
	payload  string

	produced atomic.Int64
	released atomic.Bool
	cur      arrow.RecordBatch
	err      error
}

var genSchema = arrow.NewSchema([]arrow.Field{
	{Name: "offset", Type: arrow.PrimitiveTypes.Int64},
	{Name: "payload", Type: arrow.BinaryTypes.String},
}, nil)

func (g *genReader) Schema() *arrow.Schema { return genSchema }

func (g *genReader) Next() bool {
	if g.cur != nil {
		g.cur.Release()
		g.cur = nil
	}
	n := int(g.produced.Load())
	if g.released.Load() || n >= g.batches || g.err != nil {
		return false
	}
	if g.failAt > 0 && n == g.failAt {
		g.err = g.failWith
		return false
	}
	b := array.NewRecordBuilder(g.mem, genSchema)
	defer b.Release()
	for i := range g.rows {
		b.Field(0).(*array.Int64Builder).Append(int64(n*g.rows + i))
		b.Field(1).(*array.StringBuilder).Append(g.payload)
	}
	g.cur = b.NewRecordBatch()
	g.produced.Add(1)
	return true
}

func (g *genReader) RecordBatch() arrow.RecordBatch { return g.cur }
func (g *genReader) Record() arrow.RecordBatch      { return g.cur }
func (g *genReader) Err() error                     { return g.err }
func (g *genReader) Retain()                        {}
func (g *genReader) Release() {
	if g.cur != nil {
		g.cur.Release()
		g.cur = nil
	}
	g.released.Store(true)
}

// sumOffsets reads rr to its end: rows and the sum of its first column.
func sumOffsets(t *testing.T, rr array.RecordReader) (n, sum int64) {
	t.Helper()
	for rr.Next() {
		c := rr.RecordBatch().Column(0).(*array.Int64)
		for i := range c.Len() {
			n++
			sum += c.Value(i)
		}
	}
	if err := rr.Err(); err != nil {
		t.Fatal(err)
	}
	return n, sum
}

func TestHandleLayout(t *testing.T) {
	if _, err := handleLayout(); err != nil {
		t.Fatalf("kq cannot stream DuckDB results with this duckdb-go: %v", err)
	}
}

// TestQueryStreams: the first batch of a query's result arrives while its
// source has produced only a small part of its batches (DuckDB reads
// ahead no further than its streaming buffer), and releasing the result
// then stops reading the source. A materialized result would have read
// the source to its end first.
func TestQueryStreams(t *testing.T) {
	db, err := Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	for _, q := range []string{
		`SELECT "offset", payload FROM v WHERE "offset" % 3 <> 1`,
		`SELECT "offset" + 1, upper(payload) FROM v`,
	} {
		t.Run(q, func(t *testing.T) {
			// 4000 batches of 1024 rows of ~100 bytes: 400 MB in all, far
			// beyond what DuckDB reads ahead of its reader.
			g := &genReader{mem: mem, batches: 4000, rows: 1024, payload: strings.Repeat("p", 100)}
			rr, err := db.Query(context.Background(), q, []Source{{Name: "v", Reader: g}})
			if err != nil {
				t.Fatal(err)
			}
			if !rr.Next() {
				t.Fatalf("no first batch: %v", rr.Err())
			}
			t.Logf("source batches produced by the first result batch: %d of %d", g.produced.Load(), g.batches)
			if p := g.produced.Load(); p >= int64(g.batches)/4 {
				t.Fatalf("the source had produced %d of %d batches by the first result batch: not streamed", p, g.batches)
			}
			rr.Release()
			if !g.released.Load() {
				t.Fatal("releasing the result did not release its source")
			}
			if p := g.produced.Load(); p == int64(g.batches) {
				t.Fatal("the source was read to its end after the result was released")
			}
		})
	}
	mem.AssertSize(t, 0)
}

// TestQueryStreamedResults: whole results read through the streaming
// reader are exact, in the order ORDER BY asks for.
func TestQueryStreamedResults(t *testing.T) {
	db, err := Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	const batches, rows = 300, 1000
	total := int64(batches * rows)
	var wantN, wantSum int64
	for o := range total {
		if o%7 == 3 {
			wantN++
			wantSum += o
		}
	}
	g := &genReader{mem: mem, batches: batches, rows: rows, payload: "x"}
	rr, err := db.Query(context.Background(), `SELECT "offset" FROM v WHERE "offset" % 7 = 3`, []Source{{Name: "v", Reader: g}})
	if err != nil {
		t.Fatal(err)
	}
	n, sum := sumOffsets(t, rr)
	rr.Release()
	if n != wantN || sum != wantSum {
		t.Fatalf("got %d rows summing to %d, want %d and %d", n, sum, wantN, wantSum)
	}

	g = &genReader{mem: mem, batches: batches, rows: rows, payload: "x"}
	rr, err = db.Query(context.Background(), `SELECT "offset" FROM v ORDER BY "offset" DESC`, []Source{{Name: "v", Reader: g}})
	if err != nil {
		t.Fatal(err)
	}
	next := total - 1
	for rr.Next() {
		c := rr.RecordBatch().Column(0).(*array.Int64)
		for i := range c.Len() {
			if c.Value(i) != next {
				t.Fatalf("row %d: offset %d, want %d", total-1-next, c.Value(i), next)
			}
			next--
		}
	}
	if err := rr.Err(); err != nil || next != -1 {
		t.Fatalf("ended at %d: %v", next, err)
	}
	rr.Release()
	mem.AssertSize(t, 0)
}

// TestQueryCancelMidStream: cancelling the context while the result is
// read ends it with the context's error and releases the source.
func TestQueryCancelMidStream(t *testing.T) {
	db, err := Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	g := &genReader{mem: mem, batches: 100000, rows: 1024, payload: "x"}
	rr, err := db.Query(ctx, `SELECT "offset", payload FROM v`, []Source{{Name: "v", Reader: g}})
	if err != nil {
		t.Fatal(err)
	}
	read := 0
	for rr.Next() {
		if read++; read == 3 {
			cancel()
		}
	}
	if !errors.Is(rr.Err(), context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", rr.Err())
	}
	if !g.released.Load() {
		t.Fatal("the source was not released when the result ended")
	}
	rr.Release()
	if p := g.produced.Load(); p == int64(g.batches) {
		t.Fatal("the source was read to its end")
	}
	// The connection went back to the pool uninterrupted.
	rr, err = db.Query(context.Background(), `SELECT range FROM range(5000)`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n, sum := sumOffsets(t, rr); n != 5000 || sum != 4999*5000/2 {
		t.Fatalf("after a cancel: %d rows, sum %d", n, sum)
	}
	rr.Release()
	mem.AssertSize(t, 0)
}

// TestQuerySourceErrorMidStream: a source that fails after some batches
// ends the result with its own error, not DuckDB's report of it.
func TestQuerySourceErrorMidStream(t *testing.T) {
	db, err := Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	boom := errors.New("records lost at offset 4242")
	g := &genReader{mem: mem, batches: 4000, rows: 1024, payload: "x", failAt: 2000, failWith: boom}
	rr, err := db.Query(context.Background(), `SELECT "offset" FROM v WHERE "offset" % 2 = 0`, []Source{{Name: "v", Reader: g}})
	if err != nil {
		t.Fatal(err)
	}
	batches := 0
	for rr.Next() {
		batches++
	}
	if batches == 0 {
		t.Fatal("the error came before the first batch: not mid-stream")
	}
	if !errors.Is(rr.Err(), boom) {
		t.Fatalf("error %v (%T), want the source's", rr.Err(), rr.Err())
	}
	rr.Release()
	mem.AssertSize(t, 0)
}

// TestQueryArgs: arguments are bound to the query's parameters as values.
func TestQueryArgs(t *testing.T) {
	db, err := Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	evil := `x'; DROP TABLE t; --`
	rr, err := db.Query(context.Background(), `SELECT ? AS s, ? + 1 AS n`, nil, evil, int64(41))
	if err != nil {
		t.Fatal(err)
	}
	got := resultRows(t, rr)
	rr.Release()
	if want := fmt.Sprintf("%s|42", evil); len(got) != 1 || got[0] != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
