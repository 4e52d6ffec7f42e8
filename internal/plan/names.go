package plan

import (
	"fmt"
	"strings"

	"github.com/kq-sql/kq/lang"
)

// SourceFields are the decoded fields a scan's source offers, by part:
// every field, not only those the query uses. A part that is not decoded
// has nil; a decoded part without a field (a sample without one) has an
// empty slice.
type SourceFields struct {
	Value, Key []Field
}

// CheckNames checks every column reference of stmt (a query, or COPY,
// CREATE TABLE AS or INSERT of one) against what is in scope where it
// stands, before the SQL engine sees the statement: the columns of its
// kafka() sources (the metadata columns and the fields fields says each
// scan of q offers), of CTEs and FROM subqueries made of such sources,
// the select list's aliases, and the enclosing SELECTs' columns
// (correlated subqueries). A name that can be none of them is an error
// at its position with a suggestion from the names in scope, or, when a
// source's values are not decoded, a hint to decode them. Names that may
// belong to a relation whose columns kq does not know (a table, a file)
// are left to the engine, as are ORDER BY names of set operations.
func CheckNames(stmt lang.Statement, q *Query, fields func(*Scan) SourceFields) error {
	c := &nameChecker{q: q, fields: fields}
	var query lang.Query
	switch s := stmt.(type) {
	case lang.Query:
		query = s
	case *lang.Copy:
		query = s.Query
	case *lang.CreateTable:
		query = s.Query
	case *lang.Insert:
		query = s.Query
	default:
		return nil
	}
	_, _, err := c.query(query, nil, nil)
	return err
}

// nameChecker walks a statement's SELECTs with their scopes.
type nameChecker struct {
	q      *Query
	fields func(*Scan) SourceFields
}

// relation is a FROM item as names see it.
type relation struct {
	name  string   // its qualifier; "" when it has none
	cols  []string // its columns, when known
	known bool     // cols is every column it has
	// A kafka() source: its scan and fields.
	scan   *Scan
	src    *lang.KafkaSource
	fields SourceFields
}

// what names the relation in a message.
func (r *relation) what() string {
	if r.src != nil {
		s := "kafka(" + lang.QuoteString(strings.Join(r.scan.Topics, ",")) + ")"
		if r.src.Alias != "" {
			s += " AS " + lang.QuoteIdent(r.src.Alias)
		}
		return s
	}
	if r.name != "" {
		return lang.QuoteIdent(r.name)
	}
	return "the subquery"
}

// has reports whether the relation has column col.
func (r *relation) has(col string) bool {
	for _, c := range r.cols {
		if strings.EqualFold(c, col) {
			return true
		}
	}
	return false
}

// scope is one SELECT's names: its FROM relations and output aliases,
// inside the SELECT that encloses it (nil at the top).
type scope struct {
	parent  *scope
	rels    []*relation
	aliases []string
	params  []string // the parameters of a lambda (x -> x.n): x, x.n
}

// closed reports whether every relation of the scope has known columns.
func (s *scope) closed() bool {
	for _, r := range s.rels {
		if !r.known {
			return false
		}
	}
	return true
}

// ctes are the CTEs in scope by lower-cased name, innermost last.
type ctes map[string]*relation

func (c ctes) with(name string, r *relation) ctes {
	out := make(ctes, len(c)+1)
	for k, v := range c {
		out[k] = v
	}
	out[strings.ToLower(name)] = r
	return out
}

// query checks q and returns its output columns (known reports whether
// they are all known).
func (c *nameChecker) query(q lang.Query, parent *scope, env ctes) (cols []string, known bool, err error) {
	switch q := q.(type) {
	case *lang.Select:
		if env, err = c.with(q.With, parent, env); err != nil {
			return nil, false, err
		}
		return c.selectQuery(q, parent, env)
	case *lang.SetOp:
		if env, err = c.with(q.With, parent, env); err != nil {
			return nil, false, err
		}
		cols, known, err := c.query(q.Left, parent, env)
		if err != nil {
			return nil, false, err
		}
		if _, _, err := c.query(q.Right, parent, env); err != nil {
			return nil, false, err
		}
		return cols, known, nil
	}
	return nil, false, nil
}

// with checks the CTEs of w and returns env with them in scope.
func (c *nameChecker) with(w *lang.With, parent *scope, env ctes) (ctes, error) {
	if w == nil {
		return env, nil
	}
	for _, cte := range w.CTEs {
		inner := env
		if w.Recursive {
			inner = env.with(cte.Name, &relation{name: cte.Name}) // itself, columns unknown
		}
		cols, known, err := c.query(cte.Query, parent, inner)
		if err != nil {
			return nil, err
		}
		if len(cte.Columns) > 0 {
			cols, known = cte.Columns, true
		}
		env = env.with(cte.Name, &relation{name: cte.Name, cols: cols, known: known && !w.Recursive})
	}
	return env, nil
}

