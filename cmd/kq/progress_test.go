package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/kq-sql/kq"
)

// frames splits what the progress view wrote into the frames it drew.
func frames(out string) []string {
	var fs []string
	for _, f := range strings.FieldsFunc(out, func(r rune) bool { return r == '\r' || r == '\n' }) {
		if f = strings.TrimSpace(f); f != "" {
			fs = append(fs, f)
		}
	}
	return fs
}

func TestProgressView(t *testing.T) {
	var buf bytes.Buffer
	p := &progressView{mode: "always", w: &buf}
	gen := p.reset()
	// The first frame: nothing read yet after 100 ms (connecting).
	p.update(gen, kq.Progress{EstimatedRows: 260000, Tasks: 3, Elapsed: 100 * time.Millisecond})
	p.update(gen, kq.Progress{Rows: 104573, Offsets: 104573, EstimatedRows: 260000, TasksDone: 1, Tasks: 3, Elapsed: 200 * time.Millisecond})
	// The last: every offset read, fewer rows than offsets (markers).
	p.update(gen, kq.Progress{Rows: 257966, Offsets: 260000, EstimatedRows: 260000, TasksDone: 3, Tasks: 3, Elapsed: 400 * time.Millisecond, Done: true})
	fs := frames(buf.String())
	want := []string{
		"scan   0% |                | 0 rows  tasks 0/3",
		"scan  40% |██████          | 104,573 rows  523k rows/s  tasks 1/3  ETA 0.3s",
		"scan 100% |████████████████| 257,966 rows in 0.4s  645k rows/s  tasks 3/3",
	}
	if strings.Join(fs, "\n") != strings.Join(want, "\n") {
		t.Errorf("frames:\n%s\nwant:\n%s", strings.Join(fs, "\n"), strings.Join(want, "\n"))
	}
	if out := buf.String(); !strings.HasSuffix(out, "\n") || strings.Contains(out, "/hr") {
		t.Errorf("always: the final frame is not kept on its line: %q", out)
	}

	// A scan that a LIMIT ended early: the true count, an honest fraction.
	buf.Reset()
	gen = p.reset()
	p.update(gen, kq.Progress{Rows: 5, Offsets: 500, EstimatedRows: 1000, TasksDone: 1, Tasks: 2, Elapsed: time.Second, Done: true})
	if fs := frames(buf.String()); len(fs) != 1 || fs[0] != "scan  50% |████████        | 5 rows in 1.0s  5 rows/s  tasks 1/2" {
		t.Errorf("LIMIT: frames %q", fs)
	}

	// Reports of a statement that has ended are not drawn.
	buf.Reset()
	old := gen
	p.reset()
	p.update(old, kq.Progress{Rows: 1, Offsets: 1, EstimatedRows: 10, Tasks: 1, Elapsed: time.Second})
	if buf.Len() != 0 {
		t.Errorf("a stale report drew %q", buf.String())
	}

	// auto on a terminal: no bar for a statement that ends within the
	// delay; a longer one is drawn and cleared at its end.
	buf.Reset()
	p = &progressView{mode: "auto", w: &buf, tty: true}
	gen = p.reset()
	p.update(gen, kq.Progress{Rows: 10, Offsets: 10, EstimatedRows: 10, TasksDone: 1, Tasks: 1, Elapsed: time.Millisecond, Done: true})
	if buf.Len() != 0 {
		t.Errorf("auto, quick statement: drew %q", buf.String())
	}
	gen = p.reset()
	p.start = time.Now().Add(-2 * progressDelay)
	p.update(gen, kq.Progress{Rows: 5, Offsets: 5, EstimatedRows: 10, Tasks: 1, Elapsed: 2 * time.Second})
	p.update(gen, kq.Progress{Rows: 10, Offsets: 10, EstimatedRows: 10, TasksDone: 1, Tasks: 1, Elapsed: 3 * time.Second, Done: true})
	if out := buf.String(); !strings.Contains(out, "scan 100%") || !strings.HasSuffix(out, strings.Repeat(" ", p.width)+"\r") || p.width != 0 {
		t.Errorf("auto, long statement: %q", out)
	}

	for _, mode := range []string{"never", "auto"} { // auto: not a terminal
		buf.Reset()
		p := &progressView{mode: mode, w: &buf}
		gen := p.reset()
		p.start = time.Now().Add(-2 * progressDelay)
		p.update(gen, kq.Progress{Rows: 1, EstimatedRows: 10, Tasks: 2})
		if buf.Len() != 0 {
			t.Errorf("--progress=%s drew %q", mode, buf.String())
		}
	}
}

// TestRunProgressAlways runs real scans with --progress always: the last
// frame has the true row count and 100 %, on a topic whose ranges hold
// transaction markers and aborted records (ledger) as well as on a plain
// one, and on a statement that reads two topics.
func TestRunProgressAlways(t *testing.T) {
	for _, tc := range []struct{ query, result, last string }{
		{"SELECT COUNT(*) FROM kafka('orders')", "COUNT(*)\n260000\n", "scan 100% |████████████████| 260,000 rows in "},
		{"SELECT COUNT(*) AS n FROM kafka('ledger') WHERE value IS NOT NULL", "n\n4000\n", "scan 100% |████████████████| 4,000 rows in "},
		{"SELECT (SELECT COUNT(*) FROM kafka('payments')) + COUNT(*) AS n FROM kafka('orders')", "n\n300000\n", "scan 100% |████████████████| 300,000 rows in "},
	} {
		t.Run(tc.query, func(t *testing.T) {
			code, out, errs := runKQ(t, "", "--demo", "--progress", "always", tc.query)
			if code != 0 || out != tc.result {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
			}
			fs := frames(errs)
			if len(fs) == 0 {
				t.Fatalf("no progress on stderr: %q", errs)
			}
			if last := fs[len(fs)-1]; !strings.HasPrefix(last, tc.last) {
				t.Errorf("last frame %q, want prefix %q", last, tc.last)
			}
			if !strings.HasSuffix(errs, "\n") || strings.Contains(errs, "/hr") || strings.Contains(errs, " 0 rows/s") {
				t.Errorf("stderr %q", errs)
			}
		})
	}
}
