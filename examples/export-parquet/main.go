// Command export-parquet exports a topic to Parquet with kq: one file, or
// one part per scan task plus a manifest.
//
//	go run -tags duckdb_arrow ./examples/export-parquet -o orders.parquet
//	go run -tags duckdb_arrow ./examples/export-parquet -o parts/ -per-task
//	go run -tags duckdb_arrow ./examples/export-parquet -b host:9092 -topic events -o events.parquet
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"strings"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/demo"
)

func main() {
	brokers := flag.String("b", "", "Kafka brokers (default: start the embedded demo broker)")
	topic := flag.String("topic", "orders", "topic to export")
	out := flag.String("o", "orders.parquet", "Parquet file, or directory with -per-task")
	perTask := flag.Bool("per-task", false, "write one part per scan task into the -o directory")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, *brokers, *topic, *out, *perTask); err != nil {
		log.Fatal(err)
	}
}

// run exports every record of topic, with its JSON value decoded into
// columns, to out. An interrupted export leaves no file behind.
func run(ctx context.Context, w io.Writer, brokers, topic, out string, perTask bool) error {
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

	opts := "FORMAT parquet, COMPRESSION zstd"
	if perTask {
		opts += ", PER_TASK true"
	}
	sql := fmt.Sprintf("COPY (SELECT * FROM kafka(%s) WITH (minPartitions=8)) TO %s (%s)",
		quote(topic), quote(out), opts)
	st, err := eng.Exec(ctx, sql)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "exported %d rows to %d file(s)\n", st.Rows, len(st.Files))
	return nil
}

// quote makes s a SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
