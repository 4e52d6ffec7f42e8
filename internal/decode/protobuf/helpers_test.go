package protobuf

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"sort"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// The oracle of these tests: the values a message holds, read through
// protoreflect from a dynamicpb message (set by the test, or decoded by
// google.golang.org/protobuf's own proto.Unmarshal), converted to plain Go
// values by the mapping rules; and the Arrow arrays the decoder built,
// converted to the same Go values. Neither side shares code with the
// decoder's wire reading.

// bin is a Binary value, told apart from a Utf8 one.
type bin string

// jsonText is a value past the recursion depth: protojson text, compared
// as parsed JSON.
type jsonText string

// compileMessage compiles one proto3 or proto2 source as test.proto and
// returns its message name.
func compileMessage(t testing.TB, src, name string) protoreflect.MessageDescriptor {
	t.Helper()
	files, err := Compile(context.Background(), map[string]string{"test.proto": src})
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	md, err := Message(files, name)
	if err != nil {
		t.Fatal(err)
	}
	return md
}

func newFormat(t testing.TB, md protoreflect.MessageDescriptor) *Format {
	t.Helper()
	f, err := NewFormat(md)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func marshal(t testing.TB, m proto.Message) []byte {
	t.Helper()
	b, err := proto.MarshalOptions{Deterministic: true, AllowPartial: true}.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func allIdx(f *Format) []int {
	idx := make([]int, len(f.Fields()))
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// decodeRows decodes payloads with the columns idx (nil: all) into fresh
// builders and returns the rows that decoded, as Go values, and each
// payload's error. It checks that a payload appends exactly one value to
// every builder, or nothing to any when it fails.
func decodeRows(t testing.TB, mem memory.Allocator, f *Format, idx []int, payloads ...[]byte) ([][]any, []error) {
	t.Helper()
	if idx == nil {
		idx = allIdx(f)
	}
	rd, err := f.Decoder(idx)
	if err != nil {
		t.Fatal(err)
	}
	bs := make([]array.Builder, len(idx))
	for k, i := range idx {
		bs[k] = array.NewBuilder(mem, f.Fields()[i].Type)
		defer bs[k].Release()
	}
	errs := make([]error, len(payloads))
	for p, data := range payloads {
		before := lens(bs)
		errs[p] = rd.Decode(data, bs)
		after := lens(bs)
		for k := range bs {
			want := before[k] + 1
			if errs[p] != nil {
				want = before[k]
			}
			if after[k] != want {
				t.Fatalf("payload %d (err %v): builder %d Len %d -> %d, want %d", p, errs[p], k, before[k], after[k], want)
			}
		}
	}
	arrs := make([]arrow.Array, len(bs))
	for k, b := range bs {
		arrs[k] = b.NewArray()
		defer arrs[k].Release()
		if err := array.ValidateFull(arrs[k]); err != nil {
			t.Fatalf("column %d: %v", k, err)
		}
	}
	n := 0
	for _, err := range errs {
		if err == nil {
			n++
		}
	}
	var rows [][]any
	for r := 0; r < n; r++ {
		row := make([]any, len(arrs))
		for k, a := range arrs {
			row[k] = gotValue(a, r)
		}
		rows = append(rows, row)
	}
	return rows, errs
}

func lens(bs []array.Builder) []int {
	n := make([]int, len(bs))
	for i, b := range bs {
		n[i] = b.Len()
	}
	return n
}

// gotValue converts the value at row i of a to a Go value.
func gotValue(a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	switch a := a.(type) {
	case *array.Int32:
		return a.Value(i)
	case *array.Int64:
		return a.Value(i)
	case *array.Uint32:
		return a.Value(i)
	case *array.Uint64:
		return a.Value(i)
	case *array.Float32:
		return a.Value(i)
	case *array.Float64:
		return a.Value(i)
	case *array.Boolean:
		return a.Value(i)
	case *array.String:
		return a.Value(i)
	case *array.Binary:
		return bin(a.Value(i))
	case *array.Timestamp:
		return a.Value(i)
	case *array.MonthDayNanoInterval:
		return a.Value(i)
	case *array.Struct:
		st := a.DataType().(*arrow.StructType)
		m := map[string]any{}
		for j := 0; j < a.NumField(); j++ {
			m[st.Field(j).Name] = gotValue(a.Field(j), i)
		}
		return m
	case *array.Map: // before List: a Map is a List
		start, end := a.ValueOffsets(i)
		m := map[any]any{}
		for j := start; j < end; j++ {
			m[gotValue(a.Keys(), int(j))] = gotValue(a.Items(), int(j))
		}
		return m
	case *array.List:
		start, end := a.ValueOffsets(i)
		l := []any{}
		for j := start; j < end; j++ {
			l = append(l, gotValue(a.ListValues(), int(j)))
		}
		return l
	}
	panic(fmt.Sprintf("unexpected array %T", a))
}

// wantRow returns the columns of a message by the mapping rules.
func wantRow(m protoreflect.Message) []any {
	return wantFields(m, map[protoreflect.FullName]int{m.Descriptor().FullName(): 1})
}

func wantFields(m protoreflect.Message, seen map[protoreflect.FullName]int) []any {
	var row []any
	md := m.Descriptor()
	done := map[protoreflect.OneofDescriptor]bool{}
	for i := 0; i < md.Fields().Len(); i++ {
		fd := md.Fields().Get(i)
		if od := fd.ContainingOneof(); od != nil && !od.IsSynthetic() {
			if done[od] {
				continue
			}
			done[od] = true
			set := m.WhichOneof(od)
			if set == nil {
				row = append(row, nil)
				continue
			}
			s := map[string]any{}
			for j := 0; j < od.Fields().Len(); j++ {
				s[string(od.Fields().Get(j).Name())] = nil
			}
			s[string(set.Name())] = wantField(m, set, seen)
			row = append(row, s)
			continue
		}
		row = append(row, wantField(m, fd, seen))
	}
	return row
}

func wantField(m protoreflect.Message, fd protoreflect.FieldDescriptor, seen map[protoreflect.FullName]int) any {
	switch {
	case fd.IsList():
		l := []any{}
		lv := m.Get(fd).List()
		for i := 0; i < lv.Len(); i++ {
			l = append(l, wantValue(fd, lv.Get(i), seen))
		}
		return l
	case fd.IsMap():
		mm := map[any]any{}
		m.Get(fd).Map().Range(func(k protoreflect.MapKey, v protoreflect.Value) bool {
			mm[wantValue(fd.MapKey(), k.Value(), seen)] = wantValue(fd.MapValue(), v, seen)
			return true
		})
		return mm
	case fd.HasPresence() && !m.Has(fd):
		return nil
	}
	return wantValue(fd, m.Get(fd), seen)
}

func wantValue(fd protoreflect.FieldDescriptor, v protoreflect.Value, seen map[protoreflect.FullName]int) any {
	switch fd.Kind() {
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return int32(v.Int())
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return v.Int()
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return uint32(v.Uint())
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return v.Uint()
	case protoreflect.FloatKind:
		return float32(v.Float())
	case protoreflect.DoubleKind:
		return v.Float()
	case protoreflect.BoolKind:
		return v.Bool()
	case protoreflect.StringKind:
		return v.String()
	case protoreflect.BytesKind:
		return bin(v.Bytes())
	case protoreflect.EnumKind:
		if ev := fd.Enum().Values().ByNumber(v.Enum()); ev != nil {
			return string(ev.Name())
		}
		return strconv.Itoa(int(v.Enum()))
	}
	sub := v.Message()
	md := sub.Descriptor()
	switch md.FullName() {
	case "google.protobuf.Timestamp":
		sec, nanos := sub.Get(md.Fields().ByNumber(1)).Int(), sub.Get(md.Fields().ByNumber(2)).Int()
		us := new(big.Int).Mul(big.NewInt(sec), big.NewInt(1e6))
		us.Add(us, big.NewInt(nanos/1000))
		if !us.IsInt64() {
			return nil
		}
		return arrow.Timestamp(us.Int64())
	case "google.protobuf.Duration":
		sec, nanos := sub.Get(md.Fields().ByNumber(1)).Int(), sub.Get(md.Fields().ByNumber(2)).Int()
		ns := new(big.Int).Mul(big.NewInt(sec), big.NewInt(1e9))
		ns.Add(ns, big.NewInt(nanos))
		if ns.IsInt64() {
			return arrow.MonthDayNanoInterval{Nanoseconds: ns.Int64()}
		}
		days := sec / 86400
		if days > math.MaxInt32 || days < math.MinInt32 {
			return nil
		}
		return arrow.MonthDayNanoInterval{Days: int32(days), Nanoseconds: (sec%86400)*1e9 + nanos}
	case "google.protobuf.DoubleValue", "google.protobuf.FloatValue",
		"google.protobuf.Int64Value", "google.protobuf.UInt64Value",
		"google.protobuf.Int32Value", "google.protobuf.UInt32Value",
		"google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue":
		vf := md.Fields().ByNumber(1)
		return wantValue(vf, sub.Get(vf), seen)
	}
	if seen[md.FullName()] >= RecursionDepth {
		b, err := protojson.MarshalOptions{UseProtoNames: true, AllowPartial: true}.Marshal(sub.Interface())
		if err != nil {
			return nil
		}
		return jsonText(b)
	}
	seen[md.FullName()]++
	defer func() { seen[md.FullName()]-- }()
	row := wantFields(sub, seen)
	s := map[string]any{}
	k := 0
	done := map[protoreflect.OneofDescriptor]bool{}
	for i := 0; i < md.Fields().Len(); i++ {
		f := md.Fields().Get(i)
		name := string(f.Name())
		if od := f.ContainingOneof(); od != nil && !od.IsSynthetic() {
			if done[od] {
				continue
			}
			done[od] = true
			name = string(od.Name())
		}
		s[name] = row[k]
		k++
	}
	return s
}

// equal compares a wanted and a decoded value: floats by their bits,
// protojson text as JSON.
func equal(want, got any) bool {
	switch w := want.(type) {
	case jsonText:
		g, ok := got.(string)
		if !ok {
			return false
		}
		var wv, gv any
		if json.Unmarshal([]byte(w), &wv) != nil || json.Unmarshal([]byte(g), &gv) != nil {
			return false
		}
		return reflect.DeepEqual(wv, gv)
	case float32:
		g, ok := got.(float32)
		return ok && math.Float32bits(w) == math.Float32bits(g)
	case float64:
		g, ok := got.(float64)
		return ok && math.Float64bits(w) == math.Float64bits(g)
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !equal(w[i], g[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for k, v := range w {
			gv, ok := g[k]
			if !ok || !equal(v, gv) {
				return false
			}
		}
		return true
	case map[any]any:
		g, ok := got.(map[any]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for k, v := range w {
			gv, ok := g[k]
			if !ok || !equal(v, gv) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(want, got)
}

// show prints a value with sorted map keys, for failure messages.
func show(v any) string {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b bytes.Buffer
		b.WriteString("{")
		for i, k := range keys {
			if i > 0 {
				b.WriteString(" ")
			}
			fmt.Fprintf(&b, "%s:%s", k, show(v[k]))
		}
		b.WriteString("}")
		return b.String()
	case []any:
		var b bytes.Buffer
		b.WriteString("[")
		for i, e := range v {
			if i > 0 {
				b.WriteString(" ")
			}
			b.WriteString(show(e))
		}
		b.WriteString("]")
		return b.String()
	case nil:
		return "NULL"
	}
	return fmt.Sprintf("%#v", v)
}

// checkRow compares a decoded row with the columns idx of a message.
func checkRow(t testing.TB, m protoreflect.Message, idx []int, got []any) {
	t.Helper()
	want := wantRow(m)
	if idx != nil {
		sub := make([]any, len(idx))
		for k, i := range idx {
			sub[k] = want[i]
		}
		want = sub
	}
	if len(want) != len(got) {
		t.Fatalf("%d columns, want %d", len(got), len(want))
	}
	for k := range want {
		if !equal(want[k], got[k]) {
			t.Errorf("column %d:\n got %s\nwant %s", k, show(got[k]), show(want[k]))
		}
	}
}

// newMessage returns an empty dynamic message of md.
func newMessage(md protoreflect.MessageDescriptor) *dynamicpb.Message {
	return dynamicpb.NewMessage(md)
}

// checkedAllocator returns an allocator that the test checks is empty
// at its end.
func checkedAllocator(t testing.TB) memory.Allocator {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() {
		if n := mem.CurrentAlloc(); n != 0 {
			t.Errorf("%d bytes still allocated", n)
		}
	})
	return mem
}
