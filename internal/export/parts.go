package export

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/kq-sql/kq/internal/parquet"
	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/internal/storage"
)

// Config says how a PartSet writes.
type Config struct {
	// Schema is the schema of the parts' rows (without the partition
	// columns, whose values are in the directory names). Task needs it;
	// a PartSet that only commits parts written elsewhere (Record) does
	// not.
	Schema *arrow.Schema
	// Parquet are the options of every part's writer. Parts are written
	// in parallel by their tasks, so each has one encoder (WithEncoders)
	// unless these say otherwise.
	Parquet []parquet.Option
	// PartitionBy names the Hive partition columns, in directory order:
	// a part of rows whose values are v1, v2 goes to
	// <col1>=<v1>/<col2>=<v2>/. The values come with each batch
	// (PartWriter.WriteKeyed).
	PartitionBy []string
	// FileSizeBytes, when positive, rolls a part over to the next file
	// (-0, -1, ... suffixes) once it has reached this size at a row group
	// boundary, so no file exceeds it by more than one row group.
	FileSizeBytes int64
	// Incremental, when not nil, is the destination's state read before
	// the run was planned: Commit writes this run's manifest (run
	// Incremental.LastRun()+1) beside the earlier ones. When nil, the
	// PartSet is a per-task export whose Commit replaces the one
	// manifest.
	Incremental *State
	// Allocator is used to split batches by partition value; default
	// memory.DefaultAllocator.
	Allocator memory.Allocator
	// OnPart, when set, is called with every part once its file is
	// committed (from the task's goroutine).
	OnPart func(Part)
}

// maxOpenFiles bounds the files a task of a partitioned export keeps
// open at once: each holds up to a row group of rows in memory. When a
// task meets more partition values, the least recently written file is
// committed and a later row of its value starts the next file.
// partitionedRowGroupBytes bounds those row groups (instead of the
// writer's 16 MiB), so a task of a partitioned export holds at most
// maxOpenFiles × 4 MiB of rows.
const (
	maxOpenFiles             = 4
	partitionedRowGroupBytes = 4 << 20
)

// manifestTimeout bounds writing a manifest, which does not stop when the
// export's context is cancelled.
const manifestTimeout = time.Minute

// PartSet writes a per-task export into a destination directory: each
// task's rows to its own Parquet parts (whole or absent), then the
// manifest, last. Part names are deterministic, so a re-run of the same
// ranges replaces the same files.
//
// After the manifest is committed, every part-named file that no
// committed manifest lists is deleted: the stale ranges of an earlier
// per-task run, and the parts of a failed or killed run. Files not named
// like parts are never touched. Abort deletes the parts this run wrote
// that no committed manifest lists, so a failed run leaves the
// destination as it found it (same-named parts hold the same offsets).
// Task is safe for concurrent use; each PartWriter is used by one
// goroutine.
type PartSet struct {
	dir  *storage.Dir
	cfg  Config
	keep map[string]bool // files of the committed manifests at the start

	mu      sync.Mutex
	ranges  []plan.Range
	parts   []Part
	created []string
}

// NewPartSet prepares d for a per-task export (or a run of an
// incremental one, per cfg.Incremental). A destination that holds the
// other kind of export is an error.
func NewPartSet(ctx context.Context, d *storage.Dir, cfg Config) (*PartSet, error) {
	defaults := []parquet.Option{parquet.WithEncoders(1)}
	if len(cfg.PartitionBy) > 0 {
		defaults = append(defaults, parquet.WithRowGroupBytes(partitionedRowGroupBytes))
	}
	cfg.Parquet = append(defaults, cfg.Parquet...)
	if cfg.Allocator == nil {
		cfg.Allocator = memory.DefaultAllocator
	}
	ps := &PartSet{dir: d, cfg: cfg, keep: map[string]bool{}}
	if cfg.Incremental != nil {
		for f := range cfg.Incremental.Files {
			ps.keep[f] = true
		}
		return ps, nil
	}
	runs, err := d.List(ctx, ManifestsDir)
	if err != nil {
		return nil, err
	}
	if len(runs) > 0 {
		return nil, fmt.Errorf("destination %s holds an incremental export (%s): write a per-task export elsewhere, or add INCREMENTAL true", d, ManifestsDir)
	}
	old, err := ReadManifest(ctx, d)
	if err != nil {
		return nil, fmt.Errorf("previous manifest: %w", err)
	}
	if old != nil {
		for _, p := range old.Parts {
			ps.keep[p.File] = true
		}
	}
	return ps, nil
}

