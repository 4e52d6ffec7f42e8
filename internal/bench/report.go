package bench

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Print writes the report as Markdown: the machine, the seed, then one
// table row per measurement (median of its runs; peak RSS is the largest
// of any run), kq's performance targets met or not (Targets) and the commands.
func (r *Report) Print(w io.Writer) {
	m := r.Machine
	fmt.Fprintf(w, "kq bench, %s\n\n", r.Start.Format(time.RFC3339))
	fmt.Fprintf(w, "machine: %d CPUs (%s), %s memory, Linux %s, %s\n", m.CPUs, m.CPUModel, m.MemTotal, m.Kernel, m.Go)
	fmt.Fprintf(w, "load average (1/5/15 min): %s before seeding, %s at the end\n", r.LoadBefore, r.LoadAfter)
	s := r.Seed
	fmt.Fprintf(w, "topic %s: %d records, %d partitions, %.1f MB of keys+values (%.0f B/record), seeded in %v\n\n",
		s.Topic, s.Records, s.Partitions, float64(s.Bytes)/1e6, float64(s.Bytes)/float64(max(s.Records, 1)), s.Elapsed.Round(time.Millisecond))
	runs := 0
	if len(r.Results) > 0 {
		runs = len(r.Results[0].Runs)
	}
	fmt.Fprintf(w, "| measurement | median of %d | rows/s | MB/s | peak RSS | first row | vs raw | vs kcat | CPU | broker CPU | load at each run |\n", runs)
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
	for _, res := range r.Results {
		loads := make([]string, len(res.Runs))
		for i, run := range res.Runs {
			loads[i] = strings.Fields(run.LoadAvg + " ?")[0]
		}
		first := "–"
		if res.FirstOutput > 0 {
			first = fmt.Sprintf("%.2f s", res.FirstOutput.Seconds())
		}
		fmt.Fprintf(w, "| %s | %.2f s | %s | %.1f | %d MiB | %s | %s | %s | %.2f s | %.2f s | %s |\n",
			res.Name, res.Median.Seconds(), humanRate(res.RowsPS), res.MBPS, res.MaxRSS>>20, first,
			ratio(res.VsRaw), ratio(res.VsKcat), res.CPU.Seconds(), res.BrokerCPU.Seconds(), strings.Join(loads, ", "))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "rows/s and MB/s: N records and their key+value bytes over the median wall time of a whole process (start to exit);")
	fmt.Fprintln(w, "peak RSS: the largest ru_maxrss of any run; first row: the median time from the start of the process to its first byte of output (kq-filter, kq-orderby);")
	fmt.Fprintln(w, "CPU: the median user+system time of the measured process; broker CPU: the broker process's during the run.")
	for _, res := range r.Results {
		if res.KQRSS > 0 {
			fmt.Fprintf(w, "%s: peak RSS of its long-running kq processes (kq serve, kq worker) %d MiB; the table's is the client's or submitter's.\n", res.Name, res.KQRSS>>20)
		}
		if res.ServerCPU > 0 {
			fmt.Fprintf(w, "%s: the S3 test server's CPU during the run (median) %.2f s, on the same cores.\n", res.Name, res.ServerCPU.Seconds())
		}
	}
	var huge []string
	for _, res := range r.Results {
		if res.VsRawHuge > 0 {
			huge = append(huge, res.Name+" "+ratio(res.VsRawHuge))
		}
	}
	if len(huge) > 0 {
		fmt.Fprintf(w, "against raw-huge (the raw loop with kq's huge page advice; the targets are against raw): %s.\n", strings.Join(huge, ", "))
	}
	fmt.Fprintln(w, "kq-dump-*: vs kcat is against kcat-dump (kcat printing key, partition, offset, timestamp and value); their ratio to kq-dump-arrow is among the targets.")
	fmt.Fprintln(w)
	r.printTargets(w)
	for _, res := range r.Results {
		fmt.Fprintf(w, "- %s: `%s`\n", res.Name, res.Command)
	}
	for _, p := range r.Profiles {
		fmt.Fprintf(w, "- profile: %s\n", p)
	}
}

func ratio(x float64) string {
	if x == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", x)
}

func humanRate(x float64) string {
	switch {
	case x >= 1e6:
		return fmt.Sprintf("%.2f M", x/1e6)
	case x >= 1e3:
		return fmt.Sprintf("%.1f k", x/1e3)
	}
	return fmt.Sprintf("%.0f", x)
}
