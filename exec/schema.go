package exec

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/kq-sql/kq/plan"
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

// FieldColumn returns the column name of decoded JSON field name of part
// (plan.ColValue or plan.ColKey). The rule: a value field is a column
// named after the field, unless the name equals a source column's
// (key, value, topic, partition, offset, timestamp, timestampType,
// headers; compared case-insensitively, as SQL compares identifiers), in
// which case the column is "value.<field>"; a key field is always
// "key.<field>", so key and value fields never collide.
func FieldColumn(part, name string) string {
	if part == plan.ColKey {
		return plan.ColKey + "." + name
	}
	for _, c := range plan.SourceColumns(true) {
		if strings.EqualFold(c, name) {
			return plan.ColValue + "." + name
		}
	}
	return name
}

// column is one column of a scan's output.
type column struct {
	name   string
	part   string     // "" for a source column; else the part a JSON field is decoded from
	format string     // the format of the key or value column, or of part
	field  plan.Field // the JSON field, when part is set
}

// layout is a scan's output: its columns and their Arrow schema.
type layout struct {
	cols   []column
	schema *arrow.Schema
}

// newLayout lays out the source columns cols (key and value typed per
// their formats: raw BLOB, string or json VARCHAR), then the decoded value
// fields, then the decoded key fields.
func newLayout(cols []string, valueFormat, keyFormat string, valueFields, keyFields []plan.Field) (*layout, error) {
	l := &layout{}
	var fields []arrow.Field
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
		if col.format == plan.FormatString || col.format == plan.FormatJSON {
			t = arrow.BinaryTypes.String
		}
		l.cols = append(l.cols, col)
		fields = append(fields, arrow.Field{Name: c, Type: t, Nullable: c == plan.ColKey || c == plan.ColValue || c == plan.ColHeaders})
	}
	for _, p := range []struct {
		part   string
		format string
		fields []plan.Field
	}{{plan.ColValue, valueFormat, valueFields}, {plan.ColKey, keyFormat, keyFields}} {
		for _, f := range p.fields {
			t, err := FieldArrowType(f.Type)
			if err != nil {
				return nil, fmt.Errorf("%s field %s: %w", p.part, f.Name, err)
			}
			name := FieldColumn(p.part, f.Name)
			l.cols = append(l.cols, column{name: name, part: p.part, format: p.format, field: f})
			fields = append(fields, arrow.Field{Name: name, Type: t, Nullable: true})
		}
	}
	l.schema = arrow.NewSchema(fields, nil)
	return l, nil
}