// Dir is the destination.
func (ps *PartSet) Dir() *storage.Dir { return ps.dir }

// Task starts the parts of one task, the rows of r. ctx bounds the
// uploads of its files.
func (ps *PartSet) Task(ctx context.Context, r plan.Range) (*PartWriter, error) {
	if ps.cfg.Schema == nil {
		return nil, errors.New("export: no schema")
	}
	if strings.ContainsAny(r.Topic, "/\\") || r.Topic == "." || r.Topic == ".." {
		return nil, fmt.Errorf("export: topic %q does not make a file name", r.Topic)
	}
	return &PartWriter{set: ps, ctx: ctx, r: r, open: map[string]*roller{}, seq: map[string]int{}}, nil
}

// committed records a committed part.
func (ps *PartSet) committed(p Part) {
	ps.mu.Lock()
	ps.parts = append(ps.parts, p)
	ps.created = append(ps.created, p.File)
	ps.mu.Unlock()
	if ps.cfg.OnPart != nil {
		ps.cfg.OnPart(p)
	}
}

// Record adds the range and the parts of a task that ran elsewhere (a
// job array's or a Temporal worker's, read from its Receipt) to what
// Commit writes. Abort does not delete them: they were not written by
// this PartSet.
func (ps *PartSet) Record(r plan.Range, parts []Part) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	ps.ranges = append(ps.ranges, r)
	ps.parts = append(ps.parts, parts...)
}

// PartWriter writes the parts of one task. Its Write, Commit and Abort
// match scan.TaskWriter. It is used by one goroutine.
type PartWriter struct {
	set  *PartSet
	ctx  context.Context
	r    plan.Range
	open map[string]*roller // by directory ("" when not partitioned)
	lru  []string           // directories of open, least recently written first
	seq  map[string]int     // the next file number per directory
	done bool
}

// Write appends a batch of an unpartitioned export; it does not release
// rec.
func (w *PartWriter) Write(rec arrow.RecordBatch) error {
	if len(w.set.cfg.PartitionBy) > 0 {
		return errors.New("export: a partitioned export's batches need their keys (WriteKeyed)")
	}
	return w.writeTo("", rec)
}

