package lang

import "testing"

func TestParseRoundTrip(t *testing.T) {
	for _, q := range []string{
		"SELECT COUNT(*) FROM kafka('orders') WITH (minPartitions = 8)",
		"SELECT * FROM kafka('orders', 'payments') WITH (startingOffsets = '{\"orders\":{\"0\":1}}') AS o LIMIT 10",
		"SELECT key, value FROM kafka('o') WHERE partition IN (1, 2) AND offset BETWEEN 1 AND 5",
		"SELECT a.b, -(-1), 'it''s' AS \"select\" FROM kafka('x') WHERE NOT x IS NOT NULL OR y NOT LIKE 'a%'",
		"EXPLAIN SELECT COUNT(*) FROM kafka('orders')",
	} {
		s, err := Parse(q)
		if err != nil {
			t.Fatalf("Parse(%q): %v", q, err)
		}
		if got := s.String(); got != q {
			t.Errorf("String() = %q, want %q", got, q)
		}
		s2, err := Parse(s.String())
		if err != nil || s2.String() != s.String() {
			t.Errorf("reparse of %q: %v, %q", q, err, s2)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ q, want, caret string }{
		{"SELECT COUNT(* FROM kafka('orders')", `1:16: unexpected "FROM", expected ")"`,
			"SELECT COUNT(* FROM kafka('orders')\n               ^"},
		{"SELECT *\nFROM kafka('o') LIMIT x", `2:23: unexpected "x", expected an integer`,
			"FROM kafka('o') LIMIT x\n                      ^"},
	} {
		_, err := Parse(tc.q)
		if err == nil {
			t.Fatalf("Parse(%q) succeeded", tc.q)
		}
		if err.Error() != tc.want {
			t.Errorf("Parse(%q) error %q, want %q", tc.q, err, tc.want)
		}
		if got := Caret(tc.q, err); got != tc.caret {
			t.Errorf("Caret:\n%s\nwant\n%s", got, tc.caret)
		}
	}
}
