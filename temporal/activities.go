package temporal

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"
	sdktemporal "go.temporal.io/sdk/temporal"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/internal/export"
)

// activities run a worker's tasks and commits with the worker's engine.
type activities struct {
	eng *kq.Engine
}

// runTask runs one task (kq.Engine.RunJobTask), heartbeating its
// progress at a third of the heartbeat timeout, so that Temporal sees a
// live worker through the whole task and a dead one within the timeout.
func (a *activities) runTask(ctx context.Context, in taskInput) (taskResult, error) {
	j, err := kq.ReadJob(in.Job, "task input")
	if err != nil {
		return taskResult{}, sdktemporal.NewNonRetryableApplicationError(err.Error(), ErrTypeQuery, nil)
	}
	if len(j.Tasks()) != 1 {
		return taskResult{}, sdktemporal.NewNonRetryableApplicationError("task input holds "+itoa(len(j.Tasks()))+" tasks, not 1", ErrTypeQuery, nil)
	}
	t := j.Tasks()[0]
	var (
		mu   sync.Mutex
		last = heartbeat{EstimatedRows: t.Until - t.From}
	)
	pctx := kq.TrackProgress(ctx, func(p kq.Progress) {
		mu.Lock()
		last = heartbeat{Rows: p.Rows, Bytes: p.Bytes, Offsets: p.Offsets, EstimatedRows: p.EstimatedRows}
		mu.Unlock()
	})
	every := activity.GetInfo(ctx).HeartbeatTimeout / 3
	if every <= 0 {
		every = 10 * time.Second
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			mu.Lock()
			hb := last
			mu.Unlock()
			activity.RecordHeartbeat(ctx, hb)
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	})
	res, err := a.eng.RunJobTask(pctx, j, 0)
	close(stop)
	wg.Wait()
	if err != nil {
		return taskResult{}, permanent(err)
	}
	return taskResult{Index: in.Index, Rows: res.Rows, Parts: len(res.Files), Offsets: t.Until - t.From}, nil
}

// commit writes the export's manifest (kq.Engine.CommitJob).
func (a *activities) commit(ctx context.Context, doc json.RawMessage) (Result, error) {
	j, err := kq.ReadJob(doc, "commit input")
	if err != nil {
		return Result{}, sdktemporal.NewNonRetryableApplicationError(err.Error(), ErrTypeQuery, nil)
	}
	res, err := a.eng.CommitJob(ctx, j)
	if err != nil {
		return Result{}, permanent(err)
	}
	out := Result{JobID: j.ID(), Rows: res.Rows, Files: []string{}}
	if n := len(res.Files); n > 0 {
		out.Manifest, out.Files, out.Parts = res.Files[n-1], res.Files[:n-1], n-1
	}
	return out, nil
}

// permanent turns the errors no retry can mend into non-retryable
// application errors of their type; others stay retryable.
func permanent(err error) error {
	var (
		loss    *kq.DataLossError
		query   *kq.QueryError
		topic   *kq.UnknownTopicError
		missing *export.MissingError
	)
	switch {
	case errors.As(err, &loss):
		return sdktemporal.NewNonRetryableApplicationError(err.Error(), ErrTypeDataLoss, nil)
	case errors.Is(err, kq.ErrAuthentication), errors.Is(err, kq.ErrAccessDenied):
		return sdktemporal.NewNonRetryableApplicationError(err.Error(), ErrTypeCredentials, nil)
	case errors.As(err, &query), errors.As(err, &topic):
		return sdktemporal.NewNonRetryableApplicationError(err.Error(), ErrTypeQuery, nil)
	case errors.As(err, &missing):
		return sdktemporal.NewNonRetryableApplicationError(err.Error(), ErrTypeMissingParts, nil)
	}
	return err
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
