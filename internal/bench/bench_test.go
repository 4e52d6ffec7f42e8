package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/kq-sql/kq/internal/parquet"
)

func TestOrderValue(t *testing.T) {
	var buf []byte
	for _, i := range []int64{0, 1, 99_999, 1_999_999, 9_999_999} {
		buf = OrderValue(buf[:0], i)
		var v struct {
			OrderID   int64   `json:"order_id"`
			Customer  string  `json:"customer"`
			Amount    float64 `json:"amount"`
			Status    string  `json:"status"`
			Country   string  `json:"country"`
			CreatedAt string  `json:"created_at"`
		}
		if err := json.Unmarshal(buf, &v); err != nil {
			t.Fatalf("record %d: %s: %v", i, buf, err)
		}
		if v.OrderID != i || v.Customer != string(OrderKey(nil, i)) || v.Status != Status(i) {
			t.Errorf("record %d: %s", i, buf)
		}
		if got := int64(v.Amount*100 + 0.5); got != Amount(i) {
			t.Errorf("record %d: amount %v, want %d cents", i, v.Amount, Amount(i))
		}
		if _, err := time.Parse(time.RFC3339, v.CreatedAt); err != nil {
			t.Errorf("record %d: created_at: %v", i, err)
		}
		if len(buf) < 100 || len(buf) > 130 {
			t.Errorf("record %d: %d bytes, want about 100-130", i, len(buf))
		}
	}
}

func TestSeedAndRawCount(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const n = 5000
	b, err := StartBroker(ctx, 0, "t", 3, n, false)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.Seed.Records != n || b.Seed.Bytes == 0 {
		t.Fatalf("seed: %+v", b.Seed)
	}
	for _, clients := range []int{1, 2} {
		res, err := RawCount(ctx, b.Addrs(), "t", RawOptions{Clients: clients, FetchMaxPartitionBytes: 64 << 10})
		if err != nil {
			t.Fatal(err)
		}
		if res.Records != n || res.Bytes != b.Seed.Bytes {
			t.Errorf("clients=%d: read %d records, %d bytes; want %d, %d", clients, res.Records, res.Bytes, n, b.Seed.Bytes)
		}
	}
	if _, err := RawCount(ctx, b.Addrs(), "missing", RawOptions{}); err == nil {
		t.Error("RawCount of a missing topic: no error")
	}
}

func TestChecks(t *testing.T) {
	if err := CheckCountCSV([]byte("COUNT(*)\n42\n"), 42); err != nil {
		t.Error(err)
	}
	for _, out := range []string{"COUNT(*)\n41\n", "COUNT(*)\n", "rows\nx\n", ""} {
		if err := CheckCountCSV([]byte(out), 42); err == nil {
			t.Errorf("CheckCountCSV(%q, 42): no error", out)
		}
	}
	want := ExpectedByStatus(1000)
	var sb strings.Builder
	sb.WriteString("status,count_star(),sum(amount)\n")
	var total int64
	for s, v := range want {
		fmt.Fprintf(&sb, "%s,%d,%d.%02d\n", s, v.Count, v.Cents/100, v.Cents%100)
		total += v.Count
	}
	if total != 1000 {
		t.Fatalf("ExpectedByStatus counts %d records", total)
	}
	good := sb.String()
	if err := CheckGroupByCSV([]byte(good), want); err != nil {
		t.Error(err)
	}
	var s0 string
	for s := range want {
		s0 = s
		break
	}
	bad := strings.Replace(good, fmt.Sprintf("%s,%d,", s0, want[s0].Count), fmt.Sprintf("%s,%d,", s0, want[s0].Count-1), 1)
	if err := CheckGroupByCSV([]byte(bad), want); err == nil {
		t.Error("CheckGroupByCSV of a wrong count: no error")
	}
	if err := CheckLines([]byte("\n\n\n"), 3); err != nil {
		t.Error(err)
	}
	if err := CheckLines([]byte("\n\n"), 3); err == nil {
		t.Error("CheckLines short: no error")
	}
}

