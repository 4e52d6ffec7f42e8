package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/kq-sql/kq/flightsql"
)

// serveCmd is `kq serve`: the engine the global flags describe, served
// over Arrow Flight SQL (package flightsql). Credentials come from files
// or the environment, never from flags, so they do not show in ps.
type serveCmd struct {
	Listen        string        `default:"127.0.0.1:31337" placeholder:"ADDR" help:"Address to serve Flight SQL on. Without credentials only a loopback address is allowed."`
	UsersFile     string        `name:"users-file" placeholder:"FILE" help:"Basic-auth users, one 'user:password' per line ('#' comments). Also KQ_SERVE_USER with KQ_SERVE_PASSWORD."`
	TokenFile     string        `name:"token-file" placeholder:"FILE" help:"Bearer tokens, one per line ('#' comments). Also KQ_SERVE_TOKEN."`
	ServerCert    string        `name:"server-cert" placeholder:"FILE" help:"PEM certificate to serve TLS with (with --server-key)."`
	ServerKey     string        `name:"server-key" placeholder:"FILE" help:"PEM key of --server-cert."`
	ClientCA      string        `name:"client-ca" placeholder:"FILE" help:"PEM CAs that client certificates must chain to (mutual TLS; needs --server-cert)."`
	Plaintext     bool          `name:"insecure-plaintext" help:"Accept passwords and tokens without TLS on a non-loopback address (behind a TLS-terminating proxy)."`
	MaxQueries    int           `name:"max-queries" default:"16" help:"Statements running at once; one more is refused (RESOURCE_EXHAUSTED)."`
	TicketTimeout time.Duration `name:"ticket-timeout" default:"1m" help:"How long a query's result waits for the client to fetch it before it is released."`
}

// run serves until ctx ends (Ctrl-C, SIGTERM).
func (c *cli) serve(ctx context.Context, stderr io.Writer) error {
	opts, auth, err := c.Serve.options()
	if err != nil {
		return usageError{err}
	}
	lis, err := net.Listen("tcp", c.Serve.Listen)
	if err != nil {
		return usageError{fmt.Errorf("--listen: %w", err)}
	}
	s, err := c.open(ctx, stderr)
	if err != nil {
		lis.Close()
		return err
	}
	defer s.close()
	srv, err := flightsql.New(s.eng, append(opts, flightsql.WithVersion(version()))...)
	if err != nil {
		lis.Close()
		return err
	}
	if err := srv.CheckAddr(lis.Addr()); err != nil {
		lis.Close()
		return err
	}
	scheme := "grpc"
	if c.Serve.ServerCert != "" {
		scheme = "grpc+tls"
	}
	fmt.Fprintf(stderr, "kq: serving Arrow Flight SQL on %s://%s (%s); Ctrl-C stops it\n", scheme, lis.Addr(), auth)
	return srv.Serve(ctx, lis)
}

// options turns the serve flags and the environment into server options,
// and describes the authentication for the start-up line (never the
// credentials themselves).
func (sc *serveCmd) options() ([]flightsql.Option, string, error) {
	opts := []flightsql.Option{flightsql.WithMaxQueries(sc.MaxQueries), flightsql.WithTicketTimeout(sc.TicketTimeout)}
	if sc.MaxQueries < 1 {
		return nil, "", fmt.Errorf("--max-queries must be at least 1, got %d", sc.MaxQueries)
	}
	if sc.TicketTimeout <= 0 {
		return nil, "", fmt.Errorf("--ticket-timeout must be positive, got %v", sc.TicketTimeout)
	}
	var auth []string
	users := map[string]string{}
	if sc.UsersFile != "" {
		lines, err := credentialLines(sc.UsersFile)
		if err != nil {
			return nil, "", fmt.Errorf("--users-file: %w", err)
		}
		for _, l := range lines {
			user, pass, ok := strings.Cut(l.text, ":")
			if !ok || user == "" || pass == "" {
				return nil, "", fmt.Errorf("--users-file %s:%d: want user:password", sc.UsersFile, l.n)
			}
			users[user] = pass
		}
	}
	if user := os.Getenv("KQ_SERVE_USER"); user != "" {
		pass := os.Getenv("KQ_SERVE_PASSWORD")
		if pass == "" || strings.Contains(user, ":") {
			return nil, "", errors.New("KQ_SERVE_USER needs KQ_SERVE_PASSWORD, and a name without ':'")
		}
		users[user] = pass
	}
	if len(users) > 0 {
		opts = append(opts, flightsql.WithBasicAuth(users))
		auth = append(auth, fmt.Sprintf("basic auth, %d users", len(users)))
	}
	var tokens []string
	if sc.TokenFile != "" {
		lines, err := credentialLines(sc.TokenFile)
		if err != nil {
			return nil, "", fmt.Errorf("--token-file: %w", err)
		}
		for _, l := range lines {
			tokens = append(tokens, l.text)
		}
	}
	if tok := os.Getenv("KQ_SERVE_TOKEN"); tok != "" {
		tokens = append(tokens, tok)
	}
	if len(tokens) > 0 {
		opts = append(opts, flightsql.WithTokens(tokens...))
		auth = append(auth, fmt.Sprintf("%d bearer tokens", len(tokens)))
	}
	if (sc.ServerCert == "") != (sc.ServerKey == "") {
		return nil, "", errors.New("--server-cert and --server-key go together")
	}
	if sc.ClientCA != "" && sc.ServerCert == "" {
		return nil, "", errors.New("--client-ca needs --server-cert and --server-key")
	}
	if sc.ServerCert != "" {
		cert, err := tls.LoadX509KeyPair(sc.ServerCert, sc.ServerKey)
		if err != nil {
			return nil, "", fmt.Errorf("--server-cert: %w", err)
		}
		cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		if sc.ClientCA != "" {
			pem, err := os.ReadFile(sc.ClientCA)
			if err != nil {
				return nil, "", fmt.Errorf("--client-ca: %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return nil, "", fmt.Errorf("--client-ca %s: no PEM certificates found", sc.ClientCA)
			}
			cfg.ClientCAs, cfg.ClientAuth = pool, tls.RequireAndVerifyClientCert
			auth = append(auth, "client certificates")
		}
		opts = append(opts, flightsql.WithTLS(cfg))
	}
	if sc.Plaintext {
		opts = append(opts, flightsql.WithPlaintextCredentials())
	}
	if len(auth) == 0 {
		auth = []string{"no authentication: loopback only"}
	}
	return opts, strings.Join(auth, ", "), nil
}

type credentialLine struct {
	n    int
	text string
}

// credentialLines returns the non-blank, non-comment lines of a
// credentials file, trimmed, with their numbers.
func credentialLines(path string) ([]credentialLine, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []credentialLine
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		l := strings.TrimSpace(sc.Text())
		if l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, credentialLine{n, l})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s holds no credentials", path)
	}
	return out, nil
}

// version is kq's module version as built ("(devel)" from a checkout).
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "dev"
}
