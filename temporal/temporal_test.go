package temporal_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/internal/bench"
	"github.com/kq-sql/kq/internal/kafkatest"
	"github.com/kq-sql/kq/internal/s3test"
	"github.com/kq-sql/kq/internal/storagetest"
	"github.com/kq-sql/kq/internal/temporaltest"
	"github.com/kq-sql/kq/temporal"
)

func quietLogger() sdklog.Logger {
	return sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})))
}

// startWorkers starts n worker processes (this test binary, see
// TestMain) serving queue, each running one task at a time; they are
// stopped with the test. It returns their processes.
func startWorkers(t *testing.T, n int, srv *temporaltest.Server, brokers, queue string) []*exec.Cmd {
	t.Helper()
	var cmds []*exec.Cmd
	for range n {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), workerEnv+"=1", workerBrokersEnv+"="+brokers, workerTemporalEnv+"="+srv.Address, workerQueueEnv+"="+queue, workerConcEnv+"=1")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		t.Cleanup(func() {
			cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				cmd.Process.Kill()
				<-done
			}
		})
		cmds = append(cmds, cmd)
	}
	return cmds
}

// sameExport checks that directories a (a local export) and b (the same
// export through Temporal) hold the same manifests and the same parts,
// byte for byte — the same part names, and so the same rows per part and
// the same manifest ranges — and nothing else.
func sameExport(t *testing.T, a, b string) {
	t.Helper()
	names := storagetest.Same(t, a, b)
	manifests := 0
	for _, n := range names {
		if strings.HasSuffix(n, ".json") {
			manifests++
		}
	}
	if manifests == 0 || len(names) < 4 {
		t.Fatalf("export holds %v", names)
	}
}

// fixture is a demo-shaped bulk topic on a kfake cluster, a dev server,
// and an engine of the submitting side.
type fixture struct {
	c   *kafkatest.Cluster
	srv *temporaltest.Server
	tc  client.Client
	eng *kq.Engine
}

func newFixture(t *testing.T, records int64) *fixture {
	t.Helper()
	srv := temporaltest.New(t)
	c := kafkatest.New(t)
	if _, err := bench.Seed(context.Background(), c, "bulk", 4, records); err != nil {
		t.Fatal(err)
	}
	eng, err := kq.Open(kq.WithBrokers(c.ListenAddrs()...), kq.WithWorkers(2))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	return &fixture{c: c, srv: srv, tc: srv.Client(t), eng: eng}
}

const bulkSelect = "SELECT partition, offset, timestamp, key, order_id, customer, amount, status FROM kafka('bulk') WITH (valueFormat='json', minPartitions=10)"

