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
	ck   ck // what check does: kind, mode, col and flags in one switch
	pt   pt // what put does
	kind kind
	mode mode
	col  col // mArrow, mJSON: the reader type's representation

	utf8  bool // kBytes: the bytes must be UTF-8 (they go to a Utf8 column or JSON)
	empty bool // kArray: an item can be encoded in zero bytes (see maxEmptyItems)
	local bool // cTimestamp: local time, no zone
	size  int  // kFixed: the size
	count int  // kEnum: the writer's symbol count

	wrap *wrap // mArrow: the value is a member of a reader union STRUCT
	out  sink  // mArrow, mCut: the bound builder

	prec, scale int32          // cDecimal
	unit        arrow.TimeUnit // cTimestamp

	syms     [][]byte // kEnum, not mSkip: the reader's symbol per writer symbol, nil if none
	fields   []field  // kRecord: the writer's fields, in encoding order
	defs     []deflt  // kRecord: the reader's fields missing from the writer
	names    [][]byte // kRecord, mJSON: `"name":` of each reader field, in reader order
	ordered  bool     // kRecord, mJSON: the fields, then the defaults, come in the reader's order
	top      bool     // kRecord: the top-level record, whose fields go to the decoder's builders
	used     int      // the top-level record: fields[used:] are all skipped
	elem     *node    // kArray: the items; kMap: the values
	branches []*node  // kUnion: per writer member; nil if it does not resolve
	errs     []error  // kUnion: why a nil branch does not resolve

	json     *node // mCut: renders the value
	nullable bool  // mCut: a null value is NULL rather than the text null

	err error // mJSON: compiling this node failed (see compiler.settle)
}

// ck is what the first pass does with a value.
type ck uint8

const (
	ckNull         ck = iota
	ckBool            // a byte, 0 or 1
	ckInt             // a varint in the range of int32
	ckLong            // a varint
	ckFloat           // 4 bytes
	ckDouble          // 8 bytes
	ckBytes           // a length and the bytes
	ckUTF8            // a length and UTF-8 bytes
	ckDecimal         // a length and a decimal that fits its precision
	ckFixed           // size bytes
	ckFixedDecimal    // size bytes of a decimal that fits its precision
	ckEnumIndex       // an index below count
	ckEnum            // an index below count with a reader symbol
	ckArray           // blocks of items
	ckMap             // blocks of a key and a value
	ckRecord          // the fields
	ckUnion           // an index, then the value of that branch
	ckCut             // the value of json
)

// pt is what the second pass does with a value.
type pt uint8

const (
	ptSkip         pt = iota
	ptNull            // AppendNull
	ptBool            // a byte to a Boolean
	ptInt32           // an int to an Int32
	ptDate32          // an int to a Date32
	ptTime32          // an int to a Time32
	ptInt64           // an int or a long to an Int64
	ptTime64          // a long to a Time64
	ptTimestamp       // a long to a Timestamp
	ptLongFloat32     // an int or a long to a Float32
	ptLongFloat64     // an int or a long to a Float64
	ptFloat32         // a float to a Float32
	ptFloatFloat64    // a float to a Float64
	ptFloat64         // a double to a Float64
	ptString          // bytes to a Utf8
	ptBinary          // bytes to a Binary
	ptDecimal         // bytes to a Decimal128
	ptFixedBinary     // a fixed to a Binary
	ptFixedDecimal    // a fixed to a Decimal128
	ptEnum            // an index to its reader symbol in a Utf8
	ptList            // items to a List
	ptMap             // entries to a Map
	ptRecord          // fields to a STRUCT (or the decoder's builders)
	ptUnion           // the branch of the index
	ptCut             // JSON text to a Utf8
)

// setOps sets what the two passes do with n, from its other fields.
func (n *node) setOps() {
	if n.mode == mCut {
		n.ck, n.pt = ckCut, ptCut
		return
	}
	decoded := n.mode != mSkip
	switch n.kind {
	case kNull:
		n.ck, n.pt = ckNull, ptNull
	case kBoolean:
		n.ck, n.pt = ckBool, ptBool
	case kInt, kLong:
		n.ck = ckLong
		if n.kind == kInt {
			n.ck = ckInt
		}
		switch n.col {
		case cInt32:
			n.pt = ptInt32
		case cDate32:
			n.pt = ptDate32
		case cTime32:
			n.pt = ptTime32
		case cInt64:
			n.pt = ptInt64
		case cTime64:
			n.pt = ptTime64
		case cTimestamp:
			n.pt = ptTimestamp
		case cFloat32:
			n.pt = ptLongFloat32
		case cFloat64:
			n.pt = ptLongFloat64
		}
	case kFloat:
		n.ck, n.pt = ckFloat, ptFloatFloat64
		if n.col == cFloat32 {
			n.pt = ptFloat32
		}
	case kDouble:
		n.ck, n.pt = ckDouble, ptFloat64
	case kBytes:
		n.ck, n.pt = ckBytes, ptBinary
		switch {
		case n.utf8:
			n.ck, n.pt = ckUTF8, ptString
		case n.col == cDecimal:
			n.pt = ptDecimal
			if n.mode == mArrow {
				n.ck = ckDecimal
			}
		}
	case kFixed:
		n.ck, n.pt = ckFixed, ptFixedBinary
		if n.col == cDecimal {
			n.pt = ptFixedDecimal
			if n.mode == mArrow {
				n.ck = ckFixedDecimal
			}
		}
	case kEnum:
		n.ck, n.pt = ckEnumIndex, ptEnum
		if decoded {
			n.ck = ckEnum
		}
	case kArray:
		n.ck, n.pt = ckArray, ptList
	case kMap:
		n.ck, n.pt = ckMap, ptMap
	case kRecord:
		n.ck, n.pt = ckRecord, ptRecord
	case kUnion:
		n.ck, n.pt = ckUnion, ptUnion
	}
	if !decoded {
		n.pt = ptSkip
	}
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
