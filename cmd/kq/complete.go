package main

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/lang"
)

// completer completes the word before the cursor in the REPL: inside
// kafka('...') a topic name (SHOW TOPICS, asked once per session), else a
// keyword, or a column of a kafka() source of the statement being typed
// (DESCRIBE kafka(...) with the source's options, asked once per source).
// What the cluster cannot answer completes nothing.
type completer struct {
	eng   *kq.Engine
	typed func() string // the lines of the statement entered before this one

	mu      sync.Mutex
	topics  []string            // nil until asked
	columns map[string][]string // by source text
}

var (
	// topicArg matches the start of a kafka() call up to the cursor in a
	// topic name: kafka('a', 'b
	topicArg = regexp.MustCompile(`(?i)\bkafka\s*\(\s*(?:'[^']*'\s*,\s*)*'([^']*)$`)
	// kafkaSource matches a kafka() source with its WITH options.
	kafkaSource = regexp.MustCompile(`(?i)\bkafka\s*\(\s*'[^']*'(?:\s*,\s*'[^']*')*\s*\)(?:\s*WITH\s*\((?:[^()']|'(?:[^']|'')*')*\))?`)
	// wordBefore matches the name being typed before the cursor.
	wordBefore = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_$]*$`)
	// bareName matches the names that can be typed unquoted.
	bareName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// complete completes line at pos, as a liner.WordCompleter does.
func (c *completer) complete(ctx context.Context, line string, pos int) (head string, completions []string, tail string) {
	before, after := line[:pos], line[pos:]
	if m := topicArg.FindStringSubmatch(before); m != nil {
		prefix := m[1]
		for _, t := range c.topicNames(ctx) {
			if strings.HasPrefix(t, prefix) {
				completions = append(completions, t)
			}
		}
		return before[:len(before)-len(prefix)], completions, after
	}
	prefix := wordBefore.FindString(before)
	if prefix == "" {
		return before, nil, after
	}
	head = before[:len(before)-len(prefix)]
	qualified := strings.HasSuffix(head, ".")
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] && strings.HasPrefix(strings.ToLower(s), strings.ToLower(prefix)) {
			seen[s] = true
			completions = append(completions, s)
		}
	}
	for _, src := range kafkaSource.FindAllString(c.typed()+line, -1) {
		for _, col := range c.sourceColumns(ctx, src) {
			add(col)
		}
	}
	if !qualified {
		lower := prefix == strings.ToLower(prefix)
		for _, k := range append(lang.Keywords(), "KAFKA") {
			if lower {
				k = strings.ToLower(k)
			}
			add(k)
		}
	}
	return head, completions, after
}

// topicNames returns the cluster's topics, asked once.
func (c *completer) topicNames(ctx context.Context) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.topics == nil {
		c.topics = queryStrings(ctx, c.eng, "SHOW TOPICS", "name", nil)
		if c.topics == nil {
			c.topics = []string{}
		}
	}
	return c.topics
}

// sourceColumns returns the columns of a kafka() source (its text as
// typed), asked once: DESCRIBE's rows of kind "column".
func (c *completer) sourceColumns(ctx context.Context, src string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cols, ok := c.columns[src]; ok {
		return cols
	}
	cols := queryStrings(ctx, c.eng, "DESCRIBE "+src, "name", func(kind string) bool { return kind == "column" })
	for i, col := range cols {
		if !plainName(col) {
			cols[i] = lang.QuoteName(col)
		}
	}
	if c.columns == nil {
		c.columns = map[string][]string{}
	}
	c.columns[src] = cols
	return cols
}

// plainName reports whether name can be typed bare.
func plainName(name string) bool {
	return bareName.MatchString(name) && !lang.IsReserved(name)
}

// queryStrings runs sql and returns the values of its VARCHAR column col,
// sorted and unique, of the rows whose "kind" column keep accepts (every
// row when keep is nil); nil on any error.
func queryStrings(ctx context.Context, eng *kq.Engine, sql, col string, keep func(kind string) bool) []string {
	rows, err := eng.Query(ctx, sql)
	if err != nil {
		return nil
	}
	defer rows.Release()
	schema := rows.Schema()
	ci, ki := schema.FieldIndices(col), schema.FieldIndices("kind")
	if len(ci) != 1 || (keep != nil && len(ki) != 1) {
		return nil
	}
	var out []string
	for rows.Next() {
		rec := rows.RecordBatch()
		names, ok := rec.Column(ci[0]).(*array.String)
		if !ok {
			return nil
		}
		for i := range names.Len() {
			if keep != nil {
				kinds, ok := rec.Column(ki[0]).(*array.String)
				if !ok || !keep(kinds.Value(i)) {
					continue
				}
			}
			out = append(out, names.Value(i))
		}
	}
	if rows.Err() != nil {
		return nil
	}
	slices.Sort(out)
	return slices.Compact(out)
}