// TestExportThreeWorkers: an export of a demo-shaped bulk topic run by
// three worker processes through the dev server equals the local export
// (same parts byte for byte, same manifest); so does one during which a
// worker is SIGKILLed in the middle of a task (its task times out on
// its heartbeat and runs again on another worker), and an incremental
// export across two runs with records produced between them.
func TestExportThreeWorkers(t *testing.T) {
	f := newFixture(t, 40000)
	ctx := context.Background()
	workers := startWorkers(t, 3, f.srv, f.c.Brokers(), "three")
	opts := []temporal.Option{temporal.WithTaskQueue("three"), temporal.WithHeartbeatTimeout(3 * time.Second)}

	t.Run("export", func(t *testing.T) {
		local, remote := filepath.Join(t.TempDir(), "local"), filepath.Join(t.TempDir(), "temporal")
		ex, err := temporal.Submit(ctx, f.tc, f.eng, "COPY ("+bulkSelect+") TO '"+remote+"' (PER_TASK true)", opts...)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.eng.Exec(ctx, "COPY ("+bulkSelect+") TO '"+local+"' (PER_TASK true)"); err != nil {
			t.Fatal(err)
		}
		var last kq.Progress
		res, err := ex.Wait(ctx, 200*time.Millisecond, func(p kq.Progress) { last = p })
		if err != nil {
			t.Fatal(err)
		}
		if res.Rows != 40000 || res.Parts != 10 || !last.Done || last.Tasks != 0 && last.TasksDone != last.Tasks {
			t.Fatalf("result %+v, last progress %+v", res, last)
		}
		sameExport(t, local, remote)
	})

	t.Run("worker killed", func(t *testing.T) {
		local, remote := filepath.Join(t.TempDir(), "local"), filepath.Join(t.TempDir(), "temporal")
		sql := "COPY (" + strings.Replace(bulkSelect, "minPartitions=10", "minPartitions=12", 1) + ") TO '%s' (PER_TASK true)"
		ex, err := temporal.Submit(ctx, f.tc, f.eng, fmt.Sprintf(sql, remote), opts...)
		if err != nil {
			t.Fatal(err)
		}
		victim := killOnTask(t, ex, workers)
		if _, err := f.eng.Exec(ctx, fmt.Sprintf(sql, local)); err != nil {
			t.Fatal(err)
		}
		if _, err := ex.Wait(ctx, 0, nil); err != nil {
			t.Fatal(err)
		}
		sameExport(t, local, remote)
		if retried := retriedTasks(t, f.tc, ex.ID); retried == 0 {
			t.Errorf("no task ran twice after worker %d was killed", victim)
		}
	})

	t.Run("incremental", func(t *testing.T) {
		local, remote := filepath.Join(t.TempDir(), "local"), filepath.Join(t.TempDir(), "temporal")
		sql := "COPY (" + bulkSelect + ") TO '%s' (INCREMENTAL true)"
		for run := range 2 {
			if run > 0 {
				more := kafkatest.Records("bulk", []int{1500, 1000, 700, 0}, func(p int32, i int) *kgo.Record {
					n := int64(100000*(p+1) + int32(i))
					return &kgo.Record{Key: bench.OrderKey(nil, n), Value: bench.OrderValue(nil, n)}
				})
				if err := f.c.Produce(ctx, more...); err != nil {
					t.Fatal(err)
				}
			}
			ex, err := temporal.Submit(ctx, f.tc, f.eng, fmt.Sprintf(sql, remote), opts...)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ex.Wait(ctx, 0, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := f.eng.Exec(ctx, fmt.Sprintf(sql, local)); err != nil {
				t.Fatal(err)
			}
		}
		sameExport(t, local, remote)
		if _, err := os.Stat(filepath.Join(remote, "_kq_manifests", fmt.Sprintf("%020d.json", 2))); err != nil {
			t.Fatal(err)
		}
	})
}

// killOnTask SIGKILLs the first worker process seen running a task of
// ex, and returns its pid.
func killOnTask(t *testing.T, ex *temporal.Export, workers []*exec.Cmd) int {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		st, err := ex.Status(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !st.Running() {
			t.Fatalf("the export ended (%s) before a worker could be killed mid-task", st.State)
		}
		for _, task := range st.Tasks {
			for _, w := range workers {
				if task.Worker == workerIdentity(w.Process.Pid) {
					if err := w.Process.Signal(syscall.SIGKILL); err != nil {
						t.Fatal(err)
					}
					t.Logf("killed worker %d in the middle of a task (%d of %d offsets)", w.Process.Pid, task.Offsets, task.EstimatedRows)
					return w.Process.Pid
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("no worker was seen running a task")
	return 0
}

// retriedTasks counts the task activities of workflow id that started
// more than once.
func retriedTasks(t *testing.T, c client.Client, id string) int {
	t.Helper()
	it := c.GetWorkflowHistory(context.Background(), id, "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	n := 0
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if a := ev.GetActivityTaskStartedEventAttributes(); a != nil && a.GetAttempt() > 1 {
			n++
		}
	}
	return n
}

// TestEmbeddedWorkerPermanentFailure: a worker embedded in this process
// runs an export whose records were deleted after it was planned
// (failOnDataLoss): the task fails once, without retries, and the
// workflow fails with the data loss error and writes no manifest.
func TestEmbeddedWorkerPermanentFailure(t *testing.T) {
	f := newFixture(t, 2000)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w, err := temporal.NewWorker(f.tc, f.eng, temporal.WithTaskQueue("embedded"), temporal.WithConcurrency(2))
	if err != nil {
		t.Fatal(err)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- w.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-stopped; err != nil {
			t.Error(err)
		}
	}()

	dir := filepath.Join(t.TempDir(), "lost")
	j, err := f.eng.PlanJob(ctx, "COPY (SELECT offset, value FROM kafka('bulk')) TO '"+dir+"' (PER_TASK true)")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.c.DeleteRecords(ctx, kadm.Offsets{"bulk": {1: {Topic: "bulk", Partition: 1, At: 100, LeaderEpoch: -1}}}); err != nil {
		t.Fatal(err)
	}
	ex, err := temporal.SubmitJob(ctx, f.tc, j, temporal.WithTaskQueue("embedded"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = ex.Wait(ctx, 0, nil)
	var te *temporal.Error
	if !errors.As(err, &te) || te.Type != temporal.ErrTypeDataLoss || !strings.Contains(err.Error(), "bulk") {
		t.Fatalf("export with lost records: %v, want a %s error", err, temporal.ErrTypeDataLoss)
	}
	if _, err := os.Stat(filepath.Join(dir, "_kq_manifest.json")); !os.IsNotExist(err) {
		t.Fatalf("a failed export wrote its manifest (%v)", err)
	}
	if n := retriedTasks(t, f.tc, ex.ID); n != 0 {
		t.Fatalf("a permanent failure was retried %d times", n)
	}
	st, err := ex.Status(ctx)
	if err != nil || st.State != "Failed" || st.Err == nil {
		t.Fatalf("status %+v, %v", st, err)
	}
	b, _ := json.Marshal(st.Progress)
	t.Logf("final progress %s", b)
}

// TestRefusedCredentialsFailExport: a worker whose SASL password the
// cluster refuses fails its task without retries, and the export fails
// with a credentials error naming the brokers (and not the password),
// with no manifest.
func TestRefusedCredentialsFailExport(t *testing.T) {
	const user, secret = "exporter", "right-Pa55word"
	srv := temporaltest.New(t)
	auth, err := kafkatest.SASL(kq.SASLScramSHA256, user, secret)
	if err != nil {
		t.Fatal(err)
	}
	c, err := kafkatest.Start([]kfake.Opt{kfake.EnableSASL(), kfake.Superuser(kq.SASLScramSHA256, user, secret), kfake.SeedTopics(2, "events")}, auth)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Produce(context.Background(), kafkatest.Records("events", []int{20, 20}, func(int32, int) *kgo.Record {
		return &kgo.Record{Value: []byte("x")}
	})...); err != nil {
		t.Fatal(err)
	}
	open := func(password string) *kq.Engine {
		eng, err := kq.Open(kq.WithBrokers(c.ListenAddrs()...), kq.WithSASL(kq.SASLScramSHA256, user, password), kq.WithTimeout(5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { eng.Close() })
		return eng
	}
	submitter, worker := open(secret), open("wrong-"+secret)
	tc := srv.Client(t)
	ctx, cancel := context.WithCancel(context.Background())
	w, err := temporal.NewWorker(tc, worker, temporal.WithTaskQueue("creds"))
	if err != nil {
		t.Fatal(err)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- w.Run(ctx) }()
	defer func() { cancel(); <-stopped }()

	dir := filepath.Join(t.TempDir(), "events")
	ex, err := temporal.Submit(ctx, tc, submitter, "COPY (SELECT offset, value FROM kafka('events')) TO '"+dir+"' (PER_TASK true)", temporal.WithTaskQueue("creds"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = ex.Wait(ctx, 0, nil)
	var te *temporal.Error
	if !errors.As(err, &te) || te.Type != temporal.ErrTypeCredentials || !strings.Contains(err.Error(), c.ListenAddrs()[0]) || strings.Contains(err.Error(), secret) {
		t.Fatalf("export with refused credentials: %v, want a %s error naming the brokers", err, temporal.ErrTypeCredentials)
	}
	if n := retriedTasks(t, tc, ex.ID); n != 0 {
		t.Fatalf("refused credentials were retried %d times", n)
	}
	if _, err := os.Stat(filepath.Join(dir, "_kq_manifest.json")); !os.IsNotExist(err) {
		t.Fatalf("a failed export wrote its manifest (%v)", err)
	}
}

// TestExportToObjectStorage: worker processes writing to shared object
// storage (the S3 test server; the workers get its endpoint and keys
// from their environment, not from the workflow) produce the objects of
// the local export to S3, byte for byte, and leave no upload.
func TestExportToObjectStorage(t *testing.T) {
	s3 := s3test.New(t) // before the workers: they inherit its environment
	f := newFixture(t, 12000)
	startWorkers(t, 2, f.srv, f.c.Brokers(), "s3")
	ctx := context.Background()
	bucket := s3.Bucket(t)
	sql := "COPY (" + bulkSelect + ") TO 's3://" + bucket + "/%s/' (INCREMENTAL true)"
	ex, err := temporal.Submit(ctx, f.tc, f.eng, fmt.Sprintf(sql, "temporal"), temporal.WithTaskQueue("s3"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ex.Wait(ctx, 0, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.Exec(ctx, fmt.Sprintf(sql, "local")); err != nil {
		t.Fatal(err)
	}
	if names := storagetest.Same(t, "s3://"+bucket+"/local/", "s3://"+bucket+"/temporal/"); len(names) != 11 {
		t.Fatalf("local export and Temporal's %d objects, want 11: %v", len(names), names)
	}
}

// TestRefusedStoreCredentialsFailExport: workers whose object store keys
// are wrong (the submitter's are right, so planning succeeds) fail their
// tasks without retries, and the export fails with a credentials error
// that does not show the key, with no manifest and no upload left.
func TestRefusedStoreCredentialsFailExport(t *testing.T) {
	const wrong = "wrong-store-secret-value"
	s3 := s3test.New(t)
	f := newFixture(t, 2000)
	t.Setenv("AWS_SECRET_ACCESS_KEY", wrong) // the workers' environment
	startWorkers(t, 1, f.srv, f.c.Brokers(), "s3-creds")
	t.Setenv("AWS_SECRET_ACCESS_KEY", s3test.SecretKey) // the submitter's
	ctx := context.Background()
	bucket := s3.Bucket(t)
	ex, err := temporal.Submit(ctx, f.tc, f.eng, "COPY ("+bulkSelect+") TO 's3://"+bucket+"/out/' (PER_TASK true)", temporal.WithTaskQueue("s3-creds"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = ex.Wait(ctx, 0, nil)
	var te *temporal.Error
	if !errors.As(err, &te) || te.Type != temporal.ErrTypeCredentials || !strings.Contains(err.Error(), "s3://"+bucket+"/out/") || strings.Contains(err.Error(), wrong) {
		t.Fatalf("export with refused store credentials: %v, want a %s error naming the destination", err, temporal.ErrTypeCredentials)
	}
	if n := retriedTasks(t, f.tc, ex.ID); n != 0 {
		t.Fatalf("refused store credentials were retried %d times", n)
	}
	if objs := storagetest.Objects(t, "s3://"+bucket+"/out/"); len(objs) > 0 {
		t.Errorf("a failed export left objects: %v", slices.Collect(maps.Keys(objs)))
	}
}

// TestMaxRunningTasks: with WithMaxRunningTasks(2) the workflow never
// has more than two task activities scheduled and not yet closed, and the
// export is whole; an export of more than MaxTasks tasks is refused
// before a workflow starts.
func TestMaxRunningTasks(t *testing.T) {
	f := newFixture(t, 12000)
	w, err := temporal.NewWorker(f.tc, f.eng, temporal.WithTaskQueue("window"), temporal.WithConcurrency(4))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- w.Run(ctx) }()
	defer func() { cancel(); <-stopped }()

	dir := filepath.Join(t.TempDir(), "out") + "/"
	ex, err := temporal.Submit(ctx, f.tc, f.eng, "COPY ("+bulkSelect+") TO '"+dir+"' (PER_TASK true)", temporal.WithTaskQueue("window"), temporal.WithMaxRunningTasks(2))
	if err != nil {
		t.Fatal(err)
	}
	res, err := ex.Wait(ctx, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 12000 {
		t.Fatalf("exported %d rows, want 12000", res.Rows)
	}
	it := f.tc.GetWorkflowHistory(ctx, ex.ID, "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	open, most, scheduled := map[int64]bool{}, 0, 0
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil && a.GetActivityType().GetName() == "kq.RunTask" {
			open[ev.GetEventId()] = true
			scheduled++
			most = max(most, len(open))
		}
		for _, id := range []int64{ev.GetActivityTaskCompletedEventAttributes().GetScheduledEventId(), ev.GetActivityTaskFailedEventAttributes().GetScheduledEventId(), ev.GetActivityTaskTimedOutEventAttributes().GetScheduledEventId(), ev.GetActivityTaskCanceledEventAttributes().GetScheduledEventId()} {
			delete(open, id)
		}
	}
	if most != 2 || scheduled < 10 {
		t.Errorf("%d task activities, at most %d scheduled at once; want at least 10, at most 2", scheduled, most)
	}

	big := "COPY (SELECT offset FROM kafka('bulk') WITH (minPartitions=" + fmt.Sprint(temporal.MaxTasks+1) + ")) TO '" + filepath.Join(t.TempDir(), "big") + "/' (PER_TASK true)"
	if _, err := temporal.Submit(ctx, f.tc, f.eng, big, temporal.WithTaskQueue("window")); err == nil || !strings.Contains(err.Error(), "job array") {
		t.Errorf("an export of more than MaxTasks tasks: %v, want it refused", err)
	}
	if _, err := temporal.Submit(ctx, f.tc, f.eng, "COPY ("+bulkSelect+") TO '"+dir+"' (PER_TASK true)", temporal.WithMaxRunningTasks(2001)); err == nil {
		t.Error("WithMaxRunningTasks(2001) accepted")
	}
}
