package avro

import (
	"errors"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

// record wraps field types into a reader schema of fields f0, f1, ...
func record(types ...string) string {
	var b strings.Builder
	b.WriteString(`{"type":"record","name":"R","namespace":"t","fields":[`)
	for i, t := range types {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"name":"f` + string(rune('0'+i)) + `","type":` + t + `}`)
	}
	b.WriteString(`]}`)
	return b.String()
}

func nonNull(name string, t arrow.DataType) arrow.Field { return arrow.Field{Name: name, Type: t} }
func nullable(name string, t arrow.DataType) arrow.Field {
	return arrow.Field{Name: name, Type: t, Nullable: true}
}

func TestFields(t *testing.T) {
	ts := func(unit arrow.TimeUnit, zone string) arrow.DataType {
		return &arrow.TimestampType{Unit: unit, TimeZone: zone}
	}
	for _, c := range []struct {
		avro string
		want arrow.DataType
	}{
		{`"boolean"`, arrow.FixedWidthTypes.Boolean},
		{`"int"`, arrow.PrimitiveTypes.Int32},
		{`"long"`, arrow.PrimitiveTypes.Int64},
		{`"float"`, arrow.PrimitiveTypes.Float32},
		{`"double"`, arrow.PrimitiveTypes.Float64},
		{`"string"`, arrow.BinaryTypes.String},
		{`"bytes"`, arrow.BinaryTypes.Binary},
		{`"null"`, arrow.Null},
		{`{"type":"fixed","name":"F","size":3}`, arrow.BinaryTypes.Binary},
		{`{"type":"fixed","name":"Dur","size":12,"logicalType":"duration"}`, arrow.BinaryTypes.Binary},
		{`{"type":"enum","name":"E","symbols":["A","B"]}`, arrow.BinaryTypes.String},
		{`{"type":"string","logicalType":"uuid"}`, arrow.BinaryTypes.String},
		{`{"type":"int","logicalType":"date"}`, arrow.FixedWidthTypes.Date32},
		{`{"type":"int","logicalType":"time-millis"}`, arrow.FixedWidthTypes.Time32ms},
		{`{"type":"long","logicalType":"time-micros"}`, arrow.FixedWidthTypes.Time64us},
		{`{"type":"long","logicalType":"timestamp-millis"}`, ts(arrow.Millisecond, "UTC")},
		{`{"type":"long","logicalType":"timestamp-micros"}`, ts(arrow.Microsecond, "UTC")},
		{`{"type":"long","logicalType":"local-timestamp-millis"}`, ts(arrow.Millisecond, "")},
		{`{"type":"long","logicalType":"local-timestamp-micros"}`, ts(arrow.Microsecond, "")},
		{`{"type":"bytes","logicalType":"decimal","precision":38,"scale":9}`, &arrow.Decimal128Type{Precision: 38, Scale: 9}},
		{`{"type":"fixed","name":"D","size":8,"logicalType":"decimal","precision":18,"scale":0}`, &arrow.Decimal128Type{Precision: 18}},
		// An invalid logical type is ignored, as Avro's specification says.
		{`{"type":"fixed","name":"D","size":2,"logicalType":"decimal","precision":9,"scale":0}`, arrow.BinaryTypes.Binary},
		{`{"type":"int","logicalType":"timestamp-millis"}`, arrow.PrimitiveTypes.Int32},
		{`{"type":"array","items":"long"}`, arrow.ListOfField(nonNull("item", arrow.PrimitiveTypes.Int64))},
		{`{"type":"array","items":["null","long"]}`, arrow.ListOfField(nullable("item", arrow.PrimitiveTypes.Int64))},
		{`{"type":"map","values":"string"}`, arrow.MapOfFields(nonNull("key", arrow.BinaryTypes.String), nonNull("value", arrow.BinaryTypes.String))},
		{`{"type":"map","values":["string","null"]}`, arrow.MapOfFields(nonNull("key", arrow.BinaryTypes.String), nullable("value", arrow.BinaryTypes.String))},
		{`{"type":"record","name":"In","fields":[{"name":"x","type":"int"},{"name":"y","type":["null","string"]}]}`,
			arrow.StructOf(nonNull("x", arrow.PrimitiveTypes.Int32), nullable("y", arrow.BinaryTypes.String))},
		{`["null","string"]`, arrow.BinaryTypes.String},
		{`["string","null"]`, arrow.BinaryTypes.String},
		{`["long"]`, arrow.PrimitiveTypes.Int64},
		{`["null"]`, arrow.Null},
		{`["null","int","string"]`, arrow.StructOf(nullable("member0", arrow.PrimitiveTypes.Int32), nullable("member1", arrow.BinaryTypes.String))},
		{`["int","null","string"]`, arrow.StructOf(nullable("member0", arrow.PrimitiveTypes.Int32), nullable("member1", arrow.BinaryTypes.String))},
		// Spark reads [int, long] as a long; kq keeps the union's STRUCT.
		{`["int","long"]`, arrow.StructOf(nullable("member0", arrow.PrimitiveTypes.Int32), nullable("member1", arrow.PrimitiveTypes.Int64))},
		{`{"type":"record","name":"In","fields":[{"name":"u","type":["null","int",{"type":"array","items":"string"}]}]}`,
			arrow.StructOf(nullable("u", arrow.StructOf(nullable("member0", arrow.PrimitiveTypes.Int32),
				nullable("member1", arrow.ListOfField(nonNull("item", arrow.BinaryTypes.String))))))},
	} {
		t.Run(c.avro, func(t *testing.T) {
			f := mustFormat(t, record(c.avro))
			got := f.Fields()
			if len(got) != 1 || got[0].Name != "f0" || !got[0].Nullable || !arrow.TypeEqual(got[0].Type, c.want) {
				t.Fatalf("got %v, want f0: %v (nullable)", got, c.want)
			}
		})
	}
}

// linkedList is a recursive schema: each node holds the next.
const linkedList = `{"type":"record","name":"Node","fields":[{"name":"value","type":"long"},{"name":"next","type":["null","Node"],"default":null}]}`

func TestFieldsRecursive(t *testing.T) {
	f := mustFormat(t, linkedList)
	// next at level l is a STRUCT of value and next at level l+1, down
	// to level MaxDepth, where it is JSON text.
	var next func(level int) arrow.DataType
	next = func(level int) arrow.DataType {
		if level == MaxDepth {
			return arrow.BinaryTypes.String
		}
		return arrow.StructOf(nonNull("value", arrow.PrimitiveTypes.Int64), nullable("next", next(level+1)))
	}
	want := []arrow.Field{nullable("value", arrow.PrimitiveTypes.Int64), nullable("next", next(1))}
	got := f.Fields()
	if len(got) != 2 || !got[0].Equal(want[0]) || !got[1].Equal(want[1]) {
		t.Fatalf("got  %v\nwant %v", got, want)
	}
	depth := 0
	for typ := got[1].Type; typ.ID() == arrow.STRUCT; typ = typ.(*arrow.StructType).Field(1).Type {
		depth++
	}
	if depth != MaxDepth-1 {
		t.Fatalf("%d levels of STRUCT before the JSON text, want %d", depth, MaxDepth-1)
	}
}

func TestNewFormatErrors(t *testing.T) {
	for _, c := range []struct{ schema, field, reason string }{
		{`"long"`, "", "not a record"},
		{record(`{"type":"record","name":"In","fields":[{"name":"d","type":{"type":"bytes","logicalType":"decimal","precision":39,"scale":2}}]}`),
			"f0.d", "precision 39"},
		{record(`{"type":"array","items":{"type":"fixed","name":"D","size":20,"logicalType":"decimal","precision":40}}`), "f0[]", "precision 40"},
		// More than 2^16 nested types before the cut: a record of 5 fields of its own type, 8 levels deep.
		{`{"type":"record","name":"T","fields":[{"name":"a","type":["null","T"]},{"name":"b","type":["null","T"]},{"name":"c","type":["null","T"]},{"name":"d","type":["null","T"]},{"name":"e","type":["null","T"]}]}`,
			"a", "more than 65536"},
	} {
		s, err := Parse(c.schema)
		if err != nil {
			t.Fatal(err)
		}
		_, err = NewFormat(s)
		var se *SchemaError
		if !errors.As(err, &se) || se.Field != c.field || !strings.Contains(se.Reason, c.reason) {
			t.Errorf("%s: got %v, want a SchemaError of field %q saying %q", c.schema, err, c.field, c.reason)
		}
	}
}

// TestParseNoSharedState checks that a schema cannot use a named type
// another schema defined: hamba's Parse would find it in its
// process-wide cache.
func TestParseNoSharedState(t *testing.T) {
	if _, err := Parse(`{"type":"fixed","name":"kq.test.Shared","size":4}`); err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(record(`"kq.test.Shared"`)); err == nil {
		t.Fatal("a schema used a type parsed before it")
	}
}
