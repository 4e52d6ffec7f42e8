package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq/internal/kafkatest"
)

// TestJobArray: kq plan --out, kq task run for every index (--index, or
// JOB_COMPLETION_INDEX as a Kubernetes Indexed Job sets it), kq task
// commit; the manifest lists every record once. A commit before every
// task ran names the missing parts, a bad index or document is an error
// that says what is wrong.
func TestJobArray(t *testing.T) {
	c := kafkatest.New(t)
	if err := c.CreateTopic(context.Background(), "clicks", 3, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Produce(context.Background(), kafkatest.Records("clicks", []int{300, 200, 100}, func(p int32, i int) *kgo.Record {
		return &kgo.Record{Value: fmt.Appendf(nil, `{"n":%d}`, i)}
	})...); err != nil {
		t.Fatal(err)
	}
	dir, jobFile := filepath.Join(t.TempDir(), "clicks"), filepath.Join(t.TempDir(), "job.json")
	brokers := []string{"-b", c.Brokers(), "--progress", "never"}
	sql := "COPY (SELECT partition, offset, n FROM kafka('clicks') WITH (valueFormat='json', minPartitions=4)) TO '" + dir + "' (PER_TASK true)"
	code, _, errs := runKQ(t, "", append(brokers, "plan", "--out", jobFile, sql)...)
	if code != 0 || !strings.Contains(errs, "4 tasks") {
		t.Fatalf("plan: exit %d: %s", code, errs)
	}
	code, _, errs = runKQ(t, "", append(brokers, "task", "commit", "--job", jobFile)...)
	if code == 0 || !strings.Contains(errs, "4 part(s) missing") || !strings.Contains(errs, "clicks-0-0-150.parquet") {
		t.Fatalf("commit before the tasks: exit %d: %s", code, errs)
	}
	for i := range 4 {
		args := append(brokers, "task", "run", "--job", jobFile)
		if i%2 == 0 {
			args = append(args, "--index", fmt.Sprint(i))
		} else {
			t.Setenv("JOB_COMPLETION_INDEX", fmt.Sprint(i))
		}
		code, out, errs := runKQ(t, "", args...)
		if code != 0 || !strings.HasPrefix(out, fmt.Sprintf("task %d of job kq-export-", i)) {
			t.Fatalf("task %d: exit %d: %s%s", i, code, out, errs)
		}
	}
	code, out, errs := runKQ(t, "", append(brokers, "task", "commit", "--job", jobFile)...)
	if code != 0 || !strings.Contains(out, "600 rows in 4 part(s)") {
		t.Fatalf("commit: exit %d: %s%s", code, out, errs)
	}
	var m struct{ Rows int64 }
	b, err := os.ReadFile(filepath.Join(dir, "_kq_manifest.json"))
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	if err != nil || m.Rows != 600 {
		t.Fatalf("manifest: %v, %d rows", err, m.Rows)
	}

	doc, err := os.ReadFile(jobFile)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(strings.Replace(string(doc), `"version": 1`, `"version": 7`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"task", "run", "--job", jobFile, "--index", "4"}, "has tasks 0..3, not 4"},
		{[]string{"task", "run", "--job", bad, "--index", "0"}, "version 7, this kq reads version 1"},
		{[]string{"task", "commit", "--job", filepath.Join(t.TempDir(), "none.json")}, "--job: open"},
		{[]string{"plan", "SELECT 1"}, "runs a per-task export"},
		{[]string{"plan", "COPY (SELECT offset FROM kafka('clicks')) TO '" + dir + "x'"}, "add PER_TASK true"},
	} {
		code, _, errs := runKQ(t, "", append(brokers, tc.args...)...)
		if code == 0 || !strings.Contains(errs, tc.want) {
			t.Errorf("kq %s: exit %d: %s, want %q", strings.Join(tc.args, " "), code, errs, tc.want)
		}
	}
}
