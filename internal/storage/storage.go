package storage

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	"github.com/kq-sql/kq/internal/atomicfile"
)

// Schemes are the URL schemes of object storage locations.
var Schemes = []string{"s3", "gs", "azblob"}

// cleanupTimeout bounds the calls that clean up after an aborted upload;
// they run with a fresh context, since the writer's own is usually the
// cancelled one.
const cleanupTimeout = 30 * time.Second

// IsURL reports whether location names object storage or another URL
// (it has a scheme: "s3://bucket/prefix"), rather than a local path.
func IsURL(location string) bool {
	i := strings.Index(location, "://")
	if i <= 0 {
		return false
	}
	for _, r := range location[:i] {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

// Dir is a directory of a destination: a local directory, or a key
// prefix in an object store bucket. Names in a Dir are relative,
// slash-separated paths ("dt=2024-01-01/orders-0-0-10.parquet"). A Dir is
// safe for concurrent use; Close it when done.
type Dir struct {
	location string // as shown: the local path, or scheme://bucket/prefix/

	local string // the local directory; "" for a bucket

	bucket *blob.Bucket
	name   string     // the bucket's name
	prefix string     // the key prefix, "" or ending in "/"
	s3     *s3.Client // for multipart uploads on S3; nil otherwise

	transfer *transfermanager.Client // S3 uploads, configured by openS3
}

// Open opens the destination directory location: a local path (created
// by the first write when missing), or s3://bucket/prefix, gs://bucket/prefix or
// azblob://container/prefix. The bucket must exist and be reachable with
// the cloud's default credentials; the error names the location, never
// a credential. A location that cannot be (a bad URL or name, a missing
// bucket) is a *LocationError; refused credentials are ErrDenied; other
// errors (the network, the store) may pass if tried again.
func Open(ctx context.Context, location string) (*Dir, error) {
	if !IsURL(location) {
		if fi, err := os.Stat(location); err == nil && !fi.IsDir() {
			return nil, locationErrorf("destination %s is a file, not a directory", location)
		}
		return &Dir{location: location, local: location}, nil
	}
	u, err := url.Parse(location)
	if err != nil {
		return nil, locationErrorf("destination %s: %w", location, err)
	}
	scheme := strings.ToLower(u.Scheme)
	if !slices.Contains(Schemes, scheme) {
		return nil, locationErrorf("destination %s: unsupported scheme %s:// (use a local path or %s)", location, u.Scheme, schemeList())
	}
	if u.Host == "" {
		return nil, locationErrorf("destination %s: no bucket name (want %s://bucket/prefix)", location, scheme)
	}
	prefix := strings.TrimPrefix(u.Path, "/")
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	if err := checkName(strings.TrimSuffix(prefix, "/"), true); err != nil {
		return nil, locationErrorf("destination %s: %w", location, err)
	}
	d := &Dir{name: u.Host, prefix: prefix}
	d.location = scheme + "://" + u.Host + "/" + prefix
	switch scheme {
	case "s3":
		d.bucket, d.s3, d.transfer, err = openS3(ctx, u)
	default:
		d.bucket, err = openDefault(ctx, u)
	}
	if err != nil {
		return nil, fmt.Errorf("destination %s: %w", d.location, err)
	}
	ok, err := d.bucket.IsAccessible(ctx)
	if err == nil && !ok {
		d.bucket.Close()
		return nil, locationErrorf("destination %s: bucket %s does not exist", d.location, d.name)
	}
	if err != nil {
		d.bucket.Close()
		return nil, fmt.Errorf("destination %s: %w", d.location, classify(err))
	}
	return d, nil
}

// OpenFile opens the directory of a file location and returns the
// file's name in it: "s3://b/x/out.parquet" is Dir "s3://b/x/" and name
// "out.parquet".
func OpenFile(ctx context.Context, location string) (*Dir, string, error) {
	if !IsURL(location) {
		dir, name := filepath.Split(location)
		if dir == "" {
			dir = "."
		}
		d, err := Open(ctx, dir)
		return d, name, err
	}
	u, err := url.Parse(location)
	if err != nil {
		return nil, "", locationErrorf("destination %s: %w", location, err)
	}
	dir, name := path.Split(u.Path)
	if name == "" {
		return nil, "", locationErrorf("destination %s: names a directory, not an object", location)
	}
	u.Path = dir
	d, err := Open(ctx, u.String())
	return d, name, err
}

func schemeList() string {
	var s []string
	for _, sc := range Schemes {
		s = append(s, sc+"://")
	}
	return strings.Join(s, ", ")
}

// Close releases the bucket's clients.
func (d *Dir) Close() error {
	if d.bucket != nil {
		return d.bucket.Close()
	}
	return nil
}

// Remote reports whether d is on object storage.
func (d *Dir) Remote() bool { return d.bucket != nil }

// Location returns how name in d is shown: a local path, or a URL.
func (d *Dir) Location(name string) string {
	if d.bucket == nil {
		return filepath.Join(d.local, filepath.FromSlash(name))
	}
	return d.location + name
}

// String returns the location of d itself.
func (d *Dir) String() string { return d.location }

// checkName refuses names that would leave the directory.
func checkName(name string, emptyOK bool) error {
	if name == "" {
		if emptyOK {
			return nil
		}
		return errors.New("empty name")
	}
	if strings.HasPrefix(name, "/") || strings.Contains(name, "\\") {
		return fmt.Errorf("name %q must be relative, with / between its parts", name)
	}
	for _, part := range strings.Split(name, "/") {
		if part == "" || part == "." || part == ".." {
			return fmt.Errorf("name %q has an empty, . or .. part", name)
		}
	}
	return nil
}

// An upload buffers uploadPartSize bytes per part and sends up to
// uploadConcurrency parts at once: S3's smallest part, and a bound on the
// memory of an export whose tasks all upload at once (the AWS transfer
// manager's defaults, a 16 MiB first part then 8 MiB parts five at a
// time, would hold up to 56 MiB per task).
const (
	uploadPartSize    = 5 << 20
	uploadConcurrency = 2
)

func (d *Dir) writerOptions(name string, ifNotExist bool) *blob.WriterOptions {
	o := &blob.WriterOptions{
		ContentType:    contentType(name),
		BufferSize:     uploadPartSize,
		MaxConcurrency: uploadConcurrency,
		IfNotExist:     ifNotExist,
	}
	if d.transfer != nil {
		o.BeforeWrite = d.useTransfer
	}
	return o
}

// Object is one object being written: visible under its name only once
// Commit succeeds, never half-written. It is not safe for concurrent
// use; call Commit or Abort.
//
// A remote object is uploaded from a pipe that Write feeds
// (blob.Bucket.Upload). On S3 an upload is stopped by failing that pipe,
// not by cancelling the upload's context: the AWS transfer manager then
// aborts a multipart upload itself, with a live context, before Upload
// returns. Cancelling the context instead races with requests already
// sent: a CreateMultipartUpload the server completes after the client
// gave up leaves an upload nobody knows the ID of (seen with versitygw
// in TestInterruptedExport). Other clouds' writers commit what they have
// when the reader fails, so there the context is cancelled first, which
// is how gocloud aborts them.
type Object struct {
	d    *Dir
	name string
	file *atomicfile.File // local

	pw     *io.PipeWriter // remote: Write's end of the upload's pipe
	upload chan error     // remote: Upload's result
	cancel context.CancelFunc
	stop   func() bool // stops watching the caller's context
	done   bool
}

// errAborted fails the pipe of an aborted upload.
var errAborted = errors.New("upload aborted")

// Create starts writing object name (its parent directories are created
// locally as needed). A remote upload stops when ctx is cancelled: the
// object is then not written and Commit fails.
func (d *Dir) Create(ctx context.Context, name string) (*Object, error) {
	if err := checkName(name, false); err != nil {
		return nil, fmt.Errorf("create %s: %w", d.Location(name), err)
	}
	o := &Object{d: d, name: name}
	if d.bucket == nil {
		full := d.Location(name)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return nil, fmt.Errorf("create %s: %w", full, err)
		}
		f, err := atomicfile.Create(full)
		if err != nil {
			return nil, err
		}
		o.file = f
		return o, nil
	}
	pr, pw := io.Pipe()
	uctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	o.pw, o.cancel, o.upload = pw, cancel, make(chan error, 1)
	go func() {
		err := d.bucket.Upload(uctx, d.prefix+name, pr, d.writerOptions(name, false))
		// An upload that ended early fails the writes still to come.
		pr.CloseWithError(cmp.Or(err, io.ErrClosedPipe))
		o.upload <- err
	}()
	o.stop = context.AfterFunc(ctx, func() { o.fail(context.Cause(ctx)) })
	return o, nil
}

// fail stops the upload: its pipe fails with err (after the context is
// cancelled, on clouds other than S3).
func (o *Object) fail(err error) {
	if o.d.s3 == nil {
		o.cancel()
	}
	o.pw.CloseWithError(err)
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".json":
		return "application/json"
	case ".parquet":
		return "application/vnd.apache.parquet"
	}
	return "application/octet-stream"
}

