package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/kq-sql/kq"
)

// BenchmarkExportPerTask runs the PER_TASK Parquet export of `make
// bench`'s kq-pertask row through the Go API on the bench topic (see
// getBenchTopic): one part per task, written by the scan's workers, each
// through its own parquet.File. Each run writes a new directory (a
// per-task export refuses a directory that holds parts); the last run's
// parts are read back, untimed, and must hold every record.
func BenchmarkExportPerTask(b *testing.B) {
	t := getBenchTopic(b)
	ctx := context.Background()
	eng, err := kq.Open(kq.WithBrokers(t.brokers))
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	base := b.TempDir()
	var dir string
	for i := 0; b.Loop(); i++ {
		dir = filepath.Join(base, fmt.Sprint(i))
		st, err := eng.Exec(ctx, fmt.Sprintf("COPY (SELECT * FROM kafka('%s')) TO '%s/' (FORMAT parquet, PER_TASK true)", t.topic, dir))
		if err != nil {
			b.Fatal(err)
		}
		if st.Rows != t.n {
			b.Fatalf("COPY wrote %d rows, want %d", st.Rows, t.n)
		}
	}
	b.StopTimer()
	if got := queryInt(b, eng, fmt.Sprintf("SELECT COUNT(*) FROM read_parquet('%s/*.parquet')", dir)); got != t.n {
		b.Fatalf("the parts hold %d rows, want %d", got, t.n)
	}
	t.report(b)
}
