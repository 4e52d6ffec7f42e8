// Command database-sql reads Kafka through database/sql: kq's driver,
// a query with parameters, rows scanned into Go values.
//
//	go run -tags duckdb_arrow ./examples/database-sql              # on the embedded demo broker
//	go run -tags duckdb_arrow ./examples/database-sql -b host:9092 -status shipped
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"time"

	"github.com/kq-sql/kq/demo"
	_ "github.com/kq-sql/kq/driver" // registers the "kq" driver
)

// query counts the orders of one status per country since a time. The
// values are parameters: bound, never spliced into the SQL.
const query = `SELECT country, COUNT(*) AS orders, SUM(amount) AS amount, MAX(created_at) AS latest
FROM kafka(?) WITH (valueFormat = 'json')
WHERE status = ? AND timestamp >= ?
GROUP BY country ORDER BY country`

func main() {
	brokers := flag.String("b", "", "Kafka brokers (default: start the embedded demo broker)")
	status := flag.String("status", "paid", "order status to count")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if _, err := run(ctx, os.Stdout, *brokers, *status); err != nil {
		log.Fatal(err)
	}
}

// run prints, per country, the orders of status, and returns their total.
func run(ctx context.Context, w io.Writer, brokers, status string) (int64, error) {
	if brokers == "" {
		d, err := demo.Start(ctx)
		if err != nil {
			return 0, err
		}
		defer d.Close()
		brokers = d.Brokers()
	}
	// Secrets never go in the DSN: with SASL, add
	// ?sasl.mechanism=SCRAM-SHA-256&sasl.username=me and set KQ_SASL_PASSWORD.
	db, err := sql.Open("kq", "kafka://"+brokers+"?workers=4")
	if err != nil {
		return 0, err
	}
	defer db.Close()

	since := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	rows, err := db.QueryContext(ctx, query, "orders", status, since)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var total int64
	fmt.Fprintln(w, "country\torders\tamount\tlatest")
	for rows.Next() { // rows stream from kq's Arrow batches
		var (
			country string
			orders  int64
			amount  float64
			latest  time.Time
		)
		if err := rows.Scan(&country, &orders, &amount, &latest); err != nil {
			return 0, err
		}
		total += orders
		fmt.Fprintf(w, "%s\t%d\t%.2f\t%s\n", country, orders, amount, latest.Format(time.RFC3339))
	}
	return total, rows.Err()
}
