package kq_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/internal/kafkatest"
)

// Environment of TestExportChild, the child process the SIGKILL tests
// run an export in.
const (
	childEnv              = "KQ_TEST_EXPORT_CHILD"
	childBrokersEnv       = "KQ_TEST_EXPORT_BROKERS"
	childSQLEnv           = "KQ_TEST_EXPORT_SQL"
	childKillAtManifestEv = "KQ_TEST_EXPORT_KILL_BEFORE_MANIFEST"
)

// TestExportChild runs one export when started by runChild (it does
// nothing in a normal test run). With childKillAtManifestEv it kills
// itself with SIGKILL once every task has committed its parts, before the
// manifest is written; otherwise the parent kills it.
func TestExportChild(t *testing.T) {
	if os.Getenv(childEnv) != "1" {
		t.Skip("the child process of the SIGKILL tests")
	}
	eng, err := kq.Open(kq.WithBrokers(os.Getenv(childBrokersEnv)), kq.WithWorkers(1))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	ctx := context.Background()
	if os.Getenv(childKillAtManifestEv) == "1" {
		ctx = kq.TrackProgress(ctx, func(p kq.Progress) {
			if p.Tasks > 0 && p.TasksDone == p.Tasks {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
			}
		})
	}
	if _, err := eng.Exec(ctx, os.Getenv(childSQLEnv)); err != nil {
		t.Fatal(err)
	}
}

// interruption is where an export is stopped: by cancelling its context
// (in this process) or by SIGKILL (of a child process running it).
type interruption struct {
	name string
	// fetches, when positive, stops the export at that fetch request of
	// its first partition: in the middle of its first part.
	fetches int
	// nextPartition stops it at the first fetch of a second partition:
	// the first task's part is committed, the second's not begun.
	nextPartition bool
	// beforeManifest stops it once every task has committed its part,
	// before the manifest.
	beforeManifest bool
}

var interruptions = []interruption{
	{name: "mid-part", fetches: 11},
	{name: "between-parts", nextPartition: true},
	{name: "before-manifest", beforeManifest: true},
}

// fetchTrap stops an export at the fetch requests an interruption names,
// calling stop once. It stays installed on the cluster; arm it for one
// export.
type fetchTrap struct {
	armed   atomic.Pointer[interruption]
	stop    atomic.Pointer[func()]
	fetches atomic.Int64
	first   atomic.Int64 // first partition fetched, +1
}

func newFetchTrap(c *kafkatest.Cluster) *fetchTrap {
	tr := &fetchTrap{}
	c.ControlKey(int16(kmsg.Fetch), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		in := tr.armed.Load()
		if in == nil {
			return nil, nil, false
		}
		// Only the export fetches while the trap is armed (requests name
		// topics by ID from Fetch v13 on, so the topic is not checked).
		for _, ft := range req.(*kmsg.FetchRequest).Topics {
			for _, fp := range ft.Partitions {
				p := int64(fp.Partition) + 1
				tr.first.CompareAndSwap(0, p)
				n := tr.fetches.Add(1)
				if (in.fetches > 0 && n == int64(in.fetches)) || (in.nextPartition && p != tr.first.Load()) {
					if stop := tr.stop.Swap(nil); stop != nil {
						(*stop)()
					}
				}
			}
		}
		return nil, nil, false
	})
	return tr
}

func (tr *fetchTrap) arm(in interruption, stop func()) {
	tr.fetches.Store(0)
	tr.first.Store(0)
	tr.stop.Store(&stop)
	tr.armed.Store(&in)
}

func (tr *fetchTrap) disarm() { tr.armed.Store(nil); tr.stop.Store(nil) }

