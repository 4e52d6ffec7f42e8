package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/kq-sql/kq/lang"
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

// TestOutputParquet: -o x.parquet (format from the extension) and --format
// parquet (to stdout) write Parquet that DuckDB reads back with every row;
// a statement that fails leaves no file behind.
func TestOutputParquet(t *testing.T) {
	dir := t.TempDir()
	q := "SELECT partition, offset, key, value FROM kafka('orders')"
	check := func(t *testing.T, path string) {
		t.Helper()
		code, out, errs := runKQ(t, "", "--format", "csv",
			"SELECT COUNT(*) AS n, SUM(offset) AS s, COUNT(DISTINCT partition) AS p, MIN(octet_length(value)) > 0 AS v FROM read_parquet("+lang.QuoteString(path)+")")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		// The demo's orders: 3 partitions, offsets 1000.. of 260000 rows.
		if !strings.HasPrefix(out, "n,s,p,v\n260000,") || !strings.HasSuffix(out, ",3,true\n") {
			t.Errorf("read back %q", out)
		}
	}
	t.Run("-o", func(t *testing.T) {
		path := filepath.Join(dir, "orders.parquet")
		if code, out, errs := runKQ(t, "", "--demo", "-o", path, q); code != 0 || out != "" {
			t.Fatalf("exit %d, stdout %q: %s", code, out, errs)
		}
		check(t, path)
	})
	t.Run("--format", func(t *testing.T) {
		code, out, errs := runKQ(t, "", "--demo", "--format", "parquet", q)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		path := filepath.Join(dir, "stdout.parquet")
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		check(t, path)
	})
	t.Run("failed statement", func(t *testing.T) {
		sub := filepath.Join(dir, "failed")
		os.Mkdir(sub, 0o755)
		code, _, errs := runKQ(t, "", "-o", filepath.Join(sub, "x.parquet"), "SELECT CAST('x' || range AS INTEGER) AS n FROM range(100000)")
		if code != exitError {
			t.Fatalf("exit %d: %s", code, errs)
		}
		if ents, _ := os.ReadDir(sub); len(ents) != 0 {
			t.Errorf("files left: %v", ents)
		}
	})
}