// WriteKeyed appends a batch of a partitioned export: keys holds, per
// PartitionBy column, each row's value as text (null for NULL), and each
// row goes to the part of its values' directory. It does not release rec
// or keys.
func (w *PartWriter) WriteKeyed(rec arrow.RecordBatch, keys []*array.String) error {
	if len(keys) != len(w.set.cfg.PartitionBy) {
		return fmt.Errorf("export: %d partition keys for %d PARTITION_BY columns", len(keys), len(w.set.cfg.PartitionBy))
	}
	groups := groupRows(w.set.cfg.PartitionBy, keys, int(rec.NumRows()))
	if len(groups) == 1 {
		return w.writeTo(groups[0].dir, rec)
	}
	for _, g := range groups {
		sub, err := takeRows(w.set.cfg.Allocator, rec, g.rows)
		if err != nil {
			return err
		}
		err = w.writeTo(g.dir, sub)
		sub.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

func (w *PartWriter) writeTo(dir string, rec arrow.RecordBatch) error {
	r, ok := w.open[dir]
	if !ok {
		if len(w.open) >= maxOpenFiles {
			oldest := w.lru[0]
			if err := w.open[oldest].commit(); err != nil {
				return err
			}
			delete(w.open, oldest)
			w.lru = w.lru[1:]
		}
		r = &roller{w: w, dir: dir}
		w.open[dir] = r
	} else {
		for i, d := range w.lru {
			if d == dir {
				w.lru = append(w.lru[:i], w.lru[i+1:]...)
				break
			}
		}
	}
	w.lru = append(w.lru, dir)
	return r.write(rec)
}

// name returns the name of the next file of directory dir.
func (w *PartWriter) name(dir string) string {
	seq := -1
	if len(w.set.cfg.PartitionBy) > 0 || w.set.cfg.FileSizeBytes > 0 {
		seq = w.seq[dir]
		w.seq[dir]++
	}
	return path.Join(dir, PartName(w.r.Topic, w.r.Partition, w.r.From, w.r.Until, seq))
}

// Commit makes the task's parts final and records them and the task's
// range for the manifest. An unpartitioned task that read no rows still
// writes its (empty) part, so that every range has a file.
func (w *PartWriter) Commit() error {
	if w.done {
		return errors.New("export: task already committed or aborted")
	}
	w.done = true
	if len(w.set.cfg.PartitionBy) == 0 && len(w.open) == 0 && w.seq[""] == 0 {
		w.open[""] = &roller{w: w}
		w.lru = append(w.lru, "")
	}
	for _, dir := range w.lru {
		if err := w.open[dir].commit(); err != nil {
			w.abortOpen()
			return err
		}
		delete(w.open, dir)
	}
	w.lru = nil
	w.set.mu.Lock()
	w.set.ranges = append(w.set.ranges, w.r)
	w.set.mu.Unlock()
	return nil
}

// Abort discards the task's open files; files it already rolled over
// are removed by PartSet.Abort.
func (w *PartWriter) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.abortOpen()
}

func (w *PartWriter) abortOpen() {
	for _, r := range w.open {
		r.abort()
	}
	w.open, w.lru = map[string]*roller{}, nil
}

// Commit writes the manifest of every committed part, last and
// atomically, then deletes the part-named files no committed manifest
// lists. For a run of an incremental export the manifest is new (run
// LastRun()+1): when another export committed that run meanwhile,
// Commit fails and its parts stay for the next run to clean up.
func (ps *PartSet) Commit(ctx context.Context) (*Manifest, error) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	m := &Manifest{Version: 1, Ranges: append([]plan.Range(nil), ps.ranges...), Parts: append([]Part(nil), ps.parts...)}
	m.sort()
	live := map[string]bool{}
	for _, p := range m.Parts {
		live[p.File] = true
	}
	// Once the parts are all there, the manifest is written to the end:
	// a cancellation now would leave its outcome unknown (a request the
	// store applies after the client gave up), and Abort would then
	// delete parts a committed manifest lists.
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), manifestTimeout)
	defer cancel()
	if inc := ps.cfg.Incremental; inc != nil {
		m.Run = inc.LastRun() + 1
		b, err := m.encode()
		if err != nil {
			return nil, err
		}
		name := RunName(m.Run)
		if err := ps.dir.CreateNew(mctx, name, b); err != nil {
			// A write that failed may still have happened (and a
			// retried one then finds its own object): the manifest
			// there decides.
			if got, rerr := ps.dir.ReadFile(mctx, name); rerr == nil && bytes.Equal(got, b) {
				err = nil
			} else if errors.Is(err, fs.ErrExist) {
				return nil, fmt.Errorf("destination %s: another export committed run %d while this one ran; run again to export what is missing", ps.dir, m.Run)
			}
			if err != nil {
				return nil, err
			}
		}
		for f := range inc.Files {
			live[f] = true
		}
	} else {
		b, err := m.encode()
		if err != nil {
			return nil, err
		}
		o, err := ps.dir.Create(mctx, ManifestName)
		if err != nil {
			return nil, err
		}
		if _, err := o.Write(b); err != nil {
			o.Abort()
			return nil, err
		}
		if err := o.Commit(); err != nil {
			return nil, err
		}
	}
	ps.created = nil
	return m, ps.sweep(ctx, live)
}

// sweep deletes the part-named files outside live.
func (ps *PartSet) sweep(ctx context.Context, live map[string]bool) error {
	names, err := ps.dir.List(ctx, "")
	if err != nil {
		return fmt.Errorf("after the manifest, cleaning up: %w", err)
	}
	for _, name := range names {
		if live[name] || !IsPartName(name) || strings.HasPrefix(name, ManifestsDir+"/") {
			continue
		}
		if err := ps.dir.Remove(ctx, name); err != nil {
			return fmt.Errorf("after the manifest, cleaning up: %w", err)
		}
	}
	return nil
}

// Abort deletes the parts this run committed that no committed manifest
// listed when it started. ctx should outlive the run's own (which is
// likely cancelled by now).
func (ps *PartSet) Abort(ctx context.Context) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	for _, name := range ps.created {
		if !ps.keep[name] {
			ps.dir.Remove(ctx, name)
		}
	}
	ps.created = nil
}
