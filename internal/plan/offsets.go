package plan

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/kq-sql/kq/lang"
)

// OffsetLister lists partition offsets. *kadm.Client satisfies it; an
// implementation answers as kadm does, including for unknown topics (a
// partition -1 with kerr.UnknownTopicOrPartition, not an error).
type OffsetLister interface {
	// ListStartOffsets lists log start offsets (earliest).
	ListStartOffsets(ctx context.Context, topics ...string) (kadm.ListedOffsets, error)
	// ListEndOffsets lists high watermarks (latest under read_uncommitted).
	ListEndOffsets(ctx context.Context, topics ...string) (kadm.ListedOffsets, error)
	// ListCommittedOffsets lists last stable offsets (latest under
	// read_committed).
	ListCommittedOffsets(ctx context.Context, topics ...string) (kadm.ListedOffsets, error)
	// ListOffsetsAfterMilli lists, per partition, the first offset whose
	// record timestamp is at or after millisecond; a partition without one
	// lists its end offset with timestamp -1.
	ListOffsetsAfterMilli(ctx context.Context, millisecond int64, topics ...string) (kadm.ListedOffsets, error)
}

// SettingsLister is an OffsetLister for sources on more than one cluster:
// a source's kafka.* settings (kafka.bootstrap.servers, security, ...)
// call for clients of their own. When the OffsetLister given to Plan,
// Resolve or ResolveScanRanges implements it, every scan is resolved
// through the lister ListerFor returns for the scan's settings (the zero
// ClientSettings for a source without kafka.* options), and an error of
// ListerFor (an unreachable cluster) is returned as it is. A plain
// OffsetLister resolves every scan itself.
type SettingsLister interface {
	OffsetLister
	// ListerFor returns the lister of the clients that settings describe.
	// It may connect; the lister stays valid as long as the
	// SettingsLister.
	ListerFor(ctx context.Context, settings ClientSettings) (OffsetLister, error)
}

// listerOf returns the lister that resolves scan s: l's for the scan's
// settings when l is a SettingsLister, else l.
func listerOf(ctx context.Context, l OffsetLister, s *Scan) (OffsetLister, error) {
	if sl, ok := l.(SettingsLister); ok {
		return sl.ListerFor(ctx, s.Options.Kafka)
	}
	return l, nil
}

// ResolveRanges resolves every partition of topics to its offset range
// under opts (earliest/latest, per-partition JSON offsets, and the
// timestamp options), with latest the last stable offset under
// read_committed. Ranges come back ordered by (topic, partition) and may be
// empty; Split drops empty ones.
func ResolveRanges(ctx context.Context, l OffsetLister, topics []string, opts Options) ([]Range, error) {
	return ResolveScanRanges(ctx, l, &Scan{Topics: topics, Options: opts})
}

// ResolveScanRanges resolves the ranges of scan s (through the lister of
// its client settings when l is a SettingsLister): its options, then the
// predicates pushed into it (Partitions, Offsets, and the lower bound of
// Timestamp through ListOffsetsAfterMilli). Errors about options are
// *lang.Error values pointing at the option; unknown topics are
// *UnknownTopicError.
func ResolveScanRanges(ctx context.Context, l OffsetLister, s *Scan) ([]Range, error) {
	ranges, _, err := resolveScan(ctx, l, s, timestampTypes{})
	return ranges, err
}

// resolveScan is ResolveScanRanges that also returns, for a scan with a
// timestamp upper bound, the decision per topic (UpperBound), with the
// timestamp types read once per topic and cluster through types.
func resolveScan(ctx context.Context, l OffsetLister, s *Scan, types timestampTypes) ([]Range, []UpperBound, error) {
	l, err := listerOf(ctx, l, s)
	if err != nil {
		return nil, nil, err
	}
	r := &resolver{l: l, topics: s.Topics, opts: s.Options, pos: s.Pos, resume: s.Resume, byTime: map[int64]kadm.ListedOffsets{}}
	ranges, err := r.resolve(ctx, s, types)
	if err != nil {
		return nil, nil, err
	}
	return ranges, r.upper, nil
}

