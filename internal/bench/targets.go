package bench

import (
	"fmt"
	"io"
	"strings"
)

// MaxRSS is kq's memory target: every kq measurement's peak RSS
// stays under it, whatever the topic size.
const MaxRSS = 256 << 20

// MaxRSSGrowth is how much a measurement's peak RSS may grow between two
// topic sizes (2M and 10M records) and still count as flat.
const MaxRSSGrowth = 32 << 20

// MinExportVsRaw is the Parquet exports' target: at least this fraction
// of the raw loop's speed, with zstd.
const MinExportVsRaw = 0.75

// MaxIncrementalOverhead is kq-incremental's target: exporting a delta
// with INCREMENTAL takes at most this many times as long as exporting
// the same records told their offsets (kq-delta): reading the committed
// runs and writing the manifest cost little.
const MaxIncrementalOverhead = 1.25

// Target is one of kq's performance targets checked against a report.
type Target struct {
	// What states the target, e.g. "kq-count ≥ 1.00× raw".
	What string `json:"what"`
	// Got is the measured figure, e.g. "2.11×" or "236 MiB".
	Got string `json:"got"`
	Met bool   `json:"met"`
}

// Targets checks kq's performance targets (docs/BENCHMARKS.md) against
// the measurements r holds:
//
//   - COUNT(*) at least as fast as the raw loop;
//   - the JSON and Avro GROUP BY at least as fast as the raw loop over the
//     same records and at least twice kcat's speed;
//   - every Parquet export (file and PER_TASK, local and on the S3 test
//     server) at least MinExportVsRaw of the raw loop, with the
//     compression bound beside the file export's figure;
//   - the incremental export of a delta within MaxIncrementalOverhead of
//     the same export told the delta's offsets;
//   - each text dump at least half as fast as the same query as Arrow
//     IPC and faster than kcat's dump;
//   - Flight SQL at least 0.8× the same query as Arrow IPC on stdout;
//   - the Temporal export within MaxTemporalOverhead of the local
//     per-task export's time;
//   - the filter's first row within the first half of its run, ORDER BY
//     near its memory limit;
//   - every kq peak RSS under MaxRSS, and, with a baseline report of
//     another topic size, flat (within MaxRSSGrowth) between the two.
//
// Measurements r lacks (-only, kcat not installed) are left out.
func (r *Report) Targets() []Target {
	byName := map[string]*Result{}
	for i := range r.Results {
		byName[r.Results[i].Name] = &r.Results[i]
	}
	var out []Target
	vsRaw := func(name string, min float64, note, got string) {
		if res := byName[name]; res != nil && res.VsRaw > 0 {
			out = append(out, Target{What: fmt.Sprintf("%s ≥ %.2f× raw%s", name, min, note), Got: ratio(res.VsRaw) + got, Met: res.VsRaw >= min})
		}
	}
	vsKcat := func(name string, min float64) {
		if res := byName[name]; res != nil && res.VsKcat > 0 {
			out = append(out, Target{What: fmt.Sprintf("%s ≥ %.2f× kcat", name, min), Got: ratio(res.VsKcat), Met: res.VsKcat >= min})
		}
	}
	vsRaw("kq-count", 1.0, "", "")
	vsRaw("kq-groupby", 1.0, "", "")
	vsKcat("kq-groupby", 2.0)
	vsRaw("kq-avro", 1.0, " (raw-avro)", "")
	vsKcat("kq-avro", 2.0)
	for _, name := range exportMeasurements {
		got := ""
		if r.Bound != nil {
			got = fmt.Sprintf(" (bound %.2f×)", r.Bound.Ceiling)
		}
		vsRaw(name, MinExportVsRaw, " (zstd)", got)
	}
	if t, ok := incrementalTarget(byName); ok {
		out = append(out, t)
	}
	out = append(out, r.dumpTargets()...)
	// Flight SQL against the same streamed query as Arrow IPC on stdout.
	if fl, ipc := byName["kq-flightsql"], byName["kq-arrow"]; fl != nil && ipc != nil && ipc.RowsPS > 0 {
		x := fl.RowsPS / ipc.RowsPS
		out = append(out, Target{What: "kq-flightsql ≥ 0.80× kq-arrow", Got: ratio(x), Met: x >= 0.8})
	}
	if t, err := temporalTarget(byName); err == nil {
		out = append(out, t)
	}
	for _, res := range r.Results {
		// kq-orderby sorts the whole topic: its bound is its memory
		// limit (largeResultTargets), not the streaming paths' MaxRSS.
		if strings.HasPrefix(res.Name, "kq-") && res.Name != "kq-orderby" && res.MaxRSS > 0 {
			out = append(out, Target{What: fmt.Sprintf("%s peak RSS < %d MiB", res.Name, MaxRSS>>20), Got: fmt.Sprintf("%d MiB", res.MaxRSS>>20), Met: res.MaxRSS < MaxRSS})
		}
		if res.KQRSS > 0 {
			out = append(out, Target{What: fmt.Sprintf("%s kq serve/worker peak RSS < %d MiB", res.Name, MaxRSS>>20), Got: fmt.Sprintf("%d MiB", res.KQRSS>>20), Met: res.KQRSS < MaxRSS})
		}
	}
	out = append(out, r.largeResultTargets()...)
	return append(out, r.flatTargets()...)
}

