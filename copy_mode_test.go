package kq_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/kq-sql/kq"
)

// TestCopyFileMode: a COPY that DuckDB writes (CSV, JSON, Parquet of a
// computed result) gives a new file 0666 less the umask and keeps the mode
// of a file it replaces, like kq's own writers.
func TestCopyFileMode(t *testing.T) {
	eng, err := kq.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	umask := syscall.Umask(0)
	syscall.Umask(umask)
	dir := t.TempDir()
	ctx := context.Background()
	for _, name := range []string{"x.csv", "x.json", "x.parquet"} {
		path := filepath.Join(dir, name)
		if _, err := eng.Exec(ctx, "COPY (SELECT 42 AS x) TO '"+path+"'"); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o666&^os.FileMode(umask) {
			t.Errorf("new %s: %v, %v; want mode %v", name, fi.Mode(), err, 0o666&^os.FileMode(umask))
		}
		if err := os.Chmod(path, 0o640); err != nil {
			t.Fatal(err)
		}
		if _, err := eng.Exec(ctx, "COPY (SELECT 43 AS x) TO '"+path+"'"); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o640 {
			t.Errorf("replaced %s: %v, %v; want mode 0640 kept", name, fi.Mode(), err)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 3 {
		t.Errorf("files in %s: %v, want the three targets only", dir, ents)
	}
}
