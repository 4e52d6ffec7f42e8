package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Config says what Run measures. Required: KQ and Self.
type Config struct {
	// N is the number of records in the bulk topic; default 2,000,000.
	N int64
	// Partitions of the bulk topic; default 6.
	Partitions int
	// Topic is the bulk topic's name; default "bulk".
	Topic string
	// Runs is how many times each measurement runs (the figure is the
	// median); default 3.
	Runs int
	// KQ is the path of the kq binary to measure.
	KQ string
	// Self is the path of the kqbench binary, whose broker and raw
	// subcommands Run starts as child processes.
	Self string
	// Kcat is the kcat binary; default: "kcat" on PATH, skipped when
	// absent.
	Kcat string
	// Raw tunes the raw loop (see RawOptions); passed to `kqbench raw`.
	Raw RawOptions
	// TestBin, when set with ProfileDir, is the compiled test binary of
	// this package (go test -c ./bench); Run profiles BenchmarkEngine's
	// count, groupby and parquet cases on the same broker with it and
	// writes <case>.cpu.prof and <case>.top.txt (go tool pprof -top)
	// into ProfileDir.
	TestBin    string
	ProfileDir string
	// Only, when not empty, limits the measurements to these names
	// (raw, raw-huge, kcat, kq-count, kq-groupby, kq-parquet, kq-filter,
	// kq-orderby, kq-arrow, kq-flightsql, and the extra kq-pertask).
	Only []string
	// Extra adds kq-pertask: the same export with PER_TASK true, one
	// Parquet part per task written by the scan's workers in parallel;
	// kq-temporal: that export run by TemporalWorkers kq worker
	// processes through a Temporal dev server;
	// and the Avro measurements (raw-avro, kcat-avro, kq-avro): the same
	// records Avro-encoded in <topic>_avro with a Schema Registry, read
	// by the raw loop, kcat and kq's GROUP BY.
	Extra bool
	// Baseline, when set, is the JSON report (-json) of an earlier run
	// on a topic of another size: every kq measurement in both is
	// checked for a flat peak RSS between the two (MaxRSSGrowth).
	Baseline string
	// TemporalCLI is the Temporal CLI whose dev server kq-temporal
	// runs on; default: bin/temporal (temporaltest.Binary), skipped when
	// absent.
	TemporalCLI string
	// Out receives the report; Log the progress lines. Default
	// os.Stdout and os.Stderr.
	Out, Log io.Writer

	cleanup []func()
	bound   boundState
}

func (c *Config) defaults() error {
	if c.N <= 0 {
		c.N = 2_000_000
	}
	if c.Partitions <= 0 {
		c.Partitions = DefaultPartitions
	}
	if c.Topic == "" {
		c.Topic = DefaultTopic
	}
	if c.Runs <= 0 {
		c.Runs = 3
	}
	c.Raw = c.Raw.WithDefaults()
	if c.Out == nil {
		c.Out = os.Stdout
	}
	if c.Log == nil {
		c.Log = os.Stderr
	}
	if c.KQ == "" || c.Self == "" {
		return errors.New("bench: Config.KQ and Config.Self are required")
	}
	if c.Kcat == "" {
		if p, err := exec.LookPath("kcat"); err == nil {
			c.Kcat = p
		}
	}
	return nil
}

// measurement is one thing Run times: a command and a check of its
// output.
type measurement struct {
	name  string
	what  string
	argv  []string
	check func(stdout []byte) error
	// lines, set instead of check for outputs too large to keep, gets
	// stdout's line count and its first bytes (lineCounter); the run
	// also notes the time to the first byte of output.
	lines func(n int64, head []byte) error
	// sink, instead of check, receives stdout as it is written (a dump
	// is too large to hold); its Close returns the check's result.
	sink func() dumpSink
	// env is added to the child's environment (the S3 test server's
	// endpoint and keys).
	env    []string
	before func() error // untimed, before each run (a delta's starting state)
	// server, when set, reads the CPU time so far of another process
	// the measurement uses (the S3 test server), noted per run.
	server func() time.Duration
	// kq, when set, lists the long-running kq processes that do the
	// measurement's work (kq serve, kq worker): their peak RSS is reset
	// before each run and read after it.
	kq    func() []int
	after func() error // untimed, after each run (readback checks, cleanup)
	// records is how many records a run handles, for its rates; 0: N.
	records int64
	runs    []runResult
}

