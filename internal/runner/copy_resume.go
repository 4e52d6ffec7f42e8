package runner

import (
	"context"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/kq-sql/kq/internal/export"
	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/internal/storage"
	"github.com/kq-sql/kq/lang"
)

// resumePoint is where a per-task export starts and what it does once
// its manifest is durable.
type resumePoint struct {
	// resume is where the scan continues; nil: the source's options.
	resume *plan.Resume
	// state is the destination's committed runs (INCREMENTAL); nil for
	// a per-task export that replaces its manifest.
	state *export.State
	// commit, when set, runs after the manifest is durable: it commits
	// the run's end offsets to the export's consumer group.
	commit func(ctx context.Context, m *export.Manifest) error
}

// resumeOf reads where the export c continues. INCREMENTAL continues
// from the destination's committed runs (the first run, with none,
// starts where the source's options say). groupId continues from the
// group's committed offsets instead, or, with INCREMENTAL, from the
// later of the two per partition: a group behind the destination (its
// last commit failed after the manifest) does not export a range twice.
func (s *Session) resumeOf(ctx context.Context, c *lang.Copy, opts copyOptions, dir *storage.Dir) (*resumePoint, error) {
	rp := &resumePoint{}
	if opts.incremental {
		st, err := export.ReadState(ctx, dir)
		if err != nil {
			return nil, lang.Errorf(opts.pos["INCREMENTAL"], "COPY option INCREMENTAL: %v", err)
		}
		rp.state = st
		if st.LastRun() > 0 {
			rp.resume = &plan.Resume{From: fmt.Sprintf("run %d of %s", st.LastRun(), dir), Offsets: st.Ends}
		}
	}
	sc, err := sourceOf(c)
	if err != nil || sc == nil || sc.Options.GroupID == "" {
		return rp, err
	}
	if !opts.incremental {
		return nil, groupError(sc)
	}
	group := sc.Options.GroupID
	adm, done, err := s.adminFor(ctx, sc.Options.Kafka)
	if err != nil {
		return nil, err
	}
	defer done()
	committed, err := adm.FetchOffsetsForTopics(ctx, group, sc.Topics...)
	if err == nil {
		err = committed.Error()
	}
	if errors.Is(err, kerr.GroupIDNotFound) {
		committed, err = nil, nil // a new group: no offsets yet
	}
	if err != nil {
		return nil, fmt.Errorf("consumer group %s: committed offsets: %w", group, err)
	}
	offsets := map[plan.TopicPartition]int64{}
	committed.Each(func(o kadm.OffsetResponse) {
		if o.At >= 0 {
			offsets[plan.TopicPartition{Topic: o.Topic, Partition: o.Partition}] = o.At
		}
	})
	from := "consumer group " + group
	if rp.resume != nil {
		for tp, end := range rp.resume.Offsets {
			offsets[tp] = max(offsets[tp], end)
		}
		from += " and " + rp.resume.From
	}
	if len(offsets) > 0 {
		rp.resume = &plan.Resume{From: from, Offsets: offsets}
	}
	rp.commit = func(ctx context.Context, m *export.Manifest) error {
		ends := kadm.Offsets{}
		for _, r := range m.Ranges {
			if o, ok := ends.Lookup(r.Topic, r.Partition); !ok || o.At < r.Until {
				ends.Add(kadm.Offset{Topic: r.Topic, Partition: r.Partition, At: r.Until, LeaderEpoch: -1})
			}
		}
		adm, done, err := s.adminFor(ctx, sc.Options.Kafka)
		if err != nil {
			return err
		}
		defer done()
		res, err := adm.CommitOffsets(ctx, group, ends)
		if err == nil {
			err = res.Error()
		}
		if err != nil {
			return fmt.Errorf("the export's manifest is written, but committing its end offsets to consumer group %s failed (the next run continues from the manifest with INCREMENTAL true): %w", group, err)
		}
		return nil
	}
	return rp, nil
}

// sourceOf returns the scan of the one kafka() source of an export's
// query, built (options validated) but not resolved; nil when the query
// has no source.
func sourceOf(c *lang.Copy) (*plan.Scan, error) {
	root, err := plan.BuildStatement(c.Query)
	if err != nil {
		return nil, err
	}
	scans := plan.Scans(root)
	if len(scans) != 1 {
		return nil, nil
	}
	return scans[0], nil
}

// adminFor returns an admin client of the cluster of a source's
// settings, and the function that releases it.
func (s *Session) adminFor(ctx context.Context, set plan.ClientSettings) (*kadm.Client, func(), error) {
	cs := s.newClusters()
	l, err := cs.ListerFor(ctx, set)
	if err != nil {
		cs.close()
		return nil, nil, err
	}
	ol, ok := l.(*offsetLister)
	if !ok {
		cs.close()
		return nil, nil, errors.New("internal error: no admin client for the source's cluster")
	}
	return ol.adm, cs.close, nil
}

// noGroup refuses groupId outside incremental exports: a query does not
// commit offsets.
func noGroup(pq *plan.Query) error {
	for _, sc := range pq.Scans {
		if sc.Options.GroupID != "" {
			return groupError(sc)
		}
	}
	return nil
}

func groupError(sc *plan.Scan) error {
	pos, _ := sc.Options.Pos("groupId")
	return lang.Errorf(pos, "option groupId applies to incremental exports (COPY ... TO 'dir/' (INCREMENTAL true)), which commit their end offsets to the group")
}
