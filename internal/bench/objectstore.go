package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
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
	root, err := c.tempDir()
	if err != nil {
		return nil, err
	}
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
	var ms []*measurement
	for _, e := range []struct {
		name, key, options, glob, what string
	}{
		{"kq-parquet-s3", "bulk.parquet", "FORMAT parquet", "bulk.parquet", "the exported object"},
		{"kq-pertask-s3", "parts/", "FORMAT parquet, PER_TASK true", "parts/*.parquet", "the exported parts"},
	} {
		if !c.want(e.name) {
			continue
		}
		sql := fmt.Sprintf("COPY (SELECT * FROM %s) TO 's3://%s/%s' (%s)", kafka, s3Bucket, e.key, e.options)
		local := filepath.Join(bucket, e.key)
		ms = append(ms, &measurement{
			name:   e.name,
			what:   sql + " (S3 test server)",
			argv:   []string{c.KQ, "-b", addr, "--format", "csv", "--progress", "never", sql},
			env:    env,
			server: func() time.Duration { return procCPU(srv.Pid()) },
			check:  func(out []byte) error { return CheckCountCSV(out, c.N) },
			after:  c.readBack(ctx, addr, filepath.Join(bucket, e.glob), e.what, c.N, func() { os.RemoveAll(local) }),
		})
	}
	return ms, nil
}
