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

// fromParticiple converts a participle error into a *Error with a message
// that says what was expected.
func fromParticiple(err error) error {
	var perr participle.Error
	if !errors.As(err, &perr) {
		return err
	}
	msg := perr.Message()
	var ute *participle.UnexpectedTokenError
	if errors.As(err, &ute) {
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
		if expect != "" {
			msg += ", expected " + friendlyExpect(expect)
		}
	}
	return &Error{Pos: perr.Position(), Msg: msg}
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
	line := strings.TrimRight(lines[lerr.Pos.Line-1], "\r")
	col := lerr.Pos.Column
	if col < 1 {
		col = 1
	}
	// Keep tabs so the caret lines up under tab-indented text.
	var pad strings.Builder
	for i, r := range []rune(line) {
		if i >= col-1 {
			break
		}
		if r == '\t' {
			pad.WriteByte('\t')
		} else {
			pad.WriteByte(' ')
		}
	}
	for i := len([]rune(line)); i < col-1; i++ {
		pad.WriteByte(' ')
	}
	return line + "\n" + pad.String() + "^"
}

// grammarNames says what each grammar node stands for in error messages.
var grammarNames = map[string]string{
	"GStatement": "a statement",
	"GSelect":    "SELECT",
	"GItem":      "a column or expression",
	"GSource":    "kafka('topic')",
	"GOption":    "an option (name = value)",
	"GIdent":     "a name",
	"GString":    "a string",
	"GInteger":   "an integer",
	"GExpr":      "an expression",
	"GLiteral":   "a literal",
}

// friendlyExpect turns participle's description of what it expected (the
// whole remaining production) into its first element, in words.
func friendlyExpect(expect string) string {
	first := strings.Fields(expect)[0]
	first = strings.TrimLeft(first, "(")
	if name, ok := grammarNames[first]; ok {
		return name
	}
	if strings.HasPrefix(first, "<") {
		return strings.Trim(first, "<>")
	}
	return first
}
