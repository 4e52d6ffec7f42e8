package storage

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"gocloud.dev/blob"

	"github.com/kq-sql/kq/internal/s3test"
)

// backends opens a fresh destination on each backend: a local directory
// and a prefix of a bucket on the versitygw test server.
func backends(t *testing.T) map[string]*Dir {
	t.Helper()
	ctx := s3test.Context(t)
	local, err := Open(ctx, filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	srv := s3test.New(t)
	remote, err := Open(ctx, "s3://"+srv.Bucket(t)+"/exports/nightly/")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { local.Close(); remote.Close() })
	return map[string]*Dir{"local": local, "s3": remote}
}

func write(t *testing.T, d *Dir, name, body string) {
	t.Helper()
	o, err := d.Create(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(o, body); err != nil {
		t.Fatal(err)
	}
	if err := o.Commit(); err != nil {
		t.Fatal(err)
	}
}

func TestDir(t *testing.T) {
	for name, d := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			write(t, d, "a.parquet", "A")
			write(t, d, "dt=2024-01-01/b.parquet", "B")
			write(t, d, "a.parquet", "A2") // replaces

			// An aborted object is not there, and a write in progress is
			// not listed.
			o, err := d.Create(ctx, "c.parquet")
			if err != nil {
				t.Fatal(err)
			}
			io.WriteString(o, "half")
			pending, err := d.Create(ctx, "d.parquet")
			if err != nil {
				t.Fatal(err)
			}
			io.WriteString(pending, "pending")
			names, err := d.List(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"a.parquet", "dt=2024-01-01/b.parquet"}; !slices.Equal(names, want) {
				t.Fatalf("List = %v, want %v", names, want)
			}
			o.Abort()
			pending.Abort()
			if _, err := d.ReadFile(ctx, "c.parquet"); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("aborted object: %v", err)
			}
			if b, err := d.ReadFile(ctx, "a.parquet"); err != nil || string(b) != "A2" {
				t.Fatalf("a.parquet = %q, %v", b, err)
			}

			// CreateNew: once.
			if err := d.CreateNew(ctx, "_kq_manifests/00000000000000000001.json", []byte("{1}")); err != nil {
				t.Fatal(err)
			}
			err = d.CreateNew(ctx, "_kq_manifests/00000000000000000001.json", []byte("{2}"))
			if !errors.Is(err, fs.ErrExist) {
				t.Fatalf("second CreateNew: %v, want fs.ErrExist", err)
			}
			if b, _ := d.ReadFile(ctx, "_kq_manifests/00000000000000000001.json"); string(b) != "{1}" {
				t.Fatalf("manifest replaced: %q", b)
			}
			if names, _ := d.List(ctx, "_kq_manifests"); len(names) != 1 || names[0] != "_kq_manifests/00000000000000000001.json" {
				t.Fatalf("List(_kq_manifests) = %v", names)
			}

			// Remove: missing names are fine; local empty directories go.
			for _, n := range []string{"dt=2024-01-01/b.parquet", "nothing.parquet"} {
				if err := d.Remove(ctx, n); err != nil {
					t.Fatal(err)
				}
			}
			if !d.Remote() {
				if _, err := os.Stat(d.Location("dt=2024-01-01")); !errors.Is(err, fs.ErrNotExist) {
					t.Fatalf("empty partition directory left: %v", err)
				}
			}
			names, _ = d.List(ctx, "")
			if want := []string{"_kq_manifests/00000000000000000001.json", "a.parquet"}; !slices.Equal(names, want) {
				t.Fatalf("List = %v, want %v", names, want)
			}
			if _, err := d.Create(ctx, "../escape"); err == nil {
				t.Fatal("a name with .. was accepted")
			}
		})
	}
}

// TestCancelledUploadLeavesNoUpload: a multipart upload whose context is
// cancelled mid-object leaves no object and no multipart upload. Through
// gocloud alone it does leave one (the AWS transfer manager aborts with
// the cancelled context): the first half checks that this is still so,
// so that the cleanup in Object.Abort stays justified.
func TestCancelledUploadLeavesNoUpload(t *testing.T) {
	srv := s3test.New(t)
	ctx := s3test.Context(t)
	d, err := Open(ctx, "s3://"+srv.Bucket(t)+"/p/")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	chunk := make([]byte, 1<<20)
	rand.Read(chunk)
	writeParts := func(w io.Writer) {
		t.Helper()
		// Three parts' worth, so that parts are uploaded before the
		// cancellation.
		for range 3 * uploadPartSize / len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(300 * time.Millisecond) // let the first parts go out
	}

	t.Run("gocloud alone", func(t *testing.T) {
		wctx, cancel := context.WithCancel(ctx)
		w, err := d.bucket.NewWriter(wctx, "p/raw.bin", &blob.WriterOptions{BufferSize: uploadPartSize})
		if err != nil {
			t.Fatal(err)
		}
		// Past the transfer manager's default 16 MiB multipart threshold.
		for range 4 {
			writeParts(w)
		}
		cancel()
		if err := w.Close(); err == nil {
			t.Fatal("Close after cancel succeeded")
		}
		ups, err := d.Uploads(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ups) == 0 {
			t.Log("gocloud aborted the upload itself: useTransfer's FailTimeout and the cleanup in Object.Abort may no longer be needed")
		}
		if n, err := d.AbortUploads(ctx, time.Now().Add(time.Minute)); err != nil || n != len(ups) {
			t.Fatalf("AbortUploads = %d, %v; want %d", n, err, len(ups))
		}
	})

	t.Run("Object", func(t *testing.T) {
		wctx, cancel := context.WithCancel(ctx)
		o, err := d.Create(wctx, "part.parquet")
		if err != nil {
			t.Fatal(err)
		}
		writeParts(o)
		cancel()
		o.Write(chunk) // fails or not; the object must not appear either way
		o.Abort()
		if ups, err := d.Uploads(ctx); err != nil || len(ups) != 0 {
			t.Fatalf("uploads left: %v, %v", ups, err)
		}
		if names, err := d.List(ctx, ""); err != nil || len(names) != 0 {
			t.Fatalf("objects: %v, %v", names, err)
		}
	})

	t.Run("committed multipart object", func(t *testing.T) {
		o, err := d.Create(ctx, "whole.parquet")
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		writeParts(io.MultiWriter(o, &want))
		if err := o.Commit(); err != nil {
			t.Fatal(err)
		}
		got, err := d.ReadFile(ctx, "whole.parquet")
		if err != nil || !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("read back %d bytes (%v), want %d", len(got), err, want.Len())
		}
	})
}

