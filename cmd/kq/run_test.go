package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runKQ(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestRunDemoCount(t *testing.T) {
	code, out, errs := runKQ(t, "", "--demo", "SELECT COUNT(*) FROM kafka('orders') WITH (minPartitions=8)")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if out != "COUNT(*)\n260000\n" {
		t.Fatalf("stdout %q", out)
	}
}

func TestRunScripts(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "q.sql")
	os.WriteFile(script, []byte("-- two counts\nSELECT COUNT(*) FROM kafka('payments');\nSELECT COUNT(*) AS n FROM kafka('ledger');\n"), 0o644)
	bad := filepath.Join(dir, "bad.sql")
	os.WriteFile(bad, []byte("SELECT COUNT(*) FROM kafka('payments');\n  SELECT COUNT(* FROM kafka('ledger');\n"), 0o644)

	for _, tc := range []struct {
		name         string
		stdin        string
		args         []string
		code         int
		stdout       string
		stderrPrefix string
	}{
		{name: "two statements", args: []string{"--demo", "SELECT COUNT(*) FROM kafka('payments'); SELECT COUNT(*) AS n FROM kafka('ledger')"},
			stdout: "COUNT(*)\n40000\nn\n4000\n"},
		{name: "file", args: []string{"--demo", "-f", script}, stdout: "COUNT(*)\n40000\nn\n4000\n"},
		{name: "stdin", stdin: "SELECT COUNT(*) FROM kafka('payments');", args: []string{"--demo"}, stdout: "COUNT(*)\n40000\n"},
		{name: "error located in the file", args: []string{"--demo", "-f", bad}, code: exitError,
			stdout:       "COUNT(*)\n40000\n",
			stderrPrefix: "kq: 2:18: unexpected \"FROM\", expected \")\"\n  SELECT COUNT(* FROM kafka('ledger');\n                 ^\n"},
		{name: "query and file", args: []string{"-f", script, "SELECT 1"}, code: exitUsage, stderrPrefix: "kq: give a query or -f FILE, not both"},
		{name: "missing file", args: []string{"-f", filepath.Join(dir, "nope.sql")}, code: exitUsage, stderrPrefix: "kq: open "},
		{name: "empty stdin", args: []string{"--demo"}, code: exitUsage, stderrPrefix: "kq: no query given"},
		{name: "unknown flag", args: []string{"--nope", "SELECT 1"}, code: exitUsage, stderrPrefix: "kq: unknown flag --nope"},
		{name: "bad format", args: []string{"--format", "xml", "SELECT 1"}, code: exitUsage,
			stderrPrefix: "kq: --format must be one of table, csv, json, ndjson, arrow, parquet, got \"xml\" (see kq --help)\n"},
		{name: "bad stats", args: []string{"--stats", "xml", "SELECT 1"}, code: exitUsage,
			stderrPrefix: "kq: --stats must be one of text, json, got \"xml\" (see kq --help)\n"},
		{name: "unknown topic", args: []string{"--demo", "SELECT COUNT(*) FROM kafka('nope')"}, code: exitError, stderrPrefix: "kq: 1:22: unknown topic \"nope\"\nSELECT COUNT(*) FROM kafka('nope')\n                     ^\n"},
		{name: "unreachable broker", args: []string{"-b", "127.0.0.1:1", "SELECT COUNT(*) FROM kafka('x')"}, code: exitError,
			stderrPrefix: "kq: cannot reach Kafka at 127.0.0.1:1: "},
		{name: "-o with two statements", args: []string{"--demo", "-o", filepath.Join(dir, "x.csv"), "SELECT COUNT(*) FROM kafka('a'); SELECT 1"}, code: exitUsage,
			stderrPrefix: "kq: -o takes the result of one statement; the script has 2\n"},
		{name: "-o unknown extension", args: []string{"--demo", "-o", filepath.Join(dir, "x.xyz"), "SELECT COUNT(*) FROM kafka('a')"}, code: exitUsage,
			stderrPrefix: "kq: cannot tell the format of "},
		{name: "SASL without password", args: []string{"--sasl-mechanism", "PLAIN", "--sasl-user", "u", "SELECT COUNT(*) FROM kafka('a')"}, code: exitUsage,
			stderrPrefix: "kq: SASL needs a password: set KQ_SASL_PASSWORD or use --sasl-password-file\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runKQ(t, tc.stdin, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, errs)
			}
			if tc.code == 0 && errs != "" {
				t.Errorf("stderr %q", errs)
			}
			if out != tc.stdout {
				t.Errorf("stdout %q, want %q", out, tc.stdout)
			}
			if !strings.HasPrefix(errs, tc.stderrPrefix) {
				t.Errorf("stderr %q, want prefix %q", errs, tc.stderrPrefix)
			}
		})
	}
}

func TestRunFormats(t *testing.T) {
	q := "SELECT partition, offset, key FROM kafka('orders') LIMIT 2"
	for _, tc := range []struct {
		format, want string
	}{
		{"csv", "partition,offset,key\n0,1000,c-4247\n0,1001,c-0829\n"},
		{"ndjson", `{"partition":0,"offset":1000,"key":"c-4247"}` + "\n" + `{"partition":0,"offset":1001,"key":"c-0829"}` + "\n"},
		{"json", "[\n  {\"partition\":0,\"offset\":1000,\"key\":\"c-4247\"},\n  {\"partition\":0,\"offset\":1001,\"key\":\"c-0829\"}\n]\n"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			code, out, errs := runKQ(t, "", "--demo", "--workers", "1", "--format", tc.format, q)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			if out != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", out, tc.want)
			}
		})
	}
	t.Run("-o json", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "rows.json")
		code, out, errs := runKQ(t, "", "--demo", "--workers", "1", "-o", path, q)
		if code != 0 || out != "" {
			t.Fatalf("exit %d, stdout %q: %s", code, out, errs)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var rows []map[string]any
		if err := json.Unmarshal(b, &rows); err != nil || len(rows) != 2 {
			t.Fatalf("file %s: %v", b, err)
		}
		entries, _ := os.ReadDir(filepath.Dir(path))
		if len(entries) != 1 {
			t.Errorf("temporary files left: %v", entries)
		}
	})
}

func TestRunQueryError(t *testing.T) {
	code, out, errs := runKQ(t, "", "--demo", "SELECT COUNT(* FROM kafka('orders')")
	if code != exitError || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	want := "kq: 1:16: unexpected \"FROM\", expected \")\"\nSELECT COUNT(* FROM kafka('orders')\n               ^\n"
	if errs != want {
		t.Fatalf("stderr:\n%s\nwant:\n%s", errs, want)
	}
}

func TestRunHelp(t *testing.T) {
	code, out, _ := runKQ(t, "", "--help")
	if code != 0 || !strings.Contains(out, "--brokers") || !strings.Contains(out, "demo-broker") {
		t.Fatalf("exit %d, help:\n%s", code, out)
	}
}
