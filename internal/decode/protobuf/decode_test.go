package protobuf

import (
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

func TestFields(t *testing.T) {
	f := newFormat(t, allMessage(t))
	want := map[string]string{
		"i32":      "int32",
		"s64":      "int64",
		"f32":      "uint32",
		"u64":      "uint64",
		"fl":       "float32",
		"db":       "float64",
		"b":        "bool",
		"s":        "utf8",
		"by":       "binary",
		"color":    "utf8",
		"ri32":     "list<item: int32, nullable>",
		"m_si":     "map<utf8, int64, items_nullable>",
		"m_bs":     "map<bool, utf8, items_nullable>",
		"choice":   "struct<c_int: int32 nullable, c_str: utf8 nullable, c_inner: struct<a: int32 nullable, b: utf8 nullable, c: list<item: int64, nullable> nullable, color: utf8 nullable> nullable>",
		"ts":       "timestamp[us, tz=UTC]",
		"dur":      "month_day_nano_interval",
		"w_i64":    "int64",
		"w_s":      "utf8",
		"w_by":     "binary",
		"rts":      "list<item: timestamp[us, tz=UTC], nullable>",
		"rw":       "list<item: int32, nullable>",
		"m_sw":     "map<utf8, int64, items_nullable>",
		"m_ts":     "map<uint64, timestamp[us, tz=UTC], items_nullable>",
		"unpacked": "list<item: int32, nullable>",
	}
	for name, typ := range want {
		fl := f.Fields()[columnIndex(t, f, name)]
		if got := fl.Type.String(); got != typ {
			t.Errorf("%s: %s, want %s", name, got, typ)
		}
	}
	// The oneof is one column at its first member's place.
	var names []string
	for _, fl := range f.Fields() {
		if !fl.Nullable {
			t.Errorf("%s not nullable", fl.Name)
		}
		names = append(names, fl.Name)
	}
	got := strings.Join(names, ",")
	if !strings.Contains(got, ",inner,choice,ts,") || !strings.HasSuffix(got, ",m_sw,after_oneof") {
		t.Errorf("columns %s", got)
	}
}

// TestRecursionDepth checks the type of a recursive field: Node occurs
// RecursionDepth times as a STRUCT on any path, then is protojson text.
func TestRecursionDepth(t *testing.T) {
	f := newFormat(t, compileMessage(t, allProto, "t.Node"))
	dt := f.Fields()[1].Type // next: Node's 2nd occurrence
	structs := 1
	for {
		st, ok := dt.(*arrow.StructType)
		if !ok {
			break
		}
		structs++
		// kids is a list of the same depth as next.
		kids, _ := st.FieldByName("kids")
		if k, ok := kids.Type.(*arrow.ListType); !ok || !arrow.TypeEqual(k.Elem(), mustField(st, "next").Type) {
			t.Fatalf("kids %s, next %s", kids.Type, mustField(st, "next").Type)
		}
		dt = mustField(st, "next").Type
	}
	if structs != RecursionDepth || dt.ID() != arrow.STRING {
		t.Fatalf("%d STRUCT levels then %s, want %d then utf8", structs, dt, RecursionDepth)
	}
}

func mustField(st *arrow.StructType, name string) arrow.Field {
	f, ok := st.FieldByName(name)
	if !ok {
		panic(name)
	}
	return f
}

// TestDecode compares decoded rows with the values set, for every kind.
func TestDecode(t *testing.T) {
	md := allMessage(t)
	inner := sub(md, "inner")
	node := sub(md, "tree")
	ts := sub(md, "ts")
	tree := compileMessage(t, allProto, "t.Node")
	dur := sub(md, "dur")
	w := func(name string) protoreflect.MessageDescriptor { return sub(md, name) }
	chain := func(depth int) *dynamicpb.Message {
		var n *dynamicpb.Message
		for d := depth; d > 0; d-- {
			m := msg(node, "v", int32(d), "tags", map[any]any{"d": int32(d)})
			if n != nil {
				setField(m, "next", n)
			}
			n = m
		}
		return n
	}
	cases := []struct {
		name string
		m    *dynamicpb.Message
	}{
		{"empty", msg(md)},
		{"scalars", msg(md,
			"i32", int32(-5), "i64", int64(math.MinInt64), "u32", uint32(math.MaxUint32), "u64", uint64(math.MaxUint64),
			"s32", int32(math.MinInt32), "s64", int64(-1), "f32", uint32(7), "f64", uint64(1<<63),
			"sf32", int32(-7), "sf64", int64(math.MaxInt64), "fl", float32(1.5), "db", math.Inf(-1),
			"b", true, "s", "héllo ☃", "by", []byte{0, 0xff, 1}, "after_oneof", uint32(3))},
		{"nan and negative zero", msg(md, "fl", float32(math.NaN()), "db", math.Copysign(0, -1))},
		{"enums", msg(md, "color", protoreflect.EnumNumber(-3), "rcolor", []any{protoreflect.EnumNumber(1), protoreflect.EnumNumber(99), protoreflect.EnumNumber(-7), protoreflect.EnumNumber(0)})},
		{"unknown enum", msg(md, "color", protoreflect.EnumNumber(42))},
		{"optional set to zero", msg(md, "opt", int32(0), "opt_s", "")},
		{"optional set", msg(md, "opt", int32(-9), "opt_s", "x")},
		{"repeated", msg(md,
			"ri32", []any{int32(1), int32(-1), int32(math.MaxInt32)},
			"rs64", []any{int64(math.MinInt64), int64(0), int64(5)},
			"rdb", []any{1.25, -0.5},
			"rf32", []any{uint32(1), uint32(math.MaxUint32)},
			"rb", []any{true, false, true},
			"rs", []any{"", "a", "ü"},
			"rby", []any{[]byte{}, []byte{1}},
			"unpacked", []any{int32(3), int32(-4)},
			"rinner", []any{msg(inner), msg(inner, "a", int32(1), "c", []any{int64(2), int64(3)})})},
		{"maps", msg(md,
			"m_si", map[any]any{"a": int64(1), "": int64(-2)},
			"m_im", map[any]any{int32(-1): msg(inner, "b", "x"), int32(0): msg(inner)},
			"m_bs", map[any]any{true: "t", false: ""},
			"m_ce", map[any]any{int32(-5): protoreflect.EnumNumber(2), int32(7): protoreflect.EnumNumber(77)},
			"m_ts", map[any]any{uint64(1): msg(ts, "seconds", int64(60), "nanos", int32(5000)), uint64(0): msg(ts)},
			"m_fb", map[any]any{uint64(math.MaxUint64): []byte("v"), uint64(0): []byte{}},
			"m_sw", map[any]any{"zero": msg(w("w_i64")), "one": msg(w("w_i64"), "value", int64(1))})},
		{"nested", msg(md, "inner", msg(inner, "a", int32(4), "b", "in", "c", []any{int64(9)}, "color", protoreflect.EnumNumber(2)))},
		{"empty nested", msg(md, "inner", msg(inner))},
		{"oneof int", msg(md, "c_int", int32(0))},
		{"oneof string", msg(md, "c_str", "s")},
		{"oneof message", msg(md, "c_inner", msg(inner, "a", int32(1)))},
		{"well-known", msg(md,
			"ts", msg(ts, "seconds", int64(1700000000), "nanos", int32(123456789)),
			"dur", msg(dur, "seconds", int64(-3), "nanos", int32(-500)),
			"w_i64", msg(w("w_i64"), "value", int64(-8)),
			"w_s", msg(w("w_s"), "value", "w"),
			"w_b", msg(w("w_b"), "value", true),
			"w_by", msg(w("w_by"), "value", []byte("by")),
			"w_db", msg(w("w_db"), "value", 2.5),
			"w_fl", msg(w("w_fl"), "value", float32(-1)),
			"w_u32", msg(w("w_u32"), "value", uint32(32)),
			"w_u64", msg(w("w_u64"), "value", uint64(64)),
			"w_i32", msg(w("w_i32"), "value", int32(-32)),
			"rts", []any{msg(ts), msg(ts, "seconds", int64(-1), "nanos", int32(999999999))},
			"rw", []any{msg(w("rw")), msg(w("rw"), "value", int32(5))})},
		{"wrappers of zero", msg(md, "w_i64", msg(w("w_i64")), "w_s", msg(w("w_s")), "w_b", msg(w("w_b")), "ts", msg(ts), "dur", msg(dur))},
		{"timestamp before 1970", msg(md, "ts", msg(ts, "seconds", int64(-62135596800), "nanos", int32(1000)))},
		{"timestamp overflowing micros", msg(md, "ts", msg(ts, "seconds", int64(math.MaxInt64/1000)))},
		{"duration of 10000 years", msg(md, "dur", msg(dur, "seconds", int64(315576000000), "nanos", int32(7)))},
		{"duration of -10000 years", msg(md, "dur", msg(dur, "seconds", int64(-315576000000), "nanos", int32(-7)))},
		{"duration beyond int32 days", msg(md, "dur", msg(dur, "seconds", int64(math.MaxInt64)))},
		{"recursion 3", msg(md, "tree", chain(3))},
		{"recursion 8", msg(md, "tree", chain(7))},
		{"recursion 12", msg(md, "tree", chain(12))},
		{"branching recursion", func() *dynamicpb.Message {
			var kids []any
			var n *dynamicpb.Message
			for d := 11; d > 0; d-- {
				m := msg(tree, "v", int32(d), "kids", append(kids, msg(tree, "v", int32(-d))))
				if n != nil {
					setField(m, "next", n)
				}
				n, kids = m, []any{m}
			}
			return n
		}()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mem := checkedAllocator(t)
			f := newFormat(t, c.m.Descriptor())
			data := marshal(t, c.m)
			rows, errs := decodeRows(t, mem, f, nil, data, data)
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			for _, row := range rows {
				checkRow(t, c.m, nil, row)
			}
		})
	}
}

