package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
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
  \timing         toggle printing how long each statement took
  \format NAME    result format: table, csv, json, ndjson, arrow
Ctrl-C cancels a running query, or clears the statement being typed.
History is kept in %s.
`

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
	format := output.Format("table")
	if c.Format != "" {
		if format, err = output.ParseFormat(c.Format); err != nil {
			return report(ctx, stderr, err)
		}
	}

	line := liner.NewLiner()
	defer line.Close()
	line.SetCtrlCAborts(true)
	line.SetMultiLineMode(true)
	histPath := historyPath()
	if f, err := os.Open(histPath); err == nil {
		line.ReadHistory(f)
		f.Close()
	}
	defer saveHistory(line, histPath, stderr)

	if s.demo != nil {
		fmt.Fprintf(stdout, "kq: connected to the demo broker at %s (topics orders, payments, ledger)\n", s.demo.Brokers())
	}
	fmt.Fprintln(stdout, `Type \help for help, \q to quit.`)
	timing := false
	var buf strings.Builder
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
			quit, err := c.meta(strings.Fields(strings.TrimSpace(text)), &timing, &format, stdout, histPath)
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
		c.runInteractive(ctx, s, script, format, timing, stdout, stderr)
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
func (c *cli) meta(args []string, timing *bool, format *output.Format, stdout io.Writer, histPath string) (quit bool, err error) {
	switch args[0] {
	case `\q`, `\quit`:
		return true, nil
	case `\help`, `\h`, `\?`:
		fmt.Fprintf(stdout, replHelp, histPath)
	case `\timing`:
		*timing = !*timing
		fmt.Fprintf(stdout, "Timing is %s.\n", map[bool]string{true: "on", false: "off"}[*timing])
	case `\format`:
		if len(args) != 2 {
			fmt.Fprintf(stdout, "Format is %s.\n", *format)
			return false, nil
		}
		f, err := output.ParseFormat(args[1])
		if err != nil {
			return false, err
		}
		*format = f
		fmt.Fprintf(stdout, "Format is %s.\n", f)
	default:
		return false, fmt.Errorf(`unknown command %s (\help lists the commands)`, args[0])
	}
	return false, nil
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
