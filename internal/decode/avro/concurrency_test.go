package avro

import (
	"sync"
	"testing"
)

// TestConcurrentDecoders makes and uses decoders of one Format from
// several goroutines, as the scan's workers do (run it with -race).
func TestConcurrentDecoders(t *testing.T) {
	f := mustFormat(t, allTypes)
	rows := allRows()
	payloads := make([][]byte, len(rows))
	for i, r := range rows {
		payloads[i] = encode(t, allTypes, r.native)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			idx := []int{g, g + 10, 20, 24}
			dec, err := f.DecoderFor(mustParse(t, allTypes), idx)
			if err != nil {
				t.Error(err)
				return
			}
			got, errs := run(t, f, dec, idx, payloads...)
			for r, row := range rows {
				if errs[r] != nil {
					t.Error(errs[r])
					continue
				}
				for k, i := range idx {
					if d := diff(sortMaps(got[r][k]), row.want[i]); d != "" {
						t.Errorf("field %d:\n%s", i, d)
					}
				}
			}
		})
	}
	wg.Wait()
}
