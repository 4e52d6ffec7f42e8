package kafkaclient

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"

	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/lang"
)

const secret = "s3cr3t-Pa55word"

// settings parses the kafka.* settings of kafka('t') WITH (<with>).
func settings(t *testing.T, with string) plan.ClientSettings {
	t.Helper()
	stmt, err := lang.Parse("SELECT 1 FROM kafka('t') WITH (" + with + ")")
	if err != nil {
		t.Fatal(err)
	}
	o, err := plan.ParseOptions(lang.KafkaSources(stmt)[0].Options)
	if err != nil {
		t.Fatal(err)
	}
	return o.Kafka
}

// client makes (without connecting) a client with c's options, to read
// them back with OptValue.
func client(t *testing.T, c Config) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(c.Opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

// engine returns the defaults of an engine with brokers e1:9092, a 3 s
// timeout, TLS and PLAIN SASL, and a client id set WithKafkaOptions.
func engine(env map[string]string) Defaults {
	return Defaults{
		Opts:     []kgo.Opt{kgo.SeedBrokers("e1:9092"), kgo.DialTimeout(3 * time.Second), kgo.ClientID("engine")},
		Security: []kgo.Opt{kgo.SASL(plain.Auth{User: "engine", Pass: secret}.AsMechanism()), kgo.DialTLSConfig(&tls.Config{ServerName: "engine"})},
		Brokers:  []string{"e1:9092"},
		Auth:     "PLAIN user engine",
		LookupEnv: func(k string) (string, bool) {
			v, ok := env[k]
			return v, ok
		},
	}
}

func mechanisms(cl *kgo.Client) []string {
	var names []string
	for _, v := range cl.OptValues(kgo.SASL) {
		for _, m := range v.([]sasl.Mechanism) {
			names = append(names, m.Name())
		}
	}
	return names
}

func TestZeroSettingsAreTheEngines(t *testing.T) {
	d := engine(nil)
	c, err := New(d, plan.ClientSettings{})
	if err != nil {
		t.Fatal(err)
	}
	cl := client(t, c)
	if got := cl.OptValue(kgo.SeedBrokers); !reflect.DeepEqual(got, []string{"e1:9092"}) {
		t.Errorf("seed brokers %v", got)
	}
	if got := mechanisms(cl); !reflect.DeepEqual(got, []string{"PLAIN"}) {
		t.Errorf("SASL %v, want the engine's", got)
	}
	if cl.OptValue(kgo.DialTLSConfig).(*tls.Config) == nil {
		t.Error("the engine's TLS is lost")
	}
	if c.Auth != d.Auth || c.FetchBytes != 0 || !reflect.DeepEqual(c.Brokers, d.Brokers) {
		t.Errorf("config %+v", c)
	}
}

// TestSettingsOverride: a source's settings replace the engine's seed
// brokers, client id and timeouts, and keep the rest (its security when
// it sets no protocol).
func TestSettingsOverride(t *testing.T) {
	c, err := New(engine(nil), settings(t, `kafka.bootstrap.servers='h1:9092,h2:9093', kafka.client.id='reports', kafka.request.timeout.ms=1500, kafka.socket.connection.setup.timeout.ms=700`))
	if err != nil {
		t.Fatal(err)
	}
	cl := client(t, c)
	for _, tc := range []struct {
		opt  any
		want any
	}{
		{kgo.SeedBrokers, []string{"h1:9092", "h2:9093"}},
		{kgo.ClientID, "reports"},
		{kgo.RequestTimeoutOverhead, 1500 * time.Millisecond},
		{kgo.DialTimeout, 700 * time.Millisecond},
	} {
		if got := cl.OptValue(tc.opt); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%T option = %v, want %v", tc.opt, got, tc.want)
		}
	}
	if got := mechanisms(cl); !reflect.DeepEqual(got, []string{"PLAIN"}) {
		t.Errorf("SASL %v, want the engine's", got)
	}
	if !reflect.DeepEqual(c.Brokers, []string{"h1:9092", "h2:9093"}) || c.Auth != "PLAIN user engine" {
		t.Errorf("config %+v", c)
	}
}

func TestFetchBytes(t *testing.T) {
	for with, want := range map[string]int32{
		`kafka.client.id='x'`:                                              0,
		`kafka.fetch.max.bytes=65536`:                                      65536,
		`kafka.max.partition.fetch.bytes=1024`:                             1024,
		`kafka.fetch.max.bytes=4096, kafka.max.partition.fetch.bytes=8192`: 4096,
		`kafka.fetch.max.bytes=8192, kafka.max.partition.fetch.bytes=4096`: 4096,
	} {
		c, err := New(engine(nil), settings(t, with))
		if err != nil {
			t.Fatal(err)
		}
		if c.FetchBytes != want {
			t.Errorf("%s: FetchBytes = %d, want %d", with, c.FetchBytes, want)
		}
	}
}

