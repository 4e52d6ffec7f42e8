package flightsql

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow/flight"
	pb "github.com/apache/arrow-go/v18/arrow/flight/gen/flight"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

// service is the Flight service: arrow-go's Flight SQL router, except
// that DoGet of a statement's ticket (and of a prepared statement sent as
// a ticket) writes the result here, straight from kq's Rows.
//
// Why not the router's DoGetStatement: arrow-go v18.8.0's router does not
// release a batch whose write fails (flightsql/server.go, DoGet: `if err
// := wr.WriteWithAppMetadata(chunk.Data, ...); err != nil { return err }`
// comes before `chunk.Data.Release()`), so every client that disconnects
// mid-stream leaked a batch (found by TestCancelMidScan's checked
// allocator). Writing here also saves a goroutine and a channel hand-off
// per batch.
type service struct {
	flight.FlightServer
	s *Server
}

// DoGet serves kq's result tickets and hands every other ticket
// (metadata listings, SqlInfo) to the router.
func (f *service) DoGet(t *flight.Ticket, stream flight.FlightService_DoGetServer) error {
	ctx := stream.Context()
	var cmd anypb.Any
	if err := proto.Unmarshal(t.GetTicket(), &cmd); err != nil {
		return f.FlightServer.DoGet(t, stream)
	}
	var r *result
	switch {
	case cmd.MessageIs(&pb.TicketStatementQuery{}):
		var tq pb.TicketStatementQuery
		if err := cmd.UnmarshalTo(&tq); err != nil {
			return status.Errorf(codes.InvalidArgument, "kq serve: ticket: %v", err)
		}
		if r = f.s.take(string(tq.GetStatementHandle()), principalFrom(ctx)); r == nil {
			return errUnknownHandle
		}
	case cmd.MessageIs(&pb.CommandPreparedStatementQuery{}):
		var pq pb.CommandPreparedStatementQuery
		if err := cmd.UnmarshalTo(&pq); err != nil {
			return status.Errorf(codes.InvalidArgument, "kq serve: ticket: %v", err)
		}
		p, err := f.s.lookup(ctx, pq.GetPreparedStatementHandle())
		if err != nil {
			return err
		}
		if r = p.takeFirst(); r == nil {
			if r, err = f.s.start(ctx, p.sql, p.boundArgs()); err != nil {
				return err
			}
		}
	default:
		return f.FlightServer.DoGet(t, stream)
	}
	return f.s.write(ctx, r, stream)
}

// write streams r's batches to the client as the scans produce them,
// never holding more than the one being written. The client's
// cancellation or disconnect (ctx) cancels the query, which stops its
// scans; r is finished (scans stopped, batches released, slot freed) in
// every case.
func (s *Server) write(ctx context.Context, r *result, stream flight.FlightService_DoGetServer) error {
	defer r.finish()
	stop := context.AfterFunc(ctx, r.cancel)
	defer stop()
	wr := flight.NewRecordWriter(stream, ipc.WithSchema(r.rows.Schema()))
	for r.rows.Next() {
		if err := wr.Write(r.rows.RecordBatch()); err != nil {
			wr.Close()
			return err
		}
	}
	if err := r.rows.Err(); err != nil {
		wr.Close()
		if ctx.Err() != nil {
			return status.FromContextError(ctx.Err()).Err()
		}
		return statusOf(err)
	}
	return wr.Close()
}
