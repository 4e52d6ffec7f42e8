package plan

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kq-sql/kq/lang"
)

// settingsOf parses WITH (<with>), or no WITH clause for "".
func settingsOf(t *testing.T, with string) ClientSettings {
	t.Helper()
	o, err := ParseOptions(nil)
	if with != "" {
		o, err = parseWith(t, with)
	}
	if err != nil {
		t.Fatal(err)
	}
	return o.Kafka
}

func TestClientSettings(t *testing.T) {
	for _, tc := range []struct {
		with string
		want ClientSettings // compared without what was written
	}{
		{``, ClientSettings{}},
		{`kafka.bootstrap.servers=' h1:9092, h2:9093 '`, ClientSettings{BootstrapServers: []string{"h1:9092", "h2:9093"}}},
		{`kafka.bootstrap.servers='h1'`, ClientSettings{BootstrapServers: []string{"h1"}}},
		{`"KAFKA.Client.Id"='kq-reports'`, ClientSettings{ClientID: "kq-reports"}},
		{`kafka.fetch.max.bytes=1048576, kafka.max.partition.fetch.bytes='65536'`, ClientSettings{FetchMaxBytes: 1 << 20, MaxPartitionFetchBytes: 1 << 16}},
		{`kafka.request.timeout.ms=1500, kafka.socket.connection.setup.timeout.ms=250`, ClientSettings{RequestTimeout: 1500 * time.Millisecond, ConnectTimeout: 250 * time.Millisecond}},
		{`kafka.security.protocol='plaintext'`, ClientSettings{SecurityProtocol: SecurityPlaintext}},
		{`kafka.security.protocol='SSL', kafka.ssl.ca.location='/etc/ca.pem'`, ClientSettings{SecurityProtocol: SecuritySSL, SSLCALocation: "/etc/ca.pem"}},
		{`kafka.security.protocol='SASL_SSL', kafka.ssl.truststore.location='/etc/ca.pem', kafka.sasl.mechanism='scram-sha-512', kafka.sasl.username='ana'`,
			ClientSettings{SecurityProtocol: SecuritySASLSSL, SSLCALocation: "/etc/ca.pem", SASLMechanism: SASLScramSHA512, SASLUsername: "ana"}},
		{`kafka.security.protocol='SASL_PLAINTEXT', kafka.sasl.mechanism='SCRAM-SHA-256', kafka.sasl.username='ana'`,
			ClientSettings{SecurityProtocol: SecuritySASLPlaintext, SASLMechanism: SASLScramSHA256, SASLUsername: "ana"}},
	} {
		t.Run(tc.with, func(t *testing.T) {
			got := settingsOf(t, tc.with)
			if got.IsZero() != (tc.with == "") {
				t.Errorf("IsZero() = %v for %q", got.IsZero(), tc.with)
			}
			got.given = nil
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("settings\n got %#v\nwant %#v", fieldsOf(got), fieldsOf(tc.want))
			}
		})
	}
}

// fieldsOf prints every field of s (GoString redacts, which a failing
// comparison must not).
func fieldsOf(s ClientSettings) string {
	type plain ClientSettings
	return fmt.Sprintf("%+v", plain(s))
}

