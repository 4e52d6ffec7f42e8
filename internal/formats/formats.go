// Package formats decides how the value or key of a scan decodes when its
// format is schema-driven: Avro, Protobuf or JSON Schema, from a Schema
// Registry (the Confluent wire format) or from a schema given in the
// query (raw Avro with valueSchema, raw Protobuf with protoFile and
// protoMessage). It turns those into a decode.PartSpec: a decode.Format
// whose columns are the reader schema's fields, or JSON fields with the
// wire header stripped.
//
// Columns come from the reader schema: the subject's latest version when
// the statement starts. Each record is decoded with its writer schema (the
// id in its header), resolved to the reader schema (Avro's resolution
// rules; Protobuf by field numbers). A record with an unknown id, a magic
// byte other than 0, a truncated payload or an unresolvable schema is a
// decode error that names the schema id.
package formats

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/kq-sql/kq/internal/decode"
	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/internal/registry"
	"github.com/kq-sql/kq/lang"
)

// Resolver makes the PartSpecs of a statement's scans. It is safe for
// concurrent use.
type Resolver struct {
	// Registry is the engine's registry; nil when none is configured.
	Registry *registry.Client
	// Open returns a client of the registry a schemaRegistry option
	// names (with the engine's registry credentials); nil: such options
	// are refused.
	Open func(url string) (*registry.Client, error)
}

// Info says where a part's schema came from, for DESCRIBE.
type Info struct {
	Part    plan.Part
	Format  plan.RecordFormat
	Subject string // "" for a schema given in the query
	Version int
	ID      int
	Source  string // the registry's URL, or the file or option the schema came from
}

// String describes the schema in one line.
func (i Info) String() string {
	if i.Subject == "" {
		return fmt.Sprintf("%s schema from %s", i.Format, i.Source)
	}
	return fmt.Sprintf("%s subject %s version %d (id %d) at %s", i.Format, i.Subject, i.Version, i.ID, i.Source)
}

