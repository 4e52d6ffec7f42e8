package kq_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/internal/export"
	"github.com/kq-sql/kq/internal/kafkatest"
	"github.com/kq-sql/kq/internal/s3test"
	"github.com/kq-sql/kq/internal/storage"
)

// recordID names one exported record.
type recordID struct {
	Topic     string
	Partition int32
	Offset    int64
}

func (r recordID) String() string { return fmt.Sprintf("%s-%d@%d", r.Topic, r.Partition, r.Offset) }

// exportDests returns a fresh destination per backend: a local
// directory and a prefix on the versitygw test server.
func exportDests(t *testing.T) map[string]func() string {
	srv := s3test.New(t)
	return map[string]func() string{
		"local": func() string { return filepath.Join(t.TempDir(), "nightly") },
		"s3":    func() string { return "s3://" + srv.Bucket(t) + "/exports/nightly/" },
	}
}

// exportedSet reads back what the destination's committed manifests list:
// every record of every part, by (topic, partition, offset). A record
// exported twice fails the test. It also checks that every object the
// destination holds is a manifest or a whole Parquet file, and that no
// multipart upload is left.
func exportedSet(t *testing.T, loc string) map[recordID]bool {
	t.Helper()
	ctx := context.Background()
	d, err := storage.Open(ctx, loc)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	st, err := export.ReadState(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	set := map[recordID]bool{}
	for _, m := range st.Runs {
		for _, p := range m.Parts {
			for _, id := range partRecords(t, d, p.File) {
				if set[id] {
					t.Fatalf("%s exported twice (again in run %d, %s)", id, m.Run, p.File)
				}
				if id.Topic != p.Topic || id.Partition != p.Partition || id.Offset < p.From || id.Offset >= p.Until {
					t.Fatalf("%s in part %s of range [%d, %d)", id, p.File, p.From, p.Until)
				}
				set[id] = true
			}
		}
	}
	checkNoDebris(t, d, st)
	return set
}

// checkNoDebris checks that d holds only manifests and parts the
// committed manifests list, each whole, and no multipart upload.
func checkNoDebris(t *testing.T, d *storage.Dir, st *export.State) {
	t.Helper()
	names, err := d.List(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if strings.HasPrefix(n, export.ManifestsDir+"/") {
			continue
		}
		if !st.Files[n] {
			t.Errorf("%s: not listed by any committed manifest", d.Location(n))
		}
		partRecords(t, d, n) // whole: it reads
	}
	if ups, err := d.Uploads(context.Background()); err != nil || len(ups) > 0 {
		t.Errorf("multipart uploads left: %+v, %v", ups, err)
	}
}

// visibleWhole checks that every object in loc is a manifest that
// decodes or a Parquet file that reads: no half-written object is
// visible, whatever happened to the run. It returns the last committed
// run and the number of multipart uploads in progress.
func visibleWhole(t *testing.T, loc string) (int64, int) {
	t.Helper()
	ctx := context.Background()
	d, err := storage.Open(ctx, loc)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	st, err := export.ReadState(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	names, err := d.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if !strings.HasPrefix(n, export.ManifestsDir+"/") {
			partRecords(t, d, n)
		}
	}
	ups, err := d.Uploads(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return st.LastRun(), len(ups)
}

// partRecords reads the topic, partition and offset columns of a part.
func partRecords(t *testing.T, d *storage.Dir, name string) []recordID {
	t.Helper()
	b, err := d.ReadFile(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	f, err := file.NewParquetReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s is not a whole Parquet file: %v", d.Location(name), err)
	}
	defer f.Close()
	r, err := pqarrow.NewFileReader(f, pqarrow.ArrowReadProperties{BatchSize: 4096}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	rr, err := r.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Release()
	var out []recordID
	for rr.Next() {
		rec := rr.RecordBatch()
		idx := func(name string) int {
			is := rec.Schema().FieldIndices(name)
			if len(is) != 1 {
				t.Fatalf("%s has no column %s", d.Location(name), name)
			}
			return is[0]
		}
		topics := rec.Column(idx("topic")).(*array.String)
		parts := rec.Column(idx("partition")).(*array.Int32)
		offs := rec.Column(idx("offset")).(*array.Int64)
		for i := range int(rec.NumRows()) {
			out = append(out, recordID{topics.Value(i), parts.Value(i), offs.Value(i)})
		}
	}
	if err := rr.Err(); err != nil {
		t.Fatalf("%s: %v", d.Location(name), err)
	}
	return out
}

// querySet is what a full scan reads now: the records a single export
// of everything would hold.
func querySet(t *testing.T, eng *kq.Engine, source string) map[recordID]bool {
	t.Helper()
	rows, err := eng.Query(context.Background(), "SELECT topic, partition, offset FROM "+source)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Release()
	set := map[recordID]bool{}
	for rows.Next() {
		rec := rows.RecordBatch()
		topics := rec.Column(0).(*array.String)
		parts := rec.Column(1).(*array.Int32)
		offs := rec.Column(2).(*array.Int64)
		for i := range int(rec.NumRows()) {
			set[recordID{topics.Value(i), parts.Value(i), offs.Value(i)}] = true
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return set
}

func sameSets(t *testing.T, got, want map[recordID]bool) {
	t.Helper()
	var missing, extra []string
	for id := range want {
		if !got[id] {
			missing = append(missing, id.String())
		}
	}
	for id := range got {
		if !want[id] {
			extra = append(extra, id.String())
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Fatalf("exported %d records, want %d: missing %d %v, extra %d %v", len(got), len(want), len(missing), head(missing), len(extra), head(extra))
	}
}

func head(s []string) []string { return s[:min(len(s), 10)] }

// produceRound adds records to an events topic (every partition) and
// transactions to a ledger topic, one of them aborted, as records
// arriving between two nightly runs.
func produceRound(t *testing.T, c *kafkatest.Cluster, events, ledger string, round int) {
	t.Helper()
	ctx := context.Background()
	recs := kafkatest.Records(events, []int{40 + round, 17, 3 * round}, func(p int32, i int) *kgo.Record {
		return &kgo.Record{Value: fmt.Appendf(nil, `{"round":%d,"i":%d}`, round, i)}
	})
	if err := c.Produce(ctx, recs...); err != nil {
		t.Fatal(err)
	}
	var txns [][]*kgo.Record
	for i := range 3 {
		txns = append(txns, kafkatest.Records(ledger, []int{5, 2}, func(p int32, j int) *kgo.Record {
			return &kgo.Record{Value: fmt.Appendf(nil, `{"round":%d,"txn":%d,"j":%d}`, round, i, j)}
		}))
	}
	if err := c.Transactions(ctx, fmt.Sprintf("%s-txn", ledger), txns, func(i int) bool { return i == 1 }); err != nil {
		t.Fatal(err)
	}
}

// TestIncrementalExactlyOnce: three incremental runs with records
// produced before each (a transactional topic with aborted transactions
// among them) export exactly the records one full scan reads at the end:
// the same (topic, partition, offset) set, none twice. A partition
// added between runs starts at earliest; a fourth run with nothing new
// writes nothing; EXPLAIN shows where each run would start.
func TestIncrementalExactlyOnce(t *testing.T) {
	c := kafkatest.New(t)
	eng, err := kq.Open(kq.WithBrokers(c.ListenAddrs()...), kq.WithWorkers(3))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	ctx := context.Background()
	for name, dest := range exportDests(t) {
		t.Run(name, func(t *testing.T) {
			events, ledger := "events-"+name, "ledger-"+name
			if err := c.CreateTopic(ctx, events, 3, nil); err != nil {
				t.Fatal(err)
			}
			if err := c.CreateTopic(ctx, ledger, 2, nil); err != nil {
				t.Fatal(err)
			}
			loc := dest()
			source := fmt.Sprintf("kafka('%s', '%s') WITH (minPartitions=4)", events, ledger)
			copySQL := fmt.Sprintf("COPY (SELECT topic, partition, offset, value FROM %s) TO '%s' (FORMAT parquet, INCREMENTAL true)", source, loc)
			var runs []*kq.Result
			for round := 1; round <= 3; round++ {
				produceRound(t, c, events, ledger, round)
				if round == 3 {
					// A partition new since the last run: exported from
					// earliest.
					if _, err := c.Admin.CreatePartitions(ctx, 4, events); err != nil {
						t.Fatal(err)
					}
					cl, err := c.NewClient() // one that knows the new partition
					if err != nil {
						t.Fatal(err)
					}
					err = kafkatest.ProduceWith(ctx, cl, kafkatest.Records(events, []int{0, 0, 0, 5}, func(int32, int) *kgo.Record { return &kgo.Record{Value: []byte(`{}`)} })...)
					cl.Close()
					if err != nil {
						t.Fatal(err)
					}
					// The engine's metadata learns of the partition on
					// its next refresh: until then a run would leave it
					// to the run after (no record lost, but this run's
					// check is of a run that sees it).
					seen := fmt.Sprintf("SELECT COUNT(*) FROM kafka('%s') WHERE partition = 3", events)
					for deadline := time.Now().Add(30 * time.Second); queryInt64(t, eng, seen) != 5; time.Sleep(50 * time.Millisecond) {
						if time.Now().After(deadline) {
							t.Fatalf("the engine does not see the new partition's 5 records after 30 s")
						}
					}
				}
				p, err := eng.Explain(ctx, copySQL)
				if err != nil {
					t.Fatal(err)
				}
				st, err := eng.Exec(ctx, copySQL)
				if err != nil {
					t.Fatalf("run %d: %v", round, err)
				}
				runs = append(runs, st)
				// The run read exactly the ranges EXPLAIN showed, and
				// continued where the previous ones ended.
				var ranges []string
				for _, task := range p.Tasks {
					ranges = append(ranges, task.Range.String())
				}
				var read []string
				for _, task := range st.Scan.Tasks {
					read = append(read, task.Range.String())
				}
				if !slices.Equal(ranges, read) {
					t.Fatalf("run %d read %v, EXPLAIN showed %v", round, read, ranges)
				}
				if round > 1 && !strings.Contains(p.String(), fmt.Sprintf("resume from run %d of ", round-1)) {
					t.Fatalf("EXPLAIN of run %d does not say where it resumes:\n%s", round, p)
				}
			}
			got := exportedSet(t, loc)
			sameSets(t, got, querySet(t, eng, source))

			// Nothing new: no run, no manifest.
			st, err := eng.Exec(ctx, copySQL)
			if err != nil || st.Rows != 0 {
				t.Fatalf("run with nothing new: %d rows, %v", st.Rows, err)
			}
			d, _ := storage.Open(ctx, loc)
			defer d.Close()
			state, err := export.ReadState(ctx, d)
			if err != nil || state.LastRun() != 3 {
				t.Fatalf("state after an empty run: last run %d, %v", state.LastRun(), err)
			}
			var rows int64
			for _, r := range runs {
				rows += r.Rows
			}
			if rows != int64(len(got)) || state.Rows() != rows {
				t.Fatalf("runs report %d rows, manifests %d, parts hold %d", rows, state.Rows(), len(got))
			}
		})
	}
}

// TestIncrementalDataLoss: records deleted by retention between two runs,
// before they were exported, are data loss: with failOnDataLoss (the
// default) the run fails naming the lost range and commits nothing; with
// failOnDataLoss=false it skips them and continues.
func TestIncrementalDataLoss(t *testing.T) {
	c := kafkatest.New(t)
	eng, err := kq.Open(kq.WithBrokers(c.ListenAddrs()...), kq.WithWorkers(2))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "lossy", 1, nil); err != nil {
		t.Fatal(err)
	}
	produce := func(n int) {
		recs := kafkatest.Records("lossy", []int{n}, func(int32, int) *kgo.Record { return &kgo.Record{Value: []byte("v")} })
		if err := c.Produce(ctx, recs...); err != nil {
			t.Fatal(err)
		}
	}
	loc := filepath.Join(t.TempDir(), "out")
	copySQL := func(opts string) string {
		return "COPY (SELECT topic, partition, offset FROM kafka('lossy')" + opts + ") TO '" + loc + "' (INCREMENTAL true)"
	}
	produce(10)
	if _, err := eng.Exec(ctx, copySQL("")); err != nil {
		t.Fatal(err)
	}
	produce(10) // offsets 10..19, then retention deletes up to 15
	if err := c.DeleteRecords(ctx, kadm.Offsets{"lossy": {0: {Topic: "lossy", Partition: 0, At: 15}}}); err != nil {
		t.Fatal(err)
	}
	_, err = eng.Exec(ctx, copySQL(""))
	var dl *kq.DataLossError
	if !errors.As(err, &dl) || dl.From != 10 || dl.To != 15 {
		t.Fatalf("run over deleted records: %v, want data loss of lossy-0 [10, 15)", err)
	}
	if got := exportedSet(t, loc); len(got) != 10 {
		t.Fatalf("a failed run changed the export: %d records", len(got))
	}
	st, err := eng.Exec(ctx, copySQL(" WITH (failOnDataLoss=false)"))
	if err != nil || st.Rows != 5 || st.Scan.DataLoss.RecordsLost != 5 {
		t.Fatalf("failOnDataLoss=false: %+v, %v", st, err)
	}
	got := exportedSet(t, loc)
	want := map[recordID]bool{}
	for o := range int64(20) {
		if o < 10 || o >= 15 {
			want[recordID{"lossy", 0, o}] = true
		}
	}
	sameSets(t, got, want)
}

// randomValue is an incompressible value, so that parts grow large enough
// for multipart uploads.
func randomValue(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// TestIncrementalGroup: groupId starts each run at the group's committed
// offsets and commits the run's end offsets once its manifest is
// durable: not when the run is stopped before its manifest. A group moved
// ahead skips what it skipped; a group left behind the destination (its
// commit failed after the manifest) does not make a run export a range
// twice. Queries and non-incremental exports refuse groupId.
func TestIncrementalGroup(t *testing.T) {
	c := kafkatest.New(t)
	eng, err := kq.Open(kq.WithBrokers(c.ListenAddrs()...), kq.WithWorkers(2))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "grp", 2, nil); err != nil {
		t.Fatal(err)
	}
	produce := func(n int) {
		t.Helper()
		if err := c.Produce(ctx, kafkatest.Records("grp", []int{n, n}, func(int32, int) *kgo.Record { return &kgo.Record{Value: []byte("v")} })...); err != nil {
			t.Fatal(err)
		}
	}
	groupAt := func() [2]int64 {
		t.Helper()
		var at [2]int64
		res, err := c.Admin.FetchOffsets(ctx, "nightly")
		if errors.Is(err, kerr.GroupIDNotFound) {
			return [2]int64{-1, -1}
		}
		if err != nil {
			t.Fatal(err)
		}
		for p := range int32(2) {
			at[p] = -1
			if o, ok := res.Lookup("grp", p); ok {
				at[p] = o.At
			}
		}
		return at
	}
	commitGroup := func(p int32, at int64) {
		t.Helper()
		res, err := c.Admin.CommitOffsets(ctx, "nightly", kadm.Offsets{"grp": {p: {Topic: "grp", Partition: p, At: at, LeaderEpoch: -1}}})
		if err == nil {
			err = res.Error()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	loc := filepath.Join(t.TempDir(), "out")
	sql := "COPY (SELECT topic, partition, offset FROM kafka('grp') WITH (groupId='nightly')) TO '" + loc + "' (INCREMENTAL true)"

	produce(10)
	// Stopped before its manifest: nothing committed to the group.
	rctx, cancel := context.WithCancel(ctx)
	rctx = kq.TrackProgress(rctx, func(p kq.Progress) {
		if p.Tasks > 0 && p.TasksDone == p.Tasks {
			cancel()
		}
	})
	if _, err := eng.Exec(rctx, sql); !errors.Is(err, context.Canceled) {
		t.Fatalf("stopped run: %v", err)
	}
	cancel()
	if at := groupAt(); at != [2]int64{-1, -1} {
		t.Fatalf("a run stopped before its manifest committed %v", at)
	}
	if _, err := eng.Exec(ctx, sql); err != nil {
		t.Fatal(err)
	}
	if at := groupAt(); at != [2]int64{10, 10} {
		t.Fatalf("group at %v after run 1, want [10 10]", at)
	}

	produce(10)        // 20 each
	commitGroup(0, 15) // moved ahead by hand: [10, 15) of grp-0 is skipped
	p, err := eng.Explain(ctx, sql)
	if err != nil || !strings.Contains(p.String(), "resume from consumer group nightly and run 1 of "+loc+" (grp-0@15, grp-1@10)") {
		t.Fatalf("EXPLAIN: %v\n%v", err, p)
	}
	if _, err := eng.Exec(ctx, sql); err != nil {
		t.Fatal(err)
	}
	produce(5)        // 25 each
	commitGroup(1, 3) // behind the destination, as after a failed commit
	if _, err := eng.Exec(ctx, sql); err != nil {
		t.Fatal(err)
	}
	if at := groupAt(); at != [2]int64{25, 25} {
		t.Fatalf("group at %v, want [25 25]", at)
	}
	want := map[recordID]bool{}
	for p := range int32(2) {
		for o := range int64(25) {
			if p == 0 && o >= 10 && o < 15 {
				continue
			}
			want[recordID{"grp", p, o}] = true
		}
	}
	sameSets(t, exportedSet(t, loc), want) // and none twice

	for _, bad := range []string{
		"SELECT COUNT(*) FROM kafka('grp') WITH (groupId='nightly')",
		"COPY (SELECT offset FROM kafka('grp') WITH (groupId='nightly')) TO '" + t.TempDir() + "' (PER_TASK true)",
	} {
		var err error
		if strings.HasPrefix(bad, "SELECT") {
			var rows *kq.Rows
			if rows, err = eng.Query(ctx, bad); err == nil {
				rows.Release()
			}
		} else {
			_, err = eng.Exec(ctx, bad)
		}
		if err == nil || !strings.Contains(err.Error(), "option groupId applies to incremental exports") {
			t.Errorf("%s: %v", bad, err)
		}
	}
}
