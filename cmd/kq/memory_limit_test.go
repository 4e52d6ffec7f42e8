package main

import (
	"strings"
	"testing"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]byteSize{
		"209715200": 209715200, "200MB": 200e6, "200 mb": 200e6, "200MiB": 200 << 20,
		"1.5GiB": 3 << 29, "4GB": 4e9, "512KiB": 512 << 10, "0": 0, "10B": 10, "10 bytes": 10,
	} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MB", "-5MB", "200XB", "2..5GB", "1e3", "99999999TB"} {
		if got, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", in, got)
		}
	}
}

// TestMemoryLimitFlag: --memory-limit sets DuckDB's memory_limit; a bad
// size is a usage error naming the flag, before anything runs.
func TestMemoryLimitFlag(t *testing.T) {
	code, out, errs := runKQ(t, "", "--demo", "--format", "csv", "--memory-limit", "64MB", "SELECT current_setting('memory_limit') AS m")
	if code != 0 || out != "m\n61.0 MiB\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	code, out, errs = runKQ(t, "", "--memory-limit", "64XB", "SELECT 1")
	if code != exitUsage || out != "" || !strings.Contains(errs, "--memory-limit") || !strings.Contains(errs, `"64XB" is not a size`) {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
}
