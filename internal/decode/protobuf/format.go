package protobuf

import (
	"errors"
	"fmt"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/kq-sql/kq/internal/decode"
)

// RecursionDepth is how many times a message type may occur on a path
// from the top-level message (included) and still be a STRUCT: the field
// that would hold its next occurrence is VARCHAR holding the protojson
// text of the submessage instead.
const RecursionDepth = 8

// maxFields bounds the fields of a Format, nested ones included, after
// recursive types are expanded to RecursionDepth (a message with several
// recursive fields multiplies at every level).
const maxFields = 1 << 15

// Format is a Protobuf message type as a decode.Format: its fields are
// the message's fields (a oneof is one field, a STRUCT of its members),
// its decoders read payloads of the message by field number. A Format is
// safe for concurrent use.
type Format struct {
	md     protoreflect.MessageDescriptor
	root   *msgSpec
	fields []arrow.Field

	typesOnce sync.Once
	types     *dynamicpb.Types // for protojson text, see resolver
}

var _ decode.Format = (*Format)(nil)

// NewFormat returns the Format whose columns are md's fields: md is the
// reader schema, payloads written with other versions of it decode by
// field number.
func NewFormat(md protoreflect.MessageDescriptor) (*Format, error) {
	if md == nil {
		return nil, errors.New("protobuf format: no message")
	}
	e := &expander{infos: infoSet{}, seen: map[protoreflect.FullName]int{}}
	root, err := e.message(md)
	if err != nil {
		return nil, err
	}
	return &Format{md: md, root: root, fields: root.fields}, nil
}

// Fields returns the columns, in the message's field order (a oneof at
// its first member), each nullable. The slice must not be modified.
func (f *Format) Fields() []arrow.Field { return f.fields }

// Decoder returns a decoder of the columns at idx (increasing indexes
// into Fields). Payloads are the serialized message without any header.
// Fields a writer had that the reader lacks are skipped; fields missing
// from a payload are NULL when they have presence (proto2 and proto3
// optional scalars, messages, wrappers, Timestamp, Duration, oneofs) and
// their defaults otherwise (0, "", false, the enum's zero value, empty
// list and map).
func (f *Format) Decoder(idx []int) (decode.RowDecoder, error) {
	for k, i := range idx {
		if i < 0 || i >= len(f.root.cols) {
			return nil, fmt.Errorf("protobuf decoder: column %d out of range [0, %d)", i, len(f.root.cols))
		}
		if k > 0 && i <= idx[k-1] {
			return nil, fmt.Errorf("protobuf decoder: columns %v not increasing", idx)
		}
	}
	return newDecoder(f, idx), nil
}

// cardinality says whether a column holds one value, a list or a map.
type cardinality uint8

const (
	cardOne cardinality = iota
	cardList
	cardMap
)

// kind is how one value is read from the wire and appended. The order
// matters: the kinds up to kEnum are numbers (packable), those after
// kBytes are messages.
type kind uint8

const (
	kInt32     kind = iota + 1 // varint, truncated to 32 bits
	kSint32                    // zigzag varint
	kSfixed32                  // fixed32
	kInt64                     // varint
	kSint64                    // zigzag varint
	kSfixed64                  // fixed64
	kUint32                    // varint, truncated to 32 bits
	kFixed32                   // fixed32
	kUint64                    // varint
	kFixed64                   // fixed64
	kFloat                     // fixed32
	kDouble                    // fixed64
	kBool                      // varint, not 0
	kEnum                      // varint: the value's name
	kString                    // length-delimited
	kBytes                     // length-delimited
	kMessage                   // a STRUCT of the message's fields
	kTimestamp                 // google.protobuf.Timestamp
	kDuration                  // google.protobuf.Duration
	kWrapper                   // google.protobuf.*Value: its value field
	kJSON                      // a message past RecursionDepth: protojson text
)

// number reports whether k is a number, which repeated fields may pack.
func (k kind) number() bool { return k <= kEnum }

// message reports whether k is read from a message.
func (k kind) message() bool { return k > kBytes }

// size returns the size of a fixed-size number kind, 0 for others.
func (k kind) size() int {
	switch k {
	case kSfixed32, kFixed32, kFloat:
		return 4
	case kSfixed64, kFixed64, kDouble:
		return 8
	}
	return 0
}

// msgSpec is how a message decodes: its columns, each a field or a oneof.
type msgSpec struct {
	info   *msgInfo
	cols   []*colSpec
	fields []arrow.Field // the columns as Arrow fields
}

