package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	db := filepath.Join(t.TempDir(), "orders.duckdb")
	var out bytes.Buffer
	if err := run(context.Background(), &out, "", db); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "loaded 260000 rows; table orders has 260000 rows from ") {
		t.Fatalf("output %q", out.String())
	}
	// Loading again replaces the table rather than doubling it.
	out.Reset()
	if err := run(context.Background(), &out, "", db); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "loaded 260000 rows; table orders has 260000 rows from ") {
		t.Fatalf("second load: %q", out.String())
	}
}