// Target is where the object goes, as Location shows it.
func (o *Object) Target() string { return o.d.Location(o.name) }

// Write writes to the object.
func (o *Object) Write(p []byte) (int, error) {
	if o.file != nil {
		return o.file.Write(p)
	}
	n, err := o.pw.Write(p)
	if err != nil {
		err = fmt.Errorf("write %s: %w", o.Target(), classify(err))
	}
	return n, err
}

// Commit makes the object visible, whole. On error nothing is visible
// (and no upload is left behind).
func (o *Object) Commit() error {
	if o.done {
		return fmt.Errorf("%s: already committed or aborted", o.Target())
	}
	o.done = true
	if o.file != nil {
		return o.file.Commit()
	}
	o.stop()
	o.pw.Close() // after a failure, the pipe keeps its error
	err := <-o.upload
	o.cancel()
	if err != nil {
		o.d.abortUploadsOf(o.d.prefix + o.name)
		return fmt.Errorf("write %s: %w", o.Target(), classify(err))
	}
	return nil
}

// Abort discards the object: locally the temporary file is removed; a
// remote upload is stopped and any multipart upload it started is
// aborted before Abort returns (within cleanupTimeout). It does nothing
// after Commit.
func (o *Object) Abort() {
	if o.done {
		return
	}
	o.done = true
	if o.file != nil {
		o.file.Abort()
		return
	}
	o.stop()
	o.fail(errAborted)
	select {
	case <-o.upload:
	case <-time.After(cleanupTimeout):
		o.cancel() // a stuck request: give up on it
		<-o.upload
	}
	o.cancel()
	o.d.abortUploadsOf(o.d.prefix + o.name)
}

