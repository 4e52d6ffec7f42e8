package kq

import "github.com/kq-sql/kq/lang"

// Statement is one statement of a script, see SplitScript.
type Statement struct {
	// SQL is the statement's text, without its terminating semicolon.
	SQL string
	// Line and Column are where SQL starts in the script (from 1).
	Line, Column int

	piece lang.Piece
}

// SplitScript cuts a script into statements at semicolons outside strings,
// quoted identifiers and comments. Empty statements are dropped.
func SplitScript(script string) []Statement {
	pieces := lang.Split(script)
	out := make([]Statement, len(pieces))
	for i, p := range pieces {
		out[i] = Statement{SQL: p.SQL, Line: p.Pos.Line, Column: p.Pos.Column, piece: p}
	}
	return out
}

// InScript moves the position of an error in s (a *lang.Error from Query,
// Exec or Explain) to its place in the whole script, so that line:column
// and Caret refer to the script.
func (s Statement) InScript(err error) error { return lang.InScript(err, s.piece) }

// Complete reports whether script ends with a semicolon outside strings
// and comments, i.e. whether a REPL should run what was typed so far.
func Complete(script string) bool { return lang.Complete(script) }
