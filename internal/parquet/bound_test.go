package parquet

import (
	"path/filepath"
	"testing"
)

// TestCompressionBound: the bound reads back every page of a file kq
// wrote and compresses it again: the same number of bytes goes in, about
// as many come out as the file holds, and it takes CPU time.
func TestCompressionBound(t *testing.T) {
	recs, _ := benchExport()
	path := filepath.Join(t.TempDir(), "x.parquet")
	f, err := Create(path, recs[0].Schema(), WithCompression(Zstd))
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs[:4] {
		if err := f.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	b, err := CompressionBound(path, 1)
	if err != nil {
		t.Fatal(err)
	}
	if b.Pages == 0 || b.PageBytes <= b.Compressed || b.CPU <= 0 {
		t.Fatalf("bound %+v", b)
	}
	// The pages compressed again are the file's bulk: not more than the
	// file, not much less (footer and page headers aside).
	if b.Compressed > f.Size() || b.Compressed < f.Size()*8/10 {
		t.Errorf("compressed again to %d bytes, the file is %d", b.Compressed, f.Size())
	}
	if _, err := CompressionBound(filepath.Join(t.TempDir(), "none.parquet"), 1); err == nil {
		t.Error("no error for a missing file")
	}
}
