package flightsql_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"testing"
	"time"

	arrowflightsql "github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/flightsql"
)

func withAuth(ctx context.Context, header string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization", header)
}

func TestTokens(t *testing.T) {
	f := start(t, fixtureOpts{server: []flightsql.Option{flightsql.WithTokens("s3cret-one", "s3cret-two")}})
	cl := f.client(t)
	ctx := context.Background()
	// Refused: no credentials, a wrong token, a token of the wrong
	// scheme; the same answer whether the topic exists or not, and for
	// listings too.
	for _, header := range []string{"", "Bearer wrong", "Bearer s3cret-on", "Bearer s3cret-one-", "Bearer  ", "Basic czNjcmV0LW9uZQ=="} {
		actx := ctx
		if header != "" {
			actx = withAuth(ctx, header)
		}
		var msgs []string
		for _, sql := range []string{"SELECT * FROM kafka('events')", "SELECT * FROM kafka('no_such_topic')"} {
			_, err := cl.Execute(actx, sql)
			st, _ := status.FromError(err)
			if st.Code() != codes.Unauthenticated {
				t.Fatalf("%q, %s: %v, want Unauthenticated", header, sql, err)
			}
			msgs = append(msgs, st.Message())
		}
		if msgs[0] != msgs[1] {
			t.Errorf("%q: refusals differ (%q, %q): they tell whether the topic exists", header, msgs[0], msgs[1])
		}
		if _, err := cl.GetTables(actx, &arrowflightsql.GetTablesOpts{}); status.Code(err) != codes.Unauthenticated {
			t.Errorf("%q: GetTables: %v, want Unauthenticated", header, err)
		}
		if _, err := cl.ExecuteUpdate(actx, "CREATE TABLE x AS SELECT 1"); status.Code(err) != codes.Unauthenticated {
			t.Errorf("%q: update: %v, want Unauthenticated", header, err)
		}
	}
	for _, tok := range []string{"s3cret-one", "s3cret-two"} {
		rows, err := query(withAuth(ctx, "Bearer "+tok), cl, "SELECT COUNT(*) FROM kafka('events')")
		if err != nil || len(rows) != 1 || rows[0][0] != "2801" {
			t.Fatalf("token %s: %q, %v", tok, rows, err)
		}
	}
	// A ticket is the caller's: another token cannot redeem it.
	a := withAuth(ctx, "Bearer s3cret-one")
	info, err := cl.Execute(a, "SELECT offset FROM kafka('events')")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := fetch(withAuth(ctx, "Bearer s3cret-two"), cl, info); status.Code(err) != codes.NotFound {
		t.Fatalf("another token's DoGet: %v, want NotFound", err)
	}
	if _, _, err := fetch(a, cl, info); err != nil {
		t.Fatal(err)
	}
}

func TestBasicAuth(t *testing.T) {
	f := start(t, fixtureOpts{server: []flightsql.Option{flightsql.WithBasicAuth(map[string]string{"ana": "pw:with:colons"})}})
	cl := f.client(t)
	ctx := context.Background()
	// The Flight handshake answers with a session token.
	actx, err := cl.Client.AuthenticateBasicToken(ctx, "ana", "pw:with:colons")
	if err != nil {
		t.Fatal(err)
	}
	if md, _ := metadata.FromOutgoingContext(actx); len(md.Get("authorization")) != 1 || md.Get("authorization")[0][:7] != "Bearer " {
		t.Fatalf("handshake gave %v", md)
	}
	if rows, err := query(actx, cl, "SELECT COUNT(*) FROM kafka('events')"); err != nil || rows[0][0] != "2801" {
		t.Fatalf("with the session token: %q, %v", rows, err)
	}
	for _, pw := range []string{"pw", "pw:with:colon", ""} {
		if _, err := cl.Client.AuthenticateBasicToken(ctx, "ana", pw); status.Code(err) != codes.Unauthenticated {
			t.Errorf("password %q: %v, want Unauthenticated", pw, err)
		}
	}
	if _, err := cl.Client.AuthenticateBasicToken(ctx, "bob", "pw:with:colons"); status.Code(err) != codes.Unauthenticated {
		t.Errorf("unknown user: %v, want Unauthenticated", err)
	}
	if _, err := cl.Execute(withAuth(ctx, "Bearer not-a-session"), "SELECT 1"); status.Code(err) != codes.Unauthenticated {
		t.Errorf("made-up session token: %v, want Unauthenticated", err)
	}
}

func TestNotLoopback(t *testing.T) {
	eng, err := kq.Open(kq.WithBrokers("127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	for _, tc := range []struct {
		opts []flightsql.Option
		want error
	}{
		{nil, flightsql.ErrNotLoopback},
		{[]flightsql.Option{flightsql.WithTokens("t")}, flightsql.ErrPlaintextCredentials},
	} {
		srv, err := flightsql.New(eng, tc.opts...)
		if err != nil {
			t.Fatal(err)
		}
		lis, err := net.Listen("tcp", "0.0.0.0:0")
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Serve(context.Background(), lis); !errors.Is(err, tc.want) {
			t.Errorf("Serve on %s: %v, want %v", lis.Addr(), err, tc.want)
		}
	}
	// Tokens with TLS, or plaintext explicitly accepted, serve there.
	srv, err := flightsql.New(eng, flightsql.WithTokens("t"), flightsql.WithPlaintextCredentials())
	if err != nil {
		t.Fatal(err)
	}
	lis, err := net.Listen("tcp", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := srv.Serve(ctx, lis); err != nil {
		t.Errorf("Serve with WithPlaintextCredentials: %v", err)
	}
}

// testPKI is a test CA with a server certificate for 127.0.0.1 and a
// client certificate.
type testPKI struct {
	pool           *x509.CertPool
	server, client tls.Certificate
}

func newPKI(t *testing.T) testPKI {
	t.Helper()
	key := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	caKey := key()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kq test CA"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	leaf := func(serial int64, usage x509.ExtKeyUsage) tls.Certificate {
		k := key()
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "kq test"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &k.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: k}
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return testPKI{pool: pool, server: leaf(2, x509.ExtKeyUsageServerAuth), client: leaf(3, x509.ExtKeyUsageClientAuth)}
}

func TestTLS(t *testing.T) {
	pki := newPKI(t)
	f := start(t, fixtureOpts{server: []flightsql.Option{
		flightsql.WithTokens("tok"),
		flightsql.WithTLS(&tls.Config{Certificates: []tls.Certificate{pki.server}, ClientCAs: pki.pool, ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12}),
	}})
	ctx := withAuth(context.Background(), "Bearer tok")
	good := f.client(t, grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: pki.pool, Certificates: []tls.Certificate{pki.client}})))
	if rows, err := query(ctx, good, "SELECT COUNT(*) FROM kafka('events')"); err != nil || rows[0][0] != "2801" {
		t.Fatalf("over mutual TLS: %q, %v", rows, err)
	}
	// No client certificate, or a server nobody vouches for: refused.
	noCert := f.client(t, grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: pki.pool})))
	if _, err := noCert.Execute(ctx, "SELECT 1"); err == nil {
		t.Error("a client without a certificate was served")
	}
	untrusted := f.client(t, grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{pki.client}})))
	if _, err := untrusted.Execute(ctx, "SELECT 1"); err == nil {
		t.Error("a client that does not trust the server's CA connected")
	}
}
