package protobuf

import (
	"errors"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// ErrUnknownMessage is wrapped by Message's error when no compiled file
// defines the message asked for.
var ErrUnknownMessage = errors.New("unknown message")

// PayloadError is a payload that is not a valid encoding of the message:
// Offset is the byte of the payload where decoding stopped, Field the
// known field being read there (empty between fields and in unknown
// fields), Reason what is wrong.
type PayloadError struct {
	Offset int
	Field  protoreflect.FullName
	Reason string
}

func (e *PayloadError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("protobuf payload: offset %d: field %s: %s", e.Offset, e.Field, e.Reason)
	}
	return fmt.Sprintf("protobuf payload: offset %d: %s", e.Offset, e.Reason)
}

func payloadError(off int, f *fieldInfo, format string, args ...any) *PayloadError {
	e := &PayloadError{Offset: off, Reason: fmt.Sprintf(format, args...)}
	if f != nil {
		e.Field = f.fd.FullName()
	}
	return e
}

// wireTypeName names a wire type as the encoding guide does.
func wireTypeName(t protowire.Type) string {
	switch t {
	case protowire.VarintType:
		return "varint"
	case protowire.Fixed64Type:
		return "fixed64"
	case protowire.BytesType:
		return "length-delimited"
	case protowire.StartGroupType:
		return "start group"
	case protowire.EndGroupType:
		return "end group"
	case protowire.Fixed32Type:
		return "fixed32"
	}
	return fmt.Sprintf("%d (reserved)", t)
}
