package avro

import (
	"testing"
)

// TestProjection decodes every field alone and every pair of fields of
// allTypes, skipping the others (every kind of type), and compares them
// with the full decode; and decodes no field at all, which still checks
// the payload.
func TestProjection(t *testing.T) {
	f := mustFormat(t, allTypes)
	rows := allRows()
	payloads := make([][]byte, len(rows))
	for i, r := range rows {
		payloads[i] = encode(t, allTypes, r.native)
	}
	n := len(f.Fields())
	var sets [][]int
	sets = append(sets, []int{})
	for i := range n {
		for j := i; j < n; j++ {
			if i == j {
				sets = append(sets, []int{i})
			} else {
				sets = append(sets, []int{i, j})
			}
		}
	}
	sets = append(sets, []int{0, 5, 10, 15, 20, 25}, []int{1, 3, 7, 11, 19, 21, 24})
	for _, idx := range sets {
		dec, err := f.Decoder(idx)
		if err != nil {
			t.Fatal(err)
		}
		got, errs := run(t, f, dec, idx, payloads...)
		for r, row := range rows {
			if errs[r] != nil {
				t.Fatalf("fields %v, %s: %v", idx, row.name, errs[r])
			}
			for k, i := range idx {
				if d := diff(sortMaps(got[r][k]), row.want[i]); d != "" {
					t.Errorf("fields %v, %s, field %d:\n%s", idx, row.name, i, d)
				}
			}
		}
		// A payload that does not decode is an error whatever is projected.
		_, errs = run(t, f, dec, idx, payloads[0][:len(payloads[0])-1], append(payloads[0], 0))
		for _, err := range errs {
			if err == nil {
				t.Errorf("fields %v: a malformed payload decoded", idx)
			}
		}
	}
}

// TestProjectionSkipsContent checks that what a skipped field's column
// would need is not checked: a string that is not UTF-8, an enum symbol
// the reader lacks, a decimal too wide.
func TestProjectionSkipsContent(t *testing.T) {
	reader := record(`"string"`, `{"type":"enum","name":"E","symbols":["A"]}`,
		`{"type":"bytes","logicalType":"decimal","precision":2,"scale":0}`, `{"type":"map","values":"int"}`, `"long"`)
	writer := record(`"string"`, `{"type":"enum","name":"E","symbols":["A","B"]}`,
		`{"type":"bytes","logicalType":"decimal","precision":2,"scale":0}`, `{"type":"map","values":"int"}`, `"long"`)
	f := mustFormat(t, reader)
	data := wire{}.str("\xff").long(1).str("\x01\x00").long(1).str("\xfe").long(5, 0).long(7)
	for _, c := range []struct {
		idx []int
		ok  bool
	}{{[]int{4}, true}, {[]int{}, true}, {[]int{0}, false}, {[]int{1}, false}, {[]int{2}, false}, {[]int{3}, false}} {
		dec, err := f.DecoderFor(mustParse(t, writer), c.idx)
		if err != nil {
			t.Fatal(err)
		}
		rows, errs := run(t, f, dec, c.idx, data)
		if (errs[0] == nil) != c.ok {
			t.Errorf("fields %v: error %v, want ok %v", c.idx, errs[0], c.ok)
		}
		if c.ok && len(c.idx) == 1 && rows[0][0] != int64(7) {
			t.Errorf("fields %v: got %v", c.idx, rows[0])
		}
	}
}
