package lang

import (
	"math/rand"
	"strings"
	"testing"
)

// gen writes random query text from a small grammar of kq's language,
// with awkward names and nesting, to drive the round-trip property far
// beyond the hand-written cases. Not every output is valid; what parses
// must round-trip.
type gen struct {
	r     *rand.Rand
	depth int
}

func (g *gen) pick(xs ...string) string { return xs[g.r.Intn(len(xs))] }

func (g *gen) name() string {
	return g.pick("a", "b", "key", "value", "offset", "partition", "timestamp", "topic", `"x y"`, `"select"`,
		`"A""b"`, `"left"`, "kafka", "interval", "t1", `""`, `"group"`, "first", "filter", "rows", `"over"`)
}

func (g *gen) qname() string {
	n := g.name()
	for g.r.Intn(4) == 0 {
		n += "." + g.pick("a", "order", "group", `"q"`, "value", "x$y")
	}
	return n
}

func (g *gen) typ() string {
	t := g.pick("INT", "varchar", "DECIMAL(10,2)", "double precision", "timestamp with time zone", "JSON", "BIGINT", "interval")
	for g.r.Intn(4) == 0 {
		t += "[]"
	}
	return t
}

func (g *gen) expr() string {
	g.depth++
	defer func() { g.depth-- }()
	if g.depth > 5 || g.r.Intn(3) == 0 {
		return g.pick("1", "2.5", ".5", "1e3", "'s'", "'it''s'", "TRUE", "NULL", "TIMESTAMP '2024-01-01'",
			"INTERVAL '1' DAY", "INTERVAL 2 hours", "DATE 'x'", g.qname(), g.qname(), "count(*)")
	}
	switch g.r.Intn(22) {
	case 0:
		return g.expr() + " " + g.pick("+", "-", "*", "/", "%", "||", "->", "->>", "=", "<>", "!=", "<", "<=", ">", ">=", "AND", "OR", "LIKE", "NOT ILIKE") + " " + g.expr()
	case 1:
		return g.pick("-", "+", "NOT ", "- ", "NOT NOT ") + g.expr()
	case 2:
		return "(" + g.expr() + ")"
	case 3:
		return g.expr() + g.pick(" IS NULL", " IS NOT NULL")
	case 4:
		return g.expr() + g.pick(" IN (", " NOT IN (") + g.expr() + ", " + g.expr() + ")"
	case 5:
		return g.expr() + g.pick(" BETWEEN ", " NOT BETWEEN ") + g.expr() + " AND " + g.expr()
	case 6:
		s := "CASE "
		if g.r.Intn(2) == 0 {
			s += g.expr() + " "
		}
		s += "WHEN " + g.expr() + " THEN " + g.expr()
		if g.r.Intn(2) == 0 {
			s += " ELSE " + g.expr()
		}
		return s + " END"
	case 7:
		return g.pick("CAST(", "TRY_CAST(") + g.expr() + " AS " + g.typ() + ")"
	case 8:
		return g.expr() + "::" + g.typ()
	case 9:
		return g.expr() + "[" + g.expr() + "]"
	case 10:
		return g.pick("f", "left", "\"kafka\"", "sum", "\"try_cast\"", "timestamp", "interval", "coalesce") + "(" + g.pick("", "DISTINCT ") + g.expr() + ")"
	case 11:
		return "count(*) FILTER (WHERE " + g.expr() + ")"
	case 12:
		return "row_number() OVER (" + g.pick("", "PARTITION BY "+g.expr()+" ") + g.pick("", "ORDER BY "+g.expr()+" DESC NULLS FIRST ") +
			g.pick("", "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW", "RANGE "+g.expr()+" PRECEDING") + ")"
	case 13:
		return "(" + g.query() + ")"
	case 14:
		return g.pick("EXISTS (", "NOT EXISTS (") + g.query() + ")"
	case 15:
		return g.expr() + g.pick(" IN (", " NOT IN (") + g.query() + ")"
	case 17:
		return "[" + g.expr() + ", " + g.expr() + "]"
	case 18:
		return "{'k': " + g.expr() + ", " + g.name() + ": " + g.expr() + "}"
	case 19:
		return g.expr() + g.pick(" IS DISTINCT FROM ", " IS NOT DISTINCT FROM ") + g.expr()
	case 20:
		return "string_agg(" + g.expr() + ", ',' ORDER BY " + g.expr() + g.pick("", " DESC") + ")"
	case 16:
		return g.expr() + " " + g.pick("=", "+", "AND", "||") + " (" + g.expr() + " " + g.pick("OR", "-", "=", "->") + " " + g.expr() + ")"
	default:
		return g.qname()
	}
}

