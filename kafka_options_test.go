package kq_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/internal/kafkatest"
)

// seedKeys produces one record per key to topic of c, key i to partition
// i % partitions.
func seedKeys(t *testing.T, c *kafkatest.Cluster, topic string, partitions int, keys []string) {
	t.Helper()
	ctx := context.Background()
	if err := c.CreateTopic(ctx, topic, partitions, nil); err != nil {
		t.Fatal(err)
	}
	recs := make([]*kgo.Record, len(keys))
	for i, k := range keys {
		recs[i] = &kgo.Record{Topic: topic, Partition: int32(i % partitions), Key: []byte(k), Value: fmt.Appendf(nil, `{"i":%d}`, i)}
	}
	if err := c.Produce(ctx, recs...); err != nil {
		t.Fatal(err)
	}
}

// liveClients counts the franz-go clients running in the process (each
// runs one metadata loop until it is closed), and returns the goroutine
// dump it counted in.
func liveClients() (int, string) {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			dump := string(buf[:n])
			return strings.Count(dump, "kgo.(*Client).updateMetadataLoop("), dump
		}
		buf = make([]byte, 2*len(buf))
	}
}

// clientsBack waits until at most base franz-go clients run and fails
// the test when that is not so within 5 s: every client made for a
// statement is closed. (Goroutines as a whole are not compared: kfake
// serves each connection with goroutines that end when it notices the
// close.)
func clientsBack(t *testing.T, base int) {
	t.Helper()
	n, dump := liveClients()
	for deadline := time.Now().Add(5 * time.Second); n > base && time.Now().Before(deadline); n, dump = liveClients() {
		time.Sleep(20 * time.Millisecond)
	}
	if n > base {
		t.Errorf("%d Kafka clients left running after the statements, %d before:\n%s", n, base, dump)
	}
}

