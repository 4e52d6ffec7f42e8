package job

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/kq-sql/kq/internal/plan"
)

// Version is the document format this kq writes and reads.
const Version = 1

// Document is a planned per-task export. Its JSON form is the job file of
// kq plan; the field names are part of the format (Version).
type Document struct {
	// Version is the format, Version.
	Version int `json:"version"`
	// ID names the export: a hash of everything below, so the same plan
	// has the same ID (a Temporal workflow id, a Kubernetes Job name
	// suffix).
	ID string `json:"id"`
	// Query is the COPY statement as written.
	Query string `json:"query"`
	// Destination is the COPY target: a directory or an object store
	// prefix (no credentials: they come from where the task runs).
	Destination string `json:"destination"`
	// Export are the COPY options that decide what is written, for
	// people and tools reading the document; the query is what runs.
	Export Export `json:"export"`
	// Run is the run of an incremental export this job commits
	// (_kq_manifests/<Run>.json): the destination's last committed run
	// when it was planned, plus one. 0 for a per-task export, whose
	// manifest is _kq_manifest.json.
	Run int64 `json:"run,omitempty"`
	// Resume says where an incremental export continues, as EXPLAIN COPY
	// prints it; "" when it starts from the source's options.
	Resume string `json:"resume,omitempty"`
	// ValueFields and KeyFields are the JSON fields the planner inferred
	// from its sample: every task decodes with them. Absent when the
	// fields are given in the query or not inferred.
	ValueFields *[]Field `json:"valueFields,omitempty"`
	KeyFields   *[]Field `json:"keyFields,omitempty"`
	// Tasks are the tasks, as in EXPLAIN's JSON, ordered by (topic,
	// partition, from), each with the name of its part.
	Tasks []Task `json:"tasks"`
}

// Export are the options of a per-task export.
type Export struct {
	Incremental   bool     `json:"incremental,omitempty"`
	GroupID       string   `json:"groupId,omitempty"`
	Compression   string   `json:"compression"`
	PartitionBy   []string `json:"partitionBy,omitempty"`
	FileSizeBytes int64    `json:"fileSizeBytes,omitempty"`
}

// Task is one task: its range (and preferred worker) as in EXPLAIN's JSON,
// and its part.
type Task struct {
	plan.TaskJSON
	// Part is the name of the task's part; with PARTITION_BY or
	// FILE_SIZE_BYTES, the pattern of its parts
	// ([col=value/]<topic>-<partition>-<from>-<until>-<n>.parquet).
	Part string `json:"part"`
}

// Range is the task's offset range.
func (t Task) Range() plan.Range {
	return plan.Range{Topic: t.Topic, Partition: t.Partition, From: t.From, Until: t.Until}
}

// Field is a JSON field of the value or key.
type Field struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Fields converts fields to the document's form; nil stays nil.
func Fields(fields []plan.Field) *[]Field {
	if fields == nil {
		return nil
	}
	out := make([]Field, len(fields))
	for i, f := range fields {
		out[i] = Field{Name: f.Name, Type: string(f.Type)}
	}
	return &out
}

// PlanFields converts the document's fields back; nil stays nil.
func PlanFields(fields *[]Field) []plan.Field {
	if fields == nil {
		return nil
	}
	out := make([]plan.Field, len(*fields))
	for i, f := range *fields {
		out[i] = plan.Field{Name: f.Name, Type: plan.FieldType(f.Type)}
	}
	return out
}

// Ranges are the tasks' ranges, in order.
func (d *Document) Ranges() []plan.Range {
	out := make([]plan.Range, len(d.Tasks))
	for i, t := range d.Tasks {
		out[i] = t.Range()
	}
	return out
}

// PlanTasks are the tasks as the planner's.
func (d *Document) PlanTasks() []plan.Task {
	out := make([]plan.Task, len(d.Tasks))
	for i, t := range d.Tasks {
		out[i] = plan.Task{Range: t.Range(), PreferredWorker: t.PreferredWorker}
	}
	return out
}

// Seal sets the document's Version and ID (the hash of its content).
func (d *Document) Seal() error {
	d.Version, d.ID = Version, ""
	if d.Tasks == nil {
		d.Tasks = []Task{}
	}
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(b)
	d.ID = "kq-export-" + hex.EncodeToString(sum[:8])
	return nil
}

// Encode returns the document as indented JSON.
func (d *Document) Encode() ([]byte, error) {
	b, err := json.MarshalIndent(d, "", "  ")
	return append(b, '\n'), err
}

// Decode reads a document; name (a file name) is for errors. A document
// of another version, or one without query, destination or tasks, is an
// error that says so.
func Decode(b []byte, name string) (*Document, error) {
	var head struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, fmt.Errorf("job document %s: %w", name, err)
	}
	if head.Version == nil {
		return nil, fmt.Errorf("job document %s: no \"version\" (is it a kq job document? write one with kq plan --out)", name)
	}
	if *head.Version != Version {
		return nil, fmt.Errorf("job document %s: version %d, this kq reads version %d (plan it again with this kq)", name, *head.Version, Version)
	}
	var d Document
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("job document %s: %w", name, err)
	}
	switch {
	case d.Query == "":
		return nil, fmt.Errorf("job document %s: no \"query\"", name)
	case d.Destination == "":
		return nil, fmt.Errorf("job document %s: no \"destination\"", name)
	case d.Tasks == nil:
		return nil, fmt.Errorf("job document %s: no \"tasks\"", name)
	}
	want := d
	if err := want.Seal(); err != nil {
		return nil, err
	}
	if want.ID != d.ID {
		return nil, fmt.Errorf("job document %s: its id %q does not match its content (%s): was it edited? plan it again", name, d.ID, want.ID)
	}
	return &d, nil
}

// Task returns task i, or an error naming the valid indexes.
func (d *Document) Task(i int) (Task, error) {
	if len(d.Tasks) == 0 {
		return Task{}, fmt.Errorf("job %s has no tasks (nothing to export)", d.ID)
	}
	if i < 0 || i >= len(d.Tasks) {
		return Task{}, fmt.Errorf("job %s: no task %d (its tasks are 0..%d)", d.ID, i, len(d.Tasks)-1)
	}
	return d.Tasks[i], nil
}

// Only returns the document of task i alone (sealed, so with an ID of its
// own): what one process needs to run that task, without the others'
// ranges. A Temporal activity's input is one, so that an export of many
// tasks does not copy the whole document into every activity.
func (d *Document) Only(i int) (*Document, error) {
	t, err := d.Task(i)
	if err != nil {
		return nil, err
	}
	o := *d
	o.Tasks = []Task{t}
	return &o, o.Seal()
}