// runResult is one run of a measurement.
type runResult struct {
	Wall    time.Duration `json:"wallNs"`
	MaxRSS  int64         `json:"maxRssBytes"`
	LoadAvg string        `json:"loadAvg"`
	// CPU is the child's user+system time; BrokerCPU the broker
	// process's during the run (negative when unknown).
	CPU       time.Duration `json:"cpuNs"`
	BrokerCPU time.Duration `json:"brokerCpuNs"`
	// ServerCPU is the CPU time of the measurement's server process
	// (the S3 test server) during the run; 0 when it has none.
	ServerCPU time.Duration `json:"serverCpuNs,omitempty"`
	// KQRSS is the largest peak RSS of the measurement's long-running
	// kq processes (kq serve, kq worker) during the run; 0: none.
	KQRSS int64 `json:"kqRssBytes,omitempty"`
	// FirstOutput is the time from the start to the first byte of
	// output, for measurements whose output is counted (lines).
	FirstOutput time.Duration `json:"firstOutputNs,omitempty"`
}

// Result is a measurement's figures: the median wall time of its runs and
// the largest peak RSS of any run.
type Result struct {
	Name    string        `json:"name"`
	What    string        `json:"what"`
	Command string        `json:"command"`
	Median  time.Duration `json:"medianNs"`
	// CPU, BrokerCPU and ServerCPU are the medians of the runs' CPU
	// times.
	CPU       time.Duration `json:"cpuNs"`
	BrokerCPU time.Duration `json:"brokerCpuNs"`
	ServerCPU time.Duration `json:"serverCpuNs,omitempty"`
	MaxRSS    int64         `json:"maxRssBytes"`
	// KQRSS is the largest peak RSS of the measurement's long-running
	// kq processes in any run (kq serve for kq-flightsql, the kq
	// workers for kq-temporal); MaxRSS is then the client's or the
	// submitter's.
	KQRSS int64 `json:"kqRssBytes,omitempty"`
	// FirstOutput is the median time to the first byte of output of
	// the measurements that note it (kq-filter, kq-orderby); 0 for the
	// others.
	FirstOutput time.Duration `json:"firstOutputNs,omitempty"`
	// Records is how many records each run handled: N, or the delta
	// of kq-incremental and kq-delta.
	Records int64   `json:"records,omitempty"`
	RowsPS  float64 `json:"rowsPerSec"`
	MBPS    float64 `json:"mbPerSec"`
	VsRaw   float64 `json:"vsRaw,omitempty"`
	VsKcat  float64 `json:"vsKcat,omitempty"`
	// VsRawHuge is the rate against raw-huge, the raw loop given the
	// same huge page advice as the kq command (not for the Avro paths).
	VsRawHuge float64     `json:"vsRawHuge,omitempty"`
	Runs      []runResult `json:"runs"`
}

// Report is everything one Run measured.
type Report struct {
	Start   time.Time `json:"start"`
	Machine Machine   `json:"machine"`
	Seed    SeedStats `json:"seed"`
	// LoadBefore and LoadAfter are the load averages before seeding and
	// after the last run.
	LoadBefore string   `json:"loadBefore"`
	LoadAfter  string   `json:"loadAfter"`
	Results    []Result `json:"results"`
	Profiles   []string `json:"profiles,omitempty"`
	// Bound is the Parquet export's compression bound, measured on
	// kq-parquet's file; nil when kq-parquet did not run.
	Bound *CompressionBound `json:"bound,omitempty"`
	// Baseline is the report of Config.Baseline (its file in
	// BaselineFile), whose peak RSS figures flatTargets compares.
	Baseline     *Report `json:"-"`
	BaselineFile string  `json:"baseline,omitempty"`
	// Checked is Targets(), set by Run once the results are in.
	Checked []Target `json:"targets,omitempty"`
}

