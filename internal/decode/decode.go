package decode

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/kq-sql/kq/internal/plan"
)

// FieldArrowType returns the Arrow type of a decoded JSON field.
func FieldArrowType(t plan.FieldType) (arrow.DataType, error) {
	switch t {
	case plan.TypeBigint:
		return arrow.PrimitiveTypes.Int64, nil
	case plan.TypeInteger:
		return arrow.PrimitiveTypes.Int32, nil
	case plan.TypeDouble:
		return arrow.PrimitiveTypes.Float64, nil
	case plan.TypeVarchar, plan.TypeJSON:
		return arrow.BinaryTypes.String, nil
	case plan.TypeBoolean:
		return arrow.FixedWidthTypes.Boolean, nil
	case plan.TypeTimestamp:
		return TimestampType, nil
	}
	return nil, fmt.Errorf("unknown field type %q", t)
}

// value is one converted field value, before it is appended.
type value struct {
	null bool
	i    int64
	f    float64
	b    bool
	s    []byte
}

// convert turns a slot into the field's type.
func (c *fieldCol) convert(s *jsonSlot, v *value) error {
	*v = value{}
	if s.kind == jsonMissing || s.kind == jsonNull {
		v.null = true
		return nil
	}
	var err error
	switch c.f.Type {
	case plan.TypeBigint, plan.TypeInteger, plan.TypeTimestamp:
		switch {
		case s.kind == jsonNumber && c.f.Type == plan.TypeTimestamp:
			// Epoch milliseconds, as Kafka's timestamps; the column is in
			// microseconds (TimestampType).
			if v.i, err = jsonInt(s.raw); err == nil {
				if v.i > math.MaxInt64/1000 || v.i < math.MinInt64/1000 {
					err = errors.New("out of the TIMESTAMP range")
				}
				v.i *= 1000
			}
		case s.kind == jsonNumber:
			v.i, err = jsonInt(s.raw)
		case s.kind == jsonString && c.f.Type == plan.TypeTimestamp:
			v.i, err = parseTimestamp(s.content())
		case s.kind == jsonString && !s.esc:
			v.i, err = jsonInt(s.content()) // "123": a number in a string
		default:
			err = errWrongKind
		}
		if err == nil && c.f.Type == plan.TypeInteger && (v.i < math.MinInt32 || v.i > math.MaxInt32) {
			err = errors.New("out of the INTEGER range")
		}
	case plan.TypeDouble:
		switch {
		case s.kind == jsonNumber:
			v.f, err = jsonFloat(s.raw)
		case s.kind == jsonString && !s.esc:
			v.f, err = jsonFloat(s.content())
		default:
			err = errWrongKind
		}
	case plan.TypeBoolean:
		switch {
		case s.kind == jsonBool:
			v.b = s.raw[0] == 't'
		case s.kind == jsonString && (string(s.content()) == "true" || string(s.content()) == "false"):
			v.b = s.content()[0] == 't'
		default:
			err = errWrongKind
		}
	case plan.TypeVarchar:
		switch {
		case s.kind == jsonString && s.esc:
			c.buf = unescape(c.buf[:0], s.content())
			v.s = c.buf
		case s.kind == jsonString:
			v.s = s.content()
		default: // numbers, booleans, nested values: their JSON text
			v.s = s.raw
		}
		// Escapes decode to UTF-8 and the scanner noted any other
		// byte >= 0x80: only such strings need a check.
		if s.high && !utf8.Valid(v.s) {
			err = errors.New("invalid UTF-8")
		}
	case plan.TypeJSON:
		v.s = s.raw
		if s.high && !utf8.Valid(v.s) {
			err = errors.New("invalid UTF-8")
		}
	}
	if err != nil {
		return fmt.Errorf("field %s (%s): %w: %s", c.f.Name, c.f.Type, err, excerpt(s.raw))
	}
	return nil
}

// appendJSON appends s converted to the field's type in the common cases
// that cannot fail but by their parse (a plain string as VARCHAR, a
// number as DOUBLE or BIGINT, a string as TIMESTAMP) and reports whether
// it did; otherwise, a parse error included, it appends nothing, and
// convert decides (and words the error). It is Decode's fast path: no
// value in between, no switch on the storage.
func (c *fieldCol) appendJSON(s *jsonSlot) bool {
	if s.kind == jsonMissing || s.kind == jsonNull {
		c.appendNull()
		return true
	}
	switch c.f.Type {
	case plan.TypeVarchar:
		if s.kind == jsonString && !s.esc && !s.high {
			c.appendBytes(s.content())
			return true
		}
	case plan.TypeDouble:
		if s.kind == jsonNumber {
			if f, ok := exactFloat(s.raw); ok {
				c.appendInt(int64(math.Float64bits(f)))
				return true
			}
		}
	case plan.TypeBigint:
		if s.kind == jsonNumber {
			if n, err := jsonInt(s.raw); err == nil {
				c.appendInt(n)
				return true
			}
		}
	case plan.TypeTimestamp:
		if s.kind == jsonString {
			if us, err := parseTimestamp(s.content()); err == nil {
				c.appendInt(us)
				return true
			}
		}
	}
	return false
}

var errWrongKind = errors.New("wrong JSON type")

// Excerpt quotes the start of a value (40 bytes) for an error message.
func Excerpt(b []byte) string { return excerpt(b) }

// excerpt quotes the start of a JSON text for an error message.
func excerpt(b []byte) string {
	const n = 40
	if len(b) > n {
		return strconv.Quote(string(b[:n])) + "..."
	}
	return strconv.Quote(string(b))
}

