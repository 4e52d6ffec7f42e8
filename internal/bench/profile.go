package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

// profile runs BenchmarkEngine's cases and BenchmarkTextDump's csv case
// once each under the CPU profiler
// (the test binary c.TestBin, against the broker at addr) and writes each
// profile and its `go tool pprof -top` into c.ProfileDir. It returns the
// files written.
func (c *Config) profile(ctx context.Context, addr string, bytes int64) ([]string, error) {
	if err := os.MkdirAll(c.ProfileDir, 0o755); err != nil {
		return nil, err
	}
	var files []string
	for _, p := range []struct{ name, measurement, bench string }{
		{"count", "kq-count", "^BenchmarkEngine/count$"},
		{"groupby", "kq-groupby", "^BenchmarkEngine/groupby$"},
		{"parquet", "kq-parquet", "^BenchmarkEngine/parquet$"},
		{"dump-csv", "kq-dump-csv", "^BenchmarkTextDump/csv$"},
	} {
		name := p.name
		if !c.want(p.measurement) {
			continue
		}
		prof := filepath.Join(c.ProfileDir, name+".cpu.prof")
		cmd := exec.CommandContext(ctx, c.TestBin, "-test.run", "^$",
			"-test.bench", p.bench, "-test.benchtime", "1x",
			"-test.cpuprofile", prof)
		cmd.Env = append(os.Environ(), "KQ_BENCH_BROKERS="+addr, "KQ_BENCH_TOPIC="+c.Topic,
			"KQ_BENCH_N="+strconv.FormatInt(c.N, 10), "KQ_BENCH_BYTES="+strconv.FormatInt(bytes, 10))
		fmt.Fprintf(c.Log, "kqbench: profiling %s (load %s)\n", name, LoadAvg())
		if out, err := cmd.CombinedOutput(); err != nil {
			return files, fmt.Errorf("profile %s: %w: %s", name, err, excerpt(out))
		}
		top := filepath.Join(c.ProfileDir, name+".top.txt")
		// Flat, then cumulative: the hot functions, then the stages
		// (fetch, batch walk, decode, build, DuckDB, Parquet) they
		// belong to.
		flat, err := exec.CommandContext(ctx, "go", "tool", "pprof", "-top", "-nodecount=30", c.TestBin, prof).Output()
		if err != nil {
			return files, fmt.Errorf("pprof %s: %w", name, err)
		}
		cum, err := exec.CommandContext(ctx, "go", "tool", "pprof", "-top", "-cum", "-nodecount=40", c.TestBin, prof).Output()
		if err != nil {
			return files, fmt.Errorf("pprof %s: %w", name, err)
		}
		if err := os.WriteFile(top, append(flat, cum...), 0o644); err != nil {
			return files, err
		}
		files = append(files, prof, top)
	}
	return files, nil
}
