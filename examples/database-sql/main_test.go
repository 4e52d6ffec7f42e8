package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/demo"
)

func TestRun(t *testing.T) {
	ctx := context.Background()
	d, err := demo.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var out bytes.Buffer
	total, err := run(ctx, &out, d.Brokers(), "paid")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 9 || lines[0] != "country\torders\tamount\tlatest" || !strings.HasPrefix(lines[1], "BR\t") {
		t.Fatalf("output:\n%s", out.String())
	}
	// The same count through kq's own API, the value written as a literal.
	eng, err := kq.Open(kq.WithBrokers(d.Addrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	rr, err := eng.Query(ctx, "SELECT COUNT(*) FROM kafka('orders') WITH (valueFormat='json') WHERE status = 'paid'")
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Release()
	if !rr.Next() {
		t.Fatal(rr.Err())
	}
	if want, _ := rr.RecordBatch().Column(0).GetOneForMarshal(0).(int64); total != want || want == 0 {
		t.Fatalf("paid orders: %d through database/sql, %d through kq", total, want)
	}
}
