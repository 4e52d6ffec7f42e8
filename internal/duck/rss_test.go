//go:build duckdb_arrow

package duck

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// peakRSS returns the process's peak resident set (VmHWM) in bytes.
func peakRSS(t *testing.T) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
	return 0
}

// TestQueryMemoryFlat: reading a 200 MB result through Query raises the
// process's peak RSS by a fraction of it — DuckDB holds its streaming
// buffer, not the result (duckdb-go's materialized reader held all of
// it). Go's runtime metrics cannot see DuckDB's C memory, so the child
// process this test starts measures its own VmHWM around the query.
func TestQueryMemoryFlat(t *testing.T) {
	const batches, rows, payload = 2000, 1024, 100
	result := int64(batches * rows * payload)
	if os.Getenv("KQ_RSS_CHILD") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestQueryMemoryFlat$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), "KQ_RSS_CHILD=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestQueryMemoryFlat") {
			t.Fatalf("child process (%v):\n%s", err, out)
		}
		t.Logf("child:\n%s", out)
		return
	}
	db, err := Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	run := func(n int) (rowsRead int64) {
		g := &genReader{mem: memory.NewGoAllocator(), batches: n, rows: rows, payload: strings.Repeat("p", payload)}
		rr, err := db.Query(context.Background(), `SELECT "offset", payload FROM v WHERE "offset" % 5 <> 0`, []Source{{Name: "v", Reader: g}})
		if err != nil {
			t.Fatal(err)
		}
		defer rr.Release()
		for rr.Next() {
			rowsRead += rr.RecordBatch().NumRows()
		}
		if err := rr.Err(); err != nil {
			t.Fatal(err)
		}
		return rowsRead
	}
	run(50) // DuckDB's and the reader's start-up, outside the measure
	before := peakRSS(t)
	if got, want := run(batches), int64(batches*rows)*4/5; got != want {
		t.Fatalf("%d rows, want %d", got, want)
	}
	grew := peakRSS(t) - before
	fmt.Printf("peak RSS %d MiB before, +%d MiB over a %d MiB result\n", before>>20, grew>>20, result>>20)
	if grew > result/4 {
		t.Fatalf("peak RSS grew by %d MiB over a %d MiB result: not streamed", grew>>20, result>>20)
	}
}
