// Package temporaltest runs a real Temporal server for tests: the
// Temporal CLI's dev server (github.com/temporalio/cli v1.5.1, installed
// into the module's bin/ by `make test` and .ci/run; not in go.mod),
// in memory, on a free port of 127.0.0.1, stopped with the test. It is
// kq's one Temporal test helper.
package temporaltest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/kq-sql/kq/internal/toolbin"

	"log/slog"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
)

// Version is the Temporal CLI release the tests run against (v1.9.1
// cannot be built from the module proxy: its cliext module is not
// served).
const Version = "v1.5.1"

// Install is the command that installs the CLI where Binary finds it.
const Install = "GOBIN=$(pwd)/bin go install github.com/temporalio/cli/cmd/temporal@" + Version

// RequireEnv, when set to 1 (as `make test` and CI do), makes a missing
// Temporal CLI fail the tests instead of skipping them.
const RequireEnv = "KQ_REQUIRE_TEMPORAL"

// Server is a running dev server.
type Server struct {
	// Address is the frontend's host:port.
	Address string

	cmd    *exec.Cmd
	exited chan struct{}
	log    string
}

// Binary returns the path of the temporal binary: $KQ_TEMPORAL_CLI, else
// bin/temporal in the module's root (found from the working directory
// upwards), else one on PATH.
func Binary() (string, error) {
	if p, ok := toolbin.Find("KQ_TEMPORAL_CLI", "temporal"); ok {
		return p, nil
	}
	return "", fmt.Errorf("the Temporal CLI (dev server) is not in bin/ or on PATH; install it with: %s", Install)
}

// New starts a dev server for t, stopped when t ends. It skips t when
// the CLI is not installed, unless RequireEnv is 1.
func New(t testing.TB) *Server {
	t.Helper()
	s, err := Start(toolbin.Need(t, RequireEnv, Binary))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

// Start starts the dev server from bin, in memory, headless, on a free
// port of 127.0.0.1, and waits until its frontend answers (up to a
// minute: it starts slowly on a busy machine). Stop it when done.
func Start(bin string) (*Server, error) {
	var lastErr error
	for range 3 { // the port found free may be taken before the server binds it
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		out, err := os.CreateTemp("", "temporal-dev-*.log")
		if err != nil {
			return nil, err
		}
		cmd := exec.Command(bin, "server", "start-dev", "--headless", "--ip", "127.0.0.1", "--port", fmt.Sprint(port), "--log-level", "error")
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			out.Close()
			os.Remove(out.Name())
			return nil, fmt.Errorf("temporaltest: start %s: %w", bin, err)
		}
		s := &Server{Address: fmt.Sprintf("127.0.0.1:%d", port), cmd: cmd, exited: make(chan struct{}), log: out.Name()}
		go func() {
			cmd.Wait()
			out.Close()
			close(s.exited)
		}()
		if err = s.wait(time.Minute); err == nil {
			return s, nil
		}
		s.Stop()
		b, _ := os.ReadFile(out.Name())
		lastErr = fmt.Errorf("temporaltest: dev server on %s: %w: %s", s.Address, err, b)
	}
	return nil, lastErr
}

// wait waits until the frontend answers a health check.
func (s *Server) wait(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		select {
		case <-s.exited:
			return fmt.Errorf("exited")
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		c, err := client.DialContext(ctx, client.Options{HostPort: s.Address, Logger: quiet()})
		if err == nil {
			_, err = c.CheckHealth(ctx, &client.CheckHealthRequest{})
			c.Close()
		}
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not answering after %s: %w", limit, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Client returns a client of the server for t, closed when t ends.
func (s *Server) Client(t testing.TB) client.Client {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: s.Address, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// Stop ends the server and removes its log.
func (s *Server) Stop() {
	select {
	case <-s.exited:
	default:
		s.cmd.Process.Kill()
		<-s.exited
	}
	os.Remove(s.log)
}

// quiet is an SDK logger of errors only, to stderr.
func quiet() sdklog.Logger {
	return sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})))
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
