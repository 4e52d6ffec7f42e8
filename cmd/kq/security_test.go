package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

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
