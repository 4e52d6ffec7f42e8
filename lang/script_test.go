package lang

import (
	"reflect"
	"testing"
)

func TestSplit(t *testing.T) {
	script := "-- counts\nSELECT 'a;b' AS x FROM kafka('t');\n\n  SELECT \"c;d\" FROM kafka('u') /* ; */ ;;\n-- trailing comment\n"
	got := Split(script)
	want := []Piece{
		{SQL: "SELECT 'a;b' AS x FROM kafka('t')", Pos: Pos{Offset: 10, Line: 2, Column: 1}},
		{SQL: "SELECT \"c;d\" FROM kafka('u') /* ; */ ", Pos: Pos{Offset: 48, Line: 4, Column: 3}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Split:\n got %#v\nwant %#v", got, want)
	}
	if got := Split(" \n-- nothing\n"); len(got) != 0 {
		t.Fatalf("Split of comments only = %#v", got)
	}
	if got := Split("SELECT 'unterminated FROM x"); len(got) != 1 {
		t.Fatalf("Split of a bad script = %#v", got)
	}
}

func TestInScript(t *testing.T) {
	script := "SELECT COUNT(*) FROM kafka('a');\n  SELECT COUNT(* FROM kafka('b')"
	pieces := Split(script)
	if len(pieces) != 2 {
		t.Fatalf("pieces %#v", pieces)
	}
	_, err := Parse(pieces[1].SQL)
	err = InScript(err, pieces[1])
	if got, want := err.Error(), `2:18: unexpected "FROM", expected ")"`; got != want {
		t.Fatalf("error %q, want %q", got, want)
	}
	if got, want := Caret(script, err), "  SELECT COUNT(* FROM kafka('b')\n                 ^"; got != want {
		t.Fatalf("caret:\n%s\nwant:\n%s", got, want)
	}
}

func TestComplete(t *testing.T) {
	for s, want := range map[string]bool{
		"SELECT 1;":                    true,
		"SELECT 1; -- done\n":          true,
		"SELECT ';'":                   false,
		"SELECT 'it''s\n":              false,
		"SELECT 1 /* ; */":             false,
		"SELECT 1;\nSELECT 2":          false,
		"":                             false,
		"SELECT x FROM kafka('a;b') ;": true,
	} {
		if got := Complete(s); got != want {
			t.Errorf("Complete(%q) = %v, want %v", s, got, want)
		}
	}
}
