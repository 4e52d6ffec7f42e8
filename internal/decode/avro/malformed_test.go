package avro

import (
	"errors"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestTruncated decodes every prefix of valid payloads, under several
// projections: each is an error that appends nothing (run checks it).
func TestTruncated(t *testing.T) {
	type payloads struct {
		schema string
		data   [][]byte
	}
	var cases []payloads
	var rows [][]byte
	for _, r := range allRows() {
		rows = append(rows, encode(t, allTypes, r.native))
	}
	cases = append(cases, payloads{allTypes, rows})
	list := map[string]any{"value": int64(1), "next": nil}
	for i := range 12 {
		list = map[string]any{"value": int64(i), "next": map[string]any{"Node": list}}
	}
	cases = append(cases, payloads{linkedList, [][]byte{encode(t, linkedList, list)}})
	cases = append(cases, payloads{record(`{"type":"array","items":"string"}`, `{"type":"map","values":"long"}`),
		[][]byte{wire{}.block(2, true, wire{}.str("a", "bc")).block(1, false, wire{}.str("d")).long(0).
			block(1, true, wire{}.str("k").long(300)).long(0)}})
	for _, c := range cases {
		f := mustFormat(t, c.schema)
		for _, idx := range [][]int{all(f), {}, {0}, {len(f.Fields()) - 1}} {
			dec, err := f.Decoder(idx)
			if err != nil {
				t.Fatal(err)
			}
			for _, data := range c.data {
				var prefixes [][]byte
				for n := range len(data) {
					prefixes = append(prefixes, data[:n:n])
				}
				_, errs := run(t, f, dec, idx, prefixes...)
				for n, err := range errs {
					var pe *PayloadError
					if !errors.As(err, &pe) {
						t.Errorf("fields %v: %d of %d bytes: got %v, want a PayloadError", idx, n, len(data), err)
					}
				}
			}
		}
	}
}

// TestMalformed decodes hand-made payloads that are not valid: each is
// an error that appends nothing (run checks it).
func TestMalformed(t *testing.T) {
	many := func(b byte, n int) wire { return wire(repeat(b, n)) }
	for _, c := range []struct {
		name   string
		schema string
		data   wire
		reason string
	}{
		{"int of 6 bytes", record(`"int"`), many(0x80, 5).raw(0x01), "too long"},
		{"int past 32 bits", record(`"int"`), wire{}.raw(0xff, 0xff, 0xff, 0xff, 0x1f), "too long"},
		{"long of 11 bytes", record(`"long"`), many(0x80, 10).raw(0x01), "too long"},
		{"long past 64 bits", record(`"long"`), many(0xff, 9).raw(0x02), "too long"},
		{"varint cut", record(`"long"`), wire{}.raw(0x80, 0x80), "ends inside"},
		{"empty payload", record(`"long"`), wire{}, "ends inside"},
		{"string past the end", record(`"string"`), wire{}.long(5).raw('a'), "past the end"},
		{"huge string length", record(`"string"`), wire{}.long(1 << 62).raw('a'), "past the end"},
		{"negative length", record(`"bytes"`), wire{}.long(-1), "negative length"},
		{"trailing bytes", record(`"long"`), wire{}.long(1, 0), "trailing bytes after the record (1)"},
		{"string not UTF-8", record(`"string"`), wire{}.str("a\xffb"), "UTF-8"},
		{"surrogate in UTF-8", record(`"string"`), wire{}.str("\xed\xa0\x80"), "UTF-8"},
		{"map key not UTF-8", record(`{"type":"map","values":"int"}`), wire{}.long(1).str("\xc3").long(1, 0), "UTF-8"},
		{"bytes read as string not UTF-8", record(`"string"`), wire{}.str("\xff"), "UTF-8"}, // written as bytes
		{"string in a union not UTF-8", record(`["null","string"]`), wire{}.long(1).str("\xff"), "UTF-8"},
		{"string in a record not UTF-8", record(`{"type":"record","name":"In","fields":[{"name":"s","type":"string"}]}`), wire{}.str("\xff"), "UTF-8"},
		{"string below the cut not UTF-8", cutSchema(`{"type":"record","name":"J","fields":[{"name":"s","type":"string"}]}`), wire{}.str("\xff"), "UTF-8"},
		{"boolean 2", record(`"boolean"`), wire{}.raw(2), "boolean"},
		{"enum index past the symbols", record(`{"type":"enum","name":"E","symbols":["A","B"]}`), wire{}.long(2), "enum index 2"},
		{"negative enum index", record(`{"type":"enum","name":"E","symbols":["A","B"]}`), wire{}.long(-1), "enum index -1"},
		{"union index past the members", record(`["null","long"]`), wire{}.long(2, 1), "union index 2"},
		{"negative union index", record(`["null","long"]`), wire{}.long(-1, 1), "union index -1"},
		{"negative block size", record(`{"type":"array","items":"long"}`), wire{}.long(-1, -3, 1, 0), "block size -3"},
		{"block size past the end", record(`{"type":"array","items":"long"}`), wire{}.long(-1, 9, 1, 0), "block size 9"},
		{"block size not its items'", record(`{"type":"array","items":"long"}`), wire{}.long(-1, 2, 1, 0, 0), "block of 2 bytes holds 1"},
		{"block count without opposite", record(`{"type":"array","items":"long"}`), many(0xff, 9).raw(0x01), "no opposite"},
		{"block count past the end", record(`{"type":"array","items":"long"}`), wire{}.long(1<<60, 1, 2, 3), "ends inside"},
		{"billions of nulls", record(`{"type":"array","items":"null"}`), wire{}.long(1<<40, 0), "zero bytes"},
		{"nulls one past the limit", record(`{"type":"array","items":"null"}`), wire{}.long(maxEmptyItems, 1, 0), "zero bytes"},
		{"nulls past the limit in arrays of arrays", record(`{"type":"array","items":{"type":"array","items":"null"}}`),
			wire{}.long(2).long(maxEmptyItems/2+1, 0).long(maxEmptyItems/2, 0).long(0), "zero bytes"},
		{"decimal past its precision", record(`{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}`), wire{}.str("\x27\x10"), "precision 4"},
		{"decimal past 128 bits", record(`{"type":"bytes","logicalType":"decimal","precision":38,"scale":0}`), wire{}.str("\x01" + string(make([]byte, 16))), "precision 38"},
		{"decimal past 128 bits, negative", record(`{"type":"bytes","logicalType":"decimal","precision":38,"scale":0}`), wire{}.str("\xff\x7f" + string(make([]byte, 15))), "precision 38"},
		{"fixed cut", record(`{"type":"fixed","name":"F","size":4}`), wire{}.raw(1, 2, 3), "ends inside"},
		{"float cut", record(`"float"`), wire{}.raw(1, 2, 3), "ends inside"},
		{"double cut", record(`"double"`), wire{}.raw(1, 2, 3, 4, 5, 6, 7), "ends inside"},
		{"nesting bomb", linkedList, many(0x02, 2*maxNesting+2), "nest more than"},
		{"nesting bomb in arrays", record(`{"type":"array","items":{"type":"record","name":"T","fields":[{"name":"a","type":{"type":"array","items":"T"}}]}}`),
			many(0x02, 2*maxNesting+2), "nest more than"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := mustFormat(t, c.schema)
			writer := c.schema
			if c.name == "bytes read as string not UTF-8" {
				writer = record(`"bytes"`)
			}
			dec, err := f.DecoderFor(mustParse(t, writer), all(f))
			if err != nil {
				t.Fatal(err)
			}
			_, errs := run(t, f, dec, all(f), c.data)
			var pe *PayloadError
			if !errors.As(errs[0], &pe) || !strings.Contains(pe.Reason, c.reason) {
				t.Fatalf("got %v, want a PayloadError saying %q", errs[0], c.reason)
			}
		})
	}
}

