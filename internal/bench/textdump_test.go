package bench

import (
	"strings"
	"testing"
	"time"
)

// TestDumpTargets: each text dump is judged against kq-dump-arrow (≥ 0.5×)
// and kcat-dump (≥ 1×) by wall time, compared with kcat-dump rather than
// kcat, and not held to the 2× kcat target of the queries.
func TestDumpTargets(t *testing.T) {
	run := func(d time.Duration) []runResult { return []runResult{{Wall: d, MaxRSS: 100 << 20}} }
	ms := []*measurement{
		{name: "raw", runs: run(1 * time.Second)},
		{name: "kcat", runs: run(2 * time.Second)},
		{name: "kcat-dump", runs: run(1500 * time.Millisecond)},
		{name: "kq-dump-arrow", runs: run(1 * time.Second)},
		{name: "kq-dump-csv", runs: run(1200 * time.Millisecond)},
		{name: "kq-dump-ndjson", runs: run(2500 * time.Millisecond)},
	}
	r := &Report{Results: summarize(ms, SeedStats{Records: 1000, Bytes: 131000})}
	for _, res := range r.Results {
		if res.Name == "kq-dump-csv" && (res.VsKcat < 1.24 || res.VsKcat > 1.26) {
			t.Errorf("kq-dump-csv vs kcat %.3f, want 1.25 (against kcat-dump)", res.VsKcat)
		}
	}
	got := map[string]string{}
	for _, tg := range r.Targets() {
		met := "not met"
		if tg.Met {
			met = "met"
		}
		got[tg.What] = tg.Got + " " + met
		if strings.HasPrefix(tg.What, "kq-dump") && strings.Contains(tg.What, "2.00× kcat") {
			t.Errorf("a dump held to the queries' target: %s", tg.What)
		}
	}
	for what, want := range map[string]string{
		"kq-dump-csv ≥ 0.50× kq-dump-arrow":    "0.83× met",
		"kq-dump-csv ≥ 1.00× kcat-dump":        "1.25× met",
		"kq-dump-ndjson ≥ 0.50× kq-dump-arrow": "0.40× not met",
		"kq-dump-ndjson ≥ 1.00× kcat-dump":     "0.60× not met",
		"kq-dump-csv peak RSS < 256 MiB":       "100 MiB met",
	} {
		if got[what] != want {
			t.Errorf("%s: %q, want %q", what, got[what], want)
		}
	}
}

func TestWantDumps(t *testing.T) {
	for _, tc := range []struct {
		c    Config
		name string
		want bool
	}{
		{Config{}, "kq-dump-csv", true},
		{Config{}, "kcat-dump", true},
		{Config{}, "kq-dump-table", false},
		{Config{Extra: true}, "kq-dump-json", true},
		{Config{Only: []string{"kq-dump-table"}}, "kq-dump-table", true},
		{Config{Only: []string{"kq-dump-table"}}, "kq-dump-csv", false},
	} {
		if got := tc.c.want(tc.name); got != tc.want {
			t.Errorf("%+v want(%s) = %v", tc.c, tc.name, got)
		}
	}
}
