package formats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/kq-sql/kq/internal/decode"
	"github.com/kq-sql/kq/internal/plan"
)

// registryJSONSchema decodes Confluent-framed JSON with the fields of a JSON
// Schema's top-level properties, in the order the schema lists them:
// integer BIGINT, number DOUBLE, boolean BOOLEAN, string VARCHAR
// (TIMESTAMP with format date-time), object and array JSON text; a type
// list with "null" is the other type, nullable. kq reads the values; it
// does not validate them against the schema (their producer did).
func registryJSONSchema(latest sr.SubjectSchema) (decode.PartSpec, error) {
	fields, err := jsonSchemaFields(latest.Schema.Schema)
	if err != nil {
		return decode.PartSpec{}, err
	}
	return decode.PartSpec{Format: plan.FormatJSON, Fields: fields, Unwrap: func(data []byte) ([]byte, error) {
		id, body, err := header(data)
		if err != nil {
			return nil, err
		}
		_ = id // any version: JSON fields are found by name
		return body, nil
	}}, nil
}

func jsonSchemaFields(text string) ([]plan.Field, error) {
	var top struct {
		Type       any             `json:"type"`
		Properties json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal([]byte(text), &top); err != nil {
		return nil, fmt.Errorf("JSON Schema: %w", err)
	}
	if len(top.Properties) == 0 {
		return nil, fmt.Errorf("JSON Schema: want an object schema with properties")
	}
	// The properties in the order written (a Go map would lose it).
	dec := json.NewDecoder(bytes.NewReader(top.Properties))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("JSON Schema: properties is not an object")
	}
	var fields []plan.Field
	for {
		t, err := dec.Token()
		if err == io.EOF || t == json.Delim('}') {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("JSON Schema: %w", err)
		}
		name, _ := t.(string)
		var prop struct {
			Type   any    `json:"type"`
			Format string `json:"format"`
		}
		if err := dec.Decode(&prop); err != nil {
			return nil, fmt.Errorf("JSON Schema: property %s: %w", name, err)
		}
		fields = append(fields, plan.Field{Name: name, Type: jsonSchemaType(prop.Type, prop.Format)})
	}
	return fields, nil
}

func jsonSchemaType(t any, format string) plan.FieldType {
	name, _ := t.(string)
	if list, ok := t.([]any); ok {
		for _, v := range list {
			if s, _ := v.(string); s != "null" {
				if name != "" {
					return plan.TypeJSON // several types: the text
				}
				name = s
			}
		}
	}
	switch name {
	case "integer":
		return plan.TypeBigint
	case "number":
		return plan.TypeDouble
	case "boolean":
		return plan.TypeBoolean
	case "string":
		if format == "date-time" {
			return plan.TypeTimestamp
		}
		return plan.TypeVarchar
	}
	return plan.TypeJSON
}