func (c *nameChecker) selectQuery(sel *lang.Select, parent *scope, env ctes) ([]string, bool, error) {
	sc := &scope{parent: parent}
	for _, f := range sel.From {
		if err := c.from(f, sc, env); err != nil {
			return nil, false, err
		}
	}
	for _, it := range sel.Items {
		if it != nil && it.Alias != "" {
			sc.aliases = append(sc.aliases, it.Alias)
		}
	}
	var exprs []lang.Node
	for _, it := range sel.Items {
		if it == nil {
			continue
		}
		if it.Star && it.Table != "" && sc.lookupRelation(it.Table) == nil && sc.allClosed() {
			return nil, false, c.unknownRelation(it.Pos, it.Table, sc)
		}
		if it.Expr != nil {
			exprs = append(exprs, it.Expr)
		}
	}
	if sel.Where != nil {
		exprs = append(exprs, sel.Where)
	}
	for _, g := range sel.GroupBy {
		exprs = append(exprs, g)
	}
	if sel.Having != nil {
		exprs = append(exprs, sel.Having)
	}
	if sel.Qualify != nil {
		exprs = append(exprs, sel.Qualify)
	}
	for _, o := range sel.OrderBy {
		if o != nil {
			exprs = append(exprs, o.Expr)
		}
	}
	for _, e := range exprs {
		if err := c.exprs(e, sc, env); err != nil {
			return nil, false, err
		}
	}
	cols, known := outputColumns(sel, sc)
	return cols, known, nil
}

// outputColumns returns the names of sel's result columns, as kq names
// them (lang.ItemName), with * expanded over the relations of sc.
func outputColumns(sel *lang.Select, sc *scope) ([]string, bool) {
	var cols []string
	for _, it := range sel.Items {
		switch {
		case it == nil:
		case it.Star:
			for _, r := range sc.rels {
				if it.Table != "" && !strings.EqualFold(it.Table, r.name) {
					continue
				}
				if !r.known {
					return nil, false
				}
				for _, col := range r.cols {
					if r.scan == nil || !r.scan.HiddenFromStar(col) {
						cols = append(cols, col)
					}
				}
			}
		case it.Alias != "":
			cols = append(cols, it.Alias)
		case it.Expr != nil:
			cols = append(cols, lang.ItemName(it.Expr))
		}
	}
	return cols, true
}

// from adds the relations of FROM item t to sc, checking the subqueries
// and join conditions in it.
func (c *nameChecker) from(t lang.TableExpr, sc *scope, env ctes) error {
	switch t := t.(type) {
	case *lang.KafkaSource:
		sc.rels = append(sc.rels, c.kafka(t))
	case *lang.Table:
		r := &relation{name: t.Name[len(t.Name)-1]}
		if t.Alias != "" {
			r.name = t.Alias
		}
		if cte, ok := env[strings.ToLower(t.Name[0])]; ok && len(t.Name) == 1 {
			r.cols, r.known = cte.cols, cte.known
		}
		sc.rels = append(sc.rels, r)
	case *lang.SubquerySource:
		// The subquery sees the relations before it (DuckDB's implicit
		// LATERAL) and the enclosing SELECTs.
		cols, known, err := c.query(t.Query, sc, env)
		if err != nil {
			return err
		}
		sc.rels = append(sc.rels, &relation{name: t.Alias, cols: cols, known: known})
	case *lang.Join:
		if err := c.from(t.Left, sc, env); err != nil {
			return err
		}
		if err := c.from(t.Right, sc, env); err != nil {
			return err
		}
		if t.On != nil {
			return c.exprs(t.On, sc, env)
		}
	case *lang.TableFunc:
		sc.rels = append(sc.rels, &relation{name: t.Alias})
	case *lang.FileTable:
		sc.rels = append(sc.rels, &relation{name: t.Alias})
	default:
		// A FROM item kq does not know the columns of.
		sc.rels = append(sc.rels, &relation{})
	}
	return nil
}

// kafka returns the relation of a kafka() source: the metadata columns
// and the top-level columns of the decoded fields (FieldColumn).
func (c *nameChecker) kafka(src *lang.KafkaSource) *relation {
	s := c.q.ScanOf(src)
	if s == nil {
		return &relation{name: src.Alias}
	}
	r := &relation{name: s.Name(), scan: s, src: src, known: true, fields: c.fields(s)}
	r.cols = SourceColumns(s.Options.IncludeHeaders)
	seen := map[string]bool{}
	for _, col := range r.cols {
		seen[strings.ToLower(col)] = true
	}
	for _, part := range []struct {
		part   Part
		fields []Field
	}{{PartValue, r.fields.Value}, {PartKey, r.fields.Key}} {
		for _, f := range part.fields {
			name := FieldColumn(part.part, f.Name, r.fields.Value)
			if name != "" && !seen[strings.ToLower(name)] {
				seen[strings.ToLower(name)] = true
				r.cols = append(r.cols, name)
			}
		}
	}
	return r
}

