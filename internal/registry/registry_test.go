package registry

import (
	"context"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"
)

const orderV1 = `{"type":"record","name":"Order","fields":[{"name":"id","type":"long"}]}`

func TestSchemaByIDCached(t *testing.T) {
	reg := srfake.New()
	defer reg.Close()
	reg.SeedSchema("orders-value", 1, 7, sr.Schema{Schema: orderV1, Type: sr.TypeAvro})
	var requests atomic.Int64
	reg.Intercept(func(w http.ResponseWriter, r *http.Request) bool {
		requests.Add(1)
		return false
	})
	c, err := New(Config{URL: reg.URL()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := c.SchemaByID(ctx, 7)
			if err != nil || s.Schema != orderV1 {
				t.Errorf("SchemaByID(7): %q, %v", s.Schema, err)
			}
		}()
	}
	wg.Wait()
	if n := requests.Load(); n != 1 {
		t.Errorf("%d requests for one id, want 1", n)
	}
	latest, err := c.Latest(ctx, "orders-value")
	if err != nil || latest.ID != 7 || latest.Version != 1 {
		t.Fatalf("Latest: %+v, %v", latest, err)
	}
	var nf *NotFoundError
	if _, err := c.SchemaByID(ctx, 99); !errors.As(err, &nf) || !strings.Contains(err.Error(), reg.URL()) {
		t.Errorf("unknown id: %v, want a *NotFoundError naming the URL", err)
	}
	if _, err := c.Latest(ctx, "nope-value"); !errors.As(err, &nf) || !strings.Contains(err.Error(), `subject "nope-value"`) {
		t.Errorf("unknown subject: %v", err)
	}
}

func TestCredentialsAndRetries(t *testing.T) {
	token := base64.StdEncoding.EncodeToString([]byte("analyst:s3cret-pass"))
	reg := srfake.New(srfake.WithAuth("Basic " + token))
	defer reg.Close()
	reg.SeedSchema("orders-value", 1, 1, sr.Schema{Schema: orderV1, Type: sr.TypeAvro})
	ctx := context.Background()

	bad, _ := New(Config{URL: reg.URL(), User: "analyst", Password: "wrong-pass", Timeout: time.Second})
	_, err := bad.SchemaByID(ctx, 1)
	if err == nil || !strings.Contains(err.Error(), "refused kq's credentials") || strings.Contains(err.Error(), "wrong-pass") {
		t.Fatalf("bad password: %v", err)
	}
	good, _ := New(Config{URL: reg.URL(), User: "analyst", Password: "s3cret-pass", Timeout: 5 * time.Second})
	// Two 503s, then the registry answers: retried.
	var fails atomic.Int64
	reg.Intercept(func(w http.ResponseWriter, r *http.Request) bool {
		if fails.Add(1) <= 2 {
			http.Error(w, `{"error_code":50003,"message":"busy"}`, http.StatusServiceUnavailable)
			return true
		}
		return false
	})
	if s, err := good.SchemaByID(ctx, 1); err != nil || s.Schema != orderV1 {
		t.Fatalf("after two 503s: %q, %v", s.Schema, err)
	}
}

func TestUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	c, _ := New(Config{URL: "http://" + addr, Timeout: 500 * time.Millisecond})
	start := time.Now()
	_, err = c.Latest(context.Background(), "orders-value")
	if err == nil || !strings.Contains(err.Error(), "schema registry at http://"+addr) || !strings.Contains(err.Error(), "giving up after") {
		t.Fatalf("unreachable registry: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v", d)
	}
	if _, err := New(Config{URL: "localhost:8081"}); err == nil {
		t.Error("a URL without a scheme was accepted")
	}
}
