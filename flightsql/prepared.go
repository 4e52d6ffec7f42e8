package flightsql

import (
	"context"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// prepared is a prepared statement: its SQL, planned again with fresh
// offsets at each run, and the parameters last bound to it.
type prepared struct {
	sql    string
	who    principal
	update bool // COPY, CREATE TABLE AS, INSERT: no result set

	mu   sync.Mutex
	args []any
	// first is the result started by CreatePreparedStatement to learn
	// the result's schema, kept for the first execution (until the
	// ticket timeout), so that prepare-then-execute runs the query once.
	first *result
}

// takeFirst returns the result started at prepare time, once; nil after
// that, or once parameters are bound (they change the result).
func (p *prepared) takeFirst() *result {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := p.first
	p.first = nil
	return r
}

func (p *prepared) boundArgs() []any {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.args
}

// CreatePreparedStatement records the statement under a new handle. A
// statement that writes (COPY, CREATE TABLE AS, INSERT) gets no dataset
// schema, which tells clients to run it as an update (the Flight SQL
// JDBC driver decides so). A query without parameters is started now,
// for its schema (kq knows a result's schema once the query is planned
// and its scans started): the result is kept for the statement's first
// execution if that comes within the ticket timeout, and released
// otherwise; such a statement that does not plan fails here, as JDBC
// clients expect. A query with parameters cannot run before they are
// bound, so its dataset schema is left empty (clients that take that
// for an update, as the JDBC driver does, cannot run it; arrow-go's and
// ADBC's clients can). The parameter schema is left empty too: kq does
// not type placeholders ahead, and clients send the types of the values
// they bind.
func (s *Server) CreatePreparedStatement(ctx context.Context, req flightsql.ActionCreatePreparedStatementRequest) (flightsql.ActionCreatePreparedStatementResult, error) {
	var res flightsql.ActionCreatePreparedStatementResult
	if len(req.GetTransactionId()) > 0 {
		return res, errNoTransactions
	}
	handle, err := newHandle()
	if err != nil {
		return res, status.Error(codes.Internal, "kq serve: no random handle")
	}
	update, params := shape(req.GetQuery())
	p := &prepared{sql: req.GetQuery(), who: principalFrom(ctx), update: update}
	if !update && params == 0 {
		r, err := s.start(ctx, p.sql, nil)
		if err != nil {
			return res, err
		}
		res.DatasetSchema = r.rows.Schema()
		p.first = r
		r.timer = time.AfterFunc(s.cfg.ticketTimeout, func() {
			if r := p.takeFirst(); r != nil {
				r.finish()
			}
		})
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		if r := p.takeFirst(); r != nil {
			r.finish()
		}
		return res, status.Error(codes.Unavailable, "kq serve: shutting down")
	}
	s.prepared[string(handle)] = p
	s.mu.Unlock()
	res.Handle = handle
	return res, nil
}

// ClosePreparedStatement forgets the statement.
func (s *Server) ClosePreparedStatement(ctx context.Context, req flightsql.ActionClosePreparedStatementRequest) error {
	if _, err := s.lookup(ctx, req.GetPreparedStatementHandle()); err != nil {
		return err
	}
	s.mu.Lock()
	p := s.prepared[string(req.GetPreparedStatementHandle())]
	delete(s.prepared, string(req.GetPreparedStatementHandle()))
	s.mu.Unlock()
	if r := p.takeFirst(); r != nil {
		r.finish()
	}
	return nil
}

// lookup returns the prepared statement under handle, if the caller
// created it.
func (s *Server) lookup(ctx context.Context, handle []byte) (*prepared, error) {
	s.mu.Lock()
	p := s.prepared[string(handle)]
	s.mu.Unlock()
	if p == nil || p.who != principalFrom(ctx) {
		return nil, status.Error(codes.NotFound, "kq serve: unknown prepared statement handle")
	}
	return p, nil
}

// GetFlightInfoPreparedStatement runs the statement with its bound
// parameters and registers the result, as GetFlightInfoStatement does.
func (s *Server) GetFlightInfoPreparedStatement(ctx context.Context, cmd flightsql.PreparedStatementQuery, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	p, err := s.lookup(ctx, cmd.GetPreparedStatementHandle())
	if err != nil {
		return nil, err
	}
	r := p.takeFirst()
	if r != nil {
		r.timer.Stop()
		r.timer = nil
	} else if r, err = s.start(ctx, p.sql, p.boundArgs()); err != nil {
		return nil, err
	}
	return s.register(r, desc)
}

// DoPutPreparedStatementQuery binds parameters (one row of the batch
// the client sends) to the statement for its next executions; see
// bindParameters.
func (s *Server) DoPutPreparedStatementQuery(ctx context.Context, cmd flightsql.PreparedStatementQuery, rdr flight.MessageReader, _ flight.MetadataWriter) ([]byte, error) {
	p, err := s.lookup(ctx, cmd.GetPreparedStatementHandle())
	if err != nil {
		return nil, err
	}
	args, err := bindParameters(rdr)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.args = args
	first := p.first
	if len(args) > 0 {
		p.first = nil
	}
	p.mu.Unlock()
	if len(args) > 0 && first != nil {
		first.finish()
	}
	return cmd.GetPreparedStatementHandle(), nil
}

// DoPutPreparedStatementUpdate runs a prepared COPY, CREATE TABLE AS or
// INSERT with the parameters the client sends (or none) and returns the
// rows written.
func (s *Server) DoPutPreparedStatementUpdate(ctx context.Context, cmd flightsql.PreparedStatementUpdate, rdr flight.MessageReader) (int64, error) {
	p, err := s.lookup(ctx, cmd.GetPreparedStatementHandle())
	if err != nil {
		return 0, err
	}
	args, err := bindParameters(rdr)
	if err != nil {
		return 0, err
	}
	if args == nil {
		args = p.boundArgs()
	}
	return s.update(ctx, p.sql, args)
}
