package output

import (
	"bufio"
	"io"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/jedib0t/go-pretty/v6/text"
)

// TableBlockRows is how many rows the table format holds at once: it
// renders a result in blocks of this many rows, so memory stays bounded
// whatever the result's size. Column widths come from the header and the
// first block; a later block whose values need wider columns closes the
// table and starts a new one, header repeated.
const TableBlockRows = 1000

// tableWriter renders box-drawn tables block by block.
type tableWriter struct {
	w      *bufio.Writer
	names  []string
	right  []bool // right-align (numbers)
	widths []int  // current widths; nil before the first block
	rows   [][]string
}

func writeTable(w io.Writer, rr array.RecordReader) (int64, error) {
	tw := &tableWriter{w: bufio.NewWriter(w), names: header(rr)}
	for _, f := range rr.Schema().Fields() {
		tw.right = append(tw.right, numeric(f.Type))
	}
	var n int64
	for rr.Next() {
		rec := rr.RecordBatch()
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]string, rec.NumCols())
			for c := range row {
				s, ok := Text(rec.Column(c), i)
				if !ok {
					s = "NULL"
				}
				row[c] = cell(s)
			}
			tw.rows = append(tw.rows, row)
			n++
			if len(tw.rows) == TableBlockRows {
				tw.flushBlock()
			}
		}
	}
	if err := rr.Err(); err != nil {
		return n, err
	}
	tw.flushBlock()
	tw.rule('└', '┴', '┘')
	return n, tw.w.Flush()
}

// cell makes s fit on one line (control characters escaped) and owns its
// bytes: Text may return a string that aliases the batch's buffer, which
// is gone once the reader moves on, and the table holds a block of rows.
func cell(s string) string {
	if !strings.ContainsAny(s, "\n\r\t") {
		return strings.Clone(s)
	}
	return strings.NewReplacer("\n", `\n`, "\r", `\r`, "\t", `\t`).Replace(s)
}

// flushBlock writes the buffered rows, opening a new table when there is
// none yet or the rows need wider columns.
func (tw *tableWriter) flushBlock() {
	widths := make([]int, len(tw.names))
	for c, n := range tw.names {
		widths[c] = text.StringWidthWithoutEscSequences(n)
	}
	for _, row := range tw.rows {
		for c, s := range row {
			widths[c] = max(widths[c], text.StringWidthWithoutEscSequences(s))
		}
	}
	if tw.widths == nil || wider(widths, tw.widths) {
		if tw.widths != nil {
			tw.rule('└', '┴', '┘')
		}
		if tw.widths != nil {
			for c := range widths {
				widths[c] = max(widths[c], tw.widths[c])
			}
		}
		tw.widths = widths
		tw.rule('┌', '┬', '┐')
		tw.line(tw.names, false)
		tw.rule('├', '┼', '┤')
	}
	for _, row := range tw.rows {
		tw.line(row, true)
	}
	tw.rows = tw.rows[:0]
}

func wider(a, b []int) bool {
	for i := range a {
		if a[i] > b[i] {
			return true
		}
	}
	return false
}

func (tw *tableWriter) rule(left, mid, right rune) {
	tw.w.WriteRune(left)
	for c, w := range tw.widths {
		if c > 0 {
			tw.w.WriteRune(mid)
		}
		tw.w.WriteString(strings.Repeat("─", w+2))
	}
	tw.w.WriteRune(right)
	tw.w.WriteByte('\n')
}

func (tw *tableWriter) line(cells []string, align bool) {
	tw.w.WriteString("│")
	for c, s := range cells {
		if c > 0 {
			tw.w.WriteString("│")
		}
		pad := strings.Repeat(" ", tw.widths[c]-text.StringWidthWithoutEscSequences(s))
		tw.w.WriteByte(' ')
		if align && tw.right[c] {
			tw.w.WriteString(pad + s)
		} else {
			tw.w.WriteString(s + pad)
		}
		tw.w.WriteByte(' ')
	}
	tw.w.WriteString("│\n")
}
