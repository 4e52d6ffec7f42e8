package flightsql

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Option configures a Server; see New.
type Option func(*config)

type config struct {
	users          map[string]string
	tokens         []string
	tls            *tls.Config
	plaintextCreds bool
	maxQueries     int
	ticketTimeout  time.Duration
	sessionTTL     time.Duration
	logger         *slog.Logger
	mem            memory.Allocator
	version        string
}

// Defaults of the options.
const (
	// DefaultMaxQueries is how many statements run at once by default.
	DefaultMaxQueries = 16
	// DefaultTicketTimeout is how long a registered result waits for
	// its DoGet by default.
	DefaultTicketTimeout = time.Minute
	// DefaultSessionTTL is how long a bearer token issued by the
	// handshake stays valid by default.
	DefaultSessionTTL = 12 * time.Hour
)

// WithBasicAuth accepts HTTP basic auth for these users (name to
// password), on every call or once through the Flight handshake, which
// answers with a session bearer token (valid for WithSessionTTL).
// Passwords are compared in constant time. Default: none.
func WithBasicAuth(users map[string]string) Option {
	return func(c *config) {
		if c.users == nil {
			c.users = map[string]string{}
		}
		for u, p := range users {
			c.users[u] = p
		}
	}
}

// WithTokens accepts these static bearer tokens ("authorization: Bearer
// TOKEN"), compared in constant time. Default: none.
func WithTokens(tokens ...string) Option {
	return func(c *config) { c.tokens = append(c.tokens, tokens...) }
}

// WithTLS serves gRPC over TLS with cfg (its Certificates; ClientCAs with
// ClientAuth set to tls.RequireAndVerifyClientCert for mutual TLS, which
// counts as authentication). Default: plaintext, allowed without
// credentials on loopback only.
func WithTLS(cfg *tls.Config) Option { return func(c *config) { c.tls = cfg } }

// WithPlaintextCredentials lets a server on a non-loopback address accept
// passwords and tokens without TLS (for a TLS-terminating proxy in
// front). Default: refused, since they would cross the network in clear
// text.
func WithPlaintextCredentials() Option { return func(c *config) { c.plaintextCreds = true } }

// WithMaxQueries bounds the statements (queries and updates) running at
// once; one more is refused with codes.ResourceExhausted. A query counts
// from its GetFlightInfo until its DoGet ends (or its ticket times out).
// Default: DefaultMaxQueries (16).
func WithMaxQueries(n int) Option { return func(c *config) { c.maxQueries = n } }

// WithTicketTimeout sets how long a query's result, registered by
// GetFlightInfo, waits for the DoGet of its ticket before it is released
// (its scans stopped). Default: DefaultTicketTimeout (1 minute).
func WithTicketTimeout(d time.Duration) Option { return func(c *config) { c.ticketTimeout = d } }

// WithSessionTTL sets how long a bearer token issued by the basic-auth
// handshake stays valid. Default: DefaultSessionTTL (12 hours).
func WithSessionTTL(d time.Duration) Option { return func(c *config) { c.sessionTTL = d } }

// WithLogger sets the logger of served statements and refused calls
// (never with credentials). Default: slog.Default().
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithAllocator sets the allocator of the batches the server builds
// itself (listings, SqlInfo) and of parameter batches it reads. Results
// use the Engine's allocator. Default: memory.DefaultAllocator.
func WithAllocator(mem memory.Allocator) Option { return func(c *config) { c.mem = mem } }

// WithVersion sets the server version GetSqlInfo reports. Default: "dev".
func WithVersion(v string) Option { return func(c *config) { c.version = v } }

// validate fills the defaults and checks the options once.
func (c *config) validate() error {
	if c.maxQueries == 0 {
		c.maxQueries = DefaultMaxQueries
	}
	if c.maxQueries < 0 {
		return fmt.Errorf("flightsql: WithMaxQueries must be at least 1, got %d", c.maxQueries)
	}
	if c.ticketTimeout == 0 {
		c.ticketTimeout = DefaultTicketTimeout
	}
	if c.ticketTimeout < 0 {
		return fmt.Errorf("flightsql: WithTicketTimeout must be positive, got %v", c.ticketTimeout)
	}
	if c.sessionTTL == 0 {
		c.sessionTTL = DefaultSessionTTL
	}
	if c.sessionTTL < 0 {
		return fmt.Errorf("flightsql: WithSessionTTL must be positive, got %v", c.sessionTTL)
	}
	for u := range c.users {
		if u == "" || strings.Contains(u, ":") {
			return fmt.Errorf("flightsql: WithBasicAuth: user name %q must be non-empty and without ':'", u)
		}
	}
	for _, t := range c.tokens {
		if t == "" {
			return errors.New("flightsql: WithTokens: a token is empty")
		}
	}
	if c.logger == nil {
		c.logger = slog.Default()
	}
	if c.mem == nil {
		c.mem = memory.DefaultAllocator
	}
	if c.version == "" {
		c.version = "dev"
	}
	return nil
}

// mutualTLS reports whether clients must show a verified certificate.
func (c *config) mutualTLS() bool {
	return c.tls != nil && c.tls.ClientAuth == tls.RequireAndVerifyClientCert
}

// credentials reports whether passwords or tokens are configured.
func (c *config) credentials() bool { return len(c.users) > 0 || len(c.tokens) > 0 }
