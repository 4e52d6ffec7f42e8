package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq/internal/retry"
)

// ErrAuthentication is what errors.Is finds in the error of a cluster
// that refused the engine's credentials (a failed SASL login): a
// permanent failure, which a scale-out backend does not retry.
var ErrAuthentication = errors.New("authentication failed")

// authFailure marks a failed login; its message is the wrapped error's.
type authFailure struct{ error }

func (e authFailure) Is(target error) bool { return target == ErrAuthentication }
func (e authFailure) Unwrap() error        { return e.error }

// connect checks that the session's cluster answers (see reach). Once a
// check succeeds the session does not check again. It runs when a
// statement first needs the cluster: when it plans a source without
// kafka.* settings (clusters.ListerFor) or lists the topics. A statement
// that does not need the cluster — SELECT 1, read_parquet('...'), the
// session's tables, sources that all name their own cluster — is not held
// up by it.
func (s *Session) connect(ctx context.Context) error {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	if s.connected {
		return nil
	}
	if err := reach(ctx, s.client, s.cfg.Kafka.Brokers, s.cfg.Kafka.Auth, s.cfg.Timeout); err != nil {
		return err
	}
	s.connected = true
	return nil
}

// reach checks, within timeout (0 or less: as long as ctx allows), that
// the cluster of cl answers, so that an unreachable broker or a failed
// authentication is a clear error naming the brokers instead of a hang.
// auth describes the SASL in use ("" for none); it is never a secret.
func reach(ctx context.Context, cl *kgo.Client, brokers []string, auth string, timeout time.Duration) error {
	// A connection dropped during the check is retried a few times
	// (within the timeout): a lost connection is not an unreachable
	// cluster, and a broker that closes every connection (a failed
	// login) is still reported quickly.
	p := retry.Policy{Timeout: timeout, MaxAttempts: 5}
	err := p.Do(ctx, func(ctx context.Context) error { return cl.Ping(ctx) })
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	where := strings.Join(brokers, ",")
	if where == "" {
		where = "the cluster of the given client"
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("cannot reach Kafka at %s within %s", where, timeout)
	}
	if errors.Is(err, kerr.SaslAuthenticationFailed) {
		return authFailure{fmt.Errorf("cannot reach Kafka at %s: %w", where, err)}
	}
	if auth != "" && (errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)) {
		// Some brokers answer a failed login by closing the connection;
		// say what was being attempted (never the password).
		return authFailure{fmt.Errorf("cannot reach Kafka at %s: the broker closed the connection during SASL authentication (%s): check the mechanism, user and password: %w", where, auth, err)}
	}
	return fmt.Errorf("cannot reach Kafka at %s: %w", where, err)
}
