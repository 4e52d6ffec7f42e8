package avro

import (
	"encoding/binary"
	"testing"
)

// wire builds Avro binary encodings by hand, for what goavro does not
// write (negative block counts, several blocks) and for malformed
// payloads. Go's signed varints are Avro's zigzag varints.
type wire []byte

func (w wire) long(vs ...int64) wire {
	for _, v := range vs {
		w = binary.AppendVarint(w, v)
	}
	return w
}

func (w wire) str(ss ...string) wire {
	for _, s := range ss {
		w = append(w.long(int64(len(s))), s...)
	}
	return w
}

func (w wire) raw(b ...byte) wire { return append(w, b...) }

// block appends a block of count items whose encoding is items, with a
// negative count and the size when sized.
func (w wire) block(count int64, sized bool, items wire) wire {
	if sized {
		w = w.long(-count, int64(len(items)))
	} else {
		w = w.long(count)
	}
	return append(w, items...)
}

func TestDecodeBlocks(t *testing.T) {
	schema := record(`{"type":"array","items":"string"}`, `{"type":"map","values":"long"}`,
		`{"type":"array","items":{"type":"array","items":"int"}}`, `{"type":"map","values":{"type":"record","name":"P","fields":[{"name":"a","type":"int"}]}}`, `"long"`)
	data := wire{}.
		block(2, false, wire{}.str("a", "b")).block(1, true, wire{}.str("c")).block(2, true, wire{}.str("d", "e")).long(0).
		block(2, true, wire{}.str("x").long(1).str("y").long(2)).block(1, false, wire{}.str("x").long(3)).long(0).
		block(1, false, wire{}.block(2, true, wire{}.long(1, 2)).block(1, false, wire{}.long(3)).long(0)).
		block(1, true, wire{}.long(0)).long(0).
		long(0).
		long(99)
	want := []any{
		[]any{"a", "b", "c", "d", "e"},
		[]kv{{"x", int64(1)}, {"y", int64(2)}, {"x", int64(3)}}, // in encoding order, duplicates kept
		[]any{[]any{int32(1), int32(2), int32(3)}, []any{}},
		[]kv{},
		int64(99),
	}
	f := mustFormat(t, schema)
	if d := diff(decodeOne(t, f, all(f), data), want); d != "" {
		t.Fatal(d)
	}
	// Skipped, the sized blocks are jumped over and the others walked.
	for _, idx := range [][]int{{4}, {0, 4}, {1, 3}, {2}, {}} {
		got := decodeOne(t, f, idx, data)
		for k, i := range idx {
			if d := diff(got[k], want[i]); d != "" {
				t.Errorf("fields %v: field %d:\n%s", idx, i, d)
			}
		}
	}
}
