// Package avro decodes Avro binary payloads into Arrow builders. It
// implements decode.Format for a reader schema, a record whose fields are
// the top-level columns, and compiles, once per writer schema and
// projection, a program that walks the binary encoding and appends to
// typed builders, resolving the writer schema to the reader schema by
// Avro's schema-resolution rules (see Format.DecoderFor).
//
// # Types
//
// Types map to Arrow as Spark's from_avro maps them to SQL:
//
//	record                           STRUCT of its fields (nested)
//	enum, string, uuid               Utf8 (an enum gives its symbol)
//	bytes, fixed (and duration)      Binary
//	int, long                        Int32, Int64
//	float, double                    Float32, Float64
//	boolean                          Boolean
//	null                             Null
//	decimal(p,s), bytes or fixed     Decimal128(p,s), p <= 38 (wider: an error)
//	date                             Date32
//	time-millis, time-micros         Time32(ms), Time64(us)
//	timestamp-millis, -micros        Timestamp(ms or us, "UTC")
//	local-timestamp-millis, -micros  Timestamp(ms or us), no zone
//	map                              Map(Utf8, V)
//	array                            List(V)
//	["null", T], [T, "null"], [T]    T, nullable when null is a member
//	["null"]                         Null
//	any other union                  STRUCT of member0, member1, ...
//
// A union STRUCT has a member per union member but null, in order (Spark's
// names, [int, long] included: Spark reads that one as a long). Exactly
// one member is set per value, the others are NULL; the STRUCT is NULL
// when the value is null. Top-level fields are always nullable (a payload
// that does not decode gives NULLs); nested fields, list items and map
// values are nullable when their type has a null member, union STRUCT
// members always. A logical type on the wrong type, or a decimal whose
// scale exceeds its precision, is ignored, as Avro's specification says.
//
// # Recursion
//
// Nesting is cut at MaxDepth (8) levels: a value at that level whose type
// nests further (a recursive record, most often) decodes to Utf8 holding
// the value as JSON text. The text renders each value the same way
// whatever the writer schema:
//
//   - null: null; boolean: true or false
//   - int, long: the number; float, double: the shortest decimal that
//     reads back to the same value (strconv 'g'), NaN and infinities as
//     the strings "NaN", "Infinity", "-Infinity"
//   - string, uuid, enum: a JSON string (the enum's symbol)
//   - bytes, fixed: a JSON string of their standard base64 encoding
//   - decimal: the exact number with its scale, as 12.30 or -0.05, of any
//     precision
//   - date: "2006-01-02"; time-millis "15:04:05.000", time-micros
//     "15:04:05.000000" (a value outside a day: the number)
//   - timestamp-millis, timestamp-micros: "2006-01-02T15:04:05.000Z" (6
//     fraction digits for micros); local-timestamp-*: the same without Z
//   - record: an object of the reader's fields, in the reader's order
//   - array: an array; map: an object of its entries in encoding order
//   - union: the value of the member written, without a wrapper
//
// A null value at the cut is NULL, not the text null.
//
// # Atomicity
//
// A decoder appends exactly one value to each of its builders per
// payload, or returns an error and appends nothing. Decoding runs two
// passes over the compiled program: the first walks the whole payload and
// validates everything the second relies on (bounds, varints, lengths,
// block counts and sizes, indexes, UTF-8 of the strings that go to Utf8
// columns or JSON text, enum symbols and union members the reader has,
// decimals that fit, trailing bytes); the second appends and cannot fail.
// Lengths are checked against the bytes left before they are used, so a
// hostile payload never makes a decoder allocate more than its size
// allows; nesting is bounded (1000 levels of records, arrays and maps), as
// are array items encoded in zero bytes (65536 per payload).
package avro
