package flightsql

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
)

// DoPutCommandStatementUpdate runs COPY, CREATE TABLE AS or INSERT INTO
// through Engine.Exec (CREATE and INSERT commit in one transaction: all
// rows or none) and returns the number of rows written. The statement
// holds a slot (WithMaxQueries) while it runs; the client's cancellation
// stops it.
func (s *Server) DoPutCommandStatementUpdate(ctx context.Context, cmd flightsql.StatementUpdate) (int64, error) {
	if len(cmd.GetTransactionId()) > 0 {
		return 0, errNoTransactions
	}
	return s.update(ctx, cmd.GetQuery(), nil)
}

// update runs a writing statement under a slot.
func (s *Server) update(ctx context.Context, sql string, args []any) (int64, error) {
	release, err := s.acquire()
	if err != nil {
		return 0, err
	}
	defer release()
	res, err := s.exec(ctx, sql, args)
	if err != nil {
		return 0, statusOf(err)
	}
	return res.Rows, nil
}
