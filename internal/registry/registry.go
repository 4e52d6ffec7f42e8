// Package registry is kq's Schema Registry client: franz-go's sr client
// with kq's retry policy, errors that name the registry's URL (never its
// credentials), and a cache of schemas by id (ids are immutable in a
// registry, so a schema is fetched once per id for the client's life).
package registry

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/kq-sql/kq/internal/retry"
)

// Config says how to reach a registry.
type Config struct {
	// URL is the registry's base URL ("http://host:8081"); several may be
	// given, comma-separated, tried in order.
	URL string
	// User and Password are HTTP basic-auth credentials; none when User
	// is empty. The password never appears in errors or logs.
	User, Password string
	// TLS configures https URLs; nil uses the system roots.
	TLS *tls.Config
	// Timeout bounds how long one lookup is retried while the registry is
	// unreachable or answers 5xx/429; 0 or less: the context alone.
	Timeout time.Duration
}

// Client looks schemas up in one registry. It is safe for concurrent use.
type Client struct {
	cl      *sr.Client
	url     string
	timeout time.Duration

	mu   sync.Mutex
	byID map[int]*idEntry
}

type idEntry struct {
	done   chan struct{}
	schema sr.Schema
	err    error
}

// New returns a client of the registry cfg names; it does not contact it.
func New(cfg Config) (*Client, error) {
	urls := strings.Split(cfg.URL, ",")
	for i, u := range urls {
		urls[i] = strings.TrimSpace(u)
		if !strings.HasPrefix(urls[i], "http://") && !strings.HasPrefix(urls[i], "https://") {
			return nil, fmt.Errorf("schema registry URL %q: want http:// or https://", urls[i])
		}
	}
	opts := []sr.ClientOpt{sr.URLs(urls...), sr.UserAgent("kq")}
	if cfg.User != "" {
		opts = append(opts, sr.BasicAuth(cfg.User, cfg.Password))
	}
	if cfg.TLS != nil {
		opts = append(opts, sr.HTTPClient(&http.Client{Transport: &http.Transport{TLSClientConfig: cfg.TLS, Proxy: http.ProxyFromEnvironment}}))
	}
	cl, err := sr.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("schema registry %s: %w", strings.Join(urls, ","), err)
	}
	return &Client{cl: cl, url: strings.Join(urls, ","), timeout: cfg.Timeout, byID: map[int]*idEntry{}}, nil
}

// URL returns the registry's URL(s), for messages.
func (c *Client) URL() string { return c.url }

// SchemaByID returns the schema registered under id, fetched once per id
// (concurrent callers of one id wait for one request). A failed lookup is
// not cached.
func (c *Client) SchemaByID(ctx context.Context, id int) (sr.Schema, error) {
	c.mu.Lock()
	e, ok := c.byID[id]
	if !ok {
		e = &idEntry{done: make(chan struct{})}
		c.byID[id] = e
		c.mu.Unlock()
		e.err = c.do(ctx, fmt.Sprintf("schema id %d", id), func(ctx context.Context) (err error) {
			e.schema, err = c.cl.SchemaByID(ctx, id)
			return err
		})
		if e.err != nil {
			c.mu.Lock()
			delete(c.byID, id)
			c.mu.Unlock()
		}
		close(e.done)
		return e.schema, e.err
	}
	c.mu.Unlock()
	select {
	case <-e.done:
		return e.schema, e.err
	case <-ctx.Done():
		return sr.Schema{}, ctx.Err()
	}
}

// Versions returns every version of subject and caches each by its id, so
// that records written with any of them decode without asking the
// registry again.
func (c *Client) Versions(ctx context.Context, subject string) ([]sr.SubjectSchema, error) {
	var all []sr.SubjectSchema
	err := c.do(ctx, fmt.Sprintf("subject %q", subject), func(ctx context.Context) (err error) {
		all, err = c.cl.Schemas(ctx, subject)
		return err
	})
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range all {
		if _, ok := c.byID[s.ID]; !ok {
			e := &idEntry{done: make(chan struct{}), schema: s.Schema}
			close(e.done)
			c.byID[s.ID] = e
		}
	}
	return all, nil
}

// Version returns one version of subject (a schema reference).
func (c *Client) Version(ctx context.Context, subject string, version int) (sr.SubjectSchema, error) {
	var s sr.SubjectSchema
	err := c.do(ctx, fmt.Sprintf("subject %q version %d", subject, version), func(ctx context.Context) (err error) {
		s, err = c.cl.SchemaByVersion(ctx, subject, version)
		return err
	})
	return s, err
}

// Timeout is the client's retry bound (0: the context alone).
func (c *Client) Timeout() time.Duration { return c.timeout }

// Latest returns the latest version of subject, asked anew at each call:
// a statement reads with the subject's latest schema as of its start.
func (c *Client) Latest(ctx context.Context, subject string) (sr.SubjectSchema, error) {
	var s sr.SubjectSchema
	err := c.do(ctx, fmt.Sprintf("subject %q", subject), func(ctx context.Context) (err error) {
		s, err = c.cl.SchemaByVersion(ctx, subject, -1)
		return err
	})
	return s, err
}

// do runs one lookup under kq's retry policy: connection failures, 5xx
// and 429 are retried within the timeout; other answers are final.
func (c *Client) do(ctx context.Context, what string, op func(context.Context) error) error {
	p := retry.Policy{Timeout: c.timeout, Retriable: retriable}
	err := p.Do(ctx, op)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var re *sr.ResponseError
	if errors.As(err, &re) {
		switch {
		case re.StatusCode == http.StatusUnauthorized || re.StatusCode == http.StatusForbidden:
			return fmt.Errorf("schema registry at %s refused kq's credentials for %s (HTTP %d): check the user and password", c.url, what, re.StatusCode)
		case re.StatusCode == http.StatusNotFound:
			return &NotFoundError{URL: c.url, What: what, Msg: re.Error()}
		}
		return fmt.Errorf("schema registry at %s: %s: HTTP %d: %s", c.url, what, re.StatusCode, re.Error())
	}
	return fmt.Errorf("schema registry at %s: %s: %w", c.url, what, err)
}

// NotFoundError says the registry has no such schema id or subject.
type NotFoundError struct {
	URL, What, Msg string
}

// Error names the registry and what was missing.
func (e *NotFoundError) Error() string {
	return fmt.Sprintf("schema registry at %s has no %s (%s)", e.URL, e.What, e.Msg)
}

// retriable: connection failures and the registry's transient answers.
func retriable(err error) bool {
	var re *sr.ResponseError
	if errors.As(err, &re) {
		return re.StatusCode >= 500 || re.StatusCode == http.StatusTooManyRequests
	}
	return retry.Retriable(err)
}
