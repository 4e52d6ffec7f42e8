package protobuf

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/linker"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Compile compiles .proto sources: files maps a file name to its text,
// imports resolve among them and the well-known types
// (google/protobuf/*.proto). It returns every file of the map, sorted by
// name. A compile error is protocompile's reporter.ErrorWithPos, which
// prints as "file.proto:line:column: message".
func Compile(ctx context.Context, files map[string]string) (linker.Files, error) {
	if len(files) == 0 {
		return nil, errors.New("compile protobuf: no .proto files")
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	c := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
			Accessor: protocompile.SourceAccessorFromMap(files),
		}),
	}
	return c.Compile(ctx, names...)
}

// Message returns the message named fullName (such as "shop.Order", a
// leading dot allowed) in files; an unknown name is an error wrapping
// ErrUnknownMessage that lists the messages there are.
func Message(files linker.Files, fullName string) (protoreflect.MessageDescriptor, error) {
	name := protoreflect.FullName(strings.TrimPrefix(fullName, "."))
	for _, f := range files {
		switch d := f.FindDescriptorByName(name).(type) {
		case protoreflect.MessageDescriptor:
			if !d.IsMapEntry() {
				return d, nil
			}
		case nil:
		default:
			return nil, fmt.Errorf("%s is %s, not a message", name, descriptorKind(d))
		}
	}
	var all []string
	for _, f := range files {
		all = appendMessages(all, f.Messages())
	}
	slices.Sort(all)
	if len(all) == 0 {
		return nil, fmt.Errorf("%w %s: the files define no messages", ErrUnknownMessage, name)
	}
	return nil, fmt.Errorf("%w %s; the messages are %s", ErrUnknownMessage, name, strings.Join(all, ", "))
}

func appendMessages(all []string, ms protoreflect.MessageDescriptors) []string {
	for i := 0; i < ms.Len(); i++ {
		m := ms.Get(i)
		if m.IsMapEntry() {
			continue
		}
		all = append(all, string(m.FullName()))
		all = appendMessages(all, m.Messages())
	}
	return all
}

func descriptorKind(d protoreflect.Descriptor) string {
	switch d.(type) {
	case protoreflect.EnumDescriptor:
		return "an enum"
	case protoreflect.EnumValueDescriptor:
		return "an enum value"
	case protoreflect.FieldDescriptor:
		return "a field"
	case protoreflect.OneofDescriptor:
		return "a oneof"
	case protoreflect.ServiceDescriptor:
		return "a service"
	case protoreflect.MethodDescriptor:
		return "a method"
	case protoreflect.FileDescriptor:
		return "a file"
	}
	return "another descriptor"
}

// MessageAt returns the message that a Confluent wire format message-index
// path names in file: the first index is into the file's top-level
// messages, each next one into the nested messages of the one before
// (which, as in the descriptor the registry holds, include the entry
// messages of map fields). An empty path names the first message.
func MessageAt(file protoreflect.FileDescriptor, path []int) (protoreflect.MessageDescriptor, error) {
	if len(path) == 0 {
		path = []int{0}
	}
	ms := file.Messages()
	var md protoreflect.MessageDescriptor
	where := file.Path()
	for _, i := range path {
		if i < 0 || i >= ms.Len() {
			return nil, fmt.Errorf("message index path %v: %s has %d messages, no index %d", path, where, ms.Len(), i)
		}
		md = ms.Get(i)
		where = string(md.FullName())
		ms = md.Messages()
	}
	return md, nil
}