// brokerHello is the line `kqbench broker` prints once its topic is
// seeded.
type brokerHello struct {
	Addr     string    `json:"addr"`
	Seed     SeedStats `json:"seed"`
	AvroSeed SeedStats `json:"avroSeed"`
	Registry string    `json:"registry"`
}

// Run starts `Self broker` seeded with N records, runs every measurement
// Runs times as separate processes (round robin, so that load drifts
// spread over all of them), checks every run's result against the
// generator and fails on the first wrong one, prints the table to Out
// and returns the report.
func Run(ctx context.Context, c Config) (*Report, error) {
	if err := c.defaults(); err != nil {
		return nil, err
	}
	rep := &Report{Start: time.Now().UTC(), Machine: ThisMachine(), LoadBefore: LoadAvg()}
	if c.Baseline != "" {
		b, err := ReadReport(c.Baseline)
		if err != nil {
			return nil, err
		}
		rep.Baseline, rep.BaselineFile = b, c.Baseline
	}
	fmt.Fprintf(c.Log, "kqbench: seeding %d records into %s (%d partitions); load %s\n", c.N, c.Topic, c.Partitions, rep.LoadBefore)
	broker, hello, err := startBroker(ctx, c)
	if err != nil {
		return nil, err
	}
	defer broker.stop()
	rep.Seed = hello.Seed
	fmt.Fprintf(c.Log, "kqbench: broker %s seeded in %v (%.0f records/s, %.1f MB)\n",
		hello.Addr, hello.Seed.Elapsed.Round(time.Millisecond),
		float64(hello.Seed.Records)/hello.Seed.Elapsed.Seconds(), float64(hello.Seed.Bytes)/1e6)

	ms, err := c.measurements(ctx, *hello)
	defer func() {
		// Last started, first stopped: the Temporal workers before
		// their server.
		for _, fn := range slices.Backward(c.cleanup) {
			fn()
		}
	}()
	if err != nil {
		return nil, err
	}
	for run := 1; run <= c.Runs; run++ {
		for _, m := range ms {
			r, err := c.runOnce(ctx, m, broker.cpu)
			if err != nil {
				return nil, fmt.Errorf("%s, run %d: %w", m.name, run, err)
			}
			m.runs = append(m.runs, r)
			fmt.Fprintf(c.Log, "kqbench: %-10s run %d/%d %8.3fs  cpu %6.2fs  broker cpu %6.2fs  rss %4d MiB  load %s\n",
				m.name, run, c.Runs, r.Wall.Seconds(), r.CPU.Seconds(), r.BrokerCPU.Seconds(), r.MaxRSS>>20, r.LoadAvg)
		}
	}
	rep.Results = summarize(ms, hello.Seed)
	rep.Bound = c.bound.finish(rep.Results, rep.Machine.CPUs)
	if c.bound.err != nil {
		fmt.Fprintf(c.Log, "kqbench: no compression bound: %v\n", c.bound.err)
	}
	if c.TestBin != "" && c.ProfileDir != "" {
		if rep.Profiles, err = c.profile(ctx, hello.Addr, hello.Seed.Bytes); err != nil {
			return rep, err
		}
	}
	rep.LoadAfter = LoadAvg()
	rep.Checked = rep.Targets()
	rep.Print(c.Out)
	return rep, nil
}

// extraMeasurements run only with Config.Extra (or -only), besides the
// Avro measurements and the extra dumps; kq-incremental brings kq-delta,
// its yardstick.
var extraMeasurements = []string{"kq-pertask", "kq-temporal", "kq-parquet-s3", "kq-pertask-s3", "kq-incremental"}

func (c *Config) want(name string) bool {
	extra := slices.Contains(extraMeasurements, name) || strings.HasSuffix(name, "-avro") || isExtraDump(name)
	if extra && c.Extra && len(c.Only) == 0 {
		return true
	}
	return slices.Contains(c.Only, name) || len(c.Only) == 0 && !extra
}