func TestWant(t *testing.T) {
	for _, tc := range []struct {
		c    Config
		name string
		want bool
	}{
		{Config{}, "raw", true},
		{Config{}, "kq-pertask", false},
		{Config{Extra: true}, "kq-pertask", true},
		{Config{Only: []string{"raw"}}, "kq-count", false},
		{Config{Only: []string{"kq-pertask"}}, "kq-pertask", true},
		{Config{Only: []string{"raw"}, Extra: true}, "kq-pertask", false},
	} {
		if got := tc.c.want(tc.name); got != tc.want {
			t.Errorf("%+v want(%s) = %v", tc.c, tc.name, got)
		}
	}
}

// TestTargets: kq's performance targets are judged from the ratios and peak
// RSS of a report, each met or not, and left out when not measured.
func TestTargets(t *testing.T) {
	r := &Report{Results: []Result{
		{Name: "raw"},
		{Name: "kcat"},
		{Name: "kq-count", VsRaw: 2.1, VsKcat: 4.5, MaxRSS: 113 << 20},
		{Name: "kq-groupby", VsRaw: 1.02, VsKcat: 1.9, MaxRSS: 158 << 20},
		{Name: "kq-parquet", VsRaw: 0.74, VsKcat: 0.92, MaxRSS: 256 << 20},
		{Name: "kq-pertask-s3", VsRaw: 0.8, MaxRSS: 200 << 20, Median: 2 * time.Second},
		{Name: "kq-pertask", VsRaw: 0.8, MaxRSS: 200 << 20, Median: 2 * time.Second},
		{Name: "kq-incremental", VsRaw: 0.3, MaxRSS: 150 << 20, Median: 600 * time.Millisecond},
		{Name: "kq-delta", VsRaw: 0.4, MaxRSS: 150 << 20, Median: 450 * time.Millisecond},
	}, Bound: &CompressionBound{Ceiling: 0.91}}
	got := map[string]bool{}
	for _, tg := range r.Targets() {
		got[tg.What] = tg.Met
	}
	want := map[string]bool{
		"kq-count ≥ 1.00× raw": true, "kq-groupby ≥ 1.00× raw": true, "kq-groupby ≥ 2.00× kcat": false,
		"kq-parquet ≥ 0.75× raw (zstd)": false, "kq-pertask ≥ 0.75× raw (zstd)": true, "kq-pertask-s3 ≥ 0.75× raw (zstd)": true,
		"kq-incremental (a 10 % delta) time ≤ 1.25× kq-delta's (the same records by their offsets)": false,
		"kq-delta peak RSS < 256 MiB": true,
		"kq-count peak RSS < 256 MiB": true, "kq-groupby peak RSS < 256 MiB": true, "kq-parquet peak RSS < 256 MiB": false,
		"kq-pertask peak RSS < 256 MiB": true, "kq-pertask-s3 peak RSS < 256 MiB": true, "kq-incremental peak RSS < 256 MiB": true,
	}
	if len(got) != len(want) {
		t.Errorf("targets %v, want %v", got, want)
	}
	for what, met := range want {
		if m, ok := got[what]; !ok || m != met {
			t.Errorf("%s: met %v (present %v), want %v", what, m, ok, met)
		}
	}
	var b strings.Builder
	r.printTargets(&b)
	for _, line := range []string{"| kq-parquet ≥ 0.75× raw (zstd) | 0.74× (bound 0.91×) | not met |", "Compression bound (measured on kq-parquet's file): "} {
		if !strings.Contains(b.String(), line) {
			t.Errorf("printed without %q:\n%s", line, b.String())
		}
	}
	// Without kcat (not installed) its targets are left out.
	r = &Report{Results: []Result{{Name: "raw"}, {Name: "kq-count", VsRaw: 0.9, MaxRSS: 100 << 20}}}
	ts := r.Targets()
	if len(ts) != 2 || ts[0].Met || !ts[1].Met {
		t.Errorf("without kcat: %+v", ts)
	}
	b.Reset()
	r.printTargets(&b)
	if !strings.Contains(b.String(), "| kq-count ≥ 1.00× raw | 0.90× | not met |") || !strings.Contains(b.String(), "1 of 2 targets met.") {
		t.Errorf("printed:\n%s", b.String())
	}
}

