package flightsql

import (
	"context"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/kq-sql/kq"
)

func errBusy(n int) error {
	return status.Errorf(codes.ResourceExhausted, "kq serve: %d statements already running (--max-queries); retry later", n)
}

var errUnknownHandle = status.Error(codes.NotFound, "kq serve: unknown or expired statement handle")

// result is a query's open result, registered by GetFlightInfo under a
// handle until its DoGet takes it, or its ticket times out.
type result struct {
	rows    *kq.Rows
	who     principal
	cancel  context.CancelFunc // the query's context
	release func()             // its statement slot
	timer   *time.Timer        // the ticket timeout
	once    sync.Once
}

// finish stops the query and frees what it holds; safe to call more than
// once.
func (r *result) finish() {
	r.once.Do(func() {
		if r.timer != nil {
			r.timer.Stop()
		}
		r.cancel()
		r.rows.Release()
		r.release()
	})
}

// start runs sql under a statement slot and returns its open result. The
// query's context outlives the calling RPC (its DoGet comes later) and is
// cancelled by finish; while start runs, the RPC's cancellation cancels
// it too.
func (s *Server) start(ctx context.Context, sql string, args []any) (*result, error) {
	release, err := s.acquire()
	if err != nil {
		return nil, err
	}
	qctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, cancel)
	rows, err := s.query(qctx, sql, args)
	stop()
	if err != nil {
		cancel()
		release()
		return nil, statusOf(err)
	}
	return &result{rows: rows, who: principalFrom(ctx), cancel: cancel, release: release}, nil
}

// register files r under a new handle until its DoGet or the ticket
// timeout, and returns the FlightInfo whose one endpoint's ticket
// carries the handle.
func (s *Server) register(r *result, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	handle, err := newHandle()
	if err != nil {
		r.finish()
		return nil, status.Error(codes.Internal, "kq serve: no random handle")
	}
	ticket, err := flightsql.CreateStatementQueryTicket(handle)
	if err != nil {
		r.finish()
		return nil, status.Errorf(codes.Internal, "kq serve: ticket: %v", err)
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		r.finish()
		return nil, status.Error(codes.Unavailable, "kq serve: shutting down")
	}
	key := string(handle)
	s.results[key] = r
	r.timer = time.AfterFunc(s.cfg.ticketTimeout, func() {
		if r := s.take(key, ""); r != nil {
			r.finish()
		}
	})
	s.mu.Unlock()
	return &flight.FlightInfo{
		Schema:           flight.SerializeSchema(r.rows.Schema(), s.cfg.mem),
		FlightDescriptor: desc,
		Endpoint:         []*flight.FlightEndpoint{{Ticket: &flight.Ticket{Ticket: ticket}}},
		TotalRecords:     -1,
		TotalBytes:       -1,
	}, nil
}

// take removes and returns the result under handle when who registered
// it ("" takes it whoever did: the timeout); nil when there is none.
func (s *Server) take(handle string, who principal) *result {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.results[handle]
	if r == nil || who != "" && r.who != who {
		return nil
	}
	delete(s.results, handle)
	return r
}

// GetFlightInfoStatement runs the query and registers its result; see
// the package documentation.
func (s *Server) GetFlightInfoStatement(ctx context.Context, cmd flightsql.StatementQuery, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	if len(cmd.GetTransactionId()) > 0 {
		return nil, errNoTransactions
	}
	r, err := s.start(ctx, cmd.GetQuery(), nil)
	if err != nil {
		return nil, err
	}
	return s.register(r, desc)
}

var errNoTransactions = status.Error(codes.InvalidArgument, "kq serve: transactions are not supported (CREATE TABLE AS and INSERT each commit in one transaction)")
