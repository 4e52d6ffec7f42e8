package main

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, "", "", defaultQuery); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 6 || !strings.HasPrefix(lines[0], "status\torders\tamount") || !strings.HasPrefix(lines[1], "cancelled\t") {
		t.Fatalf("output:\n%s", out.String())
	}
	total := 0
	for _, l := range lines[1:] {
		n, err := strconv.Atoi(strings.Split(l, "\t")[1])
		if err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		total += n
	}
	if total != 260000 {
		t.Fatalf("orders per status add up to %d, want 260000", total)
	}
}
