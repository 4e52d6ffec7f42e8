// Package s3test runs a real S3-compatible server for tests: versitygw
// (github.com/versity/versitygw v1.8.0, installed into the module's bin/
// by `make test` and .ci/run; not in go.mod) serving a temporary
// directory on 127.0.0.1 with static keys. It is kq's one S3 test
// helper.
package s3test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kq-sql/kq/internal/toolbin"
)

// Version is the versitygw release the tests run against.
const Version = "v1.8.0"

// Install is the command that installs versitygw where Binary finds it.
const Install = "GOBIN=$(pwd)/bin go install github.com/versity/versitygw/cmd/versitygw@" + Version

// RequireEnv, when set to 1 (as `make test` and CI do), makes a missing
// versitygw fail the tests instead of skipping them.
const RequireEnv = "KQ_REQUIRE_VERSITYGW"

// Keys are the server's static credentials.
const (
	AccessKey = "kqtestaccess"
	SecretKey = "kqtestsecret-not-a-real-secret"
	Region    = "us-east-1"
)

// Server is a running versitygw.
type Server struct {
	// Endpoint is the server's URL, http://127.0.0.1:port.
	Endpoint string
	// Root is the directory it serves: one subdirectory per bucket.
	Root string

	cmd     *exec.Cmd
	exited  chan struct{} // closed when the process has ended
	buckets atomic.Int64
}

// Binary returns the path of the versitygw binary: $KQ_VERSITYGW, else
// bin/versitygw in the module's root (found from the working directory
// upwards), else one on PATH.
func Binary() (string, error) {
	if p, ok := toolbin.Find("KQ_VERSITYGW", "versitygw"); ok {
		return p, nil
	}
	return "", fmt.Errorf("versitygw not found in bin/ or on PATH; install it with: %s", Install)
}

// New starts a server for t, stopped when t ends, and points the AWS SDK
// of this process at it (S3_ENDPOINT, the static keys, the region, no
// shared config files or instance metadata) for the rest of the test. It
// skips t when versitygw is not installed, unless RequireEnv is 1.
func New(t testing.TB) *Server {
	t.Helper()
	s, err := Start(toolbin.Need(t, RequireEnv, Binary), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	for k, v := range s.Env() {
		t.Setenv(k, v)
	}
	return s
}

// Start starts versitygw from bin serving root on a free port of
// 127.0.0.1 and waits until it answers. Stop it when done.
func Start(bin, root string) (*Server, error) {
	var lastErr error
	for range 3 { // the port found free may be taken before versitygw binds it
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		cmd := exec.Command(bin, "-q", "--port", addr, "--access", AccessKey, "--secret", SecretKey, "--region", Region, "posix", root)
		out, err := os.CreateTemp("", "versitygw-*.log")
		if err != nil {
			return nil, err
		}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			out.Close()
			os.Remove(out.Name())
			return nil, fmt.Errorf("s3test: start %s: %w", bin, err)
		}
		s := &Server{Endpoint: "http://" + addr, Root: root, cmd: cmd, exited: make(chan struct{})}
		go func() {
			cmd.Wait()
			out.Close()
			close(s.exited)
		}()
		err = waitHTTP(s.Endpoint, s.exited)
		if err == nil {
			os.Remove(out.Name())
			return s, nil
		}
		s.Stop()
		log, _ := os.ReadFile(out.Name())
		os.Remove(out.Name())
		lastErr = fmt.Errorf("s3test: versitygw on %s: %w: %s", addr, err, log)
	}
	return nil, lastErr
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func waitHTTP(url string, exited <-chan struct{}) error {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return errors.New("exited")
		default:
		}
		res, err := http.Get(url)
		if err == nil {
			res.Body.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.New("no answer within 20 s")
}

// Pid is the server process's id.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Stop stops the server and waits for it to exit.
func (s *Server) Stop() {
	s.cmd.Process.Kill()
	<-s.exited
}

// Env is the environment that points the AWS SDK at the server, for
// this process (New sets it) or a child process.
func (s *Server) Env() map[string]string {
	return map[string]string{
		"S3_ENDPOINT":                 s.Endpoint,
		"AWS_ACCESS_KEY_ID":           AccessKey,
		"AWS_SECRET_ACCESS_KEY":       SecretKey,
		"AWS_REGION":                  Region,
		"AWS_CONFIG_FILE":             os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_SESSION_TOKEN":           "",
		"AWS_PROFILE":                 "",
		"AWS_ENDPOINT_URL":            "",
		"AWS_ENDPOINT_URL_S3":         "",
	}
}

// Bucket creates a new, empty bucket (a directory of Root, which is how
// versitygw's posix backend keeps buckets) and returns its name.
func (s *Server) Bucket(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("kq-test-%d", s.buckets.Add(1))
	if err := os.Mkdir(filepath.Join(s.Root, name), 0o755); err != nil {
		t.Fatal(err)
	}
	return name
}

// Context is a context for test set-up calls against the server.
func Context(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
