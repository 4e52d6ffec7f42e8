//go:build duckdb_arrow

package duck

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestTempDir: DuckDB spills into the DB's own temporary directory, not
// ".tmp" in the working directory, and Close removes it.
func TestTempDir(t *testing.T) {
	db, err := Open("", WithMemoryLimit(200<<20))
	if err != nil {
		t.Fatal(err)
	}
	dir := db.TempDir()
	var got string
	if err := db.SQL().QueryRow(`SELECT current_setting('temp_directory')`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != dir {
		t.Fatalf("temp_directory %q, want %q", got, dir)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatal(err)
	}
	if lim := db.MemoryLimit(); lim != "200.0 MiB" {
		t.Fatalf("memory limit %q, want 200.0 MiB", lim)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("%s after Close: %v", dir, err)
	}
}

// TestMemoryLimitSpills: an ORDER BY over a result twice as large as
// the memory limit completes, exact, with DuckDB's sort spilled into the
// DB's temporary directory. (Rows of 100 bytes, as Kafka values often
// are: with 1 KB strings DuckDB 1.5.3's sort failed to pin its blocks
// under a limit below the data, a plain range() source included.)
func TestMemoryLimitSpills(t *testing.T) {
	const limit = 48 << 20
	db, err := Open("", WithMemoryLimit(limit))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	// 1000 batches of 1024 rows of 100 bytes: 98 MiB of payload.
	g := &genReader{mem: mem, batches: 1000, rows: 1024, payload: strings.Repeat("s", 100)}
	rr, err := db.Query(context.Background(), `SELECT "offset", payload FROM v ORDER BY "offset" DESC`, []Source{{Name: "v", Reader: g}})
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Release()
	next := int64(g.batches*g.rows) - 1
	spilled := false
	for rr.Next() {
		if !spilled {
			// The sort has run; its runs are on disk while they are read.
			files, err := os.ReadDir(db.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			spilled = len(files) > 0
		}
		c := rr.RecordBatch().Column(0).(*array.Int64)
		for i := range c.Len() {
			if c.Value(i) != next {
				t.Fatalf("offset %d, want %d", c.Value(i), next)
			}
			next--
		}
	}
	if err := rr.Err(); err != nil {
		t.Fatal(err)
	}
	if next != -1 {
		t.Fatalf("result ended before offset %d", next)
	}
	if !spilled {
		t.Fatalf("nothing in %s while the sorted result was read: the sort did not spill", db.TempDir())
	}
}

// TestMemoryLimitError: a query whose state cannot spill and exceeds the
// limit fails with an error that names the limit and kq's options, and
// the DB goes on working.
func TestMemoryLimitError(t *testing.T) {
	db, err := Open("", WithMemoryLimit(16<<20))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	g := &genReader{mem: mem, batches: 100, rows: 1024, payload: strings.Repeat("s", 1024)}
	rr, err := db.Query(context.Background(), `SELECT list(payload) FROM v`, []Source{{Name: "v", Reader: g}})
	if err == nil {
		for rr.Next() {
		}
		err = rr.Err()
		rr.Release()
	}
	var se *SQLError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "Out of Memory") ||
		!strings.Contains(err.Error(), "16.0 MiB") || !strings.Contains(err.Error(), "--memory-limit") ||
		strings.Contains(err.Error(), "SET memory_limit") {
		t.Fatalf("error %v (%T)", err, err)
	}
	t.Log(err)
	mem.AssertSize(t, 0)
	rr, err = db.Query(context.Background(), `SELECT range FROM range(10)`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := sumOffsets(t, rr); n != 10 {
		t.Fatalf("%d rows after the error", n)
	}
	rr.Release()
}
