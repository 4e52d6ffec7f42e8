package main

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
)

// expect reads from r until want appears, failing after a timeout.
func expect(t *testing.T, lines <-chan string, want string) string {
	t.Helper()
	var seen strings.Builder
	deadline := time.After(60 * time.Second)
	for {
		select {
		case s, ok := <-lines:
			if !ok {
				t.Fatalf("output ended before %q; got:\n%s", want, seen.String())
			}
			seen.WriteString(s)
			if strings.Contains(seen.String(), want) {
				return seen.String()
			}
		case <-deadline:
			t.Fatalf("timed out waiting for %q; got:\n%s", want, seen.String())
		}
	}
}

func TestREPLTwoLineQuery(t *testing.T) {
	hist := filepath.Join(t.TempDir(), "history")
	cmd := exec.Command(os.Args[0], "--demo")
	cmd.Env = append(os.Environ(), "KQ_TEST_MAIN=1", "KQ_HISTORY="+hist, "TERM=dumb")
	tty, err := pty.Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	lines := make(chan string)
	go func() {
		defer close(lines)
		r := bufio.NewReader(tty)
		buf := make([]byte, 4096)
		for {
			n, err := r.Read(buf)
			if n > 0 {
				lines <- string(buf[:n])
			}
			if err != nil {
				return
			}
		}
	}()

	expect(t, lines, "kq> ")
	io.WriteString(tty, "SELECT COUNT(*)\r")
	expect(t, lines, "-> ")
	io.WriteString(tty, "FROM kafka('orders') WITH (minPartitions=8);\r")
	out := expect(t, lines, "260000")
	if !strings.Contains(out, "COUNT(*)") {
		t.Errorf("no header in:\n%s", out)
	}
	expect(t, lines, "kq> ")
	io.WriteString(tty, "\\timing\r")
	expect(t, lines, "Timing is on.")
	io.WriteString(tty, "SELECT COUNT(* FROM kafka('orders');\r")
	expect(t, lines, `expected ")"`)
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
