// Package retry is kq's one retry policy for calls to Kafka: which errors
// are worth another attempt, how long to wait between attempts, and how
// long to keep trying. Fetches, offset listings, the connection check and
// the registry client all retry through Policy.Do.
package retry

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Retriable reports whether a failed request may succeed when sent again:
// Kafka's retriable error codes (NOT_LEADER_OR_FOLLOWER,
// REQUEST_TIMED_OUT, UNKNOWN_TOPIC_OR_PARTITION while metadata settles,
// ...) and connection failures (dropped connections, resets, dial
// timeouts). Not retriable: the end of the caller's context, a closed
// client, authentication failures and every non-retriable Kafka code.
//
// A caller for whom a retriable code is an answer says so before calling
// Do: planning treats UNKNOWN_TOPIC_OR_PARTITION of a topic missing from
// the metadata as "no such topic".
func Retriable(err error) bool {
	var ke *kerr.Error
	var pe *permanent
	switch {
	case err == nil, errors.As(err, &pe):
		return false
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded), errors.Is(err, kgo.ErrClientClosed):
		return false
	case errors.As(err, &ke):
		return ke.Retriable
	case errors.Is(err, kerr.SaslAuthenticationFailed), errors.Is(err, kerr.ClusterAuthorizationFailed):
		return false
	}
	return true
}

// Permanent marks err as not worth retrying whatever it wraps (a partition
// missing from a successful answer, say). Errors.Is and As see through it.
func Permanent(err error) error { return &permanent{err} }

type permanent struct{ err error }

func (p *permanent) Error() string { return p.err.Error() }
func (p *permanent) Unwrap() error { return p.err }

// Backoff is the wait before attempt n (n >= 1 is the first retry): 50 ms,
// doubling, at most 1 s.
func Backoff(n int) time.Duration {
	return min(50*time.Millisecond<<min(max(n-1, 0), 5), time.Second)
}

// Sleep waits d, or until ctx ends (then it returns ctx's error).
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Policy says how long an operation is retried. The zero Policy retries
// retriable errors for as long as the context allows.
type Policy struct {
	// Timeout bounds the whole operation: no attempt starts after it, and
	// each attempt's context ends at it plus Grace. Zero or less: only the
	// caller's context bounds it.
	Timeout time.Duration
	// Grace extends each attempt's deadline past Timeout, for requests
	// that may wait at the broker (a fetch's max wait). Default 0.
	Grace time.Duration
	// MaxAttempts bounds the number of attempts; zero or less: no bound.
	MaxAttempts int
	// Retriable classifies errors; default the package's Retriable.
	Retriable func(error) bool
}

// Do calls op until it returns nil or an error that is not retriable, the
// attempts or the timeout run out, or ctx ends, waiting Backoff between
// attempts. An attempt that ends because its own deadline passed (a
// broker that accepted the request but never answered) is retried while
// time remains.
//
// It returns nil, op's error when it is not retriable, ctx's error when
// ctx ended, or the last failure wrapped as "giving up after <timeout>:
// <err>" (the broker's failure is kept over the deadline that cut the
// last attempt short).
func (p Policy) Do(ctx context.Context, op func(ctx context.Context) error) error {
	retriable := p.Retriable
	if retriable == nil {
		retriable = Retriable
	}
	var deadline time.Time
	if p.Timeout > 0 {
		deadline = time.Now().Add(p.Timeout)
	}
	var last error
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			if p.MaxAttempts > 0 && attempt >= p.MaxAttempts || !deadline.IsZero() && !time.Now().Before(deadline) {
				return p.giveUp(last)
			}
			if err := Sleep(ctx, Backoff(attempt)); err != nil {
				return err
			}
		}
		actx, cancel := ctx, context.CancelFunc(func() {})
		if !deadline.IsZero() {
			actx, cancel = context.WithDeadline(ctx, deadline.Add(p.Grace))
		}
		err := op(actx)
		cancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		cut := errors.Is(err, context.DeadlineExceeded)
		if last == nil || !cut {
			last = err
		}
		if !cut && !retriable(err) {
			return err
		}
	}
}

func (p Policy) giveUp(err error) error {
	if p.Timeout > 0 {
		return fmt.Errorf("giving up after %v: %w", p.Timeout, err)
	}
	return fmt.Errorf("giving up after %d attempts: %w", p.MaxAttempts, err)
}
