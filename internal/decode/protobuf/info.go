package protobuf

import (
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

// msgInfo is what reading and validating one message type's wire format
// needs: its fields by number. A Format builds one per message type it
// reaches and its decoders share them read-only.
type msgInfo struct {
	md     protoreflect.MessageDescriptor
	fields []fieldInfo // in md.Fields() order
	dense  []int32     // field number -> index+1 in fields, 0 for unknown
	sparse map[protowire.Number]int32
	oneofs int // real (not synthetic) oneofs
}

// fieldInfo is one field of a msgInfo.
type fieldInfo struct {
	fd       protoreflect.FieldDescriptor
	index    int            // in msgInfo.fields
	wt       protowire.Type // the wire type of one value
	packable bool           // a repeated number: also packed (length-delimited)
	size     int            // packed element size: 4, 8, or 0 for varints
	utf8     bool           // a string whose UTF-8 is validated
	linked   bool           // every occurrence counts: repeated, map, message
	oneof    int32          // index of its real oneof, -1 when none
	sub      *msgInfo       // message, group and map entry fields
}

// field returns the field numbered num, or nil when the type has none.
func (m *msgInfo) field(num protowire.Number) *fieldInfo {
	var i int32
	if m.dense != nil {
		if int(num) < len(m.dense) {
			i = m.dense[num]
		}
	} else {
		i = m.sparse[num]
	}
	if i == 0 {
		return nil
	}
	return &m.fields[i-1]
}

// infoSet builds and keeps the msgInfo of every message type reached.
type infoSet map[protoreflect.MessageDescriptor]*msgInfo

func (s infoSet) get(md protoreflect.MessageDescriptor) *msgInfo {
	if m := s[md]; m != nil {
		return m
	}
	m := &msgInfo{md: md}
	s[md] = m
	oneofIndex := map[protoreflect.OneofDescriptor]int32{}
	for i := 0; i < md.Oneofs().Len(); i++ {
		if od := md.Oneofs().Get(i); !od.IsSynthetic() {
			oneofIndex[od] = int32(m.oneofs)
			m.oneofs++
		}
	}
	fs := md.Fields()
	m.fields = make([]fieldInfo, fs.Len())
	maxNum := protowire.Number(0)
	for i := range m.fields {
		fd := fs.Get(i)
		f := &m.fields[i]
		f.fd = fd
		f.index = i
		f.oneof = -1
		if od := fd.ContainingOneof(); od != nil && !od.IsSynthetic() {
			f.oneof = oneofIndex[od]
		}
		f.wt, f.size = wireType(fd.Kind())
		f.packable = fd.IsList() && f.wt != protowire.BytesType && f.wt != protowire.StartGroupType
		f.linked = fd.IsList() || fd.IsMap() || fd.Message() != nil
		f.utf8 = fd.Kind() == protoreflect.StringKind && enforceUTF8(fd)
		if fd.Message() != nil {
			f.sub = s.get(fd.Message())
		}
		maxNum = max(maxNum, fd.Number())
	}
	if int(maxNum) <= 4*len(m.fields)+64 {
		m.dense = make([]int32, maxNum+1)
		for i := range m.fields {
			m.dense[m.fields[i].fd.Number()] = int32(i + 1)
		}
	} else {
		m.sparse = make(map[protowire.Number]int32, len(m.fields))
		for i := range m.fields {
			m.sparse[m.fields[i].fd.Number()] = int32(i + 1)
		}
	}
	return m
}

// wireType returns the wire type of one value of kind k and, for
// fixed-size numbers, their size.
func wireType(k protoreflect.Kind) (protowire.Type, int) {
	switch k {
	case protoreflect.Fixed32Kind, protoreflect.Sfixed32Kind, protoreflect.FloatKind:
		return protowire.Fixed32Type, 4
	case protoreflect.Fixed64Kind, protoreflect.Sfixed64Kind, protoreflect.DoubleKind:
		return protowire.Fixed64Type, 8
	case protoreflect.StringKind, protoreflect.BytesKind, protoreflect.MessageKind:
		return protowire.BytesType, 0
	case protoreflect.GroupKind:
		return protowire.StartGroupType, 0
	}
	return protowire.VarintType, 0
}

// enforceUTF8 reports whether a string field must hold valid UTF-8, as
// google.golang.org/protobuf decides: always in proto3, never in proto2,
// and in editions unless the utf8_validation feature says NONE.
func enforceUTF8(fd protoreflect.FieldDescriptor) bool {
	switch fd.Syntax() {
	case protoreflect.Proto3:
		return true
	case protoreflect.Editions:
		if v, ok := fd.(interface{ EnforceUTF8() bool }); ok {
			return v.EnforceUTF8()
		}
		return utf8Validation(fd) != descriptorpb.FeatureSet_NONE
	}
	return false
}

// utf8Validation resolves the utf8_validation feature of a field from the
// field, its enclosing messages and its file (editions default: VERIFY).
func utf8Validation(fd protoreflect.FieldDescriptor) descriptorpb.FeatureSet_Utf8Validation {
	for d := protoreflect.Descriptor(fd); d != nil; d = d.Parent() {
		if f := features(d.Options()); f != nil && f.Utf8Validation != nil {
			return f.GetUtf8Validation()
		}
	}
	return descriptorpb.FeatureSet_VERIFY
}

// features returns the features set in a descriptor's options, if any.
func features(o protoreflect.ProtoMessage) *descriptorpb.FeatureSet {
	switch o := o.(type) {
	case *descriptorpb.FieldOptions:
		return o.GetFeatures()
	case *descriptorpb.MessageOptions:
		return o.GetFeatures()
	case *descriptorpb.FileOptions:
		return o.GetFeatures()
	}
	return nil
}