// exportMeasurements are the Parquet exports held to MinExportVsRaw.
var exportMeasurements = []string{"kq-parquet", "kq-pertask", "kq-parquet-s3", "kq-pertask-s3"}

// flatTargets compares every kq measurement's peak RSS with the same
// measurement's in r.Baseline, a report of another topic size: the
// larger topic's may exceed the smaller's by at most MaxRSSGrowth.
// Measurements whose work is a share of the topic (kq-incremental and
// kq-delta export a tenth of it) are left out: their work grows with
// the topic, and a small delta never fills a row group.
func (r *Report) flatTargets() []Target {
	b := r.Baseline
	if b == nil || b.Seed.Records == r.Seed.Records {
		return nil
	}
	small, large := b, r
	if b.Seed.Records > r.Seed.Records {
		small, large = r, b
	}
	prev := map[string]Result{}
	for _, res := range small.Results {
		prev[res.Name] = res
	}
	var out []Target
	for _, res := range large.Results {
		p, ok := prev[res.Name]
		partial := res.Records > 0 && res.Records != large.Seed.Records || p.Records > 0 && p.Records != small.Seed.Records
		if !ok || !strings.HasPrefix(res.Name, "kq-") || partial {
			continue
		}
		flat := func(what string, a, b int64) {
			if a > 0 && b > 0 {
				out = append(out, Target{
					What: fmt.Sprintf("%s%s peak RSS flat from %s to %s records (≤ +%d MiB)", res.Name, what, records(small.Seed.Records), records(large.Seed.Records), MaxRSSGrowth>>20),
					Got:  fmt.Sprintf("%d → %d MiB", a>>20, b>>20),
					Met:  b <= a+MaxRSSGrowth,
				})
			}
		}
		flat("", p.MaxRSS, res.MaxRSS)
		flat(" kq serve/worker", p.KQRSS, res.KQRSS)
	}
	return out
}

// records writes a record count the way the docs do: 2M, 10M, 500k.
func records(n int64) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

// printTargets writes the targets as a Markdown table.
func (r *Report) printTargets(w io.Writer) {
	ts := r.Targets()
	if len(ts) == 0 {
		return
	}
	met := 0
	fmt.Fprintln(w, "| target | measured | status |")
	fmt.Fprintln(w, "| --- | ---: | --- |")
	for _, t := range ts {
		mark := "not met"
		if t.Met {
			mark, met = "met", met+1
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", t.What, t.Got, mark)
	}
	fmt.Fprintf(w, "\n%d of %d targets met.\n\n", met, len(ts))
	if r.Bound != nil {
		fmt.Fprintf(w, "Compression bound (measured on kq-parquet's file): %s.\n\n", r.Bound)
	}
}
