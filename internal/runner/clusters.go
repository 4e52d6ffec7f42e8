package runner

import (
	"context"
	"fmt"
	"sync"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq/internal/kafkaclient"
	"github.com/kq-sql/kq/internal/plan"
)

// clusters are the Kafka clusters one statement is planned against, and
// the plan.SettingsLister it is planned with: a source without kafka.*
// settings is resolved with the session's client (checked once per
// session, see connect), and each distinct set of settings with a client
// of its own, made and checked (reach) on first use. close closes the
// clients it made; statements call it when planning ends, as their scans'
// workers make their own clients (scanConfig). Safe for concurrent use.
type clusters struct {
	// offsetLister is the session's, which makes clusters an
	// OffsetLister; plan never calls it directly but routes every scan
	// through ListerFor, which checks the session's cluster first.
	*offsetLister
	s *Session

	mu      sync.Mutex
	by      map[string]*offsetLister // by ClientSettings.Identity
	clients []*kgo.Client
}

// newClusters returns the clusters of one statement; close them when
// planning ends.
func (s *Session) newClusters() *clusters {
	return &clusters{offsetLister: s.lister, s: s, by: map[string]*offsetLister{}}
}

// ListerFor implements plan.SettingsLister.
func (c *clusters) ListerFor(ctx context.Context, set plan.ClientSettings) (plan.OffsetLister, error) {
	if set.IsZero() {
		if err := c.s.connect(ctx); err != nil {
			return nil, err
		}
		return c.s.lister, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	id := set.Identity()
	if l, ok := c.by[id]; ok {
		return l, nil
	}
	kc, err := kafkaclient.New(c.s.cfg.Kafka, set)
	if err != nil {
		return nil, err
	}
	cl, err := kgo.NewClient(kc.Opts...)
	if err != nil {
		return nil, fmt.Errorf("kafka client: %w", err)
	}
	if err := reach(ctx, cl, kc.Brokers, kc.Auth, c.s.cfg.Timeout); err != nil {
		cl.Close()
		return nil, err
	}
	l := &offsetLister{cl: cl, adm: kadm.NewClient(cl), timeout: c.s.cfg.Timeout}
	c.by[id] = l
	c.clients = append(c.clients, cl)
	return l, nil
}

// close closes the clients the statement's sources made.
func (c *clusters) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, cl := range c.clients {
		cl.Close()
	}
	c.clients, c.by = nil, map[string]*offsetLister{}
}
