package flightsql

import (
	"context"
	"sync"

	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// prepared is a prepared statement: its SQL, planned again with fresh
// offsets at each run, and the parameters last bound to it.
type prepared struct {
	sql string
	who principal

	mu   sync.Mutex
	args []any
}

func (p *prepared) boundArgs() []any {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.args
}

// CreatePreparedStatement records the statement under a new handle. The
// result's dataset and parameter schemas are left empty: kq knows a
// query's schema once it has planned and started it, which a prepared
// statement does at each execution (the FlightInfo of that execution has
// the schema).
func (s *Server) CreatePreparedStatement(ctx context.Context, req flightsql.ActionCreatePreparedStatementRequest) (flightsql.ActionCreatePreparedStatementResult, error) {
	if len(req.GetTransactionId()) > 0 {
		return flightsql.ActionCreatePreparedStatementResult{}, errNoTransactions
	}
	handle, err := newHandle()
	if err != nil {
		return flightsql.ActionCreatePreparedStatementResult{}, status.Error(codes.Internal, "kq serve: no random handle")
	}
	s.mu.Lock()
	s.prepared[string(handle)] = &prepared{sql: req.GetQuery(), who: principalFrom(ctx)}
	s.mu.Unlock()
	return flightsql.ActionCreatePreparedStatementResult{Handle: handle}, nil
}

// ClosePreparedStatement forgets the statement.
func (s *Server) ClosePreparedStatement(ctx context.Context, req flightsql.ActionClosePreparedStatementRequest) error {
	if _, err := s.lookup(ctx, req.GetPreparedStatementHandle()); err != nil {
		return err
	}
	s.mu.Lock()
	delete(s.prepared, string(req.GetPreparedStatementHandle()))
	s.mu.Unlock()
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
	r, err := s.start(ctx, p.sql, p.boundArgs())
	if err != nil {
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
	p.mu.Unlock()
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
