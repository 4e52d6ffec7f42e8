// Command load-duckdb loads a topic into a table of a DuckDB database file
// with kq, in one transaction: the table gets every row or none.
//
//	go run -tags duckdb_arrow ./examples/load-duckdb -db orders.duckdb
//	duckdb orders.duckdb "SELECT status, count(*) FROM orders GROUP BY ALL"
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/demo"
)

func main() {
	brokers := flag.String("b", "", "Kafka brokers (default: start the embedded demo broker)")
	db := flag.String("db", "orders.duckdb", "DuckDB database file")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, *brokers, *db); err != nil {
		log.Fatal(err)
	}
}

// run creates (or replaces) table orders in db from the orders topic, with
// the JSON value decoded into typed columns, and prints its size.
func run(ctx context.Context, w io.Writer, brokers, db string) error {
	if brokers == "" {
		d, err := demo.Start(ctx)
		if err != nil {
			return err
		}
		defer d.Close()
		brokers = d.Brokers()
	}
	eng, err := kq.Open(kq.WithBrokers(brokers), kq.WithDB(db))
	if err != nil {
		return err
	}
	defer eng.Close()

	st, err := eng.Exec(ctx, `CREATE OR REPLACE TABLE orders AS
		SELECT partition, "offset", timestamp, order_id, customer, amount, status, country
		FROM kafka('orders') WITH (valueFormat='json', minPartitions=8)`)
	if err != nil {
		return err
	}
	rr, err := eng.Query(ctx, "SELECT COUNT(*) AS n, COUNT(DISTINCT customer) AS customers FROM orders")
	if err != nil {
		return err
	}
	defer rr.Release()
	for rr.Next() {
		rec := rr.RecordBatch()
		fmt.Fprintf(w, "loaded %d rows; table orders has %s rows from %s customers\n", st.Rows,
			rec.Column(0).(*array.Int64).ValueStr(0), rec.Column(1).(*array.Int64).ValueStr(0))
	}
	return rr.Err()
}
