package kq

import (
	"errors"
	"fmt"

	"github.com/kq-sql/kq/internal/decode"
	"github.com/kq-sql/kq/internal/fetch"
	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/internal/runner"
	"github.com/kq-sql/kq/internal/storage"
	"github.com/kq-sql/kq/lang"
)

// QueryError is an error in a statement's text or meaning: a syntax error,
// an unknown column, an invalid option. Line and Column (from 1) point into
// the statement; lang.Caret draws the caret line under it.
type QueryError struct {
	Line, Column int
	Msg          string

	err error
}

// Error prints "line:column: message".
func (e *QueryError) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Msg) }

// Unwrap returns the parser's error.
func (e *QueryError) Unwrap() error { return e.err }

// UnknownTopicError says a topic named in a statement does not exist.
// Line and Column are where its kafka() source is (0 when not known);
// Suggestion is the existing topic with the closest name, or "".
type UnknownTopicError struct {
	Topic        string
	Line, Column int
	Suggestion   string

	err error
}

// Error names the topic and the suggestion.
func (e *UnknownTopicError) Error() string {
	if e.err != nil {
		return e.err.Error()
	}
	return fmt.Sprintf("unknown topic %q", e.Topic)
}

// Unwrap returns the planner's error.
func (e *UnknownTopicError) Unwrap() error { return e.err }

// DataLossError says records a scan had to read are gone from Kafka (below
// the log start offset, or a range that vanished) while failOnDataLoss is
// true (the default). The lost offsets are [From, To).
type DataLossError struct {
	Topic     string
	Partition int32
	From, To  int64

	err error
}

// Error names the partition and the lost offsets.
func (e *DataLossError) Error() string {
	if e.err != nil {
		return e.err.Error()
	}
	return fmt.Sprintf("data loss in %s-%d: offsets [%d, %d)", e.Topic, e.Partition, e.From, e.To)
}

// Unwrap returns the scan's error.
func (e *DataLossError) Unwrap() error { return e.err }

// DecodeError says a record's value or key did not decode while
// onDecodeError='fail'. Part is "value" or "key".
type DecodeError struct {
	Topic     string
	Partition int32
	Offset    int64
	Part      string

	err error
}

// Error names the record and why it did not decode.
func (e *DecodeError) Error() string {
	if e.err != nil {
		return e.err.Error()
	}
	return fmt.Sprintf("cannot decode the %s of %s-%d at offset %d", e.Part, e.Topic, e.Partition, e.Offset)
}

// Unwrap returns the decoder's error.
func (e *DecodeError) Unwrap() error { return e.err }

// ErrAuthentication is what errors.Is finds in the error of a statement
// whose cluster refused the engine's credentials (a failed SASL login).
var ErrAuthentication = runner.ErrAuthentication

// ErrAccessDenied is what errors.Is finds in the error of an export whose
// object store (S3, GCS, Azure) refused the credentials or the access:
// a wrong or expired key, a bad signature, a missing permission (HTTP
// 401 or 403). Running it again with the same credentials cannot succeed.
var ErrAccessDenied = storage.ErrDenied

// publicError gives err, whatever wraps what inside kq, the typed errors
// of this package for errors.As; its message is unchanged. nil stays nil.
func publicError(err error) error {
	if err == nil {
		return nil
	}
	return &kqError{err}
}

// kqError carries an error from kq's internals, answering errors.As for
// the public error types.
type kqError struct{ err error }

func (e *kqError) Error() string { return e.err.Error() }
func (e *kqError) Unwrap() error { return e.err }

func (e *kqError) As(target any) bool {
	switch t := target.(type) {
	case **UnknownTopicError:
		var u *plan.UnknownTopicError
		if errors.As(e.err, &u) {
			*t = &UnknownTopicError{Topic: u.Topic, Line: u.Pos.Line, Column: u.Pos.Column, Suggestion: u.Suggestion, err: u}
			return true
		}
	case **QueryError:
		var l *lang.Error
		if errors.As(e.err, &l) {
			*t = &QueryError{Line: l.Pos.Line, Column: l.Pos.Column, Msg: l.Msg, err: l}
			return true
		}
	case **DataLossError:
		var d *fetch.DataLossError
		if errors.As(e.err, &d) {
			*t = &DataLossError{Topic: d.Topic, Partition: d.Partition, From: d.From, To: d.To, err: d}
			return true
		}
	case **DecodeError:
		var d *decode.DecodeError
		if errors.As(e.err, &d) {
			*t = &DecodeError{Topic: d.Topic, Partition: d.Partition, Offset: d.Offset, Part: string(d.Part), err: d}
			return true
		}
	}
	return false
}
