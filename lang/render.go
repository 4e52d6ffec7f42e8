package lang

import (
	"errors"
	"strings"
)

// RenderOptions says how Render replaces what only kq understands.
type RenderOptions struct {
	// Source returns the SQL that stands in for one kafka(...) source,
	// typically the quoted name of the view the executor registered for its
	// Arrow stream plus the source's alias:
	//
	//	lang.QuoteIdent("kq_scan_0") + " AS " + lang.QuoteIdent(k.Alias)
	//
	// The text is spliced in as is, so it must come from the caller, never
	// from the query. Render fails if the statement has a kafka() source and
	// Source is nil or returns "".
	Source func(*KafkaSource) string

	// Hidden, when set, returns the columns of a kafka() source that * and
	// name.* leave out (a decoded value STRUCT the query also names, so
	// the source has it), and the name the source has in the rendered
	// statement (its alias, or what Source gave it). A star that reaches
	// the source — * in a SELECT with the source in its FROM, or name.* —
	// is rendered with EXCLUDE ("name"."column", ...).
	Hidden func(*KafkaSource) (name string, cols []string)

	// ItemNames names every select item without an alias by ItemName
	// (COUNT(*) AS "COUNT(*)"), in every SELECT of the statement, so that
	// result columns are named by kq's rule rather than the engine's
	// (DuckDB would name it count_star()). Column references, which
	// DuckDB names by the same rule, stay as written.
	ItemNames bool

	// Text, when set, names a scalar function of the engine from BLOB to
	// VARCHAR that replaces each invalid UTF-8 sequence with U+FFFD. Every
	// cast to a text type (VARCHAR, STRING, TEXT, CHAR, ...; CAST, TRY_CAST
	// and ::) then gives a BLOB operand's bytes as UTF-8 text, as Spark's
	// CAST(value AS STRING) does, instead of DuckDB's escaped text
	// ({\x22id\x22: ...}); other operands cast as written. Valid text is
	// converted by DuckDB's decode, so Text only sees the values that are
	// not valid UTF-8. When "", casts are rendered as written.
	Text string
}

// Render prints stmt as SQL for the embedded SQL engine (DuckDB), so that
// the executor can run a whole statement there with each kafka(...) source
// replaced by opts.Source. Unlike String, Render
//
//   - quotes every identifier ("name", embedded quotes doubled) and every
//     string ('text', embedded quotes doubled), so no name or string from the
//     query can change the statement's structure;
//   - parenthesises every operation that is the operand of another, so the
//     engine's precedence rules cannot regroup the tree;
//   - checks what a tree built by code could hold (operators, literal text,
//     type names, join kinds, option keys) and returns a *Error naming the
//     node instead of splicing anything unexpected.
//
// Statements the engine does not run (SHOW TOPICS) are rendered as written;
// the executor answers them itself. Parameters are rendered as $1, $2, ...
// (see Rendered.Params), never as their values.
func Render(stmt Statement, opts RenderOptions) (string, error) {
	r, err := RenderMapped(stmt, opts)
	if err != nil {
		return "", err
	}
	return r.SQL, nil
}

// Rendered is a statement rendered for the SQL engine, with where each
// part of its text comes from in the query, so that an error the engine
// reports at a place in the SQL can point into the query instead.
type Rendered struct {
	// SQL is the text Render returns.
	SQL string
	// Params lists, for each parameter $k of SQL, the number of the
	// statement's parameter it stands for: Params[k-1]. Parameters that
	// stood for topic names or option values are not in SQL, and one the
	// statement uses twice is one $k.
	Params []int
	marks  []mark // in increasing offset
}

// mark says that the rendering of the node at pos starts at offset.
type mark struct {
	offset int
	pos    Pos
}

// RenderMapped is Render, keeping the positions of the nodes rendered.
func RenderMapped(stmt Statement, opts RenderOptions) (*Rendered, error) {
	if isNil(stmt) {
		return nil, errors.New("lang: Render of a nil statement")
	}
	p := printer{render: true, opts: opts}
	p.node(stmt)
	if p.err != nil {
		return nil, p.err
	}
	return &Rendered{SQL: p.b.String(), Params: p.params, marks: p.marks}, nil
}

