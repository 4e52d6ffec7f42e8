package avro

import (
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	hamba "github.com/hamba/avro/v2"
)

// MaxDepth is how deep decoded values nest. A top-level field is at level
// 1; the fields of a record, the items of an array, the values of a map
// and the members of a union STRUCT are one level below their parent (a
// ["null", T] union is T and adds no level). A value at level MaxDepth
// whose type would nest further (a record, an array, a map or a union
// STRUCT) decodes to Utf8 JSON text instead, so that recursive types get
// a finite Arrow type. The rule holds for every schema; only recursive
// ones reach it in practice.
const MaxDepth = 8

// maxNodes bounds the Arrow type of one top-level field, counted in
// nested types: a schema that reuses a named record in many fields can
// expand to an exponentially large type before MaxDepth cuts it.
const maxNodes = 1 << 16

// maxPrecision is the largest decimal precision Decimal128 holds.
const maxPrecision = 38

// deref returns the named type a reference stands for.
func deref(s hamba.Schema) hamba.Schema {
	if r, ok := s.(*hamba.RefSchema); ok {
		return r.Schema()
	}
	return s
}

// unionShape is how a reader union maps to Arrow: a union of null alone
// is the Null type, a union of one other member (and maybe null) is that
// member, nullable when null is a member, and any other union is a STRUCT
// of its members but null, named member0, member1, ... as Spark names
// them, nullable when null is a member.
type unionShape struct {
	members []int // indexes in the union of its members but null
	null    int   // index of the null member, or -1
}

func shapeOf(u *hamba.UnionSchema) unionShape {
	s := unionShape{null: -1}
	for i, t := range u.Types() {
		if deref(t).Type() == hamba.Null {
			s.null = i
			continue
		}
		s.members = append(s.members, i)
	}
	return s
}

// isStruct reports whether the union maps to a STRUCT of its members.
func (s unionShape) isStruct() bool { return len(s.members) > 1 }

// member returns the position in the STRUCT of union member i.
func (s unionShape) member(i int) int { return slices.Index(s.members, i) }

// admitsNull reports whether a value of reader type r can be null.
func admitsNull(r hamba.Schema) bool {
	switch r := deref(r).(type) {
	case *hamba.NullSchema:
		return true
	case *hamba.UnionSchema:
		return shapeOf(r).null >= 0
	}
	return false
}

// nests reports whether reader type r has values nested in it.
func nests(r hamba.Schema) bool {
	switch r := deref(r).(type) {
	case *hamba.RecordSchema, *hamba.ArraySchema, *hamba.MapSchema:
		return true
	case *hamba.UnionSchema:
		s := shapeOf(r)
		if len(s.members) == 1 {
			return nests(r.Types()[s.members[0]])
		}
		return s.isStruct()
	}
	return false
}

// isCut reports whether a value of reader type r at level decodes to JSON
// text (see MaxDepth).
func isCut(r hamba.Schema, level int) bool { return level >= MaxDepth && nests(r) }

// decimalOf returns the decimal logical type of a bytes or fixed schema.
func decimalOf(s hamba.Schema) *hamba.DecimalLogicalSchema {
	if l, ok := s.(hamba.LogicalTypeSchema); ok {
		if d, ok := l.Logical().(*hamba.DecimalLogicalSchema); ok {
			return d
		}
	}
	return nil
}

// logicalOf returns the logical type of a primitive schema, or "".
func logicalOf(s hamba.Schema) hamba.LogicalType {
	if l, ok := s.(hamba.LogicalTypeSchema); ok && l.Logical() != nil {
		return l.Logical().Type()
	}
	return ""
}

// colOf returns how a value of reader type r (neither a union nor cut) is
// appended to Arrow or rendered as JSON.
func colOf(r hamba.Schema) col {
	switch r := deref(r).(type) {
	case *hamba.RecordSchema:
		return cStruct
	case *hamba.ArraySchema:
		return cList
	case *hamba.MapSchema:
		return cMap
	case *hamba.EnumSchema:
		return cString
	case *hamba.FixedSchema:
		if decimalOf(r) != nil {
			return cDecimal
		}
		return cBinary
	case *hamba.PrimitiveSchema:
		lt := logicalOf(r)
		switch r.Type() {
		case hamba.Boolean:
			return cBool
		case hamba.Int:
			switch lt {
			case hamba.Date:
				return cDate32
			case hamba.TimeMillis:
				return cTime32
			}
			return cInt32
		case hamba.Long:
			switch lt {
			case hamba.TimeMicros:
				return cTime64
			case hamba.TimestampMillis, hamba.TimestampMicros, hamba.LocalTimestampMillis, hamba.LocalTimestampMicros:
				return cTimestamp
			}
			return cInt64
		case hamba.Float:
			return cFloat32
		case hamba.Double:
			return cFloat64
		case hamba.String:
			return cString
		case hamba.Bytes:
			if decimalOf(r) != nil {
				return cDecimal
			}
			return cBinary
		}
	}
	return cNull
}

