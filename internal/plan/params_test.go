package plan

import (
	"context"
	"strings"
	"testing"

	"github.com/kq-sql/kq/lang"
)

// TestPushdownOfParameters: a bound parameter pushes down as the literal
// it stands for does — topic names, option values and comparisons on
// partition, offset and timestamp give the same scan and tasks as the
// query written with literals — and an unbound one pushes nothing.
func TestPushdownOfParameters(t *testing.T) {
	cases := []struct {
		params, literals string
		values           []*lang.Literal
	}{
		{
			"SELECT key, value FROM kafka(?) WHERE partition = ? AND offset >= ?",
			"SELECT key, value FROM kafka('orders') WHERE partition = 1 AND offset >= 50000",
			[]*lang.Literal{{Kind: lang.LitString, Value: "orders"}, {Kind: lang.LitInt, Value: "1"}, {Kind: lang.LitInt, Value: "50000"}},
		},
		{
			"SELECT offset FROM kafka('orders') WHERE partition IN ($1, $2) AND offset BETWEEN $3 AND $4",
			"SELECT offset FROM kafka('orders') WHERE partition IN (0, 2) AND offset BETWEEN 2000 AND 20000",
			[]*lang.Literal{{Kind: lang.LitInt, Value: "0"}, {Kind: lang.LitInt, Value: "2"}, {Kind: lang.LitInt, Value: "2000"}, {Kind: lang.LitInt, Value: "20000"}},
		},
		{
			"SELECT offset, timestamp FROM kafka('events') WHERE timestamp >= ? AND timestamp < ?",
			"SELECT offset, timestamp FROM kafka('events') WHERE timestamp >= TIMESTAMP '1970-01-01 00:00:06' AND timestamp < TIMESTAMP '1970-01-01 00:00:09'",
			[]*lang.Literal{{Kind: lang.LitTimestamp, Value: "1970-01-01 00:00:06"}, {Kind: lang.LitTimestamp, Value: "1970-01-01 00:00:09"}},
		},
		{
			"SELECT key FROM kafka('orders') WITH (minPartitions = ?, splitStrategy = ?) WHERE partition = 0",
			"SELECT key FROM kafka('orders') WITH (minPartitions = 4, splitStrategy = 'spark') WHERE partition = 0",
			[]*lang.Literal{{Kind: lang.LitInt, Value: "4"}, {Kind: lang.LitString, Value: "spark"}},
		},
	}
	for _, c := range cases {
		stmt, err := lang.Parse(c.params)
		if err != nil {
			t.Fatal(err)
		}
		bound, err := lang.Bind(stmt, c.values)
		if err != nil {
			t.Fatal(err)
		}
		got := scanAndTasks(t, bound)
		want := scanAndTasks(t, mustParseStmt(t, c.literals))
		if got != want {
			t.Errorf("%s:\n--- with parameters\n%s--- with literals\n%s", c.params, got, want)
		}
		if !strings.Contains(got, "tasks=") {
			t.Errorf("%s: no scan in\n%s", c.params, got)
		}
	}
	// Unbound, the parameters are no constants: nothing is pushed.
	stmt := mustParseStmt(t, "SELECT key FROM kafka('orders') WHERE partition = ? AND offset >= ?")
	q, err := Plan(context.Background(), stmt, testLister, WithWorkers(3))
	if err != nil {
		t.Fatal(err)
	}
	if text := q.ExplainText(); strings.Contains(text, "partitions=[") || strings.Contains(text, "offsets=[") {
		t.Errorf("an unbound parameter was pushed:\n%s", text)
	}
}

// scanAndTasks plans stmt and returns EXPLAIN's scan lines and task list
// (the pushed predicates are printed as written, so they differ).
func scanAndTasks(t *testing.T, stmt lang.Statement) string {
	t.Helper()
	q, err := Plan(context.Background(), stmt, testLister, WithWorkers(3))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	inTasks := false
	for _, line := range strings.SplitAfter(q.ExplainText(), "\n") {
		if strings.HasPrefix(line, "tasks") {
			inTasks = true
		}
		if inTasks || strings.Contains(line, "Scan kafka(") {
			out.WriteString(line)
		}
	}
	return out.String()
}

func mustParseStmt(t *testing.T, sql string) lang.Statement {
	t.Helper()
	s, err := lang.Parse(sql)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
