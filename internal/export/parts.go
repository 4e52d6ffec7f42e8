package export

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/kq-sql/kq/internal/atomicfile"
	"github.com/kq-sql/kq/internal/parquet"
)

// ManifestName is the name of the manifest a per-task export writes beside
// its parts.
const ManifestName = "_kq_manifest.json"

// Manifest describes a per-task export: one Parquet part per scan task.
type Manifest struct {
	// Version is the manifest format, 1.
	Version int `json:"version"`
	// Rows is the sum of the parts' rows.
	Rows int64 `json:"rows"`
	// Parts are the parts, ordered by (topic, partition, from).
	Parts []Part `json:"parts"`
}

// Part is one task's file: the rows of [From, Until) of one partition.
type Part struct {
	File      string `json:"file"`
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	From      int64  `json:"from"`
	Until     int64  `json:"until"`
	Rows      int64  `json:"rows"`
}

// PartName is the deterministic file name of a task's part:
// <topic>-<partition>-<from>-<until>.parquet.
func PartName(topic string, partition int32, from, until int64) string {
	return fmt.Sprintf("%s-%d-%d-%d.parquet", topic, partition, from, until)
}

// ReadManifest reads dir's manifest; it returns nil and no error when
// there is none.
func ReadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, ManifestName), err)
	}
	return &m, nil
}

// PartSet writes a per-task export into a directory: each task's rows to
// its own Parquet part (whole or absent, see ParquetFile), then the
// manifest. Re-running an export replaces parts of the same name. Commit
// removes the parts the previous manifest listed that this run did not
// write (stale ranges of an earlier run); files no manifest names are
// never touched. Abort removes the parts this run created that the
// previous manifest did not list, so a failed or cancelled run leaves the
// directory as it found it (same-named parts hold the same offsets).
// Task is safe for concurrent use; each PartWriter is used by one
// goroutine.
type PartSet struct {
	dir    string
	schema *arrow.Schema
	opts   []parquet.Option
	old    map[string]bool // files of the previous manifest

	mu      sync.Mutex
	parts   []Part
	created []string
}

// NewPartSet prepares dir (created if missing) for a per-task export of
// batches with the given schema, each part written with opts. Parts are
// written in parallel by their tasks, so each part has one encoder (see
// WithEncoders) unless opts say otherwise.
func NewPartSet(dir string, schema *arrow.Schema, opts ...parquet.Option) (*PartSet, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("per-task export: %w", err)
	}
	old, err := ReadManifest(dir)
	if err != nil {
		return nil, fmt.Errorf("per-task export: previous manifest: %w", err)
	}
	ps := &PartSet{dir: dir, schema: schema, opts: append([]parquet.Option{parquet.WithEncoders(1)}, opts...), old: map[string]bool{}}
	if old != nil {
		for _, p := range old.Parts {
			ps.old[p.File] = true
		}
	}
	return ps, nil
}

// Task starts the part of one task.
func (ps *PartSet) Task(topic string, partition int32, from, until int64) (*PartWriter, error) {
	name := PartName(topic, partition, from, until)
	if filepath.Base(name) != name {
		return nil, fmt.Errorf("per-task export: topic %q does not make a file name", topic)
	}
	pf, err := parquet.Create(filepath.Join(ps.dir, name), ps.schema, ps.opts...)
	if err != nil {
		return nil, err
	}
	return &PartWriter{set: ps, pf: pf, part: Part{File: name, Topic: topic, Partition: partition, From: from, Until: until}}, nil
}

// PartWriter writes one task's part. Its methods match exec.TaskWriter.
type PartWriter struct {
	set  *PartSet
	pf   *parquet.File
	part Part
}

// Write appends a batch; it does not release rec.
func (w *PartWriter) Write(rec arrow.RecordBatch) error { return w.pf.Write(rec) }

// Commit makes the part final and records it for the manifest.
func (w *PartWriter) Commit() error {
	if err := w.pf.Commit(); err != nil {
		return err
	}
	w.part.Rows = w.pf.Rows()
	w.set.mu.Lock()
	defer w.set.mu.Unlock()
	w.set.parts = append(w.set.parts, w.part)
	if !w.set.old[w.part.File] {
		w.set.created = append(w.set.created, w.part.File)
	}
	return nil
}

// Abort discards the part.
func (w *PartWriter) Abort() { w.pf.Abort() }

// Commit writes the manifest of every committed part (atomically) and
// removes stale parts of the previous manifest.
func (ps *PartSet) Commit() (*Manifest, error) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	m := &Manifest{Version: 1, Parts: append([]Part(nil), ps.parts...)}
	sort.Slice(m.Parts, func(i, j int) bool {
		a, b := m.Parts[i], m.Parts[j]
		if a.Topic != b.Topic {
			return a.Topic < b.Topic
		}
		if a.Partition != b.Partition {
			return a.Partition < b.Partition
		}
		return a.From < b.From
	})
	current := map[string]bool{}
	for _, p := range m.Parts {
		m.Rows += p.Rows
		current[p.File] = true
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	f, err := atomicfile.Create(filepath.Join(ps.dir, ManifestName))
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Abort()
		return nil, fmt.Errorf("write %s: %w", f.Target(), err)
	}
	if err := f.Commit(); err != nil {
		return nil, err
	}
	for name := range ps.old {
		if !current[name] {
			os.Remove(filepath.Join(ps.dir, name))
		}
	}
	return m, nil
}

// Abort removes the parts this run created that the previous manifest
// did not list.
func (ps *PartSet) Abort() {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	for _, name := range ps.created {
		os.Remove(filepath.Join(ps.dir, name))
	}
	ps.created = nil
}
