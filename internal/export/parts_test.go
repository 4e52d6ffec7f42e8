package export

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/kq-sql/kq/internal/parquet"
	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/internal/s3test"
	"github.com/kq-sql/kq/internal/storage"
)

var offsetSchema = arrow.NewSchema([]arrow.Field{{Name: "offset", Type: arrow.PrimitiveTypes.Int64}}, nil)

// offsetBatch holds offsets from to until, in an order that does not
// compress (so that file sizes grow with rows).
func offsetBatch(mem memory.Allocator, from, until int64) arrow.RecordBatch {
	b := array.NewInt64Builder(mem)
	defer b.Release()
	n := until - from
	for i := range n {
		b.Append(from + (i*7919)%n) // 7919 is prime: a permutation unless n is a multiple
	}
	col := b.NewArray()
	defer col.Release()
	return array.NewRecordBatch(offsetSchema, []arrow.Array{col}, until-from)
}

// readOffsets reads a part back with arrow-go's reader and returns its
// offset column.
func readOffsets(t *testing.T, d *storage.Dir, name string) []int64 {
	t.Helper()
	b, err := d.ReadFile(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	f, err := file.NewParquetReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
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
	var out []int64
	for rr.Next() {
		out = append(out, rr.RecordBatch().Column(0).(*array.Int64).Int64Values()...)
	}
	return out
}

// dests opens a fresh destination on each backend.
func dests(t *testing.T) map[string]func() *storage.Dir {
	srv := s3test.New(t)
	open := func(loc string) *storage.Dir {
		d, err := storage.Open(context.Background(), loc)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		return d
	}
	return map[string]func() *storage.Dir{
		"local": func() *storage.Dir { return open(filepath.Join(t.TempDir(), "out")) },
		"s3":    func() *storage.Dir { return open("s3://" + srv.Bucket(t) + "/exports/") },
	}
}

func list(t *testing.T, d *storage.Dir) []string {
	t.Helper()
	names, err := d.List(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// runTasks writes one part per range (rows: every offset of the range)
// and commits or aborts the set.
func runTasks(t *testing.T, d *storage.Dir, cfg Config, ranges []plan.Range, fail bool) *Manifest {
	t.Helper()
	ctx := context.Background()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	cfg.Schema = offsetSchema
	cfg.Parquet = append(cfg.Parquet, parquet.WithAllocator(mem))
	cfg.Allocator = mem
	ps, err := NewPartSet(ctx, d, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range ranges {
		w, err := ps.Task(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		rec := offsetBatch(mem, r.From, r.Until)
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
		ps.Abort(ctx)
		return nil
	}
	m, err := ps.Commit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func rng(p int32, from, until int64) plan.Range {
	return plan.Range{Topic: "orders", Partition: p, From: from, Until: until}
}

func TestPartSet(t *testing.T) {
	for name, open := range dests(t) {
		t.Run(name, func(t *testing.T) {
			d := open()
			m := runTasks(t, d, Config{}, []plan.Range{rng(0, 0, 10), rng(1, 0, 5), rng(0, 10, 20)}, false)
			if m.Rows != 25 || len(m.Parts) != 3 || len(m.Ranges) != 3 {
				t.Fatalf("manifest %+v", m)
			}
			for _, p := range m.Parts {
				got := readOffsets(t, d, p.File)
				slices.Sort(got)
				if int64(len(got)) != p.Rows || p.Rows != p.Until-p.From || got[0] != p.From || got[len(got)-1] != p.Until-1 || p.Bytes == 0 {
					t.Fatalf("%s: %d rows from %d, part %+v", p.File, len(got), got[0], p)
				}
			}
			want := []string{ManifestName, "orders-0-0-10.parquet", "orders-0-10-20.parquet", "orders-1-0-5.parquet"}
			if got := list(t, d); !slices.Equal(got, want) {
				t.Fatalf("files %v, want %v", got, want)
			}

			// A failed run with new ranges leaves the directory as it was.
			runTasks(t, d, Config{}, []plan.Range{rng(0, 0, 20), rng(1, 0, 5)}, true)
			if got := list(t, d); !slices.Equal(got, want) {
				t.Fatalf("after abort: files %v, want %v", got, want)
			}
			// A part a killed run left (not in the manifest) and a file kq
			// did not write: the next run removes the first, keeps the
			// second, and replaces the old parts.
			for _, n := range []string{"orders-2-0-7.parquet", "notes.txt"} {
				o, _ := d.Create(context.Background(), n)
				o.Write([]byte("x"))
				o.Commit()
			}
			m = runTasks(t, d, Config{}, []plan.Range{rng(0, 0, 20), rng(1, 0, 5)}, false)
			want = []string{ManifestName, "notes.txt", "orders-0-0-20.parquet", "orders-1-0-5.parquet"}
			if got := list(t, d); !slices.Equal(got, want) || m.Rows != 25 {
				t.Fatalf("after rerun: files %v (rows %d), want %v", got, m.Rows, want)
			}
			if old, err := ReadManifest(context.Background(), d); err != nil || len(old.Parts) != 2 || old.Parts[0].File != "orders-0-0-20.parquet" {
				t.Fatalf("manifest %+v, %v", old, err)
			}
			if _, err := ReadState(context.Background(), d); err == nil || !strings.Contains(err.Error(), "holds a per-task export") {
				t.Fatalf("ReadState of a per-task export: %v", err)
			}
		})
	}
}

// TestIncrementalRuns: runs commit manifests one after the other; the
// state is their union; a failed run changes nothing; a killed run's
// part is swept by the next run; overlapping runs are refused.
func TestIncrementalRuns(t *testing.T) {
	for name, open := range dests(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			d := open()
			run := func(ranges []plan.Range, fail bool) *Manifest {
				t.Helper()
				st, err := ReadState(ctx, d)
				if err != nil {
					t.Fatal(err)
				}
				return runTasks(t, d, Config{Incremental: st}, ranges, fail)
			}
			m1 := run([]plan.Range{rng(0, 0, 10), rng(1, 0, 5)}, false)
			run([]plan.Range{rng(0, 10, 30)}, true) // failed
			// A killed run: a part written, no manifest.
			o, _ := d.Create(ctx, "orders-0-10-25.parquet")
			o.Write([]byte("half a run"))
			o.Commit()
			m2 := run([]plan.Range{rng(0, 10, 30), rng(1, 5, 6), rng(2, 0, 4)}, false)
			if m1.Run != 1 || m2.Run != 2 {
				t.Fatalf("runs %d, %d", m1.Run, m2.Run)
			}
			st, err := ReadState(ctx, d)
			if err != nil {
				t.Fatal(err)
			}
			wantEnds := map[plan.TopicPartition]int64{{Topic: "orders", Partition: 0}: 30, {Topic: "orders", Partition: 1}: 6, {Topic: "orders", Partition: 2}: 4}
			if len(st.Ends) != 3 || st.LastRun() != 2 || st.Rows() != 10+5+20+1+4 {
				t.Fatalf("state: ends %v, last run %d, rows %d", st.Ends, st.LastRun(), st.Rows())
			}
			for tp, end := range wantEnds {
				if st.Ends[tp] != end {
					t.Fatalf("end of %s = %d, want %d", tp, st.Ends[tp], end)
				}
			}
			want := []string{RunName(1), RunName(2), "orders-0-0-10.parquet", "orders-0-10-30.parquet", "orders-1-0-5.parquet", "orders-1-5-6.parquet", "orders-2-0-4.parquet"}
			if got := list(t, d); !slices.Equal(got, want) {
				t.Fatalf("files %v, want %v", got, want)
			}
			// Every offset once.
			var all []int64
			for f := range st.Files {
				if strings.HasPrefix(f, "orders-0-") {
					all = append(all, readOffsets(t, d, f)...)
				}
			}
			slices.Sort(all)
			if len(all) != 30 || all[0] != 0 || all[29] != 29 || len(slices.Compact(all)) != 30 {
				t.Fatalf("orders-0 offsets %v", all)
			}

			// A per-task export into it is refused.
			if _, err := NewPartSet(ctx, d, Config{Schema: offsetSchema}); err == nil || !strings.Contains(err.Error(), "holds an incremental export") {
				t.Fatalf("per-task into incremental: %v", err)
			}
			// A manifest written beside the state's back (two exports at
			// once): the second commit of run 3 fails; overlapping runs
			// make the state an error naming both.
			stale, _ := ReadState(ctx, d)
			run([]plan.Range{rng(0, 30, 40)}, false)
			ps, _ := NewPartSet(ctx, d, Config{Schema: offsetSchema, Incremental: stale})
			if _, err := ps.Commit(ctx); err == nil || !strings.Contains(err.Error(), "another export committed run 3") {
				t.Fatalf("concurrent commit: %v", err)
			}
			m := &Manifest{Version: 1, Run: 4, Ranges: []plan.Range{rng(0, 35, 45)}}
			b, _ := m.encode()
			d.CreateNew(ctx, RunName(4), b)
			if _, err := ReadState(ctx, d); err == nil || !strings.Contains(err.Error(), "runs 3 and 4 both exported offsets of orders-0 ([30, 40) and [35, 45))") {
				t.Fatalf("overlapping runs: %v", err)
			}
		})
	}
}

// TestRolling: FILE_SIZE_BYTES rolls a task's part into numbered files,
// none more than one row group past the limit, holding every row once.
func TestRolling(t *testing.T) {
	d, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	const limit = 6 << 10
	m := runTasks(t, d, Config{FileSizeBytes: limit, Parquet: []parquet.Option{parquet.WithRowGroupRows(1000), parquet.WithCompression(parquet.None)}},
		[]plan.Range{rng(0, 0, 20001)}, false)
	if len(m.Parts) < 4 {
		t.Fatalf("%d parts, want several: %+v", len(m.Parts), m.Parts)
	}
	var all []int64
	var maxGroup int64
	for i, p := range m.Parts {
		if p.File != PartName("orders", 0, 0, 20001, i) && !slices.ContainsFunc(m.Parts, func(q Part) bool { return q.File == PartName("orders", 0, 0, 20001, i) }) {
			t.Fatalf("part %d named %s", i, p.File)
		}
		b, _ := d.ReadFile(context.Background(), p.File)
		f, err := file.NewParquetReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		for g := range f.NumRowGroups() {
			maxGroup = max(maxGroup, f.MetaData().RowGroup(g).TotalByteSize())
		}
		f.Close()
		all = append(all, readOffsets(t, d, p.File)...)
	}
	for _, p := range m.Parts {
		if p.Bytes > limit+maxGroup+4096 { // a row group and the footer
			t.Errorf("%s: %d bytes, limit %d, row groups up to %d", p.File, p.Bytes, limit, maxGroup)
		}
	}
	slices.Sort(all)
	if len(all) != 20001 || len(slices.Compact(all)) != 20001 {
		t.Fatalf("%d rows back", len(all))
	}
}

// TestPartitioned: rows go to Hive directories of their escaped values.
func TestPartitioned(t *testing.T) {
	ctx := context.Background()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	d, err := storage.Open(ctx, filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	ps, err := NewPartSet(ctx, d, Config{Schema: offsetSchema, PartitionBy: []string{"dt", "who"}, Allocator: mem, Parquet: []parquet.Option{parquet.WithAllocator(mem)}})
	if err != nil {
		t.Fatal(err)
	}
	w, err := ps.Task(ctx, rng(0, 0, 6))
	if err != nil {
		t.Fatal(err)
	}
	rec := offsetBatch(mem, 0, 6)
	defer rec.Release()
	key := func(vals ...string) *array.String {
		b := array.NewStringBuilder(mem)
		defer b.Release()
		for _, v := range vals {
			if v == "NULL" {
				b.AppendNull()
			} else {
				b.Append(v)
			}
		}
		return b.NewStringArray()
	}
	// Rows hold offsets 0, 5, 4, 3, 2, 1 (offsetBatch's order).
	dt := key("2024-01-01", "2024-01-02", "2024-01-02", "2024-01-01", "2024-01-02", "2024-01-01")
	who := key("a/b", "NULL", "NULL", "a/b", "x y", "a/b")
	defer dt.Release()
	defer who.Release()
	if err := w.WriteKeyed(rec, []*array.String{dt, who}); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	m, err := ps.Commit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]int64{}
	for _, p := range m.Parts {
		got[p.File] = readOffsets(t, d, p.File)
	}
	want := map[string][]int64{
		"dt=2024-01-01/who=a%2Fb/orders-0-0-6-0.parquet":                      {0, 3, 1},
		"dt=2024-01-02/who=x%20y/orders-0-0-6-0.parquet":                      {2},
		"dt=2024-01-02/who=__HIVE_DEFAULT_PARTITION__/orders-0-0-6-0.parquet": {5, 4},
	}
	if len(got) != len(want) {
		t.Fatalf("parts %v", got)
	}
	for f, offs := range want {
		if !slices.Equal(got[f], offs) {
			t.Errorf("%s: %v, want %v", f, got[f], offs)
		}
	}
	if _, err := os.Stat(filepath.Join(d.Location(""), "dt=2024-01-01", "who=a%2Fb")); err != nil {
		t.Fatal(err)
	}
}

func TestHiveEscape(t *testing.T) {
	// DuckDB 1.5's spelling of each value (COPY ... PARTITION_BY).
	for v, want := range map[string]string{
		"2024-01-02 03:04:05":    "2024-01-02%2003%3A04%3A05",
		"a/b":                    "a%2Fb",
		"k=v":                    "k%3Dv",
		"?:&":                    "%3F%3A%26",
		"🦆":                      "%F0%9F%A6%86",
		"a%b":                    "a%25b",
		"2024-01-02 03:04:05+00": "2024-01-02%2003%3A04%3A05%2B00",
		"a#b":                    "a%23b",
		"a'b":                    "a%27b",
		"":                       "",
		"1.5":                    "1.5",
	} {
		if got := HiveEscape(v); got != want {
			t.Errorf("HiveEscape(%q) = %q, want %q", v, got, want)
		}
	}
}
