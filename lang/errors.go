package lang

import (
	"errors"
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// Pos is a position in the query text. Line and Column start at 1; Offset is
// the byte offset from the start of the text.
type Pos = lexer.Position

// Error is a syntax or semantic error in a query. It prints as
// "line:column: message".
type Error struct {
	Pos Pos
	Msg string
}

// Error implements error.
func (e *Error) Error() string {
	return fmt.Sprintf("%d:%d: %s", e.Pos.Line, e.Pos.Column, e.Msg)
}

// Errorf returns a *Error at pos. Packages that give the AST meaning (plan)
// use it so that their errors point into the query too.
func Errorf(pos Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// fromParticiple converts a participle error on query into a *Error whose
// message says, in words, what was expected.
func fromParticiple(query string, err error) error {
	var perr participle.Error
	if !errors.As(err, &perr) {
		return err
	}
	pos := perr.Position()
	msg := perr.Message()
	if strings.HasPrefix(msg, "lexer: invalid input text ") {
		return &Error{Pos: pos, Msg: lexMessage(query, pos)}
	}
	var ute *participle.UnexpectedTokenError
	if !errors.As(err, &ute) {
		return &Error{Pos: pos, Msg: msg}
	}
	tok := ute.Unexpected
	what := fmt.Sprintf("%q", tok.Value)
	if tok.EOF() {
		what = "end of query"
	}
	msg = "unexpected " + what
	expect := ute.Expect
	if m := ute.Message(); expect == "" && strings.Contains(m, "(expected ") {
		expect = m[strings.Index(m, "(expected ")+len("(expected ") : len(m)-1]
	}
	switch {
	case strings.HasPrefix(tok.Value, "/*"):
		return &Error{Pos: tok.Pos, Msg: "unterminated comment (a /* without its closing */)"}
	case expect != "":
		expect = friendlyExpect(expect)
		prev := previousToken(query, tok.Pos)
		switch {
		case expect == `"LIKE" or "ILIKE"` && strings.EqualFold(prev.Value, "NOT"):
			expect = "IN, BETWEEN, LIKE or ILIKE"
		case expect == `"LIKE" or "ILIKE"`, expect == `"("` && prev.Type == sqlLexer.Symbols()["Ident"]:
			// Guesses of the deepest error among several that end at the
			// same token (x LIKE ..., name(...)): say what can follow instead.
			expect = expectAfter(query, tok.Pos)
		}
	default:
		expect = expectAfter(query, tok.Pos)
	}
	if expect != "" {
		msg += ", expected " + expect
	}
	pos = tok.Pos
	// A misspelled clause keyword is an identifier to the parser: it trips
	// over it, or reads it as an implicit alias and trips over what follows.
	for _, t := range []lexer.Token{tok, previousToken(query, pos)} {
		if t.Type != sqlLexer.Symbols()["Ident"] {
			continue
		}
		if kw := nearKeyword(t.Value); kw != "" {
			return &Error{Pos: t.Pos, Msg: fmt.Sprintf("%q is not a keyword here (did you mean %s?)", t.Value, kw)}
		}
	}
	if tok.EOF() {
		// Point just past the last token rather than at trailing blank
		// lines, so the caret lands on a line the user wrote.
		if prev := previousToken(query, pos); prev.Value != "" {
			pos = endOf(prev)
		}
	}
	return &Error{Pos: pos, Msg: msg}
}

// clauseKeywords are the words nearKeyword suggests.
var clauseKeywords = []string{"SELECT", "FROM", "WHERE", "GROUP", "HAVING", "QUALIFY", "ORDER", "LIMIT", "OFFSET", "JOIN", "UNION", "WITH"}

// nearKeyword returns the clause keyword word is one edit away from
// (LIMT, WEHRE), or "" when there is none or word is itself a keyword.
func nearKeyword(word string) string {
	w := strings.ToUpper(word)
	if len(w) < 4 {
		return ""
	}
	for _, kw := range clauseKeywords {
		if w != kw && EditDistance(w, kw) == 1 || w != kw && isTransposition(w, kw) {
			return kw
		}
	}
	return ""
}

// EditDistance is the Levenshtein distance between a and b, in bytes. kq
// uses it to suggest the closest keyword, option or topic name in errors.
func EditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Closest returns the candidate nearest to name by EditDistance, compared
// case-insensitively, when it is at most a third of name's length away (at
// least 2); "" when none is that near. Of equally near candidates it
// returns the smallest. kq's "did you mean" suggestions — options,
// settings, topics, columns — all come from it.
func Closest(name string, candidates []string) string {
	best, bestDist := "", max(2, len(name)/3)+1
	lower := strings.ToLower(name)
	for _, c := range candidates {
		d := EditDistance(lower, strings.ToLower(c))
		if d < bestDist || (d == bestDist && best != "" && c < best) {
			best, bestDist = c, d
		}
	}
	return best
}

// isTransposition reports whether a is b with two adjacent letters swapped.
func isTransposition(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i+1 < len(a); i++ {
		if a[i] != b[i] {
			return a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
		}
	}
	return false
}

// endOf returns the position just after tok.
func endOf(tok lexer.Token) Pos {
	pos := tok.Pos
	pos.Offset += len(tok.Value)
	for _, r := range tok.Value {
		if r == '\n' {
			pos.Line++
			pos.Column = 1
		} else {
			pos.Column++
		}
	}
	return pos
}

// lexMessage describes text the lexer could not read at pos.
func lexMessage(query string, pos Pos) string {
	rest := ""
	if pos.Offset >= 0 && pos.Offset < len(query) {
		rest = query[pos.Offset:]
	}
	switch {
	case strings.HasPrefix(rest, "'"):
		return "unterminated string (a ' without its closing ')"
	case strings.HasPrefix(rest, `"`):
		return `unterminated quoted name (a " without its closing ")`
	case strings.HasPrefix(rest, "/*"):
		return "unterminated comment (a /* without its closing */)"
	case rest != "":
		r := []rune(rest)[0]
		return fmt.Sprintf("unexpected character %q", r)
	}
	return "unreadable input"
}

// Caret renders the line of query that err points at, with a caret under its
// column:
//
//	SELECT COUNT(* FROM kafka('orders')
//	               ^
//
// It returns "" when err carries no position inside query.
func Caret(query string, err error) string {
	var lerr *Error
	if !errors.As(err, &lerr) || lerr.Pos.Line < 1 {
		return ""
	}
	lines := strings.Split(query, "\n")
	if lerr.Pos.Line > len(lines) {
		return ""
	}
	runes := []rune(strings.TrimRight(lines[lerr.Pos.Line-1], "\r"))
	col := lerr.Pos.Column
	if col < 1 {
		col = 1
	}
	// A line longer than caretWidth shows only a window around the column
	// (a 1 MiB one-line query is not echoed whole).
	var head, tail string
	if len(runes) > caretWidth {
		start := max(0, min(col-1-caretWidth/2, len(runes)-caretWidth))
		end := min(len(runes), start+caretWidth)
		if start > 0 {
			head = "..."
		}
		if end < len(runes) {
			tail = "..."
		}
		runes, col = runes[start:end], col-start
	}
	// Keep tabs so the caret lines up under tab-indented text.
	pad := strings.Repeat(" ", len(head))
	var b strings.Builder
	b.WriteString(pad)
	for i, r := range runes {
		if i >= col-1 {
			break
		}
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	for i := len(runes); i < col-1; i++ {
		b.WriteByte(' ')
	}
	return head + string(runes) + tail + "\n" + b.String() + "^"
}

// caretWidth is the longest query line Caret shows whole.
const caretWidth = 160

const (
	expectExpr  = "an expression"
	expectTable = "a table, kafka('topic'), a file or (SELECT ...)"
)

// grammarNames says what each grammar node stands for in error messages.
var grammarNames = map[string]string{
	"GStatement":    "a statement",
	"GBody":         "a statement",
	"GQuery":        "SELECT",
	"GUnion":        "SELECT",
	"GIntersect":    "SELECT",
	"GSetPrimary":   "SELECT",
	"GSelect":       "SELECT",
	"GWith":         "WITH",
	"GCTE":          "a name",
	"GItem":         "a column or expression",
	"GAlias":        "a name",
	"GOrderItem":    expectExpr,
	"GFromItem":     expectTable,
	"GTablePrimary": expectTable,
	"GKafkaOption":  "an option (name = value)",
	"GCopyOption":   "an option (NAME value)",
	"GOptionKey":    "an option name",
	"GOptionValue":  "a value (a string, number, TRUE or FALSE)",
	"GIdent":        "a name",
	"GQName":        "a name",
	"GString":       "a string",
	"GInteger":      "an integer",
	"GWhen":         "WHEN",
	"GType":         "a type name",
	"GWindow":       `"("`,
	"GFrame":        "ROWS or RANGE",
	"GFrameBound":   "a frame bound (UNBOUNDED PRECEDING, CURRENT ROW, n PRECEDING ...)",
	"GLiteral":      "a literal",
	"GStructField":  "a field (key: value)",
}

// friendlyExpect turns participle's description of what it expected (the
// whole remaining production) into its first element, in words.
func friendlyExpect(expect string) string {
	expect = strings.TrimSpace(expect)
	if alts := literalAlternatives(expect); len(alts) > 1 {
		if alts[0] == `"YEAR"` {
			return "a unit such as DAY or HOUR"
		}
		if len(alts) > 4 {
			alts = append(alts[:3], "...")
		}
		return strings.Join(alts[:len(alts)-1], ", ") + " or " + alts[len(alts)-1]
	}
	first := strings.Fields(expect)[0]
	first = strings.TrimLeft(first, "(")
	first = strings.TrimRight(first, "+*?)")
	if name, ok := grammarNames[first]; ok {
		return name
	}
	if strings.HasPrefix(first, "G") && !strings.HasPrefix(first, `"`) {
		return expectExpr // GExpr, GOr, ... GPrimary
	}
	if strings.HasPrefix(first, "<") {
		return strings.Trim(first, "<>")
	}
	return first
}

// literalAlternatives returns the quoted words of a leading group of
// alternatives, ("FIRST" | "LAST") ..., or nil.
func literalAlternatives(expect string) []string {
	if !strings.HasPrefix(expect, "(") {
		return nil
	}
	end := strings.Index(expect, ")")
	if end < 0 {
		return nil
	}
	var alts []string
	for _, a := range strings.Split(expect[1:end], "|") {
		a = strings.TrimSpace(a)
		if len(a) < 3 || a[0] != '"' || a[len(a)-1] != '"' {
			return nil
		}
		alts = append(alts, a)
	}
	return alts
}

// tokensBefore returns the significant tokens of query before pos.
func tokensBefore(query string, pos Pos) []lexer.Token {
	tokens, err := parser.Lex("", strings.NewReader(query))
	if err != nil {
		return nil
	}
	symbols := sqlLexer.Symbols()
	skip := map[lexer.TokenType]bool{symbols["Whitespace"]: true, symbols["Comment"]: true}
	var prev []lexer.Token
	for _, t := range tokens {
		if t.EOF() || t.Pos.Offset >= pos.Offset {
			break
		}
		if !skip[t.Type] {
			prev = append(prev, t)
		}
	}
	return prev
}

// previousToken returns the significant token before pos, or a zero token.
func previousToken(query string, pos Pos) lexer.Token {
	if prev := tokensBefore(query, pos); len(prev) > 0 {
		return prev[len(prev)-1]
	}
	return lexer.Token{}
}

// expectAfter guesses what should stand at pos from the tokens before it,
// for the errors where the parser itself cannot say (a failed choice).
func expectAfter(query string, pos Pos) string {
	prev := tokensBefore(query, pos)
	if len(prev) == 0 {
		return "a statement (SELECT, EXPLAIN, COPY, CREATE TABLE, INSERT, SHOW, DESCRIBE)"
	}
	last := strings.ToUpper(prev[len(prev)-1].Value)
	switch last {
	case "SELECT", "DISTINCT":
		return "a column or expression"
	case "FROM", "JOIN", "DESCRIBE":
		return expectTable
	case "ALL":
		if len(prev) >= 2 && strings.EqualFold(prev[len(prev)-2].Value, "BY") {
			return "the next clause or the end of the query" // GROUP BY ALL
		}
		return "SELECT"
	case "UNION", "EXCEPT", "INTERSECT":
		return "SELECT"
	case "EXPLAIN":
		return "a statement"
	case "AS":
		return "a name"
	case ";":
		return "the end of the query (kq runs one statement at a time)"
	case ",":
		if clauseOf(prev) == "FROM" {
			return expectTable
		}
		return expectExpr
	case "WHERE", "HAVING", "QUALIFY", "BY", "ON", "AND", "OR", "NOT", "(", "[", "WHEN", "THEN",
		"ELSE", "CASE", "BETWEEN", "LIKE", "ILIKE", "IN",
		"=", "<>", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", "||", "->", "->>":
		return expectExpr
	}
	if clauseOf(prev) == "(" {
		return `")", "," or an operator`
	}
	return `",", an operator, the next clause or the end of the query`
}

// clauseOf returns the clause keyword that governs the last token of prev,
// skipping over parenthesised groups.
func clauseOf(prev []lexer.Token) string {
	depth := 0
	for i := len(prev) - 1; i >= 0; i-- {
		switch v := strings.ToUpper(prev[i].Value); v {
		case ")":
			depth++
		case "(":
			if depth == 0 {
				return "("
			}
			depth--
		case "SELECT", "FROM", "WHERE", "BY", "HAVING", "QUALIFY", "WITH", "ON", "USING":
			if depth == 0 {
				return v
			}
		}
	}
	return ""
}
