package storage

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/aws/smithy-go"
	"gocloud.dev/gcerrors"
)

// LocationError is a destination that cannot be: a bad URL, scheme or
// name, a missing bucket, a file where a directory should be. Trying
// again cannot help; the statement must change.
type LocationError struct{ err error }

func locationErrorf(format string, args ...any) *LocationError {
	return &LocationError{fmt.Errorf(format, args...)}
}

func (e *LocationError) Error() string { return e.err.Error() }
func (e *LocationError) Unwrap() error { return e.err }

// ErrDenied is what errors.Is finds in the error of an operation the
// object store refused for its credentials or permissions (HTTP 401 or
// 403: a wrong or expired key, a bad signature, a missing permission).
// Trying again with the same credentials cannot succeed.
var ErrDenied = errors.New("access denied by the object store")

// deniedCodes are S3's error codes for refused credentials and access,
// and versitygw's for an unknown access key (with HTTP 404, where S3
// answers 403 InvalidAccessKeyId).
var deniedCodes = map[string]bool{
	"AccessDenied": true, "Forbidden": true, "Unauthorized": true,
	"InvalidAccessKeyId": true, "SignatureDoesNotMatch": true,
	"InvalidToken": true, "ExpiredToken": true, "TokenRefreshRequired": true,
	"AllAccessDisabled": true, "AccountProblem": true, "InvalidSecurity": true,
	"XAdminUserNotFound": true,
}

// deniedError is a store's error that ErrDenied matches. Its message
// says so first, then the store's own (its code, its request id).
type deniedError struct{ error }

func (e deniedError) Error() string {
	return "access denied (check the credentials and their permissions on the destination): " + e.error.Error()
}
func (e deniedError) Is(target error) bool { return target == ErrDenied }
func (e deniedError) Unwrap() error        { return e.error }

// classify returns err so that errors.Is(err, ErrDenied) holds when the
// store refused the credentials or the access; other errors unchanged.
func classify(err error) error {
	if err == nil || errors.Is(err, ErrDenied) {
		return err
	}
	if gcerrors.Code(err) == gcerrors.PermissionDenied {
		return deniedError{err}
	}
	var ae smithy.APIError
	if errors.As(err, &ae) && deniedCodes[ae.ErrorCode()] {
		return deniedError{err}
	}
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) && (re.HTTPStatusCode() == http.StatusUnauthorized || re.HTTPStatusCode() == http.StatusForbidden) {
		return deniedError{err}
	}
	return err
}