// TestTwoClusters: one query joins topics of two clusters, each source
// read with the clients its kafka.bootstrap.servers names, for planning
// and for its scan's workers; every client made for a statement is closed
// when it ends.
func TestTwoClusters(t *testing.T) {
	ctx := context.Background()
	a, b := kafkatest.New(t), kafkatest.New(t)
	var orders, customers []string
	for i := range 600 {
		orders = append(orders, fmt.Sprintf("c%d", i%50))
	}
	for i := range 30 {
		customers = append(customers, fmt.Sprintf("c%d", i))
	}
	customers = append(customers, "c3", "c77") // c3 twice; c77 has no order
	seedKeys(t, a, "orders", 3, orders)
	seedKeys(t, b, "customers", 2, customers)
	// The join's exact size: each order matches every customer record
	// with its key.
	perKey := map[string]int64{}
	for _, k := range customers {
		perKey[k]++
	}
	var joined int64
	for _, k := range orders {
		joined += perKey[k]
	}
	onB := fmt.Sprintf("kafka.bootstrap.servers='%s'", b.Brokers())
	onA := fmt.Sprintf("kafka.bootstrap.servers='%s'", a.Brokers())

	t.Run("default and other cluster", func(t *testing.T) {
		eng, err := kq.Open(kq.WithBrokers(a.Brokers()), kq.WithWorkers(3))
		if err != nil {
			t.Fatal(err)
		}
		defer eng.Close()
		// Warm up the engine's own client, then count the clients.
		if got := queryInt64(t, eng, "SELECT COUNT(*) FROM kafka('orders') WHERE key IS NOT NULL"); got != int64(len(orders)) {
			t.Fatalf("orders: %d, want %d", got, len(orders))
		}
		base, _ := liveClients()
		for _, tc := range []struct {
			sql  string
			want int64
		}{
			{"SELECT COUNT(*) FROM kafka('orders') o JOIN kafka('customers') WITH (" + onB + ") c ON o.key = c.key", joined},
			{"SELECT COUNT(*) FROM kafka('customers') WITH (" + onB + ")", int64(len(customers))},
			{"SELECT COUNT(*) FROM kafka('customers') WITH (" + onB + ") WHERE partition = 1", int64(len(customers) / 2)},
			// Two sources with the same settings, and one on the default
			// cluster named explicitly.
			{"SELECT COUNT(*) FROM kafka('customers') WITH (" + onB + ") c1 JOIN kafka('customers') WITH (" + onB + ") c2 USING (key) JOIN kafka('orders') WITH (" + onA + ") o USING (key)", joinedTwice(orders, customers)},
		} {
			if got := queryInt64(t, eng, tc.sql); got != tc.want {
				t.Errorf("%s = %d, want %d", tc.sql, got, tc.want)
			}
		}
		// A projection streams from the scan; DESCRIBE and EXPLAIN plan on
		// the other cluster.
		if got := rows(t, eng, "SELECT CAST(key AS VARCHAR) FROM kafka('customers') WITH ("+onB+") WHERE partition = 0 AND offset < 3"); strings.Join(got, " ") != "c0 c2 c4" {
			t.Errorf("projection from the other cluster: %v", got)
		}
		desc := rows(t, eng, "DESCRIBE kafka('customers') WITH ("+onB+")")
		if !contains(desc, "partition|customers||1|0|16|16") {
			t.Errorf("DESCRIBE on the other cluster: %v", desc)
		}
		plan, err := eng.Explain(ctx, "SELECT * FROM kafka('customers') WITH ("+onB+")")
		if err != nil {
			t.Fatal(err)
		}
		if text := plan.String(); !strings.Contains(text, "kafka.bootstrap.servers="+b.Brokers()) || !strings.Contains(text, "estimatedRows=32") {
			t.Errorf("EXPLAIN does not show the other cluster's source:\n%s", text)
		}
		// The statements that write read the other cluster too: COPY
		// from the scan, COPY per task, CREATE TABLE AS through DuckDB.
		dir := t.TempDir()
		for _, tc := range []struct {
			sql  string
			want int64
		}{
			{"COPY (SELECT key FROM kafka('customers') WITH (" + onB + ")) TO '" + filepath.Join(dir, "c.parquet") + "'", int64(len(customers))},
			{"COPY (SELECT key, value FROM kafka('customers') WITH (" + onB + ")) TO '" + filepath.Join(dir, "parts") + "' (PER_TASK true)", int64(len(customers))},
			{"CREATE TABLE j AS SELECT o.key FROM kafka('orders') o JOIN kafka('customers') WITH (" + onB + ") c USING (key)", joined},
		} {
			res, err := eng.Exec(ctx, tc.sql)
			if err != nil {
				t.Fatalf("%s: %v", tc.sql, err)
			}
			if res.Rows != tc.want {
				t.Errorf("%s wrote %d rows, want %d", tc.sql, res.Rows, tc.want)
			}
		}
		clientsBack(t, base)
	})

	t.Run("engine cluster unreachable", func(t *testing.T) {
		// Sources that name their clusters never need the engine's.
		eng, err := kq.Open(kq.WithBrokers("127.0.0.1:1"), kq.WithTimeout(2*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		defer eng.Close()
		sql := "SELECT COUNT(*) FROM kafka('orders') WITH (" + onA + ") o JOIN kafka('customers') WITH (" + onB + ") c ON o.key = c.key"
		if got := queryInt64(t, eng, sql); got != joined {
			t.Errorf("join of two named clusters = %d, want %d", got, joined)
		}
		_, err = eng.Query(ctx, "SELECT COUNT(*) FROM kafka('orders') o JOIN kafka('customers') WITH ("+onB+") c USING (key)")
		if err == nil || !strings.Contains(err.Error(), "cannot reach Kafka at 127.0.0.1:1") {
			t.Errorf("a source on the unreachable engine cluster: %v", err)
		}
		_, err = eng.Query(ctx, "SELECT COUNT(*) FROM kafka('orders') WITH (kafka.bootstrap.servers='127.0.0.1:2')")
		if err == nil || !strings.Contains(err.Error(), "cannot reach Kafka at 127.0.0.1:2") {
			t.Errorf("a source on an unreachable cluster of its own: %v", err)
		}
	})

	t.Run("engine given a client", func(t *testing.T) {
		eng, err := kq.Open(kq.WithClient(a.Client))
		if err != nil {
			t.Fatal(err)
		}
		defer eng.Close()
		if got := queryInt64(t, eng, "SELECT COUNT(*) FROM kafka('orders') o JOIN kafka('customers') WITH ("+onB+") c ON o.key = c.key"); got != joined {
			t.Errorf("join = %d, want %d", got, joined)
		}
		_, err = eng.Query(ctx, "SELECT COUNT(*) FROM kafka('orders') WITH (kafka.client.id='x')")
		if err == nil || !strings.Contains(err.Error(), "name the cluster with kafka.bootstrap.servers") {
			t.Errorf("settings without brokers under WithClient: %v", err)
		}
	})
}

// joinedTwice is the size of customers ⋈ customers ⋈ orders on the key.
func joinedTwice(orders, customers []string) int64 {
	perKey := map[string]int64{}
	for _, k := range customers {
		perKey[k]++
	}
	var n int64
	for _, k := range orders {
		n += perKey[k] * perKey[k]
	}
	return n
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// clientIDs wraps a kfake listener: it records the client id of the first
// request of every connection accepted while on is set.
type clientIDs struct {
	on  atomic.Bool
	mu  sync.Mutex
	ids map[string]int
}

func (c *clientIDs) listen(network, address string) (net.Listener, error) {
	l, err := net.Listen(network, address)
	if err != nil {
		return nil, err
	}
	return &sniffListener{Listener: l, ids: c}, nil
}

func (c *clientIDs) seen() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for k, v := range c.ids {
		out[k] = v
	}
	return out
}

type sniffListener struct {
	net.Listener
	ids *clientIDs
}

func (l *sniffListener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if err != nil || !l.ids.on.Load() {
		return conn, err
	}
	return &sniffConn{Conn: conn, ids: l.ids}, nil
}

// sniffConn reads the request header (size, key, version, correlation
// id, client id) of the connection's first request as the broker reads
// it.
type sniffConn struct {
	net.Conn
	ids  *clientIDs
	head []byte
	done bool
}

func (c *sniffConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if !c.done {
		c.head = append(c.head, p[:n]...)
		if len(c.head) >= 14 {
			idLen := int(int16(binary.BigEndian.Uint16(c.head[12:14])))
			if idLen < 0 {
				idLen = 0
			}
			if len(c.head) >= 14+idLen {
				c.done = true
				c.ids.mu.Lock()
				c.ids.ids[string(c.head[14:14+idLen])]++
				c.ids.mu.Unlock()
			}
		}
	}
	return n, err
}

// TestKafkaClientID: kafka.client.id reaches the broker from every client
// of the source, the one that plans it and its scan's workers.
func TestKafkaClientID(t *testing.T) {
	ids := &clientIDs{ids: map[string]int{}}
	a := kafkatest.New(t)
	b := kafkatest.New(t, kfake.ListenFn(ids.listen))
	seedKeys(t, a, "orders", 1, []string{"x"})
	seedKeys(t, b, "customers", 4, []string{"c0", "c1", "c2", "c3", "c4", "c5", "c6"})
	ids.on.Store(true)

	eng, err := kq.Open(kq.WithBrokers(a.Brokers()), kq.WithWorkers(4))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	got := rows(t, eng, fmt.Sprintf("SELECT CAST(key AS VARCHAR) FROM kafka('customers') WITH (kafka.bootstrap.servers='%s', kafka.client.id='kq-reports') ORDER BY 1", b.Brokers()))
	if strings.Join(got, " ") != "c0 c1 c2 c3 c4 c5 c6" {
		t.Fatalf("rows %v", got)
	}
	seen := ids.seen()
	if len(seen) != 1 || seen["kq-reports"] < 2 {
		t.Errorf("client ids of the connections to the source's cluster: %v, want only kq-reports, from the planning client and the workers", seen)
	}
}

// TestKafkaFetchBytes: kafka.max.partition.fetch.bytes and
// kafka.fetch.max.bytes set the size of the scan's fetches (the smaller
// one, as kq fetches one partition at a time); a source without them
// keeps the default.
func TestKafkaFetchBytes(t *testing.T) {
	c := kafkatest.New(t)
	var keys []string
	for i := range 500 {
		keys = append(keys, fmt.Sprintf("k%d", i))
	}
	seedKeys(t, c, "events", 3, keys)
	var mu sync.Mutex
	var sizes []int32
	c.ControlKey(int16(kmsg.Fetch), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		mu.Lock()
		defer mu.Unlock()
		for _, rt := range req.(*kmsg.FetchRequest).Topics {
			for _, rp := range rt.Partitions {
				sizes = append(sizes, rp.PartitionMaxBytes)
			}
		}
		return nil, nil, false
	})
	eng, err := kq.Open(kq.WithBrokers(c.Brokers()))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	for _, tc := range []struct {
		with string
		want int32
	}{
		{"", 4 << 20},
		{"WITH (kafka.max.partition.fetch.bytes=2048)", 2048},
		{"WITH (kafka.fetch.max.bytes=1500, kafka.max.partition.fetch.bytes=4096)", 1500},
		{"WITH (\"kafka.fetch.max.bytes\"='65536')", 65536},
	} {
		mu.Lock()
		sizes = nil
		mu.Unlock()
		// SUM makes the scan read the values (a bare COUNT(*) may
		// count from batch headers alone; it fetches all the same).
		sql := "SELECT COUNT(*), SUM(OCTET_LENGTH(value)) FROM kafka('events') " + tc.with
		got := rows(t, eng, sql)
		if len(got) != 1 || !strings.HasPrefix(got[0], "500|") {
			t.Fatalf("%s: %v, want 500 rows", sql, got)
		}
		mu.Lock()
		if len(sizes) < 3 {
			t.Errorf("%s: %d partition fetches, want one per partition at least", sql, len(sizes))
		}
		for _, n := range sizes {
			if n != tc.want {
				t.Errorf("%s: a fetch asked for %d bytes of a partition, want %d", sql, n, tc.want)
				break
			}
		}
		mu.Unlock()
	}
}

// TestKafkaOptionErrors: an unsupported or forbidden kafka.* key is a
// *QueryError pointing at the option and listing the supported keys; a
// password in the query is rejected saying where it must come from, and
// shown nowhere. Nothing is sent to a broker.
func TestKafkaOptionErrors(t *testing.T) {
	ctx := context.Background()
	eng, err := kq.Open(kq.WithBrokers("127.0.0.1:1"), kq.WithTimeout(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	supported := "supported: kafka.bootstrap.servers, kafka.client.id, kafka.fetch.max.bytes, kafka.max.partition.fetch.bytes, kafka.request.timeout.ms, " +
		"kafka.sasl.mechanism, kafka.sasl.username, kafka.security.protocol, kafka.socket.connection.setup.timeout.ms, kafka.ssl.ca.location, kafka.ssl.truststore.location"
	for _, tc := range []struct {
		sql       string
		line, col int
		want      string
	}{
		{"SELECT COUNT(*) FROM kafka('a')\n  WITH (kafka.acks='all')", 2, 9, "option kafka.acks is not a supported Kafka client setting; " + supported},
		{"SELECT * FROM kafka('a') WITH (kafka.client.id='x', \"kafka.linger.ms\"=5)", 1, 53, "option kafka.linger.ms is not a supported Kafka client setting; " + supported},
		{"SELECT * FROM kafka('a') WITH (kafka.bootstrap.server='h:1')", 1, 32, "(did you mean kafka.bootstrap.servers?)"},
		{"SELECT * FROM kafka('a') WITH (kafka.security.protocol='SASL_SSL', kafka.sasl.mechanism='PLAIN', kafka.sasl.username='u',\n kafka.sasl.password='" + secret + "')", 2, 2,
			"option kafka.sasl.password is not allowed: a password is never written in a query: kq takes a source's SASL password from the environment variable KQ_SASL_PASSWORD"},
		{"EXPLAIN SELECT * FROM kafka('a') WITH (\"kafka.sasl.jaas.config\"='org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"" + secret + "\";')", 1, 40,
			"credentials are never written in a query: give kafka.sasl.mechanism and kafka.sasl.username, and the password in the environment variable KQ_SASL_PASSWORD"},
		{"SELECT * FROM kafka('a') WITH (kafka.auto.offset.reset='latest')", 1, 32, "kq reads explicit offset ranges"},
		{"SELECT * FROM kafka('a') WITH (kafka.session.timeout.ms=1000)", 1, 32, "kq joins no consumer group"},
		{"SELECT * FROM kafka('a') WITH (kafka.sasl.mechanism='PLAIN')", 1, 32, "option kafka.sasl.mechanism needs kafka.security.protocol='SASL_PLAINTEXT' or 'SASL_SSL'"},
	} {
		start := time.Now()
		_, err := eng.Query(ctx, tc.sql)
		var qe *kq.QueryError
		if !errors.As(err, &qe) {
			t.Errorf("%s: %v (%T), want a *kq.QueryError", tc.sql, err, err)
			continue
		}
		if qe.Line != tc.line || qe.Column != tc.col {
			t.Errorf("%s: error at %d:%d, want %d:%d", tc.sql, qe.Line, qe.Column, tc.line, tc.col)
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s:\n got %v\nwant %q", tc.sql, err, tc.want)
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("the error shows the password: %v", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s: took %v: the options were not checked before reaching for the cluster", tc.sql, d)
		}
	}
}

// TestKafkaSASL: a source reads a SASL cluster with kafka.security.protocol
// and kafka.sasl.* (the password from KQ_SASL_PASSWORD), joined with a
// topic of the engine's plain cluster; a wrong or missing password fails
// clearly without showing it; EXPLAIN hides the user.
func TestKafkaSASL(t *testing.T) {
	ctx := context.Background()
	a := kafkatest.New(t)
	seedKeys(t, a, "orders", 2, []string{"c1", "c2", "c2", "c9"})
	for _, mech := range []string{kq.SASLPlain, kq.SASLScramSHA256, kq.SASLScramSHA512} {
		t.Run(mech, func(t *testing.T) {
			b, err := kafkatest.Start([]kfake.Opt{kfake.EnableSASL(), kfake.Superuser(mech, "analyst", secret)},
				kgo.SASL(scramOrPlain(mech, secret)))
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			seedKeys(t, b, "customers", 3, []string{"c1", "c2", "c3", "c4"})

			eng, err := kq.Open(kq.WithBrokers(a.Brokers()), kq.WithTimeout(5*time.Second))
			if err != nil {
				t.Fatal(err)
			}
			defer eng.Close()
			src := fmt.Sprintf("kafka('customers') WITH (kafka.bootstrap.servers='%s', kafka.security.protocol='SASL_PLAINTEXT', kafka.sasl.mechanism='%s', kafka.sasl.username='analyst')",
				b.Brokers(), strings.ToLower(mech))

			t.Setenv("KQ_SASL_PASSWORD", secret)
			if got := queryInt64(t, eng, "SELECT COUNT(*) FROM "+src); got != 4 {
				t.Errorf("COUNT(*) = %d, want 4", got)
			}
			if got := queryInt64(t, eng, "SELECT COUNT(*) FROM kafka('orders') o JOIN "+src+" c ON o.key = c.key"); got != 3 {
				t.Errorf("join = %d, want 3", got)
			}
			plan, err := eng.Explain(ctx, "SELECT * FROM "+src)
			if err != nil {
				t.Fatal(err)
			}
			if text := plan.String(); !strings.Contains(text, "kafka.sasl.username=***") || strings.Contains(text, "analyst") || strings.Contains(text, secret) {
				t.Errorf("EXPLAIN shows the user or the password:\n%s", text)
			}

			t.Setenv("KQ_SASL_PASSWORD", "wrong-"+secret)
			_, err = eng.Query(ctx, "SELECT COUNT(*) FROM "+src)
			if err == nil || !strings.Contains(err.Error(), "cannot reach Kafka at "+b.Brokers()) || !strings.Contains(strings.ToUpper(err.Error()), "SASL") {
				t.Errorf("wrong password: %v, want an error naming the cluster and SASL", err)
			}
			if err != nil && strings.Contains(err.Error(), secret) {
				t.Errorf("the error shows the password: %v", err)
			}

			os.Unsetenv("KQ_SASL_PASSWORD") // t.Setenv restores it
			_, err = eng.Query(ctx, "SELECT COUNT(*) FROM "+src)
			if err == nil || !strings.Contains(err.Error(), "environment variable KQ_SASL_PASSWORD, which is not set") {
				t.Errorf("no password: %v", err)
			}
		})
	}
}

// TestKafkaSecurityOverride: a source without kafka.security.protocol
// keeps the engine's SASL; one with it uses its own alone (here PLAINTEXT,
// which the SASL cluster refuses), and SSL with a PEM CA file reads a TLS
// cluster.
func TestKafkaSecurityOverride(t *testing.T) {
	ctx := context.Background()
	b, err := kafkatest.Start([]kfake.Opt{kfake.EnableSASL(), kfake.Superuser(kq.SASLScramSHA256, "analyst", secret)},
		kgo.SASL(scramOrPlain(kq.SASLScramSHA256, secret)))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	seedKeys(t, b, "customers", 2, []string{"c1", "c2", "c3"})
	eng, err := kq.Open(kq.WithBrokers(b.Brokers()), kq.WithSASL(kq.SASLScramSHA256, "analyst", secret), kq.WithTimeout(3*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	if got := queryInt64(t, eng, "SELECT COUNT(*) FROM kafka('customers') WITH (kafka.client.id='inherits', kafka.max.partition.fetch.bytes=1024)"); got != 3 {
		t.Errorf("a source keeping the engine's SASL: %d, want 3", got)
	}
	if _, err := eng.Query(ctx, "SELECT COUNT(*) FROM kafka('customers') WITH (kafka.security.protocol='PLAINTEXT')"); err == nil {
		t.Error("a PLAINTEXT source read the SASL cluster: the engine's SASL was not dropped")
	}

	dir := t.TempDir()
	caFile, serverCfg := testCertificates(t, dir)
	c, err := kafkatest.Start([]kfake.Opt{kfake.TLS(serverCfg)}, kgo.DialTLSConfig(trustCA(t, caFile)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	seedKeys(t, c, "secure", 2, []string{"s1", "s2", "s3", "s4", "s5"})
	tlsSrc := func(ca string) string {
		return fmt.Sprintf("SELECT COUNT(*) FROM kafka('secure') WITH (kafka.bootstrap.servers='%s', kafka.security.protocol='SSL', kafka.ssl.ca.location='%s')", c.Brokers(), ca)
	}
	if got := queryInt64(t, eng, tlsSrc(caFile)); got != 5 {
		t.Errorf("TLS source: %d, want 5", got)
	}
	if _, err := eng.Query(ctx, tlsSrc(filepath.Join(dir, "server.key"))); err == nil || !strings.Contains(err.Error(), "no PEM certificates") {
		t.Errorf("a CA file without certificates: %v", err)
	}
}

func scramOrPlain(mech, password string) sasl.Mechanism {
	switch mech {
	case kq.SASLScramSHA256:
		return scram.Auth{User: "analyst", Pass: password}.AsSha256Mechanism()
	case kq.SASLScramSHA512:
		return scram.Auth{User: "analyst", Pass: password}.AsSha512Mechanism()
	}
	return plain.Auth{User: "analyst", Pass: password}.AsMechanism()
}
