package main

import (
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kq-sql/kq"
)

// The progress line is drawn by kq itself rather than by a progress-bar
// library: kq knows what the library had to guess. The scans report how
// long they have run (so the rate is right from the first frame, where
// schollz/progressbar, used before, showed "0 rows/hr" until it had
// timed a second of its own), the offsets passed (so the bar reaches
// 100 % over transaction markers, aborted records and gaps, which are
// not rows), and which report is the last (so the final frame has the
// true totals; the library cleared itself on reaching its maximum and
// left the frame before it: 59–88 %).

// progressDelay is how long a scan runs before --progress=auto shows a bar.
const progressDelay = time.Second

// progressBarWidth is the width of the bar in cells.
const progressBarWidth = 16

// progressView draws the progress of the running statement's scans on
// stderr, redrawing one line: with --progress=auto on a terminal, for
// statements that take longer than progressDelay, the line cleared at the
// end; with always, every statement that reads a topic, the final frame
// kept. It is fed by the engine's progress callback (kq.TrackProgress),
// possibly from several goroutines.
type progressView struct {
	mode string // auto, always or never
	w    io.Writer
	tty  bool // w is a terminal

	mu    sync.Mutex
	gen   int       // the statement being shown; reports of others are dropped
	start time.Time // when the statement started
	width int       // width of the line on screen; 0: none
	shown bool      // a frame of this statement was drawn
}

// reset ends the line of the previous statement (clearing a frame left
// over) and starts the next; it returns the generation that the next
// statement's reports must carry.
func (p *progressView) reset() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clearLocked()
	p.gen++
	p.start = time.Now()
	p.shown = false
	return p.gen
}

// tracker returns the progress callback of the statement of generation gen.
func (p *progressView) tracker(gen int) func(kq.Progress) {
	return func(pr kq.Progress) { p.update(gen, pr) }
}

// update draws pr, a report of the statement of generation gen.
func (p *progressView) update(gen int, pr kq.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if gen != p.gen || p.mode == "never" {
		return
	}
	if p.mode == "auto" && (!p.tty || (!p.shown && (pr.Done || time.Since(p.start) < progressDelay))) {
		return // not a terminal, or too quick to need a bar
	}
	line := progressLine(pr)
	pad := max(p.width-len([]rune(line)), 0)
	io.WriteString(p.w, "\r"+line+strings.Repeat(" ", pad))
	p.width = len([]rune(line))
	p.shown = true
	if pr.Done {
		if p.mode == "auto" {
			p.clearLocked()
		} else {
			io.WriteString(p.w, "\n")
			p.width = 0
		}
	}
}

// clearLocked erases the line on screen, if any.
func (p *progressView) clearLocked() {
	if p.width > 0 {
		io.WriteString(p.w, "\r"+strings.Repeat(" ", p.width)+"\r")
		p.width = 0
	}
}

// progressLine is one frame:
//
//	scan  45% |███████         | 117,000 rows  1.2M rows/s  tasks 1/3  ETA 3s
//	scan 100% |████████████████| 257,966 rows in 0.4s  650k rows/s  tasks 3/3
//
// The fraction is of the offsets the scans cover (Offsets/EstimatedRows),
// the count is of rows; the rate is shown once rows have been read.
func progressLine(pr kq.Progress) string {
	frac := 1.0
	if pr.EstimatedRows > 0 {
		frac = min(float64(pr.Offsets)/float64(pr.EstimatedRows), 1)
	}
	pct := int(frac * 100)
	if pct == 100 && pr.Offsets < pr.EstimatedRows {
		pct = 99 // 100 % only when every offset was read
	}
	filled := int(frac * progressBarWidth)
	var b strings.Builder
	b.WriteString("scan ")
	b.WriteString(leftPad(strconv.Itoa(pct), 3))
	b.WriteString("% |")
	b.WriteString(strings.Repeat("█", filled))
	b.WriteString(strings.Repeat(" ", progressBarWidth-filled))
	b.WriteString("| ")
	b.WriteString(thousands(pr.Rows))
	b.WriteString(" rows")
	secs := pr.Elapsed.Seconds()
	if pr.Done {
		b.WriteString(" in ")
		b.WriteString(duration(pr.Elapsed))
	}
	if pr.Rows > 0 && secs > 0 {
		b.WriteString("  ")
		b.WriteString(humanCount(float64(pr.Rows) / secs))
		b.WriteString(" rows/s")
	}
	b.WriteString("  tasks ")
	b.WriteString(strconv.Itoa(pr.TasksDone))
	b.WriteByte('/')
	b.WriteString(strconv.Itoa(pr.Tasks))
	if !pr.Done && pr.Offsets > 0 && pr.Offsets < pr.EstimatedRows {
		left := time.Duration(float64(pr.Elapsed) * float64(pr.EstimatedRows-pr.Offsets) / float64(pr.Offsets))
		b.WriteString("  ETA ")
		b.WriteString(duration(left))
	}
	return b.String()
}

func leftPad(s string, n int) string {
	return strings.Repeat(" ", max(n-len(s), 0)) + s
}

// thousands prints n with commas between groups of three digits.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// humanCount prints a rate with three significant digits and k, M or G.
func humanCount(v float64) string {
	for _, u := range []struct {
		div  float64
		unit string
	}{{1e9, "G"}, {1e6, "M"}, {1e3, "k"}} {
		if v >= u.div {
			return strconv.FormatFloat(v/u.div, 'f', decimals(v/u.div), 64) + u.unit
		}
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}

func decimals(v float64) int {
	switch {
	case v < 10:
		return 2
	case v < 100:
		return 1
	}
	return 0
}

// duration prints d briefly: 0.4s, 12s, 3m05s.
func duration(d time.Duration) string {
	switch {
	case d < 10*time.Second:
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
	case d < time.Minute:
		return strconv.Itoa(int(d.Seconds())) + "s"
	}
	m := int(d.Minutes())
	s := int(d.Seconds()) - 60*m
	return strconv.Itoa(m) + "m" + twoDigits(s) + "s"
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
