package bench

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// OrderByMemoryLimit is the --memory-limit of kq-orderby: DuckDB's sort
// spills beyond it, so the process's peak RSS should stay near it
// whatever N.
const OrderByMemoryLimit = "200MB"

// largeResultMeasurements are the queries DuckDB runs whose results are
// as large as the topic (README: results stream; docs/BENCHMARKS.md's
// targets): kq-filter, a WHERE that DuckDB
// evaluates, its result streamed (peak RSS flat in N, under MaxRSS; time
// to the first row), and kq-orderby, SELECT * ORDER BY offset DESC under
// --memory-limit OrderByMemoryLimit (a sort that spills; peak RSS near
// the limit). Their outputs are counted as they arrive, not kept.
func (c *Config) largeResultMeasurements(addr string) []*measurement {
	kafka := fmt.Sprintf("kafka('%s') WITH (valueFormat='json')", c.Topic)
	kq := func(sql string, flags ...string) []string {
		argv := append([]string{c.KQ, "-b", addr, "--format", "csv", "--progress", "never"}, flags...)
		return append(argv, sql)
	}
	var ms []*measurement
	if c.want("kq-filter") {
		sql := "SELECT * FROM " + kafka + " WHERE status = 'paid'"
		paid := ExpectedByStatus(c.N)["paid"].Count
		ms = append(ms, &measurement{
			name: "kq-filter",
			what: sql,
			argv: kq(sql),
			lines: func(n int64, head []byte) error {
				if n != paid+1 {
					return fmt.Errorf("%d lines, want a header and %d paid orders", n, paid)
				}
				return nil
			},
		})
	}
	if c.want("kq-orderby") {
		sql := "SELECT * FROM " + kafka + " ORDER BY offset DESC"
		// Record i is at offset i/P of partition i%P: the largest
		// offset is that of the first record of the last round.
		last := (c.N+int64(c.Partitions)-1)/int64(c.Partitions) - 1
		ms = append(ms, &measurement{
			name: "kq-orderby",
			what: sql + " (--memory-limit " + OrderByMemoryLimit + ")",
			argv: kq(sql, "--memory-limit", OrderByMemoryLimit),
			lines: func(n int64, head []byte) error {
				if n != c.N+1 {
					return fmt.Errorf("%d lines, want a header and %d records", n, c.N)
				}
				return checkFirstOffset(head, last)
			},
		})
	}
	return ms
}

// checkFirstOffset checks that the first row of CSV output starting with
// head has offset want.
func checkFirstOffset(head []byte, want int64) error {
	r := csv.NewReader(bytes.NewReader(head))
	r.FieldsPerRecord = -1
	hdr, err1 := r.Read()
	row, err2 := r.Read()
	col := slices.Index(hdr, "offset")
	if err1 != nil || err2 != nil || col < 0 || col >= len(row) {
		return fmt.Errorf("no offset in the first row of %q", excerpt(head))
	}
	if got, err := strconv.ParseInt(row[col], 10, 64); err != nil || got != want {
		return fmt.Errorf("first row's offset %q, want %d", row[col], want)
	}
	return nil
}

// lineCounter is the stdout of a measurement whose output is too large to
// keep: it counts lines, keeps the first headBytes, and notes when the
// first byte arrived.
type lineCounter struct {
	start time.Time
	first time.Duration // 0 until the first byte
	lines int64
	head  []byte
}

const headBytes = 64 << 10

func (l *lineCounter) Write(p []byte) (int, error) {
	if l.first == 0 && len(p) > 0 {
		l.first = max(time.Since(l.start), time.Nanosecond)
	}
	l.lines += int64(bytes.Count(p, []byte{'\n'}))
	if n := headBytes - len(l.head); n > 0 {
		l.head = append(l.head, p[:min(n, len(p))]...)
	}
	return len(p), nil
}

// firstOutput is the median time to the first byte of output of the runs
// of a measurement whose output was counted; 0 for the others.
func firstOutput(runs []runResult) time.Duration {
	var ds []time.Duration
	for _, r := range runs {
		if r.FirstOutput > 0 {
			ds = append(ds, r.FirstOutput)
		}
	}
	if len(ds) == 0 {
		return 0
	}
	return median(ds)
}

// largeResultTargets are the targets of kq-filter and kq-orderby that
// one report can check (kq-filter's peak RSS under MaxRSS is among
// Targets' RSS rows already; its flatness from 2M to 10M records compares
// two reports, docs/BENCHMARKS.md): kq-filter's first row arrives before
// half its run, and kq-orderby's peak RSS is near its memory limit —
// under the limit plus MaxRSS, the bound of everything else a streaming
// kq process holds (the binary and DuckDB's start, about 115 MiB; scan
// buffers; the Go heap).
func (r *Report) largeResultTargets() []Target {
	var out []Target
	for _, res := range r.Results {
		switch res.Name {
		case "kq-filter":
			if res.FirstOutput > 0 {
				out = append(out, Target{What: "kq-filter first row within the first half of its run", Got: fmt.Sprintf("%.2f s of %.2f s", res.FirstOutput.Seconds(), res.Median.Seconds()), Met: res.FirstOutput < res.Median/2})
			}
		case "kq-orderby":
			limit, _ := strconv.ParseInt(strings.TrimSuffix(OrderByMemoryLimit, "MB"), 10, 64)
			bound := limit*1_000_000 + MaxRSS
			out = append(out, Target{What: fmt.Sprintf("kq-orderby peak RSS near --memory-limit %s (< the limit + %d MiB = %d MiB)", OrderByMemoryLimit, MaxRSS>>20, bound>>20), Got: fmt.Sprintf("%d MiB", res.MaxRSS>>20), Met: res.MaxRSS > 0 && res.MaxRSS < bound})
		}
	}
	return out
}
