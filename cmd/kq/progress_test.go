package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kq-sql/kq"
)

func TestProgressView(t *testing.T) {
	var buf bytes.Buffer
	p := &progressView{mode: "always", w: &buf}
	p.reset()
	p.update(kq.Progress{Rows: 5000, EstimatedRows: 10000, TasksDone: 1, Tasks: 4})
	p.update(kq.Progress{Rows: 10000, EstimatedRows: 10000, TasksDone: 4, Tasks: 4})
	if out := buf.String(); !strings.Contains(out, "scan (tasks 1/4)") || !strings.Contains(out, "rows/s") {
		t.Errorf("progress output %q", out)
	}
	if p.bar != nil {
		t.Error("bar not finished when every task was done")
	}

	// always, with a scan that ended before the first tick: the final
	// state is drawn once (the only update is the last).
	buf.Reset()
	p = &progressView{mode: "always", w: &buf}
	p.reset()
	p.update(kq.Progress{Rows: 10000, EstimatedRows: 10000, TasksDone: 4, Tasks: 4})
	if out := buf.String(); !strings.Contains(out, "scan (tasks 4/4)") {
		t.Errorf("always, finished at once: progress output %q", out)
	}
	if p.bar != nil {
		t.Error("bar not finished when every task was done")
	}

	for _, mode := range []string{"never", "auto"} { // auto: not a terminal
		buf.Reset()
		p := &progressView{mode: mode, w: &buf}
		p.reset()
		p.update(kq.Progress{Rows: 1, EstimatedRows: 10, Tasks: 2})
		if buf.Len() != 0 {
			t.Errorf("--progress=%s drew %q", mode, buf.String())
		}
	}
}

func TestRunProgressAlways(t *testing.T) {
	code, out, errs := runKQ(t, "", "--demo", "--progress", "always", "SELECT COUNT(*) FROM kafka('orders')")
	if code != 0 || out != "COUNT(*)\n260000\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if !strings.Contains(errs, "scan (tasks") {
		t.Errorf("no progress on stderr: %q", errs)
	}
}
