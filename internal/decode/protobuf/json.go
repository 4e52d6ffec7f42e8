package protobuf

import (
	"bytes"
	"encoding/json"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"
)

// protojson returns the protojson text (proto field names, compact) of
// the serialized message b of type md, written to out; false when it
// has none (protojson refuses, for one, a Timestamp outside years 1 to
// 9999 and an Any of a type the files do not define).
func (f *Format) protojson(md protoreflect.MessageDescriptor, b []byte, out *bytes.Buffer) ([]byte, bool) {
	types := f.resolver()
	m := dynamicpb.NewMessage(md)
	if err := (proto.UnmarshalOptions{AllowPartial: true, Resolver: types}).Unmarshal(b, m); err != nil {
		return nil, false
	}
	text, err := protojson.MarshalOptions{AllowPartial: true, UseProtoNames: true, Resolver: types}.Marshal(m)
	if err != nil {
		return nil, false
	}
	// protojson varies its spacing on purpose; compacting makes the text
	// the same from build to build.
	out.Reset()
	if err := json.Compact(out, text); err != nil {
		return nil, false
	}
	return out.Bytes(), true
}

// resolver returns the types of the message's file and its imports, for
// the Any messages and extensions of protojson text.
func (f *Format) resolver() *dynamicpb.Types {
	f.typesOnce.Do(func() {
		files := new(protoregistry.Files)
		seen := map[string]bool{}
		var add func(fd protoreflect.FileDescriptor)
		add = func(fd protoreflect.FileDescriptor) {
			if fd.IsPlaceholder() || seen[fd.Path()] {
				return
			}
			seen[fd.Path()] = true
			imports := fd.Imports()
			for i := 0; i < imports.Len(); i++ {
				add(imports.Get(i).FileDescriptor)
			}
			_ = files.RegisterFile(fd) // a conflict leaves the first file's names
		}
		add(f.md.ParentFile())
		f.types = dynamicpb.NewTypes(files)
	})
	return f.types
}
