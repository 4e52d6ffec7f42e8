//go:build duckdb_arrow

package duck

// Benchmarks of the two ways to feed DuckDB from Arrow batches (see TestArrowViewRegression).
// Run: go test -tags=duckdb_arrow -run XXX -bench Feed ./exec

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/kq-sql/kq/internal/parquet"
)

type cycleReader struct {
	schema *arrow.Schema
	recs   []arrow.RecordBatch
	n, i   int
	cur    arrow.RecordBatch
	mu     sync.Mutex
}

func (c *cycleReader) Schema() *arrow.Schema { return c.schema }
func (c *cycleReader) Next() bool {
	if c.i >= c.n {
		return false
	}
	c.cur = c.recs[c.i%len(c.recs)]
	c.i++
	return true
}
func (c *cycleReader) RecordBatch() arrow.RecordBatch { return c.cur }
func (c *cycleReader) Record() arrow.RecordBatch      { return c.cur }
func (c *cycleReader) Err() error                     { return nil }
func (c *cycleReader) Retain()                        {}
func (c *cycleReader) Release()                       {}

func benchBatches() (*arrow.Schema, []arrow.RecordBatch) {
	mem := memory.DefaultAllocator
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "value", Type: arrow.BinaryTypes.Binary, Nullable: true},
		{Name: "topic", Type: arrow.BinaryTypes.String},
		{Name: "partition", Type: arrow.PrimitiveTypes.Int32},
		{Name: "offset", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	var recs []arrow.RecordBatch
	b := array.NewRecordBuilder(mem, schema)
	for i := 0; i < 64*8192; i++ {
		b.Field(0).(*array.BinaryBuilder).Append([]byte(fmt.Sprintf(`{"order_id":%d,"amount":%d.5,"status":"paid","country":"DE"}`, i, i%1000)))
		b.Field(1).(*array.StringBuilder).Append("orders")
		b.Field(2).(*array.Int32Builder).Append(int32(i % 6))
		b.Field(3).(*array.Int64Builder).Append(int64(i))
		if (i+1)%8192 == 0 {
			recs = append(recs, b.NewRecordBatch())
		}
	}
	return schema, recs
}

const benchBatchesN = 366 // ~3M rows

const benchQuery = `SELECT partition, COUNT(*), SUM(octet_length(value)), SUM("offset") FROM src GROUP BY partition`