// colSpec is one column of a message: a field, or a oneof (fi < 0).
type colSpec struct {
	field    arrow.Field
	fi       int // index in msgInfo.fields, -1 for a oneof
	card     cardinality
	presence bool     // NULL when missing, else the default
	val      *valSpec // the value, the list's element or the map's value
	key      *valSpec // a map's key
	oneof    int32    // the oneof's index among the real ones
	members  []*colSpec
}

// valSpec is how one value decodes.
type valSpec struct {
	kind  kind
	dt    arrow.DataType
	inner kind                           // kWrapper: the kind of its value
	utf8  bool                           // a string validated before appending
	enum  *enumNames                     // kEnum, or a wrapper or map of one
	msg   *msgSpec                       // kMessage
	md    protoreflect.MessageDescriptor // kJSON
	info  *msgInfo                       // message kinds
}

// expander builds msgSpecs, expanding recursive types up to
// RecursionDepth.
type expander struct {
	infos  infoSet
	seen   map[protoreflect.FullName]int // occurrences on the current path
	fields int
}

func (e *expander) message(md protoreflect.MessageDescriptor) (*msgSpec, error) {
	e.seen[md.FullName()]++
	defer func() { e.seen[md.FullName()]-- }()
	ms := &msgSpec{info: e.infos.get(md)}
	done := make([]bool, ms.info.oneofs)
	fs := md.Fields()
	for i := 0; i < fs.Len(); i++ {
		fd := fs.Get(i)
		var c *colSpec
		var err error
		if oi := ms.info.fields[i].oneof; oi >= 0 {
			if done[oi] {
				continue
			}
			done[oi] = true
			c, err = e.oneof(fd.ContainingOneof(), oi)
		} else {
			c, err = e.field(fd)
		}
		if err != nil {
			return nil, err
		}
		if c != nil {
			ms.cols = append(ms.cols, c)
			ms.fields = append(ms.fields, c.field)
		}
	}
	return ms, nil
}

// oneof returns the column of a oneof, nil when all its members are of
// empty message types.
func (e *expander) oneof(od protoreflect.OneofDescriptor, index int32) (*colSpec, error) {
	c := &colSpec{fi: -1, oneof: index, presence: true}
	var fields []arrow.Field
	for j := 0; j < od.Fields().Len(); j++ {
		m, err := e.field(od.Fields().Get(j))
		if err != nil {
			return nil, err
		}
		if m != nil {
			c.members = append(c.members, m)
			fields = append(fields, m.field)
		}
	}
	if len(fields) == 0 {
		return nil, nil
	}
	c.field = arrow.Field{Name: string(od.Name()), Type: arrow.StructOf(fields...), Nullable: true}
	return c, e.count()
}

// field returns the column of a field, nil when it is of an empty
// message type (or a list or map of one): a STRUCT needs a field.
func (e *expander) field(fd protoreflect.FieldDescriptor) (*colSpec, error) {
	c := &colSpec{fi: fd.Index(), presence: fd.HasPresence()}
	var err error
	switch {
	case fd.IsMap():
		c.card = cardMap
		if c.key, err = e.value(fd.MapKey()); err != nil {
			return nil, err
		}
		if c.val, err = e.value(fd.MapValue()); c.val == nil || err != nil {
			return nil, err
		}
		c.field.Type = arrow.MapOf(c.key.dt, c.val.dt)
	case fd.IsList():
		c.card = cardList
		if c.val, err = e.value(fd); c.val == nil || err != nil {
			return nil, err
		}
		c.field.Type = arrow.ListOf(c.val.dt)
	default:
		if c.val, err = e.value(fd); c.val == nil || err != nil {
			return nil, err
		}
		c.field.Type = c.val.dt
	}
	c.field.Name = string(fd.Name())
	c.field.Nullable = true
	return c, e.count()
}

func (e *expander) count() error {
	if e.fields++; e.fields > maxFields {
		return fmt.Errorf("protobuf format: more than %d fields once recursive types are expanded to depth %d", maxFields, RecursionDepth)
	}
	return nil
}

