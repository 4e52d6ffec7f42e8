package decode

import (
	"testing"
	"unicode/utf8"
)

func TestAppendText(t *testing.T) {
	for in, want := range map[string]string{
		"":                 "",
		`{"a":"é"}`:        `{"a":"é"}`,
		"\uFFFD stays":     "\uFFFD stays",
		"a\xffb":           "a\uFFFDb",
		"\xc3":             "\uFFFD",
		"\xe2\x82z":        "\uFFFDz",            // DuckDB's decode(b, 'replace') loses the z
		"\xed\xa0\x80":     "\uFFFD\uFFFD\uFFFD", // a surrogate: ED then A0 is not a well-formed start
		"\xf0\x9f\x98":     "\uFFFD",
		"\xf0\x9f\x98\x80": "😀",
		"\xc0\xaf":         "\uFFFD\uFFFD", // overlong
		"\xf5\x80\x80\x80": "\uFFFD\uFFFD\uFFFD\uFFFD",
		"\xe0\x80\x80":     "\uFFFD\uFFFD\uFFFD",
		"\xf4\x90\x80\x80": "\uFFFD\uFFFD\uFFFD\uFFFD", // beyond U+10FFFF
		// Unicode's example (chapter 3, "U+FFFD Substitution of Maximal
		// Subparts"): 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64.
		"a\xf1\x80\x80\xe1\x80\xc2b\x80c\x80\xbfd": "a\uFFFD\uFFFD\uFFFDb\uFFFDc\uFFFD\uFFFDd",
	} {
		got := string(AppendText(nil, []byte(in)))
		if got != want {
			t.Errorf("AppendText(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzAppendText(f *testing.F) {
	f.Add([]byte("a\xf1\x80\x80\xe1\x80\xc2b"))
	f.Fuzz(func(t *testing.T, b []byte) {
		got := AppendText(nil, b)
		if !utf8.Valid(got) {
			t.Fatalf("AppendText(%q) = %q is not UTF-8", b, got)
		}
		if utf8.Valid(b) && string(got) != string(b) {
			t.Fatalf("AppendText(%q) changed valid text to %q", b, got)
		}
	})
}
