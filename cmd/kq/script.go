package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/internal/atomicfile"
	"github.com/kq-sql/kq/internal/output"
	"github.com/kq-sql/kq/lang"
)

// runScript runs every statement of script in order and stops at the first
// error, which is located in the whole script.
func (c *cli) runScript(ctx context.Context, script string, stdout, stderr io.Writer) error {
	stmts := lang.Split(script)
	if len(stmts) == 0 {
		return usageError{errors.New("no statement to run")}
	}
	if c.Output != "" && len(stmts) > 1 {
		return usageError{fmt.Errorf("-o takes the result of one statement; the script has %d", len(stmts))}
	}
	format, err := c.format(stdout)
	if err != nil {
		return err
	}
	s, err := c.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer s.close()
	for i, st := range stmts {
		if i > 0 && format == "table" {
			fmt.Fprintln(stdout)
		}
		if err := c.runStatement(ctx, s, st.SQL, format, stdout, stderr); err != nil {
			return withCaret(script, lang.InScript(err, st))
		}
	}
	return nil
}

// runStatement runs one statement and writes its result.
func (c *cli) runStatement(ctx context.Context, s *session, sql string, format output.Format, stdout, stderr io.Writer) error {
	gen := s.bar.reset()
	st, err := c.writeResult(kq.TrackProgress(ctx, s.bar.tracker(gen)), s, sql, format, stdout)
	s.bar.reset()
	if err != nil {
		return err
	}
	return c.writeStats(stderr, st)
}

// writeResult runs sql and writes its result; it returns the statistics of
// the statement's scans (nil when it read no topic).
func (c *cli) writeResult(ctx context.Context, s *session, sql string, format output.Format, stdout io.Writer) (*kq.Stats, error) {
	if isExplain(sql) {
		p, err := s.eng.Explain(ctx, sql)
		if err != nil {
			return nil, err
		}
		if format == "json" {
			b, err := p.JSON()
			if err != nil {
				return nil, err
			}
			_, err = stdout.Write(b)
			return nil, err
		}
		_, err = io.WriteString(stdout, p.String())
		return nil, err
	}
	rows, err := s.eng.Query(ctx, sql)
	if err != nil {
		return nil, err
	}
	defer rows.Release()
	if c.Output == "" {
		_, err = output.Write(stdout, format, rows, output.WithMaxRows(s.maxRows))
	} else {
		err = writeFile(c.Output, func(w io.Writer) error {
			_, err := output.Write(w, format, rows)
			return err
		})
	}
	if err != nil {
		return nil, err
	}
	return rows.Stats(), nil
}

// isExplain reports whether sql is an EXPLAIN statement, which prints as
// text rather than as a result table.
func isExplain(sql string) bool {
	f := strings.Fields(sql)
	return len(f) > 0 && strings.EqualFold(f[0], "EXPLAIN")
}

// format picks the result format: --format, else the -o extension, else
// table on a terminal and csv otherwise.
func (c *cli) format(stdout io.Writer) (output.Format, error) {
	f, err := c.chooseFormat(stdout)
	if err != nil {
		return "", err
	}
	if f.Binary() && c.Output == "" && isTerminal(stdout) {
		return "", usageError{fmt.Errorf("%s is binary and stdout is a terminal; write it with -o FILE or redirect stdout", f)}
	}
	return f, nil
}

func (c *cli) chooseFormat(stdout io.Writer) (output.Format, error) {
	if c.Format != "" {
		return output.ParseFormat(c.Format)
	}
	if c.Output != "" {
		f, ok := output.FormatForPath(c.Output)
		if !ok {
			return "", usageError{fmt.Errorf("cannot tell the format of %s from its extension (.csv, .json, .ndjson, .arrow, .parquet, .txt); use --format", c.Output)}
		}
		return f, nil
	}
	if isTerminal(stdout) {
		return output.Table, nil
	}
	return output.CSV, nil
}

// writeFile writes path through an atomic file (a temporary file renamed
// into place, so the file is whole or absent, with the mode of the file it
// replaces, else 0666 less the umask); a device such as /dev/stdout or
// /dev/full is written in place.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := atomicfile.Create(path)
	if err != nil {
		return fmt.Errorf("output %s: %w", path, err)
	}
	if err := write(f); err != nil {
		f.Abort()
		return err // a write error names the path (*os.PathError)
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("output %s: %w", path, err)
	}
	return nil
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
	if c := lang.Caret(sql, err); c != "" {
		return &queryError{err: err, caret: c}
	}
	return err
}

// writeStats prints the statistics of a statement's scans to stderr as
// --stats asks: one JSON object, or text. A statement that read no topic
// prints nothing.
func (c *cli) writeStats(stderr io.Writer, st *kq.Stats) error {
	if st == nil {
		return nil
	}
	switch c.Stats {
	case "json":
		return writeStatsJSON(stderr, st)
	case "text":
		return writeStatsText(stderr, st)
	}
	return nil
}