// resolver holds the listings of one scan's resolution.
type resolver struct {
	l        OffsetLister
	topics   []string
	opts     Options
	pos      lang.Pos
	resume   *Resume
	earliest kadm.ListedOffsets
	latest   kadm.ListedOffsets
	byTime   map[int64]kadm.ListedOffsets
	// upper is the timestamp upper bound's decision per topic; nil when
	// the scan has no upper bound.
	upper []UpperBound
}

func (r *resolver) resolve(ctx context.Context, s *Scan, types timestampTypes) ([]Range, error) {
	var err error
	joined := strings.Join(r.topics, ", ")
	if r.earliest, err = r.l.ListStartOffsets(ctx, r.topics...); err != nil {
		return nil, fmt.Errorf("list earliest offsets of %s: %w", joined, err)
	}
	if err := checkListed(r.earliest, r.topics, r.pos); err != nil {
		return nil, r.suggest(ctx, err)
	}
	list, what := r.l.ListCommittedOffsets, "last stable"
	if r.opts.IsolationLevel == ReadUncommitted {
		list, what = r.l.ListEndOffsets, "latest"
	}
	if r.latest, err = list(ctx, r.topics...); err != nil {
		return nil, fmt.Errorf("list %s offsets of %s: %w", what, joined, err)
	}
	if err := checkListed(r.latest, r.topics, r.pos); err != nil {
		return nil, err
	}
	for _, c := range []struct {
		name string
		m    map[string]map[int32]int64
	}{
		{"startingOffsets", r.opts.StartingOffsets},
		{"endingOffsets", r.opts.EndingOffsets},
		{"startingOffsetsByTimestamp", r.opts.StartingOffsetsByTimestamp},
		{"endingOffsetsByTimestamp", r.opts.EndingOffsetsByTimestamp},
	} {
		if err := r.checkCovers(c.name, c.m); err != nil {
			return nil, err
		}
	}

	pushUntil := map[string]bool{}
	if s.Timestamp.HasUntil {
		r.upper = types.lookup(ctx, r.l, s.Options.Kafka.Identity(), r.topics)
		for _, u := range r.upper {
			pushUntil[u.Topic] = u.Pushed()
		}
	}

	var out []Range
	for _, topic := range r.topics {
		parts := make([]int32, 0, len(r.earliest[topic]))
		for p := range r.earliest[topic] {
			parts = append(parts, p)
		}
		sort.Slice(parts, func(i, j int) bool { return parts[i] < parts[j] })
		for _, p := range parts {
			if s.Partitions != nil && !containsPartition(s.Partitions, p) {
				continue
			}
			tp := TopicPartition{topic, p}
			from, err := r.start(ctx, tp)
			if err != nil {
				return nil, err
			}
			until, err := r.end(ctx, tp)
			if err != nil {
				return nil, err
			}
			if from > until {
				return nil, r.errorf(r.startName(), "%s starts at offset %d (%s), after it ends at offset %d (%s)",
					tp, from, r.startName(), until, r.endName())
			}
			from, until = s.Offsets.Clamp(from, until)
			if s.Timestamp.HasFrom && from < until {
				off, ok, err := r.after(ctx, tp, s.Timestamp.From)
				if err != nil {
					return nil, err
				}
				if !ok {
					off = until
				}
				from = max(from, off)
			}
			if pushUntil[topic] && from < until {
				// LogAppendTime: timestamps never decrease along the
				// partition, so no record at or after the first one at
				// or after the bound is inside it.
				off, ok, err := r.after(ctx, tp, s.Timestamp.Until)
				if err != nil {
					return nil, err
				}
				if ok {
					until = min(until, off)
				}
			}
			until = max(until, from)
			out = append(out, Range{Topic: topic, Partition: p, From: from, Until: until})
		}
	}
	return out, nil
}

