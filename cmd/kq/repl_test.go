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

// startREPL starts kq's REPL on the demo data in a pseudo-terminal.
func startREPL(t *testing.T) (*console, io.Writer, func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "--demo", "--progress", "never")
	cmd.Env = append(os.Environ(), "KQ_TEST_MAIN=1", "KQ_HISTORY="+filepath.Join(t.TempDir(), "history"), "TERM=xterm")
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 200})
	if err != nil {
		t.Fatal(err)
	}
	con := newConsole(t, tty)
	con.expect("kq> ")
	quit := func() {
		defer tty.Close()
		io.WriteString(tty, "\\q\r")
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("kq exited with %v", err)
			}
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Error("kq did not exit after \\q")
		}
	}
	return con, tty, quit
}

// TestREPLMaxRows: a table shows the first and last rows of a long result
// and a count of them all (40 by default, as DuckDB's CLI); \maxrows
// changes it, 0 shows every row.
func TestREPLMaxRows(t *testing.T) {
	con, tty, quit := startREPL(t)
	defer quit()

	io.WriteString(tty, "SELECT partition, offset FROM kafka('orders') ORDER BY partition, offset;\r")
	out := con.expect("260,000 rows (40 shown)")
	if rows := strings.Count(out, "\n│"); rows != 1+40+3 { // header, rows, three of dots
		t.Errorf("%d table lines:\n%s", rows, out)
	}
	// The first rows of partition 0 and the last of partition 2.
	if !strings.Contains(out, "│         0 │   1000 │") || !strings.Contains(out, "│         2 │  34999 │") || !strings.Contains(out, "│         · │      · │") {
		t.Errorf("not the first and last rows:\n%s", out)
	}
	con.expect("kq> ")

	io.WriteString(tty, "\\maxrows 4\r")
	con.expect("Tables show at most 4 rows.")
	io.WriteString(tty, "SELECT offset FROM kafka('payments') LIMIT 10;\r")
	con.expect("10 rows (4 shown)")
	con.expect("kq> ")

	io.WriteString(tty, "\\maxrows 0\r")
	con.expect("Tables show every row.")
	io.WriteString(tty, "SELECT offset FROM kafka('payments') LIMIT 45;\r")
	out = con.expect("└")
	if rows := strings.Count(out, "\n│"); rows != 1+45 {
		t.Errorf("%d table lines with \\maxrows 0:\n%s", rows, out)
	}
	if after := con.expect("kq> "); strings.Contains(after, "shown") {
		t.Errorf("a count line with \\maxrows 0: %q", after)
	}
	io.WriteString(tty, "\\maxrows x\r")
	con.expect(`kq: \maxrows takes a number of rows, 0 for all; got "x"`)
	con.expect("kq> ")
}

// TestREPLComplete: Tab completes a topic name inside kafka('...'), a
// keyword, and a JSON field of the statement's source; the completed
// statements give the demo's figures.
func TestREPLComplete(t *testing.T) {
	con, tty, quit := startREPL(t)
	defer quit()

	io.WriteString(tty, "sel\t COUNT(*) AS n FROM kafka('paym\t');\r")
	if out := con.expect("40000 │"); !strings.Contains(out, "select COUNT(*) AS n FROM kafka('payments');") {
		t.Errorf("completed statement not echoed:\n%s", out)
	}
	con.expect("kq> ")

	// A field of the JSON values, on a second line of the statement.
	io.WriteString(tty, "SELECT COUNT(*) AS n FROM kafka('orders') WITH (valueFormat='json')\r")
	con.expect("-> ")
	io.WriteString(tty, "WHERE stat\t = 'paid';\r")
	con.expect("51977 │")
	con.expect("kq> ")
}

// TestREPLDescribe: \d lists the topics and the session's tables, \d
// topic describes the topic, \d table the table.
func TestREPLDescribe(t *testing.T) {
	con, tty, quit := startREPL(t)
	defer quit()

	io.WriteString(tty, "CREATE TABLE kept AS SELECT 1 AS one;\r")
	con.expect("\nkq> ")
	io.WriteString(tty, "\\d\r")
	out := con.expect("│ kept │")
	for _, want := range []string{"│ orders ", "│ payments ", "│ ledger "} {
		if !strings.Contains(out, want) {
			t.Errorf("\\d does not list %q:\n%s", want, out)
		}
	}
	con.expect("kq> ")
	io.WriteString(tty, "\\d orders\r")
	out = con.expect("\nkq> ")
	for _, want := range []string{"timestampType", "│ partition │ orders ", "150000"} {
		if !strings.Contains(out, want) {
			t.Errorf("\\d orders lacks %q:\n%s", want, out)
		}
	}
	io.WriteString(tty, "\\d kept\r")
	out = con.expect("\nkq> ")
	if !strings.Contains(out, "│ one ") || !strings.Contains(out, "INTEGER") {
		t.Errorf("\\d kept:\n%s", out)
	}
}
