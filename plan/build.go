package plan

import (
	"strings"

	"github.com/kq-sql/kq/lang"
)

// Build turns a parsed SELECT into a logical plan: Scan at the leaf, then
// Project or Aggregate, then Limit. Column references are checked against
// the source's schema. Errors are *lang.Error values pointing into the query.
func Build(sel *lang.Select) (Node, error) {
	src, err := singleKafkaSource(sel)
	if err != nil {
		return nil, err
	}
	opts, err := ParseOptions(src.Options)
	if err != nil {
		return nil, err
	}
	topics, err := splitTopics(src)
	if err != nil {
		return nil, err
	}
	columns := SourceColumns(opts.IncludeHeaders)
	scan := &Scan{Pos: src.Pos, Topics: topics, Options: opts, Columns: columns, Limit: -1}
	if sel.Where != nil {
		return nil, lang.Errorf(sel.Where.Position(), "WHERE is not supported yet")
	}
	if sel.Distinct {
		return nil, lang.Errorf(sel.Pos, "SELECT DISTINCT is not supported yet")
	}

	var items []Item
	aggregates := 0
	for _, it := range sel.Items {
		if it.Star {
			for _, c := range columns {
				items = append(items, Item{Expr: &lang.Ident{Pos: it.Pos, Parts: []string{c}}, Name: c})
			}
			continue
		}
		if it.Table != "" {
			return nil, lang.Errorf(it.Pos, "%s.* is not supported yet", lang.QuoteIdent(it.Table))
		}
		if err := checkExpr(it.Expr, columns, src.Alias); err != nil {
			return nil, err
		}
		if isAggregate(it.Expr) {
			aggregates++
		}
		name := it.Alias
		if name == "" {
			name = defaultName(it.Expr)
		}
		items = append(items, Item{Expr: it.Expr, Name: name})
	}

	var root Node = scan
	switch {
	case aggregates == 0:
		root = &Project{Input: root, Items: items}
	case aggregates == len(items):
		root = &Aggregate{Input: root, Items: items}
	default:
		return nil, lang.Errorf(sel.Pos, "mixing aggregates and plain columns needs GROUP BY, which is not supported yet")
	}
	if sel.Limit != nil {
		root = &Limit{Input: root, N: *sel.Limit}
	}
	return root, nil
}

// singleKafkaSource returns the one kafka() source of a SELECT, or a
// positioned error for the forms the planner cannot run yet.
func singleKafkaSource(sel *lang.Select) (*lang.KafkaSource, error) {
	switch {
	case sel.With != nil:
		return nil, lang.Errorf(sel.With.Pos, "WITH is not supported yet")
	case len(sel.From) == 0:
		return nil, lang.Errorf(sel.Pos, "SELECT without FROM kafka(...) is not supported yet")
	case len(sel.From) > 1:
		return nil, lang.Errorf(sel.From[1].Position(), "several FROM sources are not supported yet")
	case len(sel.GroupBy) > 0:
		return nil, lang.Errorf(sel.GroupBy[0].Position(), "GROUP BY is not supported yet")
	case sel.Having != nil:
		return nil, lang.Errorf(sel.Having.Position(), "HAVING is not supported yet")
	case len(sel.OrderBy) > 0:
		return nil, lang.Errorf(sel.OrderBy[0].Pos, "ORDER BY is not supported yet")
	case sel.Offset != nil:
		return nil, lang.Errorf(sel.Pos, "OFFSET is not supported yet")
	}
	src, ok := sel.From[0].(*lang.KafkaSource)
	if !ok {
		return nil, lang.Errorf(sel.From[0].Position(), "FROM %s is not supported yet (only kafka(...))", sel.From[0])
	}
	return src, nil
}

// splitTopics flattens kafka('a', 'b,c') into [a b c], checking for empty
// and repeated names.
func splitTopics(src *lang.KafkaSource) ([]string, error) {
	var topics []string
	seen := map[string]bool{}
	for _, t := range src.Topics {
		for _, name := range strings.Split(t, ",") {
			name = strings.TrimSpace(name)
			if name == "" {
				return nil, lang.Errorf(src.Pos, "kafka(): empty topic name in %s", lang.QuoteString(t))
			}
			if seen[name] {
				return nil, lang.Errorf(src.Pos, "kafka(): topic %q is named twice", name)
			}
			seen[name] = true
			topics = append(topics, name)
		}
	}
	return topics, nil
}

func isAggregate(e lang.Expr) bool {
	c, ok := e.(*lang.Call)
	return ok && strings.EqualFold(c.Name, "count")
}

func defaultName(e lang.Expr) string {
	if id, ok := e.(*lang.Ident); ok {
		return id.Name()
	}
	return e.String()
}

// checkExpr checks that e only uses what the plan can run today: columns of
// the source and COUNT(*).
func checkExpr(e lang.Expr, columns []string, alias string) error {
	switch e := e.(type) {
	case *lang.Ident:
		parts := e.Parts
		if len(parts) == 2 && alias != "" && parts[0] == alias {
			parts = parts[1:]
		}
		if len(parts) == 1 {
			for _, c := range columns {
				if strings.EqualFold(c, parts[0]) {
					return nil
				}
			}
		}
		return lang.Errorf(e.Pos, "unknown column %s (columns: %s)", e, strings.Join(columns, ", "))
	case *lang.Call:
		if strings.EqualFold(e.Name, "count") && e.Star {
			return nil
		}
		return lang.Errorf(e.Pos, "function %s is not supported yet", e)
	default:
		return lang.Errorf(e.Position(), "expression %s is not supported yet", e)
	}
}

// ColumnOf returns the source column an expression names, or "" when it is
// not a plain column reference.
func ColumnOf(e lang.Expr) string {
	id, ok := e.(*lang.Ident)
	if !ok {
		return ""
	}
	for _, c := range SourceColumns(true) {
		if strings.EqualFold(c, id.Name()) {
			return c
		}
	}
	return ""
}