// exprs checks the column references of e in sc; subqueries get scopes
// of their own inside sc.
func (c *nameChecker) exprs(e lang.Node, sc *scope, env ctes) error {
	var err error
	lang.Inspect(e, func(n lang.Node) bool {
		if err != nil {
			return false
		}
		switch n := n.(type) {
		case *lang.Ident:
			err = c.ident(n, sc)
		case *lang.Call:
			if !hasLambda(n) {
				return true
			}
			for _, arg := range lang.Children(n) {
				if param, body, ok := lambda(arg); ok {
					err = c.exprs(body, &scope{parent: sc, params: []string{param}}, env)
				} else {
					err = c.exprs(arg, sc, env)
				}
				if err != nil {
					break
				}
			}
			return false
		case *lang.Subquery:
			_, _, err = c.query(n.Query, sc, env)
			return false
		case *lang.Exists:
			_, _, err = c.query(n.Query, sc, env)
			return false
		case *lang.In:
			if n.Query != nil {
				if err = c.exprs(n.X, sc, env); err == nil {
					_, _, err = c.query(n.Query, sc, env)
				}
				return false
			}
		}
		return true
	})
	return err
}

// lambda reports whether arg, an argument of a call, is a lambda of
// DuckDB's list functions, x -> body (list_transform(items, x -> x.n)),
// which the grammar reads as the JSON operator ->: a bare name on the
// left. A JSON extraction such as that is seen as a lambda too, and its
// left operand goes unchecked.
func lambda(arg lang.Node) (param string, body lang.Expr, ok bool) {
	b, isBinary := arg.(*lang.Binary)
	if !isBinary || b.Op != "->" {
		return "", nil, false
	}
	id, isIdent := b.Left.(*lang.Ident)
	if !isIdent || len(id.Parts) != 1 {
		return "", nil, false
	}
	return id.Parts[0], b.Right, true
}

func hasLambda(c *lang.Call) bool {
	for _, a := range c.Args {
		if _, _, ok := lambda(a); ok {
			return true
		}
	}
	return false
}

// specialNames are words DuckDB reads as values, not columns, without
// parentheses.
var specialNames = map[string]bool{
	"CURRENT_DATE": true, "CURRENT_TIME": true, "CURRENT_TIMESTAMP": true, "LOCALTIME": true, "LOCALTIMESTAMP": true,
	"CURRENT_USER": true, "SESSION_USER": true, "USER": true, "CURRENT_ROLE": true, "CURRENT_SCHEMA": true, "CURRENT_CATALOG": true,
	"ALL": true,
}

// ident checks one column reference.
func (c *nameChecker) ident(id *lang.Ident, sc *scope) error {
	parts := id.Parts
	if len(parts) == 0 {
		return nil
	}
	// relation.column[.field...], looked up from the innermost SELECT out.
	if len(parts) >= 2 {
		if r := sc.lookupRelation(parts[0]); r != nil {
			return c.column(id, r, parts[1:], true)
		}
	}
	// column[.field...]
	for s := sc; s != nil; s = s.parent {
		for _, p := range s.params {
			if strings.EqualFold(p, parts[0]) {
				return nil
			}
		}
		for _, r := range s.rels {
			if r.has(parts[0]) {
				return c.column(id, r, parts, false)
			}
		}
		if len(parts) == 1 {
			for _, a := range s.aliases {
				if strings.EqualFold(a, parts[0]) {
					return nil
				}
			}
		}
		if !s.closed() {
			return nil // a relation kq does not know may have it
		}
	}
	if len(parts) == 1 && specialNames[strings.ToUpper(parts[0])] {
		return nil
	}
	if len(parts) >= 2 {
		return c.unknownRelation(id.Pos, parts[0], sc)
	}
	return c.unknownColumn(id, parts[0], sc)
}