// value returns how a value of fd's type decodes, nil for an empty
// message type.
func (e *expander) value(fd protoreflect.FieldDescriptor) (*valSpec, error) {
	k := fd.Kind()
	if k != protoreflect.MessageKind && k != protoreflect.GroupKind {
		v := scalar(k)
		v.utf8 = k == protoreflect.StringKind && enforceUTF8(fd)
		if k == protoreflect.EnumKind {
			v.enum = newEnumNames(fd.Enum())
		}
		return v, nil
	}
	md := fd.Message()
	info := e.infos.get(md)
	if v := wellKnown(md); v != nil {
		v.info = info
		return v, nil
	}
	if e.seen[md.FullName()] >= RecursionDepth {
		return &valSpec{kind: kJSON, dt: arrow.BinaryTypes.String, md: md, info: info}, nil
	}
	ms, err := e.message(md)
	if err != nil || len(ms.cols) == 0 {
		return nil, err
	}
	return &valSpec{kind: kMessage, dt: arrow.StructOf(ms.fields...), msg: ms, info: info}, nil
}

// scalar returns the valSpec of a scalar kind.
func scalar(k protoreflect.Kind) *valSpec {
	switch k {
	case protoreflect.Int32Kind:
		return &valSpec{kind: kInt32, dt: arrow.PrimitiveTypes.Int32}
	case protoreflect.Sint32Kind:
		return &valSpec{kind: kSint32, dt: arrow.PrimitiveTypes.Int32}
	case protoreflect.Sfixed32Kind:
		return &valSpec{kind: kSfixed32, dt: arrow.PrimitiveTypes.Int32}
	case protoreflect.Int64Kind:
		return &valSpec{kind: kInt64, dt: arrow.PrimitiveTypes.Int64}
	case protoreflect.Sint64Kind:
		return &valSpec{kind: kSint64, dt: arrow.PrimitiveTypes.Int64}
	case protoreflect.Sfixed64Kind:
		return &valSpec{kind: kSfixed64, dt: arrow.PrimitiveTypes.Int64}
	case protoreflect.Uint32Kind:
		return &valSpec{kind: kUint32, dt: arrow.PrimitiveTypes.Uint32}
	case protoreflect.Fixed32Kind:
		return &valSpec{kind: kFixed32, dt: arrow.PrimitiveTypes.Uint32}
	case protoreflect.Uint64Kind:
		return &valSpec{kind: kUint64, dt: arrow.PrimitiveTypes.Uint64}
	case protoreflect.Fixed64Kind:
		return &valSpec{kind: kFixed64, dt: arrow.PrimitiveTypes.Uint64}
	case protoreflect.FloatKind:
		return &valSpec{kind: kFloat, dt: arrow.PrimitiveTypes.Float32}
	case protoreflect.DoubleKind:
		return &valSpec{kind: kDouble, dt: arrow.PrimitiveTypes.Float64}
	case protoreflect.BoolKind:
		return &valSpec{kind: kBool, dt: arrow.FixedWidthTypes.Boolean}
	case protoreflect.EnumKind:
		return &valSpec{kind: kEnum, dt: arrow.BinaryTypes.String}
	case protoreflect.StringKind:
		return &valSpec{kind: kString, dt: arrow.BinaryTypes.String}
	}
	return &valSpec{kind: kBytes, dt: arrow.BinaryTypes.Binary}
}

// timestampType is google.protobuf.Timestamp's column type.
var timestampType = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}

// wellKnown returns the valSpec of the well-known types that decode to a
// scalar (Timestamp, Duration, the wrappers), nil for other messages (and
// for a message of one of their names whose fields are not theirs).
func wellKnown(md protoreflect.MessageDescriptor) *valSpec {
	has := func(num protoreflect.FieldNumber, k protoreflect.Kind) bool {
		fd := md.Fields().ByNumber(num)
		return fd != nil && fd.Kind() == k && !fd.IsList()
	}
	switch md.FullName() {
	case "google.protobuf.Timestamp":
		if has(1, protoreflect.Int64Kind) && has(2, protoreflect.Int32Kind) {
			return &valSpec{kind: kTimestamp, dt: timestampType}
		}
	case "google.protobuf.Duration":
		if has(1, protoreflect.Int64Kind) && has(2, protoreflect.Int32Kind) {
			return &valSpec{kind: kDuration, dt: arrow.FixedWidthTypes.MonthDayNanoInterval}
		}
	case "google.protobuf.DoubleValue", "google.protobuf.FloatValue",
		"google.protobuf.Int64Value", "google.protobuf.UInt64Value",
		"google.protobuf.Int32Value", "google.protobuf.UInt32Value",
		"google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue":
		fd := md.Fields().ByNumber(1)
		if fd == nil || fd.IsList() || fd.Message() != nil || fd.Enum() != nil {
			return nil
		}
		in := scalar(fd.Kind())
		return &valSpec{kind: kWrapper, dt: in.dt, inner: in.kind, utf8: fd.Kind() == protoreflect.StringKind && enforceUTF8(fd)}
	}
	return nil
}
