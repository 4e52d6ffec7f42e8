package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
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
		{Name: "kq-groupby", VsRaw: 0.87, VsKcat: 1.9, MaxRSS: 158 << 20},
		{Name: "kq-parquet", VsRaw: 0.49, VsKcat: 0.92, MaxRSS: 256 << 20},
	}}
	got := map[string]bool{}
	for _, tg := range r.Targets() {
		got[tg.What] = tg.Met
	}
	want := map[string]bool{
		"kq-count ≥ 1.00× raw": true, "kq-groupby ≥ 0.50× raw": true, "kq-parquet ≥ 0.50× raw": false,
		"kq-count ≥ 2.00× kcat": true, "kq-groupby ≥ 2.00× kcat": false, "kq-parquet ≥ 2.00× kcat": false,
		"kq-count peak RSS < 256 MiB": true, "kq-groupby peak RSS < 256 MiB": true, "kq-parquet peak RSS < 256 MiB": false,
	}
	if len(got) != len(want) {
		t.Errorf("targets %v, want %v", got, want)
	}
	for what, met := range want {
		if m, ok := got[what]; !ok || m != met {
			t.Errorf("%s: met %v (present %v), want %v", what, m, ok, met)
		}
	}
	// Without kcat (not installed) its targets are left out.
	r = &Report{Results: []Result{{Name: "raw"}, {Name: "kq-count", VsRaw: 0.9, MaxRSS: 100 << 20}}}
	ts := r.Targets()
	if len(ts) != 2 || ts[0].Met || !ts[1].Met {
		t.Errorf("without kcat: %+v", ts)
	}
	var b strings.Builder
	r.printTargets(&b)
	if !strings.Contains(b.String(), "| kq-count ≥ 1.00× raw | 0.90× | not met |") || !strings.Contains(b.String(), "1 of 2 targets met.") {
		t.Errorf("printed:\n%s", b.String())
	}
}