// Part returns how part p of scan s decodes: a zero PartSpec for formats
// that are not schema-driven (raw, string, json), else the Format (or JSON
// fields) of its schema, and where the schema came from. Count-only scans
// need no schema.
func (r *Resolver) Part(ctx context.Context, s *plan.Scan, p plan.Part) (decode.PartSpec, *Info, error) {
	o := s.Options
	format, subject, avroText := o.ValueFormat, o.ValueSubject, o.ValueAvroSchema
	if p == plan.PartKey {
		format, subject, avroText = o.KeyFormat, o.KeySubject, o.KeyAvroSchema
	}
	if !format.SchemaDriven() || s.CountOnly {
		return decode.PartSpec{}, nil, nil
	}
	formatOpt := "valueFormat"
	if p == plan.PartKey {
		formatOpt = "keyFormat"
	}
	// Raw payloads with a schema given in the query.
	switch {
	case format == plan.FormatAvro && avroText != "":
		f, err := rawAvro(avroText)
		if err != nil {
			return decode.PartSpec{}, nil, optionErr(o, string(p)+"Schema", err)
		}
		return decode.PartSpec{Format: format, Schema: f}, &Info{Part: p, Format: format, Source: string(p) + "Schema"}, nil
	case format == plan.FormatProtobuf && p == plan.PartValue && o.ProtoFile != "":
		f, err := rawProtobuf(ctx, o.ProtoFile, o.ProtoMessage)
		if err != nil {
			return decode.PartSpec{}, nil, optionErr(o, "protoFile", err)
		}
		return decode.PartSpec{Format: format, Schema: f}, &Info{Part: p, Format: format, Source: o.ProtoFile}, nil
	}
	// A registry.
	cl, err := r.client(o)
	if err != nil {
		return decode.PartSpec{}, nil, optionErr(o, "schemaRegistry", err)
	}
	if cl == nil {
		how := "a schemaRegistry option, --schema-registry or KQ_SCHEMA_REGISTRY"
		switch format {
		case plan.FormatAvro:
			how += ", or the Avro schema as " + string(p) + "Schema"
		case plan.FormatProtobuf:
			if p == plan.PartValue {
				how += ", or protoFile and protoMessage"
			}
		}
		return decode.PartSpec{}, nil, optionErr(o, formatOpt, fmt.Errorf("%s='%s' needs a schema registry: give %s", formatOpt, format, how))
	}
	if subject == "" {
		if len(s.Topics) != 1 {
			return decode.PartSpec{}, nil, optionErr(o, formatOpt, fmt.Errorf("a source of %d topics has no one subject: give %sSubject", len(s.Topics), p))
		}
		subject = s.Topics[0] + "-" + string(p)
	}
	latest, err := cl.Latest(ctx, subject)
	if err != nil {
		return decode.PartSpec{}, nil, optionErr(o, formatOpt, err)
	}
	info := &Info{Part: p, Format: format, Subject: subject, Version: latest.Version, ID: latest.ID, Source: cl.URL()}
	// Every version of the subject is cached by id now (a failure only
	// means records of other versions are looked up one id at a time).
	_, _ = cl.Versions(ctx, subject)
	if want := schemaType(format); !strings.EqualFold(latest.Type.String(), want) {
		return decode.PartSpec{}, nil, optionErr(o, formatOpt, fmt.Errorf("subject %s (version %d, id %d) holds a %s schema, not %s", subject, latest.Version, latest.ID, latest.Type, want))
	}
	var spec decode.PartSpec
	switch format {
	case plan.FormatAvro:
		spec, err = registryAvro(cl, latest)
	case plan.FormatProtobuf:
		spec, err = registryProtobuf(ctx, cl, latest, o.ProtoMessage)
	case plan.FormatJSONSchema:
		spec, err = registryJSONSchema(latest)
	}
	if err != nil {
		return decode.PartSpec{}, nil, optionErr(o, formatOpt, fmt.Errorf("subject %s version %d (id %d): %w", subject, latest.Version, latest.ID, err))
	}
	if spec.Format == "" {
		spec.Format = format
	}
	return spec, info, nil
}

// client is the registry of the scan's options, else the engine's.
func (r *Resolver) client(o plan.Options) (*registry.Client, error) {
	if o.SchemaRegistry == "" || r.Registry != nil && r.Registry.URL() == o.SchemaRegistry {
		return r.Registry, nil
	}
	if r.Open == nil {
		return nil, errors.New("schema registries named in queries are not allowed here")
	}
	return r.Open(o.SchemaRegistry)
}

// optionErr positions err at option name when it was given, else returns
// it as it is.
func optionErr(o plan.Options, name string, err error) error {
	if pos, ok := o.Pos(name); ok {
		return lang.Errorf(pos, "%v", err)
	}
	return err
}

func schemaType(f plan.RecordFormat) string {
	switch f {
	case plan.FormatAvro:
		return "AVRO"
	case plan.FormatProtobuf:
		return "PROTOBUF"
	}
	return "JSON"
}

// header splits a Confluent wire-format payload: magic byte 0, the schema
// id (4 bytes, big-endian), the rest.
func header(data []byte) (id int, body []byte, err error) {
	if len(data) < 5 {
		return 0, nil, fmt.Errorf("payload of %d bytes is shorter than the wire format's 5-byte header", len(data))
	}
	if data[0] != 0 {
		return 0, nil, fmt.Errorf("magic byte %d, want 0 (the Confluent wire format)", data[0])
	}
	return int(binary.BigEndian.Uint32(data[1:5])), data[5:], nil
}

// SchemaError is a decode error of a registry-encoded record: it names
// the schema id.
type SchemaError struct {
	ID  int
	Err error
}

func (e *SchemaError) Error() string { return fmt.Sprintf("schema id %d: %v", e.ID, e.Err) }
func (e *SchemaError) Unwrap() error { return e.Err }
