// Command kqbench is the harness behind `make bench` (docs/BENCHMARKS.md).
//
//	kqbench run -kq bin/kq [-n 2000000] [-runs 3] [-testbin bin/bench.test -profile DIR]
//	kqbench broker [-n 2000000] [-partitions 6] [-topic bulk] [-port 0]
//	kqbench raw -b ADDR [-topic bulk] [-clients 1]
//	kqbench flight -addr HOST:PORT [-sql 'SELECT ...']
//
// run starts `kqbench broker` as a child process, measures the raw
// franz-go loop, kcat and kq on it (each run a separate process, every
// count checked) and prints the table. broker seeds a kfake broker with
// the bulk topic, prints one JSON line {"addr":..., "seed":{...}} and
// serves until its stdin closes or it is interrupted. raw runs the raw
// consume loop once and prints its result as JSON. flight runs a query
// on a kq serve with arrow-go's Flight SQL client, reads every batch and
// prints {"rows":..., "batches":...}.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"

	"github.com/kq-sql/kq/internal/bench"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "kqbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: kqbench run|broker|raw|flight [flags]")
	}
	switch args[0] {
	case "run":
		return runBench(ctx, args[1:])
	case "broker":
		return runBroker(ctx, args[1:])
	case "raw":
		return runRaw(ctx, args[1:])
	case "flight":
		return runFlight(ctx, args[1:])
	}
	return fmt.Errorf("unknown command %q (want run, broker, raw or flight)", args[0])
}

func runBench(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	var c bench.Config
	fs.Int64Var(&c.N, "n", 2_000_000, "records in the bulk topic")
	fs.IntVar(&c.Partitions, "partitions", bench.DefaultPartitions, "partitions of the bulk topic")
	fs.StringVar(&c.Topic, "topic", bench.DefaultTopic, "name of the bulk topic")
	fs.IntVar(&c.Runs, "runs", 3, "runs per measurement (the figure is the median)")
	fs.StringVar(&c.KQ, "kq", "bin/kq", "kq binary to measure")
	fs.StringVar(&c.Kcat, "kcat", "", "kcat binary (default: kcat on PATH, skipped when absent)")
	fs.StringVar(&c.TestBin, "testbin", "", "compiled test binary of ./bench, to profile kq's queries")
	fs.StringVar(&c.ProfileDir, "profile", "", "directory for CPU profiles (with -testbin)")
	only := fs.String("only", "", "comma-separated measurements to run (raw,raw-huge,kcat,kq-count,kq-groupby,kq-parquet,kq-filter,kq-orderby,kq-arrow,kq-flightsql,kq-pertask,kq-parquet-s3,kq-pertask-s3,kq-incremental,kq-temporal,kcat-dump,kq-dump-arrow|csv|ndjson|json|table)")
	fs.BoolVar(&c.Extra, "extra", false, "also measure kq-pertask (the Parquet export with PER_TASK true), kq-parquet-s3 and kq-pertask-s3 (both exports to the S3 test server, bin/versitygw), kq-incremental (an INCREMENTAL export of a 10% delta), kq-temporal (the same on 3 kq workers through Temporal), the Avro paths and the JSON and table dumps")
	fs.StringVar(&c.TemporalCLI, "temporal-cli", "", "Temporal CLI for kq-temporal's dev server (default: bin/temporal; skipped when absent)")
	jsonOut := fs.String("json", "", "also write the report as JSON to this file")
	fs.StringVar(&c.Baseline, "baseline", "", "JSON report (-json) of a run on a topic of another size: check that every kq peak RSS stays flat between the two")
	rawFlags(fs, &c.Raw)
	fs.Parse(args)
	if *only != "" {
		c.Only = strings.Split(*only, ",")
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	c.Self = self
	rep, err := bench.Run(ctx, c)
	if err != nil {
		return err
	}
	if *jsonOut != "" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		return os.WriteFile(*jsonOut, b, 0o644)
	}
	return nil
}

func rawFlags(fs *flag.FlagSet, o *bench.RawOptions) {
	fs.IntVar(&o.Clients, "clients", 1, "raw loop: kgo clients sharing the partitions")
	fs.BoolVar(&o.HugePages, "huge-pages", false, "raw loop: advise its heap for transparent huge pages as kq does (raw-huge)")
	var maxBytes, partBytes int
	fs.Func("fetch-max-bytes", "raw loop: kgo.FetchMaxBytes (default 64 MiB)", func(s string) error {
		_, err := fmt.Sscan(s, &maxBytes)
		o.FetchMaxBytes = int32(maxBytes)
		return err
	})
	fs.Func("fetch-max-partition-bytes", "raw loop: kgo.FetchMaxPartitionBytes (default 1 MiB)", func(s string) error {
		_, err := fmt.Sscan(s, &partBytes)
		o.FetchMaxPartitionBytes = int32(partBytes)
		return err
	})
}

func runBroker(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("broker", flag.ExitOnError)
	n := fs.Int64("n", 2_000_000, "records in the bulk topic")
	partitions := fs.Int("partitions", bench.DefaultPartitions, "partitions of the bulk topic")
	topic := fs.String("topic", bench.DefaultTopic, "name of the bulk topic")
	port := fs.Int("port", 0, "port to listen on (0: a free one)")
	cpuprofile := fs.String("cpuprofile", "", "write the broker's CPU profile (after seeding) to this file")
	avro := fs.Bool("avro", false, "also seed <topic>_avro (Avro values) and serve a Schema Registry")
	fs.Parse(args)
	b, err := bench.StartBroker(ctx, *port, *topic, *partitions, *n, *avro)
	if err != nil {
		return err
	}
	defer b.Close()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	hello, err := json.Marshal(map[string]any{"addr": b.Brokers(), "seed": b.Seed, "avroSeed": b.AvroSeed, "registry": b.RegistryURL()})
	if err != nil {
		return err
	}
	fmt.Printf("%s\n", hello)
	// Serve until stdin closes (the harness exits) or a signal.
	eof := make(chan struct{})
	go func() { io.Copy(io.Discard, os.Stdin); close(eof) }()
	select {
	case <-eof:
	case <-ctx.Done():
	}
	return nil
}

func runRaw(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("raw", flag.ExitOnError)
	brokers := fs.String("b", "localhost:9092", "brokers, host:port[,...]")
	topic := fs.String("topic", bench.DefaultTopic, "topic to read")
	var o bench.RawOptions
	rawFlags(fs, &o)
	fs.Parse(args)
	res, err := bench.RawCount(ctx, strings.Split(*brokers, ","), *topic, o)
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(res)
}

func runFlight(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("flight", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:31337", "kq serve address")
	sql := fs.String("sql", bench.FlightQuery(bench.DefaultTopic), "query to run")
	fs.Parse(args)
	res, err := bench.FlightCount(ctx, *addr, *sql)
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(res)
}
