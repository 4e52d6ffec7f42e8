package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/internal/kafkatest"
)

// slowBroker is a kafkatest cluster with topic "slow" (2 partitions of 500
// records) whose fetches, once armed, pass a few and then hang until the
// test ends, so that a statement is caught in the middle of its scan.
type slowBroker struct {
	c       *kafkatest.Cluster
	fetches atomic.Int64                  // fetches seen since arm
	pass    atomic.Int64                  // fetches to let through before hanging; <0: disarmed
	hanging atomic.Pointer[chan struct{}] // closed when a fetch first hangs
	once    atomic.Pointer[sync.Once]
}

func newSlowBroker(t *testing.T) *slowBroker {
	t.Helper()
	c := kafkatest.New(t, kfake.SeedTopics(2, "slow"))
	recs := kafkatest.Records("slow", []int{500, 500}, func(_ int32, i int) *kgo.Record {
		return &kgo.Record{Value: fmt.Appendf(nil, `{"i":%d}`, i)}
	})
	if err := c.Produce(context.Background(), recs...); err != nil {
		t.Fatal(err)
	}
	b := &slowBroker{c: c}
	b.pass.Store(-1)
	done := make(chan struct{})
	t.Cleanup(func() { close(done) }) // runs before c.Close: wakes hanging fetches
	c.ControlKey(int16(kmsg.Fetch), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		pass := b.pass.Load()
		if pass < 0 || b.fetches.Add(1) <= pass {
			return nil, nil, false
		}
		b.once.Load().Do(func() { close(*b.hanging.Load()) })
		c.SleepControl(func() {
			select {
			case <-done:
			case <-time.After(30 * time.Second):
			}
		})
		return nil, nil, false
	})
	return b
}

// arm makes the fetches after the next pass ones hang, and returns a
// channel closed when the first one hangs.
func (b *slowBroker) arm(pass int64) <-chan struct{} {
	ch := make(chan struct{})
	b.hanging.Store(&ch)
	b.once.Store(new(sync.Once))
	b.fetches.Store(0)
	b.pass.Store(pass)
	return ch
}

func (b *slowBroker) disarm() { b.pass.Store(-1) }

// TestInterrupt runs kq as a subprocess on a query, a Parquet export (one
// file and PER_TASK) and an INSERT into a --db file, sends SIGINT or
// SIGTERM once the scan hangs at the broker, and checks that kq exits
// within a second with "kq: interrupted" and status 1, leaving no file,
// part or row behind.
func TestInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: this test runs kq as subprocesses")
	}
	b := newSlowBroker(t)
	brokers := b.c.Brokers()
	dir := t.TempDir()
	db := filepath.Join(dir, "kq.duckdb")

	// The table the INSERT goes into, with 500 rows.
	eng, err := kq.Open(kq.WithBrokers(brokers), kq.WithDB(db))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Exec(context.Background(), `CREATE TABLE t AS SELECT partition, offset FROM kafka('slow') WHERE partition = 0`); err != nil {
		t.Fatal(err)
	}
	eng.Close()
	tableRows := func() string {
		eng, err := kq.Open(kq.WithBrokers(brokers), kq.WithDB(db))
		if err != nil {
			t.Fatal(err)
		}
		defer eng.Close()
		rr, err := eng.Query(context.Background(), `SELECT COUNT(*), SUM(offset) FROM t`)
		if err != nil {
			t.Fatal(err)
		}
		defer rr.Release()
		var out []string
		for rr.Next() {
			rec := rr.RecordBatch()
			for i := range int(rec.NumRows()) {
				out = append(out, rec.Column(0).(*array.Int64).ValueStr(i)+"|"+rec.Column(1).ValueStr(i))
			}
		}
		return strings.Join(out, ";")
	}
	before := tableRows()
	if before != "500|124750" {
		t.Fatalf("table t holds %s", before)
	}

	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		for _, tc := range []struct {
			name string
			args func(out string) []string
		}{
			{"query", func(out string) []string {
				return []string{"-o", filepath.Join(out, "rows.csv"), "SELECT partition, COUNT(*), SUM(octet_length(value)) FROM kafka('slow') WITH (maxRecordsPerPartition=50) GROUP BY partition"}
			}},
			{"parquet file", func(out string) []string {
				return []string{fmt.Sprintf("COPY (SELECT partition, offset, value FROM kafka('slow') WITH (maxRecordsPerPartition=50)) TO '%s' (FORMAT parquet)", filepath.Join(out, "o.parquet"))}
			}},
			{"parquet per task", func(out string) []string {
				return []string{fmt.Sprintf("COPY (SELECT partition, offset, value FROM kafka('slow') WITH (maxRecordsPerPartition=50)) TO '%s' (FORMAT parquet, PER_TASK true)", filepath.Join(out, "parts"))}
			}},
			{"insert", func(string) []string {
				return []string{"--db", db, "INSERT INTO t SELECT partition, offset FROM kafka('slow') WITH (maxRecordsPerPartition=50)"}
			}},
		} {
			t.Run(sig.String()+"/"+tc.name, func(t *testing.T) {
				out := filepath.Join(dir, strings.ReplaceAll(sig.String()+"-"+tc.name, " ", "-"))
				if err := os.Mkdir(out, 0o755); err != nil {
					t.Fatal(err)
				}
				// Two fetches pass (the first tasks finish: PER_TASK
				// commits their parts), then the scan hangs.
				hanging := b.arm(2)
				defer b.disarm()
				cmd := exec.Command(os.Args[0], append([]string{"-b", brokers, "--workers", "2"}, tc.args(out)...)...)
				cmd.Env = append(os.Environ(), "KQ_TEST_MAIN=1")
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				exited := make(chan error, 1)
				go func() { exited <- cmd.Wait() }()
				select {
				case <-hanging:
				case err := <-exited:
					t.Fatalf("kq exited before its scan hung: %v\nstderr: %s", err, stderr.String())
				case <-time.After(60 * time.Second):
					cmd.Process.Kill()
					t.Fatalf("the scan never reached the broker; stderr: %s", stderr.String())
				}
				time.Sleep(100 * time.Millisecond) // let the hang settle in
				sent := time.Now()
				if err := cmd.Process.Signal(sig); err != nil {
					t.Fatalf("%v; kq: %v; stdout %q, stderr %q", err, <-exited, stdout.String(), stderr.String())
				}
				var werr error
				select {
				case werr = <-exited:
				case <-time.After(30 * time.Second):
					cmd.Process.Kill()
					t.Fatalf("kq did not exit 30 s after %v", sig)
				}
				took := time.Since(sent)
				var ee *exec.ExitError
				if !errors.As(werr, &ee) || ee.ExitCode() != exitError {
					t.Errorf("exit: %v, want status %d", werr, exitError)
				}
				if took > time.Second {
					t.Errorf("kq took %v to exit after %v", took, sig)
				}
				if stderr.String() != "kq: interrupted\n" || stdout.Len() != 0 {
					t.Errorf("stdout %q, stderr %q; want only \"kq: interrupted\"", stdout.String(), stderr.String())
				}
				var left []string
				filepath.Walk(out, func(path string, info os.FileInfo, err error) error {
					if err == nil && !info.IsDir() {
						left = append(left, strings.TrimPrefix(path, out))
					}
					return nil
				})
				if len(left) > 0 {
					t.Errorf("interrupted statement left %v", left)
				}
				b.disarm()
				if got := tableRows(); got != before {
					t.Errorf("table t holds %s after the interrupt, want %s", got, before)
				}
				t.Logf("exited %v after %v", took.Round(time.Millisecond), sig)
			})
		}
	}
}
