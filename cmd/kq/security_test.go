package main

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/kq-sql/kq/internal/kafkatest"
)

func TestRunSASL(t *testing.T) {
	const password = "pa55-w0rd-from-env"
	auth, err := kafkatest.SASL("SCRAM-SHA-256", "analyst", password)
	if err != nil {
		t.Fatal(err)
	}
	c, err := kafkatest.Start([]kfake.Opt{kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-256", "analyst", password), kfake.SeedTopics(2, "events")}, auth)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// 25 records over both partitions, valued 0..24.
	recs := kafkatest.Records("events", []int{13, 12}, func(p int32, i int) *kgo.Record {
		return &kgo.Record{Value: []byte{byte(2*i + int(p))}}
	})
	if err := c.Produce(context.Background(), recs...); err != nil {
		t.Fatal(err)
	}

	brokers := c.ListenAddrs()[0]
	args := []string{"-b", brokers, "--sasl-mechanism", "SCRAM-SHA-256", "--sasl-user", "analyst", "--stats", "json", "SELECT COUNT(*) AS n FROM kafka('events')"}

	t.Setenv("KQ_SASL_PASSWORD", password)
	code, out, errs := runKQ(t, "", args...)
	if code != 0 || out != "n\n25\n" {
		t.Fatalf("password from the environment: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if strings.Contains(errs, password) {
		t.Errorf("stderr shows the password: %s", errs)
	}

	file := filepath.Join(t.TempDir(), "password")
	os.WriteFile(file, []byte(password+"\n"), 0o600)
	t.Setenv("KQ_SASL_PASSWORD", "wrong")
	code, out, errs = runKQ(t, "", append([]string{"--sasl-password-file", file}, args...)...)
	if code != 0 || out != "n\n25\n" {
		t.Fatalf("password from a file: exit %d, stdout %q, stderr %q", code, out, errs)
	}

	code, _, errs = runKQ(t, "", args...) // the wrong password from the environment
	if code != exitError || !strings.Contains(errs, "SASL authentication (SCRAM-SHA-256 user analyst)") || strings.Contains(errs, "wrong") {
		t.Fatalf("wrong password: exit %d, stderr %q", code, errs)
	}
}

// TestRunSchemaRegistryAuth: the registry's user comes from a flag, its
// password from the environment or a file only, and a refused password is
// one error naming the registry, never the password.
func TestRunSchemaRegistryAuth(t *testing.T) {
	const password = "reg-s3cret"
	reg := srfake.New(srfake.WithAuth("Basic " + base64.StdEncoding.EncodeToString([]byte("analyst:"+password))))
	defer reg.Close()
	reg.SeedSchema("t-value", 1, 1, sr.Schema{Type: sr.TypeAvro, Schema: `{"type":"record","name":"R","fields":[{"name":"n","type":"long"}]}`})
	c := kafkatest.New(t, kfake.SeedTopics(1, "t"))
	if err := c.Produce(context.Background(), &kgo.Record{Topic: "t", Value: []byte{0, 0, 0, 0, 1, 84}}); err != nil {
		t.Fatal(err)
	}
	sql := "SELECT SUM(n) FROM kafka('t') WITH (valueFormat='avro')"
	t.Setenv("KQ_SCHEMA_REGISTRY_PASSWORD", password)
	if code, out, errs := runKQ(t, "", "-b", c.Brokers(), "--schema-registry", reg.URL(), "--schema-registry-user", "analyst", sql); code != 0 || out != "SUM(n)\n42\n" {
		t.Fatalf("exit %d, %q, %s", code, out, errs)
	}
	t.Setenv("KQ_SCHEMA_REGISTRY_PASSWORD", "wrong-pass")
	code, _, errs := runKQ(t, "", "-b", c.Brokers(), "--schema-registry", reg.URL(), "--schema-registry-user", "analyst", "--timeout", "2s", sql)
	if code != 1 || !strings.Contains(errs, "schema registry at "+reg.URL()+" refused kq's credentials") || strings.Contains(errs, "wrong-pass") {
		t.Fatalf("wrong password: exit %d: %s", code, errs)
	}
}
