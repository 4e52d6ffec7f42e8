package lang

import (
	"regexp"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// reserved lists the keywords that cannot be bare identifiers. Words that are
// also common column names (offset, partition, timestamp, key, value, topic)
// are deliberately not reserved; quote any reserved word to use it as a name.
var reserved = []string{
	"SELECT", "DISTINCT", "FROM", "WHERE", "GROUP", "BY", "HAVING", "ORDER",
	"LIMIT", "AND", "OR", "NOT", "AS", "IN", "IS", "NULL", "TRUE", "FALSE",
	"BETWEEN", "LIKE", "ILIKE", "EXPLAIN", "WITH", "JOIN", "ON", "UNION",
	"CASE", "WHEN", "THEN", "ELSE", "END", "CAST",
}

var reservedSet = func() map[string]bool {
	m := make(map[string]bool, len(reserved))
	for _, w := range reserved {
		m[w] = true
	}
	return m
}()

// IsReserved reports whether word (any case) is a reserved keyword.
func IsReserved(word string) bool { return reservedSet[strings.ToUpper(word)] }

var sqlLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "Comment", Pattern: `--[^\n]*|/\*(?s:.*?)\*/`},
	{Name: "Whitespace", Pattern: `\s+`},
	{Name: "Keyword", Pattern: `(?i)(?:` + strings.Join(reserved, "|") + `)\b`},
	{Name: "Ident", Pattern: `[a-zA-Z_][a-zA-Z0-9_$]*`},
	{Name: "QIdent", Pattern: `"(?:[^"]|"")*"`},
	{Name: "String", Pattern: `'(?:[^']|'')*'`},
	{Name: "Number", Pattern: `(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?`},
	{Name: "Operator", Pattern: `->>|->|::|\|\||<>|!=|<=|>=|[-+*/%,.()=<>;\[\]]`},
})

var plainIdent = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_$]*$`)

// QuoteIdent returns name as a SQL identifier: bare when it is a plain,
// lower-case, non-reserved word, double-quoted (with embedded quotes doubled)
// otherwise. The result is safe to splice into SQL for kq and DuckDB.
func QuoteIdent(name string) string {
	if plainIdent.MatchString(name) && strings.ToLower(name) == name && !IsReserved(name) {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// QuoteString returns s as a single-quoted SQL string literal.
func QuoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func unquote(tok string, q byte) string {
	inner := tok[1 : len(tok)-1]
	return strings.ReplaceAll(inner, string([]byte{q, q}), string(q))
}
