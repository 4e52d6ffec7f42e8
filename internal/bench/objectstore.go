package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kq-sql/kq/internal/s3test"
)

// s3Bucket is the bucket the S3 measurements write to.
const s3Bucket = "kqbench"

// objectStoreMeasurements are kq-parquet-s3 and kq-pertask-s3: the
// exports of kq-parquet and kq-pertask written to a bucket of the S3
// test server instead of a local directory. The server (versitygw from
// bin/, as in the tests) is started here, serving a temporary directory
// of this machine on 127.0.0.1, and shares the cores with kq and the
// broker; the exports are read back from its directory, where it keeps
// each object as a file. Without versitygw they are skipped with a line
// on Log.
func (c *Config) objectStoreMeasurements(ctx context.Context, addr, kafka string) ([]*measurement, error) {
	if !c.want("kq-parquet-s3") && !c.want("kq-pertask-s3") {
		return nil, nil
	}
	bin, err := s3test.Binary()
	if err != nil {
		fmt.Fprintf(c.Log, "kqbench: kq-parquet-s3 and kq-pertask-s3 skipped: %v\n", err)
		return nil, nil
	}
	root, err := os.MkdirTemp("", "kqbench-s3-")
	if err != nil {
		return nil, err
	}
	c.cleanup = append(c.cleanup, func() { os.RemoveAll(root) })
	srv, err := s3test.Start(bin, root)
	if err != nil {
		return nil, err
	}
	c.cleanup = append(c.cleanup, srv.Stop)
	bucket := filepath.Join(root, s3Bucket)
	if err := os.Mkdir(bucket, 0o755); err != nil {
		return nil, err
	}
	fmt.Fprintf(c.Log, "kqbench: S3 test server (versitygw) on %s\n", srv.Endpoint)
	var env []string
	for k, v := range srv.Env() {
		env = append(env, k+"="+v)
	}
	kq := func(sql string) []string {
		return []string{c.KQ, "-b", addr, "--format", "csv", "--progress", "never", sql}
	}
	countCheck := func(out []byte) error { return CheckCountCSV(out, c.N) }
	var ms []*measurement
	if c.want("kq-parquet-s3") {
		loc := "s3://" + s3Bucket + "/bulk.parquet"
		path := filepath.Join(bucket, "bulk.parquet")
		sql := fmt.Sprintf("COPY (SELECT * FROM %s) TO '%s' (FORMAT parquet)", kafka, loc)
		ms = append(ms, &measurement{
			name:   "kq-parquet-s3",
			what:   sql + " (S3 test server)",
			argv:   kq(sql),
			env:    env,
			server: func() time.Duration { return procCPU(srv.Pid()) },
			check:  countCheck,
			after:  c.readBack(ctx, addr, path, "the exported object", c.N, func() { os.Remove(path) }),
		})
	}
	if c.want("kq-pertask-s3") {
		loc := "s3://" + s3Bucket + "/parts/"
		dir := filepath.Join(bucket, "parts")
		sql := fmt.Sprintf("COPY (SELECT * FROM %s) TO '%s' (FORMAT parquet, PER_TASK true)", kafka, loc)
		ms = append(ms, &measurement{
			name:   "kq-pertask-s3",
			what:   strings.TrimSpace(sql + " (S3 test server)"),
			argv:   kq(sql),
			env:    env,
			server: func() time.Duration { return procCPU(srv.Pid()) },
			check:  countCheck,
			after:  c.readBack(ctx, addr, filepath.Join(dir, "*.parquet"), "the exported parts", c.N, func() { os.RemoveAll(dir) }),
		})
	}
	return ms, nil
}
