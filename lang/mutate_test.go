package lang

import (
	"math/rand"
	"reflect"
	"runtime/debug"
	"testing"
)

// TestCodeBuiltTreesNeverPanic damages parsed trees at random (nil nodes,
// hostile strings, unknown operators) the way careless code could, and
// checks that String, Render, Children, Inspect and Equal never panic and
// that Render refuses what it cannot print safely instead of splicing it.
func TestCodeBuiltTreesNeverPanic(t *testing.T) { testDamage(t, 3) }

func testDamage(t *testing.T, seed int64) {
	r := rand.New(rand.NewSource(seed))
	hostile := []string{"", `x"; DROP TABLE t; --`, "'", "NOT A TYPE", "SIDEWAYS", "1; SELECT 2", "\x00"}
	rounds := 20
	if raceEnabled {
		rounds = 3
	}
	for round := 0; round < rounds; round++ {
		for _, tc := range parseCases {
			s := mustParse(t, tc.query)
			mutate(r, reflect.ValueOf(s), hostile)
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Fatalf("panic on a damaged tree from %q: %v\n%s", tc.query, p, debug.Stack())
					}
				}()
				_ = s.String()
				out, err := Render(s, RenderOptions{Source: func(*KafkaSource) string { return `"v"` }})
				if err == nil && containsHostile(out) {
					t.Fatalf("Render of a damaged tree from %q spliced raw text: %s", tc.query, out)
				}
				Inspect(s, func(n Node) bool { _ = Children(n); return true })
				_ = Equal(s, s)
			}()
		}
	}
}

// containsHostile reports whether out has a hostile string outside quotes:
// a rendered statement may only hold them inside '...' or "...".
func containsHostile(out string) bool {
	inQuote := byte(0)
	for i := 0; i < len(out); i++ {
		c := out[i]
		switch {
		case inQuote != 0 && c == inQuote:
			if i+1 < len(out) && out[i+1] == inQuote {
				i++
				continue
			}
			inQuote = 0
		case inQuote == 0 && (c == '\'' || c == '"'):
			inQuote = c
		case inQuote == 0 && (c == ';' || c == 0):
			return true
		}
	}
	return inQuote != 0
}

// mutate walks v and, now and then, replaces a node, string or slice
// element with something a parser would never produce.
func mutate(r *rand.Rand, v reflect.Value, hostile []string) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return
		}
		mutate(r, v.Elem(), hostile)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			f := v.Field(i)
			if f.Type() == posType || !f.CanSet() {
				continue
			}
			switch {
			case f.Kind() == reflect.String && r.Intn(8) == 0:
				f.SetString(hostile[r.Intn(len(hostile))])
			case (f.Kind() == reflect.Pointer || f.Kind() == reflect.Interface) && r.Intn(12) == 0:
				f.Set(reflect.Zero(f.Type()))
			case f.Kind() == reflect.Int && r.Intn(10) == 0:
				f.SetInt(int64(r.Intn(20)))
			default:
				mutate(r, f, hostile)
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			e := v.Index(i)
			if (e.Kind() == reflect.Pointer || e.Kind() == reflect.Interface) && r.Intn(15) == 0 {
				e.Set(reflect.Zero(e.Type()))
				continue
			}
			if e.Kind() == reflect.String && r.Intn(8) == 0 {
				e.SetString(hostile[r.Intn(len(hostile))])
				continue
			}
			mutate(r, e, hostile)
		}
	}
}
