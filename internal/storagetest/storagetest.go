// Package storagetest reads exports back in tests: every object under a
// destination (a local directory, or a bucket prefix of the S3 test
// server), checked for uploads left behind. It is apart from
// internal/s3test, which internal/storage's own tests import.
package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/kq-sql/kq/internal/storage"
)

// Objects returns every object under location by name, relative to it,
// and fails t if a multipart upload is left there.
func Objects(t testing.TB, location string) map[string][]byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d, err := storage.Open(ctx, location)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	names, err := d.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string][]byte, len(names))
	for _, n := range names {
		if out[n], err = d.ReadFile(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	if ups, err := d.Uploads(ctx); err != nil || len(ups) > 0 {
		t.Errorf("%s: uploads left: %v, %v", location, ups, err)
	}
	return out
}