// TestClientSettingsErrors: every error points at the option at fault
// (the marker ^ in the case's text), names it and says what is allowed,
// without showing a value that may be secret.
func TestClientSettingsErrors(t *testing.T) {
	supported := "supported: " + strings.Join(SupportedSettings(), ", ")
	for _, tc := range []struct {
		with string // ^ marks where the error points
		want []string
	}{
		{`^"kafka.acks"='all'`, []string{`option kafka.acks is not a supported Kafka client setting; ` + supported}},
		{`^"kafka.bootstrap.server"='h:1'`, []string{`(did you mean kafka.bootstrap.servers?)`, supported}},
		{`kafka.client.id='a', ^kafka.session.timeout.ms=10000`, []string{`option kafka.session.timeout.ms is not allowed: kq joins no consumer group`}},
		{`^kafka.group.id='g'`, []string{`kq joins no consumer group`}},
		{`^"kafka.sasl.password"='hunter2'`, []string{`option kafka.sasl.password is not allowed: a password is never written in a query`, "environment variable " + PasswordEnv}},
		{`^"kafka.SASL.JAAS.CONFIG"='org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="hunter2";'`, []string{`credentials are never written in a query`, PasswordEnv}},
		{`^kafka.ssl.truststore.password='hunter2'`, []string{`a password is never written in a query`}},
		{`^kafka.auto.offset.reset='earliest'`, []string{`kq reads explicit offset ranges`}},
		{`kafka.bootstrap.servers=^'h1:9092,,h2:9092'`, []string{`option kafka.bootstrap.servers: want a list of brokers such as 'host1:9092,host2:9092', got 'h1:9092,,h2:9092'`}},
		{`kafka.bootstrap.servers=^9092`, []string{`want a list of brokers`}},
		{`kafka.client.id=^''`, []string{`option kafka.client.id: want a client id`}},
		{`kafka.fetch.max.bytes=^0`, []string{`option kafka.fetch.max.bytes: must be a positive integer, got 0`}},
		{`kafka.max.partition.fetch.bytes=^4294967296`, []string{`must be at most 2147483647`}},
		{`kafka.request.timeout.ms=^'soon'`, []string{`option kafka.request.timeout.ms: want a positive integer, got 'soon'`}},
		{`kafka.security.protocol=^'TLS'`, []string{`option kafka.security.protocol: want one of 'PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL', got 'TLS'`}},
		{`kafka.security.protocol='SASL_SSL', kafka.sasl.mechanism=^'GSSAPI'`, []string{`option kafka.sasl.mechanism: want one of 'PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', got 'GSSAPI'`}},
		{`kafka.security.protocol='SASL_SSL', kafka.sasl.mechanism='PLAIN', kafka.sasl.username=^''`, []string{`option kafka.sasl.username: not a valid value`}},
		{`^kafka.sasl.mechanism='PLAIN'`, []string{`option kafka.sasl.mechanism needs kafka.security.protocol='SASL_PLAINTEXT' or 'SASL_SSL'`}},
		{`kafka.security.protocol='SSL', ^kafka.sasl.username='hunter2'`, []string{`option kafka.sasl.username needs kafka.security.protocol='SASL_PLAINTEXT' or 'SASL_SSL', got 'SSL'`}},
		{`^kafka.security.protocol='SASL_SSL', kafka.sasl.mechanism='PLAIN'`, []string{`option kafka.security.protocol='SASL_SSL' needs kafka.sasl.mechanism and kafka.sasl.username (the password comes from the environment variable KQ_SASL_PASSWORD)`}},
		{`kafka.security.protocol='SASL_PLAINTEXT', ^kafka.ssl.ca.location='/ca.pem', kafka.sasl.mechanism='PLAIN', kafka.sasl.username='u'`, []string{`option kafka.ssl.ca.location needs kafka.security.protocol='SSL' or 'SASL_SSL', got 'SASL_PLAINTEXT'`}},
		{`kafka.security.protocol='SSL', kafka.ssl.ca.location='/a.pem', ^kafka.ssl.truststore.location='/b.pem'`, []string{`options kafka.ssl.ca.location and kafka.ssl.truststore.location both name the CA file; give one`}},
		{`kafka.client.id='a', ^"kafka.CLIENT.id"='b'`, []string{`option kafka.client.id is given twice`}},
		{`kafka.client.id=^NULL`, []string{`option kafka.client.id: NULL is not allowed`}},
		{`^"kafka."='x'`, []string{`a client setting must follow kafka.`}},
	} {
		t.Run(tc.with, func(t *testing.T) {
			prefix := "SELECT * FROM kafka('orders') WITH ("
			at := strings.Index(tc.with, "^")
			q := prefix + strings.Replace(tc.with, "^", "", 1) + ")"
			stmt, err := lang.Parse(q)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			_, err = ParseOptions(firstSource(t, stmt).Options)
			var le *lang.Error
			if !errors.As(err, &le) {
				t.Fatalf("error %v (%T) is not a *lang.Error", err, err)
			}
			if want := len(prefix) + at + 1; le.Pos.Line != 1 || le.Pos.Column != want {
				t.Errorf("error at %d:%d, want 1:%d: %v", le.Pos.Line, le.Pos.Column, want, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error shows a secret: %v", err)
			}
		})
	}
}

func TestSupportedSettings(t *testing.T) {
	want := []string{
		"kafka.bootstrap.servers", "kafka.client.id", "kafka.fetch.max.bytes", "kafka.max.partition.fetch.bytes",
		"kafka.request.timeout.ms", "kafka.sasl.mechanism", "kafka.sasl.username", "kafka.security.protocol",
		"kafka.socket.connection.setup.timeout.ms", "kafka.ssl.ca.location", "kafka.ssl.truststore.location",
	}
	if got := SupportedSettings(); !reflect.DeepEqual(got, want) {
		t.Errorf("SupportedSettings() = %v, want %v", got, want)
	}
	for _, k := range want {
		if _, forbidden := forbiddenKafka[strings.TrimPrefix(k, kafkaPrefix)]; forbidden {
			t.Errorf("%s is both supported and forbidden", k)
		}
	}
}

func TestClientSettingsIdentity(t *testing.T) {
	identity := func(with string) string { t.Helper(); return settingsOf(t, with).Identity() }
	a := identity(`kafka.bootstrap.servers='h:1', kafka.client.id='x'`)
	if b := identity(`"KAFKA.CLIENT.ID"='x', kafka.bootstrap.servers=' h:1 '`); a != b {
		t.Errorf("the same settings in another order, case and spacing differ: %q, %q", a, b)
	}
	for _, other := range []string{`kafka.bootstrap.servers='h:2', kafka.client.id='x'`, `kafka.bootstrap.servers='h:1'`, ``} {
		if b := identity(other); a == b {
			t.Errorf("%s has the identity of other settings: %q", other, b)
		}
	}
	if (ClientSettings{ClientID: "built by hand"}).IsZero() {
		t.Error("settings built by hand are zero")
	}
}
