package formats

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/kq-sql/kq/internal/decode"
	"github.com/kq-sql/kq/internal/decode/protobuf"
	"github.com/kq-sql/kq/internal/registry"
)

// importLine finds the imports of a .proto file.
var importLine = regexp.MustCompile(`(?m)^\s*import\s+(?:public\s+|weak\s+)?"([^"]+)"\s*;`)

// rawProtobuf is the Format of raw messages named message, compiled from
// the .proto file at path and the files it imports (found relative to its
// directory; google/protobuf/*.proto are built in).
func rawProtobuf(ctx context.Context, path, message string) (decode.Format, error) {
	dir, name := filepath.Split(path)
	files := map[string]string{}
	var read func(name string) error
	read = func(name string) error {
		if _, done := files[name]; done {
			return nil
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			if len(files) > 0 && errors.Is(err, os.ErrNotExist) && filepath.Dir(name) == "google/protobuf" {
				return nil // a well-known type, which the compiler provides
			}
			return err
		}
		files[name] = string(b)
		for _, m := range importLine.FindAllStringSubmatch(string(b), -1) {
			if err := read(m[1]); err != nil {
				return err
			}
		}
		return nil
	}
	if err := read(name); err != nil {
		return nil, err
	}
	compiled, err := protobuf.Compile(ctx, files)
	if err != nil {
		return nil, err
	}
	md, err := protobuf.Message(compiled, message)
	if err != nil {
		return nil, err
	}
	return protobuf.NewFormat(md)
}

// registryProtobuf is the Format of Confluent-framed Protobuf whose reader
// message is message (default: the first message of the subject's latest
// schema). Records are decoded by field number with the reader message
// when their message-index path names a message of the same full name.
func registryProtobuf(ctx context.Context, cl *registry.Client, latest sr.SubjectSchema, message string) (decode.PartSpec, error) {
	fd, err := compileRegistered(ctx, cl, latest.Schema)
	if err != nil {
		return decode.PartSpec{}, err
	}
	var md protoreflect.MessageDescriptor
	if message != "" {
		md = fd.Messages().ByName(protoreflect.FullName(message).Name())
		if md == nil || string(md.FullName()) != message {
			return decode.PartSpec{}, fmt.Errorf("no message %s in the schema", message)
		}
	} else if md, err = protobuf.MessageAt(fd, nil); err != nil {
		return decode.PartSpec{}, err
	}
	f, err := protobuf.NewFormat(md)
	if err != nil {
		return decode.PartSpec{}, err
	}
	return decode.PartSpec{Schema: &protoWire{Format: f, reader: md, cl: cl, files: map[int]protoreflect.FileDescriptor{latest.ID: fd}}}, nil
}

// compileRegistered compiles a registered .proto schema and its references
// (fetched from the registry by subject and version).
func compileRegistered(ctx context.Context, cl *registry.Client, s sr.Schema) (protoreflect.FileDescriptor, error) {
	const main = "kq_registered_schema.proto"
	files := map[string]string{main: s.Schema}
	var add func(refs []sr.SchemaReference) error
	add = func(refs []sr.SchemaReference) error {
		for _, r := range refs {
			if _, done := files[r.Name]; done {
				continue
			}
			ref, err := cl.Version(ctx, r.Subject, r.Version)
			if err != nil {
				return fmt.Errorf("reference %s: %w", r.Name, err)
			}
			files[r.Name] = ref.Schema.Schema
			if err := add(ref.Schema.References); err != nil {
				return err
			}
		}
		return nil
	}
	if err := add(s.References); err != nil {
		return nil, err
	}
	compiled, err := protobuf.Compile(ctx, files)
	if err != nil {
		return nil, err
	}
	for _, f := range compiled {
		if f.Path() == main {
			return f, nil
		}
	}
	return nil, errors.New("the compiled schema is missing")
}

// protoWire decodes Confluent-framed Protobuf with one reader message.
type protoWire struct {
	*protobuf.Format
	reader protoreflect.MessageDescriptor
	cl     *registry.Client
	files  map[int]protoreflect.FileDescriptor // by id, compiled before the scan; read-only
}

func (f *protoWire) Decoder(idx []int) (decode.RowDecoder, error) {
	rd, err := f.Format.Decoder(idx)
	if err != nil {
		return nil, err
	}
	return &protoWireDecoder{f: f, rd: rd, names: map[string]protoreflect.FullName{}}, nil
}

type protoWireDecoder struct {
	f     *protoWire
	rd    decode.RowDecoder
	names map[string]protoreflect.FullName // "id/path" -> the message it names
	hdr   sr.ConfluentHeader
}

func (d *protoWireDecoder) Decode(data []byte, bs []array.Builder) error {
	id, body, err := header(data)
	if err != nil {
		return err
	}
	path, body, err := d.hdr.DecodeIndex(body, 64)
	if err != nil {
		return &SchemaError{ID: id, Err: fmt.Errorf("message index: %w", err)}
	}
	key := fmt.Sprint(id, path)
	name, ok := d.names[key]
	if !ok {
		if name, err = d.messageName(id, path); err != nil {
			return &SchemaError{ID: id, Err: err}
		}
		d.names[key] = name
	}
	if name != d.f.reader.FullName() {
		return &SchemaError{ID: id, Err: fmt.Errorf("the record is a %s, the query reads %s", name, d.f.reader.FullName())}
	}
	if err := d.rd.Decode(body, bs); err != nil {
		return &SchemaError{ID: id, Err: err}
	}
	return nil
}

// messageName is the full name of the message a record's index path
// names in its writer schema.
func (d *protoWireDecoder) messageName(id int, path []int) (protoreflect.FullName, error) {
	fd, ok := d.f.files[id]
	if !ok {
		ws, err := lookup(d.f.cl, id)
		if err != nil {
			return "", err
		}
		ctx, cancel := context.WithTimeout(context.Background(), max(d.f.cl.Timeout(), 10e9))
		defer cancel()
		if fd, err = compileRegistered(ctx, d.f.cl, ws); err != nil {
			return "", fmt.Errorf("writer schema: %w", err)
		}
	}
	md, err := protobuf.MessageAt(fd, slices.Clone(path))
	if err != nil {
		return "", err
	}
	return md.FullName(), nil
}
