// Command export-parquet exports a topic to Parquet with kq: one file,
// one part per scan task plus a manifest, or an incremental run that
// exports only what earlier runs into the same destination did not.
// Destinations may be local or object storage (s3://bucket/prefix/).
//
//	go run -tags duckdb_arrow ./examples/export-parquet -o orders.parquet
//	go run -tags duckdb_arrow ./examples/export-parquet -o parts/ -per-task
//	go run -tags duckdb_arrow ./examples/export-parquet -o s3://bucket/orders/ -incremental
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
	incremental := flag.Bool("incremental", false, "export only what earlier -incremental runs into -o did not")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	mode := ""
	switch {
	case *incremental:
		mode = "INCREMENTAL true"
	case *perTask:
		mode = "PER_TASK true"
	}
	if err := run(ctx, os.Stdout, *brokers, *topic, *out, mode); err != nil {
		log.Fatal(err)
	}
}

// run exports every record of topic (or, with mode "INCREMENTAL true",
// the records earlier runs did not export), with its JSON value decoded
// into columns, to out. An interrupted export leaves no file behind.
func run(ctx context.Context, w io.Writer, brokers, topic, out, mode string) error {
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
	if mode != "" {
		opts += ", " + mode
	}
	sql := fmt.Sprintf("COPY (SELECT * FROM kafka(%s) WITH (minPartitions=8)) TO %s (%s)",
		quote(topic), quote(out), opts)
	st, err := eng.Exec(ctx, sql)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "exported %d rows to %d file(s)\n", st.Rows, len(st.Files))
	if e := st.Scan.Export; e != nil && e.Run > 0 {
		fmt.Fprintf(w, "run %d: %d parts, %d bytes, manifest %s\n", e.Run, e.Parts, e.Bytes, e.Manifest)
	}
	return nil
}

// quote makes s a SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
