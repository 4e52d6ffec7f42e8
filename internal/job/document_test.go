package job

import (
	"strings"
	"testing"

	"github.com/kq-sql/kq/internal/plan"
)

func testDocument(t *testing.T) *Document {
	t.Helper()
	d := &Document{
		Query:       "COPY (SELECT offset FROM kafka('t')) TO '/x' (PER_TASK true)",
		Destination: "/x",
		Export:      Export{Compression: "zstd"},
		ValueFields: Fields([]plan.Field{{Name: "a", Type: plan.TypeBigint}}),
	}
	for i := range 3 {
		d.Tasks = append(d.Tasks, Task{TaskJSON: plan.TaskJSON{Topic: "t", Partition: int32(i), From: 0, Until: 10}, Part: "p"})
	}
	if err := d.Seal(); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestRoundTrip: a sealed document decodes to itself; its ID is a hash
// of its content, so the same plan has the same ID and another plan
// another.
func TestRoundTrip(t *testing.T) {
	d := testDocument(t)
	b, err := d.Encode()
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(b, "job.json")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != d.ID || !strings.HasPrefix(d.ID, "kq-export-") || len(got.Tasks) != 3 || got.Tasks[2].Range() != (plan.Range{Topic: "t", Partition: 2, Until: 10}) {
		t.Fatalf("decoded %+v", got)
	}
	if f := PlanFields(got.ValueFields); len(f) != 1 || f[0] != (plan.Field{Name: "a", Type: plan.TypeBigint}) || got.KeyFields != nil {
		t.Fatalf("fields %v, key %v", f, got.KeyFields)
	}
	if again := testDocument(t); again.ID != d.ID {
		t.Fatalf("the same plan sealed twice: %s and %s", d.ID, again.ID)
	}
	d.Tasks[0].Until = 11
	d.Seal()
	if d.ID == got.ID {
		t.Fatal("another plan has the same ID")
	}
}

// TestOnly: the document of one task holds that task alone, with an ID
// of its own, and decodes.
func TestOnly(t *testing.T) {
	d := testDocument(t)
	o, err := d.Only(1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := o.Encode()
	got, err := Decode(b, "task")
	if err != nil || len(got.Tasks) != 1 || got.Tasks[0].Partition != 1 || got.ID == d.ID || got.Query != d.Query {
		t.Fatalf("Only(1): %+v, %v", got, err)
	}
	if _, err := d.Only(3); err == nil || !strings.Contains(err.Error(), "tasks are 0..2") {
		t.Fatalf("Only(3): %v", err)
	}
}

// TestDecodeErrors: what is wrong with a document is said, with its name.
func TestDecodeErrors(t *testing.T) {
	b, err := testDocument(t).Encode()
	if err != nil {
		t.Fatal(err)
	}
	good := string(b)
	for _, tc := range []struct{ doc, want string }{
		{strings.Replace(good, `"version": 1`, `"version": 0`, 1), "job.json: version 0, this kq reads version 1"},
		{strings.Replace(good, `"version": 1,`, ``, 1), `job.json: no "version"`},
		{strings.Replace(good, `"query": "COPY`, `"query": "COPY `, 1), "does not match its content"},
		{strings.Replace(good, `"destination": "/x",`, ``, 1), `no "destination"`},
		{"{", "job document job.json"},
	} {
		if _, err := Decode([]byte(tc.doc), "job.json"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Decode: %v, want %q", err, tc.want)
		}
	}
}
