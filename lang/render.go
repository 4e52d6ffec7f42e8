package lang

import "errors"

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
// the executor answers them itself.
func Render(stmt Statement, opts RenderOptions) (string, error) {
	if isNil(stmt) {
		return "", errors.New("lang: Render of a nil statement")
	}
	p := printer{render: true, opts: opts}
	p.node(stmt)
	if p.err != nil {
		return "", p.err
	}
	return p.b.String(), nil
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
