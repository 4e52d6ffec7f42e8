package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// processUmask is the process's umask (read by setting and restoring it;
// the tests of this package do not run in parallel).
func processUmask() os.FileMode {
	m := syscall.Umask(0)
	syscall.Umask(m)
	return os.FileMode(m)
}

// TestOutputFileMode: -o writes a new file with mode 0666 less the umask
// and keeps the mode of a file it replaces, as the README promises.
func TestOutputFileMode(t *testing.T) {
	dir := t.TempDir()
	fresh := filepath.Join(dir, "fresh.csv")
	if code, _, errs := runKQ(t, "", "-o", fresh, "SELECT 42 AS x"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	assertFile(t, fresh, "x\n42\n", 0o666&^processUmask())

	old := filepath.Join(dir, "old.csv")
	if err := os.WriteFile(old, []byte("before\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(old, 0o640); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runKQ(t, "", "-o", old, "SELECT 43 AS x"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	assertFile(t, old, "x\n43\n", 0o640)
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Errorf("files left in %s: %v", dir, ents)
	}
}

func assertFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil || string(b) != content {
		t.Fatalf("%s: %q, %v; want %q", path, b, err, content)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != mode {
		t.Errorf("%s: mode %v, want %v", path, fi.Mode().Perm(), mode)
	}
}
