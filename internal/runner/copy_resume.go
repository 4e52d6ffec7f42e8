package runner

import (
	"context"
	"fmt"

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
	// commit, when set, runs after the manifest is durable (committing
	// a consumer group's offsets).
	commit func(ctx context.Context, m *export.Manifest) error
}

// resumeOf reads where the export c continues: for INCREMENTAL, the
// committed runs in dir (the first run, with none, starts where the
// source's options say).
func (s *Session) resumeOf(ctx context.Context, c *lang.Copy, opts copyOptions, dir *storage.Dir) (*resumePoint, error) {
	rp := &resumePoint{}
	if !opts.incremental {
		return rp, nil
	}
	st, err := export.ReadState(ctx, dir)
	if err != nil {
		return nil, lang.Errorf(opts.pos["INCREMENTAL"], "COPY option INCREMENTAL: %v", err)
	}
	rp.state = st
	if st.LastRun() > 0 {
		rp.resume = &plan.Resume{From: fmt.Sprintf("run %d of %s", st.LastRun(), dir), Offsets: st.Ends}
	}
	return rp, nil
}
