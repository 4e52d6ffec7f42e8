package output

import (
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/jedib0t/go-pretty/v6/text"
)

// TableBlockRows is how many rows the table format holds at once: it
// renders a result in blocks of this many rows, so memory stays bounded
// whatever the result's size. Column widths come from the header and the
// first block; a later block whose values need wider columns closes the
// table and starts a new one, header repeated.
const TableBlockRows = 1000

// tableWriter renders box-drawn tables block by block. The cells of a
// block are rendered into one buffer (cells index into it), so a block
// costs a few allocations, not one per value; the lines are appended to a
// textBuffer.
type tableWriter struct {
	w      *textBuffer
	names  []string
	right  []bool // right-align (numbers)
	widths []int  // current widths; nil before the first block

	block rowBlock // rows waiting to be written

	// With a row limit (WithMaxRows): the first head rows wait in the
	// block, the last tail rows in a ring, until the end of the result,
	// when they are written as one table (one width for both).
	head, tail int
	ring       []rowBlock // one row each
	seen       int64      // rows after the head
}

// rowBlock is rows of rendered cells: cell k of the block is
// buf[ends[k-1]:ends[k]], of display width widths[k].
type rowBlock struct {
	buf    []byte
	ends   []int
	widths []int
}

func (b *rowBlock) reset() {
	b.buf, b.ends, b.widths = b.buf[:0], b.ends[:0], b.widths[:0]
}

func (b *rowBlock) rows(cols int) int { return len(b.ends) / max(cols, 1) }

func (b *rowBlock) cell(k int) []byte {
	start := 0
	if k > 0 {
		start = b.ends[k-1]
	}
	return b.buf[start:b.ends[k]]
}

// add renders row i of the columns into the block. plain[c] is set when
// column c's text is always printable ASCII (plainText): its width is its
// length, unchecked.
func (b *rowBlock) add(cols []textFunc, plain []bool, i int) {
	for c, text := range cols {
		start := len(b.buf)
		var ok bool
		b.buf, ok = text(b.buf, i)
		if !ok {
			b.buf = append(b.buf, "NULL"...)
		}
		if plain[c] {
			b.ends = append(b.ends, len(b.buf))
			b.widths = append(b.widths, len(b.buf)-start)
			continue
		}
		width := asciiWidth(b.buf[start:])
		if width < 0 { // control characters or non-ASCII: the slow way
			b.buf = escapeCell(b.buf, start)
			width = displayWidth(b.buf[start:])
		}
		b.ends = append(b.ends, len(b.buf))
		b.widths = append(b.widths, width)
	}
}

// escapeCell makes the cell buf[start:] fit on one line: newlines, CRs
// and tabs become \n, \r and \t.
func escapeCell(buf []byte, start int) []byte {
	n := 0
	for _, c := range buf[start:] {
		if c == '\n' || c == '\r' || c == '\t' {
			n++
		}
	}
	if n == 0 {
		return buf
	}
	end := len(buf)
	buf = append(buf, make([]byte, n)...)
	// Move the cell right from its end, escaping as it goes.
	j := len(buf)
	for i := end - 1; i >= start; i-- {
		c := buf[i]
		switch c {
		case '\n':
			j -= 2
			buf[j], buf[j+1] = '\\', 'n'
		case '\r':
			j -= 2
			buf[j], buf[j+1] = '\\', 'r'
		case '\t':
			j -= 2
			buf[j], buf[j+1] = '\\', 't'
		default:
			j--
			buf[j] = c
		}
	}
	return buf
}

// asciiWidth is the width of a cell of printable ASCII, its length; -1
// for any other cell.
func asciiWidth(b []byte) int {
	for _, c := range b {
		if c < 0x20 || c >= 0x7f {
			return -1
		}
	}
	return len(b)
}

// displayWidth is the width of a cell on a terminal: its length when it
// is printable ASCII, else as go-pretty measures it (wide runes count
// two, escape sequences nothing).
func displayWidth(b []byte) int {
	for _, c := range b {
		if c < 0x20 || c >= 0x7f {
			return text.StringWidthWithoutEscSequences(string(b))
		}
	}
	return len(b)
}

