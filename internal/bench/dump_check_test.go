package bench

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/internal/output"
)

// TestDumpChecks writes DumpQuery's result in every dump format with kq
// from a real broker and requires its checker to accept it, fed in small
// writes that split lines; then requires it to reject the same output
// with a record missing, a field changed and the end cut off.
func TestDumpChecks(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const n, partitions = 3000, 4
	b, err := StartBroker(ctx, 0, "t", partitions, n, false)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	eng, err := kq.Open(kq.WithBrokers(b.Brokers()))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	for _, f := range append(dumpFormats, dumpFormatsExtra...) {
		t.Run(f, func(t *testing.T) {
			rows, err := eng.Query(ctx, DumpQuery("t"))
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			_, err = output.Write(&out, output.Format(f), rows)
			rows.Release()
			if err != nil {
				t.Fatal(err)
			}
			check := func(data []byte) error {
				sink := newDumpCheck(f, "t", n, partitions)
				for len(data) > 0 {
					k := min(len(data), 777)
					if _, err := sink.Write(data[:k]); err != nil {
						return err
					}
					data = data[k:]
				}
				return sink.Close()
			}
			if err := check(out.Bytes()); err != nil {
				t.Fatalf("the dump as written: %v", err)
			}
			if f == "arrow" {
				// Binary: a cut stream and one record fewer.
				if err := check(out.Bytes()[:out.Len()-out.Len()/3]); err == nil {
					t.Error("a cut Arrow stream passed")
				}
				if err := checkWith(newDumpCheck(f, "t", n+1, partitions), out.Bytes()); err == nil {
					t.Error("an Arrow stream with one record fewer than the topic passed")
				}
				return
			}
			lines := strings.SplitAfter(out.String(), "\n")
			// The first data line: after the header (csv), the "["
			// (json) or the first table's three lines.
			first := map[string]int{"csv": 1, "ndjson": 0, "json": 1, "table": 3}[f]
			missing := strings.Join(append(append([]string{}, lines[:first+5]...), lines[first+6:]...), "")
			if err := check([]byte(missing)); err == nil {
				t.Error("a dump without a record passed")
			}
			// The first data row is one of the sampled.
			changed := strings.Join(lines[:first], "") + corrupt(lines[first]) + strings.Join(lines[first+1:], "")
			if err := check([]byte(changed)); err == nil {
				t.Errorf("a dump with a changed field passed: %q", corrupt(lines[first]))
			}
			if err := check(out.Bytes()[:out.Len()-1]); err == nil {
				t.Error("a dump without its last newline passed")
			}
		})
	}
}

// corrupt changes the customer of a row (c-NNNN: its first digit).
func corrupt(line string) string {
	i := strings.LastIndex(line, "c-")
	d := line[i+2]
	return line[:i+2] + string(rune('0'+(d-'0'+1)%10)) + line[i+3:]
}

func checkWith(sink dumpSink, data []byte) error {
	if _, err := sink.Write(data); err != nil {
		return err
	}
	return sink.Close()
}
