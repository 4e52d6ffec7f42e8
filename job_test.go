package kq_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/internal/export"
	"github.com/kq-sql/kq/internal/kafkatest"
	"github.com/kq-sql/kq/internal/s3test"
	"github.com/kq-sql/kq/internal/storagetest"
)

// jsonOrders produces n JSON orders per partition of a new topic whose
// fields change type within the topic (amount is an integer in the
// first records and a decimal later), so that a task's own sample would
// infer other types than the whole export's.
func jsonOrders(t *testing.T, c *kafkatest.Cluster, topic string, perPartition ...int) {
	t.Helper()
	ctx := context.Background()
	if err := c.CreateTopic(ctx, topic, len(perPartition), nil); err != nil {
		t.Fatal(err)
	}
	recs := kafkatest.Records(topic, perPartition, func(p int32, i int) *kgo.Record {
		amount := fmt.Sprint(i)
		if i > 200 {
			amount = fmt.Sprintf("%d.25", i)
		}
		return &kgo.Record{Key: fmt.Appendf(nil, "k%d", i%7), Value: fmt.Appendf(nil, `{"order_id":%d,"amount":%s,"status":"s%d"}`, i, amount, i%3)}
	})
	if err := c.Produce(ctx, recs...); err != nil {
		t.Fatal(err)
	}
}

// sameExport checks that directories a and b hold the same export: the
// same manifest, byte for byte, and the same part files, byte for byte
// (which gives the same rows per part).
func sameExport(t *testing.T, a, b string) {
	t.Helper()
	if names := storagetest.Same(t, a, b); len(names) < 2 {
		t.Fatalf("export holds %v", names)
	}
}

