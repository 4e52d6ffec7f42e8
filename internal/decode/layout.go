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

// PartSpec says how one part (value or key) of a scan decodes.
type PartSpec struct {
	// Format is the part's format (raw, string, json, avro, ...).
	Format plan.RecordFormat
	// Fields are the fields to decode: JSON fields (given or inferred),
	// or, with a Schema, fields named as in Schema.Fields.
	Fields []plan.Field
	// Schema is the Format of a schema-driven part (Avro, Protobuf); nil
	// for JSON, whose Fields carry their types.
	Schema Format
	// Unwrap, when set, turns each non-null payload into what the
	// decoder reads (a JSON value without its wire-format header); its
	// error is a decode error.
	Unwrap func(data []byte) ([]byte, error)
}

// ScanLayout decides what scan s materializes: its source columns, the key
// and value typed per their format, and the decoded fields of value and
// key (JSON fields given in the options or inferred — the lists passed,
// for the parts Infer named —, or the fields of a schema-driven Format),
// pruned to those the query uses. Count-only scans materialize nothing.
func ScanLayout(s *plan.Scan, value, key PartSpec) (*Layout, error) {
	if s.CountOnly {
		return newLayout(nil, plan.FormatRaw, plan.FormatRaw, nil, nil)
	}
	o := s.Options
	available := map[plan.Part][]plan.Field{}
	spec := func(part plan.Part, p PartSpec, format plan.RecordFormat, given []plan.Field) PartSpec {
		if p.Format == "" {
			p.Format = formatOf(format, given)
		}
		all := []plan.Field{}
		switch {
		case p.Schema != nil:
			for _, f := range p.Schema.Fields() {
				all = append(all, plan.Field{Name: f.Name})
			}
		case p.Format == plan.FormatJSON:
			if given != nil {
				p.Fields = given
			}
			all = append(all, p.Fields...)
		default:
			p.Fields = nil
			return p
		}
		available[part] = all
		p.Fields = partFields(s, part, all)
		return p
	}
	l, err := layoutParts(s.Columns, spec(plan.PartValue, value, o.ValueFormat, o.ValueSchema), spec(plan.PartKey, key, o.KeyFormat, o.KeySchema))
	if err != nil {
		return nil, err
	}
	l.available = available
	return l, nil
}

// Available returns every field a scan of l can decode from part — given,
// inferred or from the part's schema — whether or not the query uses it:
// the names a query may use. It is nil when the part is not decoded, and
// empty when it is but has no field (a sample without one).
func (l *Layout) Available(part plan.Part) []plan.Field { return l.available[part] }

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
