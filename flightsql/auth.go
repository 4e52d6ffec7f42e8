package flightsql

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strconv"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// errUnauthenticated is every refusal: the same words whatever was wrong
// (no credentials, a wrong password, an unknown or expired token), so a
// refusal tells nothing.
var errUnauthenticated = status.Error(codes.Unauthenticated, "kq serve: authentication required (basic auth or a bearer token)")

// principal names who makes a call: "user NAME", "token N" (the Nth
// configured token), "anonymous" (no authentication configured) or
// "client certificate". A query's handle is only good for the principal
// that registered it.
type principal string

type principalKey struct{}

func principalFrom(ctx context.Context) principal {
	p, _ := ctx.Value(principalKey{}).(principal)
	return p
}

// authenticator checks the credentials of every call. It is safe for
// concurrent use.
type authenticator struct {
	users  map[[32]byte]userEntry // by sha256 of the name
	tokens [][32]byte             // sha256 of each static token
	open   bool                   // no credentials configured: everyone passes
	ttl    time.Duration

	mu       sync.Mutex
	sessions map[[32]byte]session // by sha256 of the issued token
}

type userEntry struct {
	name     string
	password [32]byte // sha256
}

type session struct {
	who     principal
	expires time.Time
}

func newAuthenticator(c *config) *authenticator {
	a := &authenticator{users: map[[32]byte]userEntry{}, ttl: c.sessionTTL, sessions: map[[32]byte]session{}}
	for u, p := range c.users {
		a.users[sha256.Sum256([]byte(u))] = userEntry{name: u, password: sha256.Sum256([]byte(p))}
	}
	for _, t := range c.tokens {
		a.tokens = append(a.tokens, sha256.Sum256([]byte(t)))
	}
	a.open = !c.credentials()
	return a
}

// dummy is compared against when a user name is unknown, so that an
// unknown name costs what a wrong password costs.
var dummy = sha256.Sum256([]byte("kq serve: no such user"))

// basic checks "user:password" (decoded) in constant time.
func (a *authenticator) basic(userpass string) (principal, bool) {
	user, pass, ok := strings.Cut(userpass, ":")
	e, known := a.users[sha256.Sum256([]byte(user))]
	want := dummy
	if known {
		want = e.password
	}
	got := sha256.Sum256([]byte(pass))
	match := subtle.ConstantTimeCompare(got[:], want[:]) == 1
	if !ok || !known || !match {
		return "", false
	}
	return principal("user " + e.name), true
}

// bearer checks a static token (every one compared, in constant time)
// or a session token issued by the handshake.
func (a *authenticator) bearer(token string) (principal, bool) {
	h := sha256.Sum256([]byte(token))
	found := -1
	for i, t := range a.tokens {
		if subtle.ConstantTimeCompare(h[:], t[:]) == 1 {
			found = i
		}
	}
	if found >= 0 {
		return principal("token " + strconv.Itoa(found+1)), true
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	s, ok := a.sessions[h]
	if !ok || time.Now().After(s.expires) {
		delete(a.sessions, h)
		return "", false
	}
	return s.who, true
}

// issue returns a new session token for who, valid for the TTL.
func (a *authenticator) issue(who principal) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	now := time.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	for k, s := range a.sessions {
		if now.After(s.expires) {
			delete(a.sessions, k)
		}
	}
	a.sessions[sha256.Sum256([]byte(token))] = session{who: who, expires: now.Add(a.ttl)}
	return token, nil
}

// check authenticates the call whose incoming metadata md holds;
// handshake is true for Flight's Handshake, which answers a valid basic
// auth with a session token.
func (a *authenticator) check(ctx context.Context, handshake bool) (context.Context, principal, string, error) {
	if a.open {
		return ctx, "anonymous", "", nil
	}
	md, _ := metadata.FromIncomingContext(ctx)
	var scheme, cred string
	if v := md.Get("authorization"); len(v) > 0 {
		scheme, cred, _ = strings.Cut(strings.TrimSpace(v[0]), " ")
		cred = strings.TrimLeft(cred, " ")
	}
	switch {
	case strings.EqualFold(scheme, "Bearer") && cred != "":
		if who, ok := a.bearer(cred); ok {
			return context.WithValue(ctx, principalKey{}, who), who, "", nil
		}
	case strings.EqualFold(scheme, "Basic") && cred != "":
		raw, err := base64.StdEncoding.DecodeString(cred)
		if err != nil {
			raw, err = base64.RawStdEncoding.DecodeString(cred)
		}
		if err != nil {
			break
		}
		if who, ok := a.basic(string(raw)); ok {
			var token string
			if handshake {
				if token, err = a.issue(who); err != nil {
					return ctx, "", "", status.Error(codes.Internal, "kq serve: cannot issue a session token")
				}
			}
			return context.WithValue(ctx, principalKey{}, who), who, token, nil
		}
	}
	return ctx, "", "", errUnauthenticated
}

// unary and stream are the gRPC interceptors that authenticate every
// call before its handler runs.
func (a *authenticator) unary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	ctx, who, _, err := a.check(ctx, false)
	if err != nil {
		return nil, err
	}
	if a.open {
		ctx = context.WithValue(ctx, principalKey{}, who)
	}
	return handler(ctx, req)
}

func (a *authenticator) stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	handshake := strings.HasSuffix(info.FullMethod, "/Handshake")
	ctx, who, token, err := a.check(ss.Context(), handshake)
	if err != nil {
		return err
	}
	if a.open {
		ctx = context.WithValue(ctx, principalKey{}, who)
	}
	if token != "" {
		// Clients read it from the headers (JDBC) or the trailers
		// (arrow-go, ADBC).
		md := metadata.Pairs("authorization", "Bearer "+token)
		if err := ss.SetHeader(md); err != nil {
			return err
		}
		ss.SetTrailer(md)
	}
	return handler(srv, &authStream{ServerStream: ss, ctx: ctx})
}

type authStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *authStream) Context() context.Context { return s.ctx }
