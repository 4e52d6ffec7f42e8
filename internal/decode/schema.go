package decode

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/kq-sql/kq/internal/plan"
)

// HeadersType is the Arrow type of the headers column:
// LIST<STRUCT<key VARCHAR, value BLOB>>.
var HeadersType = arrow.ListOf(arrow.StructOf(
	arrow.Field{Name: "key", Type: arrow.BinaryTypes.String, Nullable: true},
	arrow.Field{Name: "value", Type: arrow.BinaryTypes.Binary, Nullable: true},
))

// TimestampType is the Arrow type of the timestamp column: milliseconds, UTC.
var TimestampType = &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}

// ColumnType returns the Arrow type of a source column with the default
// (raw) formats.
func ColumnType(col string) (arrow.DataType, error) {
	switch col {
	case plan.ColKey, plan.ColValue:
		return arrow.BinaryTypes.Binary, nil
	case plan.ColTopic:
		return arrow.BinaryTypes.String, nil
	case plan.ColPartition, plan.ColTimestampType:
		return arrow.PrimitiveTypes.Int32, nil
	case plan.ColOffset:
		return arrow.PrimitiveTypes.Int64, nil
	case plan.ColTimestamp:
		return TimestampType, nil
	case plan.ColHeaders:
		return HeadersType, nil
	}
	return nil, fmt.Errorf("unknown source column %q", col)
}

// SourceSchema returns the Arrow schema of the given source columns with
// the default (raw) formats.
func SourceSchema(cols []string) (*arrow.Schema, error) {
	l, err := newLayout(cols, plan.FormatRaw, plan.FormatRaw, nil, nil)
	if err != nil {
		return nil, err
	}
	return l.schema, nil
}

// FieldColumn returns the top-level column name of decoded JSON field
// name of part, or "" when the field has no
// top-level column. The rule: with a JSON format the value (key) column
// itself is a STRUCT of the decoded fields, so every field is reachable as
// value.<field> (key.<field>) in SQL; in addition a value field is a
// top-level column of its own name unless that equals a source column's
// (key, value, topic, partition, offset, timestamp, timestampType,
// headers; compared case-insensitively, as SQL compares identifiers); a
// key field likewise, unless the value is JSON too and has a field of the
// same name (the value's wins). valueFields are the value's decoded fields
// (nil when the value is not JSON).
func FieldColumn(part plan.Part, name string, valueFields []plan.Field) string {
	for _, c := range plan.SourceColumns(true) {
		if strings.EqualFold(c, name) {
			return ""
		}
	}
	if part == plan.PartKey {
		for _, f := range valueFields {
			if strings.EqualFold(f.Name, name) {
				return ""
			}
		}
	}
	return name
}

// column is one physical column a worker builds.
type column struct {
	name   string
	part   plan.Part         // "" for a source column; else the part a JSON field is decoded from
	format plan.RecordFormat // the format of the key or value column, or of part
	field  plan.Field        // the JSON field, when part is set
}

// outColumn is one column of a scan's output: a physical column, or the
// STRUCT of a JSON part's physical field columns.
type outColumn struct {
	phys   int       // index into layout.phys; -1 for a struct
	part   plan.Part // the struct's part
	fields []int     // the struct's physical columns
}

// layout is a scan's output: what the workers build (phys) and what the
// stream yields (out, schema).
type Layout struct {
	phys       []column
	physSchema *arrow.Schema
	out        []outColumn
	schema     *arrow.Schema
	structs    map[plan.Part]*arrow.StructType
}

// newLayout lays out the source columns cols (key and value typed per
// their formats: raw BLOB, string VARCHAR, json STRUCT of its decoded
// fields), then the top-level columns of the decoded value fields, then
// those of the key fields (see FieldColumn).
func newLayout(cols []string, valueFormat, keyFormat plan.RecordFormat, valueFields, keyFields []plan.Field) (*Layout, error) {
	l := &Layout{structs: map[plan.Part]*arrow.StructType{}}
	var physFields, outFields []arrow.Field
	addPhys := func(c column, f arrow.Field) int {
		l.phys = append(l.phys, c)
		physFields = append(physFields, f)
		return len(l.phys) - 1
	}
	parts := []struct {
		part   plan.Part
		format plan.RecordFormat
		fields []plan.Field
		idx    []int
	}{{plan.PartValue, valueFormat, valueFields, nil}, {plan.PartKey, keyFormat, keyFields, nil}}
	// The decoded fields' physical columns come first, so that the struct
	// and the top-level columns can share them.
	for i := range parts {
		p := &parts[i]
		if p.format != plan.FormatJSON {
			continue
		}
		var sf []arrow.Field
		for _, f := range p.fields {
			t, err := FieldArrowType(f.Type)
			if err != nil {
				return nil, fmt.Errorf("%s field %s: %w", p.part, f.Name, err)
			}
			af := arrow.Field{Name: f.Name, Type: t, Nullable: true}
			p.idx = append(p.idx, addPhys(column{name: string(p.part) + "." + f.Name, part: p.part, format: p.format, field: f}, af))
			sf = append(sf, af)
		}
		if len(sf) > 0 {
			l.structs[p.part] = arrow.StructOf(sf...)
		}
	}
	for _, c := range cols {
		t, err := ColumnType(c)
		if err != nil {
			return nil, err
		}
		col := column{name: c}
		switch c {
		case plan.ColValue:
			col.format = valueFormat
		case plan.ColKey:
			col.format = keyFormat
		}
		nullable := c == plan.ColKey || c == plan.ColValue || c == plan.ColHeaders
		if st := l.structs[plan.Part(c)]; st != nil && col.format == plan.FormatJSON {
			p := parts[0]
			if c == plan.ColKey {
				p = parts[1]
			}
			l.out = append(l.out, outColumn{phys: -1, part: plan.Part(c), fields: p.idx})
			outFields = append(outFields, arrow.Field{Name: c, Type: st, Nullable: true})
			continue
		}
		if col.format == plan.FormatString || col.format == plan.FormatJSON {
			t = arrow.BinaryTypes.String // json without fields: the text
		}
		f := arrow.Field{Name: c, Type: t, Nullable: nullable}
		l.out = append(l.out, outColumn{phys: addPhys(col, f)})
		outFields = append(outFields, f)
	}
	seen := map[string]bool{}
	for _, c := range cols {
		seen[strings.ToLower(c)] = true
	}
	for _, p := range parts {
		for i, f := range p.fields {
			if p.format != plan.FormatJSON {
				break
			}
			name := FieldColumn(p.part, f.Name, parts[0].fields)
			if name == "" || seen[strings.ToLower(name)] {
				continue
			}
			seen[strings.ToLower(name)] = true
			l.out = append(l.out, outColumn{phys: p.idx[i]})
			outFields = append(outFields, physFields[p.idx[i]])
		}
	}
	l.physSchema = arrow.NewSchema(physFields, nil)
	l.schema = arrow.NewSchema(outFields, nil)
	return l, nil
}

// Schema is the schema of the batches a Builder of l yields.
func (l *Layout) Schema() *arrow.Schema { return l.schema }

// identity reports whether the output is the physical record itself.
func (l *Layout) identity() bool {
	if len(l.out) != len(l.phys) {
		return false
	}
	for i, o := range l.out {
		if o.phys != i {
			return false
		}
	}
	return true
}
