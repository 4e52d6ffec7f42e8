package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func runKQ(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestRunDemoCount(t *testing.T) {
	code, out, errs := runKQ(t, "--demo", "SELECT COUNT(*) FROM kafka('orders') WITH (minPartitions=8)")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if out != "COUNT(*)\n260000\n" {
		t.Fatalf("stdout %q", out)
	}
}

func TestRunQueryError(t *testing.T) {
	code, out, errs := runKQ(t, "--demo", "SELECT COUNT(* FROM kafka('orders')")
	if code != exitError || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	want := "kq: 1:16: unexpected \"FROM\", expected \")\"\nSELECT COUNT(* FROM kafka('orders')\n               ^\n"
	if errs != want {
		t.Fatalf("stderr:\n%s\nwant:\n%s", errs, want)
	}
}

func TestRunUsageError(t *testing.T) {
	code, _, errs := runKQ(t, "--format", "xml", "SELECT 1")
	if code != exitUsage || !strings.HasPrefix(errs, "kq: ") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
}
