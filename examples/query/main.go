// Command query embeds kq: it runs one query and prints its rows.
//
//	go run -tags duckdb_arrow ./examples/query                 # on the embedded demo broker
//	go run -tags duckdb_arrow ./examples/query -b host:9092 "SELECT ..."
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/demo"
)

const defaultQuery = `SELECT status, COUNT(*) AS orders, ROUND(SUM(amount), 2) AS amount
FROM kafka('orders') WITH (valueFormat='json', minPartitions=8)
GROUP BY status ORDER BY status`

func main() {
	brokers := flag.String("b", "", "Kafka brokers (default: start the embedded demo broker)")
	flag.Parse()
	query := defaultQuery
	if flag.NArg() > 0 {
		query = flag.Arg(0)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, *brokers, query); err != nil {
		log.Fatal(err)
	}
}

// run prints the rows of query as tab-separated text.
func run(ctx context.Context, w io.Writer, brokers, query string) error {
	if brokers == "" {
		d, err := demo.Start(ctx)
		if err != nil {
			return err
		}
		defer d.Close()
		brokers = d.Brokers()
	}
	eng, err := kq.Open(kq.WithBrokers(brokers))
	if err != nil {
		return err
	}
	defer eng.Close()

	rr, err := eng.Query(ctx, query)
	if err != nil {
		return err
	}
	defer rr.Release()
	for _, f := range rr.Schema().Fields() {
		fmt.Fprintf(w, "%s\t", f.Name)
	}
	fmt.Fprintln(w)
	for rr.Next() { // batches stream in as the scan runs
		rec := rr.RecordBatch()
		for i := 0; i < int(rec.NumRows()); i++ {
			for _, col := range rec.Columns() {
				fmt.Fprintf(w, "%s\t", col.ValueStr(i))
			}
			fmt.Fprintln(w)
		}
	}
	return rr.Err()
}
