package runner

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/kq-sql/kq/internal/duck"
	"github.com/kq-sql/kq/lang"
)

// topicHintTimeout bounds the topic listing behind the hint of an unknown
// table when the session has not reached its cluster yet: the error must
// not wait for an unreachable broker.
const topicHintTimeout = time.Second

var (
	// DuckDB's excerpt of the SQL under its message: "LINE 3: ...text...",
	// then the caret line.
	duckCaret = regexp.MustCompile(`\nLINE ([0-9]+): (.*)\n( *)\^`)
	// Catalog Error: Table with name orders does not exist!
	duckNoTable = regexp.MustCompile(`^Catalog Error: Table with name (.+?) does not exist!`)
	// DuckDB's own suggestion of a table, which may be a catalog table.
	duckDidYouMean = regexp.MustCompile(`Did you mean "([^"]+)"\?`)
)

// duckError gives an error DuckDB reported for statement stmt, rendered
// as r, a position in the query (a *lang.Error): an unknown table points
// at the table and suggests the topic of that name as kafka('name');
// another error points where DuckDB's caret does, mapped back through r.
// Errors that are not DuckDB's, or that cannot be placed, are returned
// as they are.
//
// DuckDB ran text, which holds r's SQL at byte shift (COPY wraps it).
func (s *Session) duckError(ctx context.Context, err error, r *lang.Rendered, stmt lang.Statement, text string, shift int) error {
	var se *duck.SQLError
	if !errors.As(err, &se) {
		return err
	}
	if m := duckNoTable.FindStringSubmatch(se.Msg); m != nil {
		if t := tableNamed(stmt, m[1]); t != nil {
			return lang.Errorf(t.Pos, "table %q does not exist%s", m[1], s.tableHint(ctx, m[1], se.Msg))
		}
	}
	if off, ok := caretOffset(se.Err.Error(), text); ok {
		if pos, ok := r.Pos(off - shift); ok {
			return lang.Errorf(pos, "%s", se.Msg)
		}
	}
	return err
}

// tableNamed returns the table of stmt's FROM clauses whose name ends in
// name, or nil.
func tableNamed(stmt lang.Statement, name string) *lang.Table {
	var found *lang.Table
	lang.Inspect(stmt, func(n lang.Node) bool {
		if t, ok := n.(*lang.Table); ok && found == nil && strings.EqualFold(t.Name[len(t.Name)-1], name) {
			found = t
		}
		return found == nil
	})
	return found
}

// tableHint is the end of the message about an unknown table: the topic
// to read with kafka() when the cluster has one of that name or a close
// one, else DuckDB's suggestion of a table of the session (not of its
// catalog).
func (s *Session) tableHint(ctx context.Context, name, duckMsg string) string {
	if topics := s.topicNames(ctx); len(topics) > 0 {
		for _, t := range topics {
			if t == name {
				return fmt.Sprintf("; the topic %s is read with kafka(%s)", t, lang.QuoteString(t))
			}
		}
		if t := lang.Closest(name, topics); t != "" {
			return fmt.Sprintf(" (did you mean the topic kafka(%s)?)", lang.QuoteString(t))
		}
	}
	if m := duckDidYouMean.FindStringSubmatch(duckMsg); m != nil && !systemTable(m[1]) {
		return fmt.Sprintf(" (did you mean %q?)", m[1])
	}
	return ""
}

// systemTable reports whether DuckDB's suggestion is one of its catalog's
// tables (pg_prepared_statements, duckdb_tables, ...), no help to a query
// on Kafka topics.
func systemTable(name string) bool {
	for _, p := range []string{"pg_", "duckdb_", "sqlite_", "information_schema", "main."} {
		if strings.HasPrefix(strings.ToLower(name), p) {
			return true
		}
	}
	return false
}

// topicNames lists the cluster's topics for a hint: nil when it cannot
// tell quickly.
func (s *Session) topicNames(ctx context.Context) []string {
	s.connMu.Lock()
	connected := s.connected
	s.connMu.Unlock()
	if !connected {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, topicHintTimeout)
		defer cancel()
	}
	details, err := s.admin.ListTopics(ctx)
	if err != nil {
		return nil
	}
	var names []string
	for _, n := range details.Names() {
		if details[n].Err == nil {
			names = append(names, n)
		}
	}
	return names
}

// caretOffset returns the byte offset in sql that DuckDB's message msg
// points at with its "LINE n: ..." excerpt and caret.
func caretOffset(msg, sql string) (int, bool) {
	m := duckCaret.FindStringSubmatch(msg)
	if m == nil {
		return 0, false
	}
	line, err := strconv.Atoi(m[1])
	if err != nil || line < 1 {
		return 0, false
	}
	excerpt := m[2]
	col := len(m[3]) - len("LINE "+m[1]+": ")
	start := 0 // of the line in sql
	for range line - 1 {
		i := strings.IndexByte(sql[start:], '\n')
		if i < 0 {
			return 0, false
		}
		start += i + 1
	}
	text := sql[start:]
	if i := strings.IndexByte(text, '\n'); i >= 0 {
		text = text[:i]
	}
	if strings.HasPrefix(excerpt, "...") {
		// A long line, cut around the caret: find where the excerpt is.
		excerpt = strings.TrimSuffix(strings.TrimPrefix(excerpt, "..."), "...")
		col -= len("...")
		i := strings.Index(text, excerpt)
		if i < 0 {
			return 0, false
		}
		start += i
	}
	if col < 0 || start+col > len(sql) {
		return 0, false
	}
	return start + col, true
}