// BenchmarkFeedArrowView measures the feeding path kq uses: DB.Query over
// an Arrow view (with DisabledOptimizers), a GROUP BY over ~3M rows.
func BenchmarkFeedArrowView(b *testing.B) {
	schema, recs := benchBatches()
	db, err := Open("")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rr, err := db.Query(ctx, benchQuery, []Source{{Name: "src", Reader: &cycleReader{schema: schema, recs: recs, n: benchBatchesN}}})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for rr.Next() {
			n += int(rr.RecordBatch().NumRows())
		}
		rr.Release()
		if n != 6 {
			b.Fatal(n)
		}
	}
	b.ReportMetric(float64(benchBatchesN*8192*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// The candidate kq did not choose: DuckDB's Go table-function interface
// (RegisterTableUDF with a parallel chunk source), which has projection
// pushdown and no Arrow bug, but copies every value through
// SetChunkValue.
type udfSource struct {
	rr   array.RecordReader
	mu   sync.Mutex
	cols []duckdb.ColumnInfo
}

type udfLocal struct {
	rec arrow.RecordBatch
	pos int
}

func (s *udfSource) ColumnInfos() []duckdb.ColumnInfo     { return s.cols }
func (s *udfSource) Cardinality() *duckdb.CardinalityInfo { return nil }
func (s *udfSource) Init() duckdb.ParallelTableSourceInfo {
	return duckdb.ParallelTableSourceInfo{MaxThreads: 2}
}
func (s *udfSource) NewLocalState() any { return &udfLocal{} }
func (s *udfSource) FillChunk(ls any, chunk duckdb.DataChunk) error {
	l := ls.(*udfLocal)
	if l.rec == nil || l.pos >= int(l.rec.NumRows()) {
		s.mu.Lock()
		ok := s.rr.Next()
		if ok {
			l.rec = s.rr.RecordBatch()
			l.rec.Retain()
		}
		s.mu.Unlock()
		if !ok {
			return chunk.SetSize(0)
		}
		l.pos = 0
	}
	n := min(int(l.rec.NumRows())-l.pos, duckdb.GetDataChunkCapacity())
	v := l.rec.Column(0).(*array.Binary)
	t := l.rec.Column(1).(*array.String)
	p := l.rec.Column(2).(*array.Int32)
	o := l.rec.Column(3).(*array.Int64)
	for r := 0; r < n; r++ {
		i := l.pos + r
		duckdb.SetChunkValue(chunk, 0, r, v.Value(i))
		duckdb.SetChunkValue(chunk, 1, r, t.Value(i))
		duckdb.SetChunkValue(chunk, 2, r, p.Value(i))
		duckdb.SetChunkValue(chunk, 3, r, o.Value(i))
	}
	l.pos += n
	return chunk.SetSize(n)
}

func BenchmarkFeedTableUDF(b *testing.B) {
	schema, recs := benchBatches()
	c, _ := duckdb.NewConnector("", nil)
	db := sql.OpenDB(c)
	ctx := context.Background()
	conn, _ := db.Conn(ctx)
	ti := func(t duckdb.Type) duckdb.TypeInfo { x, _ := duckdb.NewTypeInfo(t); return x }
	cols := []duckdb.ColumnInfo{{Name: "value", T: ti(duckdb.TYPE_BLOB)}, {Name: "topic", T: ti(duckdb.TYPE_VARCHAR)}, {Name: "partition", T: ti(duckdb.TYPE_INTEGER)}, {Name: "offset", T: ti(duckdb.TYPE_BIGINT)}}
	var cur *udfSource
	err := duckdb.RegisterTableUDF(conn, "kqsrc", duckdb.ParallelChunkTableFunction{
		BindArguments: func(named map[string]any, args ...any) (duckdb.ParallelChunkTableSource, error) { return cur, nil },
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cur = &udfSource{rr: &cycleReader{schema: schema, recs: recs, n: benchBatchesN}, cols: cols}
		rows, err := conn.QueryContext(ctx, "WITH src AS (SELECT * FROM kqsrc()) "+benchQuery)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for rows.Next() {
			n++
		}
		rows.Close()
		if n != 6 {
			b.Fatal(n)
		}
	}
	b.ReportMetric(float64(benchBatchesN*8192*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkParquet compares the two Parquet writers kq uses on the same
// ~3M rows: DuckDB's COPY (single-file COPY statements) and arrow-go's
// pqarrow (per-task parts, parquet.ParquetFile), both zstd.
func BenchmarkParquet(b *testing.B) {
	schema, recs := benchBatches()
	dir := b.TempDir()
	b.Run("duckdb-copy", func(b *testing.B) {
		db, err := Open("")
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		for i := 0; i < b.N; i++ {
			n, err := db.Exec(context.Background(), "COPY (SELECT * FROM src) TO '"+filepath.Join(dir, "d.parquet")+"' (FORMAT parquet, COMPRESSION zstd)",
				[]Source{{Name: "src", Reader: &cycleReader{schema: schema, recs: recs, n: benchBatchesN}}})
			if err != nil || n != benchBatchesN*8192 {
				b.Fatal(n, err)
			}
		}
		b.ReportMetric(float64(benchBatchesN*8192*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("pqarrow", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			pf, err := parquet.Create(filepath.Join(dir, "p.parquet"), schema)
			if err != nil {
				b.Fatal(err)
			}
			rr := &cycleReader{schema: schema, recs: recs, n: benchBatchesN}
			for rr.Next() {
				if err := pf.Write(rr.RecordBatch()); err != nil {
					b.Fatal(err)
				}
			}
			if err := pf.Commit(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(benchBatchesN*8192*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}