// start resolves where tp starts.
func (r *resolver) start(ctx context.Context, tp TopicPartition) (int64, error) {
	earliest := r.earliest[tp.Topic][tp.Partition].Offset
	latest := r.latest[tp.Topic][tp.Partition].Offset
	if r.resume != nil {
		off, ok := r.resume.Offsets[tp]
		if !ok {
			return earliest, nil // new since: all of it
		}
		if off > latest {
			return 0, lang.Errorf(r.pos, "%s: %s ended at offset %d, after the partition's latest offset %d (was the topic deleted and created again?)",
				tp, r.resume.From, off, latest)
		}
		return off, nil
	}
	var ms int64
	switch {
	case r.opts.StartingTimestamp != nil:
		ms = *r.opts.StartingTimestamp
	case r.opts.StartingOffsetsByTimestamp != nil:
		ms = r.opts.StartingOffsetsByTimestamp[tp.Topic][tp.Partition]
	case r.opts.StartingOffsets != nil:
		if off := r.opts.StartingOffsets[tp.Topic][tp.Partition]; off != -2 {
			return off, nil
		}
		return earliest, nil
	default:
		return earliest, nil
	}
	off, ok, err := r.after(ctx, tp, ms)
	if err != nil || ok {
		return off, err
	}
	if r.opts.StartingOffsetsByTimestampStrategy == TimestampStrategyLatest {
		return latest, nil
	}
	return 0, r.errorf(r.startName(), "no record of %s has a timestamp at or after %d (%s); startingOffsetsByTimestampStrategy='latest' starts such partitions at latest",
		tp, ms, formatMilli(ms))
}

// end resolves where tp ends (exclusive).
func (r *resolver) end(ctx context.Context, tp TopicPartition) (int64, error) {
	latest := r.latest[tp.Topic][tp.Partition].Offset
	var ms int64
	switch {
	case r.opts.EndingTimestamp != nil:
		ms = *r.opts.EndingTimestamp
	case r.opts.EndingOffsetsByTimestamp != nil:
		ms = r.opts.EndingOffsetsByTimestamp[tp.Topic][tp.Partition]
	case r.opts.EndingOffsets != nil:
		off := r.opts.EndingOffsets[tp.Topic][tp.Partition]
		if off == -1 {
			return latest, nil
		}
		if off > latest {
			return 0, r.errorf("endingOffsets", "%s ends at offset %d, after its latest offset %d (-1 means latest)", tp, off, latest)
		}
		return off, nil
	default:
		return latest, nil
	}
	off, ok, err := r.after(ctx, tp, ms)
	if err != nil || ok {
		return off, err
	}
	return latest, nil // no record at or after ms: latest, as Spark does
}

// after returns the first offset of tp whose timestamp is at or after ms,
// and false when there is none below latest.
func (r *resolver) after(ctx context.Context, tp TopicPartition, ms int64) (int64, bool, error) {
	listed, ok := r.byTime[ms]
	if !ok {
		var err error
		listed, err = r.l.ListOffsetsAfterMilli(ctx, ms, r.topics...)
		if err != nil {
			return 0, false, fmt.Errorf("list offsets of %s after %s: %w", strings.Join(r.topics, ", "), formatMilli(ms), err)
		}
		if err := checkListed(listed, r.topics, r.pos); err != nil {
			return 0, false, err
		}
		r.byTime[ms] = listed
	}
	lo, ok := listed[tp.Topic][tp.Partition]
	if !ok {
		return 0, false, fmt.Errorf("list offsets of %s after %s: partition missing from the answer", tp, formatMilli(ms))
	}
	latest := r.latest[tp.Topic][tp.Partition].Offset
	if lo.Timestamp < 0 || lo.Offset < 0 || lo.Offset >= latest {
		return 0, false, nil
	}
	return max(lo.Offset, r.earliest[tp.Topic][tp.Partition].Offset), true, nil
}

