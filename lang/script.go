package lang

import (
	"errors"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// Piece is one statement of a script: its text without the terminating
// semicolon, and where that text starts in the script.
type Piece struct {
	SQL string
	Pos Pos
}

// Split cuts a script into statements at semicolons that are not inside
// strings, quoted identifiers or comments. Pieces holding only whitespace
// and comments are dropped. When the script cannot be tokenized (an
// unterminated string, say), the rest of it is returned as one piece so
// that parsing it reports the error with its position.
func Split(script string) []Piece {
	var out []Piece
	lx, err := sqlLexer.LexString("", script)
	if err != nil {
		return []Piece{{SQL: script, Pos: Pos{Line: 1, Column: 1}}}
	}
	start := Pos{Line: 1, Column: 1}
	content := false // whether the current piece has a token other than comments
	emit := func(end int) {
		if content {
			out = append(out, Piece{SQL: script[start.Offset:end], Pos: start})
		}
		content = false
	}
	for {
		tok, err := lx.Next()
		if err != nil {
			if content || strings.TrimSpace(script[start.Offset:]) != "" {
				out = append(out, Piece{SQL: script[start.Offset:], Pos: start})
			}
			return out
		}
		if tok.EOF() {
			emit(len(script))
			return out
		}
		switch {
		case tok.Value == ";":
			emit(tok.Pos.Offset)
			start = advance(tok.Pos, ";")
		case isTrivia(tok):
			if !content {
				// Leading whitespace and comments belong to no statement:
				// start the piece after them so positions stay exact.
				start = advance(tok.Pos, tok.Value)
			}
		default:
			content = true
		}
	}
}

func isTrivia(tok lexer.Token) bool {
	v := tok.Value
	return strings.TrimSpace(v) == "" || strings.HasPrefix(v, "--") || strings.HasPrefix(v, "/*")
}

// advance returns the position just after text that starts at p.
func advance(p Pos, text string) Pos {
	p.Offset += len(text)
	for _, r := range text {
		if r == '\n' {
			p.Line++
			p.Column = 1
		} else {
			p.Column++
		}
	}
	return p
}

// InScript moves an error's position from a piece of a script to the
// script: line 1 of the piece is line piece.Pos.Line of the script. Errors
// without a position are returned as they are.
func InScript(err error, piece Piece) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	p := e.Pos
	if p.Line == 1 {
		p.Column += piece.Pos.Column - 1
	}
	p.Line += piece.Pos.Line - 1
	p.Offset += piece.Pos.Offset
	return &Error{Pos: p, Msg: e.Msg}
}

// Complete reports whether script ends with a semicolon outside strings,
// quoted identifiers and comments: the REPL runs what was typed once it is
// complete. A script with an unterminated string is not complete.
func Complete(script string) bool {
	lx, err := sqlLexer.LexString("", script)
	if err != nil {
		return false
	}
	last := ""
	for {
		tok, err := lx.Next()
		if err != nil {
			return false
		}
		if tok.EOF() {
			return last == ";"
		}
		if !isTrivia(tok) {
			last = tok.Value
		}
	}
}
