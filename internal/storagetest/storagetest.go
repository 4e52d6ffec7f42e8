// Package storagetest reads exports back in tests: every object under a
// destination (a local directory, or a bucket prefix of the S3 test
// server), checked for uploads left behind. It is apart from
// internal/s3test, which internal/storage's own tests import.
package storagetest

import (
	"bytes"
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/kq-sql/kq/internal/storage"
)

// Objects returns every object under location by name, relative to it
// with / between its parts, and fails t if a multipart upload is left
// there. In a local directory every regular file counts, temporary files
// of unfinished writes too.
func Objects(t testing.TB, location string) map[string][]byte {
	t.Helper()
	if !storage.IsURL(location) {
		return files(t, location)
	}
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

// files returns every regular file under dir by its slash-separated
// name relative to dir.
func files(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || !e.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		out[filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Same checks that the exports at a and b hold the same objects, byte for
// byte (so the same parts, rows per part and manifests), and returns
// their names, sorted.
func Same(t testing.TB, a, b string) []string {
	t.Helper()
	oa, ob := Objects(t, a), Objects(t, b)
	na, nb := slices.Sorted(maps.Keys(oa)), slices.Sorted(maps.Keys(ob))
	if !slices.Equal(na, nb) {
		t.Fatalf("objects differ:\n %s %v\n %s %v", a, na, b, nb)
	}
	for _, n := range na {
		if !bytes.Equal(oa[n], ob[n]) {
			t.Errorf("%s differs between %s and %s", n, a, b)
		}
	}
	return na
}
