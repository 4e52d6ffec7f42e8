package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/alecthomas/kong"
	"golang.org/x/term"

	"github.com/kq-sql/kq"
)

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1 // the query or the cluster failed
	exitUsage = 2 // bad flags or arguments
)

// cli is the command line. Kong was chosen for its struct-tag flags with
// environment variables and sub-commands, from the author of participle.
type cli struct {
	Brokers string `short:"b" env:"KQ_BROKERS" default:"localhost:9092" help:"Kafka brokers, host:port[,host:port...]."`
	Demo    bool   `help:"Run against an embedded broker seeded with demo data (orders, payments, ledger)."`
	Format  string `enum:"table,csv,json,ndjson,arrow," default:"" help:"Result format: table (default on a terminal), csv (default otherwise), json, ndjson, arrow."`
	Output  string `short:"o" placeholder:"PATH" help:"Write the result to PATH (format from the extension unless --format is given)."`
	Workers int    `help:"Scan tasks run at once (default: number of CPUs)."`
	Stats   string `enum:"text,json," default:"" help:"Print scan statistics to stderr at the end: text or json."`
	File    string `short:"f" placeholder:"FILE" help:"Read the query from FILE."`

	Query      queryCmd      `cmd:"" default:"withargs" hidden:"" help:"Run a query."`
	DemoBroker demoBrokerCmd `cmd:"" name:"demo-broker" help:"Run the demo broker for other Kafka clients (kcat, ...)."`
}

type queryCmd struct {
	SQL string `arg:"" optional:"" name:"query" help:"The SQL query."`
}

type demoBrokerCmd struct {
	Port int `default:"9092" help:"Port to listen on."`
}

// usageError marks errors in how kq was called.
type usageError struct{ error }

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var c cli
	exited := -1
	parser, err := kong.New(&c,
		kong.Name("kq"),
		kong.Description("Run SQL over Apache Kafka topics as bounded, parallel, exact batch scans."),
		kong.Writers(stdout, stderr),
		kong.Exit(func(code int) { exited = code }),
		kong.UsageOnError(),
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
		fmt.Fprintf(stderr, "kq: %v\n", err)
		return exitUsage
	}
	switch kctx.Command() {
	case "demo-broker":
		err = c.DemoBroker.run(ctx, stderr)
	default:
		err = c.runQuery(ctx, stdin, stdout, stderr)
	}
	if err == nil {
		return exitOK
	}
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "kq: interrupted")
		return exitError
	}
	fmt.Fprintf(stderr, "kq: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return exitError
}

func (d *demoBrokerCmd) run(ctx context.Context, stderr io.Writer) error {
	demo, err := kq.StartDemo(ctx, kq.WithDemoPort(d.Port))
	if err != nil {
		return err
	}
	defer demo.Close()
	fmt.Fprintf(stderr, "kq: demo broker listening on %s (topics orders, payments, ledger); Ctrl-C stops it\n", demo.Brokers())
	<-ctx.Done()
	return nil
}

// queryText returns the query from the argument, -f, or stdin.
func (c *cli) queryText(stdin io.Reader) (string, error) {
	switch {
	case c.Query.SQL != "" && c.File != "":
		return "", usageError{errors.New("give a query or -f FILE, not both")}
	case c.Query.SQL != "":
		return c.Query.SQL, nil
	case c.File != "":
		b, err := os.ReadFile(c.File)
		if err != nil {
			return "", usageError{err}
		}
		return string(b), nil
	}
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return "", usageError{errors.New("no query given (kq 'SELECT ...', kq -f file.sql, or a query on stdin)")}
	}
	b, err := io.ReadAll(stdin)
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(string(b)) == "" {
		return "", usageError{errors.New("no query given (kq 'SELECT ...', kq -f file.sql, or a query on stdin)")}
	}
	return string(b), nil
}

func (c *cli) runQuery(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer) error {
	sql, err := c.queryText(stdin)
	if err != nil {
		return err
	}
	format, err := c.format(stdout)
	if err != nil {
		return err
	}
	brokers := c.Brokers
	if c.Demo {
		demo, err := kq.StartDemo(ctx)
		if err != nil {
			return err
		}
		defer demo.Close()
		brokers = demo.Brokers()
	}
	var stats []*kq.Stats
	eng, err := kq.Open(kq.WithBrokers(brokers), kq.WithWorkers(c.Workers), kq.WithStats(func(s *kq.Stats) { stats = append(stats, s) }))
	if err != nil {
		return err
	}
	defer eng.Close()

	if isExplain(sql) {
		p, err := eng.Explain(ctx, sql)
		if err != nil {
			return withCaret(sql, err)
		}
		if format == "json" {
			b, err := p.JSON()
			if err != nil {
				return err
			}
			_, err = stdout.Write(b)
			return err
		}
		_, err = io.WriteString(stdout, p.String())
		return err
	}
	rr, err := eng.Query(ctx, sql)
	if err != nil {
		return withCaret(sql, err)
	}
	defer rr.Release()
	if c.Output == "" {
		_, err = kq.WriteResult(stdout, format, rr)
	} else {
		err = writeFile(c.Output, func(w io.Writer) error {
			_, err := kq.WriteResult(w, format, rr)
			return err
		})
	}
	if err != nil {
		return err
	}
	return c.writeStats(stderr, stats)
}

// writeStats prints the statistics of the query's scans to stderr as
// --stats asks: one JSON object per scan, or text.
func (c *cli) writeStats(stderr io.Writer, stats []*kq.Stats) error {
	for _, s := range stats {
		var err error
		switch c.Stats {
		case "json":
			err = s.WriteJSON(stderr)
		case "text":
			err = s.WriteText(stderr)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// format picks the result format: --format, else the -o extension, else
// table on a terminal and csv otherwise.
func (c *cli) format(stdout io.Writer) (kq.Format, error) {
	if c.Format != "" {
		return kq.ParseFormat(c.Format)
	}
	if c.Output != "" {
		f, ok := kq.FormatForPath(c.Output)
		if !ok {
			return "", usageError{fmt.Errorf("cannot tell the format of %s from its extension; use --format", c.Output)}
		}
		return f, nil
	}
	if f, ok := stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return "table", nil
	}
	return "csv", nil
}

// writeFile writes path through a temporary file in the same directory and
// renames it into place, so the file is whole or absent.
func writeFile(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// queryError is an error in the query text, printed with the offending line
// and a caret under the column.
type queryError struct {
	err   error
	caret string
}

func (e *queryError) Error() string { return e.err.Error() + "\n" + e.caret }
func (e *queryError) Unwrap() error { return e.err }

func withCaret(sql string, err error) error {
	if c := kq.Caret(sql, err); c != "" {
		return &queryError{err: err, caret: c}
	}
	return err
}

// isExplain reports whether sql is an EXPLAIN statement, which prints as
// text rather than as a result table.
func isExplain(sql string) bool {
	f := strings.Fields(sql)
	return len(f) > 0 && strings.EqualFold(f[0], "EXPLAIN")
}
