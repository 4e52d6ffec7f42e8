package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/alecthomas/kong"
	"golang.org/x/term"

	"github.com/kq-sql/kq/demo"
	"github.com/kq-sql/kq/internal/hugepages"
)

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1 // the query or the cluster failed
	exitUsage = 2 // bad flags or arguments
)

// usageError marks errors in how kq was called.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// run is the whole command: main only adds the process's arguments and
// files. SIGINT and SIGTERM cancel what is running; in the REPL, SIGINT
// cancels the running query and returns to the prompt.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var c cli
	exited := -1
	parser, err := kong.New(&c,
		kong.Name("kq"),
		kong.Description(`Run SQL over Apache Kafka topics as bounded, parallel, exact batch scans.

  kq [flags] 'QUERY'          run a query (several may be separated by ';')
  kq [flags] -f FILE          run the statements in FILE (or pipe them on stdin)
  kq [flags]                  REPL on a terminal
  kq --demo 'QUERY'           run against an embedded broker with demo data
  kq demo-broker --port N     run the demo broker for other clients
  kq serve --listen ADDR      serve Arrow Flight SQL (ADBC, JDBC, Go clients)
  kq plan --out job.json 'COPY ...'            plan an export into a job document
  kq task run --job job.json --index N         run its task N (or $JOB_COMPLETION_INDEX)
  kq task commit --job job.json                write its manifest once every part is there
  kq worker --temporal HOST:PORT               a Temporal worker that runs export tasks
  kq --temporal HOST:PORT 'COPY ...'           run a per-task export on the workers
  kq status --temporal HOST:PORT ID            the state of such an export`),
		kong.Writers(stdout, stderr),
		kong.Exit(func(code int) { exited = code }),
	)
	if err != nil {
		fmt.Fprintf(stderr, "kq: %v\n", err)
		return exitError
	}
	kctx, err := parser.Parse(args)
	if exited >= 0 {
		return exited // --help
	}
	if err != nil {
		fmt.Fprintf(stderr, "kq: %v (see kq --help)\n", err)
		return exitUsage
	}
	if err := c.validate(); err != nil {
		fmt.Fprintf(stderr, "kq: %v (see kq --help)\n", err)
		return exitUsage
	}
	if kctx.Command() == "demo-broker" {
		ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
		defer stop()
		return report(ctx, stderr, c.DemoBroker.run(ctx, stderr))
	}

	switch cmd := kctx.Command(); cmd {
	case "serve":
		ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
		defer stop()
		return report(ctx, stderr, c.serve(ctx, stderr))
	case "task run":
		c.adviseHugePages()
		fallthrough
	case "plan <query>", "task commit":
		ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
		defer stop()
		return report(ctx, stderr, c.runJobCommand(ctx, cmd, stdout, stderr))
	case "worker":
		ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
		defer stop()
		return report(ctx, stderr, c.runWorker(ctx, stderr))
	case "status <id>":
		return report(ctx, stderr, c.runStatus(ctx, stdout, stderr))
	}

	script, interactive, err := c.input(stdin)
	if err != nil {
		return report(ctx, stderr, err)
	}
	if interactive {
		return c.repl(ctx, stdout, stderr)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if c.Temporal != "" {
		return report(ctx, stderr, c.runTemporal(ctx, script, stdout, stderr))
	}
	c.adviseHugePages()
	return report(ctx, stderr, c.runScript(ctx, script, stdout, stderr))
}

// report prints err as one "kq: ..." line (plus the caret lines of a query
// error) and returns the exit status.
func report(ctx context.Context, stderr io.Writer, err error) int {
	if err == nil {
		return exitOK
	}
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "kq: interrupted")
		return exitError
	}
	// Errors of package kq may start with "kq: " themselves.
	fmt.Fprintf(stderr, "kq: %s\n", strings.TrimPrefix(err.Error(), "kq: "))
	var ue usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return exitError
}

// input returns the script to run: the argument, -f FILE or stdin. With
// none of them and a terminal on stdin, interactive is true.
func (c *cli) input(stdin io.Reader) (script string, interactive bool, err error) {
	switch {
	case c.Query.SQL != "" && c.File != "":
		return "", false, usageError{errors.New("give a query or -f FILE, not both")}
	case c.Query.SQL != "":
		return c.Query.SQL, false, nil
	case c.File != "":
		b, err := os.ReadFile(c.File)
		if err != nil {
			return "", false, usageError{err}
		}
		return string(b), false, nil
	}
	if isTerminal(stdin) {
		return "", true, nil
	}
	b, err := io.ReadAll(stdin)
	if err != nil {
		return "", false, fmt.Errorf("reading stdin: %w", err)
	}
	if strings.TrimSpace(string(b)) == "" {
		return "", false, usageError{errors.New("no query given (kq 'SELECT ...', kq -f file.sql, a query on stdin, or kq alone on a terminal for the REPL)")}
	}
	return string(b), false, nil
}

func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

func (d *demoBrokerCmd) run(ctx context.Context, stderr io.Writer) error {
	b, err := demo.Start(ctx, demo.WithPort(d.Port))
	if err != nil {
		return err
	}
	defer b.Close()
	fmt.Fprintf(stderr, "kq: demo broker listening on %s (topics orders, payments, ledger, orders_avro, orders_proto), Schema Registry at %s; Ctrl-C stops it\n", b.Brokers(), b.RegistryURL())
	<-ctx.Done()
	return nil
}

// adviseHugePages backs the heap of a one-shot run (a script, a job's
// task) with transparent huge pages, unless --no-huge-pages. Not for kq
// serve, kq worker or the REPL: they outlive many scans, so their heaps
// are grown after the first, and in a long-lived process khugepaged may
// gather memory the runtime gave back into huge pages again (package
// hugepages). Best effort: a kernel that refuses the advice leaves the
// run on 4 KiB pages, which is only slower.
func (c *cli) adviseHugePages() {
	if c.HugePages {
		hugepages.Advise(hugepages.DefaultSize)
	}
}