func writeTable(w io.Writer, rr array.RecordReader, maxRows int) (int64, error) {
	tw := &tableWriter{w: newTextBuffer(w), names: header(rr)}
	var plain []bool
	for _, f := range rr.Schema().Fields() {
		tw.right = append(tw.right, numeric(f.Type))
		plain = append(plain, plainText(f.Type))
	}
	if maxRows > 0 {
		tw.head, tw.tail = (maxRows+1)/2, maxRows/2
		tw.ring = make([]rowBlock, tw.tail)
	}
	ncols := len(tw.names)
	var n int64
	var cols []textFunc
	for rr.Next() {
		rec := rr.RecordBatch()
		cols = cols[:0]
		for _, a := range rec.Columns() {
			cols = append(cols, textOf(a))
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			n++
			if maxRows > 0 && n > int64(tw.head) {
				if tw.tail > 0 {
					slot := &tw.ring[tw.seen%int64(tw.tail)]
					slot.reset()
					slot.add(cols, plain, i)
				}
				tw.seen++
				continue
			}
			tw.block.add(cols, plain, i)
			if tw.block.rows(ncols) == TableBlockRows {
				tw.flushBlock()
				if err := tw.w.rowDone(); err != nil {
					return n, err
				}
			}
		}
		// What a batch completed is on its way before the next is waited
		// for (a slow result shows its first rows).
		if err := tw.w.flush(); err != nil {
			return n, err
		}
	}
	if err := rr.Err(); err != nil {
		return n, err
	}
	tw.flushTail() // after the head rows still in the block
	tw.flushBlock()
	if tw.widths == nil { // no rows: the header alone
		tw.openTable(tw.headerWidths())
	}
	tw.rule('└', '┴', '┘')
	if shown := int64(tw.head + tw.tail); maxRows > 0 && n > shown {
		tw.w.buf = append(tw.w.buf, formatCount(n)+" rows ("+formatCount(shown)+" shown)\n"...)
	}
	return n, tw.w.flush()
}

// flushTail adds the rows kept in the ring to the block: all of them when
// the result fitted, else three rows of dots for the rows left out, then
// the last ones.
func (tw *tableWriter) flushTail() {
	if tw.seen == 0 {
		return
	}
	ncols := len(tw.names)
	kept := min(tw.seen, int64(tw.tail))
	first := tw.seen - kept // the ring slot of the oldest row kept
	if tw.seen > int64(tw.tail) {
		for range 3 {
			for range ncols {
				tw.block.buf = append(tw.block.buf, "·"...)
				tw.block.ends = append(tw.block.ends, len(tw.block.buf))
				tw.block.widths = append(tw.block.widths, 1)
			}
		}
	}
	for k := first; k < tw.seen; k++ {
		slot := &tw.ring[k%int64(tw.tail)]
		for c := range ncols {
			tw.block.buf = append(tw.block.buf, slot.cell(c)...)
			tw.block.ends = append(tw.block.ends, len(tw.block.buf))
			tw.block.widths = append(tw.block.widths, slot.widths[c])
		}
	}
}

// formatCount prints n with commas between groups of three digits.
func formatCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

func (tw *tableWriter) headerWidths() []int {
	widths := make([]int, len(tw.names))
	for c, n := range tw.names {
		widths[c] = text.StringWidthWithoutEscSequences(n)
	}
	return widths
}

// flushBlock writes the buffered rows, opening a new table when there is
// none yet or the rows need wider columns.
func (tw *tableWriter) flushBlock() {
	ncols := len(tw.names)
	rows := tw.block.rows(ncols)
	if rows == 0 {
		return
	}
	widths := tw.headerWidths()
	for k, w := range tw.block.widths {
		widths[k%ncols] = max(widths[k%ncols], w)
	}
	if tw.widths == nil || wider(widths, tw.widths) {
		if tw.widths != nil {
			tw.rule('└', '┴', '┘')
			for c := range widths {
				widths[c] = max(widths[c], tw.widths[c])
			}
		}
		tw.openTable(widths)
	}
	buf := tw.w.buf
	start := 0
	for r := range rows {
		for c := range ncols {
			k := r*ncols + c
			end := tw.block.ends[k]
			buf = tw.appendCell(buf, tw.block.buf[start:end], tw.block.widths[k], c, true)
			start = end
		}
		buf = append(buf, "│\n"...)
		if len(buf) >= chunkSize {
			tw.w.buf = buf
			tw.w.rowDone()
			buf = tw.w.buf
		}
	}
	tw.w.buf = buf
	tw.block.reset()
}

func (tw *tableWriter) openTable(widths []int) {
	tw.widths = widths
	tw.rule('┌', '┬', '┐')
	buf := tw.w.buf
	for c, name := range tw.names {
		buf = tw.appendCell(buf, []byte(name), text.StringWidthWithoutEscSequences(name), c, false)
	}
	tw.w.buf = append(buf, "│\n"...)
	tw.rule('├', '┼', '┤')
}

// appendCell appends the left border and one padded cell of column c.
func (tw *tableWriter) appendCell(dst, s []byte, width, c int, align bool) []byte {
	pad := tw.widths[c] - width
	dst = append(dst, "│ "...)
	if align && tw.right[c] {
		dst = appendSpaces(dst, pad)
		dst = append(dst, s...)
	} else {
		dst = append(dst, s...)
		dst = appendSpaces(dst, pad)
	}
	return append(dst, ' ')
}

const spaces = "                                                                "

func appendSpaces(dst []byte, n int) []byte {
	for n > 0 {
		k := min(n, len(spaces))
		dst = append(dst, spaces[:k]...)
		n -= k
	}
	return dst
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
	buf := utf8.AppendRune(tw.w.buf, left)
	for c, w := range tw.widths {
		if c > 0 {
			buf = utf8.AppendRune(buf, mid)
		}
		for range w + 2 {
			buf = append(buf, "─"...)
		}
	}
	buf = utf8.AppendRune(buf, right)
	tw.w.buf = append(buf, '\n')
}
