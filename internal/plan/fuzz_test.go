package plan

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kq-sql/kq/lang"
)

// FuzzOptimize checks that building and optimizing any statement the
// parser accepts never panics, and that the rules keep every scan.
func FuzzOptimize(f *testing.F) {
	files, _ := filepath.Glob("testdata/plans/*.sql")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err == nil {
			f.Add(string(b))
		}
	}
	f.Add("SELECT COUNT(*) FROM kafka('a') WHERE (partition = 1 OR partition IN (2, 3)) AND offset BETWEEN -5 AND 9223372036854775807")
	f.Add("SELECT * FROM kafka('a') x, kafka('b') y WHERE x.timestamp > TIMESTAMP '2026-01-01' OR x.timestamp < '1970-01-01' LIMIT 9223372036854775807 OFFSET 9223372036854775807")
	f.Fuzz(func(t *testing.T, sql string) {
		stmt, err := lang.Parse(sql)
		if err != nil {
			return
		}
		root, err := BuildStatement(stmt)
		if err != nil {
			return
		}
		before := len(Scans(root))
		out := Optimize(root)
		if after := len(Scans(out)); after != before {
			t.Fatalf("%d scans before the rules, %d after:\n%s", before, after, Format(out))
		}
		_ = Format(out)
	})
}
