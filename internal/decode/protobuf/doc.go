// Package protobuf decodes Protobuf payloads into Arrow builders, as a
// decode.Format whose columns are a message's fields.
//
// Compile compiles .proto sources (with github.com/bufbuild/protocompile)
// and Message or MessageAt (a Confluent message-index path) picks the
// message; NewFormat makes the Format of that message, the reader schema.
// Payloads are read by field number, so a payload written with another
// version of the message decodes too: fields the reader lacks are
// skipped, fields the payload lacks are missing.
//
// Types map as Spark's from_protobuf maps them:
//
//	message                            STRUCT of its fields (the top-level message's fields are the columns)
//	int32, sint32, sfixed32            Int32
//	int64, sint64, sfixed64            Int64
//	uint32, fixed32                    Uint32
//	uint64, fixed64                    Uint64
//	float, double                      Float32, Float64
//	bool                               Boolean
//	string                             Utf8
//	bytes                              Binary
//	enum                               Utf8: the value's name, an unknown number in decimal (closed enums too)
//	repeated T                         List(T)
//	map<K, V>                          Map(K, V)
//	oneof                              STRUCT of its members named as the oneof: one set, the rest NULL
//	google.protobuf.Timestamp          Timestamp(us, UTC)
//	google.protobuf.Duration           MonthDayNano interval in nanoseconds
//	google.protobuf.Int64Value, ...    the wrapped scalar
//
// Every column and every STRUCT field is nullable. A field missing from
// a payload is NULL when it has presence (proto2 fields, proto3 optional
// fields, messages, wrappers, oneofs) and otherwise its default: 0, "",
// false, the enum's zero value, the empty list or map. A map value
// missing from its entry is the value's default (the empty message for a
// message). On the wire the last value of a singular field wins, the
// occurrences of a message field merge, the last entry of a map key wins
// (maps keep the order of those last entries), and packed and unpacked
// repeated numbers are both read.
//
// Recursive message types are expanded to RecursionDepth (8): a message
// type occurs at most 8 times on a path from the top-level message, and
// the field that would hold its 9th occurrence is Utf8 holding the
// submessage's protojson text (proto field names, compact; NULL when
// protojson refuses the message, such as a Timestamp outside years 1 to
// 9999). Fields of message types without fields (google.protobuf.Empty)
// are left out, as Spark leaves them out: an Arrow STRUCT needs a field
// (a oneof whose member set last is such a field is NULL). A Timestamp
// whose microseconds overflow an int64 is NULL; a Duration longer than
// an int64 of nanoseconds (about 292 years) carries its whole days in the
// interval's days, and one of more days than an int32 holds is NULL
// (neither happens within the ranges the types define). A proto2 string that is not UTF-8 has its
// invalid sequences replaced by U+FFFD.
//
// Decoding is atomic: a decoder reads a payload in two passes. The first
// validates the whole payload, nested messages and fields that are not
// decoded included (bounds, varints, wire types of known fields, packed
// lengths, the UTF-8 of proto3 strings, nesting at most 10,000 deep) and
// records where the decoded fields are in a table reused from payload to
// payload; the second appends the fields in schema order and cannot
// fail. So a payload either appends one value to every builder or
// returns a *PayloadError and appends nothing, and whether a payload
// decodes does not depend on which columns are decoded. Decoders are
// compiled once per column set: the builders' types are resolved when a
// decoder first sees them, not per value.
package protobuf
