package runner

import "context"

// Ping checks, within the session's timeout, that its cluster answers:
// an unreachable broker or a failed authentication is an error naming
// the brokers. Unlike the check statements make once, it asks every
// time.
func (s *Session) Ping(ctx context.Context) error {
	if err := reach(ctx, s.client, s.cfg.Kafka.Brokers, s.cfg.Kafka.Auth, s.cfg.Timeout); err != nil {
		return err
	}
	s.connMu.Lock()
	s.connected = true
	s.connMu.Unlock()
	return nil
}
