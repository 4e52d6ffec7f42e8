package plan

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kq-sql/kq/lang"
)

var update = flag.Bool("update", false, "rewrite the golden files testdata/plans/*.plan")

// TestGoldenPlans plans every testdata/plans/*.sql against testLister
// (3 workers) and compares EXPLAIN's text, or the error, with the .plan
// file next to it.
func TestGoldenPlans(t *testing.T) {
	files, err := filepath.Glob("testdata/plans/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 15 {
		t.Fatalf("%d golden plans, want at least 15", len(files))
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".sql")
		t.Run(name, func(t *testing.T) {
			sql, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got := explainGolden(t, string(sql))
			want := strings.TrimSuffix(f, ".sql") + ".plan"
			if *update {
				if err := os.WriteFile(want, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			b, err := os.ReadFile(want)
			if err != nil {
				t.Fatalf("%v (run go test ./plan -update)", err)
			}
			if got != string(b) {
				t.Errorf("plan of %s differs from %s:\n--- got\n%s--- want\n%s", f, want, got, b)
			}
		})
	}
}

func explainGolden(t *testing.T, sql string) string {
	t.Helper()
	stmt, err := lang.Parse(sql)
	if err != nil {
		return "error: " + err.Error() + "\n"
	}
	q, err := Plan(context.Background(), stmt, testLister, WithWorkers(3))
	if err != nil {
		return "error: " + err.Error() + "\n"
	}
	out := q.ExplainText()
	if q.CountOnly {
		out += "count-only query\n"
	}
	return out
}
