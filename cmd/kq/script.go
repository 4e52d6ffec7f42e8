package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/kq-sql/kq"
)

// runScript runs every statement of script in order and stops at the first
// error, which is located in the whole script.
func (c *cli) runScript(ctx context.Context, script string, stdout, stderr io.Writer) error {
	stmts := kq.SplitScript(script)
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
			return withCaret(script, st.InScript(err))
		}
	}
	return nil
}

// runStatement runs one statement and writes its result.
func (c *cli) runStatement(ctx context.Context, s *session, sql string, format kq.Format, stdout, stderr io.Writer) error {
	s.stats = nil
	s.bar.reset()
	err := c.writeResult(ctx, s, sql, format, stdout)
	s.bar.reset()
	if err != nil {
		return err
	}
	return c.writeStats(stderr, s.stats)
}

func (c *cli) writeResult(ctx context.Context, s *session, sql string, format kq.Format, stdout io.Writer) error {
	if isExplain(sql) {
		p, err := s.eng.Explain(ctx, sql)
		if err != nil {
			return err
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
	rr, err := s.eng.Query(ctx, sql)
	if err != nil {
		return err
	}
	defer rr.Release()
	if c.Output == "" {
		_, err = kq.WriteResult(stdout, format, rr)
		return err
	}
	return writeFile(c.Output, func(w io.Writer) error {
		_, err := kq.WriteResult(w, format, rr)
		return err
	})
}

// isExplain reports whether sql is an EXPLAIN statement, which prints as
// text rather than as a result table.
func isExplain(sql string) bool {
	f := strings.Fields(sql)
	return len(f) > 0 && strings.EqualFold(f[0], "EXPLAIN")
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
	if isTerminal(stdout) {
		return "table", nil
	}
	return "csv", nil
}

// writeFile writes path through a temporary file in the same directory and
// renames it into place, so the file is whole or absent. A path that
// exists and is not a regular file (/dev/stdout, /dev/full, a named pipe)
// is written in place: renaming onto it would replace the device.
func writeFile(path string, write func(io.Writer) error) error {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("output %s: %w", path, err)
		}
		if err := write(f); err != nil {
			f.Close()
			return err // a write error names the path (*os.PathError)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("output %s: %w", path, err)
		}
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("output %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("output %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
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
	if c := kq.Caret(sql, err); c != "" {
		return &queryError{err: err, caret: c}
	}
	return err
}

// writeStats prints the statistics of a statement's scans to stderr as
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
