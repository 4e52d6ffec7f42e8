package decode

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Format is a schema-driven value format (Avro, Protobuf): the reader
// schema's top-level fields as Arrow fields, and decoders that append a
// chosen subset of them to Arrow builders. Formats are made once per scan
// and are safe for concurrent use; their decoders are not.
type Format interface {
	// Fields returns the top-level fields of the reader schema, in schema
	// order, each nullable, with the Arrow type the field decodes to.
	Fields() []arrow.Field
	// Decoder returns a decoder of the fields at idx (indexes into
	// Fields, increasing); the fields not listed are skipped without
	// being materialized.
	Decoder(idx []int) (RowDecoder, error)
}

// RowDecoder decodes the payloads of one Format into Arrow builders. It is
// used by one goroutine.
type RowDecoder interface {
	// Decode decodes one payload (never nil) and appends exactly one
	// value to each builder of bs: the builders of the fields the decoder
	// was made for, in that order, of the types Fields gave. When the
	// payload does not decode it returns the error and appends nothing
	// to any builder.
	Decode(data []byte, bs []array.Builder) error
}
