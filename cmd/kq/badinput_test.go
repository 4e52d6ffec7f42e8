package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq/internal/kafkatest"
)

// mixedBroker is a kafkatest cluster with topic "mixed" (one partition)
// whose values at offsets 0..3 are {"a":1}, not json, {"a":3}, {"a":
func mixedBroker(t *testing.T) string {
	t.Helper()
	c := kafkatest.New(t, kfake.SeedTopics(1, "mixed"))
	var recs []*kgo.Record
	for _, v := range []string{`{"a":1}`, `not json`, `{"a":3}`, `{"a":`} {
		recs = append(recs, &kgo.Record{Topic: "mixed", Value: []byte(v)})
	}
	if err := c.Produce(context.Background(), recs...); err != nil {
		t.Fatal(err)
	}
	return c.Brokers()
}

// fullDevice returns a character device that behaves as /dev/full: one
// made in a temporary directory when running as root (so that a kq that
// wrongly renamed a file onto its target could not replace the system's
// /dev/full), else /dev/full itself.
func fullDevice(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		return "/dev/full"
	}
	path := filepath.Join(t.TempDir(), "full")
	if err := syscall.Mknod(path, syscall.S_IFCHR|0o666, 1<<8|7); err != nil {
		t.Skipf("root without the right to mknod (%v): the system's /dev/full is not put at risk", err)
	}
	return path
}

// unwritableDir returns a directory kq cannot create files in: readOnly
// (mode 0555) for an ordinary user; for root, whom permissions do not stop,
// sysfs's root directory, which refuses new files even to root.
func unwritableDir(t *testing.T, readOnly string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		return readOnly
	}
	f, err := os.CreateTemp("/sys", ".kq-probe-*")
	if err == nil {
		os.Remove(f.Name())
		f.Close()
	}
	if !errors.Is(err, os.ErrPermission) {
		return "" // the read-only cases skip, saying why
	}
	return "/sys"
}

