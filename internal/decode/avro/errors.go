package avro

import (
	"fmt"
	"strings"
)

// A SchemaError is a reader schema that cannot be mapped to Arrow, or a
// writer schema that cannot be resolved to the reader schema.
type SchemaError struct {
	Field  string // path of the field, as "order.items[].price"; "" for the whole schema
	Reason string
}

func (e *SchemaError) Error() string {
	if e.Field == "" {
		return "avro: " + e.Reason
	}
	return fmt.Sprintf("avro: field %q: %s", e.Field, e.Reason)
}

func schemaErr(field, format string, args ...any) *SchemaError {
	return &SchemaError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// A PayloadError is a payload that does not decode.
type PayloadError struct {
	Offset int    // byte offset in the payload where decoding failed
	Field  string // path of the field being decoded, "" outside any field
	Reason string
}

func (e *PayloadError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("avro: byte %d: %s", e.Offset, e.Reason)
	}
	return fmt.Sprintf("avro: field %q, byte %d: %s", e.Field, e.Offset, e.Reason)
}

func payloadErr(offset int, format string, args ...any) *PayloadError {
	return &PayloadError{Offset: offset, Reason: fmt.Sprintf(format, args...)}
}

// within prefixes the path of a payload error with seg, the field (or
// "[]" for array items, "{}" for map values) it was found in.
func within(err error, seg string) error {
	if e, ok := err.(*PayloadError); ok {
		e.Field = join(seg, e.Field)
	}
	return err
}

// join joins two parts of a field path.
func join(parent, child string) string {
	switch {
	case parent == "":
		return child
	case child == "":
		return parent
	case strings.HasPrefix(child, "[]") || strings.HasPrefix(child, "{}"):
		return parent + child
	}
	return parent + "." + child
}