// avro reports whether any Avro measurement runs (the broker seeds the
// Avro copy only then).
func (c *Config) avro() bool {
	return c.want("raw-avro") || c.want("kcat-avro") || c.want("kq-avro")
}

func (c *Config) measurements(ctx context.Context, hello brokerHello) ([]*measurement, error) {
	addr := hello.Addr
	kafka := fmt.Sprintf("kafka('%s')", c.Topic)
	kq := func(sql string) []string {
		return []string{c.KQ, "-b", addr, "--format", "csv", "--progress", "never", sql}
	}
	countCheck := func(out []byte) error { return CheckCountCSV(out, c.N) }
	var ms []*measurement
	if c.want("raw") {
		ms = append(ms, c.rawMeasurement("raw", "franz-go consume loop (client-side limit)", addr, c.Topic))
	}
	if c.want("raw-huge") {
		m := c.rawMeasurement("raw-huge", "the same loop, its heap advised for huge pages as kq's is", addr, c.Topic)
		m.argv = append(m.argv, "-huge-pages")
		ms = append(ms, m)
	}
	if c.want("kcat") && c.Kcat != "" {
		ms = append(ms, &measurement{
			name: "kcat",
			what: "kcat -C ... -e -f '\\n' (read_committed)",
			argv: []string{c.Kcat, "-C", "-b", addr, "-t", c.Topic, "-o", "beginning", "-e", "-q",
				"-X", "isolation.level=read_committed", "-f", `\n`},
			check: func(out []byte) error { return CheckLines(out, c.N) },
		})
	}
	if c.want("kq-count") {
		ms = append(ms, &measurement{
			name:  "kq-count",
			what:  "SELECT COUNT(*) FROM " + kafka,
			argv:  kq("SELECT COUNT(*) FROM " + kafka),
			check: countCheck,
		})
	}
	if c.want("kq-groupby") {
		want := ExpectedByStatus(c.N)
		sql := "SELECT status, COUNT(*), SUM(amount) FROM " + kafka + " WITH (valueFormat='json') GROUP BY status"
		ms = append(ms, &measurement{
			name:  "kq-groupby",
			what:  sql,
			argv:  kq(sql),
			check: func(out []byte) error { return CheckGroupByCSV(out, want) },
		})
	}
	if c.want("kq-parquet") {
		dir, err := c.tempDir()
		if err != nil {
			return nil, err
		}
		path := filepath.Join(dir, "bulk.parquet")
		sql := fmt.Sprintf("COPY (SELECT * FROM %s) TO '%s' (FORMAT parquet)", kafka, path)
		ms = append(ms, &measurement{
			name:  "kq-parquet",
			what:  strings.Replace(sql, path, "/tmp/x.parquet", 1),
			argv:  kq(sql),
			check: countCheck,
			after: c.readBack(ctx, addr, path, "the exported file", c.N, func() {
				c.bound.measure(path)
				os.Remove(path)
			}),
		})
	}
	if c.want("kq-pertask") {
		dir, err := c.tempDir()
		if err != nil {
			return nil, err
		}
		out := filepath.Join(dir, "parts") + "/"
		sql := fmt.Sprintf("COPY (SELECT * FROM %s) TO '%s' (FORMAT parquet, PER_TASK true)", kafka, out)
		ms = append(ms, &measurement{
			name:  "kq-pertask",
			what:  strings.Replace(sql, out, "/tmp/parts/", 1),
			argv:  kq(sql),
			check: countCheck,
			after: c.readBack(ctx, addr, out+"*.parquet", "the exported parts", c.N, func() { os.RemoveAll(out) }),
		})
	}
	s3, err := c.objectStoreMeasurements(ctx, addr, kafka)
	if err != nil {
		return nil, err
	}
	ms = append(ms, s3...)
	if c.want("kq-incremental") {
		im, err := c.incrementalMeasurements(ctx, addr)
		if err != nil {
			return nil, err
		}
		ms = append(ms, im...)
	}
	ms = append(ms, c.largeResultMeasurements(addr)...)
	if c.want("kq-temporal") {
		m, err := c.temporalMeasurement(ctx, addr, kafka)
		if err != nil {
			return nil, fmt.Errorf("kq-temporal: %w", err)
		}
		if m != nil {
			ms = append(ms, m)
		}
	}
	ms = append(ms, c.avroMeasurements(hello)...)
	ms = append(ms, c.dumpMeasurements(addr)...)
	fms, err := c.flightMeasurements(ctx, addr)
	if err != nil {
		return nil, err
	}
	ms = append(ms, fms...)
	if len(ms) == 0 {
		return nil, errors.New("bench: nothing to measure")
	}
	return ms, nil
}

