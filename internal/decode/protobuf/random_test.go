package protobuf

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/kq-sql/kq/internal/decode"
)

// randomMessage returns a message of md with random fields set, nested
// messages to about depth levels.
func randomMessage(r *rand.Rand, md protoreflect.MessageDescriptor, depth int) *dynamicpb.Message {
	m := dynamicpb.NewMessage(md)
	fs := md.Fields()
	for i := 0; i < fs.Len(); i++ {
		fd := fs.Get(i)
		if r.IntN(3) == 0 || (fd.Message() != nil && depth <= 0 && !isWellKnown(fd.Message())) {
			continue
		}
		n := 1 + r.IntN(3) // lists and maps: fewer deeper down, or messages multiply
		if depth < 10 {
			n = r.IntN(2)
		}
		switch {
		case fd.IsList():
			l := m.Mutable(fd).List()
			for range n {
				l.Append(randomValue(r, fd, depth-1))
			}
		case fd.IsMap():
			mm := m.Mutable(fd).Map()
			for range n {
				mm.Set(randomValue(r, fd.MapKey(), depth-1).MapKey(), randomValue(r, fd.MapValue(), depth-1))
			}
		default:
			m.Set(fd, randomValue(r, fd, depth-1))
		}
	}
	return m
}

func isWellKnown(md protoreflect.MessageDescriptor) bool { return wellKnown(md) != nil }

var (
	randomInts    = []int64{0, 1, -1, 127, 128, math.MaxInt32, math.MinInt32, math.MaxInt64, math.MinInt64, 1 << 40}
	randomStrings = []string{"", "a", "ab c", "héllo", "☃", "\x00", "日本語テキスト", "\U0001F600"}
)

func randomInt(r *rand.Rand) int64 {
	if r.IntN(2) == 0 {
		return randomInts[r.IntN(len(randomInts))]
	}
	return int64(r.Uint64())
}

func randomValue(r *rand.Rand, fd protoreflect.FieldDescriptor, depth int) protoreflect.Value {
	switch fd.Kind() {
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return protoreflect.ValueOfInt32(int32(randomInt(r)))
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return protoreflect.ValueOfInt64(randomInt(r))
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return protoreflect.ValueOfUint32(uint32(randomInt(r)))
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return protoreflect.ValueOfUint64(uint64(randomInt(r)))
	case protoreflect.FloatKind:
		return protoreflect.ValueOfFloat32(math.Float32frombits(uint32(r.Uint64())))
	case protoreflect.DoubleKind:
		return protoreflect.ValueOfFloat64(math.Float64frombits(r.Uint64()))
	case protoreflect.BoolKind:
		return protoreflect.ValueOfBool(r.IntN(2) == 0)
	case protoreflect.StringKind:
		return protoreflect.ValueOfString(randomStrings[r.IntN(len(randomStrings))])
	case protoreflect.BytesKind:
		b := make([]byte, r.IntN(5))
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return protoreflect.ValueOfBytes(b)
	case protoreflect.EnumKind:
		vs := fd.Enum().Values()
		if r.IntN(4) == 0 {
			return protoreflect.ValueOfEnum(protoreflect.EnumNumber(randomInt(r)))
		}
		return protoreflect.ValueOfEnum(vs.Get(r.IntN(vs.Len())).Number())
	}
	md := fd.Message()
	switch md.FullName() {
	case "google.protobuf.Timestamp", "google.protobuf.Duration":
		m := dynamicpb.NewMessage(md)
		sec := r.Int64N(2*315576000000) - 315576000000
		if r.IntN(10) == 0 {
			sec = randomInt(r)
		}
		m.Set(md.Fields().ByNumber(1), protoreflect.ValueOfInt64(sec))
		m.Set(md.Fields().ByNumber(2), protoreflect.ValueOfInt32(r.Int32N(1e9)))
		return protoreflect.ValueOfMessage(m)
	}
	return protoreflect.ValueOfMessage(randomMessage(r, md, depth))
}

// TestDecodeRandom decodes random messages of every kind and compares
// them with the values set.
func TestDecodeRandom(t *testing.T) {
	for _, name := range []string{"t.All", "t.Node", "t.Chain"} {
		t.Run(name, func(t *testing.T) {
			md := compileMessage(t, allProto, name)
			f := newFormat(t, md)
			r := rand.New(rand.NewPCG(uint64(len(name)), 7))
			var msgs []*dynamicpb.Message
			var payloads [][]byte
			for range 300 {
				m := randomMessage(r, md, 12)
				msgs = append(msgs, m)
				payloads = append(payloads, marshal(t, m))
			}
			mem := checkedAllocator(t)
			rows, errs := decodeRows(t, mem, f, nil, payloads...)
			for i, err := range errs {
				if err != nil {
					t.Fatalf("message %d: %v", i, err)
				}
			}
			cut := 0
			for i, row := range rows {
				checkRow(t, msgs[i], nil, row)
				if t.Failed() {
					t.Fatalf("message %d", i)
				}
				cut += countJSON(wantRow(msgs[i]))
			}
			if name != "t.All" && cut == 0 {
				t.Fatalf("no message deeper than %d", RecursionDepth)
			}
		})
	}
}