// topicLister lists the cluster's topics; *kadm.Client satisfies it. An
// OffsetLister that does too gets topic name suggestions.
type topicLister interface {
	ListTopics(ctx context.Context, topics ...string) (kadm.TopicDetails, error)
}

// suggest adds the closest existing topic name to an *UnknownTopicError.
func (r *resolver) suggest(ctx context.Context, err error) error {
	var ute *UnknownTopicError
	tl, ok := r.l.(topicLister)
	if !ok || !errors.As(err, &ute) {
		return err
	}
	details, lerr := tl.ListTopics(ctx)
	if lerr != nil {
		return err
	}
	var names []string
	for _, name := range details.Names() {
		if details[name].Err == nil && name != ute.Topic {
			names = append(names, name)
		}
	}
	ute.Suggestion = lang.Closest(ute.Topic, names)
	return ute
}

// startName and endName name the options that set the start and the end.
func (r *resolver) startName() string {
	switch {
	case r.opts.StartingTimestamp != nil:
		return "startingTimestamp"
	case r.opts.StartingOffsetsByTimestamp != nil:
		return "startingOffsetsByTimestamp"
	}
	return "startingOffsets"
}

func (r *resolver) endName() string {
	switch {
	case r.opts.EndingTimestamp != nil:
		return "endingTimestamp"
	case r.opts.EndingOffsetsByTimestamp != nil:
		return "endingOffsetsByTimestamp"
	}
	return "endingOffsets"
}

// errorf returns a *lang.Error about option name, pointing at it when it
// was given and at the source otherwise.
func (r *resolver) errorf(name, format string, args ...any) error {
	pos, ok := r.opts.Pos(name)
	if !ok {
		pos = r.pos
	}
	return lang.Errorf(pos, "option %s: %s", name, fmt.Sprintf(format, args...))
}

// checkCovers checks that per-partition JSON names exactly the partitions
// of the queried topics, as Spark requires.
func (r *resolver) checkCovers(name string, given map[string]map[int32]int64) error {
	if given == nil {
		return nil
	}
	for _, tp := range sortedTPs(given) {
		if _, ok := r.earliest[tp.Topic]; !ok {
			return r.errorf(name, "names topic %q, which the source does not read (it reads %s)", tp.Topic, strings.Join(r.topics, ", "))
		}
		if _, ok := r.earliest[tp.Topic][tp.Partition]; !ok {
			return r.errorf(name, "names partition %s, which does not exist (%s has %d partitions)", tp, tp.Topic, len(r.earliest[tp.Topic]))
		}
	}
	var missing []string
	for _, topic := range r.topics {
		ps := make([]int32, 0, len(r.earliest[topic]))
		for p := range r.earliest[topic] {
			if _, ok := given[topic][p]; !ok {
				ps = append(ps, p)
			}
		}
		sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
		for _, p := range ps {
			missing = append(missing, TopicPartition{topic, p}.String())
		}
	}
	if len(missing) > 0 {
		return r.errorf(name, "does not cover %s; give every partition of every topic the source reads", strings.Join(missing, ", "))
	}
	return nil
}

// checkListed turns per-partition list errors into errors, naming unknown
// topics.
func checkListed(l kadm.ListedOffsets, topics []string, pos lang.Pos) error {
	for _, t := range topics {
		ps, ok := l[t]
		if !ok {
			return &UnknownTopicError{Topic: t, Pos: pos}
		}
		for _, o := range ps {
			if errors.Is(o.Err, kerr.UnknownTopicOrPartition) {
				return &UnknownTopicError{Topic: t, Pos: pos}
			}
			if o.Err != nil {
				return fmt.Errorf("list offsets of %s-%d: %w", t, o.Partition, o.Err)
			}
		}
	}
	return nil
}

func containsPartition(ps []int32, p int32) bool {
	i := sort.Search(len(ps), func(i int) bool { return ps[i] >= p })
	return i < len(ps) && ps[i] == p
}
