package export

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/internal/storage"
)

// ManifestName is the manifest of a per-task export: one, replaced by
// each run.
const ManifestName = "_kq_manifest.json"

// ManifestsDir holds the manifests of an incremental export: one per
// committed run, named RunName(run), never replaced.
const ManifestsDir = "_kq_manifests"

// RunName is the name of run's manifest in a Dir:
// _kq_manifests/<run, 20 digits>.json, so that names sort as runs do.
func RunName(run int64) string { return fmt.Sprintf("%s/%020d.json", ManifestsDir, run) }

var runName = regexp.MustCompile(`^` + ManifestsDir + `/([0-9]{20})\.json$`)

// Manifest describes the parts of a per-task export, or of one run of an
// incremental export.
type Manifest struct {
	// Version is the manifest format, 1.
	Version int `json:"version"`
	// Run is the run's number in an incremental export (1, 2, ...); 0
	// in a per-task export's manifest.
	Run int64 `json:"run,omitempty"`
	// Rows is the sum of the parts' rows.
	Rows int64 `json:"rows"`
	// Ranges are the offset ranges the run read, whole, ordered by
	// (topic, partition, from): its tasks. A range whose records were all
	// aborted or compacted away has no part but is still exported.
	Ranges []plan.Range `json:"ranges"`
	// Parts are the files, ordered by (topic, partition, from, file).
	Parts []Part `json:"parts"`
}

// Part is one file: rows of [From, Until) of one partition (all of them,
// or, with PARTITION_BY or FILE_SIZE_BYTES, those of one directory and
// one roll).
type Part struct {
	// File is the part's name in the destination, slash-separated.
	File      string `json:"file"`
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	From      int64  `json:"from"`
	Until     int64  `json:"until"`
	Rows      int64  `json:"rows"`
	// Bytes is the file's size.
	Bytes int64 `json:"bytes"`
}

// PartName is the deterministic name of a task's part:
// <topic>-<partition>-<from>-<until>.parquet, and with seq >= 0 (rolled
// or partitioned parts) <topic>-<partition>-<from>-<until>-<seq>.parquet.
func PartName(topic string, partition int32, from, until int64, seq int) string {
	if seq < 0 {
		return fmt.Sprintf("%s-%d-%d-%d.parquet", topic, partition, from, until)
	}
	return fmt.Sprintf("%s-%d-%d-%d-%d.parquet", topic, partition, from, until, seq)
}

// partFile matches the base names PartName makes, which are the only
// files an export ever deletes.
var partFile = regexp.MustCompile(`^.+-[0-9]+-[0-9]+-[0-9]+(-[0-9]+)?\.parquet$`)

// IsPartName reports whether the last element of name is a part name.
func IsPartName(name string) bool {
	return partFile.MatchString(name[strings.LastIndexByte(name, '/')+1:])
}

func (m *Manifest) sort() {
	sort.Slice(m.Ranges, func(i, j int) bool { return rangeLess(m.Ranges[i], m.Ranges[j]) })
	sort.Slice(m.Parts, func(i, j int) bool {
		a, b := m.Parts[i], m.Parts[j]
		ra := plan.Range{Topic: a.Topic, Partition: a.Partition, From: a.From, Until: a.Until}
		rb := plan.Range{Topic: b.Topic, Partition: b.Partition, From: b.From, Until: b.Until}
		if ra != rb {
			return rangeLess(ra, rb)
		}
		return a.File < b.File
	})
	m.Rows = 0
	for _, p := range m.Parts {
		m.Rows += p.Rows
	}
}

func rangeLess(a, b plan.Range) bool {
	if a.Topic != b.Topic {
		return a.Topic < b.Topic
	}
	if a.Partition != b.Partition {
		return a.Partition < b.Partition
	}
	return a.From < b.From
}

func (m *Manifest) encode() ([]byte, error) {
	if m.Ranges == nil {
		m.Ranges = []plan.Range{}
	}
	if m.Parts == nil {
		m.Parts = []Part{}
	}
	b, err := json.MarshalIndent(m, "", "  ")
	return append(b, '\n'), err
}

func decodeManifest(d *storage.Dir, name string, b []byte) (*Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("manifest %s: %w", d.Location(name), err)
	}
	if m.Version != 1 {
		return nil, fmt.Errorf("manifest %s: version %d, this kq reads version 1", d.Location(name), m.Version)
	}
	return &m, nil
}

// ReadManifest reads the manifest of the per-task export in d; it
// returns nil and no error when there is none.
func ReadManifest(ctx context.Context, d *storage.Dir) (*Manifest, error) {
	b, err := d.ReadFile(ctx, ManifestName)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return decodeManifest(d, ManifestName, b)
}

// runOf returns the run number of a manifest name, or false.
func runOf(name string) (int64, bool) {
	m := runName.FindStringSubmatch(name)
	if m == nil {
		return 0, false
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	return n, err == nil
}