func (g *gen) table() string {
	g.depth++
	defer func() { g.depth-- }()
	alias := g.pick("", "", " AS "+g.name(), " t", " AS offset")
	if g.depth > 4 {
		return g.qname() + alias
	}
	switch g.r.Intn(9) {
	case 0:
		return "kafka('o'" + g.pick("", ", 'p'", ", 'a,b'") + ")" + g.pick("", " WITH (minPartitions = 8, kafka.group.id = g, \"x\" = -1, s = 'v')") + alias
	case 1:
		return "read_parquet('x.parquet'" + g.pick("", ", hive = TRUE") + ")" + alias
	case 2:
		return "'f.csv'" + alias
	case 3:
		return "(" + g.query() + ")" + alias
	case 4:
		return g.table() + g.pick(" JOIN ", " LEFT JOIN ", " FULL OUTER JOIN ", " INNER JOIN ") + g.table() + g.pick(" ON "+g.expr(), " USING (a, "+g.name()+")")
	case 5:
		return g.table() + " CROSS JOIN " + g.table()
	case 6:
		return "(" + g.table() + " JOIN " + g.table() + " ON " + g.expr() + ")"
	case 7:
		if g.r.Intn(2) == 0 {
			return "(" + g.values() + ")" + g.pick(" AS v", " AS v(a, "+g.name()+")", " w(x)")
		}
		return g.qname() + alias
	default:
		return g.qname() + alias
	}
}

// values is a VALUES list of one or two rows of two expressions.
func (g *gen) values() string {
	s := "VALUES (" + g.expr() + ", " + g.expr() + ")"
	if g.r.Intn(2) == 0 {
		s += ", (" + g.expr() + ", " + g.expr() + ")"
	}
	return s
}

// star is a select list star, possibly with EXCLUDE and REPLACE.
func (g *gen) star() string {
	s := g.pick("*", "t.*", g.name()+".*")
	if g.r.Intn(2) == 0 {
		s += g.pick(" EXCLUDE (a, "+g.name()+")", " EXCLUDE "+g.name(), " exclude (x)")
	}
	if g.r.Intn(3) == 0 {
		s += " REPLACE (" + g.expr() + " AS " + g.name() + g.pick("", ", "+g.expr()+" AS b") + ")"
	}
	return s
}

func (g *gen) query() string {
	g.depth++
	defer func() { g.depth-- }()
	var b strings.Builder
	if g.r.Intn(5) == 0 {
		b.WriteString("WITH " + g.name() + g.pick("", "(a, b)") + " AS (" + g.query() + ") ")
	}
	core := func() string {
		if g.r.Intn(8) == 0 {
			return g.values()
		}
		s := "SELECT " + g.pick("", "DISTINCT ") + g.pick("*", "t.*", g.star(), g.expr(), g.expr()+" AS "+g.name(), g.expr()+" x", g.expr()+", "+g.expr())
		if g.r.Intn(4) != 0 {
			s += " FROM " + g.table()
			if g.r.Intn(4) == 0 {
				s += ", " + g.table()
			}
		}
		if g.r.Intn(2) == 0 {
			s += " WHERE " + g.expr()
		}
		if g.r.Intn(4) == 0 {
			s += " GROUP BY " + g.pick(g.expr(), "ALL", "all") + g.pick("", " HAVING "+g.expr())
		}
		if g.r.Intn(6) == 0 {
			s += " QUALIFY " + g.expr()
		}
		return s
	}
	b.WriteString(core())
	for g.depth < 4 && g.r.Intn(4) == 0 {
		b.WriteString(g.pick(" UNION ", " UNION ALL ", " EXCEPT ", " INTERSECT ", " INTERSECT ALL "))
		if g.r.Intn(3) == 0 {
			b.WriteString("(" + g.query() + ")")
		} else {
			b.WriteString(core())
		}
	}
	if g.r.Intn(3) == 0 {
		b.WriteString(" ORDER BY " + g.expr() + g.pick("", " ASC", " DESC NULLS LAST"))
	}
	b.WriteString(g.pick("", " LIMIT 5", " LIMIT 5 OFFSET 2", " OFFSET 3"))
	return b.String()
}

func (g *gen) statement() string {
	switch g.r.Intn(10) {
	case 0:
		return "EXPLAIN " + g.query()
	case 1:
		return "COPY (" + g.query() + ") TO 'o.parquet' (FORMAT parquet, COMPRESSION 'zstd', PER_TASK TRUE, HEADER, N -1)"
	case 2:
		return "CREATE " + g.pick("", "OR REPLACE ") + "TABLE " + g.qname() + " AS " + g.query()
	case 3:
		return "INSERT INTO " + g.qname() + g.pick("", " (a, "+g.name()+")") + " " + g.query()
	case 4:
		return "DESCRIBE " + g.pick(g.table(), g.query())
	default:
		return g.query()
	}
}

func TestRoundTripGenerated(t *testing.T) {
	n := 1500
	if testing.Short() || raceEnabled {
		n = 100
	}
	g := &gen{r: rand.New(rand.NewSource(1))}
	parsed := 0
	for i := 0; i < n; i++ {
		q := g.statement()
		s, err := Parse(q)
		if err != nil {
			continue
		}
		parsed++
		out := s.String()
		s2, err := Parse(out)
		if err != nil {
			t.Fatalf("%s\nprinted as\n%s\nwhich does not parse: %v", q, out, err)
		}
		if !Equal(s, s2) {
			t.Fatalf("%s\nprinted as\n%s\nwhich parses to another tree:\n%s", q, out, s2)
		}
		if _, err := Render(s, RenderOptions{Source: func(*KafkaSource) string { return `"v"` }}); err != nil {
			t.Fatalf("Render(%s): %v", q, err)
		}
	}
	// The generator is meant to produce mostly valid text; if most of it
	// stops parsing, the property above is no longer being tested.
	t.Logf("%d of %d generated statements parsed and round-tripped", parsed, n)
	if parsed < n/3 {
		t.Errorf("only %d of %d generated statements parsed", parsed, n)
	}
}