// TestDecodeRecursionCut spells out what the oracle computes for a chain
// deeper than RecursionDepth: 8 levels of Node, then protojson text.
func TestDecodeRecursionCut(t *testing.T) {
	mem := checkedAllocator(t)
	md := compileMessage(t, allProto, "t.Node")
	var n *dynamicpb.Message
	for d := 12; d > 0; d-- {
		m := msg(md, "v", int32(d))
		if n != nil {
			setField(m, "next", n)
		}
		n = m
	}
	f := newFormat(t, md)
	rows, errs := decodeRows(t, mem, f, []int{1}, marshal(t, n))
	if errs[0] != nil {
		t.Fatal(errs[0])
	}
	v := rows[0][0]
	for level := 2; level <= RecursionDepth; level++ {
		s := v.(map[string]any)
		if s["v"] != int32(level) {
			t.Fatalf("level %d: v %v", level, s["v"])
		}
		v = s["next"]
	}
	want := `{"v":9,"next":{"v":10,"next":{"v":11,"next":{"v":12}}}}`
	if !equal(jsonText(want), v) {
		t.Fatalf("past depth %d: %#v, want %s", RecursionDepth, v, want)
	}
}

// TestDecodeConcurrent decodes with decoders of one Format in parallel
// (run with -race): the Format is shared, each decoder is one
// goroutine's.
func TestDecodeConcurrent(t *testing.T) {
	md := compileMessage(t, allProto, "t.Chain")
	f := newFormat(t, md)
	var n *dynamicpb.Message
	for d := 12; d > 0; d-- { // deeper than RecursionDepth: protojson text
		m := msg(md, "v", int32(d))
		if n != nil {
			setField(m, "next", n)
		}
		n = m
	}
	data := marshal(t, n)
	mem := checkedAllocator(t)
	var wg sync.WaitGroup
	for range 4 {
		d := newRowDecoder(t, mem, f, allIdx(f))
		defer d.release()
		wg.Go(func() {
			for range 20 {
				row, err := d.decode(t, data)
				if err != nil {
					t.Error(err)
					return
				}
				if want := wantRow(n); !equal(want, row) {
					t.Errorf("%s, want %s", show(row), show(want))
					return
				}
			}
		})
	}
	wg.Wait()
}
