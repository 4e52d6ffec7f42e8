package storage

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"gocloud.dev/blob"
	_ "gocloud.dev/blob/azureblob" // azblob:// with the AZURE_STORAGE_* variables or Azure's default credential
	_ "gocloud.dev/blob/gcsblob"   // gs:// with Google's application default credentials
	"gocloud.dev/blob/s3blob"

	"github.com/kq-sql/kq/internal/atomicfile"
)

// S3EndpointEnv are the environment variables that point s3:// at an
// S3-compatible store, in the order they are looked at (an endpoint=
// query parameter of the URL comes first). With an endpoint, requests
// use path-style addressing (http://host/bucket/key), which such stores
// need, and checksums only where the API requires them.
var S3EndpointEnv = []string{"S3_ENDPOINT", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"}

// openS3 opens s3://bucket with the AWS SDK's default credential chain.
// The region is the URL's region= parameter, else the chain's
// (AWS_REGION, the shared config), else us-east-1.
func openS3(ctx context.Context, u *url.URL) (*blob.Bucket, *s3.Client, *transfermanager.Client, error) {
	q := u.Query()
	var opts []func(*config.LoadOptions) error
	if r := q.Get("region"); r != "" {
		opts = append(opts, config.WithRegion(r))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	endpoint := q.Get("endpoint")
	for _, env := range S3EndpointEnv {
		if endpoint == "" {
			endpoint = os.Getenv(env)
		}
	}
	if endpoint != "" && !strings.Contains(endpoint, "://") {
		endpoint = "https://" + endpoint
	}
	var bopts s3blob.Options
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
			o.UsePathStyle = true
			o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
			o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
		}
	})
	if endpoint != "" {
		bopts.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
	}
	tm := transfermanager.New(client, func(o *transfermanager.Options) {
		o.PartSizeBytes = uploadPartSize
		o.MultipartUploadThreshold = uploadPartSize
		o.Concurrency = uploadConcurrency
		// The transfer manager aborts a failed multipart upload with the
		// upload's own context unless FailTimeout is set: after a
		// cancellation that abort fails and the upload stays behind.
		o.FailTimeout = cleanupTimeout
		if bopts.RequestChecksumCalculation != 0 {
			o.RequestChecksumCalculation = bopts.RequestChecksumCalculation
		}
	})
	b, err := s3blob.OpenBucket(ctx, client, u.Host, &bopts)
	if err != nil {
		return nil, nil, nil, err
	}
	return b, client, tm, nil
}

// useTransfer is the BeforeWrite of S3 uploads: it gives gocloud's
// writer the transfer manager openS3 configured (part size, threshold,
// concurrency, FailTimeout) in place of the one it made with the SDK's
// defaults. gocloud exposes its *transfermanager.Client only through As;
// the struct is replaced in place.
func (d *Dir) useTransfer(as func(any) bool) error {
	var tm *transfermanager.Client
	if as(&tm) && tm != nil {
		*tm = *d.transfer
	}
	return nil
}

// openDefault opens gs:// and azblob:// buckets through gocloud's URL
// openers, which take credentials from the cloud's default chain (and
// honour its emulator variables). The URL's query parameters go to the
// opener; the path is kq's prefix.
func openDefault(ctx context.Context, u *url.URL) (*blob.Bucket, error) {
	b := *u
	b.Path, b.RawPath = "", ""
	return blob.DefaultURLMux().OpenBucket(ctx, b.String())
}

// isConditionalConflict reports an S3 error that means a conditional
// write lost a race (409 ConditionalRequestConflict), which is as much
// "the object exists" as 412 PreconditionFailed.
func isConditionalConflict(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "ConditionalRequestConflict"
}

// Upload is a write in progress: a multipart upload on S3, a temporary
// file in a local directory.
type Upload struct {
	// Name is the object's name in the Dir (locally, the temporary
	// file's).
	Name string
	// ID is the upload's ID (locally, the temporary file's base name).
	ID string
	// Initiated is when it started (locally, its last write).
	Initiated time.Time
}

