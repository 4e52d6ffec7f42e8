package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportStats: --stats json reports what an incremental export
// wrote (run, manifest, parts with their ranges, rows and bytes), and
// --stats text lists its parts; a second run on the same demo data has
// nothing new to write.
func TestExportStats(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ledger")
	sql := "COPY (SELECT topic, partition, offset, value FROM kafka('ledger') WITH (minPartitions=3)) TO '" + dir + "' (INCREMENTAL true)"
	code, out, errs := runKQ(t, "", "--demo", "--format", "csv", "--stats", "json", sql)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var st struct {
		Rows   int64
		Tasks  []struct{ From, Until int64 }
		Export struct {
			Location, Manifest string
			Run                int64
			Parts              int
			Rows, Bytes        int64
			Files              []struct {
				File                     string
				Topic                    string
				Partition                int32
				From, Until, Rows, Bytes int64
			}
		}
	}
	if err := json.Unmarshal([]byte(errs), &st); err != nil {
		t.Fatalf("%v: %s", err, errs)
	}
	e := st.Export
	if e.Location != dir || e.Run != 1 || e.Manifest != "_kq_manifests/00000000000000000001.json" || e.Parts != len(st.Tasks) || e.Parts != len(e.Files) || e.Rows != st.Rows || out != "rows\n"+itoa(st.Rows)+"\n" {
		t.Fatalf("export stats %+v (rows %d, %d tasks), stdout %q", e, st.Rows, len(st.Tasks), out)
	}
	var rows, bytes int64
	for i, f := range e.Files {
		if f.Topic != "ledger" || f.Until <= f.From || f.Bytes == 0 || !strings.HasPrefix(f.File, "ledger-") {
			t.Fatalf("file %d: %+v", i, f)
		}
		rows += f.Rows
		bytes += f.Bytes
	}
	if rows != e.Rows || bytes != e.Bytes {
		t.Fatalf("files sum to %d rows, %d bytes; export says %d, %d", rows, bytes, e.Rows, e.Bytes)
	}

	code, _, errs = runKQ(t, "", "--demo", "--format", "csv", "--stats", "text", sql)
	if code != 0 || !strings.Contains(errs, "export: 0 parts, 0 rows, 0 B to "+dir) {
		t.Fatalf("second run: exit %d, stats %s", code, errs)
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
