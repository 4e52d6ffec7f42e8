package export

import (
	"context"
	"fmt"
	"sort"

	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/internal/storage"
)

// State is what an incremental export has committed to a destination:
// the union of its run manifests. Nothing else counts: parts that no
// manifest lists (of a run that failed or was killed) are not exported.
type State struct {
	// Runs are the committed runs' manifests, by run number.
	Runs []*Manifest
	// Ends is, per partition, the exclusive end of what the runs
	// exported: where the next run starts it.
	Ends map[plan.TopicPartition]int64
	// Files are the parts the runs list.
	Files map[string]bool
}

// LastRun is the number of the last committed run; 0 when none is.
func (s *State) LastRun() int64 {
	if len(s.Runs) == 0 {
		return 0
	}
	return s.Runs[len(s.Runs)-1].Run
}

// Rows is the number of rows the runs exported.
func (s *State) Rows() int64 {
	var n int64
	for _, m := range s.Runs {
		n += m.Rows
	}
	return n
}

// ReadState reads the committed state of the incremental export in d:
// every manifest under ManifestsDir. Two runs that exported the same
// offsets of a partition are an error naming both (the destination was
// written by two exports at once, or by hand); so is a destination that
// holds a per-task export's single manifest.
func ReadState(ctx context.Context, d *storage.Dir) (*State, error) {
	if m, err := ReadManifest(ctx, d); err != nil {
		return nil, err
	} else if m != nil {
		return nil, fmt.Errorf("destination %s holds a per-task export (%s), not an incremental one: use another destination for INCREMENTAL true", d, ManifestName)
	}
	names, err := d.List(ctx, ManifestsDir)
	if err != nil {
		return nil, err
	}
	s := &State{Ends: map[plan.TopicPartition]int64{}, Files: map[string]bool{}}
	for _, name := range names {
		run, ok := runOf(name)
		if !ok {
			continue // not a manifest of ours (a temporary file of another tool, say)
		}
		b, err := d.ReadFile(ctx, name)
		if err != nil {
			return nil, err
		}
		m, err := decodeManifest(d, name, b)
		if err != nil {
			return nil, err
		}
		if m.Run != run {
			return nil, fmt.Errorf("manifest %s says it is run %d", d.Location(name), m.Run)
		}
		s.Runs = append(s.Runs, m)
	}
	sort.Slice(s.Runs, func(i, j int) bool { return s.Runs[i].Run < s.Runs[j].Run })

	type owned struct {
		plan.Range
		run int64
	}
	var all []owned
	for _, m := range s.Runs {
		for _, r := range m.Ranges {
			all = append(all, owned{r, m.Run})
		}
		for _, p := range m.Parts {
			s.Files[p.File] = true
		}
	}
	sort.Slice(all, func(i, j int) bool { return rangeLess(all[i].Range, all[j].Range) })
	for i, r := range all {
		tp := plan.TopicPartition{Topic: r.Topic, Partition: r.Partition}
		if i > 0 && all[i-1].Topic == r.Topic && all[i-1].Partition == r.Partition && all[i-1].Until > r.From {
			p := all[i-1]
			return nil, fmt.Errorf("destination %s: runs %d and %d both exported offsets of %s ([%d, %d) and [%d, %d)); was it written by two exports at once?",
				d, p.run, r.run, tp, p.From, p.Until, r.From, r.Until)
		}
		s.Ends[tp] = max(s.Ends[tp], r.Until)
	}
	return s, nil
}
