package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/kq-sql/kq"
)

// writeStatsJSON writes s as one JSON object and a newline: the query totals at
// the top level (rows, estimatedRows, controlRecords, abortedRecords,
// gapRecords, fetches, bytes, decodeErrors, recordsLost, elapsedMs,
// dataLoss), tasks, the same figures per task with its range, and for a
// per-task export, export: its location, run, manifest, parts, rows,
// bytes and files (each with its range, rows and bytes).
func writeStatsJSON(w io.Writer, s *kq.Stats) error {
	c := *s
	if c.DataLoss.Partitions == nil {
		c.DataLoss.Partitions = []string{}
	}
	if c.Tasks == nil {
		c.Tasks = []kq.TaskStats{}
	}
	b, err := json.Marshal(&c)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// writeStatsText writes s for people: one summary line, the data loss line
// when records were lost, an export's parts, then one line per task.
func writeStatsText(w io.Writer, s *kq.Stats) error {
	var b strings.Builder
	fmt.Fprintf(&b, "rows %d (estimated %d), control records %d, aborted %d, gaps %d, fetches %d, %s, decode errors %d, %d ms\n",
		s.Rows, s.EstimatedRows, s.ControlRecords, s.AbortedRecords, s.GapRecords, s.Fetches, humanBytes(s.Bytes), s.DecodeErrors, s.ElapsedMs)
	if s.DataLoss.Detected {
		fmt.Fprintf(&b, "data loss: %d records lost in %s\n", s.DataLoss.RecordsLost, strings.Join(s.DataLoss.Partitions, ", "))
	}
	if e := s.Export; e != nil {
		if e.Run > 0 {
			fmt.Fprintf(&b, "export run %d: ", e.Run)
		} else {
			b.WriteString("export: ")
		}
		fmt.Fprintf(&b, "%d parts, %d rows, %s to %s\n", e.Parts, e.Rows, humanBytes(e.Bytes), e.Location)
		for _, f := range e.Files {
			fmt.Fprintf(&b, "  part %s %s: rows %d, %s\n", f.File, f.Range, f.Rows, humanBytes(f.Bytes))
		}
	}
	for i, t := range s.Tasks {
		fmt.Fprintf(&b, "  task %d %s: rows %d, control %d, aborted %d, gaps %d, fetches %d, %s, %d ms",
			i, t.Range, t.Rows, t.ControlRecords, t.AbortedRecords, t.GapRecords, t.Fetches, humanBytes(t.Bytes), t.ElapsedMs)
		if t.DecodeErrors > 0 {
			fmt.Fprintf(&b, ", decode errors %d", t.DecodeErrors)
		}
		if t.RecordsLost > 0 {
			fmt.Fprintf(&b, ", lost %d (read from %d)", t.RecordsLost, t.AdjustedFrom)
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