// timestampOf returns the unit and zone of a timestamp logical type.
func timestampOf(lt hamba.LogicalType) (unit arrow.TimeUnit, local bool) {
	switch lt {
	case hamba.TimestampMicros:
		return arrow.Microsecond, false
	case hamba.LocalTimestampMillis:
		return arrow.Millisecond, true
	case hamba.LocalTimestampMicros:
		return arrow.Microsecond, true
	}
	return arrow.Millisecond, false
}

// typer computes the Arrow types of reader types.
type typer struct{ nodes int }

// column returns the Arrow type of reader type r at level, and whether
// its values can be null.
func (t *typer) column(r hamba.Schema, level int, path string) (arrow.DataType, bool, error) {
	r = deref(r)
	if t.nodes++; t.nodes > maxNodes {
		return nil, false, schemaErr(path, "the type expands to more than %d nested types", maxNodes)
	}
	if isCut(r, level) {
		return arrow.BinaryTypes.String, admitsNull(r), nil
	}
	switch r := r.(type) {
	case *hamba.NullSchema:
		return arrow.Null, true, nil
	case *hamba.UnionSchema:
		s := shapeOf(r)
		switch len(s.members) {
		case 0:
			return arrow.Null, true, nil
		case 1:
			typ, nullable, err := t.column(r.Types()[s.members[0]], level, path)
			return typ, nullable || s.null >= 0, err
		}
		fields := make([]arrow.Field, len(s.members))
		for k, i := range s.members {
			typ, _, err := t.column(r.Types()[i], level+1, path)
			if err != nil {
				return nil, false, err
			}
			fields[k] = arrow.Field{Name: fmt.Sprintf("member%d", k), Type: typ, Nullable: true}
		}
		return arrow.StructOf(fields...), s.null >= 0, nil
	case *hamba.RecordSchema:
		fields := make([]arrow.Field, len(r.Fields()))
		for i, f := range r.Fields() {
			typ, nullable, err := t.column(f.Type(), level+1, join(path, f.Name()))
			if err != nil {
				return nil, false, err
			}
			fields[i] = arrow.Field{Name: f.Name(), Type: typ, Nullable: nullable}
		}
		return arrow.StructOf(fields...), false, nil
	case *hamba.ArraySchema:
		typ, nullable, err := t.column(r.Items(), level+1, join(path, "[]"))
		if err != nil {
			return nil, false, err
		}
		return arrow.ListOfField(arrow.Field{Name: "item", Type: typ, Nullable: nullable}), false, nil
	case *hamba.MapSchema:
		typ, nullable, err := t.column(r.Values(), level+1, join(path, "{}"))
		if err != nil {
			return nil, false, err
		}
		return arrow.MapOfFields(arrow.Field{Name: "key", Type: arrow.BinaryTypes.String},
			arrow.Field{Name: "value", Type: typ, Nullable: nullable}), false, nil
	}
	switch colOf(r) {
	case cBool:
		return arrow.FixedWidthTypes.Boolean, false, nil
	case cInt32:
		return arrow.PrimitiveTypes.Int32, false, nil
	case cDate32:
		return arrow.FixedWidthTypes.Date32, false, nil
	case cTime32:
		return arrow.FixedWidthTypes.Time32ms, false, nil
	case cInt64:
		return arrow.PrimitiveTypes.Int64, false, nil
	case cTime64:
		return arrow.FixedWidthTypes.Time64us, false, nil
	case cTimestamp:
		// Microseconds whatever the logical type's unit, as DuckDB's
		// TIMESTAMP: a value prints the same streamed from the scan or
		// through DuckDB (decode.TimestampType).
		_, local := timestampOf(logicalOf(r))
		zone := "UTC"
		if local {
			zone = ""
		}
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: zone}, false, nil
	case cFloat32:
		return arrow.PrimitiveTypes.Float32, false, nil
	case cFloat64:
		return arrow.PrimitiveTypes.Float64, false, nil
	case cString:
		return arrow.BinaryTypes.String, false, nil
	case cBinary:
		return arrow.BinaryTypes.Binary, false, nil
	case cDecimal:
		d := decimalOf(r)
		if d.Precision() > maxPrecision {
			return nil, false, schemaErr(path, "decimal precision %d is larger than %d, the most Decimal128 holds", d.Precision(), maxPrecision)
		}
		return &arrow.Decimal128Type{Precision: int32(d.Precision()), Scale: int32(d.Scale())}, false, nil
	}
	return nil, false, schemaErr(path, "type %s has no Arrow mapping", r.Type())
}
