package export

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/kq-sql/kq/internal/parquet"
)

var offsetSchema = arrow.NewSchema([]arrow.Field{{Name: "offset", Type: arrow.PrimitiveTypes.Int64}}, nil)

func offsetBatch(mem memory.Allocator, from, until int64) arrow.RecordBatch {
	b := array.NewInt64Builder(mem)
	defer b.Release()
	for o := from; o < until; o++ {
		b.Append(o)
	}
	col := b.NewArray()
	defer col.Release()
	return array.NewRecordBatch(offsetSchema, []arrow.Array{col}, until-from)
}

// readOffsets reads a Parquet file back with arrow-go's reader and returns
// its rows and the sum of its offset column.
func readOffsets(t *testing.T, path string) (rows, sum int64) {
	t.Helper()
	f, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pqarrow.NewFileReader(f, pqarrow.ArrowReadProperties{BatchSize: 1000}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	rr, err := r.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Release()
	for rr.Next() {
		col := rr.RecordBatch().Column(0).(*array.Int64)
		for i := 0; i < col.Len(); i++ {
			sum += col.Value(i)
		}
		rows += int64(col.Len())
	}
	return rows, sum
}

func dirFiles(t *testing.T, dir string) []string {
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

func TestPartSet(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := filepath.Join(t.TempDir(), "out")
	run := func(ranges [][2]int64, fail bool) *Manifest {
		ps, err := NewPartSet(dir, offsetSchema, parquet.WithAllocator(mem))
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range ranges {
			w, err := ps.Task("orders", int32(i%2), r[0], r[1])
			if err != nil {
				t.Fatal(err)
			}
			rec := offsetBatch(mem, r[0], r[1])
			err = w.Write(rec)
			rec.Release()
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Commit(); err != nil {
				t.Fatal(err)
			}
		}
		if fail {
			ps.Abort()
			return nil
		}
		m, err := ps.Commit()
		if err != nil {
			t.Fatal(err)
		}
		return m
	}

	m := run([][2]int64{{0, 10}, {0, 5}, {10, 20}}, false)
	if m.Rows != 25 || len(m.Parts) != 3 {
		t.Fatalf("manifest %+v", m)
	}
	for _, p := range m.Parts {
		rows, sum := readOffsets(t, filepath.Join(dir, p.File))
		want := (p.From + p.Until - 1) * (p.Until - p.From) / 2
		if rows != p.Rows || rows != p.Until-p.From || sum != want {
			t.Fatalf("%s: rows %d sum %d, want %d and %d", p.File, rows, sum, p.Until-p.From, want)
		}
	}
	want := []string{ManifestName, "orders-0-0-10.parquet", "orders-0-10-20.parquet", "orders-1-0-5.parquet"}
	if got := dirFiles(t, dir); !slices.Equal(got, want) {
		t.Fatalf("files %v, want %v", got, want)
	}

	// A failed run with new ranges leaves the directory as it was.
	run([][2]int64{{0, 20}, {0, 5}}, true)
	if got := dirFiles(t, dir); !slices.Equal(got, want) {
		t.Fatalf("after abort: files %v, want %v", got, want)
	}
	// A new run with other ranges replaces the old parts; a file kq did
	// not write stays.
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)
	m = run([][2]int64{{0, 20}, {0, 5}}, false)
	want = []string{ManifestName, "notes.txt", "orders-0-0-20.parquet", "orders-1-0-5.parquet"}
	if got := dirFiles(t, dir); !slices.Equal(got, want) || m.Rows != 25 {
		t.Fatalf("after rerun: files %v (rows %d), want %v", got, m.Rows, want)
	}
	if old, err := ReadManifest(dir); err != nil || len(old.Parts) != 2 || old.Parts[0].File != "orders-0-0-20.parquet" {
		t.Fatalf("manifest %+v, %v", old, err)
	}
}

func TestParquetAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	pf, err := parquet.Create(filepath.Join(dir, "x.parquet"), offsetSchema, parquet.WithCompression(parquet.Snappy))
	if err != nil {
		t.Fatal(err)
	}
	rec := offsetBatch(memory.DefaultAllocator, 0, 100)
	defer rec.Release()
	if err := pf.Write(rec); err != nil {
		t.Fatal(err)
	}
	pf.Abort()
	if got := dirFiles(t, dir); len(got) != 0 {
		t.Fatalf("files left: %v", got)
	}
}
