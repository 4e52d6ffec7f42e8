package flightsql

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"github.com/kq-sql/kq"
)

// Server serves one Engine over Arrow Flight SQL. Create it with New and
// run it with Serve; it is safe for concurrent use. The Engine is shared
// by every connection (so is its --db database) and stays the caller's to
// close, after Serve has returned.
type Server struct {
	flightsql.BaseServer

	eng  *kq.Engine
	cfg  config
	auth *authenticator

	// slots bounds the statements running at once (WithMaxQueries).
	slots chan struct{}

	mu       sync.Mutex
	results  map[string]*result   // registered by GetFlightInfo, taken by DoGet
	prepared map[string]*prepared // by handle
	closed   bool
}

// New returns a Server for eng configured by opts.
func New(eng *kq.Engine, opts ...Option) (*Server, error) {
	if eng == nil {
		return nil, errors.New("flightsql: New needs an Engine")
	}
	var c config
	for _, o := range opts {
		o(&c)
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	s := &Server{
		eng:      eng,
		cfg:      c,
		auth:     newAuthenticator(&c),
		slots:    make(chan struct{}, c.maxQueries),
		results:  map[string]*result{},
		prepared: map[string]*prepared{},
	}
	s.Alloc = c.mem
	if err := s.registerSQLInfo(); err != nil {
		return nil, err
	}
	return s, nil
}

// Serve serves Flight SQL on lis until ctx ends, then stops: calls in
// flight get a few seconds to finish, running queries are cancelled, and
// Serve returns nil. Serve refuses (ErrNotLoopback) a listener on an
// address other than loopback unless authentication is configured, and
// (ErrPlaintextCredentials) credentials there without TLS. It closes lis.
func (s *Server) Serve(ctx context.Context, lis net.Listener) error {
	if err := s.CheckAddr(lis.Addr()); err != nil {
		lis.Close()
		return err
	}
	opts := []grpc.ServerOption{
		grpc.ChainUnaryInterceptor(s.auth.unary),
		grpc.ChainStreamInterceptor(s.auth.stream),
	}
	if s.cfg.tls != nil {
		opts = append(opts, grpc.Creds(credentials.NewTLS(s.cfg.tls)))
	}
	gs := grpc.NewServer(opts...)
	flight.RegisterFlightServiceServer(gs, &service{FlightServer: flightsql.NewFlightServerWithAllocator(s, s.cfg.mem), s: s})
	done := make(chan error, 1)
	go func() { done <- gs.Serve(lis) }()
	select {
	case err := <-done:
		s.shutdown()
		return fmt.Errorf("flightsql: serving %s: %w", lis.Addr(), err)
	case <-ctx.Done():
	}
	// Cancel the queries first: a DoGet streaming a long scan would
	// otherwise hold GracefulStop for as long as the scan runs.
	s.shutdown()
	stopped := make(chan struct{})
	go func() { gs.GracefulStop(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		gs.Stop()
		<-stopped
	}
	<-done
	return nil
}

// CheckAddr applies the rule Serve applies to its listener's address:
// no authentication only on loopback (else ErrNotLoopback), and
// passwords or tokens off loopback only over TLS (else
// ErrPlaintextCredentials, unless WithPlaintextCredentials).
func (s *Server) CheckAddr(addr net.Addr) error {
	if loopback(addr) {
		return nil
	}
	if !s.cfg.credentials() && !s.cfg.mutualTLS() {
		return fmt.Errorf("%w; listening on %s", ErrNotLoopback, addr)
	}
	if s.cfg.credentials() && s.cfg.tls == nil && !s.cfg.plaintextCreds {
		return fmt.Errorf("%w; listening on %s", ErrPlaintextCredentials, addr)
	}
	return nil
}

// loopback reports whether addr is a TCP address on a loopback
// interface (127.0.0.0/8, ::1), or a Unix socket.
func loopback(addr net.Addr) bool {
	switch a := addr.(type) {
	case *net.TCPAddr:
		return a.IP.IsLoopback()
	case *net.UnixAddr:
		return true
	}
	return false
}

// shutdown releases every registered result and every prepared
// statement's first result (stopping their scans) and refuses new ones.
func (s *Server) shutdown() {
	s.mu.Lock()
	s.closed = true
	rs := s.results
	s.results = map[string]*result{}
	ps := s.prepared
	s.prepared = map[string]*prepared{}
	s.mu.Unlock()
	for _, r := range rs {
		r.finish()
	}
	for _, p := range ps {
		if r := p.takeFirst(); r != nil {
			r.finish()
		}
	}
}

// acquire takes a statement slot, or refuses at once with
// ResourceExhausted; the returned func gives it back (once).
func (s *Server) acquire() (func(), error) {
	select {
	case s.slots <- struct{}{}:
		var once sync.Once
		return func() { once.Do(func() { <-s.slots }) }, nil
	default:
		return nil, errBusy(s.cfg.maxQueries)
	}
}

// newHandle returns a random 128-bit handle.
func newHandle() ([]byte, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	return b, nil
}
