package decode

import (
	"bytes"
	"strings"

	"github.com/kq-sql/kq/internal/plan"
)

// What a sampled field has held, as bits.
const (
	sawInt uint8 = 1 << iota
	sawFloat
	sawString
	sawTimestamp // a string that is an ISO-8601 timestamp
	sawBool
	sawNested
)

// fieldGuess accumulates what one field held across the sample.
type fieldGuess struct {
	name string
	saw  uint8
}

// Guesser infers the top-level fields of JSON objects from a sample. It is
// used by one goroutine.
type Guesser struct {
	fields []*fieldGuess
	byName map[string]*fieldGuess
	folded map[string]bool // lower-cased names, to drop case-only variants
	keyBuf []byte
	keys   []string
	slots  []*jsonSlot
}

// NewGuesser returns an empty Guesser.
func NewGuesser() *Guesser {
	return &Guesser{byName: map[string]*fieldGuess{}, folded: map[string]bool{}}
}

// Add records the fields of one value and reports whether it is a JSON
// object; null values (nil) and values that are not objects add nothing.
func (g *Guesser) Add(data []byte) bool {
	if data == nil {
		return false
	}
	g.keys, g.slots = g.keys[:0], g.slots[:0]
	err := jsonObject(data, &g.keyBuf, func(key []byte) *jsonSlot {
		s := &jsonSlot{}
		g.keys = append(g.keys, string(key))
		g.slots = append(g.slots, s)
		return s
	})
	if err != nil {
		return false
	}
	for i, k := range g.keys {
		s := g.slots[i]
		if s.kind == jsonMissing {
			continue // a repeated key
		}
		f := g.byName[k]
		if f == nil {
			if g.folded[strings.ToLower(k)] {
				continue // "Status" after "status": SQL could not tell them apart
			}
			f = &fieldGuess{name: k}
			g.byName[k] = f
			g.folded[strings.ToLower(k)] = true
			g.fields = append(g.fields, f)
		}
		switch s.kind {
		case jsonNumber:
			if bytes.ContainsAny(s.raw, ".eE") {
				f.saw |= sawFloat
			} else if _, err := jsonInt(s.raw); err != nil {
				f.saw |= sawFloat // beyond BIGINT
			} else {
				f.saw |= sawInt
			}
		case jsonString:
			if _, err := parseTimestamp(s.content()); err == nil && !s.esc {
				f.saw |= sawTimestamp
			} else {
				f.saw |= sawString
			}
		case jsonBool:
			f.saw |= sawBool
		case jsonNested:
			f.saw |= sawNested
		}
	}
	return true
}

// Result returns the inferred fields in the order first seen. A field
// that held only integers is BIGINT; numbers with a fraction make it
// DOUBLE; only timestamps, TIMESTAMP; only booleans, BOOLEAN; an object or
// array anywhere, JSON; any other mix, or only nulls, VARCHAR (which takes
// any scalar as its JSON text).
func (g *Guesser) Result() []plan.Field {
	out := make([]plan.Field, 0, len(g.fields))
	for _, f := range g.fields {
		t := plan.TypeVarchar
		switch saw := f.saw; {
		case saw&sawNested != 0:
			t = plan.TypeJSON
		case saw == sawInt:
			t = plan.TypeBigint
		case saw == sawFloat || saw == sawInt|sawFloat:
			t = plan.TypeDouble
		case saw == sawTimestamp:
			t = plan.TypeTimestamp
		case saw == sawBool:
			t = plan.TypeBoolean
		}
		out = append(out, plan.Field{Name: f.name, Type: t})
	}
	return out
}
