package bench

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
)

// dumpSample is how often a dump's rows are checked field by field: every
// dumpSample-th row (the first included); every row is counted.
const dumpSample = 64

// newDumpCheck returns the checker of kq's dump of the bulk topic (n
// records over partitions) in format f.
func newDumpCheck(f, topic string, n int64, partitions int) dumpSink {
	row := func(r map[string]string) error { return checkDumpRow(r, topic, partitions) }
	switch f {
	case "arrow":
		return newArrowDumpCheck(n, row)
	case "csv":
		var cols []string
		return &lineCheck{
			line: func(k int64, line []byte) error {
				if k == 0 {
					var err error
					cols, err = csv.NewReader(bytes.NewReader(line)).Read()
					return err
				}
				if (k-1)%dumpSample != 0 {
					return nil
				}
				fields, err := csv.NewReader(bytes.NewReader(line)).Read()
				if err != nil {
					return fmt.Errorf("line %d: %w", k+1, err)
				}
				return withLine(k, row(zipRow(cols, fields)))
			},
			end: func(lines int64) error { return wantCount("lines", lines, n+1) },
		}
	case "ndjson", "json":
		// json: "[", then "  {...}," per row, the last without the
		// comma, then "]".
		extra := int64(0)
		if f == "json" {
			extra = 2
		}
		return &lineCheck{
			line: func(k int64, line []byte) error {
				if f == "json" {
					switch {
					case k == 0:
						return expectLine(k, line, "[")
					case k == n+1:
						return expectLine(k, line, "]")
					}
					k--
					line = bytes.TrimSuffix(bytes.TrimPrefix(line, []byte("  ")), []byte(","))
				}
				if k%dumpSample != 0 {
					return nil
				}
				return withLine(k, checkJSONRow(line, row))
			},
			end: func(lines int64) error { return wantCount("lines", lines, n+extra) },
		}
	case "table":
		return newTableDumpCheck(n, row)
	}
	return &lineCheck{line: func(int64, []byte) error { return fmt.Errorf("no check for format %q", f) }}
}

// newKcatDumpCheck checks kcat -f '%k,%p,%o,%T,%s\n' over the bulk
// topic: n lines, and in the sampled ones the key, partition, timestamp
// and value of the record whose order_id the value holds.
func newKcatDumpCheck(n int64, partitions int) dumpSink {
	return &lineCheck{
		line: func(k int64, line []byte) error {
			if k%dumpSample != 0 {
				return nil
			}
			f := bytes.SplitN(line, []byte{','}, 5)
			if len(f) != 5 {
				return fmt.Errorf("line %d: %q is not key,partition,offset,timestamp,value", k+1, line)
			}
			var v struct {
				OrderID int64 `json:"order_id"`
			}
			if err := json.Unmarshal(f[4], &v); err != nil {
				return fmt.Errorf("line %d: value: %w", k+1, err)
			}
			i := v.OrderID
			want := [][]byte{OrderKey(nil, i), strconv.AppendInt(nil, i%int64(partitions), 10), nil,
				strconv.AppendInt(nil, epoch.Add(time.Duration(i)*time.Second).UnixMilli(), 10), OrderValue(nil, i)}
			for j, w := range want {
				if w != nil && !bytes.Equal(f[j], w) {
					return fmt.Errorf("line %d: field %d is %q, want %q", k+1, j+1, f[j], w)
				}
			}
			return nil
		},
		end: func(lines int64) error { return wantCount("lines", lines, n) },
	}
}

// checkDumpRow checks one row of a dump, its columns by name as text,
// against the generator's record order_id.
func checkDumpRow(r map[string]string, topic string, partitions int) error {
	i, err := strconv.ParseInt(r["order_id"], 10, 64)
	if err != nil {
		return fmt.Errorf("order_id %q: %v", r["order_id"], err)
	}
	want := map[string]string{
		"key": string(OrderKey(nil, i)), "topic": topic, "partition": strconv.FormatInt(i%int64(partitions), 10),
		"timestampType": "0", "customer": string(OrderKey(nil, i)), "status": Status(i), "country": Country(i),
	}
	for col, w := range want {
		if got, ok := r[col]; !ok || got != w {
			return fmt.Errorf("record %d: %s is %q, want %q", i, col, got, w)
		}
	}
	if _, err := strconv.ParseInt(r["offset"], 10, 64); err != nil {
		return fmt.Errorf("record %d: offset %q: %v", i, r["offset"], err)
	}
	amount, err := strconv.ParseFloat(r["amount"], 64)
	if err != nil || math.Abs(amount*100-float64(Amount(i))) > 1e-6 {
		return fmt.Errorf("record %d: amount %q, want %d.%02d", i, r["amount"], Amount(i)/100, Amount(i)%100)
	}
	at := epoch.Add(time.Duration(i) * time.Second)
	for _, col := range []string{"timestamp", "created_at"} {
		t, err := time.Parse(time.RFC3339Nano, r[col])
		if err != nil || !t.Equal(at) {
			return fmt.Errorf("record %d: %s %q, want %s", i, col, r[col], at.Format(time.RFC3339))
		}
	}
	return nil
}

// checkJSONRow checks a row written as a JSON object.
func checkJSONRow(line []byte, row func(map[string]string) error) error {
	d := json.NewDecoder(bytes.NewReader(line))
	d.UseNumber()
	var obj map[string]any
	if err := d.Decode(&obj); err != nil {
		return err
	}
	r := make(map[string]string, len(obj))
	for k, v := range obj {
		switch v := v.(type) {
		case string:
			r[k] = v
		case json.Number:
			r[k] = v.String()
		default:
			r[k] = fmt.Sprint(v)
		}
	}
	return row(r)
}

