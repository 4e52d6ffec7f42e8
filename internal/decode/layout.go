package decode

import (
	"slices"

	"github.com/kq-sql/kq/internal/plan"
)

// Infer reports which parts of scan s need their JSON fields inferred from
// a sample: the part is JSON, has no schema given, and the query reads its
// fields. Count-only scans infer nothing.
func Infer(s *plan.Scan) (value, key bool) {
	if s.CountOnly {
		return false, false
	}
	o := s.Options
	value = formatOf(o.ValueFormat, o.ValueSchema) == plan.FormatJSON && o.ValueSchema == nil && needsFields(s, plan.PartValue)
	key = formatOf(o.KeyFormat, o.KeySchema) == plan.FormatJSON && o.KeySchema == nil && needsFields(s, plan.PartKey)
	return value, key
}

// ScanLayout decides what scan s materializes: its source columns, the key
// and value typed per keyFormat/valueFormat, and the decoded fields, given
// (valueSchema, keySchema) or inferred (the inferred lists, for the parts
// Infer named; nil otherwise). Count-only scans materialize nothing.
func ScanLayout(s *plan.Scan, inferredValue, inferredKey []plan.Field) (*Layout, error) {
	if s.CountOnly {
		return newLayout(nil, plan.FormatRaw, plan.FormatRaw, nil, nil)
	}
	o := s.Options
	valueFormat, keyFormat := formatOf(o.ValueFormat, o.ValueSchema), formatOf(o.KeyFormat, o.KeySchema)
	valueFields, keyFields := o.ValueSchema, o.KeySchema
	if valueFields == nil {
		valueFields = inferredValue
	}
	if keyFields == nil {
		keyFields = inferredKey
	}
	if valueFormat != plan.FormatJSON {
		valueFields = nil
	}
	if keyFormat != plan.FormatJSON {
		keyFields = nil
	}
	return newLayout(s.Columns, valueFormat, keyFormat, partFields(s, plan.PartValue, valueFields), partFields(s, plan.PartKey, keyFields))
}

// partFields returns the fields of part to decode: those the query uses,
// or all of them when the query reads the part's column itself (SELECT
// value: the whole STRUCT).
func partFields(s *plan.Scan, part plan.Part, fields []plan.Field) []plan.Field {
	used := usedFields(s, part, fields)
	if len(used) == 0 && slices.Contains(s.Columns, string(part)) {
		return fields
	}
	return used
}

// formatOf is the effective format of a part: a schema implies json.
func formatOf(format plan.RecordFormat, schema []plan.Field) plan.RecordFormat {
	switch {
	case schema != nil:
		return plan.FormatJSON
	case format == "":
		return plan.FormatRaw
	}
	return format
}

// needsFields reports whether the query uses any decoded field of part,
// so that a schema must be inferred.
func needsFields(s *plan.Scan, part plan.Part) bool {
	if s.AllFields || slices.Contains(s.Columns, string(part)) {
		return true
	}
	for _, r := range s.Fields {
		if r.Part == part {
			return true
		}
	}
	return false
}

// usedFields returns the fields of part the query uses (Scan.Fields; every
// field with Scan.AllFields), in schema order: JSON columns are pruned
// like the others.
func usedFields(s *plan.Scan, part plan.Part, fields []plan.Field) []plan.Field {
	if s.AllFields {
		return fields
	}
	var out []plan.Field
	for _, f := range fields {
		for _, r := range s.Fields {
			if r.Matches(part, f.Name) {
				out = append(out, f)
				break
			}
		}
	}
	return out
}