// TestFlatTargets: with a baseline report of another topic size, each kq
// measurement in both is checked for a peak RSS that grows by at most
// MaxRSSGrowth from the smaller topic to the larger, whichever report is
// the baseline; measurements in one report only, and those whose work is
// a share of the topic (kq-delta), are left out.
func TestFlatTargets(t *testing.T) {
	small := &Report{Seed: SeedStats{Records: 2_000_000}, Results: []Result{
		{Name: "raw", MaxRSS: 60 << 20},
		{Name: "kq-filter", MaxRSS: 208 << 20},
		{Name: "kq-parquet", MaxRSS: 200 << 20},
		{Name: "kq-avro", MaxRSS: 190 << 20},
		{Name: "kq-delta", MaxRSS: 160 << 20, Records: 200_000},
	}}
	large := &Report{Seed: SeedStats{Records: 10_000_000}, Results: []Result{
		{Name: "raw", MaxRSS: 90 << 20},
		{Name: "kq-filter", MaxRSS: 212 << 20},
		{Name: "kq-parquet", MaxRSS: 240 << 20},
		{Name: "kq-delta", MaxRSS: 215 << 20, Records: 1_000_000},
	}}
	for _, r := range []*Report{{Seed: large.Seed, Results: large.Results, Baseline: small}, {Seed: small.Seed, Results: small.Results, Baseline: large}} {
		got := map[string]string{}
		for _, tg := range r.flatTargets() {
			got[tg.What] = fmt.Sprintf("%s %v", tg.Got, tg.Met)
		}
		want := map[string]string{
			"kq-filter peak RSS flat from 2M to 10M records (≤ +32 MiB)":  "208 → 212 MiB true",
			"kq-parquet peak RSS flat from 2M to 10M records (≤ +32 MiB)": "200 → 240 MiB false",
		}
		if !maps.Equal(got, want) {
			t.Errorf("flat targets %v, want %v", got, want)
		}
	}
	if ts := (&Report{Seed: small.Seed, Results: small.Results, Baseline: small}).flatTargets(); ts != nil {
		t.Errorf("a baseline of the same size: %v", ts)
	}
}

// TestBoundFinish: the export's floor is the raw loop's CPU, the broker's
// and zstd's over the cores, and the ceiling the raw loop's time over it;
// no bound without a measurement or a raw loop.
func TestBoundFinish(t *testing.T) {
	raw := Result{Name: "raw", Median: 1200 * time.Millisecond, CPU: time.Second, BrokerCPU: 200 * time.Millisecond}
	s := boundState{got: &parquet.Bound{PageBytes: 311e6, Compressed: 38e6, CPU: 600 * time.Millisecond}}
	b := s.finish([]Result{raw, {Name: "kq-parquet"}}, 2)
	if b == nil || b.Floor != 900*time.Millisecond || fmt.Sprintf("%.3f", b.Ceiling) != "1.333" {
		t.Fatalf("bound %+v, want a floor of 0.9 s and a ceiling of 1.333", b)
	}
	if !strings.Contains(b.String(), "0.60 core-s over the file's 311 MB of pages (0.30 s on 2 cores)") {
		t.Errorf("printed %q", b.String())
	}
	if (&boundState{}).finish([]Result{raw}, 2) != nil || s.finish([]Result{{Name: "kq-parquet"}}, 2) != nil {
		t.Error("a bound without a measurement or without the raw loop")
	}
}