// FuzzDecode decodes arbitrary payloads as t.All: a payload either
// decodes to what proto.Unmarshal makes of it, or is an error that
// appends nothing; an error where proto.Unmarshal succeeds is a wire
// type that does not match a known field, which proto.Unmarshal keeps
// as an unknown field. A projection agrees on both.
func FuzzDecode(f *testing.F) {
	md := compileMessage(f, allProto, "t.All")
	format := newFormat(f, md)
	r := rand.New(rand.NewPCG(3, 4))
	for range 20 {
		f.Add(marshal(f, randomMessage(r, md, 10)))
	}
	f.Add(marshal(f, richMessage(f, md).Interface()))
	f.Add([]byte(wire{}.bytes(nMSI, wire{}.bytes(1, []byte("a"))).bytes(nMSI, wire{}.bytes(1, []byte("a"))).group(nUnknown, wire{}.varint(1, 1))))
	// Decoders and builders live across inputs, as in a scan.
	mem := checkedAllocator(f)
	all := newRowDecoder(f, mem, format, allIdx(format))
	defer all.release()
	idx := []int{columnIndex(f, format, "m_si"), columnIndex(f, format, "inner")}
	proj := newRowDecoder(f, mem, format, idx)
	defer proj.release()
	f.Fuzz(func(t *testing.T, data []byte) {
		row, err := all.decode(t, data)
		if err == errBroken {
			return
		}
		m, goErr, panicked := unmarshalRecover(md, data)
		switch {
		case panicked:
			// proto.Unmarshal of a dynamicpb map entry whose key repeats
			// with another wire type panics (see TestDecodeMapKeyWireType);
			// this decoder rejects the wire type.
			if err == nil {
				t.Fatalf("decoded what proto.Unmarshal panics on")
			}
		case err == nil && goErr != nil:
			t.Fatalf("decoded what proto.Unmarshal rejects: %v", goErr)
		case err != nil && goErr == nil:
			if pe, ok := err.(*PayloadError); !ok || !strings.Contains(pe.Reason, "wire type") {
				t.Fatalf("rejected what proto.Unmarshal decodes: %v", err)
			}
		case err == nil:
			checkRow(t, m, nil, row)
		}
		prow, perr := proj.decode(t, data)
		if (perr == nil) != (err == nil) {
			t.Fatalf("all columns: %v; columns %v: %v", err, idx, perr)
		}
		if perr == nil {
			for k, i := range idx {
				if !equal(row[i], prow[k]) {
					t.Fatalf("column %d: %s, projected %s", i, show(row[i]), show(prow[k]))
				}
			}
		}
	})
}

// unmarshalRecover is proto.Unmarshal into a new dynamic message of md,
// reporting a panic.
func unmarshalRecover(md protoreflect.MessageDescriptor, data []byte) (m *dynamicpb.Message, err error, panicked bool) {
	defer func() {
		if recover() != nil {
			panicked = true
		}
	}()
	m = newMessage(md)
	err = proto.UnmarshalOptions{AllowPartial: true}.Unmarshal(data, m)
	return m, err, false
}

// rowDecoder decodes one payload at a time into builders kept from
// payload to payload.
type rowDecoder struct {
	rd decode.RowDecoder
	bs []array.Builder
}

func newRowDecoder(t testing.TB, mem memory.Allocator, f *Format, idx []int) *rowDecoder {
	rd, err := f.Decoder(idx)
	if err != nil {
		t.Fatal(err)
	}
	d := &rowDecoder{rd: rd}
	for _, i := range idx {
		d.bs = append(d.bs, array.NewBuilder(mem, f.Fields()[i].Type))
	}
	return d
}

func (d *rowDecoder) release() {
	for _, b := range d.bs {
		b.Release()
	}
}

// decode decodes data and returns its row, checking that it appended one
// value to every builder or, on error, nothing. It reports failures with
// t.Errorf, so that goroutines may call it, and then returns errBroken.
func (d *rowDecoder) decode(t testing.TB, data []byte) ([]any, error) {
	err := d.rd.Decode(data, d.bs)
	want := 1
	if err != nil {
		want = 0
	}
	for k, b := range d.bs {
		if b.Len() != want {
			t.Errorf("error %v: builder %d has %d values, want %d", err, k, b.Len(), want)
			return nil, errBroken
		}
	}
	if err != nil {
		return nil, err
	}
	row := make([]any, len(d.bs))
	for k, b := range d.bs {
		a := b.NewArray()
		row[k] = gotValue(a, 0)
		verr := array.ValidateFull(a)
		a.Release()
		if verr != nil {
			t.Errorf("column %d: %v", k, verr)
			return nil, errBroken
		}
	}
	return row, nil
}

// errBroken is rowDecoder.decode's error after a failed check.
var errBroken = errors.New("broken decoder")

// countJSON counts the values past the recursion depth in v.
func countJSON(v any) int {
	n := 0
	switch v := v.(type) {
	case jsonText:
		return 1
	case []any:
		for _, e := range v {
			n += countJSON(e)
		}
	case map[string]any:
		for _, e := range v {
			n += countJSON(e)
		}
	case map[any]any:
		for _, e := range v {
			n += countJSON(e)
		}
	}
	return n
}