func zipRow(cols, fields []string) map[string]string {
	r := make(map[string]string, len(cols))
	for j, c := range cols {
		if j < len(fields) {
			r[c] = fields[j]
		}
	}
	return r
}

func wantCount(what string, got, want int64) error {
	if got != want {
		return fmt.Errorf("%d %s, want %d", got, what, want)
	}
	return nil
}

func expectLine(k int64, line []byte, want string) error {
	if string(line) != want {
		return fmt.Errorf("line %d: %q, want %q", k+1, excerpt(line), want)
	}
	return nil
}

func withLine(k int64, err error) error {
	if err != nil {
		return fmt.Errorf("line %d: %w", k+1, err)
	}
	return nil
}

// lineCheck is a dumpSink that calls line for every line written (k
// counts from 0, the newline stripped) and end with the number of lines
// on Close. It keeps reading after a failed check (the writer is not
// blocked) and reports the first failure on Close.
type lineCheck struct {
	line    func(k int64, line []byte) error
	end     func(lines int64) error
	partial []byte
	lines   int64
	err     error
}

func (c *lineCheck) Write(p []byte) (int, error) {
	n := len(p)
	if len(c.partial) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			c.partial = append(c.partial, p...)
			return n, nil
		}
		c.partial = append(c.partial, p[:i]...)
		c.handle(c.partial)
		c.partial = c.partial[:0]
		p = p[i+1:]
	}
	for {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			break
		}
		c.handle(p[:i])
		p = p[i+1:]
	}
	c.partial = append(c.partial, p...)
	return n, nil
}

func (c *lineCheck) handle(line []byte) {
	if c.err == nil {
		c.err = c.line(c.lines, line)
	}
	c.lines++
}

func (c *lineCheck) Close() error {
	if c.err != nil {
		return c.err
	}
	if len(c.partial) > 0 {
		return fmt.Errorf("the output ends without a newline: %q", excerpt(c.partial))
	}
	if c.end == nil {
		return nil
	}
	return c.end(c.lines)
}

// newTableDumpCheck checks the table format: box-drawn tables (a new one,
// header repeated, when a block needs wider columns) whose data rows are
// counted and sampled.
func newTableDumpCheck(n int64, row func(map[string]string) error) dumpSink {
	var (
		cols   []string
		header bool // the next │ line is a header
		rows   int64
	)
	cells := func(line []byte) []string {
		parts := strings.Split(strings.TrimSuffix(strings.TrimPrefix(string(line), "│"), "│"), "│")
		for j := range parts {
			parts[j] = strings.TrimSpace(parts[j])
		}
		return parts
	}
	return &lineCheck{
		line: func(k int64, line []byte) error {
			switch {
			case bytes.HasPrefix(line, []byte("┌")):
				header = true
			case bytes.HasPrefix(line, []byte("├")), bytes.HasPrefix(line, []byte("└")):
			case bytes.HasPrefix(line, []byte("│")):
				if header {
					cols, header = cells(line), false
					return nil
				}
				rows++
				if (rows-1)%dumpSample != 0 {
					return nil
				}
				return withLine(k, row(zipRow(cols, cells(line))))
			default:
				return fmt.Errorf("line %d: %q is not part of a table", k+1, excerpt(line))
			}
			return nil
		},
		end: func(int64) error { return wantCount("rows", rows, n) },
	}
}

// arrowDumpCheck reads an Arrow IPC stream from a pipe as it is written,
// counting the rows and checking every dumpSample-th.
type arrowDumpCheck struct {
	pw   *io.PipeWriter
	done chan error
}

func newArrowDumpCheck(n int64, row func(map[string]string) error) dumpSink {
	pr, pw := io.Pipe()
	c := &arrowDumpCheck{pw: pw, done: make(chan error, 1)}
	go func() {
		err := readArrowDump(pr, n, row)
		// Drain what is left, so that the writer finishes.
		io.Copy(io.Discard, pr)
		c.done <- err
	}()
	return c
}

func (c *arrowDumpCheck) Write(p []byte) (int, error) { return c.pw.Write(p) }

func (c *arrowDumpCheck) Close() error {
	c.pw.Close()
	return <-c.done
}

func readArrowDump(r io.Reader, n int64, row func(map[string]string) error) error {
	rd, err := ipc.NewReader(r)
	if err != nil {
		return fmt.Errorf("not an Arrow IPC stream: %w", err)
	}
	defer rd.Release()
	var rows int64
	for rd.Next() {
		rec := rd.RecordBatch()
		for i := int((dumpSample - rows%dumpSample) % dumpSample); i < int(rec.NumRows()); i += dumpSample {
			r := make(map[string]string, rec.NumCols())
			for c, col := range rec.Columns() {
				r[rec.ColumnName(c)] = arrowText(col, i)
			}
			if err := row(r); err != nil {
				return fmt.Errorf("row %d: %w", rows+int64(i)+1, err)
			}
		}
		rows += rec.NumRows()
	}
	if err := rd.Err(); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return wantCount("rows", rows, n)
}

// arrowText is the text of row i of a for checkDumpRow.
func arrowText(a arrow.Array, i int) string {
	switch a := a.(type) {
	case *array.Binary:
		return string(a.Value(i))
	case *array.String:
		return a.Value(i)
	case *array.Int32:
		return strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Int64:
		return strconv.FormatInt(a.Value(i), 10)
	case *array.Float64:
		return strconv.FormatFloat(a.Value(i), 'f', -1, 64)
	case *array.Timestamp:
		return a.Value(i).ToTime(a.DataType().(*arrow.TimestampType).Unit).UTC().Format(time.RFC3339Nano)
	}
	return a.ValueStr(i)
}
