package scan

import (
	"context"
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/kq-sql/kq/internal/decode"
	"github.com/kq-sql/kq/internal/fetch"
	"github.com/kq-sql/kq/internal/plan"
)

// Schema returns the schema of the batches a scan of s yields, without
// starting the scan: from the options alone, or — when JSON fields must be
// inferred — from a sample of s's first records read with one client. It
// is what DESCRIBE shows.
func Schema(ctx context.Context, s *plan.Scan, cfg *Config) (*arrow.Schema, error) {
	l, err := layoutOf(ctx, s, cfg)
	if err != nil {
		return nil, err
	}
	return l.Schema(), nil
}

// layoutOf checks cfg and fills in its defaults, then decides what scan s
// materializes (decode.ScanLayout), first inferring the JSON fields of the
// parts that need it from a sample.
func layoutOf(ctx context.Context, s *plan.Scan, cfg *Config) (*decode.Layout, error) {
	if cfg.NewClient == nil {
		return nil, errors.New("scan: Config.NewClient is required")
	}
	cfg.withDefaults()
	wantValue, wantKey := decode.Infer(s)
	var value, key []plan.Field
	if wantValue || wantKey {
		n := s.Options.JSONSampleSize
		if n <= 0 {
			n = plan.DefaultJSONSampleSize
		}
		var err error
		if value, key, err = sample(ctx, s, cfg, n, wantValue, wantKey); err != nil {
			return nil, err
		}
	}
	return decode.ScanLayout(s, decode.PartSpec{Fields: value}, decode.PartSpec{Fields: key})
}

// sample reads the first n records of s (tasks in plan order: the first
// tasks' records, under the scan's isolation level) with one client and
// infers the JSON fields of the value and of the key, for the parts whose
// wantValue/wantKey is set.
func sample(ctx context.Context, s *plan.Scan, cfg *Config, n int, wantValue, wantKey bool) (value, key []plan.Field, err error) {
	cl, release, err := cfg.NewClient()
	if err != nil {
		return nil, nil, fmt.Errorf("kafka client: %w", err)
	}
	defer release()
	vg, kg := decode.NewGuesser(), decode.NewGuesser()
	lim := &limiter{}
	lim.left.Store(int64(n))
	w := newWorker(cl, s, cfg, lim, nil, nil)
	w.visit = func(r *fetch.Record) {
		if wantValue {
			vg.Add(r.Value)
		}
		if wantKey {
			kg.Add(r.Key)
		}
	}
	for _, t := range s.Tasks {
		if _, err := w.run(ctx, t); err != nil {
			if isStop(err) {
				break
			}
			return nil, nil, fmt.Errorf("sampling %s for its JSON schema: %w", t.Range, err)
		}
	}
	if wantValue {
		value = vg.Result()
	}
	if wantKey {
		key = kg.Result()
	}
	return value, key, nil
}
