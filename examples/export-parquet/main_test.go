package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	file := filepath.Join(dir, "orders.parquet")
	if err := run(context.Background(), &out, "", "orders", file, ""); err != nil {
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
	if err := run(context.Background(), &out, "", "payments", parts, "PER_TASK true"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(parts, "_kq_manifest.json")); err != nil {
		t.Fatalf("no manifest: %v (%s)", err, out.String())
	}

	// Incremental: the first run exports everything; a second run on the
	// same demo data has nothing new.
	inc := filepath.Join(dir, "nightly")
	for i, want := range []string{
		"exported 40000 rows to 9 file(s)\nrun 1: 8 parts,", // minPartitions=8
		"exported 0 rows to 0 file(s)\n",
	} {
		out.Reset()
		if err := run(context.Background(), &out, "", "payments", inc, "INCREMENTAL true"); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(out.String(), want) {
			t.Fatalf("run %d: %q, want %q...", i+1, out.String(), want)
		}
	}
}