// column checks path (column[.field...]) against relation r; qualified
// says the reference named r.
func (c *nameChecker) column(id *lang.Ident, r *relation, path []string, qualified bool) error {
	if !r.known {
		return nil
	}
	if !r.has(path[0]) {
		if !qualified {
			return nil // found by has before: unreachable
		}
		msg := fmt.Sprintf("column %q not found in %s", path[0], r.what())
		return lang.Errorf(id.Pos, "%s%s", msg, c.hint(path[0], r.cols, []*relation{r}))
	}
	if r.scan == nil || len(path) < 2 {
		return nil
	}
	var part Part
	var fields []Field
	switch {
	case strings.EqualFold(path[0], ColValue):
		part, fields = PartValue, r.fields.Value
	case strings.EqualFold(path[0], ColKey):
		part, fields = PartKey, r.fields.Key
	default:
		return nil // a field of a decoded STRUCT, headers, ...: the engine checks
	}
	option := "valueFormat"
	if part == PartKey {
		option = "keyFormat"
	}
	if fields == nil {
		return lang.Errorf(id.Pos, "%s.%s: the %s of %s is not decoded (%s); with %s='json' (or avro, protobuf, jsonschema) its fields become columns", path[0], path[1], part, r.what(), undecoded(r.scan, part), option)
	}
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
		if strings.EqualFold(f.Name, path[1]) {
			return nil
		}
	}
	msg := fmt.Sprintf("field %q not found in the %s of %s", path[1], part, r.what())
	if s := lang.Closest(path[1], names); s != "" {
		return lang.Errorf(id.Pos, "%s (did you mean %s.%s?)", msg, path[0], lang.QuoteIdent(s))
	}
	if len(fields) == 0 {
		return lang.Errorf(id.Pos, "%s: the %ss sampled have no fields (give %s)", msg, part, schemaOption(part))
	}
	return lang.Errorf(id.Pos, "%s, whose fields are %s", msg, quoteList(names))
}

// unknownColumn is the error about a name no relation in scope has.
func (c *nameChecker) unknownColumn(id *lang.Ident, name string, sc *scope) error {
	var candidates []string
	var rels []*relation
	for s := sc; s != nil; s = s.parent {
		for _, r := range s.rels {
			candidates = append(candidates, r.cols...)
			rels = append(rels, r)
		}
		candidates = append(candidates, s.aliases...)
	}
	msg := fmt.Sprintf("column %q not found", name)
	if len(rels) == 0 {
		msg += " (the query reads no source)"
	}
	return lang.Errorf(id.Pos, "%s%s", msg, c.hint(name, candidates, rels))
}

// hint is the end of an unknown-column message: the closest candidate,
// or why the sources in rels have no such column.
func (c *nameChecker) hint(name string, candidates []string, rels []*relation) string {
	if s := lang.Closest(name, candidates); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	for _, r := range rels {
		if r.scan == nil {
			continue
		}
		switch {
		case r.fields.Value == nil:
			return fmt.Sprintf("; %s reads its values undecoded (%s): with valueFormat='json' (or avro, protobuf, jsonschema) their fields become columns", r.what(), undecoded(r.scan, PartValue))
		case len(r.fields.Value) == 0:
			return fmt.Sprintf("; the values sampled from %s have no fields (give %s)", r.what(), schemaOption(PartValue))
		}
	}
	return ""
}

// unknownRelation is the error about qualifier q that names no relation.
func (c *nameChecker) unknownRelation(pos lang.Pos, q string, sc *scope) error {
	var names []string
	for s := sc; s != nil; s = s.parent {
		for _, r := range s.rels {
			if r.name != "" {
				names = append(names, r.name)
			}
		}
	}
	msg := fmt.Sprintf("%q is not a source of this query", q)
	if s := lang.Closest(q, names); s != "" {
		return lang.Errorf(pos, "%s (did you mean %q?)", msg, s)
	}
	if len(names) > 0 {
		return lang.Errorf(pos, "%s, whose sources are %s", msg, quoteList(names))
	}
	return lang.Errorf(pos, "%s", msg)
}

// lookupRelation returns the relation named q in sc or an enclosing
// scope, innermost first; nil when there is none.
func (sc *scope) lookupRelation(q string) *relation {
	for s := sc; s != nil; s = s.parent {
		for _, r := range s.rels {
			if r.name != "" && strings.EqualFold(r.name, q) {
				return r
			}
		}
	}
	return nil
}

// allClosed reports whether sc and the scopes around it have only
// relations of known columns.
func (sc *scope) allClosed() bool {
	for s := sc; s != nil; s = s.parent {
		if !s.closed() {
			return false
		}
	}
	return true
}

func schemaOption(part Part) string {
	if part == PartKey {
		return "keySchema"
	}
	return "valueSchema"
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = lang.QuoteIdent(n)
	}
	return strings.Join(q, ", ")
}

// undecoded says what an undecoded part of s is.
func undecoded(s *Scan, part Part) string {
	format := s.Options.ValueFormat
	if part == PartKey {
		format = s.Options.KeyFormat
	}
	if format == FormatString {
		return fmt.Sprintf("%s is a VARCHAR", part)
	}
	return fmt.Sprintf("%s is a BLOB", part)
}
