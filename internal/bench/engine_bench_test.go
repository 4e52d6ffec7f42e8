package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/kq-sql/kq"
)

// BenchmarkEngine runs kq's three measured queries through the Go API on
// the bench topic (see getBenchTopic), checking each result: count
// (COUNT(*), the count-only path), groupby (JSON GROUP BY in DuckDB) and
// parquet (COPY ... TO a Parquet file). `kqbench run -profile` runs each
// case once under -test.cpuprofile against its broker.
func BenchmarkEngine(b *testing.B) {
	t := getBenchTopic(b)
	ctx := context.Background()
	eng, err := kq.Open(kq.WithBrokers(t.brokers))
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	kafka := fmt.Sprintf("kafka('%s')", t.topic)

	b.Run("count", func(b *testing.B) {
		for b.Loop() {
			got := queryInt(b, eng, "SELECT COUNT(*) FROM "+kafka)
			if got != t.n {
				b.Fatalf("COUNT(*) = %d, want %d", got, t.n)
			}
		}
		t.report(b)
	})
	b.Run("groupby", func(b *testing.B) {
		want := ExpectedByStatus(t.n)
		for b.Loop() {
			rr, err := eng.Query(ctx, "SELECT status, COUNT(*) AS n, SUM(amount) FROM "+kafka+" WITH (valueFormat='json') GROUP BY status")
			if err != nil {
				b.Fatal(err)
			}
			var total int64
			for rr.Next() {
				rec := rr.RecordBatch()
				st := rec.Column(0).(*array.String)
				n := rec.Column(1).(*array.Int64)
				for i := 0; i < int(rec.NumRows()); i++ {
					if n.Value(i) != want[st.Value(i)].Count {
						b.Fatalf("status %s: %d records, want %d", st.Value(i), n.Value(i), want[st.Value(i)].Count)
					}
					total += n.Value(i)
				}
			}
			if err := rr.Err(); err != nil {
				b.Fatal(err)
			}
			rr.Release()
			if total != t.n {
				b.Fatalf("GROUP BY counted %d records, want %d", total, t.n)
			}
		}
		t.report(b)
	})
	b.Run("parquet", func(b *testing.B) {
		path := filepath.Join(b.TempDir(), "x.parquet")
		for b.Loop() {
			st, err := eng.Exec(ctx, fmt.Sprintf("COPY (SELECT * FROM %s) TO '%s' (FORMAT parquet)", kafka, path))
			if err != nil {
				b.Fatal(err)
			}
			if st.Rows != t.n {
				b.Fatalf("COPY wrote %d rows, want %d", st.Rows, t.n)
			}
		}
		b.StopTimer()
		if got := queryInt(b, eng, fmt.Sprintf("SELECT COUNT(*) FROM read_parquet('%s')", path)); got != t.n {
			b.Fatalf("the Parquet file holds %d rows, want %d", got, t.n)
		}
		t.report(b)
	})
}

// queryInt runs a query whose result is one BIGINT and returns it.
func queryInt(b testing.TB, eng *kq.Engine, sql string) int64 {
	b.Helper()
	rr, err := eng.Query(context.Background(), sql)
	if err != nil {
		b.Fatal(err)
	}
	defer rr.Release()
	var v int64 = -1
	for rr.Next() {
		rec := rr.RecordBatch()
		if rec.NumRows() > 0 {
			v = rec.Column(0).(*array.Int64).Value(0)
		}
	}
	if err := rr.Err(); err != nil {
		b.Fatal(err)
	}
	return v
}
