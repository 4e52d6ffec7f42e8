package avro

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	hamba "github.com/hamba/avro/v2"
)

// A node is one compiled step of a program: it reads one value of the
// writer's type from the binary encoding and, by its mode, skips it,
// appends it to an Arrow builder as the reader's type, or renders it as
// JSON text. A program is compiled once per (writer, reader, projection)
// and walked twice per payload: check validates, put appends.
type node struct {
	kind kind // the writer type's encoding
	mode mode
	col  col // mArrow, mJSON: the reader type's representation

	utf8  bool // kBytes: the bytes must be UTF-8 (they go to a Utf8 column or JSON)
	empty bool // kArray: an item can be encoded in zero bytes (see maxEmptyItems)
	size  int  // kFixed: the size
	count int  // kEnum: the writer's symbol count

	prec, scale int32          // cDecimal
	unit        arrow.TimeUnit // cTimestamp
	local       bool           // cTimestamp: local time, no zone

	syms     [][]byte // kEnum, not mSkip: the reader's symbol per writer symbol, nil if none
	fields   []field  // kRecord: the writer's fields, in encoding order
	defs     []deflt  // kRecord: the reader's fields missing from the writer
	names    [][]byte // kRecord, mJSON: `"name":` of each reader field, in reader order
	top      bool     // kRecord: the top-level record, whose fields go to the decoder's builders
	elem     *node    // kArray: the items; kMap: the values
	branches []*node  // kUnion: per writer member; nil if it does not resolve
	errs     []error  // kUnion: why a nil branch does not resolve

	json     *node // mCut: renders the value
	nullable bool  // mCut: a null value is NULL rather than the text null

	wrap *wrap // mArrow: the value is a member of a reader union STRUCT
	out  sink  // mArrow, mCut: the bound builder

	err error // mJSON: compiling this node failed (see compiler.settle)
}

// kind is how a writer type is encoded.
type kind uint8

const (
	kNull kind = iota
	kBoolean
	kInt
	kLong
	kFloat
	kDouble
	kBytes // bytes and string: a long length, then the bytes
	kFixed
	kEnum
	kArray
	kMap
	kRecord
	kUnion
)

func kindOf(w hamba.Schema) kind {
	switch deref(w).Type() {
	case hamba.Boolean:
		return kBoolean
	case hamba.Int:
		return kInt
	case hamba.Long:
		return kLong
	case hamba.Float:
		return kFloat
	case hamba.Double:
		return kDouble
	case hamba.Bytes, hamba.String:
		return kBytes
	case hamba.Fixed:
		return kFixed
	case hamba.Enum:
		return kEnum
	case hamba.Array:
		return kArray
	case hamba.Map:
		return kMap
	case hamba.Record, hamba.Error:
		return kRecord
	case hamba.Union:
		return kUnion
	}
	return kNull
}

// mode is what a node does with the value it reads.
type mode uint8

const (
	mSkip  mode = iota // nothing: the value is not projected
	mArrow             // append it to the builder of the reader type
	mJSON              // render it as JSON text
	mCut               // append its JSON text to a Utf8 builder (see MaxDepth)
)

// col is how a reader type is appended to Arrow (and rendered as JSON).
type col uint8

const (
	cNull col = iota
	cBool
	cInt32
	cDate32
	cTime32
	cInt64
	cTime64
	cTimestamp
	cFloat32
	cFloat64
	cString
	cBinary
	cDecimal
	cStruct
	cList
	cMap
)

// A field is a writer field of a record node.
type field struct {
	name string // the writer's name, for errors
	node *node
	out  int // the reader field's builder: its index in the STRUCT, or in the decoder's builders for the top-level record; -1 when skipped
}

// A deflt is a reader field filled from its default.
type deflt struct {
	node *node
	data []byte // the default, Avro-encoded
	out  int
}

// wrap puts a value in a member of a reader union STRUCT: the STRUCT is
// valid, the member holds the value, the other members are NULL.
type wrap struct {
	k      int // the member; -1 when the value is null (the whole STRUCT is NULL)
	st     *array.StructBuilder
	others []array.Builder
}

// sink is the builder a node appends to, typed once when it is bound.
type sink struct {
	any  array.Builder
	bo   *array.BooleanBuilder
	i32  *array.Int32Builder
	d32  *array.Date32Builder
	t32  *array.Time32Builder
	i64  *array.Int64Builder
	t64  *array.Time64Builder
	ts   *array.TimestampBuilder
	f32  *array.Float32Builder
	f64  *array.Float64Builder
	str  *array.BinaryBuilder // of a StringBuilder
	bin  *array.BinaryBuilder
	dec  *array.Decimal128Builder
	st   *array.StructBuilder
	list *array.ListBuilder
	mp   *array.MapBuilder
	key  *array.BinaryBuilder // of the map's key StringBuilder
}