// TestErrorNamesField checks that a payload error names the field path
// and the byte.
func TestErrorNamesField(t *testing.T) {
	schema := record(`{"type":"array","items":{"type":"record","name":"In","fields":[{"name":"a","type":"long"},{"name":"s","type":"string"}]}}`)
	f := mustFormat(t, schema)
	dec, err := f.Decoder(all(f))
	if err != nil {
		t.Fatal(err)
	}
	_, errs := run(t, f, dec, all(f), wire{}.long(1, 0).str("\xff").long(0))
	if errs[0] == nil || errs[0].Error() != `avro: field "f0[].s", byte 2: string is not UTF-8` {
		t.Fatalf("got %v", errs[0])
	}
}

// TestLimits decodes what is just within the limits on hostile payloads.
func TestLimits(t *testing.T) {
	f := mustFormat(t, record(`{"type":"array","items":"null"}`))
	dec, err := f.Decoder(all(f))
	if err != nil {
		t.Fatal(err)
	}
	rows, errs := run(t, f, dec, all(f), wire{}.long(maxEmptyItems, 0))
	if errs[0] != nil || len(rows[0][0].([]any)) != maxEmptyItems {
		t.Fatalf("%d nulls: %v", maxEmptyItems, errs[0])
	}
	f = mustFormat(t, linkedList)
	if dec, err = f.Decoder(all(f)); err != nil {
		t.Fatal(err)
	}
	// maxNesting nodes: the first record, then maxNesting-1 in next.
	deep := append(repeat(0x02, 2*(maxNesting-1)), 0, 0)
	if _, errs = run(t, f, dec, all(f), deep); errs[0] != nil {
		t.Fatalf("%d nested records: %v", maxNesting, errs[0])
	}
}

// TestBind checks the builders a decoder is given: wrong ones are an
// error that appends nothing; the same ones from batch to batch, or new
// ones, are bound again as needed.
func TestBind(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := record(`"long"`, `{"type":"record","name":"In","fields":[{"name":"s","type":"string"}]}`)
	f := mustFormat(t, schema)
	dec, err := f.Decoder(all(f))
	if err != nil {
		t.Fatal(err)
	}
	data := wire{}.long(7).str("x")
	i64 := array.NewInt64Builder(mem)
	defer i64.Release()
	wrong := array.NewStringBuilder(mem)
	defer wrong.Release()
	for _, bs := range [][]array.Builder{{i64}, {nil, nil}, {i64, wrong}, {wrong, i64}, {i64, nil}} {
		if err := dec.Decode(data, bs); err == nil {
			t.Fatalf("decoded into %v", bs)
		}
		if i64.Len() != 0 || wrong.Len() != 0 {
			t.Fatal("appended on a builder error")
		}
	}
	fields := f.Fields()
	rb := array.NewRecordBuilder(mem, arrowSchema(fields))
	defer rb.Release()
	for batch := range 3 {
		for range 2 {
			if err := dec.Decode(data, rb.Fields()); err != nil {
				t.Fatal(err)
			}
		}
		rec := rb.NewRecordBatch()
		if rec.NumRows() != 2 || value(rec.Column(1), 1).(map[string]any)["s"] != "x" {
			t.Fatalf("batch %d: %v", batch, rec)
		}
		rec.Release()
	}
	// Other builders of the same types.
	other := array.NewRecordBuilder(mem, arrowSchema(fields))
	defer other.Release()
	if err := dec.Decode(data, other.Fields()); err != nil {
		t.Fatal(err)
	}
	if other.Field(0).Len() != 1 || rb.Field(0).Len() != 0 {
		t.Fatal("decoded into the builders bound before")
	}
}