// CreateNew writes object name with data only if no object has that
// name: when one has, it returns an error wrapping fs.ErrExist and the
// existing object is untouched.
func (d *Dir) CreateNew(ctx context.Context, name string, data []byte) error {
	if err := checkName(name, false); err != nil {
		return fmt.Errorf("create %s: %w", d.Location(name), err)
	}
	if d.bucket == nil {
		full := d.Location(name)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return fmt.Errorf("create %s: %w", full, err)
		}
		f, err := atomicfile.Create(full)
		if err != nil {
			return err
		}
		if _, err := f.Write(data); err != nil {
			f.Abort()
			return fmt.Errorf("write %s: %w", full, err)
		}
		return f.CommitNew()
	}
	err := d.bucket.WriteAll(ctx, d.prefix+name, data, d.writerOptions(name, true))
	if err != nil {
		d.abortUploadsOf(d.prefix + name)
		if gcerrors.Code(err) == gcerrors.FailedPrecondition || isConditionalConflict(err) {
			return fmt.Errorf("write %s: %w", d.Location(name), fs.ErrExist)
		}
		return fmt.Errorf("write %s: %w", d.Location(name), classify(err))
	}
	return nil
}

// ReadFile reads object name; a missing object is an error wrapping
// fs.ErrNotExist.
func (d *Dir) ReadFile(ctx context.Context, name string) ([]byte, error) {
	if err := checkName(name, false); err != nil {
		return nil, fmt.Errorf("read %s: %w", d.Location(name), err)
	}
	if d.bucket == nil {
		return os.ReadFile(d.Location(name))
	}
	b, err := d.bucket.ReadAll(ctx, d.prefix+name)
	if err != nil {
		if gcerrors.Code(err) == gcerrors.NotFound {
			return nil, fmt.Errorf("read %s: %w", d.Location(name), fs.ErrNotExist)
		}
		return nil, fmt.Errorf("read %s: %w", d.Location(name), classify(err))
	}
	return b, nil
}

// List returns the names of the objects under sub ("" for all of d, else
// a directory name such as "_kq_manifests"), recursively, sorted. Local
// temporary files of writes in progress are not listed.
func (d *Dir) List(ctx context.Context, sub string) ([]string, error) {
	sub = strings.TrimSuffix(sub, "/")
	if err := checkName(sub, true); err != nil {
		return nil, fmt.Errorf("list %s: %w", d.Location(sub), err)
	}
	var out []string
	if d.bucket == nil {
		root := d.Location(sub)
		err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) && p == root {
					return filepath.SkipDir
				}
				return err
			}
			if e.Type().IsRegular() && !atomicfile.IsTemp(e.Name()) {
				rel, err := filepath.Rel(d.local, p)
				if err != nil {
					return err
				}
				out = append(out, filepath.ToSlash(rel))
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", root, err)
		}
		slices.Sort(out)
		return out, nil
	}
	prefix := d.prefix
	if sub != "" {
		prefix += sub + "/"
	}
	it := d.bucket.List(&blob.ListOptions{Prefix: prefix})
	for {
		obj, err := it.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", d.location+strings.TrimPrefix(prefix, d.prefix), classify(err))
		}
		if obj.IsDir {
			continue
		}
		out = append(out, strings.TrimPrefix(obj.Key, d.prefix))
	}
	slices.Sort(out)
	return out, nil
}

// Remove deletes object name; a missing one is not an error. Locally,
// directories left empty up to d are removed too.
func (d *Dir) Remove(ctx context.Context, name string) error {
	if err := checkName(name, false); err != nil {
		return fmt.Errorf("remove %s: %w", d.Location(name), err)
	}
	if d.bucket == nil {
		full := d.Location(name)
		if err := os.Remove(full); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		for dir := path.Dir(name); dir != "." && dir != "/"; dir = path.Dir(dir) {
			if os.Remove(d.Location(dir)) != nil {
				break
			}
		}
		return nil
	}
	err := d.bucket.Delete(ctx, d.prefix+name)
	if err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return fmt.Errorf("remove %s: %w", d.Location(name), classify(err))
	}
	return nil
}
