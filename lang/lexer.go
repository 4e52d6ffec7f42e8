package lang

import (
	"regexp"
	"slices"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// reserved lists the keywords that cannot be bare identifiers. Words that are
// also common column names (offset, partition, timestamp, key, value, topic)
// are deliberately not reserved; quote any reserved word to use it as a name.
//
// A word is reserved when it can follow an expression or a table in a place
// where an implicit alias could stand (FROM, JOIN, WHERE, ASC, ...), or when
// it starts a construct of its own (CASE, CAST, EXISTS). OFFSET is the one
// clause word left unreserved, because it is a Kafka column; it cannot be an
// implicit alias (write AS offset).
var reserved = []string{
	"ALL", "AND", "AS", "ASC", "BETWEEN", "BY", "CASE", "CAST", "COPY",
	"CREATE", "CROSS", "DESC", "DESCRIBE", "DISTINCT", "ELSE", "END",
	"EXCEPT", "EXISTS", "EXPLAIN", "FALSE", "FROM", "FULL", "GROUP",
	"HAVING", "ILIKE", "IN", "INNER", "INSERT", "INTERSECT", "INTO", "IS",
	"JOIN", "LEFT", "LIKE", "LIMIT", "NATURAL", "NOT", "NULL", "NULLS", "ON",
	"OR", "ORDER", "OUTER", "OVER", "QUALIFY", "RIGHT", "SELECT", "SHOW", "TABLE",
	"THEN", "TRUE", "UNION", "USING", "WHEN", "WHERE", "WITH",
}

var reservedSet = func() map[string]bool {
	m := make(map[string]bool, len(reserved))
	for _, w := range reserved {
		m[w] = true
	}
	return m
}()

// unreserved lists the keywords of the grammar that are not reserved
// (they may be names where the grammar cannot mistake them).
var unreserved = []string{
	"CURRENT", "DATE", "DAY", "DAYS", "EXCLUDE", "FILTER", "FIRST", "FOLLOWING",
	"GROUPS", "HOUR", "HOURS", "IF", "INTERVAL", "LAST", "MICROSECOND",
	"MICROSECONDS", "MILLISECOND", "MILLISECONDS", "MINUTE", "MINUTES", "MONTH",
	"MONTHS", "OFFSET", "PARTITION", "PRECEDING", "PRECISION", "RANGE",
	"RECURSIVE", "REPLACE", "ROW", "ROWS", "SECOND", "SECONDS", "TABLES", "TIME",
	"TIMESTAMP", "TIMESTAMPTZ", "TO", "TOPICS", "TRY_CAST", "UNBOUNDED", "VALUES",
	"VARYING", "WEEK", "WEEKS", "YEAR", "YEARS", "ZONE",
}

// Keywords returns every keyword of the dialect, reserved or not, in
// upper case and sorted: what an editor completes. The caller owns the
// slice.
func Keywords() []string {
	out := append(append([]string{}, reserved...), unreserved...)
	slices.Sort(out)
	return out
}

// IsReserved reports whether word (any case) is a reserved keyword.
func IsReserved(word string) bool { return reservedSet[strings.ToUpper(word)] }

var sqlLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "Comment", Pattern: `--[^\n]*|/\*(?s:.*?)\*/`},
	{Name: "Whitespace", Pattern: `\s+`},
	{Name: "Unterminated", Pattern: `/\*`}, // a comment without its end
	{Name: "Keyword", Pattern: `(?i)(?:` + strings.Join(reserved, "|") + `)\b`},
	{Name: "Ident", Pattern: `[a-zA-Z_][a-zA-Z0-9_$]*`},
	{Name: "QIdent", Pattern: `"(?:[^"]|"")*"`},
	{Name: "String", Pattern: `'(?:[^']|'')*'`},
	{Name: "Param", Pattern: `\?|\$[0-9]+`}, // a parameter: ? or $1
	{Name: "Number", Pattern: `(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?`},
	{Name: "Operator", Pattern: `->>|->|::|\|\||<>|!=|==|<=|>=|[-+*/%,.()=<>;\[\]{}:]`},
})

// plainIdent matches the names QuoteIdent may leave bare. It is narrower
// than the lexer's Ident rule ("$" is left out) so that a bare name can never
// lex as a keyword followed by something else.
var plainIdent = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// softKeyword reports whether word is one of the words that are not
// reserved but start a construct where a name can also stand: VALUES
// (DESCRIBE values would read a VALUES query). They print quoted.
func softKeyword(word string) bool { return strings.EqualFold(word, "values") }

// QuoteIdent returns name as a SQL identifier: bare when it is a plain,
// lower-case, non-reserved word, double-quoted (with embedded quotes doubled)
// otherwise. The result is safe to splice into SQL for kq and DuckDB.
func QuoteIdent(name string) string {
	if plainIdent.MatchString(name) && strings.ToLower(name) == name && !IsReserved(name) && !softKeyword(name) {
		return name
	}
	return QuoteName(name)
}

// QuoteName returns name as a double-quoted SQL identifier, whatever it
// is: how kq writes every name into the SQL DuckDB runs (DuckDB reserves
// names kq's dialect leaves bare, such as offset). It is kq's one
// identifier quoter; QuoteIdent uses it when quoting is needed.
func QuoteName(name string) string {
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
