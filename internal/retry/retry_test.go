package retry

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

func TestRetriable(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{io.EOF, true}, // a dropped connection
		{kerr.NotLeaderForPartition, true},
		{kerr.RequestTimedOut, true},
		{kerr.UnknownTopicOrPartition, true}, // Kafka's own classification
		{kerr.TopicAuthorizationFailed, false},
		{kerr.SaslAuthenticationFailed, false},
		{context.Canceled, false},
		{context.DeadlineExceeded, false},
		{kgo.ErrClientClosed, false},
		{Permanent(io.EOF), false},
	} {
		if got := Retriable(tc.err); got != tc.want {
			t.Errorf("Retriable(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

func TestDo(t *testing.T) {
	ctx := context.Background()
	t.Run("until success", func(t *testing.T) {
		n := 0
		err := Policy{}.Do(ctx, func(context.Context) error {
			if n++; n < 3 {
				return kerr.NotLeaderForPartition
			}
			return nil
		})
		if err != nil || n != 3 {
			t.Fatalf("err %v after %d attempts, want nil after 3", err, n)
		}
	})
	t.Run("not retriable", func(t *testing.T) {
		n := 0
		err := Policy{}.Do(ctx, func(context.Context) error { n++; return kerr.TopicAuthorizationFailed })
		if !errors.Is(err, kerr.TopicAuthorizationFailed) || n != 1 {
			t.Fatalf("err %v after %d attempts, want the error at once", err, n)
		}
	})
	t.Run("attempts", func(t *testing.T) {
		n := 0
		err := Policy{MaxAttempts: 2}.Do(ctx, func(context.Context) error { n++; return io.EOF })
		if !errors.Is(err, io.EOF) || n != 2 || !strings.Contains(err.Error(), "giving up after 2 attempts") {
			t.Fatalf("err %v after %d attempts", err, n)
		}
	})
	t.Run("timeout keeps the broker's error", func(t *testing.T) {
		start := time.Now()
		n := 0
		err := Policy{Timeout: 200 * time.Millisecond}.Do(ctx, func(ctx context.Context) error {
			if n++; n == 1 {
				return kerr.NotLeaderForPartition
			}
			<-ctx.Done() // a broker that never answers
			return ctx.Err()
		})
		if !errors.Is(err, kerr.NotLeaderForPartition) || !strings.Contains(err.Error(), "giving up after 200ms") {
			t.Fatalf("err %v, want the broker's error after the timeout", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("took %v", d)
		}
	})
	t.Run("context", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		err := Policy{}.Do(cctx, func(context.Context) error { cancel(); return io.EOF })
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err %v, want the context's", err)
		}
	})
}
