package runner

import (
	"context"

	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/internal/scan"
	"github.com/kq-sql/kq/lang"
)

// checkNames checks the column names of stmt (planned as pq) against its
// sources before anything runs (plan.CheckNames), with each scan's fields
// from its started stream (inferred ones included).
func checkNames(stmt lang.Statement, pq *plan.Query, streams map[*plan.Scan]*scan.Stream) error {
	return plan.CheckNames(stmt, pq, func(sc *plan.Scan) plan.SourceFields {
		if st := streams[sc]; st != nil {
			return st.Fields()
		}
		return plan.SourceFields{}
	})
}

// runNative runs a plan scan.Native accepts that is not count-only — a
// projection of one scan — straight from the scan, once the query's names
// are checked against the stream.
func (s *Session) runNative(ctx context.Context, stmt lang.Statement, pq *plan.Query) (Rows, error) {
	sc := pq.Scans[0]
	cfg, err := s.scanConfig(ctx, sc.Options.Kafka)
	if err != nil {
		return nil, err
	}
	st, err := scan.Start(ctx, sc, cfg)
	if err != nil {
		return nil, err
	}
	if err := checkNames(stmt, pq, map[*plan.Scan]*scan.Stream{sc: st}); err != nil {
		st.Release()
		return nil, err
	}
	return scan.Project(pq.Root, st, cfg.Allocator)
}