// TestSecurityProtocol: a source's kafka.security.protocol replaces the
// engine's TLS and SASL with its own; the password comes from the
// environment only.
func TestSecurityProtocol(t *testing.T) {
	caFile := writeCA(t)
	env := map[string]string{plan.PasswordEnv: secret}
	for _, tc := range []struct {
		with string
		tls  bool
		sasl []string
	}{
		{`kafka.security.protocol='PLAINTEXT'`, false, nil},
		{`kafka.security.protocol='SSL'`, true, nil},
		{`kafka.security.protocol='SSL', kafka.ssl.ca.location='` + caFile + `'`, true, nil},
		{`kafka.security.protocol='SASL_PLAINTEXT', kafka.sasl.mechanism='SCRAM-SHA-256', kafka.sasl.username='ana'`, false, []string{"SCRAM-SHA-256"}},
		{`kafka.security.protocol='SASL_SSL', kafka.ssl.truststore.location='` + caFile + `', kafka.sasl.mechanism='SCRAM-SHA-512', kafka.sasl.username='ana'`, true, []string{"SCRAM-SHA-512"}},
	} {
		t.Run(tc.with, func(t *testing.T) {
			c, err := New(engine(env), settings(t, tc.with))
			if err != nil {
				t.Fatal(err)
			}
			cl := client(t, c)
			cfg, _ := cl.OptValue(kgo.DialTLSConfig).(*tls.Config)
			if (cfg != nil) != tc.tls {
				t.Fatalf("TLS config %v, want TLS %v", cfg, tc.tls)
			}
			if cfg != nil {
				if cfg.ServerName != "" || cfg.MinVersion != tls.VersionTLS12 {
					t.Errorf("TLS config inherits the engine's or allows old versions: %+v", cfg)
				}
				if (cfg.RootCAs != nil) != strings.Contains(tc.with, caFile) {
					t.Errorf("RootCAs %v with %s", cfg.RootCAs, tc.with)
				}
			}
			if got := mechanisms(cl); !reflect.DeepEqual(got, tc.sasl) {
				t.Errorf("SASL %v, want %v", got, tc.sasl)
			}
			if tc.sasl != nil && (!strings.Contains(c.Auth, tc.sasl[0]) || strings.Contains(c.Auth, "ana")) {
				t.Errorf("Auth %q does not name the mechanism or shows the user", c.Auth)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	notPEM := filepath.Join(t.TempDir(), "truststore.jks")
	if err := os.WriteFile(notPEM, []byte("\xfe\xed\xfe\xed not PEM"), 0o600); err != nil {
		t.Fatal(err)
	}
	withClient := engine(nil)
	withClient.Opts, withClient.Security, withClient.Brokers = nil, nil, nil
	for _, tc := range []struct {
		d    Defaults
		with string
		want string
	}{
		{engine(nil), `kafka.security.protocol='SASL_SSL', kafka.sasl.mechanism='PLAIN', kafka.sasl.username='ana'`,
			"kafka.security.protocol=SASL_SSL needs the SASL password in the environment variable KQ_SASL_PASSWORD, which is not set (a password is never written in a query)"},
		{engine(nil), `kafka.security.protocol='SSL', kafka.ssl.ca.location='` + notPEM + `'`, "no PEM certificates in " + notPEM},
		{engine(nil), `kafka.security.protocol='SSL', kafka.ssl.ca.location='/nonexistent/ca.pem'`, "kafka.ssl.ca.location (the CA file): open /nonexistent/ca.pem"},
		{withClient, `kafka.client.id='x'`, "name the cluster with kafka.bootstrap.servers"},
	} {
		_, err := New(tc.d, settings(t, tc.with))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.with, err, tc.want)
		}
		if err != nil && (strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "ana")) {
			t.Errorf("%s: the error shows a secret: %v", tc.with, err)
		}
	}
	// With the engine given a client, a source that names its cluster
	// gets a configuration.
	if _, err := New(withClient, settings(t, `kafka.bootstrap.servers='h:1', kafka.client.id='x'`)); err != nil {
		t.Errorf("a source naming its cluster with WithClient: %v", err)
	}
}

// writeCA writes a self-signed CA certificate as PEM and returns its path.
func writeCA(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kq test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
