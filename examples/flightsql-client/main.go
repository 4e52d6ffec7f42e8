// Command flightsql-client queries kq over Arrow Flight SQL with
// arrow-go's Flight SQL client, as any Go service would.
//
//	go run -tags duckdb_arrow ./examples/flightsql-client          # serves the demo broker itself, then queries it
//	kq serve --demo &                                               # or: against a running kq serve
//	go run -tags duckdb_arrow ./examples/flightsql-client -addr 127.0.0.1:31337 [-token T] "SELECT ..."
//
// The bearer token, when the server wants one, comes from -token or
// KQ_SERVE_TOKEN.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"

	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/demo"
	kqflightsql "github.com/kq-sql/kq/flightsql"
)

const defaultQuery = `SELECT status, COUNT(*) AS orders, ROUND(SUM(amount), 2) AS amount
FROM kafka('orders') WITH (valueFormat='json')
GROUP BY status ORDER BY status`

func main() {
	addr := flag.String("addr", "", "a kq serve address host:port (default: start the demo broker and a server here)")
	token := flag.String("token", os.Getenv("KQ_SERVE_TOKEN"), "bearer token (default: $KQ_SERVE_TOKEN)")
	flag.Parse()
	query := defaultQuery
	if flag.NArg() > 0 {
		query = flag.Arg(0)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, *addr, *token, query); err != nil {
		log.Fatal(err)
	}
}

// run prints the rows of query, fetched over Flight SQL from addr, as
// tab-separated text. With no addr it serves the demo broker on a free
// loopback port first.
func run(ctx context.Context, w io.Writer, addr, token, query string) error {
	if addr == "" {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		served, wait, err := serveDemo(ctx)
		if err != nil {
			return err
		}
		defer func() { cancel(); wait() }()
		addr = served
	}
	cl, err := flightsql.NewClient(addr, nil, nil, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer cl.Close()
	if token != "" {
		ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
	}

	// Execute plans and starts the query; each endpoint's ticket
	// streams its result, batch by batch.
	info, err := cl.Execute(ctx, query)
	if err != nil {
		return err
	}
	for _, ep := range info.Endpoint {
		rdr, err := cl.DoGet(ctx, ep.Ticket)
		if err != nil {
			return err
		}
		for _, f := range rdr.Schema().Fields() {
			fmt.Fprintf(w, "%s\t", f.Name)
		}
		fmt.Fprintln(w)
		for rdr.Next() {
			rec := rdr.RecordBatch()
			for i := 0; i < int(rec.NumRows()); i++ {
				for _, col := range rec.Columns() {
					fmt.Fprintf(w, "%s\t", col.ValueStr(i))
				}
				fmt.Fprintln(w)
			}
		}
		err = rdr.Err()
		rdr.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

// serveDemo starts the demo broker, an engine on it and a Flight SQL
// server on 127.0.0.1 (no authentication: loopback), all stopped when ctx
// ends; wait waits for that.
func serveDemo(ctx context.Context) (addr string, wait func(), err error) {
	d, err := demo.Start(ctx)
	if err != nil {
		return "", nil, err
	}
	eng, err := kq.Open(kq.WithBrokers(d.Brokers()))
	if err != nil {
		d.Close()
		return "", nil, err
	}
	srv, err := kqflightsql.New(eng)
	if err != nil {
		eng.Close()
		d.Close()
		return "", nil, err
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		eng.Close()
		d.Close()
		return "", nil, err
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, lis) }()
	return lis.Addr().String(), func() {
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			log.Print(err)
		}
		eng.Close()
		d.Close()
	}, nil
}
