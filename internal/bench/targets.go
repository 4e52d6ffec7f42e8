package bench

import (
	"fmt"
	"io"
	"strings"
)

// MaxRSS is kq's memory target: every kq measurement's peak RSS
// stays under it, whatever the topic size.
const MaxRSS = 256 << 20

// Target is one of kq's performance targets checked against a report.
type Target struct {
	// What states the target, e.g. "kq-count ≥ 1.00× raw".
	What string `json:"what"`
	// Got is the measured figure, e.g. "2.11×" or "236 MiB".
	Got string `json:"got"`
	Met bool   `json:"met"`
}

// Targets checks kq's performance targets against the measurements r holds:
// COUNT(*) at least as fast as the raw loop, the JSON GROUP BY and the
// Parquet export at least half as fast, Flight SQL at least 0.8× the
// same query as Arrow IPC on stdout, every kq figure at least twice
// kcat (when kcat was measured), the Temporal export within
// MaxTemporalOverhead of the local per-task export's time, and every kq
// peak RSS under MaxRSS.
// Measurements r lacks (-only) are left out.
func (r *Report) Targets() []Target {
	byName := map[string]*Result{}
	for i := range r.Results {
		byName[r.Results[i].Name] = &r.Results[i]
	}
	var out []Target
	vsRaw := func(name string, min float64) {
		if res := byName[name]; res != nil && res.VsRaw > 0 {
			out = append(out, Target{What: fmt.Sprintf("%s ≥ %.2f× raw", name, min), Got: ratio(res.VsRaw), Met: res.VsRaw >= min})
		}
	}
	vsRaw("kq-count", 1.0)
	vsRaw("kq-groupby", 0.5)
	vsRaw("kq-parquet", 0.5)
	vsRaw("kq-avro", 1.0)
	// Flight SQL against the same streamed query as Arrow IPC on stdout.
	if fl, ipc := byName["kq-flightsql"], byName["kq-arrow"]; fl != nil && ipc != nil && ipc.RowsPS > 0 {
		x := fl.RowsPS / ipc.RowsPS
		out = append(out, Target{What: "kq-flightsql ≥ 0.80× kq-arrow", Got: ratio(x), Met: x >= 0.8})
	}
	if t, err := temporalTarget(byName); err == nil {
		out = append(out, t)
	}
	for _, res := range r.Results {
		if strings.HasPrefix(res.Name, "kq-") && !isDump(res.Name) && res.VsKcat > 0 {
			out = append(out, Target{What: fmt.Sprintf("%s ≥ 2.00× kcat", res.Name), Got: ratio(res.VsKcat), Met: res.VsKcat >= 2})
		}
	}
	out = append(out, r.dumpTargets()...)
	for _, res := range r.Results {
		// kq-orderby sorts the whole topic: its bound is its memory
		// limit (largeResultTargets), not the streaming paths' MaxRSS.
		if strings.HasPrefix(res.Name, "kq-") && res.Name != "kq-orderby" && res.MaxRSS > 0 {
			out = append(out, Target{What: fmt.Sprintf("%s peak RSS < %d MiB", res.Name, MaxRSS>>20), Got: fmt.Sprintf("%d MiB", res.MaxRSS>>20), Met: res.MaxRSS < MaxRSS})
		}
	}
	return append(out, r.largeResultTargets()...)
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
}
