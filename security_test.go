package kq_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/internal/kafkatest"
)

const secret = "s3cr3t-Pa55word"

func TestSASL(t *testing.T) {
	for _, mech := range []string{kq.SASLPlain, kq.SASLScramSHA256, kq.SASLScramSHA512} {
		t.Run(mech, func(t *testing.T) {
			auth, err := kafkatest.SASL(mech, "analyst", secret)
			if err != nil {
				t.Fatal(err)
			}
			c, err := kafkatest.Start([]kfake.Opt{kfake.EnableSASL(), kfake.Superuser(mech, "analyst", secret), kfake.SeedTopics(3, "events")}, auth)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if err := c.Produce(context.Background(), events(10, 20, 30)...); err != nil {
				t.Fatal(err)
			}

			eng, err := kq.Open(kq.WithBrokers(c.ListenAddrs()...), kq.WithSASL(strings.ToLower(mech), "analyst", secret))
			if err != nil {
				t.Fatal(err)
			}
			defer eng.Close()
			if got := queryInt64(t, eng, "SELECT COUNT(*) FROM kafka('events')"); got != 60 {
				t.Fatalf("COUNT(*) = %d, want 60", got)
			}

			bad, err := kq.Open(kq.WithBrokers(c.ListenAddrs()...), kq.WithSASL(mech, "analyst", "wrong-"+secret), kq.WithTimeout(5*time.Second))
			if err != nil {
				t.Fatal(err)
			}
			defer bad.Close()
			start := time.Now()
			_, err = bad.Query(context.Background(), "SELECT COUNT(*) FROM kafka('events')")
			if err == nil {
				t.Fatal("a wrong password was accepted")
			}
			msg := err.Error()
			if !strings.Contains(msg, "cannot reach Kafka at "+c.ListenAddrs()[0]) || !strings.Contains(strings.ToUpper(msg), "SASL") {
				t.Errorf("wrong-password error does not say what failed: %v", err)
			}
			if !errors.Is(err, kq.ErrAuthentication) {
				t.Errorf("wrong-password error is not kq.ErrAuthentication: %v", err)
			}
			if strings.Contains(msg, secret) {
				t.Errorf("error shows the password: %v", err)
			}
			if d := time.Since(start); d > 6*time.Second {
				t.Errorf("wrong password took %v to fail", d)
			}
		})
	}
}

func TestSASLConfigErrors(t *testing.T) {
	for _, tc := range []struct{ mech, user, want string }{
		{"GSSAPI", "u", `unknown SASL mechanism "GSSAPI"`},
		{"PLAIN", "", "SASL needs a user"},
	} {
		_, err := kq.Open(kq.WithSASL(tc.mech, tc.user, secret))
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), secret) {
			t.Errorf("WithSASL(%s, %q): %v, want %q", tc.mech, tc.user, err, tc.want)
		}
	}
}

func TestTLS(t *testing.T) {
	dir := t.TempDir()
	caFile, serverCfg := testCertificates(t, dir)
	clientCfg := trustCA(t, caFile)
	c, err := kafkatest.Start([]kfake.Opt{kfake.TLS(serverCfg), kfake.SeedTopics(2, "events")}, kgo.DialTLSConfig(clientCfg.Clone()))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Produce(context.Background(), events(7, 8)...); err != nil {
		t.Fatal(err)
	}

	t.Run("trusted CA", func(t *testing.T) {
		eng, err := kq.Open(kq.WithBrokers(c.ListenAddrs()...), kq.WithTLS(clientCfg))
		if err != nil {
			t.Fatal(err)
		}
		defer eng.Close()
		if got := queryInt64(t, eng, "SELECT COUNT(*) FROM kafka('events')"); got != 15 {
			t.Fatalf("COUNT(*) = %d, want 15", got)
		}
	})
	t.Run("skip verify only when asked", func(t *testing.T) {
		insecure := &tls.Config{InsecureSkipVerify: true} //nolint:gosec // the case under test
		eng, err := kq.Open(kq.WithBrokers(c.ListenAddrs()...), kq.WithTLS(insecure))
		if err != nil {
			t.Fatal(err)
		}
		defer eng.Close()
		if got := queryInt64(t, eng, "SELECT COUNT(*) FROM kafka('events')"); got != 15 {
			t.Fatalf("COUNT(*) = %d, want 15", got)
		}
	})
	t.Run("untrusted certificate", func(t *testing.T) {
		system := &tls.Config{MinVersion: tls.VersionTLS12} // the system roots
		eng, err := kq.Open(kq.WithBrokers(c.ListenAddrs()...), kq.WithTLS(system), kq.WithTimeout(5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		defer eng.Close()
		_, err = eng.Query(context.Background(), "SELECT COUNT(*) FROM kafka('events')")
		if err == nil || !strings.Contains(err.Error(), "certificate") {
			t.Fatalf("untrusted server certificate: %v", err)
		}
	})
	t.Run("plaintext client", func(t *testing.T) {
		eng, err := kq.Open(kq.WithBrokers(c.ListenAddrs()...), kq.WithTimeout(3*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		defer eng.Close()
		start := time.Now()
		_, err = eng.Query(context.Background(), "SELECT COUNT(*) FROM kafka('events')")
		if err == nil || !strings.Contains(err.Error(), "cannot reach Kafka at "+c.ListenAddrs()[0]) {
			t.Fatalf("plaintext to a TLS broker: %v", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v to fail", d)
		}
	})
}

// testCertificates writes a CA certificate to dir/ca.pem (returned) and
// returns a server TLS configuration for 127.0.0.1 signed by it.
func testCertificates(t *testing.T, dir string) (string, *tls.Config) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kq test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	srvKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	srvTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	srvDER, err := x509.CreateCertificate(rand.Reader, srvTmpl, caCert, &srvKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(srvKey)
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(dir, "ca.pem")
	writePEM(t, caFile, "CERTIFICATE", caDER)
	writePEM(t, filepath.Join(dir, "server.key"), "EC PRIVATE KEY", keyDER)
	pair, err := tls.X509KeyPair(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srvDER}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
	if err != nil {
		t.Fatal(err)
	}
	return caFile, &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(fmt.Errorf("write %s: %w", path, err))
	}
}

// trustCA returns a client TLS configuration that trusts the CA in caFile.
func trustCA(t *testing.T, caFile string) *tls.Config {
	t.Helper()
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("%s: no certificates", caFile)
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}
