package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/kq-sql/kq/internal/kafkatest"
)

// lockedBuffer is a bytes.Buffer written by a command's goroutines
// (kq serve, kq worker) and read by the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestServe runs `kq serve` with a token file and an environment token,
// queries it with arrow-go's Flight SQL client, and stops it as Ctrl-C
// would.
func TestServe(t *testing.T) {
	c := kafkatest.New(t, kfake.SeedTopics(2, "events"))
	if err := c.Produce(context.Background(), kafkatest.Records("events", []int{7, 5}, func(p int32, i int) *kgo.Record {
		return &kgo.Record{Value: []byte("x")}
	})...); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens")
	if err := os.WriteFile(tokens, []byte("# analysts\nfile-token-1\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KQ_SERVE_TOKEN", "env-token-2")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-b", c.Brokers(), "--listen", "127.0.0.1:0", "--token-file", tokens}, strings.NewReader(""), &bytes.Buffer{}, &stderr)
	}()
	addrRE := regexp.MustCompile(`grpc://(127\.0\.0\.1:\d+)`)
	var addr string
	for deadline := time.Now().Add(20 * time.Second); addr == ""; {
		if m := addrRE.FindStringSubmatch(stderr.String()); m != nil {
			addr = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("no address announced; stderr:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if out := stderr.String(); strings.Contains(out, "file-token-1") || strings.Contains(out, "env-token-2") || !strings.Contains(out, "2 bearer tokens") {
		t.Fatalf("start-up line: %q", out)
	}
	cl, err := flightsql.NewClient(addr, nil, nil, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for _, tok := range []string{"file-token-1", "env-token-2"} {
		actx := metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+tok)
		info, err := cl.Execute(actx, "SELECT COUNT(*) AS n FROM kafka('events')")
		if err != nil {
			t.Fatal(err)
		}
		rdr, err := cl.DoGet(actx, info.Endpoint[0].Ticket)
		if err != nil {
			t.Fatal(err)
		}
		if !rdr.Next() || rdr.RecordBatch().Column(0).ValueStr(0) != "12" {
			t.Fatalf("token %s: COUNT(*) = %v, %v", tok, rdr.RecordBatch(), rdr.Err())
		}
		rdr.Release()
	}
	if _, err := cl.Execute(metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer nope"), "SELECT 1"); status.Code(err) != codes.Unauthenticated {
		t.Fatalf("wrong token: %v", err)
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Fatalf("exit %d; stderr:\n%s", code, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("kq serve did not stop")
	}
}

func TestServeBadInput(t *testing.T) {
	dir := t.TempDir()
	users := filepath.Join(dir, "users")
	if err := os.WriteFile(users, []byte("ana:pw\nbob\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"serve", "--listen", "0.0.0.0:0"}, exitError, "non-loopback"},
		{[]string{"serve", "--users-file", users}, exitUsage, users + ":2: want user:password"},
		{[]string{"serve", "--server-cert", "c.pem"}, exitUsage, "--server-cert and --server-key go together"},
		{[]string{"serve", "--max-queries", "0"}, exitUsage, "--max-queries must be at least 1"},
		{[]string{"serve", "--listen", "nonsense"}, exitUsage, "--listen"},
	} {
		var stderr bytes.Buffer
		code := run(context.Background(), append(tc.args, "-b", "127.0.0.1:1"), strings.NewReader(""), &bytes.Buffer{}, &stderr)
		if code != tc.code || !strings.Contains(stderr.String(), tc.want) || strings.Count(stderr.String(), "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and one line naming %q", tc.args, code, stderr.String(), tc.code, tc.want)
		}
	}
}
