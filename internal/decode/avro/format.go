package avro

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	hamba "github.com/hamba/avro/v2"

	"github.com/kq-sql/kq/internal/decode"
)

// Parse parses an Avro schema given as JSON text. Named types resolve
// within the schema only: Parse keeps no state between calls (hamba's own
// Parse registers every named type in a process-wide cache, where a
// schema could pick up a type another schema defined).
func Parse(schema string) (hamba.Schema, error) {
	return hamba.ParseWithCache(schema, "", &hamba.SchemaCache{}) // its errors start with "avro: "
}

// Format is the decode.Format of Avro payloads read with a reader
// schema, a record whose fields are the top-level fields. It is
// immutable and safe for concurrent use; its decoders are not.
type Format struct {
	reader *hamba.RecordSchema
	fields []arrow.Field
}

var _ decode.Format = (*Format)(nil)

// NewFormat returns the Format whose reader schema is reader, which must
// be a record. The error, a *SchemaError, names the field whose type
// cannot be mapped to Arrow (a decimal wider than 38 digits, or a type
// too large once expanded to MaxDepth).
func NewFormat(reader hamba.Schema) (*Format, error) {
	r, ok := deref(reader).(*hamba.RecordSchema)
	if !ok {
		return nil, schemaErr("", "the reader schema is %s, not a record", describe(reader))
	}
	f := &Format{reader: r, fields: make([]arrow.Field, len(r.Fields()))}
	for i, rf := range r.Fields() {
		t := typer{field: rf.Name()}
		typ, _, err := t.column(rf.Type(), 1, rf.Name())
		if err != nil {
			return nil, err
		}
		f.fields[i] = arrow.Field{Name: rf.Name(), Type: typ, Nullable: true}
	}
	return f, nil
}

// Fields returns the reader schema's fields as Arrow fields, all
// nullable, in schema order. The slice is the caller's.
func (f *Format) Fields() []arrow.Field {
	return append([]arrow.Field(nil), f.fields...)
}

// Decoder returns a decoder of the fields at idx (increasing indexes
// into Fields) from payloads written with the reader schema itself.
func (f *Format) Decoder(idx []int) (decode.RowDecoder, error) {
	return f.DecoderFor(f.reader, idx)
}

// DecoderFor returns a decoder of the fields at idx (increasing indexes
// into Fields) from payloads written with schema writer, resolved to the
// reader schema by Avro's rules: fields match by name or reader alias;
// reader fields missing from the writer take their defaults; writer
// fields missing from the reader are skipped; int promotes to long,
// float and double, long to float and double, float to double, string
// and bytes to each other; enum symbols match by name, a symbol the
// reader lacks becoming the reader's default or, without one, a decode
// error; a writer union is resolved member by member, a member that does
// not resolve being a decode error when a payload selects it; a value
// read as a union goes to the first member of its type (and name), else
// the first it promotes to. Named types match by unqualified name or
// reader alias, fixed types also by size; decimals must have the same
// scale. The schemas are resolved as a whole, projected fields or not:
// what does not resolve, including a reader field with no default that
// the writer lacks, is a *SchemaError naming the field.
func (f *Format) DecoderFor(writer hamba.Schema, idx []int) (decode.RowDecoder, error) {
	for k, i := range idx {
		if i < 0 || i >= len(f.fields) || (k > 0 && i <= idx[k-1]) {
			return nil, fmt.Errorf("avro: field indexes %v are not increasing indexes below %d", idx, len(f.fields))
		}
	}
	w, ok := deref(writer).(*hamba.RecordSchema)
	if !ok {
		return nil, schemaErr("", "the writer schema is %s, not a record", describe(writer))
	}
	top, err := newCompiler().program(w, f.reader, idx)
	if err != nil {
		return nil, err
	}
	d := &decoder{top: top, types: make([]arrow.DataType, len(idx)), bound: make([]array.Builder, len(idx))}
	for k, i := range idx {
		d.types[k] = f.fields[i].Type
	}
	return d, nil
}