// Uploads lists the writes in progress under d: on S3 the multipart
// uploads, in a local directory the temporary files of atomicfile (their
// ID is the file's name). It is what a write that was killed (SIGKILL, a
// crash) or whose abort failed leaves behind: invisible, but stored (and
// billed).
func (d *Dir) Uploads(ctx context.Context) ([]Upload, error) {
	if d.bucket == nil {
		return d.localTemps()
	}
	if d.s3 == nil {
		return nil, nil
	}
	return d.uploads(ctx, d.prefix)
}

// localTemps lists the temporary files under a local d.
func (d *Dir) localTemps() ([]Upload, error) {
	var out []Upload
	err := filepath.WalkDir(d.local, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !e.Type().IsRegular() || !atomicfile.IsTemp(e.Name()) {
			return nil
		}
		fi, err := e.Info()
		if err != nil {
			return nil // gone meanwhile
		}
		rel, err := filepath.Rel(d.local, p)
		if err != nil {
			return err
		}
		out = append(out, Upload{Name: filepath.ToSlash(rel), ID: e.Name(), Initiated: fi.ModTime()})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", d.local, err)
	}
	return out, nil
}

func (d *Dir) uploads(ctx context.Context, prefix string) ([]Upload, error) {
	var out []Upload
	in := &s3.ListMultipartUploadsInput{Bucket: aws.String(d.name), Prefix: aws.String(prefix)}
	for {
		res, err := d.s3.ListMultipartUploads(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("list multipart uploads of %s: %w", d.location, classify(err))
		}
		for _, u := range res.Uploads {
			up := Upload{Name: strings.TrimPrefix(aws.ToString(u.Key), d.prefix), ID: aws.ToString(u.UploadId)}
			if u.Initiated != nil {
				up.Initiated = *u.Initiated
			}
			out = append(out, up)
		}
		if !aws.ToBool(res.IsTruncated) {
			return out, nil
		}
		in.KeyMarker, in.UploadIdMarker = res.NextKeyMarker, res.NextUploadIdMarker
	}
}

// AbortUploads aborts the writes in progress under d (Uploads) that
// started (locally: were last written) before t, and returns how many it
// aborted. An export calls it before writing, with its own start time:
// what a killed run left behind goes, its own writes are newer.
func (d *Dir) AbortUploads(ctx context.Context, before time.Time) (int, error) {
	ups, err := d.Uploads(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, u := range ups {
		if !u.Initiated.IsZero() && !u.Initiated.Before(before) {
			continue
		}
		if d.bucket == nil {
			if err := os.Remove(d.Location(u.Name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return n, err
			}
		} else if err := d.abortUpload(ctx, d.prefix+u.Name, u.ID); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func (d *Dir) abortUpload(ctx context.Context, key, id string) error {
	_, err := d.s3.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(d.name), Key: aws.String(key), UploadId: aws.String(id)})
	if err != nil {
		return fmt.Errorf("abort multipart upload of %s: %w", d.location+strings.TrimPrefix(key, d.prefix), classify(err))
	}
	return nil
}

// abortUploadsOf aborts every multipart upload of key, with a fresh
// context bounded by cleanupTimeout: it runs after a write was aborted or
// failed, typically because the writer's context was cancelled. With
// gocloud.dev v0.47.0's own transfer manager (aws-sdk-go-v2
// transfermanager v0.4.3, FailTimeout 0) the abort used that cancelled
// context and failed, leaving the upload behind; useTransfer sets a
// FailTimeout, and this stays as the check that nothing is left whatever
// the transfer manager did. Errors are ignored: the next export's
// AbortUploads tries again.
func (d *Dir) abortUploadsOf(key string) {
	if d.s3 == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	ups, err := d.uploads(ctx, key)
	if err != nil {
		return
	}
	for _, u := range ups {
		if d.prefix+u.Name == key {
			d.abortUpload(ctx, key, u.ID)
		}
	}
}
