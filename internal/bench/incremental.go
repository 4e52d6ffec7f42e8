package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kq-sql/kq/internal/export"
)

// IncrementalDelta is the share of each partition kq-incremental
// exports: its starting state is a committed run that ended this far
// before each partition's end.
const IncrementalDelta = 0.1

// incrementalMeasurements are kq-incremental, a nightly run of an
// INCREMENTAL export, exporting the records that arrived since the last
// one, and kq-delta, the same records exported by a PER_TASK export told
// their offsets (startingOffsets): the difference is what INCREMENTAL's
// bookkeeping costs (reading the committed runs, writing the manifest).
// Before the first run (untimed) kq exports the topic up to
// IncrementalDelta before each partition's end (endingOffsets), which
// commits run 1; each timed run of kq-incremental starts from a copy of
// that run's manifests in an empty directory and exports the delta to
// the partitions' ends. Counts and parts are checked.
func (c *Config) incrementalMeasurements(ctx context.Context, addr string) ([]*measurement, error) {
	dir, err := c.tempDir()
	if err != nil {
		return nil, err
	}
	base, out, plain := filepath.Join(dir, "base")+"/", filepath.Join(dir, "out")+"/", filepath.Join(dir, "delta")+"/"
	// Record i is at offset i/P of partition i%P.
	ends := map[string]int64{}
	var delta int64
	parts := int64(c.Partitions)
	for p := range parts {
		n := (c.N - p + parts - 1) / parts
		d := int64(float64(n) * IncrementalDelta)
		ends[strconv.FormatInt(p, 10)] = n - d
		delta += d
	}
	offsets, err := json.Marshal(map[string]map[string]int64{c.Topic: ends})
	if err != nil {
		return nil, err
	}
	first := fmt.Sprintf("COPY (SELECT * FROM kafka('%s') WITH (endingOffsets='%s')) TO '%s' (FORMAT parquet, INCREMENTAL true)", c.Topic, offsets, base)
	got, err := exec.CommandContext(ctx, c.KQ, "-b", addr, "--format", "csv", "--progress", "never", first).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("kq-incremental's first run: %v: %s", err, excerpt(got))
	}
	if err := CheckCountCSV(got, c.N-delta); err != nil {
		return nil, fmt.Errorf("kq-incremental's first run: %w", err)
	}
	fmt.Fprintf(c.Log, "kqbench: kq-incremental starts after a run of %d records; each run exports %d\n", c.N-delta, delta)
	kq := func(sql string) []string {
		return []string{c.KQ, "-b", addr, "--format", "csv", "--progress", "never", sql}
	}
	check := func(got []byte) error { return CheckCountCSV(got, delta) }
	sql := fmt.Sprintf("COPY (SELECT * FROM kafka('%s')) TO '%s' (FORMAT parquet, INCREMENTAL true)", c.Topic, out)
	plainSQL := fmt.Sprintf("COPY (SELECT * FROM kafka('%s') WITH (startingOffsets='%s')) TO '%s' (FORMAT parquet, PER_TASK true)", c.Topic, offsets, plain)
	return []*measurement{{
		name:    "kq-incremental",
		what:    fmt.Sprintf("%s after a run that ended %.0f %% before each partition's end", strings.Replace(sql, out, "/tmp/out/", 1), IncrementalDelta*100),
		argv:    kq(sql),
		records: delta,
		before: func() error {
			if err := os.RemoveAll(out); err != nil {
				return err
			}
			return os.CopyFS(filepath.Join(out, export.ManifestsDir), os.DirFS(filepath.Join(base, export.ManifestsDir)))
		},
		check: check,
		after: c.readBack(ctx, addr, out+"*.parquet", "the delta's parts", delta, func() {}),
	}, {
		name:    "kq-delta",
		what:    strings.Replace(plainSQL, plain, "/tmp/delta/", 1),
		argv:    kq(plainSQL),
		records: delta,
		check:   check,
		after:   c.readBack(ctx, addr, plain+"*.parquet", "the delta's parts", delta, func() { os.RemoveAll(plain) }),
	}}, nil
}

// incrementalTarget is kq-incremental's time over kq-delta's, the
// export of the same records told their offsets.
func incrementalTarget(byName map[string]*Result) (Target, bool) {
	ir, dr := byName["kq-incremental"], byName["kq-delta"]
	if ir == nil || dr == nil || dr.Median <= 0 {
		return Target{}, false
	}
	x := ir.Median.Seconds() / dr.Median.Seconds()
	return Target{
		What: fmt.Sprintf("kq-incremental (a %.0f %% delta) time ≤ %.2f× kq-delta's (the same records by their offsets)", IncrementalDelta*100, MaxIncrementalOverhead),
		Got:  ratio(x),
		Met:  x <= MaxIncrementalOverhead,
	}, true
}
