package lang

import (
	"errors"
	"strings"
	"testing"
)

func TestParamNumbers(t *testing.T) {
	cases := []struct {
		query string
		want  []int // Param of each parameter in order of appearance
		n     int
	}{
		{"SELECT ?, ? FROM kafka(?) WITH (valueFormat = ?)", []int{1, 2, 3, 4}, 4},
		{"SELECT $2, $1, $2", []int{2, 1, 2}, 2},
		{"SELECT $3", []int{3}, 3},
		{"SELECT 1", nil, 0},
		{"SELECT 'a ? $1' AS \"?\" -- ? $2\n", nil, 0},
		{"COPY (SELECT ? FROM kafka('o')) TO 'x.csv' (DELIMITER ?)", []int{1, 2}, 2},
	}
	for _, c := range cases {
		stmt, err := Parse(c.query)
		if err != nil {
			t.Fatalf("%s: %v", c.query, err)
		}
		ps := paramsOf(stmt)
		sortByOffset(ps)
		var got []int
		for _, p := range ps {
			got = append(got, p.Param)
		}
		if !equalInts(got, c.want) || NumParams(stmt) != c.n {
			t.Errorf("%s: params %v (%d), want %v (%d)", c.query, got, NumParams(stmt), c.want, c.n)
		}
	}
}

func TestParamErrors(t *testing.T) {
	cases := []struct{ query, want string }{
		{"SELECT ? + $1", "1:12: $1 after ?: a statement uses either ? or $n parameters, not both"},
		{"SELECT $1,\n  ?", "2:3: ? after $1: a statement uses either ? or $n parameters, not both"},
		{"SELECT $0", "1:8: parameter $0: parameters are numbered from $1"},
		{"SELECT $99999999999999999999", "1:8: parameter $99999999999999999999: numbers go up to $65535"},
		{"SELECT * FROM kafka(? || 'x')", "1:21: kafka() takes topic names as string literals or parameters"},
	}
	for _, c := range cases {
		_, err := Parse(c.query)
		var le *Error
		if !errors.As(err, &le) || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.query, err, c.want)
		}
	}
}

func TestBind(t *testing.T) {
	q := "SELECT * FROM kafka('a', ?) WITH (valueFormat = ?, startingTimestamp = ?) WHERE status = ? AND ts >= ?"
	stmt, err := Parse(q)
	if err != nil {
		t.Fatal(err)
	}
	before := stmt.String()
	vals := []*Literal{
		{Kind: LitString, Value: "orders"},
		{Kind: LitString, Value: "json"},
		{Kind: LitTimestamp, Value: "2026-01-02 03:04:05.5"},
		{Kind: LitString, Value: "'; DROP TABLE t; --"},
		{Kind: LitTimestamp, Value: "2026-01-02 00:00:00"},
	}
	bound, err := Bind(stmt, vals)
	if err != nil {
		t.Fatal(err)
	}
	if stmt.String() != before {
		t.Fatalf("Bind changed its input: %s", stmt)
	}
	k := bound.(*Select).From[0].(*KafkaSource)
	if strings.Join(k.Topics, ",") != "a,orders" || k.TopicParams != nil {
		t.Errorf("topics %q, params %v", k.Topics, k.TopicParams)
	}
	if v := k.Options[0].Value; v.Kind != LitString || v.Value != "json" {
		t.Errorf("valueFormat bound to %+v", v)
	}
	if v := k.Options[1].Value; v.Kind != LitString || v.Value != "2026-01-02T03:04:05.5Z" {
		t.Errorf("startingTimestamp bound to %+v", v)
	}
	// Parameters in expressions stay parameters, with their values beside.
	want := "SELECT * FROM kafka('a', 'orders') WITH (valueFormat = 'json', startingTimestamp = '2026-01-02T03:04:05.5Z') WHERE status = ? AND ts >= ?"
	if got := bound.String(); got != want {
		t.Errorf("bound prints\n%s\nwant\n%s", got, want)
	}
	var lits []*Literal
	for _, p := range paramsOf(bound) {
		lits = append(lits, p)
	}
	sortByOffset(lits)
	if len(lits) != 2 || lits[0].Bound == nil || lits[0].Bound.Value != "'; DROP TABLE t; --" || lits[0].Bound.Pos != lits[0].Pos {
		t.Fatalf("expression parameters %+v", lits)
	}
	// The value never reaches the rendered SQL.
	r, err := RenderMapped(bound, RenderOptions{Source: func(*KafkaSource) string { return `"v"` }})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.SQL, "DROP") || !strings.Contains(r.SQL, `"status" = $1`) || !equalInts(r.Params, []int{4, 5}) {
		t.Errorf("rendered %s with params %v", r.SQL, r.Params)
	}
}

func TestBindErrors(t *testing.T) {
	str := &Literal{Kind: LitString, Value: "x"}
	cases := []struct {
		query string
		vals  []*Literal
		want  string
	}{
		{"SELECT ?, ?", []*Literal{str}, "1:11: query has 2 parameters, got 1"},
		{"SELECT ?", []*Literal{str, str}, "1:8: query has 1 parameter, got 2"},
		{"SELECT 1", []*Literal{str}, "1:1: query has 0 parameters, got 1"},
		{"SELECT * FROM kafka(?)", []*Literal{{Kind: LitInt, Value: "1"}}, "1:21: parameter ? stands for a topic name: want a non-empty string, got an integer"},
		{"SELECT * FROM kafka($1)", []*Literal{{Kind: LitString, Value: " "}}, "1:21: parameter $1 stands for a topic name: want a non-empty string, got an empty string"},
		{"SELECT * FROM kafka('t') WITH (valueSchema = ?)", []*Literal{{Kind: LitBlob, Value: "secret"}}, "1:46: parameter ? stands for the value of option valueSchema: want a string, number or boolean, got bytes"},
	}
	for _, c := range cases {
		stmt, err := Parse(c.query)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Bind(stmt, c.vals)
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: got %v, want %q", c.query, err, c.want)
		}
	}
}

// TestRenderParams: parameters render as $k numbered afresh, one a
// statement uses twice as one $k.
func TestRenderParams(t *testing.T) {
	stmt, err := Parse("SELECT $3, CAST($2 AS VARCHAR), $3 FROM kafka($1)")
	if err != nil {
		t.Fatal(err)
	}
	r, err := RenderMapped(stmt, RenderOptions{Source: func(*KafkaSource) string { return `"v"` }, Text: "kq_text"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(r.SQL, "SELECT $1, CASE WHEN typeof($2)") || !equalInts(r.Params, []int{3, 2}) {
		t.Errorf("rendered %s with params %v", r.SQL, r.Params)
	}
}

func sortByOffset(ps []*Literal) {
	for i := range ps {
		for j := i + 1; j < len(ps); j++ {
			if ps[j].Pos.Offset < ps[i].Pos.Offset {
				ps[i], ps[j] = ps[j], ps[i]
			}
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
