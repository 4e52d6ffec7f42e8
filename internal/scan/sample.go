package scan

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/kq-sql/kq/internal/decode"
	"github.com/kq-sql/kq/internal/fetch"
	"github.com/kq-sql/kq/internal/formats"
	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/lang"
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

// InferFields returns the JSON fields a scan of s would infer from its
// sample, for the value and the key (nil for a part whose fields are
// given, not JSON, or not used). A job document stores them so that
// every task, run anywhere, decodes with the planner's fields
// (plan.Fixed) instead of those of a sample of its own range.
func InferFields(ctx context.Context, s *plan.Scan, cfg *Config) (value, key []plan.Field, err error) {
	if cfg.NewClient == nil {
		return nil, nil, errors.New("scan: Config.NewClient is required")
	}
	cfg.withDefaults()
	wantValue, wantKey := decode.Infer(s)
	if !wantValue && !wantKey {
		return nil, nil, nil
	}
	n := s.Options.JSONSampleSize
	if n <= 0 {
		n = plan.DefaultJSONSampleSize
	}
	value, key, err = sample(ctx, s, cfg, n, wantValue, wantKey)
	if wantValue && value == nil {
		value = []plan.Field{}
	}
	if wantKey && key == nil {
		key = []plan.Field{}
	}
	return value, key, err
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
	vs, ks := &partSample{g: decode.NewGuesser()}, &partSample{g: decode.NewGuesser()}
	lim := &limiter{}
	lim.left.Store(int64(n))
	w := newWorker(cl, s, cfg, lim, nil, nil)
	var task plan.Task
	w.visit = func(r *fetch.Record) {
		if wantValue {
			vs.add(task, r.Offset, r.Value)
		}
		if wantKey {
			ks.add(task, r.Offset, r.Key)
		}
	}
	for _, t := range s.Tasks {
		task = t
		if _, err := w.run(ctx, t); err != nil {
			if isStop(err) {
				break
			}
			return nil, nil, fmt.Errorf("sampling %s for its JSON schema: %w", t.Range, err)
		}
	}
	if wantValue {
		if err := vs.check(s, plan.PartValue); err != nil {
			return nil, nil, err
		}
		value = vs.g.Result()
	}
	if wantKey {
		if err := ks.check(s, plan.PartKey); err != nil {
			return nil, nil, err
		}
		key = ks.g.Result()
	}
	return value, key, nil
}

// partSample is what the sample of one JSON part held: its fields (g),
// how many non-null payloads were JSON objects and how many were not, and
// the first that was not.
type partSample struct {
	g              *decode.Guesser
	objects, other int
	first          string // where it is and its start, quoted
}

func (p *partSample) add(t plan.Task, offset int64, data []byte) {
	if data == nil {
		return
	}
	if p.g.Add(data) {
		p.objects++
		return
	}
	if p.other++; p.other == 1 {
		p.first = fmt.Sprintf("%s-%d offset %d: %s", t.Topic, t.Partition, offset, decode.Excerpt(data))
	}
}

// check fails a scan whose sample of part held payloads but not one JSON
// object: its fields cannot be inferred, and every payload would be a
// decode error. The error points at the part's format option.
func (p *partSample) check(s *plan.Scan, part plan.Part) error {
	if p.objects > 0 || p.other == 0 {
		return nil
	}
	option := "valueFormat"
	if part == plan.PartKey {
		option = "keyFormat"
	}
	pos, ok := s.Options.Pos(option)
	if !ok {
		pos = s.Pos
	}
	return lang.Errorf(pos, "%s='json', but none of the %d %ss sampled from %s is a JSON object (%s); read them as text with %s='string', or leave them raw", option, p.other, part, strings.Join(s.Topics, ", "), p.first, option)
}
