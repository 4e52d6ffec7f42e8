package flightsql

import (
	"context"
	"errors"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/kq-sql/kq"
)

// ErrNotLoopback is returned by Serve for a listener on an address other
// than loopback when no authentication is configured.
var ErrNotLoopback = errors.New("flightsql: serving a non-loopback address needs authentication (basic auth users, bearer tokens or client certificates)")

// ErrPlaintextCredentials is returned by Serve for a listener on an
// address other than loopback with passwords or tokens but no TLS (see
// WithPlaintextCredentials).
var ErrPlaintextCredentials = errors.New("flightsql: passwords and tokens on a non-loopback address need TLS (or WithPlaintextCredentials behind a TLS proxy)")

// statusOf turns an error of the Engine into a gRPC status with the
// Flight SQL code a client can branch on: InvalidArgument for errors in
// the statement (with line:column), NotFound for an unknown topic,
// DataLoss, Canceled and DeadlineExceeded for what they say, Internal for
// the rest. The message is the Engine's, which never holds credentials.
func statusOf(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := status.FromError(err); ok {
		return err
	}
	var (
		qe  *kq.QueryError
		ute *kq.UnknownTopicError
		dle *kq.DataLossError
	)
	code := codes.Internal
	switch {
	case errors.As(err, &ute):
		code = codes.NotFound
	case errors.As(err, &qe):
		code = codes.InvalidArgument
	case errors.As(err, &dle):
		code = codes.DataLoss
	case errors.Is(err, context.Canceled):
		code = codes.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		code = codes.DeadlineExceeded
	}
	return status.Error(code, err.Error())
}
