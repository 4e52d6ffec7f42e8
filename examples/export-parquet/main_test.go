package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	file := filepath.Join(dir, "orders.parquet")
	if err := run(context.Background(), &out, "", "orders", file, false); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "exported 260000 rows to 1 file(s)\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if _, err := os.Stat(file); err != nil {
		t.Fatal(err)
	}

	out.Reset()
	parts := filepath.Join(dir, "parts")
	if err := run(context.Background(), &out, "", "payments", parts, true); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(parts, "_kq_manifest.json")); err != nil {
		t.Fatalf("no manifest: %v (%s)", err, out.String())
	}
}