// tempDir makes a directory for a measurement's output, removed with
// the other cleanups.
func (c *Config) tempDir() (string, error) {
	dir, err := os.MkdirTemp("", "kqbench-")
	if err != nil {
		return "", err
	}
	c.cleanup = append(c.cleanup, func() { os.RemoveAll(dir) })
	return dir, nil
}

// rawMeasurement is the raw loop over topic: `kqbench raw`, its count
// checked against N.
func (c *Config) rawMeasurement(name, what, addr, topic string) *measurement {
	return &measurement{
		name: name,
		what: what,
		argv: []string{c.Self, "raw", "-b", addr, "-topic", topic,
			"-clients", strconv.Itoa(c.Raw.Clients),
			"-fetch-max-bytes", strconv.Itoa(int(c.Raw.FetchMaxBytes)),
			"-fetch-max-partition-bytes", strconv.Itoa(int(c.Raw.FetchMaxPartitionBytes))},
		check: func(out []byte) error {
			var r RawResult
			if err := json.Unmarshal(out, &r); err != nil {
				return fmt.Errorf("raw output %q: %w", excerpt(out), err)
			}
			if r.Records != c.N {
				return fmt.Errorf("counted %d records, want %d", r.Records, c.N)
			}
			return nil
		},
	}
}

// avroMeasurements read <topic>_avro: the raw loop and kcat (the same
// bytes, not decoded) and kq's GROUP BY through the Schema Registry.
func (c *Config) avroMeasurements(hello brokerHello) []*measurement {
	topic := c.Topic + "_avro"
	var ms []*measurement
	if c.want("raw-avro") {
		ms = append(ms, c.rawMeasurement("raw-avro", "franz-go consume loop over "+topic, hello.Addr, topic))
	}
	if c.want("kcat-avro") && c.Kcat != "" {
		ms = append(ms, &measurement{
			name: "kcat-avro",
			what: "kcat -C ... -e -f '\\n' over " + topic + " (read_committed, not decoded)",
			argv: []string{c.Kcat, "-C", "-b", hello.Addr, "-t", topic, "-o", "beginning", "-e", "-q",
				"-X", "isolation.level=read_committed", "-f", `\n`},
			check: func(out []byte) error { return CheckLines(out, c.N) },
		})
	}
	if c.want("kq-avro") {
		want := ExpectedByStatus(c.N)
		sql := fmt.Sprintf("SELECT status, COUNT(*), SUM(amount) FROM kafka('%s') WITH (valueFormat='avro') GROUP BY status", topic)
		ms = append(ms, &measurement{
			name:  "kq-avro",
			what:  sql,
			argv:  []string{c.KQ, "-b", hello.Addr, "--schema-registry", hello.Registry, "--format", "csv", "--progress", "never", sql},
			check: func(out []byte) error { return CheckGroupByCSV(out, want) },
		})
	}
	return ms
}