// TestAbortUploads: an upload a killed process left (started here with
// the S3 API and never completed) is aborted by the next export's
// AbortUploads; one started after its time is kept.
func TestAbortUploads(t *testing.T) {
	srv := s3test.New(t)
	ctx := s3test.Context(t)
	bucket := srv.Bucket(t)
	d, err := Open(ctx, "s3://"+bucket+"/p")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	start := func(key string) {
		if _, err := d.s3.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key)}); err != nil {
			t.Fatal(err)
		}
	}
	start("p/orders-0-0-10.parquet")
	start("other/x.parquet") // outside the prefix: not ours
	time.Sleep(1100 * time.Millisecond)
	now := time.Now()
	time.Sleep(1100 * time.Millisecond)
	start("p/orders-1-0-10.parquet")
	n, err := d.AbortUploads(ctx, now)
	if err != nil || n != 1 {
		t.Fatalf("AbortUploads = %d, %v; want 1", n, err)
	}
	ups, _ := d.Uploads(ctx)
	if len(ups) != 1 || ups[0].Name != "orders-1-0-10.parquet" {
		t.Fatalf("uploads left: %+v", ups)
	}
}

func TestOpenErrors(t *testing.T) {
	srv := s3test.New(t)
	ctx := s3test.Context(t)
	for _, tc := range []struct{ location, want string }{
		{"ftp://host/x", "unsupported scheme ftp:// (use a local path or s3://, gs://, azblob://)"},
		{"s3:///x", "no bucket name"},
		{"s3://kq-no-such-bucket/x/", "destination s3://kq-no-such-bucket/x/: bucket kq-no-such-bucket does not exist"},
		{"s3://b/a/../x", "has an empty, . or .. part"},
	} {
		_, err := Open(ctx, tc.location)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Open(%q) = %v, want %q", tc.location, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), s3test.SecretKey) {
			t.Errorf("error shows the secret: %v", err)
		}
	}
	_, err := Open(ctx, "s3://kq-no-such-bucket/x/")
	if errors.Is(err, ErrDenied) {
		t.Errorf("a missing bucket is access denied: %v", err)
	}
	bucket := srv.Bucket(t)
	// Wrong keys: an error naming the destination, without the secret,
	// that ErrDenied matches (retrying cannot mend it).
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong-secret-value")
	_, err = Open(ctx, "s3://"+bucket+"/x/")
	if err == nil || !strings.Contains(err.Error(), "destination s3://") || strings.Contains(err.Error(), "wrong-secret-value") {
		t.Fatalf("wrong keys: %v", err)
	}
	if !errors.Is(err, ErrDenied) {
		t.Errorf("wrong secret: not ErrDenied: %v", err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "kq-no-such-key")
	if _, err = Open(ctx, "s3://"+bucket+"/x/"); !errors.Is(err, ErrDenied) {
		t.Errorf("unknown access key: not ErrDenied: %v", err)
	}
}

// TestClassify: S3's codes for refused credentials and access, and HTTP
// 401 and 403, are ErrDenied, through any wrapping, and say so before the
// store's message; other errors are left as they are.
func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		err    error
		denied bool
	}{
		{&smithy.GenericAPIError{Code: "SignatureDoesNotMatch"}, true},
		{&smithy.GenericAPIError{Code: "InvalidAccessKeyId"}, true},
		{&smithy.GenericAPIError{Code: "ExpiredToken"}, true},
		{fmt.Errorf("put: %w", &smithy.GenericAPIError{Code: "AccessDenied"}), true},
		{&smithy.GenericAPIError{Code: "SlowDown"}, false},
		{&smithy.GenericAPIError{Code: "NoSuchBucket"}, false},
		{&awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 403}}, Err: errors.New("forbidden")}}, true},
		{&awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 503}}, Err: errors.New("unavailable")}}, false},
		{io.ErrUnexpectedEOF, false},
	} {
		err := classify(tc.err)
		if got := errors.Is(err, ErrDenied); got != tc.denied {
			t.Errorf("classify(%v): denied %v, want %v", tc.err, got, tc.denied)
		}
		if !errors.Is(err, tc.err) || !strings.HasSuffix(err.Error(), tc.err.Error()) || tc.denied != strings.HasPrefix(err.Error(), "access denied (check the credentials") {
			t.Errorf("classify(%v) = %v: chain or message wrong", tc.err, err)
		}
	}
	if classify(nil) != nil {
		t.Error("classify(nil) != nil")
	}
}
