package bench

import (
	"bytes"
	"context"
	"syscall"

	"testing"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/internal/output"
)

// BenchmarkTextDump runs the query of `make bench`'s text dumps (SELECT *
// with valueFormat='json') through the Go API and writes its result with
// internal/output in each format to a counting sink, as `kq --format F`
// writes to stdout: the gap between arrow and a text format is the text
// writers' share. `kqbench run -profile` profiles its csv case.
func BenchmarkTextDump(b *testing.B) {
	t := getBenchTopic(b)
	ctx := context.Background()
	eng, err := kq.Open(kq.WithBrokers(t.brokers))
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	sql := DumpQuery(t.topic)
	for _, f := range []output.Format{output.Arrow, output.CSV, output.NDJSON, output.JSON, output.Table} {
		b.Run(string(f), func(b *testing.B) {
			var sink dumpCounter
			cpu0 := processCPU()
			for b.Loop() {
				sink = dumpCounter{}
				rows, err := eng.Query(ctx, sql)
				if err != nil {
					b.Fatal(err)
				}
				n, err := output.Write(&sink, f, rows)
				rows.Release()
				if err != nil {
					b.Fatal(err)
				}
				if n != t.n {
					b.Fatalf("%s: wrote %d rows, want %d", f, n, t.n)
				}
			}
			if f == output.CSV || f == output.NDJSON {
				// A header line for CSV.
				if want := t.n + int64(btoi(f == output.CSV)); sink.lines != want {
					b.Fatalf("%s: %d lines, want %d", f, sink.lines, want)
				}
			}
			b.ReportMetric(float64(sink.bytes)/float64(t.n), "B/row")
			// The process's CPU time (scan workers and writer): on a
			// shared machine steadier than the wall time.
			b.ReportMetric(float64(processCPU()-cpu0)/float64(t.n)/float64(b.N), "cpu-ns/row")
			t.report(b)
		})
	}
}

// dumpCounter is an io.Writer that counts the bytes and lines written.
type dumpCounter struct{ bytes, lines int64 }

func (c *dumpCounter) Write(p []byte) (int, error) {
	c.bytes += int64(len(p))
	c.lines += int64(bytes.Count(p, []byte{'\n'}))
	return len(p), nil
}

// processCPU is the CPU time the process has used so far (user and
// system, every thread), in nanoseconds.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