// TestInterruptedExport: an incremental export stopped in the middle of a
// part, between parts, or before its manifest — by cancellation, and by
// SIGKILL of the process running it — leaves no visible half-written
// object and the previous state; running it again exports exactly the
// records an uninterrupted run does, and leaves no part outside a
// manifest and no multipart upload, locally and on the S3 server. The
// parts are large and incompressible (10 MiB per partition) so that on
// S3 the interrupted part is a multipart upload in progress: SIGKILL
// there leaves it behind, and the next run aborts it.
func TestInterruptedExport(t *testing.T) {
	c := kafkatest.New(t)
	ctx := context.Background()
	const topic = "big"
	if err := c.CreateTopic(ctx, topic, 2, nil); err != nil {
		t.Fatal(err)
	}
	// Of 1 KiB each, about 1000 per fetch (1 MiB): the first batch of
	// 8192 rows (8 MiB) reaches the part's writer during the 9th fetch,
	// so at the 11th the part is an upload of its first 5 MiB part.
	if err := c.Produce(ctx, kafkatest.Records(topic, []int{10000, 10000}, func(int32, int) *kgo.Record {
		return &kgo.Record{Value: randomValue(1 << 10)}
	})...); err != nil {
		t.Fatal(err)
	}
	trap := newFetchTrap(c)
	eng, err := kq.Open(kq.WithBrokers(c.ListenAddrs()...), kq.WithWorkers(1))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	source := fmt.Sprintf("kafka('%s') WITH (kafka.max.partition.fetch.bytes=1048576)", topic)
	want := querySet(t, eng, source)

	for name, dest := range exportDests(t) {
		for _, in := range interruptions {
			for _, mode := range []string{"cancel", "sigkill"} {
				t.Run(name+"/"+in.name+"/"+mode, func(t *testing.T) {
					loc := dest()
					sql := fmt.Sprintf("COPY (SELECT topic, partition, offset, value FROM %s) TO '%s' (INCREMENTAL true, ROW_GROUP_SIZE 256)", source, loc)
					if mode == "cancel" {
						rctx, cancel := context.WithCancel(ctx)
						defer cancel()
						if in.beforeManifest {
							rctx = kq.TrackProgress(rctx, func(p kq.Progress) {
								if p.Tasks > 0 && p.TasksDone == p.Tasks {
									cancel()
								}
							})
						} else {
							trap.arm(in, cancel)
						}
						_, err := eng.Exec(rctx, sql)
						trap.disarm()
						if !errors.Is(err, context.Canceled) {
							t.Fatalf("interrupted export: %v, want context.Canceled", err)
						}
						// A cancelled run cleans up after itself: nothing
						// at all is left.
						if got := exportedSet(t, loc); len(got) != 0 {
							t.Fatalf("a cancelled run committed %d records", len(got))
						}
					} else {
						runChild(t, c, trap, in, sql)
						// A killed run cannot clean up: whole parts of it
						// may be there, but no half-written object, and no
						// manifest of it.
						runs, uploads := visibleWhole(t, loc)
						if runs != 0 {
							t.Fatalf("a killed run committed run %d", runs)
						}
						if in.fetches > 0 && uploads == 0 {
							// Under load the child may finish its part
							// before the kill lands: the case then checks
							// a kill between writes, which must hold too.
							t.Logf("SIGKILL landed after the part was written (no upload left to clean up)")
						}
					}
					if _, err := eng.Exec(ctx, sql); err != nil {
						t.Fatal(err)
					}
					sameSets(t, exportedSet(t, loc), want)
				})
			}
		}
	}
}

// runChild runs sql in a child process (TestExportChild) and SIGKILLs it
// at interruption in (or has it kill itself before the manifest). It
// checks that the child died of SIGKILL.
func runChild(t *testing.T, c *kafkatest.Cluster, trap *fetchTrap, in interruption, sql string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestExportChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"=1", childBrokersEnv+"="+c.Brokers(), childSQLEnv+"="+sql)
	if in.beforeManifest {
		cmd.Env = append(cmd.Env, childKillAtManifestEv+"=1")
	}
	out, err := os.CreateTemp(t.TempDir(), "child-*.log")
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if !in.beforeManifest {
		trap.arm(in, func() { cmd.Process.Signal(syscall.SIGKILL) })
	}
	err = cmd.Wait()
	trap.disarm()
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		log, _ := os.ReadFile(out.Name())
		t.Fatalf("child was not killed: %v\n%s", err, log)
	}
}
