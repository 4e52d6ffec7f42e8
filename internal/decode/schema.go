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

// TimestampType is the Arrow type of the timestamp column and of decoded
// TIMESTAMP fields: an instant in microseconds, UTC (DuckDB's TIMESTAMP
// WITH TIME ZONE). Kafka's timestamps are milliseconds; the column is in
// DuckDB's unit so that a value prints the same whether it streams from
// the scan or comes back through DuckDB, and a table made from it has the
// type DESCRIBE shows.
var TimestampType = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}

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

// column is one physical column a worker builds.
type column struct {
	name   string
	part   plan.Part         // "" for a source column; else the part a field is decoded from
	format plan.RecordFormat // the format of the key or value column, or of part
	field  plan.Field        // the decoded field, when part is set
	fmtIdx int               // the field's index in its part's Format; -1 for JSON
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
	specs      map[plan.Part]PartSpec
	available  map[plan.Part][]plan.Field // see Available
}

// newLayout lays out the source columns cols with JSON (or no) decoded
// fields; see layoutParts.
func newLayout(cols []string, valueFormat, keyFormat plan.RecordFormat, valueFields, keyFields []plan.Field) (*Layout, error) {
	return layoutParts(cols, PartSpec{Format: valueFormat, Fields: valueFields}, PartSpec{Format: keyFormat, Fields: keyFields})
}

// decoded reports whether a part decodes into fields: JSON, or a Format.
func (p PartSpec) decoded() bool { return p.Format == plan.FormatJSON || p.Schema != nil }

// layoutParts lays out the source columns cols (key and value typed per
// their formats: raw BLOB, string VARCHAR, a decoded part a STRUCT of its
// decoded fields), then the top-level columns of the decoded value
// fields, then those of the key fields (see FieldColumn). A part's Fields
// are the fields to decode: for a Format, by name among its Fields.
func layoutParts(cols []string, value, key PartSpec) (*Layout, error) {
	l := &Layout{structs: map[plan.Part]*arrow.StructType{}, specs: map[plan.Part]PartSpec{plan.PartValue: value, plan.PartKey: key}}
	var physFields, outFields []arrow.Field
	addPhys := func(c column, f arrow.Field) int {
		l.phys = append(l.phys, c)
		physFields = append(physFields, f)
		return len(l.phys) - 1
	}
	parts := []struct {
		part plan.Part
		spec PartSpec
		idx  []int
	}{{plan.PartValue, value, nil}, {plan.PartKey, key, nil}}
	// The decoded fields' physical columns come first, so that the struct
	// and the top-level columns can share them.
	for i := range parts {
		p := &parts[i]
		if !p.spec.decoded() {
			continue
		}
		var byName map[string]int
		if p.spec.Schema != nil {
			byName = map[string]int{}
			for j, f := range p.spec.Schema.Fields() {
				byName[f.Name] = j
			}
		}
		var sf []arrow.Field
		for _, f := range p.spec.Fields {
			c := column{name: string(p.part) + "." + f.Name, part: p.part, format: p.spec.Format, field: f, fmtIdx: -1}
			var t arrow.DataType
			if p.spec.Schema != nil {
				j, ok := byName[f.Name]
				if !ok {
					return nil, fmt.Errorf("%s field %s: not in the schema", p.part, f.Name)
				}
				c.fmtIdx, t = j, p.spec.Schema.Fields()[j].Type
			} else {
				var err error
				if t, err = FieldArrowType(f.Type); err != nil {
					return nil, fmt.Errorf("%s field %s: %w", p.part, f.Name, err)
				}
			}
			af := arrow.Field{Name: f.Name, Type: t, Nullable: true}
			p.idx = append(p.idx, addPhys(c, af))
			sf = append(sf, af)
		}
		if len(sf) > 0 {
			l.structs[p.part] = arrow.StructOf(sf...)
		}
	}
	valueFormat, keyFormat := value.Format, key.Format
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
		if st := l.structs[plan.Part(c)]; st != nil {
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
		for i, f := range p.spec.Fields {
			if !p.spec.decoded() {
				break
			}
			name := plan.FieldColumn(p.part, f.Name, parts[0].spec.Fields)
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
