package scan

import (
	"context"
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/kq-sql/kq/internal/decode"
	"github.com/kq-sql/kq/internal/fetch"
	"github.com/kq-sql/kq/internal/formats"
	"github.com/kq-sql/kq/internal/plan"
)

// Schema returns the schema of the batches a scan of s yields, without
// starting the scan: from the options alone, or — when JSON fields must be
// inferred — from a sample of s's first records read with one client. It
// is what DESCRIBE shows.
// It also says where the schemas of schema-driven parts came from.
func Schema(ctx context.Context, s *plan.Scan, cfg *Config) (*arrow.Schema, []formats.Info, error) {
	l, infos, err := layout(ctx, s, cfg)
	if err != nil {
		return nil, nil, err
	}
	return l.Schema(), infos, nil
}

// layoutOf checks cfg and fills in its defaults, then decides what scan s
// materializes (decode.ScanLayout), first inferring the JSON fields of the
// parts that need it from a sample.
func layoutOf(ctx context.Context, s *plan.Scan, cfg *Config) (*decode.Layout, error) {
	l, _, err := layout(ctx, s, cfg)
	return l, err
}

// layout is layoutOf, with where the schemas of schema-driven parts came
// from.
func layout(ctx context.Context, s *plan.Scan, cfg *Config) (*decode.Layout, []formats.Info, error) {
	if cfg.NewClient == nil {
		return nil, nil, errors.New("scan: Config.NewClient is required")
	}
	cfg.withDefaults()
	fr := cfg.Formats
	if fr == nil {
		fr = &formats.Resolver{}
	}
	value, vi, err := fr.Part(ctx, s, plan.PartValue)
	if err != nil {
		return nil, nil, err
	}
	key, ki, err := fr.Part(ctx, s, plan.PartKey)
	if err != nil {
		return nil, nil, err
	}
	var infos []formats.Info
	for _, i := range []*formats.Info{vi, ki} {
		if i != nil {
			infos = append(infos, *i)
		}
	}
	wantValue, wantKey := decode.Infer(s)
	if wantValue || wantKey {
		n := s.Options.JSONSampleSize
		if n <= 0 {
			n = plan.DefaultJSONSampleSize
		}
		v, k, err := sample(ctx, s, cfg, n, wantValue, wantKey)
		if err != nil {
			return nil, nil, err
		}
		if wantValue {
			value.Fields = v
		}
		if wantKey {
			key.Fields = k
		}
	}
	l, err := decode.ScanLayout(s, value, key)
	return l, infos, err
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