// TestBadInput is the catalogue of bad inputs through the command line:
// each is a clear one-line error naming the thing (the option, topic,
// partition, path, offset or position), exit status 1 or 2, no panic, and
// nothing half-written. Malformed SQL in general is fuzzed (lang's
// FuzzParse, plan's FuzzPlan); here are the shapes a user meets.
func TestBadInput(t *testing.T) {
	brokers := mixedBroker(t)
	dir := t.TempDir()
	readOnly := filepath.Join(dir, "ro")
	os.Mkdir(readOnly, 0o555)
	unwritable := unwritableDir(t, readOnly) // "" when nothing here stops root
	os.Mkdir(filepath.Join(dir, "decode"), 0o755)
	full := fullDevice(t)
	deep := strings.Repeat("(", 5000) + "1" + strings.Repeat(")", 5000)
	long := "SELECT '" + strings.Repeat("x", 2<<20) + "'"

	for _, tc := range []struct {
		name string
		args []string
		code int
		want []string // substrings of stderr, which must be one "kq: " line plus caret lines
		// empty lists directories that must be empty afterwards
		empty []string
		// absent lists files that must not exist afterwards
		absent []string
	}{
		{name: "malformed SQL", args: []string{"SELECT FROM kafka('mixed') WHERE"}, code: exitError,
			want: []string{"kq: 1:"}},
		{name: "malformed option JSON", args: []string{`SELECT COUNT(*) FROM kafka('mixed') WITH (startingOffsets='{"mixed":{"0":')`}, code: exitError,
			want: []string{"startingOffsets"}},
		{name: "option JSON of the wrong shape", args: []string{`SELECT COUNT(*) FROM kafka('mixed') WITH (startingOffsets='[1,2]')`}, code: exitError,
			want: []string{"startingOffsets"}},
		{name: "wrong option type: number", args: []string{`SELECT COUNT(*) FROM kafka('mixed') WITH (minPartitions='many')`}, code: exitError,
			want: []string{"minPartitions"}},
		{name: "wrong option type: boolean", args: []string{`SELECT COUNT(*) FROM kafka('mixed') WITH (includeHeaders=3)`}, code: exitError,
			want: []string{"includeHeaders"}},
		{name: "option out of range", args: []string{`SELECT COUNT(*) FROM kafka('mixed') WITH (minPartitions=0)`}, code: exitError,
			want: []string{"minPartitions"}},
		{name: "unknown option", args: []string{`SELECT COUNT(*) FROM kafka('mixed') WITH (minPartition=2)`}, code: exitError,
			want: []string{"minPartition"}},
		{name: "unknown enum value", args: []string{`SELECT COUNT(*) FROM kafka('mixed') WITH (valueFormat='xml')`}, code: exitError,
			want: []string{"valueFormat", "xml"}},
		{name: "unknown topic", args: []string{`SELECT COUNT(*) FROM kafka('mixd')`}, code: exitError,
			want: []string{`unknown topic "mixd"`}},
		{name: "unknown partition in startingOffsets", args: []string{`SELECT COUNT(*) FROM kafka('mixed') WITH (startingOffsets='{"mixed":{"0":0,"99":0}}')`}, code: exitError,
			want: []string{"startingOffsets", "99"}},
		{name: "unknown topic in endingOffsets", args: []string{`SELECT COUNT(*) FROM kafka('mixed') WITH (endingOffsets='{"other":{"0":1}}')`}, code: exitError,
			want: []string{"endingOffsets"}},
		{name: "start after end", args: []string{`SELECT COUNT(*) FROM kafka('mixed') WITH (startingOffsets='{"mixed":{"0":3}}', endingOffsets='{"mixed":{"0":1}}')`}, code: exitError,
			want: []string{"startingOffsets", "mixed-0"}},
		{name: "-o into a missing directory", args: []string{"-o", filepath.Join(dir, "missing", "out.csv"), `SELECT offset FROM kafka('mixed')`}, code: exitError,
			want: []string{filepath.Join(dir, "missing", "out.csv"), "no such file or directory"}},
		{name: "-o into a read-only directory", args: []string{"-o", filepath.Join(unwritable, "out.csv"), `SELECT offset FROM kafka('mixed')`}, code: exitError,
			want: []string{filepath.Join(unwritable, "out.csv"), "permission denied"}, absent: []string{filepath.Join(unwritable, "out.csv")}},
		{name: "COPY into a read-only directory", args: []string{`COPY (SELECT offset, value FROM kafka('mixed')) TO '` + filepath.Join(unwritable, "o.parquet") + `'`}, code: exitError,
			want: []string{filepath.Join(unwritable, "o.parquet"), "permission denied"}, absent: []string{filepath.Join(unwritable, "o.parquet")}},
		{name: "-o onto a directory", args: []string{"-o", filepath.Join(dir, "ro") + "/", "--format", "csv", `SELECT offset FROM kafka('mixed')`}, code: exitError,
			want: []string{filepath.Join(dir, "ro")}, empty: []string{readOnly}},
		{name: "COPY into a missing directory (Parquet)", args: []string{`COPY (SELECT offset, value FROM kafka('mixed')) TO '` + filepath.Join(dir, "missing", "o.parquet") + `'`}, code: exitError,
			want: []string{filepath.Join(dir, "missing", "o.parquet"), "no such file or directory"}},
		{name: "COPY into a missing directory (DuckDB)", args: []string{`COPY (SELECT offset + 1 AS o FROM kafka('mixed')) TO '` + filepath.Join(dir, "missing", "o.csv") + `'`}, code: exitError,
			want: []string{"kq: COPY to " + filepath.Join(dir, "missing", "o.csv"), "no such file or directory"}},
		{name: "-o to a full disk", args: []string{"-o", full, "--format", "csv", `SELECT offset, value FROM kafka('mixed')`}, code: exitError,
			want: []string{full, "no space left on device"}},
		{name: "COPY to a full disk (Parquet)", args: []string{`COPY (SELECT offset, value FROM kafka('mixed')) TO '` + full + `' (FORMAT parquet)`}, code: exitError,
			want: []string{full, "no space left on device"}},
		{name: "COPY to a full disk (DuckDB)", args: []string{`COPY (SELECT offset + 1 AS o FROM kafka('mixed')) TO '` + full + `' (FORMAT csv)`}, code: exitError,
			want: []string{full}},
		{name: "undecodable value, onDecodeError=fail", args: []string{"-o", filepath.Join(dir, "decode", "a.csv"), `SELECT a FROM kafka('mixed') WITH (valueFormat='json', valueSchema='a BIGINT', onDecodeError='fail')`}, code: exitError,
			want: []string{"mixed-0", "offset 1", "onDecodeError"}, empty: []string{filepath.Join(dir, "decode")}},
		{name: "query too long", args: []string{long}, code: exitError,
			want: []string{"query is 2097161 bytes long, more than the limit of 1048576\nSELECT 'xxx", "xxx...\n^\n"}},
		{name: "query nested too deeply", args: []string{"SELECT " + deep}, code: exitError,
			want: []string{"nested"}},
		{name: "unknown function", args: []string{`SELECT nosuchfn(offset) FROM kafka('mixed')`}, code: exitError,
			want: []string{"nosuchfn"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if strings.Contains(tc.name, "read-only") && unwritable == "" {
				t.Skip("running as root, and neither permissions nor /sys refuse root's writes on this machine")
			}
			code, out, errs := runKQ(t, "", append([]string{"-b", brokers}, tc.args...)...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.code, errs)
			}
			if out != "" {
				t.Errorf("stdout %q", out)
			}
			if !strings.HasPrefix(errs, "kq: ") || strings.HasPrefix(errs, "kq: kq:") || strings.Contains(errs, "panic") || strings.Contains(errs, "goroutine ") {
				t.Errorf("stderr is not a kq error line:\n%s", errs)
			}
			for _, w := range tc.want {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr does not name %q:\n%s", w, errs)
				}
			}
			first, _, _ := strings.Cut(errs, "\n")
			if len(first) > 600 {
				first = first[:600] + "..."
			}
			t.Logf("%s", first)
			for _, d := range tc.empty {
				if names := listDir(t, d); len(names) > 0 {
					t.Errorf("%s holds %v", d, names)
				}
			}
			for _, f := range tc.absent {
				if _, err := os.Stat(f); !os.IsNotExist(err) {
					t.Errorf("%s exists after a failed write (%v)", f, err)
				}
			}
			if fi, err := os.Stat(full); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
				t.Fatalf("%s is no longer a character device: %v, %v", full, fi.Mode(), err)
			}
			if names := listDir(t, filepath.Dir(full)); filepath.Dir(full) != "/dev" && len(names) != 1 {
				t.Errorf("temporary files beside %s: %v", full, names)
			}
		})
	}
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// TestUndecodableValues: under the default onDecodeError='null', values
// that are not JSON objects give NULL fields, the query succeeds, and the
// statistics count them.
func TestUndecodableValues(t *testing.T) {
	brokers := mixedBroker(t)
	code, out, errs := runKQ(t, "", "-b", brokers, "--stats", "json", "--format", "csv",
		`SELECT offset, a FROM kafka('mixed') WITH (valueFormat='json', valueSchema='a BIGINT') ORDER BY offset`)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if want := "offset,a\n0,1\n1,\n2,3\n3,\n"; out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
	var st struct{ Rows, DecodeErrors int64 }
	if err := json.Unmarshal([]byte(errs), &st); err != nil || st.Rows != 4 || st.DecodeErrors != 2 {
		t.Errorf("stats %s: rows %d decodeErrors %d (%v), want 4 and 2", errs, st.Rows, st.DecodeErrors, err)
	}
}
