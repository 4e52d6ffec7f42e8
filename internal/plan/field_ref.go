package plan

import "strings"

// Part is the part of a record a decoded JSON field comes from: the value
// or the key. Its text is the name of the part's column.
type Part string

// Record parts.
const (
	// PartValue is the record's value (column value).
	PartValue Part = ColValue
	// PartKey is the record's key (column key).
	PartKey Part = ColKey
)

// FieldRef is a decoded JSON field a query uses: the part it is decoded
// from and the field's name as the query writes it. Names match fields
// case-insensitively, as SQL matches identifiers.
type FieldRef struct {
	// Part is the part the field is decoded from.
	Part Part
	// Name is the field's name, without the part.
	Name string
	// Qualified says a value field was written as value.<name>, not bare.
	// It only changes how the reference prints: a qualified and a bare
	// reference to the same field decode the same field. Key fields
	// always print qualified.
	Qualified bool
}

// String returns the reference as EXPLAIN prints it: the bare name of a
// value field written bare, else value.<name> or key.<name>.
func (r FieldRef) String() string {
	if r.Part == PartValue && !r.Qualified {
		return r.Name
	}
	return string(r.Part) + "." + r.Name
}

// Matches reports whether r names the field name of part (compared
// case-insensitively).
func (r FieldRef) Matches(part Part, name string) bool {
	return r.Part == part && strings.EqualFold(r.Name, name)
}

// FieldColumn returns the top-level column name of decoded JSON field
// name of part, or "" when the field has no
// top-level column. The rule: with a JSON format the value (key) column
// itself is a STRUCT of the decoded fields, so every field is reachable as
// value.<field> (key.<field>) in SQL; in addition a value field is a
// top-level column of its own name unless that equals a source column's
// (key, value, topic, partition, offset, timestamp, timestampType,
// headers; compared case-insensitively, as SQL compares identifiers); a
// key field likewise, unless the value is JSON too and has a field of the
// same name (the value's wins). valueFields are the value's decoded fields
// (nil when the value is not JSON).
func FieldColumn(part Part, name string, valueFields []Field) string {
	for _, c := range SourceColumns(true) {
		if strings.EqualFold(c, name) {
			return ""
		}
	}
	if part == PartKey {
		for _, f := range valueFields {
			if strings.EqualFold(f.Name, name) {
				return ""
			}
		}
	}
	return name
}
