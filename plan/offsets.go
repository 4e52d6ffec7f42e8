package plan

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
)

// OffsetLister lists partition offsets. *kadm.Client satisfies it; tests
// use a kadm client against kfake.
type OffsetLister interface {
	// ListStartOffsets lists log start offsets (earliest).
	ListStartOffsets(ctx context.Context, topics ...string) (kadm.ListedOffsets, error)
	// ListEndOffsets lists high watermarks (latest under read_uncommitted).
	ListEndOffsets(ctx context.Context, topics ...string) (kadm.ListedOffsets, error)
	// ListCommittedOffsets lists last stable offsets (latest under
	// read_committed).
	ListCommittedOffsets(ctx context.Context, topics ...string) (kadm.ListedOffsets, error)
}

// ResolveRanges resolves every partition of topics to its offset range under
// opts: earliest/latest or the per-partition JSON offsets, with latest the
// last stable offset under read_committed. Ranges come back ordered by
// (topic, partition) and may be empty; Split drops empty ones.
func ResolveRanges(ctx context.Context, l OffsetLister, topics []string, opts Options) ([]Range, error) {
	starts, err := l.ListStartOffsets(ctx, topics...)
	if err != nil {
		return nil, fmt.Errorf("list earliest offsets of %s: %w", strings.Join(topics, ", "), err)
	}
	if err := checkListed(starts, topics); err != nil {
		return nil, err
	}
	list := l.ListEndOffsets
	if opts.IsolationLevel == ReadCommitted {
		list = l.ListCommittedOffsets
	}
	ends, err := list(ctx, topics...)
	if err != nil {
		return nil, fmt.Errorf("list latest offsets of %s: %w", strings.Join(topics, ", "), err)
	}
	if err := checkListed(ends, topics); err != nil {
		return nil, err
	}
	if err := checkCovers("startingOffsets", opts.StartingOffsets, starts); err != nil {
		return nil, err
	}
	if err := checkCovers("endingOffsets", opts.EndingOffsets, starts); err != nil {
		return nil, err
	}

	var out []Range
	for _, topic := range topics {
		parts := make([]int32, 0, len(starts[topic]))
		for p := range starts[topic] {
			parts = append(parts, p)
		}
		sort.Slice(parts, func(i, j int) bool { return parts[i] < parts[j] })
		for _, p := range parts {
			earliest := starts[topic][p].Offset
			latest := ends[topic][p].Offset
			from, until := earliest, latest
			if off, ok := opts.StartingOffsets[topic][p]; ok && off != -2 {
				from = off
			}
			if off, ok := opts.EndingOffsets[topic][p]; ok && off != -1 {
				until = off
			}
			if from > until {
				return nil, fmt.Errorf("%s-%d: start offset %d is after end offset %d (startingOffsets/endingOffsets)", topic, p, from, until)
			}
			out = append(out, Range{Topic: topic, Partition: p, From: from, Until: until})
		}
	}
	return out, nil
}

// checkListed turns per-partition list errors into errors, naming unknown
// topics.
func checkListed(l kadm.ListedOffsets, topics []string) error {
	for _, t := range topics {
		ps, ok := l[t]
		if !ok {
			return &UnknownTopicError{Topic: t}
		}
		for _, o := range ps {
			if errors.Is(o.Err, kerr.UnknownTopicOrPartition) {
				return &UnknownTopicError{Topic: t}
			}
			if o.Err != nil {
				return fmt.Errorf("list offsets of %s-%d: %w", t, o.Partition, o.Err)
			}
		}
	}
	return nil
}

// checkCovers checks that per-partition JSON offsets name exactly the
// partitions of the queried topics, as Spark requires.
func checkCovers(option string, given map[string]map[int32]int64, listed kadm.ListedOffsets) error {
	if given == nil {
		return nil
	}
	for topic, parts := range given {
		if _, ok := listed[topic]; !ok {
			return fmt.Errorf("option %s names topic %q, which is not queried", option, topic)
		}
		for p := range parts {
			if _, ok := listed[topic][p]; !ok {
				return fmt.Errorf("option %s names partition %s-%d, which does not exist", option, topic, p)
			}
		}
	}
	for topic, parts := range listed {
		for p := range parts {
			if _, ok := given[topic][p]; !ok {
				return fmt.Errorf("option %s does not cover partition %s-%d (give every partition of every queried topic)", option, topic, p)
			}
		}
	}
	return nil
}
