package kq

import (
	"testing"
	"time"
)

// TestTimeoutOption: WithTimeout(0) (and --timeout 0) waits as long as the
// context allows, as documented, instead of the default 10 s; the scan's
// retries are unbounded too.
func TestTimeoutOption(t *testing.T) {
	for _, tc := range []struct {
		opts []Option
		want time.Duration
	}{
		{nil, DefaultTimeout},
		{[]Option{WithTimeout(3 * time.Second)}, 3 * time.Second},
		{[]Option{WithTimeout(0)}, 0},
		{[]Option{WithTimeout(-time.Second)}, 0},
	} {
		var cfg config
		for _, o := range tc.opts {
			o(&cfg)
		}
		rc, err := cfg.runner()
		if err != nil {
			t.Fatal(err)
		}
		if rc.Timeout != tc.want {
			t.Errorf("%d options: timeout %v, want %v", len(tc.opts), rc.Timeout, tc.want)
		}
	}
}
