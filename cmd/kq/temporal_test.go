package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq/internal/kafkatest"
	"github.com/kq-sql/kq/internal/temporaltest"
)

// TestTemporalCommands: kq worker serves a task queue; kq --temporal
// runs an export on it and waits (printing its rows), --detach prints the
// workflow id, and kq status reports it; without --temporal, worker and
// status say what they need.
func TestTemporalCommands(t *testing.T) {
	srv := temporaltest.New(t)
	c := kafkatest.New(t)
	if err := c.CreateTopic(context.Background(), "clicks", 2, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Produce(context.Background(), kafkatest.Records("clicks", []int{500, 300}, func(p int32, i int) *kgo.Record {
		return &kgo.Record{Value: fmt.Appendf(nil, `{"n":%d}`, i)}
	})...); err != nil {
		t.Fatal(err)
	}
	flags := []string{"-b", c.Brokers(), "--temporal", srv.Address, "--task-queue", "cli", "--progress", "never"}

	ctx, cancel := context.WithCancel(context.Background())
	var werr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append(flags, "worker", "--concurrency", "2"), strings.NewReader(""), &werr, &werr)
	}()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("worker exit %d: %s", code, werr.String())
		}
	}()

	dir := filepath.Join(t.TempDir(), "clicks")
	sql := "COPY (SELECT partition, offset, n FROM kafka('clicks') WITH (valueFormat='json', minPartitions=4)) TO '" + dir + "' (PER_TASK true)"
	code, out, errs := runKQ(t, "", append(flags, sql)...)
	if code != 0 || out != "rows\n800\n" || !strings.Contains(errs, "submitted to "+srv.Address) {
		t.Fatalf("kq --temporal: exit %d, stdout %q, stderr %s\nworker: %s", code, out, errs, werr.String())
	}

	code, out, errs = runKQ(t, "", append(flags, "--detach", strings.Replace(sql, "minPartitions=4", "minPartitions=5", 1))...)
	id := strings.TrimSpace(out)
	if code != 0 || !strings.HasPrefix(id, "kq-export-") {
		t.Fatalf("--detach: exit %d, stdout %q, stderr %s", code, out, errs)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		code, out, errs = runKQ(t, "", append(flags, "status", id)...)
		if code != 0 {
			t.Fatalf("status: exit %d: %s", code, errs)
		}
		if strings.Contains(out, "Completed") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("status after a minute: %s", out)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !strings.Contains(out, "800 rows in 5 parts") {
		t.Fatalf("status: %s", out)
	}

	for _, args := range [][]string{{"worker"}, {"status", id}} {
		code, _, errs := runKQ(t, "", append([]string{"-b", c.Brokers()}, args...)...)
		if code == 0 || !strings.Contains(errs, "needs --temporal") {
			t.Errorf("kq %s without --temporal: exit %d: %s", args[0], code, errs)
		}
	}
}
