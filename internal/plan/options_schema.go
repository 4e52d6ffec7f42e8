package plan

import (
	"fmt"
	"os"
	"strings"

	"github.com/kq-sql/kq/lang"
)

// FieldType is the SQL type of a decoded JSON field.
type FieldType string

// The field types valueSchema and keySchema allow.
const (
	TypeBigint    FieldType = "BIGINT"
	TypeInteger   FieldType = "INTEGER"
	TypeDouble    FieldType = "DOUBLE"
	TypeVarchar   FieldType = "VARCHAR"
	TypeBoolean   FieldType = "BOOLEAN"
	TypeTimestamp FieldType = "TIMESTAMP"
	// TypeJSON keeps the field's JSON text (objects, arrays).
	TypeJSON FieldType = "JSON"
)

// fieldTypes maps the accepted spellings (upper case) to the type; a few
// DuckDB aliases are accepted.
var fieldTypes = map[string]FieldType{
	"BIGINT": TypeBigint, "INT8": TypeBigint, "LONG": TypeBigint,
	"INTEGER": TypeInteger, "INT": TypeInteger, "INT4": TypeInteger,
	"DOUBLE": TypeDouble, "FLOAT8": TypeDouble,
	"VARCHAR": TypeVarchar, "STRING": TypeVarchar, "TEXT": TypeVarchar,
	"BOOLEAN": TypeBoolean, "BOOL": TypeBoolean,
	"TIMESTAMP": TypeTimestamp,
	"JSON":      TypeJSON,
}

const allowedTypes = "BIGINT, INTEGER, DOUBLE, VARCHAR, BOOLEAN, TIMESTAMP, JSON"

// Field is one top-level field of a JSON value or key: its name, as
// written, and its type.
type Field struct {
	Name string
	Type FieldType
}

// String prints the field as it is written in a schema option.
func (f Field) String() string { return lang.QuoteIdent(f.Name) + " " + string(f.Type) }

// showName prints a name in a message: bare when it is a plain word, else
// double-quoted.
func showName(s string) string {
	for i, r := range s {
		if r != '_' && !(r >= 'a' && r <= 'z') && !(r >= 'A' && r <= 'Z') && !(i > 0 && r >= '0' && r <= '9') {
			return lang.QuoteIdent(s)
		}
	}
	if s == "" {
		return `""`
	}
	return s
}

// schemaOption parses 'name TYPE, name TYPE, ...'. Names may be
// double-quoted ("order id" BIGINT); types are case-insensitive.
func parseSchemaOption(text string) ([]Field, error) {
	const want = "a schema such as 'order_id BIGINT, amount DOUBLE' (types: " + allowedTypes + ")"
	fields, err := parseSchema(text)
	if err != nil {
		return nil, fmt.Errorf("%v; want %s", err, want)
	}
	return fields, nil
}

// avroSchemaText returns an Avro schema option's text: the JSON given, or
// the contents of the file an '@path' names. It is parsed when the scan
// starts (the Avro decoder's parser names what is wrong).
func avroSchemaText(text string) (string, error) {
	t := strings.TrimSpace(text)
	if path, ok := strings.CutPrefix(t, "@"); ok {
		b, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("Avro schema file: %w", err)
		}
		t = strings.TrimSpace(string(b))
	}
	if !strings.HasPrefix(t, "{") && !strings.HasPrefix(t, "[") && !strings.HasPrefix(t, `"`) {
		return "", fmt.Errorf("want an Avro schema (JSON such as '{\"type\":\"record\",...}') or '@file.avsc', got %q", excerpt(t, 40))
	}
	return t, nil
}

// parseSchema parses the text of a schema option.
func parseSchema(s string) ([]Field, error) {
	var fields []Field
	seen := map[string]bool{}
	rest := s
	for n := 1; ; n++ {
		rest = strings.TrimLeft(rest, " \t\r\n")
		if rest == "" {
			if n == 1 {
				return nil, fmt.Errorf("empty schema")
			}
			return nil, fmt.Errorf("field %d is missing after the last comma", n)
		}
		var name string
		if rest[0] == '"' {
			end := 1
			var b strings.Builder
			for {
				i := strings.IndexByte(rest[end:], '"')
				if i < 0 {
					return nil, fmt.Errorf("field %d: unterminated quoted name", n)
				}
				b.WriteString(rest[end : end+i])
				end += i + 1
				if end < len(rest) && rest[end] == '"' {
					b.WriteByte('"')
					end++
					continue
				}
				break
			}
			name, rest = b.String(), rest[end:]
		} else {
			i := strings.IndexAny(rest, " \t\r\n,")
			if i < 0 {
				i = len(rest)
			}
			name, rest = rest[:i], rest[i:]
		}
		if name == "" {
			return nil, fmt.Errorf("field %d has an empty name", n)
		}
		rest = strings.TrimLeft(rest, " \t\r\n")
		i := strings.IndexByte(rest, ',')
		typ := rest
		if i >= 0 {
			typ, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		typ = strings.TrimSpace(typ)
		if typ == "" {
			return nil, fmt.Errorf("field %s has no type", showName(name))
		}
		t, ok := fieldTypes[strings.ToUpper(typ)]
		if !ok {
			return nil, fmt.Errorf("field %s: unknown type %s", showName(name), typ)
		}
		key := strings.ToLower(name)
		if seen[key] {
			return nil, fmt.Errorf("field %s is named twice", showName(name))
		}
		seen[key] = true
		fields = append(fields, Field{Name: name, Type: t})
		if i < 0 {
			return fields, nil
		}
	}
}

// excerpt is s cut to n bytes with "..." when longer.
func excerpt(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
