package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
)

// console reads a terminal's output and waits for expected text.
type console struct {
	t       *testing.T
	chunks  chan string
	pending string // output read but not yet matched
}

func newConsole(t *testing.T, r io.Reader) *console {
	c := &console{t: t, chunks: make(chan string, 64)}
	go func() {
		defer close(c.chunks)
		buf := make([]byte, 4096)
		for {
			n, err := r.Read(buf)
			if n > 0 {
				c.chunks <- string(buf[:n])
			}
			if err != nil {
				return
			}
		}
	}()
	return c
}

// expect waits until want appears and returns the output up to and
// including it; output after it is kept for the next call.
func (c *console) expect(want string) string {
	c.t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		if i := strings.Index(c.pending, want); i >= 0 {
			out := c.pending[:i+len(want)]
			c.pending = c.pending[i+len(want):]
			return out
		}
		select {
		case s, ok := <-c.chunks:
			if !ok {
				c.t.Fatalf("output ended before %q; got:\n%s", want, c.pending)
			}
			c.pending += s
		case <-deadline:
			c.t.Fatalf("timed out waiting for %q; got:\n%s", want, c.pending)
		}
	}
}

func TestREPLTwoLineQuery(t *testing.T) {
	hist := filepath.Join(t.TempDir(), "history")
	cmd := exec.Command(os.Args[0], "--demo", "--progress", "never")
	cmd.Env = append(os.Environ(), "KQ_TEST_MAIN=1", "KQ_HISTORY="+hist, "TERM=xterm")
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 160})
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	con := newConsole(t, tty)

	con.expect("kq> ")
	io.WriteString(tty, "SELECT COUNT(*)\r")
	con.expect("-> ")
	io.WriteString(tty, "FROM kafka('orders') WITH (minPartitions=8);\r")
	if out := con.expect("260000 │"); !strings.Contains(out, "COUNT(*)") {
		t.Errorf("no header in:\n%s", out)
	}
	con.expect("kq> ")
	io.WriteString(tty, "\\timing\r")
	con.expect("Timing is on.")
	io.WriteString(tty, "SELECT COUNT(* FROM kafka('orders');\r")
	con.expect(`kq: 1:16: unexpected "FROM", expected ")"`)
	con.expect("kq> ")
	io.WriteString(tty, "\\q\r")
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("kq exited with %v", err)
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("kq did not exit after \\q")
	}
	b, err := os.ReadFile(hist)
	if err != nil {
		t.Fatalf("history not saved: %v", err)
	}
	if !strings.Contains(string(b), "SELECT COUNT(*) FROM kafka('orders') WITH (minPartitions=8);") {
		t.Errorf("history:\n%s", b)
	}
}
