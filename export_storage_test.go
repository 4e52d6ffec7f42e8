package kq_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/parquet/file"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/internal/export"
	"github.com/kq-sql/kq/internal/s3test"
	"github.com/kq-sql/kq/internal/storagetest"
)

// download copies every object of loc into a new local directory, for
// DuckDB (which cannot read s3:// here) to read; an upload left there
// fails t.
func download(t *testing.T, loc string) string {
	t.Helper()
	out := t.TempDir()
	for n, b := range storagetest.Objects(t, loc) {
		p := filepath.Join(out, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// queryStrings runs sql and returns its rows, each as its columns' text
// joined by "|", sorted.
func queryStrings(t *testing.T, eng *kq.Engine, sql string) []string {
	t.Helper()
	rows, err := eng.Query(context.Background(), sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	defer rows.Release()
	var out []string
	for rows.Next() {
		rec := rows.RecordBatch()
		for i := range int(rec.NumRows()) {
			var cols []string
			for c := range int(rec.NumCols()) {
				cols = append(cols, rec.Column(c).ValueStr(i))
			}
			out = append(out, strings.Join(cols, "|"))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// TestCopyObjectStorage: COPY to one object (kq's Parquet writer, and
// DuckDB's CSV uploaded) and per-task parts on the S3 server read back
// as the rows the query returns; a cancelled COPY leaves no object and
// no upload.
func TestCopyObjectStorage(t *testing.T) {
	srv := s3test.New(t)
	f := orders(t)
	eng := f.open(t)
	ctx := context.Background()
	bucket := srv.Bucket(t)
	want := queryStrings(t, eng, "SELECT partition, offset, octet_length(value) FROM kafka('orders')")

	for _, tc := range []struct{ name, sql, readBack string }{
		{"orders.parquet", "SELECT partition, offset, value FROM kafka('orders')", "SELECT partition, offset, octet_length(value) FROM read_parquet('%s')"},
		{"orders.csv", "SELECT partition, offset, octet_length(value) AS n FROM kafka('orders')", "SELECT partition, offset, n FROM read_csv('%s')"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			loc := "s3://" + bucket + "/single/" + tc.name
			st, err := eng.Exec(ctx, fmt.Sprintf("COPY (%s) TO '%s'", tc.sql, loc))
			if err != nil {
				t.Fatal(err)
			}
			if st.Rows != fixtureOrders || len(st.Files) != 1 || st.Files[0] != loc {
				t.Fatalf("result %+v", st)
			}
			local := filepath.Join(download(t, "s3://"+bucket+"/single/"), tc.name)
			if got := queryStrings(t, eng, fmt.Sprintf(tc.readBack, local)); !slices.Equal(got, want) {
				t.Fatalf("read back %d rows, want %d", len(got), len(want))
			}
		})
	}

	t.Run("per task", func(t *testing.T) {
		loc := "s3://" + bucket + "/parts/"
		st, err := eng.Exec(ctx, "COPY (SELECT partition, offset, value FROM kafka('orders') WITH (minPartitions=5)) TO '"+loc+"' (PER_TASK true)")
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Files) != 6 || st.Files[5] != loc+export.ManifestName {
			t.Fatalf("files %v", st.Files)
		}
		local := download(t, loc)
		if got := queryStrings(t, eng, "SELECT partition, offset, octet_length(value) FROM read_parquet('"+local+"/*.parquet')"); !slices.Equal(got, want) {
			t.Fatalf("read back %d rows, want %d", len(got), len(want))
		}
	})

	t.Run("cancelled", func(t *testing.T) {
		for _, sql := range []string{
			"SELECT partition, offset, value FROM kafka('orders') WITH (minPartitions=6)",
			"SELECT partition, offset + 1 AS o, value FROM kafka('orders') WITH (minPartitions=6)", // through DuckDB
		} {
			loc := "s3://" + bucket + "/cancelled/out.parquet"
			cctx, cancel := context.WithCancel(ctx)
			cancelOnFetch(f, cancel)
			_, err := eng.Exec(cctx, fmt.Sprintf("COPY (%s) TO '%s'", sql, loc))
			cancel()
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("%s: %v, want context.Canceled", sql, err)
			}
			// Objects fails t on an upload left behind too.
			if objs := storagetest.Objects(t, "s3://"+bucket+"/cancelled/"); len(objs) != 0 {
				t.Fatalf("cancelled COPY left objects %v", slices.Collect(maps.Keys(objs)))
			}
		}
	})
}

// TestCopyAccessDenied: an export whose object store refuses the keys
// fails with kq.ErrAccessDenied, not a query error (the statement is
// right; the credentials are not), naming the destination and not the
// secret, and writes nothing: a single file, per-task parts and an
// incremental run alike.
func TestCopyAccessDenied(t *testing.T) {
	const wrong = "wrong-store-secret-value"
	srv := s3test.New(t)
	f := orders(t)
	eng := f.open(t)
	ctx := context.Background()
	bucket := srv.Bucket(t)
	t.Setenv("AWS_SECRET_ACCESS_KEY", wrong)
	for _, to := range []string{"/one/orders.parquet' (FORMAT parquet)", "/parts/' (PER_TASK true)", "/nightly/' (INCREMENTAL true)"} {
		_, err := eng.Exec(ctx, "COPY (SELECT partition, offset FROM kafka('orders')) TO 's3://"+bucket+to)
		var qe *kq.QueryError
		if !errors.Is(err, kq.ErrAccessDenied) || errors.As(err, &qe) || !strings.Contains(err.Error(), "s3://"+bucket+"/") || strings.Contains(err.Error(), wrong) {
			t.Errorf("COPY ... TO %s with a wrong secret: %v, want kq.ErrAccessDenied naming the destination", to, err)
		}
	}
	t.Setenv("AWS_SECRET_ACCESS_KEY", s3test.SecretKey)
	if objs := storagetest.Objects(t, "s3://"+bucket+"/"); len(objs) > 0 {
		t.Errorf("refused exports wrote %v", slices.Collect(maps.Keys(objs)))
	}
}

// TestPartitionBy: PARTITION_BY writes Hive directories of select
// aliases (an expression among them) that DuckDB reads back, with
// hive_partitioning, as the query's rows, partition columns included;
// FILE_SIZE_BYTES rolls files so that none exceeds it by more than one
// row group; both with INCREMENTAL runs, locally and on the S3 server.
func TestPartitionBy(t *testing.T) {
	f := orders(t)
	eng := f.open(t)
	ctx := context.Background()
	sel := `SELECT partition, offset, customer, status, CAST(date_trunc('day', timestamp) AS DATE) AS dt FROM kafka('orders') WITH (valueFormat='json', minPartitions=4)`
	want := queryStrings(t, eng, "SELECT partition, offset, customer, status, CAST(dt AS VARCHAR) FROM ("+sel+")")
	const limit = 2 << 10
	for name, dest := range exportDests(t) {
		t.Run(name, func(t *testing.T) {
			loc := dest()
			st, err := eng.Exec(ctx, fmt.Sprintf("COPY (%s) TO '%s' (PARTITION_BY (dt, status), FILE_SIZE_BYTES %d, ROW_GROUP_SIZE 100, INCREMENTAL true)", sel, loc, limit))
			if err != nil {
				t.Fatal(err)
			}
			if st.Rows != fixtureOrders {
				t.Fatalf("%d rows", st.Rows)
			}
			local := download(t, loc)
			got := queryStrings(t, eng, "SELECT partition, offset, customer, status, CAST(dt AS VARCHAR) FROM read_parquet('"+local+"/**/*.parquet', hive_partitioning = true)")
			if !slices.Equal(got, want) {
				t.Fatalf("read back %d rows, want %d; first %v, want %v", len(got), len(want), head(got), head(want))
			}
			// Directories: dt=<day>/status=<status>/; several files per
			// task and directory, none past the limit by more than its
			// largest row group and the footer.
			rolled := 0
			err = filepath.WalkDir(local, func(p string, e os.DirEntry, err error) error {
				if err != nil || e.IsDir() || !strings.HasSuffix(p, ".parquet") {
					return err
				}
				if strings.HasSuffix(p, "-1.parquet") {
					rolled++ // a task's second file in a directory
				}
				rel, _ := filepath.Rel(local, p)
				if parts := strings.Split(filepath.ToSlash(rel), "/"); len(parts) != 3 || !strings.HasPrefix(parts[0], "dt=") || !strings.HasPrefix(parts[1], "status=") {
					t.Errorf("part %s is not in dt=/status=/", rel)
				}
				b, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				pf, err := file.NewParquetReader(bytes.NewReader(b))
				if err != nil {
					return fmt.Errorf("%s: %w", rel, err)
				}
				defer pf.Close()
				var largest int64
				for g := range pf.NumRowGroups() {
					var sz int64
					for c := range pf.MetaData().RowGroup(g).NumColumns() {
						cc, _ := pf.MetaData().RowGroup(g).ColumnChunk(c)
						sz += cc.TotalCompressedSize()
					}
					largest = max(largest, sz)
				}
				if int64(len(b)) > limit+largest+int64(pf.MetaData().Size())+8 {
					t.Errorf("%s: %d bytes, FILE_SIZE_BYTES %d, largest row group %d", rel, len(b), limit, largest)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if rolled == 0 {
				t.Error("no task rolled over to a second file: FILE_SIZE_BYTES did not roll")
			}
			// The next run has nothing new.
			st, err = eng.Exec(ctx, fmt.Sprintf("COPY (%s) TO '%s' (PARTITION_BY (dt, status), FILE_SIZE_BYTES %d, INCREMENTAL true)", sel, loc, limit))
			if err != nil || st.Rows != 0 {
				t.Fatalf("second run: %v, %+v", err, st)
			}
		})
	}
}

// TestPartitionByValues: values that need escaping (a slash, spaces,
// NULL) make directories DuckDB reads back to the same values.
func TestPartitionByValues(t *testing.T) {
	f := orders(t)
	eng := f.open(t)
	loc := filepath.Join(t.TempDir(), "out")
	key := `CASE WHEN partition = 0 THEN 'a/b c' WHEN partition = 1 THEN NULL ELSE 'k=v?%' END`
	_, err := eng.Exec(context.Background(), `COPY (SELECT offset, `+key+` AS k FROM kafka('orders')) TO '`+loc+`' (PARTITION_BY (k))`)
	if err != nil {
		t.Fatal(err)
	}
	got := queryStrings(t, eng, "SELECT k, count(*) FROM read_parquet('"+loc+"/**/*.parquet', hive_partitioning = true) GROUP BY k")
	want := queryStrings(t, eng, "SELECT "+key+" AS k, count(*) FROM kafka('orders') GROUP BY k")
	if !slices.Equal(got, want) {
		t.Fatalf("read back %v, want %v", got, want)
	}
	var dirs []string
	ents, _ := os.ReadDir(loc)
	for _, e := range ents {
		dirs = append(dirs, e.Name())
	}
	if wantDirs := []string{export.ManifestName, "k=__HIVE_DEFAULT_PARTITION__", "k=a%2Fb%20c", "k=k%3Dv%3F%25"}; !slices.Equal(dirs, wantDirs) {
		t.Fatalf("directories %v, want %v", dirs, wantDirs)
	}
}