// runOnce runs m once as a child process and checks its output.
func (c *Config) runOnce(ctx context.Context, m *measurement, brokerCPU func() time.Duration) (runResult, error) {
	r := runResult{}
	if m.before != nil {
		if err := m.before(); err != nil {
			return r, err
		}
	}
	r.LoadAvg = LoadAvg()
	b0 := brokerCPU()
	var s0 time.Duration
	if m.server != nil {
		s0 = m.server()
	}
	var pids []int
	if m.kq != nil {
		pids = m.kq()
		for _, pid := range pids {
			if err := resetPeakRSS(pid); err != nil {
				return r, err
			}
		}
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, m.argv[0], m.argv[1:]...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if len(m.env) > 0 {
		cmd.Env = append(os.Environ(), m.env...)
	}
	var sink dumpSink
	if m.sink != nil {
		sink = m.sink()
		cmd.Stdout = sink
	}
	start := time.Now()
	counted := &lineCounter{start: start}
	if m.lines != nil {
		cmd.Stdout = counted
	}
	err := cmd.Run()
	r.FirstOutput = counted.first
	r.Wall = time.Since(start)
	if b1 := brokerCPU(); b0 >= 0 && b1 >= 0 {
		r.BrokerCPU = b1 - b0
	} else {
		r.BrokerCPU = -1
	}
	if m.server != nil {
		if s1 := m.server(); s0 >= 0 && s1 >= 0 {
			r.ServerCPU = s1 - s0
		}
	}
	for _, pid := range pids {
		rss, err := peakRSS(pid)
		if err != nil {
			return r, err
		}
		r.KQRSS = max(r.KQRSS, rss)
	}
	if err != nil {
		return r, fmt.Errorf("%s: %w: %s", m.argv[0], err, excerpt(stderr.Bytes()))
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.MaxRSS = ru.Maxrss << 10 // kilobytes on Linux
	}
	r.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	switch {
	case m.lines != nil:
		err = m.lines(counted.lines, counted.head)
	case sink != nil:
		err = sink.Close()
	default:
		err = m.check(stdout.Bytes())
	}
	if err != nil {
		return r, err
	}
	if m.after != nil {
		if err := m.after(); err != nil {
			return r, err
		}
	}
	return r, nil
}

func summarize(ms []*measurement, seed SeedStats) []Result {
	var out []Result
	rate := map[string]float64{}
	for _, m := range ms {
		res := Result{Name: m.name, What: m.what, Command: shellQuote(m.argv), Runs: m.runs}
		var walls, cpus, bcpus, scpus []time.Duration
		for _, r := range m.runs {
			walls, cpus, bcpus, scpus = append(walls, r.Wall), append(cpus, r.CPU), append(bcpus, r.BrokerCPU), append(scpus, r.ServerCPU)
			res.MaxRSS = max(res.MaxRSS, r.MaxRSS)
			res.KQRSS = max(res.KQRSS, r.KQRSS)
		}
		res.Median, res.CPU, res.BrokerCPU, res.ServerCPU = median(walls), median(cpus), median(bcpus), median(scpus)
		res.FirstOutput = firstOutput(m.runs)
		records, bytes := float64(seed.Records), float64(seed.Bytes)
		if m.records > 0 {
			records, bytes = float64(m.records), bytes*float64(m.records)/records
		}
		res.Records = int64(records)
		res.RowsPS = records / res.Median.Seconds()
		res.MBPS = bytes / 1e6 / res.Median.Seconds()
		rate[m.name] = res.RowsPS
		out = append(out, res)
	}
	for i := range out {
		if !strings.HasPrefix(out[i].Name, "kq-") {
			continue
		}
		// Avro measurements compare with the raw loop and kcat over
		// the same Avro records.
		raw, kcat := "raw", "kcat"
		if strings.HasSuffix(out[i].Name, "-avro") {
			raw, kcat = "raw-avro", "kcat-avro"
		}
		if isDump(out[i].Name) {
			kcat = "kcat-dump"
		}
		if r := rate[raw]; r > 0 {
			out[i].VsRaw = out[i].RowsPS / r
		}
		if r := rate[kcat]; r > 0 {
			out[i].VsKcat = out[i].RowsPS / r
		}
		if r := rate["raw-huge"]; r > 0 && raw == "raw" {
			out[i].VsRawHuge = out[i].RowsPS / r
		}
	}
	return out
}

func median(ds []time.Duration) time.Duration {
	ds = slices.Clone(ds)
	slices.Sort(ds)
	if len(ds)%2 == 0 {
		return (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
	}
	return ds[len(ds)/2]
}

func shellQuote(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		if a != "" && !strings.ContainsAny(a, " '\"\\$*()`;&|<>") {
			q[i] = a
			continue
		}
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}

// brokerProc is the running `kqbench broker` child.
type brokerProc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
}

func startBroker(ctx context.Context, c Config) (*brokerProc, *brokerHello, error) {
	args := []string{"broker", "-n", strconv.FormatInt(c.N, 10), "-partitions", strconv.Itoa(c.Partitions), "-topic", c.Topic}
	if c.avro() {
		args = append(args, "-avro")
	}
	cmd := exec.CommandContext(ctx, c.Self, args...)
	cmd.Stderr = c.Log
	// The broker exits when its stdin closes, or with its parent.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("start broker: %w", err)
	}
	b := &brokerProc{cmd: cmd, stdin: stdin}
	line, err := bufio.NewReader(stdout).ReadBytes('\n')
	if err != nil {
		b.stop()
		return nil, nil, fmt.Errorf("broker: no address: %w", err)
	}
	var h brokerHello
	if err := json.Unmarshal(line, &h); err != nil || h.Addr == "" {
		b.stop()
		return nil, nil, fmt.Errorf("broker: bad hello %q: %v", excerpt(line), err)
	}
	go io.Copy(io.Discard, stdout)
	return b, &h, nil
}

