package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"syscall"

	"github.com/kq-sql/kq/internal/retry"
	"github.com/kq-sql/kq/lang"
)

// needsKafka reports whether stmt talks to the cluster: a kafka() source
// anywhere in it (subqueries, CTEs, EXPLAIN, COPY, DESCRIBE) or SHOW
// TOPICS. Everything else — SELECT 1, read_parquet('...'), the session's
// tables, SHOW TABLES — runs without a broker.
func needsKafka(stmt lang.Statement) bool {
	if s, ok := stmt.(*lang.Show); ok {
		return s.What == "TOPICS"
	}
	return len(lang.KafkaSources(stmt)) > 0
}

// connect checks, within the engine's timeout, that the cluster answers, so
// that an unreachable broker or a failed authentication is a clear error
// naming the brokers instead of a hang. Once a check succeeds the engine
// does not check again. A statement that does not need the cluster
// (needsKafka) is not held up by it.
func (s *Session) connect(ctx context.Context, stmt lang.Statement) error {
	if !needsKafka(stmt) {
		return nil
	}
	s.connMu.Lock()
	defer s.connMu.Unlock()
	if s.connected {
		return nil
	}
	// A connection dropped during the check is retried a few times
	// (within the timeout): a lost connection is not an unreachable
	// cluster, and a broker that closes every connection (a failed
	// login) is still reported quickly.
	p := retry.Policy{Timeout: s.cfg.Timeout, MaxAttempts: 5}
	err := p.Do(ctx, func(ctx context.Context) error { return s.client.Ping(ctx) })
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		where := strings.Join(s.cfg.Brokers, ",")
		if where == "" {
			where = "the cluster of the given client"
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("cannot reach Kafka at %s within %s", where, s.cfg.Timeout)
		}
		if s.cfg.Auth != "" && (errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)) {
			// Some brokers answer a failed login by closing the
			// connection; say what was being attempted (never the
			// password).
			return fmt.Errorf("cannot reach Kafka at %s: the broker closed the connection during SASL authentication (%s): check the mechanism, user and password: %w", where, s.cfg.Auth, err)
		}
		return fmt.Errorf("cannot reach Kafka at %s: %w", where, err)
	}
	s.connected = true
	return nil
}
