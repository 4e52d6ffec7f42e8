package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/kq-sql/kq"
)

// The progress bar uses github.com/schollz/progressbar/v3: kept up, no cgo,
// rate and ETA built in, and it clears itself when done.

// progressDelay is how long a scan runs before --progress=auto shows a bar.
const progressDelay = time.Second

// progressView draws a progress bar on stderr for the scans of the running
// statement. It is fed by the engine's progress callback (kq.WithProgress),
// possibly from several goroutines.
type progressView struct {
	mode string // auto, always or never
	w    io.Writer
	tty  bool // w is a terminal

	mu    sync.Mutex
	start time.Time
	bar   *progressbar.ProgressBar
}

// reset prepares for the next statement, clearing a bar left over.
func (p *progressView) reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.finishLocked()
	p.start = time.Now()
}

func (p *progressView) finishLocked() {
	if p.bar != nil {
		p.bar.Finish()
		p.bar = nil
	}
}

// update shows pr: rows read (of the estimate), rows/s and tasks done.
func (p *progressView) update(pr kq.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode == "never" || (p.mode == "auto" && (!p.tty || time.Since(p.start) < progressDelay)) {
		return
	}
	if p.bar == nil {
		if p.mode == "auto" && pr.Tasks > 0 && pr.TasksDone == pr.Tasks {
			return // finished before the bar was due
		}
		// always: a scan that ends before the first tick still shows
		// its final state, once.
		p.bar = progressbar.NewOptions64(max(pr.EstimatedRows, 1),
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription("scan"),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("rows"),
			progressbar.OptionSetWidth(30),
			progressbar.OptionClearOnFinish(),
		)
	}
	p.bar.Describe(fmt.Sprintf("scan (tasks %d/%d)", pr.TasksDone, pr.Tasks))
	p.bar.Set64(min(pr.Rows, max(pr.EstimatedRows, 1)))
	if pr.Tasks > 0 && pr.TasksDone == pr.Tasks {
		p.finishLocked()
	}
}