// planJob plans sql and reads the job back from its JSON, as a job
// array's processes do.
func planJob(t *testing.T, eng *kq.Engine, sql string) *kq.Job {
	t.Helper()
	j, err := eng.PlanJob(context.Background(), sql)
	if err != nil {
		t.Fatal(err)
	}
	b, err := j.JSON()
	if err != nil {
		t.Fatal(err)
	}
	j, err = kq.ReadJob(b, "job.json")
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// TestJobMatchesLocal: a job array's tasks, run in a random order, then
// each again, then all of them twice at once, and committed, give the
// same parts and manifest (byte for byte) as the local export of the
// same offsets — with JSON fields the tasks' own samples would type
// differently, an expression, and PARTITION_BY with FILE_SIZE_BYTES.
func TestJobMatchesLocal(t *testing.T) {
	c := kafkatest.New(t)
	jsonOrders(t, c, "orders", 900, 350, 40)
	eng, err := kq.Open(kq.WithBrokers(c.ListenAddrs()...), kq.WithWorkers(2))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	ctx := context.Background()
	for name, tc := range map[string]struct{ sel, opts string }{
		"projection":   {"topic, partition, offset, key, order_id, amount", "PER_TASK true"},
		"expression":   {"topic, partition, offset, amount * 2 AS twice, upper(status) AS s", "PER_TASK true, COMPRESSION snappy"},
		"partitioned":  {"topic, partition, offset, amount, status", "PARTITION_BY (status), FILE_SIZE_BYTES 4000, ROW_GROUP_SIZE 100"},
		"incremental1": {"topic, partition, offset, amount", "INCREMENTAL true"},
	} {
		t.Run(name, func(t *testing.T) {
			local, remote := filepath.Join(t.TempDir(), "local"), filepath.Join(t.TempDir(), "job")
			q := func(dir string) string {
				return fmt.Sprintf("COPY (SELECT %s FROM kafka('orders') WITH (valueFormat='json', jsonSampleSize=100, minPartitions=7)) TO '%s' (%s)", tc.sel, dir, tc.opts)
			}
			j := planJob(t, eng, q(remote))
			if _, err := eng.Exec(ctx, q(local)); err != nil {
				t.Fatal(err)
			}
			n := len(j.Tasks())
			if n < 7 {
				t.Fatalf("%d tasks", n)
			}
			for _, i := range rand.Perm(n) {
				if _, err := eng.RunJobTask(ctx, j, i); err != nil {
					t.Fatal(err)
				}
			}
			for i := range n {
				if _, err := eng.RunJobTask(ctx, j, i); err != nil {
					t.Fatal(err)
				}
			}
			var wg sync.WaitGroup
			errs := make(chan error, 2*n)
			for i := range 2 * n {
				wg.Go(func() {
					_, err := eng.RunJobTask(ctx, j, i%n)
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			res, err := eng.CommitJob(ctx, j)
			if err != nil {
				t.Fatal(err)
			}
			if res.Rows != 1290 {
				t.Fatalf("job committed %d rows, want 1290", res.Rows)
			}
			sameExport(t, local, remote)
		})
	}
}

// TestJobIncremental: two incremental runs through jobs, records
// produced between them, export exactly what one scan reads at the end,
// none twice; a job planned before another committed its run refuses
// to commit.
func TestJobIncremental(t *testing.T) {
	c := kafkatest.New(t)
	jsonOrders(t, c, "events", 30, 20)
	eng := openOn(t, c)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "nightly")
	sql := "COPY (SELECT topic, partition, offset, value FROM kafka('events') WITH (minPartitions=3)) TO '" + dir + "' (INCREMENTAL true)"
	runAll := func(j *kq.Job) {
		for i := range j.Tasks() {
			if _, err := eng.RunJobTask(ctx, j, i); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := eng.CommitJob(ctx, j); err != nil {
			t.Fatal(err)
		}
	}
	runAll(planJob(t, eng, sql))
	if err := c.Produce(ctx, kafkatest.Records("events", []int{5, 9}, func(p int32, i int) *kgo.Record {
		return &kgo.Record{Value: []byte("more")}
	})...); err != nil {
		t.Fatal(err)
	}
	second, stale := planJob(t, eng, sql), planJob(t, eng, sql)
	runAll(second)
	sameSets(t, exportedSet(t, dir), querySet(t, eng, "kafka('events')"))

	for i := range stale.Tasks() {
		if _, err := eng.RunJobTask(ctx, stale, i); err != nil {
			t.Fatal(err)
		}
	}
	_, err := eng.CommitJob(ctx, stale)
	if err == nil || !strings.Contains(err.Error(), "commits run 2") {
		t.Fatalf("commit of a stale job: %v, want a refusal naming run 2", err)
	}
	// The stale job's receipts are left; the next commit removes them.
	if err := c.Produce(ctx, &kgo.Record{Topic: "events", Partition: 1, Value: []byte("last")}); err != nil {
		t.Fatal(err)
	}
	runAll(planJob(t, eng, sql))
	sameSets(t, exportedSet(t, dir), querySet(t, eng, "kafka('events')"))
}

// TestJobCommitRefusesMissingParts: a commit with a task not run, or with
// a part deleted after its task ran, writes nothing and names what is
// missing.
func TestJobCommitRefusesMissingParts(t *testing.T) {
	c := kafkatest.New(t)
	jsonOrders(t, c, "orders", 50, 50)
	eng := openOn(t, c)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "out")
	j := planJob(t, eng, "COPY (SELECT offset, value FROM kafka('orders')) TO '"+dir+"' (PER_TASK true)")
	if len(j.Tasks()) != 2 {
		t.Fatalf("%d tasks", len(j.Tasks()))
	}
	if _, err := eng.RunJobTask(ctx, j, 0); err != nil {
		t.Fatal(err)
	}
	_, err := eng.CommitJob(ctx, j)
	var missing *export.MissingError
	if !errors.As(err, &missing) || !strings.Contains(err.Error(), "orders-1-0-50.parquet") {
		t.Fatalf("commit without task 1: %v, want it to name orders-1-0-50.parquet", err)
	}
	if _, err := eng.RunJobTask(ctx, j, 1); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "orders-0-0-50.parquet")); err != nil {
		t.Fatal(err)
	}
	_, err = eng.CommitJob(ctx, j)
	if err == nil || !strings.Contains(err.Error(), "orders-0-0-50.parquet") {
		t.Fatalf("commit with a part deleted: %v, want it to name orders-0-0-50.parquet", err)
	}
	if _, err := os.Stat(filepath.Join(dir, export.ManifestName)); !os.IsNotExist(err) {
		t.Fatalf("a refused commit wrote the manifest (%v)", err)
	}
	if _, err := eng.RunJobTask(ctx, j, 0); err != nil {
		t.Fatal(err)
	}
	if res, err := eng.CommitJob(ctx, j); err != nil || res.Rows != 100 {
		t.Fatalf("commit: %v, %+v", err, res)
	}
}

// TestJobDocumentHasNoSecret: the job document of an export read with
// SASL credentials and a Schema Registry password holds neither, nor the
// user; a document of another version, or edited, is refused with a
// message that says why.
func TestJobDocumentHasNoSecret(t *testing.T) {
	const secret, user = "s3cr3t-Pa55word", "job-analyst"
	auth, err := kafkatest.SASL(kq.SASLScramSHA256, user, secret)
	if err != nil {
		t.Fatal(err)
	}
	c, err := kafkatest.Start([]kfake.Opt{kfake.EnableSASL(), kfake.Superuser(kq.SASLScramSHA256, user, secret), kfake.SeedTopics(2, "events")}, auth)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Produce(context.Background(), kafkatest.Records("events", []int{10, 10}, func(int32, int) *kgo.Record {
		return &kgo.Record{Value: []byte(`{"a":1}`)}
	})...); err != nil {
		t.Fatal(err)
	}
	const regSecret = "r3g1stry-Pa55"
	eng, err := kq.Open(kq.WithBrokers(c.ListenAddrs()...), kq.WithSASL(kq.SASLScramSHA256, user, secret),
		kq.WithSchemaRegistry("http://127.0.0.1:1"), kq.WithSchemaRegistryAuth("reg-user", regSecret))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	j, err := eng.PlanJob(context.Background(), "COPY (SELECT offset, a FROM kafka('events') WITH (valueFormat='json')) TO '"+t.TempDir()+"' (PER_TASK true)")
	if err != nil {
		t.Fatal(err)
	}
	b, err := j.JSON()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{secret, user, regSecret, "reg-user", "SCRAM"} {
		if bytes.Contains(bytes.ToLower(b), bytes.ToLower([]byte(s))) {
			t.Errorf("the job document holds %q:\n%s", s, b)
		}
	}
	for _, s := range []string{`"version": 1`, `"tasks": [`, `"part": "events-0-0-10.parquet"`, `"valueFields"`} {
		if !bytes.Contains(b, []byte(s)) {
			t.Errorf("the job document lacks %s:\n%s", s, b)
		}
	}

	for _, tc := range []struct{ doc, want string }{
		{strings.Replace(string(b), `"version": 1`, `"version": 2`, 1), "version 2, this kq reads version 1"},
		{strings.Replace(string(b), `"version": 1,`, ``, 1), `no "version"`},
		{strings.Replace(string(b), `"until": 10`, `"until": 11`, 1), "does not match its content"},
		{"[1, 2]", "job document job.json"},
	} {
		if _, err := kq.ReadJob([]byte(tc.doc), "job.json"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ReadJob: %v, want %q", err, tc.want)
		}
	}
}

// TestJobGroupCommit: an incremental job with groupId commits the
// group's offsets only at its commit, after the manifest: not when the
// tasks have run, and then at the manifest's end offsets. The next job
// starts there.
func TestJobGroupCommit(t *testing.T) {
	c := kafkatest.New(t)
	jsonOrders(t, c, "grp", 30, 12)
	eng := openOn(t, c)
	ctx := context.Background()
	groupAt := func() map[int32]int64 {
		t.Helper()
		res, err := c.Admin.FetchOffsets(ctx, "nightly")
		if err != nil && !errors.Is(err, kerr.GroupIDNotFound) {
			t.Fatal(err)
		}
		at := map[int32]int64{}
		res.Each(func(o kadm.OffsetResponse) { at[o.Partition] = o.At })
		return at
	}
	dir := filepath.Join(t.TempDir(), "grp")
	sql := "COPY (SELECT partition, offset FROM kafka('grp') WITH (groupId='nightly', minPartitions=3)) TO '" + dir + "' (INCREMENTAL true)"
	j := planJob(t, eng, sql)
	for i := range j.Tasks() {
		if _, err := eng.RunJobTask(ctx, j, i); err != nil {
			t.Fatal(err)
		}
	}
	if at := groupAt(); len(at) != 0 {
		t.Fatalf("the group was committed before the job's commit: %v", at)
	}
	if _, err := eng.CommitJob(ctx, j); err != nil {
		t.Fatal(err)
	}
	if at := groupAt(); at[0] != 30 || at[1] != 12 {
		t.Fatalf("group offsets after the commit: %v, want 0:30 1:12", at)
	}
	if next := planJob(t, eng, sql); len(next.Tasks()) != 0 {
		t.Fatalf("nothing new, yet the next job has tasks %v", next.Tasks())
	}
}

// TestJobOnObjectStorage: a job's tasks, run at once, and its commit on
// the S3 test server give the objects of the local export to S3, byte
// for byte; the receipts are gone after the commit, and no upload is
// left.
func TestJobOnObjectStorage(t *testing.T) {
	srv := s3test.New(t)
	c := kafkatest.New(t)
	jsonOrders(t, c, "orders", 400, 300)
	eng, err := kq.Open(kq.WithBrokers(c.ListenAddrs()...), kq.WithWorkers(2))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	ctx := context.Background()
	bucket := srv.Bucket(t)
	q := func(prefix string) string {
		return "COPY (SELECT topic, partition, offset, amount, status FROM kafka('orders') WITH (valueFormat='json', minPartitions=5)) TO 's3://" + bucket + "/" + prefix + "/' (INCREMENTAL true)"
	}
	j := planJob(t, eng, q("job"))
	if _, err := eng.Exec(ctx, q("local")); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(j.Tasks()))
	for i := range j.Tasks() {
		wg.Go(func() {
			_, err := eng.RunJobTask(ctx, j, i)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := eng.CommitJob(ctx, j); err != nil {
		t.Fatal(err)
	}
	if names := storagetest.Same(t, "s3://"+bucket+"/local/", "s3://"+bucket+"/job/"); len(names) != 6 {
		t.Fatalf("local export and job %d objects, want 6: %v", len(names), names)
	}
}
