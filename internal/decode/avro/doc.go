// Package avro decodes Avro binary payloads into Arrow builders: it
// implements decode.Format for a reader schema (a record, whose fields are
// the top-level columns) and compiles, once per writer schema and
// projection, a program that walks the binary encoding and appends to the
// typed builders, resolving the writer schema to the reader schema by
// Avro's schema-resolution rules (see Format.DecoderFor).
//
// Types map to Arrow as Spark's from_avro maps them to SQL:
//
//	record                        STRUCT of its fields (nested)
//	enum, string, uuid            Utf8 (an enum gives its symbol)
//	bytes, fixed (and duration)   Binary
//	int, long                     Int32, Int64
//	float, double                 Float32, Float64
//	boolean                       Boolean
//	null                          Null
//	decimal(p,s), bytes or fixed  Decimal128(p,s), p <= 38 (wider: an error)
//	date                          Date32
//	time-millis, time-micros      Time32(ms), Time64(us)
//	timestamp-millis, -micros     Timestamp(us, "UTC") (millis scaled)
//	local-timestamp-millis, -micros  Timestamp(us), no zone
//	map                           Map(Utf8, V)
//	array                         List(V)
//	["null", T], [T, "null"], [T] T, nullable when null is a member
//	["null"]                      Null
//	any other union               STRUCT of member0, member1, ... (the
//	                              members but null, in order): one set per
//	                              value, the others NULL; the STRUCT is
//	                              NULL when the value is null
//
// Top-level fields are always nullable (a payload that does not decode
// gives NULLs); nested fields, list items and map values are nullable
// when their type has a null member, union STRUCT members always.
//
// Nesting is cut at MaxDepth (8) levels: a value at that level whose type
// nests further (a recursive record, most often) decodes to Utf8 holding
// the value as JSON text, rendered as json.go documents.
//
// Atomicity: a decoder appends exactly one value to each of its builders
// per payload, or returns an error and appends nothing. Decoding runs in
// two passes over the program: the first walks the whole payload and
// validates everything the second relies on (bounds, varints, lengths,
// block counts and sizes, indexes, UTF-8 of the strings that go to Utf8
// columns, decimals that fit, trailing bytes); the second appends and
// cannot fail. Lengths are checked against the bytes left before use, so
// a hostile payload never makes a decoder allocate more than its size
// allows; nesting is bounded (maxNesting), as are array items encoded in
// zero bytes (maxEmptyItems).
package avro