// Pos returns the position in the query of the innermost node whose
// rendering starts at or before byte offset of SQL (the last to start);
// false when offset is outside SQL or no node with a position starts
// before it.
func (r *Rendered) Pos(offset int) (Pos, bool) {
	if r == nil || offset < 0 || offset > len(r.SQL) {
		return Pos{}, false
	}
	var found *mark
	for i := range r.marks {
		if r.marks[i].offset > offset {
			break
		}
		found = &r.marks[i]
	}
	if found == nil {
		return Pos{}, false
	}
	return found.pos, true
}

func (p *printer) kafkaSource(k *KafkaSource) {
	var text string
	if p.opts.Source != nil {
		text = p.opts.Source(k)
	}
	if text == "" {
		if p.err == nil {
			p.err = Errorf(k.Pos, "cannot render: no replacement for %s", format(k))
		}
		text = "kafka"
	}
	p.w(text)
}

// textTypes are the names of DuckDB's VARCHAR (duckdb_types()), and the
// SQL standard's spellings kq's grammar reads.
var textTypes = map[string]bool{
	"VARCHAR": true, "STRING": true, "TEXT": true, "CHAR": true, "BPCHAR": true,
	"NVARCHAR": true, "CHARACTER": true, "CHARACTER VARYING": true,
}

// IsTextType reports whether t names a text type: VARCHAR and its
// spellings (STRING, TEXT, CHAR, BPCHAR, NVARCHAR, CHARACTER [VARYING]),
// with or without a length; VARCHAR[] is a list. A cast of a BLOB to a
// text type gives its bytes as UTF-8 text (see RenderOptions.Text).
func IsTextType(t *Type) bool {
	return t != nil && t.Lists == 0 && textTypes[strings.ToUpper(t.Name)]
}

// textCast renders a cast of c.X to a text type so that a BLOB becomes its
// bytes as UTF-8 text (see RenderOptions.Text): the type of X decides,
// when DuckDB binds the statement, which branch runs.
//
//	CASE WHEN typeof(X) = 'BLOB'
//	     THEN coalesce(try(decode(TRY_CAST(X AS BLOB))), text(TRY_CAST(X AS BLOB)))
//	     ELSE CAST(X AS type) END
//
// decode fails on invalid UTF-8, which try turns into NULL, and only
// then is the engine's replacing function called; a NULL X is NULL either
// way. TRY_CAST keeps the branch that does not run bindable for operands
// of any type.
func (p *printer) textCast(c *Cast) {
	if !plainIdent.MatchString(p.opts.Text) {
		p.invalid(c, "text function name %q", p.opts.Text)
	}
	asBlob := func() {
		p.w("TRY_CAST(")
		p.expr(c.X, 0)
		p.w(" AS BLOB)")
	}
	p.w("CASE WHEN typeof(")
	p.expr(c.X, 0)
	p.w(") = 'BLOB' THEN coalesce(try(decode(")
	asBlob()
	p.w(")), ", p.opts.Text, "(")
	asBlob()
	p.w(")) ELSE ")
	if c.Try {
		p.w("TRY_CAST(")
	} else {
		p.w("CAST(")
	}
	p.expr(c.X, 0)
	p.w(" AS ")
	p.typ(c.Type)
	p.w(") END")
}

// starExclude returns the qualified columns a star item of s leaves out
// (RenderOptions.Hidden): those of the kafka() sources of s's FROM that
// the star reaches.
func (p *printer) starExclude(s *Select, it *SelectItem) [][]string {
	if !p.render || p.opts.Hidden == nil || s == nil {
		return nil
	}
	var out [][]string
	var walk func(t TableExpr)
	walk = func(t TableExpr) {
		switch t := t.(type) {
		case *Join:
			walk(t.Left)
			walk(t.Right)
		case *KafkaSource:
			name, cols := p.opts.Hidden(t)
			if it.Table != "" && !strings.EqualFold(it.Table, name) {
				return
			}
			for _, c := range cols {
				out = append(out, []string{name, c})
			}
		}
	}
	for _, f := range s.From {
		walk(f)
	}
	return out
}