// Decoder decodes one part (key or value) of a record, in one format, into
// the fields a query reads. The JSON decoder is one; every value format
// implements it. A Decoder is used by one worker goroutine.
type Decoder interface {
	// Decode decodes data (never nil) and appends exactly one value to
	// each column of cols, the part's fields in the order the Decoder
	// was made with. When data does not decode it returns the error and
	// leaves cols as they were; the caller appends NULLs.
	Decode(data []byte, cols []fieldCol) error
}

// newDecoder returns the Decoder of format for fields.
func newDecoder(format plan.RecordFormat, fields []plan.Field) (Decoder, error) {
	switch format {
	case plan.FormatJSON:
		return newJSONDecoder(fields), nil
	}
	return nil, fmt.Errorf("no decoder for format %q", format)
}

// partDecoder builds the columns of a record's value (or key): the
// value column itself when it is projected, typed per the format, and the
// decoded fields through the format's Decoder.
type partDecoder struct {
	part   plan.Part
	format plan.RecordFormat
	whole  *fieldCol // the value (key) column itself, nil when not projected
	text   bool      // whole is VARCHAR: its bytes must be UTF-8
	cols   []fieldCol
	dec    Decoder // made at the first record, once every field is added
	spec   PartSpec

	// A schema-driven part (spec.Schema): rows decodes the fields at
	// fmtIdx of the Format into the builders bs.
	fmtIdx []int
	bs     []array.Builder
	rows   RowDecoder

	// track keeps valid, one entry per row since the last flush: the
	// value decoded (false for a null or undecodable value), for the
	// validity of the part's STRUCT column.
	track bool
	valid []bool
}

// validity returns the validity bitmap of the last n rows (nil when all
// are valid) and the number of nulls.
func (d *partDecoder) validity(mem memory.Allocator, n int) (*memory.Buffer, int) {
	nulls := 0
	for _, v := range d.valid[:n] {
		if !v {
			nulls++
		}
	}
	if nulls == 0 {
		return nil, 0
	}
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(int(bitutil.BytesForBits(int64(n))))
	bits := buf.Bytes()
	clear(bits)
	for i, v := range d.valid[:n] {
		if v {
			bitutil.SetBit(bits, i)
		}
	}
	return buf, nulls
}

func newPartDecoder(part plan.Part, format plan.RecordFormat, spec PartSpec) *partDecoder {
	return &partDecoder{part: part, format: format, spec: spec}
}

// setWhole adds the value (key) column itself, of type dt (BLOB or
// VARCHAR), and returns it.
func (d *partDecoder) setWhole(dt arrow.DataType) *fieldCol {
	c := newFieldCol(plan.Field{Name: string(d.part), Type: plan.TypeVarchar}, dt)
	d.whole, d.text = &c, dt.ID() == arrow.STRING
	return d.whole
}

// addField adds a field to decode into an array of type dt and returns
// its index in d.cols.
func (d *partDecoder) addField(f plan.Field, dt arrow.DataType) int {
	d.cols = append(d.cols, newFieldCol(f, dt))
	return len(d.cols) - 1
}

// append appends data (nil for a null value or key) to the columns. It
// returns the decode error, if any, after appending NULLs for what did
// not decode.
func (d *partDecoder) append(data []byte) error {
	err := d.appendData(data)
	if d.track {
		d.valid = append(d.valid, data != nil && err == nil)
	}
	return err
}

func (d *partDecoder) appendData(data []byte) error {
	var err error
	switch {
	case d.whole == nil:
	case data == nil:
		d.whole.appendNull()
	case d.text && !utf8.Valid(data):
		d.whole.appendNull()
		err = errors.New("invalid UTF-8")
	default:
		d.whole.appendBytes(data)
	}
	if len(d.cols) == 0 && d.rows == nil {
		return err
	}
	if data != nil && err == nil && d.spec.Unwrap != nil {
		data, err = d.spec.Unwrap(data)
	}
	if data == nil || err != nil {
		d.appendNulls()
		return err
	}
	if d.rows != nil {
		if err := d.rows.Decode(data, d.bs); err != nil {
			d.appendNulls()
			return err
		}
		return nil
	}
	if d.dec == nil {
		fields := make([]plan.Field, len(d.cols))
		for i := range d.cols {
			fields[i] = d.cols[i].f
		}
		if d.dec, err = newDecoder(d.format, fields); err != nil {
			return err
		}
	}
	if err := d.dec.Decode(data, d.cols); err != nil {
		d.appendNulls()
		return err
	}
	return nil
}

func (d *partDecoder) appendNulls() {
	for i := range d.cols {
		d.cols[i].appendNull()
	}
	for _, b := range d.bs {
		b.AppendNull()
	}
}

// DecodeError says a record's value or key did not decode while
// onDecodeError='fail'.
type DecodeError struct {
	Topic     string
	Partition int32
	Offset    int64
	// Part is the part that did not decode.
	Part plan.Part
	Err  error
}

// Error implements error.
func (e *DecodeError) Error() string {
	return fmt.Sprintf("cannot decode the %s of %s-%d at offset %d: %v (onDecodeError='fail'; the default 'null' gives NULL fields and counts decodeErrors)",
		e.Part, e.Topic, e.Partition, e.Offset, e.Err)
}

// Unwrap returns the decoding error.
func (e *DecodeError) Unwrap() error { return e.Err }