// cpu returns the broker's user+system CPU time so far, or -1.
func (b *brokerProc) cpu() time.Duration { return procCPU(b.cmd.Process.Pid) }

// resetPeakRSS resets the peak RSS (VmHWM) of process pid to its RSS now
// (proc(5): clear_refs, 5).
func resetPeakRSS(pid int) error {
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0); err != nil {
		return fmt.Errorf("resetting the peak RSS of process %d: %w", pid, err)
	}
	return nil
}

// peakRSS returns the peak RSS (VmHWM) of process pid.
func peakRSS(pid int) (int64, error) {
	buf, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(buf), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("process %d: VmHWM %q: %w", pid, v, err)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("process %d: no VmHWM in /proc/%d/status", pid, pid)
}

// procCPU returns process pid's user+system CPU time so far from
// /proc/<pid>/stat, or -1.
func procCPU(pid int) time.Duration {
	buf, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return -1
	}
	// The fields after the command name, which is in parentheses:
	// state is field 3, utime 14, stime 15 (in clock ticks, 100/s on
	// Linux).
	i := bytes.LastIndexByte(buf, ')')
	if i < 0 {
		return -1
	}
	f := strings.Fields(string(buf[i+1:]))
	if len(f) < 13 {
		return -1
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return -1
	}
	return time.Duration(ut+st) * 10 * time.Millisecond
}

func (b *brokerProc) stop() {
	b.stdin.Close()
	waitOrKill(b.cmd)
}

// waitOrKill waits for cmd, asked to stop (a signal, its stdin closed),
// to exit, and kills it after 10 s.
func waitOrKill(cmd *exec.Cmd) {
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-done
	}
}

// readBack returns a measurement's untimed after-check of a Parquet
// export: the files matching glob, read back by kq, hold N rows; remove
// then deletes them, whatever the outcome.
func (c *Config) readBack(ctx context.Context, addr, glob, what string, want int64, remove func()) func() error {
	return func() error {
		defer remove()
		out, err := exec.CommandContext(ctx, c.KQ, "-b", addr, "--format", "csv",
			fmt.Sprintf("SELECT COUNT(*) FROM read_parquet('%s')", glob)).CombinedOutput()
		if err != nil {
			return fmt.Errorf("reading %s back: %v: %s", what, err, excerpt(out))
		}
		if err := CheckCountCSV(out, want); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	}
}
