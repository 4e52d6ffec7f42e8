package export

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/internal/storage"
)

// ReceiptsDir holds the receipts of tasks run apart from their export's
// commit (a job array, Temporal activities): one per task, named after
// its range, replaced by a re-run of the task.
const ReceiptsDir = "_kq_tasks"

// ReceiptName is the name of the receipt of the task of range r:
// _kq_tasks/<topic>-<partition>-<from>-<until>.json.
func ReceiptName(r plan.Range) string {
	return fmt.Sprintf("%s/%s-%d-%d-%d.json", ReceiptsDir, r.Topic, r.Partition, r.From, r.Until)
}

// Receipt says that a task's parts are written: its range and its parts
// (files, rows, bytes), what PartSet.Commit would have recorded had the
// task run in the committing process. A task writes it after its parts,
// so a receipt lists only whole files.
type Receipt struct {
	// Version is the receipt format, 1.
	Version int `json:"version"`
	// Range is the task's range.
	Range plan.Range `json:"range"`
	// Parts are the task's files, ordered by name.
	Parts []Part `json:"parts"`
}

// WriteReceipt records, after the parts of the task of range r are
// committed, that they are there. It replaces an earlier receipt of the
// same task (a re-run writes the same parts).
func WriteReceipt(ctx context.Context, d *storage.Dir, r plan.Range, parts []Part) error {
	rc := Receipt{Version: 1, Range: r, Parts: append([]Part{}, parts...)}
	m := Manifest{Parts: rc.Parts}
	m.sort()
	b, err := json.MarshalIndent(rc, "", "  ")
	if err != nil {
		return err
	}
	o, err := d.Create(ctx, ReceiptName(r))
	if err != nil {
		return err
	}
	if _, err := o.Write(append(b, '\n')); err != nil {
		o.Abort()
		return err
	}
	return o.Commit()
}

// MissingError is the refusal to commit an export whose tasks have not
// all written their parts: Missing names each absent part (or, for a
// task that never finished, the part it would write).
type MissingError struct {
	Location string
	Missing  []string
}

func (e *MissingError) Error() string {
	return fmt.Sprintf("destination %s: %d part(s) missing, not committing: %s (run their tasks, then commit again)", e.Location, len(e.Missing), strings.Join(e.Missing, ", "))
}

// ReadReceipts reads the receipts of the tasks of ranges and checks that
// every part they list is in d. want names, for a task without a
// receipt, the part(s) it would write (for the error). It returns the
// parts by task, or a *MissingError naming what is absent.
func ReadReceipts(ctx context.Context, d *storage.Dir, ranges []plan.Range, want func(plan.Range) string) ([][]Part, error) {
	names, err := d.List(ctx, "")
	if err != nil {
		return nil, err
	}
	present := map[string]bool{}
	for _, n := range names {
		present[n] = true
	}
	out := make([][]Part, len(ranges))
	var missing []string
	for i, r := range ranges {
		b, err := d.ReadFile(ctx, ReceiptName(r))
		if errors.Is(err, fs.ErrNotExist) {
			missing = append(missing, want(r))
			continue
		}
		if err != nil {
			return nil, err
		}
		var rc Receipt
		if err := json.Unmarshal(b, &rc); err != nil {
			return nil, fmt.Errorf("task receipt %s: %w", d.Location(ReceiptName(r)), err)
		}
		if rc.Version != 1 || rc.Range != r {
			return nil, fmt.Errorf("task receipt %s: version %d for %s, want version 1 for %s", d.Location(ReceiptName(r)), rc.Version, rc.Range, r)
		}
		for _, p := range rc.Parts {
			if !present[p.File] {
				missing = append(missing, p.File)
			}
		}
		out[i] = rc.Parts
	}
	if len(missing) > 0 {
		return nil, &MissingError{Location: d.String(), Missing: missing}
	}
	return out, nil
}

// RemoveReceipts deletes every task receipt in d, once an export is
// committed: its own, and those of jobs that never committed (a stale
// plan refused, an abandoned job), whose parts the commit's sweep
// deleted.
func RemoveReceipts(ctx context.Context, d *storage.Dir) error {
	names, err := d.List(ctx, ReceiptsDir)
	if err != nil {
		return err
	}
	for _, n := range names {
		if err := d.Remove(ctx, n); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}
