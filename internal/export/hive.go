package export

import (
	"context"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// HiveNull is the directory value of a NULL partition value, as Hive
// and DuckDB write it.
const HiveNull = "__HIVE_DEFAULT_PARTITION__"

// HiveEscape escapes a partition value for a directory name as DuckDB's
// COPY ... PARTITION_BY does (and its hive_partitioning reader undoes):
// every byte but ASCII letters, digits and -_.~ becomes %XX.
func HiveEscape(v string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// HiveDir is the directory of rows whose partition columns cols have the
// values vals (nil for NULL): col1=v1/col2=v2.
func HiveDir(cols []string, vals []*string) string {
	var b strings.Builder
	for i, c := range cols {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(HiveEscape(c))
		b.WriteByte('=')
		if vals[i] == nil {
			b.WriteString(HiveNull)
		} else {
			b.WriteString(HiveEscape(*vals[i]))
		}
	}
	return b.String()
}

// rowGroup is the rows of one batch that go to one directory.
type rowGroup struct {
	dir  string
	rows []bool // selection mask; nil when every row goes here
}

// groupRows groups the n rows of a batch by their directory, in the
// order directories first appear.
func groupRows(cols []string, keys []*array.String, n int) []rowGroup {
	dirOf := func(i int) string {
		vals := make([]*string, len(keys))
		for k, a := range keys {
			if a.IsValid(i) {
				v := a.Value(i)
				vals[k] = &v
			}
		}
		return HiveDir(cols, vals)
	}
	if n == 0 {
		return nil
	}
	first := dirOf(0)
	same := true
	for i := 1; i < n && same; i++ {
		for _, a := range keys {
			if a.IsValid(i) != a.IsValid(0) || a.Value(i) != a.Value(0) {
				same = false
				break
			}
		}
	}
	if same {
		return []rowGroup{{dir: first}}
	}
	index := map[string]int{}
	var groups []rowGroup
	for i := range n {
		d := dirOf(i)
		g, ok := index[d]
		if !ok {
			g = len(groups)
			index[d] = g
			groups = append(groups, rowGroup{dir: d, rows: make([]bool, n)})
		}
		groups[g].rows[i] = true
	}
	return groups
}

// takeRows returns the rows of rec that mask selects, in order. The
// caller releases the result.
func takeRows(mem memory.Allocator, rec arrow.RecordBatch, mask []bool) (arrow.RecordBatch, error) {
	b := array.NewBooleanBuilder(mem)
	defer b.Release()
	b.AppendValues(mask, nil)
	sel := b.NewBooleanArray()
	defer sel.Release()
	return compute.FilterRecordBatch(compute.WithAllocator(context.Background(), mem), rec, sel, compute.DefaultFilterOptions())
}
