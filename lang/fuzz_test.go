package lang

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// FuzzParse checks that Parse never panics, that every error is a
// positioned *Error from the grammar (never the internal-error net), and
// that whatever parses prints to SQL that parses back to an Equal tree
// which prints the same. The seeds are the table tests; the corpus under
// testdata/fuzz/FuzzParse holds inputs that once failed.
func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.query)
	}
	for _, tc := range errorCases {
		f.Add(tc.query)
	}
	f.Fuzz(func(t *testing.T, q string) {
		start := time.Now()
		s, err := Parse(q)
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("Parse(%q) took %v", q, d)
		}
		if err != nil {
			var lerr *Error
			if !errors.As(err, &lerr) {
				t.Fatalf("Parse(%q): error %T is not a *Error: %v", q, err, err)
			}
			if strings.Contains(lerr.Msg, "internal parser error") {
				t.Fatalf("Parse(%q): %v", q, err)
			}
			if lerr.Pos.Line < 1 || lerr.Pos.Column < 1 {
				t.Fatalf("Parse(%q): error without a position: %v", q, err)
			}
			return
		}
		out := s.String()
		s2, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(%q) printed %q, which does not parse: %v", q, out, err)
		}
		if !Equal(s, s2) {
			t.Fatalf("Parse(%q) printed %q, which parses to a different tree (%q)", q, out, s2.String())
		}
		if out2 := s2.String(); out2 != out {
			t.Fatalf("printing is not stable: %q then %q", out, out2)
		}
	})
}
