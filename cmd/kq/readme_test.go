package main

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/kq-sql/kq/demo"
)

// cookbookEntry is one runnable thing of the README's cookbook: an SQL
// statement (possibly over several lines) or a kq command line.
type cookbookEntry struct {
	line int    // the README line it starts on
	text string // the statement, or the command line
	cli  bool   // a "kq ..." command line
}

// statementStart reports whether an indented line starts a new statement
// rather than continuing the one above (FROM ..., WITH (options) ...).
func statementStart(line string) bool {
	f := strings.Fields(line)
	if len(f) == 0 {
		return false
	}
	switch strings.ToUpper(f[0]) {
	case "SELECT", "COPY", "SHOW", "DESCRIBE", "EXPLAIN", "CREATE", "INSERT", "VALUES", "KQ":
		return true
	case "WITH":
		return len(f) > 1 && !strings.HasPrefix(f[1], "(") // a CTE, not a source's options
	}
	return false
}

// cookbook returns the entries of the indented code blocks under the
// README's "Cookbook" heading, in order.
func cookbook(t *testing.T) []cookbookEntry {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var out []cookbookEntry
	in := false
	var cur *cookbookEntry
	flush := func() {
		if cur != nil {
			cur.text = strings.TrimSpace(cur.text)
			out = append(out, *cur)
			cur = nil
		}
	}
	for i, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "## ") {
			flush()
			in = strings.TrimSpace(line) == "## Cookbook"
			continue
		}
		if !in {
			continue
		}
		code, ok := strings.CutPrefix(line, "    ")
		if !ok || strings.TrimSpace(code) == "" {
			flush() // a blank line or prose ends a statement
			continue
		}
		if cur == nil || statementStart(code) {
			flush()
			cur = &cookbookEntry{line: i + 1, cli: strings.HasPrefix(code, "kq ")}
		}
		cur.text += code + "\n"
	}
	flush()
	return out
}

// shellWords splits a command line as a POSIX shell would for the quoting
// the README uses: words separated by spaces, '...' and "..." quoted
// (a backslash escapes the next character inside "...").
func shellWords(t *testing.T, s string) []string {
	t.Helper()
	var words []string
	var w strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				t.Fatalf("unterminated ' in %s", s)
			}
			w.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				w.WriteByte(s[i])
			}
			if i == len(s) {
				t.Fatalf("unterminated \" in %s", s)
			}
			inWord = true
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

// TestREADMECookbook runs every line of the README's cookbook, as written
// and in order, in a fresh directory: each SQL statement through run()
// against the demo data (one demo broker for all of them: seeding one per
// statement would take minutes; the command lines, which carry --demo
// themselves, start their own). Every statement must succeed without a
// word on stderr, and every query must return rows.
func TestREADMECookbook(t *testing.T) {
	entries := cookbook(t)
	if len(entries) < 20 {
		t.Fatalf("found %d cookbook entries; is the README's Cookbook section still there?", len(entries))
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir()) // COPY and --db write files here
	ctx := context.Background()
	d, err := demo.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	sawJoin := false
	for _, e := range entries {
		var args []string
		if e.cli {
			args = shellWords(t, e.text)[1:]
		} else {
			args = []string{"-b", d.Brokers(), "--schema-registry", d.RegistryURL(), "--format", "csv", e.text}
		}
		t.Logf("README.md:%d: %s", e.line, strings.Join(strings.Fields(e.text), " "))
		code, out, errs := runKQ(t, "", args...)
		if code != 0 || errs != "" {
			t.Fatalf("README.md:%d: exit %d\n%s\nstderr:\n%s", e.line, code, e.text, errs)
		}
		first := strings.ToUpper(strings.Fields(e.text)[0])
		if (first == "SELECT" || first == "VALUES") && strings.Count(out, "\n") < 2 {
			t.Errorf("README.md:%d: no rows:\n%s\nstdout:\n%s", e.line, e.text, out)
		}
		if strings.Contains(e.text, "JOIN read_parquet('customers.parquet')") {
			sawJoin = true
		}
	}
	if !sawJoin || !strings.Contains(string(readme), "TO 'customers.parquet'") {
		t.Error("the cookbook no longer builds and joins customers.parquet")
	}
}
