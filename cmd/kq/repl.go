package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/peterh/liner"

	"github.com/kq-sql/kq/internal/output"
	"github.com/kq-sql/kq/lang"
)

// The REPL uses github.com/peterh/liner for line editing: small, kept up,
// with history, Ctrl-C handling and multi-line editing, and no dependencies
// beyond what kq already has.

const replHelp = `Statements end with ';' and may span lines.
  \q              quit (also Ctrl-D)
  \help           this help
  \d              list the topics and the session's tables
  \d NAME         describe a topic (DESCRIBE kafka('NAME')) or a table
  \timing         toggle printing how long each statement took
  \format NAME    result format: table, csv, json, ndjson
  \maxrows N      show at most N rows of a table (the first and the last; 0: all)
Tab completes keywords, topic names in kafka('...') and the columns of the
statement's kafka() sources. Ctrl-C cancels a running query, or clears the
statement being typed. History is kept in %s.
`

// defaultMaxRows is how many rows the REPL shows of a table by default,
// as DuckDB's CLI: the first and the last, with a count of the rest.
const defaultMaxRows = 40

// replState is what the REPL's backslash commands change.
type replState struct {
	format   output.Format
	timing   bool
	histPath string
}

// repl reads statements from the terminal until \q or Ctrl-D.
func (c *cli) repl(ctx context.Context, stdout, stderr io.Writer) int {
	// SIGTERM ends the REPL; SIGINT is handled per query below (at the
	// prompt the terminal is raw and Ctrl-C arrives as a key).
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM)
	defer stop()

	s, err := c.open(ctx, stderr)
	if err != nil {
		return report(ctx, stderr, err)
	}
	defer s.close()
	s.maxRows = defaultMaxRows
	st := &replState{format: output.Table, histPath: historyPath()}
	if c.Format != "" {
		if st.format, err = replFormat(c.Format); err != nil {
			return report(ctx, stderr, err)
		}
	}

	var buf strings.Builder
	line := liner.NewLiner()
	defer line.Close()
	line.SetCtrlCAborts(true)
	line.SetMultiLineMode(true)
	comp := &completer{eng: s.eng, typed: buf.String}
	line.SetWordCompleter(func(l string, pos int) (string, []string, string) { return comp.complete(ctx, l, pos) })
	histPath := st.histPath
	if f, err := os.Open(histPath); err == nil {
		line.ReadHistory(f)
		f.Close()
	}
	defer saveHistory(line, histPath, stderr)

	if s.demo != nil {
		fmt.Fprintf(stdout, "kq: connected to the demo broker at %s (topics orders, payments, ledger)\n", s.demo.Brokers())
	}
	fmt.Fprintln(stdout, `Type \help for help, \q to quit.`)
	for ctx.Err() == nil {
		prompt := "kq> "
		if buf.Len() > 0 {
			prompt = "  -> "
		}
		text, err := line.Prompt(prompt)
		switch {
		case errors.Is(err, liner.ErrPromptAborted): // Ctrl-C at the prompt
			buf.Reset()
			continue
		case errors.Is(err, io.EOF): // Ctrl-D
			fmt.Fprintln(stdout)
			return exitOK
		case err != nil:
			return report(ctx, stderr, err)
		}
		if buf.Len() == 0 && strings.HasPrefix(strings.TrimSpace(text), `\`) {
			line.AppendHistory(strings.TrimSpace(text))
			quit, err := c.meta(ctx, s, st, strings.Fields(strings.TrimSpace(text)), stdout, stderr)
			if err != nil {
				fmt.Fprintf(stderr, "kq: %v\n", err)
			}
			if quit {
				return exitOK
			}
			continue
		}
		buf.WriteString(text)
		buf.WriteString("\n")
		script := buf.String()
		if !lang.Complete(script) {
			continue
		}
		buf.Reset()
		line.AppendHistory(strings.Join(strings.Fields(script), " "))
		c.runInteractive(ctx, s, script, st.format, st.timing, stdout, stderr)
	}
	return exitOK
}

// runInteractive runs the statements of one REPL entry; Ctrl-C cancels
// them and returns to the prompt.
func (c *cli) runInteractive(ctx context.Context, s *session, script string, format output.Format, timing bool, stdout, stderr io.Writer) {
	qctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	for _, st := range lang.Split(script) {
		start := time.Now()
		err := c.runStatement(qctx, s, st.SQL, format, stdout, stderr)
		if err != nil {
			if qctx.Err() != nil && ctx.Err() == nil {
				fmt.Fprintln(stderr, "kq: cancelled")
			} else {
				fmt.Fprintf(stderr, "kq: %v\n", withCaret(script, lang.InScript(err, st)))
			}
			return
		}
		if timing {
			fmt.Fprintf(stdout, "Time: %.3f ms\n", float64(time.Since(start).Microseconds())/1000)
		}
	}
}

// meta runs a backslash command; quit is true for \q.
func (c *cli) meta(ctx context.Context, s *session, st *replState, args []string, stdout, stderr io.Writer) (quit bool, err error) {
	switch args[0] {
	case `\q`, `\quit`:
		return true, nil
	case `\help`, `\h`, `\?`:
		fmt.Fprintf(stdout, replHelp, st.histPath)
	case `\timing`:
		st.timing = !st.timing
		fmt.Fprintf(stdout, "Timing is %s.\n", map[bool]string{true: "on", false: "off"}[st.timing])
	case `\format`:
		if len(args) != 2 {
			fmt.Fprintf(stdout, "Format is %s.\n", st.format)
			return false, nil
		}
		f, err := replFormat(args[1])
		if err != nil {
			return false, err
		}
		st.format = f
		fmt.Fprintf(stdout, "Format is %s.\n", f)
	case `\maxrows`:
		if len(args) == 2 {
			n, err := strconv.Atoi(args[1])
			if err != nil || n < 0 {
				return false, fmt.Errorf(`\maxrows takes a number of rows, 0 for all; got %q`, args[1])
			}
			s.maxRows = n
		}
		if s.maxRows == 0 {
			fmt.Fprintln(stdout, "Tables show every row.")
		} else {
			fmt.Fprintf(stdout, "Tables show at most %d rows.\n", s.maxRows)
		}
	case `\d`:
		return false, c.describeMeta(ctx, s, st, args[1:], stdout, stderr)
	default:
		return false, fmt.Errorf(`unknown command %s (\help lists the commands)`, args[0])
	}
	return false, nil
}

// describeMeta runs \d: with no name, SHOW TOPICS and SHOW TABLES; with
// a topic's name DESCRIBE kafka('name'), with a table's DESCRIBE name.
func (c *cli) describeMeta(ctx context.Context, s *session, st *replState, args []string, stdout, stderr io.Writer) error {
	var stmts []string
	switch len(args) {
	case 0:
		stmts = []string{"SHOW TOPICS", "SHOW TABLES"}
	case 1:
		name := args[0]
		stmts = []string{"DESCRIBE " + lang.QuoteName(name)}
		if slices.Contains(s.topicNames(ctx), name) {
			stmts = []string{"DESCRIBE kafka(" + lang.QuoteString(name) + ")"}
		}
	default:
		return errors.New(`\d takes at most one name: \d, or \d topic`)
	}
	c.runInteractive(ctx, s, strings.Join(stmts, ";\n"), st.format, false, stdout, stderr)
	return nil
}

// replFormat parses a result format for the terminal: not a binary one.
func replFormat(name string) (output.Format, error) {
	f, err := output.ParseFormat(name)
	if err == nil && f.Binary() {
		err = fmt.Errorf("%s is binary and the REPL writes to the terminal; use table, csv, json or ndjson (or kq -o FILE)", f)
	}
	return f, err
}

// historyPath is $KQ_HISTORY, else ~/.kq_history.
func historyPath() string {
	if p := os.Getenv("KQ_HISTORY"); p != "" {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ".kq_history"
	}
	return filepath.Join(home, ".kq_history")
}

func saveHistory(line *liner.State, path string, stderr io.Writer) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		fmt.Fprintf(stderr, "kq: saving history: %v\n", err)
		return
	}
	defer f.Close()
	if _, err := line.WriteHistory(f); err != nil {
		fmt.Fprintf(stderr, "kq: saving history: %v\n", err)
	}
}
