// Package storage is where exports write: a local directory or a prefix
// of an object store bucket (s3://, gs://, azblob://), behind one Dir type
// with the same guarantees on both.
//
// An object written through a Dir is visible only when whole: locally it
// is an atomicfile renamed into place on Commit; on object storage it is
// an upload that completes on Commit and is aborted otherwise, and a
// multipart upload that an abort or a cancelled context left behind is
// aborted again with a fresh, bounded context (the AWS transfer manager
// aborts with the writer's own context, which is already cancelled then:
// TestCancelledUploadLeavesNoUpload). CreateNew writes an object only
// when its name is free (a hard link locally, If-None-Match: * on S3),
// which is how export commits a run's manifest exactly once.
//
// Credentials come from each cloud's standard chain: for S3 the AWS SDK's
// default chain (environment, shared config and credentials files, web
// identity, instance and container roles), with the endpoint of
// S3_ENDPOINT or AWS_ENDPOINT_URL (then with path-style addressing, as
// S3-compatible stores need); for gs:// Google's application default
// credentials; for azblob:// the AZURE_STORAGE_* variables or Azure's
// default credential. Nothing here prints a credential.
package storage
