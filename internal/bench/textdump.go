package bench

import (
	"fmt"
	"io"
	"strings"
)

// The text-dump measurements (docs/BENCHMARKS.md's target: a text dump of SELECT * at least
// half as fast as the same query as Arrow IPC, and faster than kcat's
// dump): DumpQuery written by kq to stdout as Arrow IPC (kq-dump-arrow),
// CSV and NDJSON (kq-dump-csv, kq-dump-ndjson; with Extra also JSON and
// the table, kq-dump-json and kq-dump-table), and kcat printing every
// record's key, partition, offset, timestamp and value (kcat-dump). The
// output streams into a checker (dump_check.go) rather than into memory:
// every line or row is counted, and every dumpSample-th row is compared
// field by field with the generator.

// DumpQuery is the query of the text-dump measurements: every record of
// topic with its JSON fields as columns.
func DumpQuery(topic string) string {
	return fmt.Sprintf("SELECT * FROM kafka('%s') WITH (valueFormat='json')", topic)
}

// dumpFormats are the formats of the kq-dump measurements; the extra ones
// run with Config.Extra.
var (
	dumpFormats      = []string{"arrow", "csv", "ndjson"}
	dumpFormatsExtra = []string{"json", "table"}
)

// isDump reports whether measurement name is a dump (compared with
// kq-dump-arrow and kcat-dump rather than the raw loop and kcat).
func isDump(name string) bool {
	return strings.HasPrefix(name, "kq-dump-") || name == "kcat-dump"
}

// dumpMeasurements returns the dump measurements Config asks for.
func (c *Config) dumpMeasurements(addr string) []*measurement {
	var ms []*measurement
	if c.want("kcat-dump") && c.Kcat != "" {
		ms = append(ms, &measurement{
			name: "kcat-dump",
			what: "kcat -C ... -e -f '%k,%p,%o,%T,%s\\n' (read_committed; key, partition, offset, timestamp, value)",
			argv: []string{c.Kcat, "-C", "-b", addr, "-t", c.Topic, "-o", "beginning", "-e", "-q",
				"-X", "isolation.level=read_committed", "-f", `%k,%p,%o,%T,%s\n`},
			sink: func() dumpSink { return newKcatDumpCheck(c.N, c.Partitions) },
		})
	}
	for _, f := range append(dumpFormats, dumpFormatsExtra...) {
		name := "kq-dump-" + f
		if !c.want(name) {
			continue
		}
		sql := DumpQuery(c.Topic)
		ms = append(ms, &measurement{
			name: name,
			what: sql + " as " + f,
			argv: []string{c.KQ, "-b", addr, "--format", f, "--progress", "never", sql},
			sink: func() dumpSink { return newDumpCheck(f, c.Topic, c.N, c.Partitions) },
		})
	}
	return ms
}

// dumpTargets checks the text dumps against their targets: each text
// format at least half as fast as kq-dump-arrow, and faster than
// kcat-dump.
func (r *Report) dumpTargets() []Target {
	byName := map[string]*Result{}
	for i := range r.Results {
		byName[r.Results[i].Name] = &r.Results[i]
	}
	var out []Target
	arrow, kcat := byName["kq-dump-arrow"], byName["kcat-dump"]
	for _, f := range append(dumpFormats, dumpFormatsExtra...) {
		res := byName["kq-dump-"+f]
		if f == "arrow" || res == nil || res.Median <= 0 {
			continue
		}
		if arrow != nil && arrow.Median > 0 {
			x := arrow.Median.Seconds() / res.Median.Seconds()
			out = append(out, Target{What: fmt.Sprintf("%s ≥ 0.50× kq-dump-arrow", res.Name), Got: ratio(x), Met: x >= 0.5})
		}
		if kcat != nil && kcat.Median > 0 {
			x := kcat.Median.Seconds() / res.Median.Seconds()
			out = append(out, Target{What: fmt.Sprintf("%s ≥ 1.00× kcat-dump", res.Name), Got: ratio(x), Met: x >= 1})
		}
	}
	return out
}

// dumpSink receives a dump measurement's stdout as it is written; Close
// returns the result of its check.
type dumpSink = io.WriteCloser

// isExtraDump reports whether name is a dump measured only with
// Config.Extra (or -only).
func isExtraDump(name string) bool {
	for _, f := range dumpFormatsExtra {
		if name == "kq-dump-"+f {
			return true
		}
	}
	return false
}
