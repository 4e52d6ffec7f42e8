package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

func TestRunSASL(t *testing.T) {
	const password = "pa55-w0rd-from-env"
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-256", "analyst", password), kfake.SeedTopics(2, "events"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.SASL(scram.Auth{User: "analyst", Pass: password}.AsSha256Mechanism()))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 25 {
		if err := cl.ProduceSync(context.Background(), &kgo.Record{Topic: "events", Value: []byte{byte(i)}}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	cl.Close()

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
