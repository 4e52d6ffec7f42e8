package protobuf

import (
	"math"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"google.golang.org/protobuf/encoding/protowire"
)

// The append pass: after scan has validated a payload and recorded where
// its fields are, these append one value per column in schema order.
// Nothing here can fail; nested messages are scanned again, without
// validation, into their nodes' tables as they are appended.

func (d *decoder) appendCols(n *node, data []byte) {
	for _, c := range n.cols {
		if c.members == nil {
			d.appendField(&n.tab, c, data)
			continue
		}
		m := n.tab.member(c.spec.oneof)
		if m < 0 {
			c.st.AppendNull()
			continue
		}
		c.st.Append(true)
		for _, mc := range c.members {
			if mc.slot == m {
				d.appendField(&n.tab, mc, data)
			} else {
				mc.b.AppendNull()
			}
		}
	}
}

// appendField appends the value of a field column from its occurrences
// in t.
func (d *decoder) appendField(t *table, c *col, data []byte) {
	first := t.first(c.slot)
	switch c.spec.card {
	case cardList:
		c.lb.Append(true)
		for o := first; o >= 0; o = t.occs[o].next {
			oc := t.occs[o]
			if oc.wt == protowire.BytesType && c.val.spec.kind.number() {
				d.appendPacked(c.val, data[:oc.end], oc.start)
			} else {
				d.appendValue(c.val, data, t, o, true)
			}
		}
	case cardMap:
		d.appendMap(t, c, first, data)
	default:
		switch {
		case first >= 0:
			d.appendValue(c.val, data, t, first, false)
		case c.spec.presence:
			c.b.AppendNull()
		default:
			d.appendZero(c.val, c.val.spec.kind)
		}
	}
}

// appendValue appends the value at occurrence o of t: a scalar, or a
// message merged from o and the occurrences after it (from o alone when
// single, as for a list's element).
func (d *decoder) appendValue(v *val, data []byte, t *table, o int32, single bool) {
	if v.spec.kind.message() {
		d.appendMessage(v, data, t, o, single)
		return
	}
	oc := t.occs[o]
	d.appendScalar(v, v.spec.kind, data, oc.start, oc.end)
}

// appendScalar appends the scalar of kind k in data[start:end].
func (d *decoder) appendScalar(v *val, k kind, data []byte, start, end int) {
	switch k {
	case kInt32:
		x, _ := varint(data, start)
		v.i32.Append(int32(x))
	case kSint32:
		x, _ := varint(data, start)
		v.i32.Append(int32(protowire.DecodeZigZag(x & math.MaxUint32)))
	case kSfixed32:
		v.i32.Append(int32(fixed32(data, start)))
	case kInt64:
		x, _ := varint(data, start)
		v.i64.Append(int64(x))
	case kSint64:
		x, _ := varint(data, start)
		v.i64.Append(protowire.DecodeZigZag(x))
	case kSfixed64:
		v.i64.Append(int64(fixed64(data, start)))
	case kUint32:
		x, _ := varint(data, start)
		v.u32.Append(uint32(x))
	case kFixed32:
		v.u32.Append(fixed32(data, start))
	case kUint64:
		x, _ := varint(data, start)
		v.u64.Append(x)
	case kFixed64:
		v.u64.Append(fixed64(data, start))
	case kFloat:
		v.f32.Append(math.Float32frombits(fixed32(data, start)))
	case kDouble:
		v.f64.Append(math.Float64frombits(fixed64(data, start)))
	case kBool:
		x, _ := varint(data, start)
		v.bo.Append(x != 0)
	case kEnum:
		x, _ := varint(data, start)
		d.appendEnum(v, int32(x))
	case kString:
		b := data[start:end]
		if !v.spec.utf8 && !utf8.Valid(b) {
			// Not validated (proto2): invalid sequences become U+FFFD,
			// as a VARCHAR must be UTF-8.
			b = []byte(strings.ToValidUTF8(string(b), "\uFFFD"))
		}
		v.bin.Append(b)
	case kBytes:
		v.bin.Append(data[start:end])
	}
}

func (d *decoder) appendEnum(v *val, n int32) {
	name, buf, ok := v.spec.enum.name(n, d.buf)
	if ok {
		v.bin.AppendString(name)
		return
	}
	d.buf = buf
	v.bin.Append(buf)
}

// appendPacked appends the packed values in b[i:].
func (d *decoder) appendPacked(v *val, b []byte, i int) {
	k := v.spec.kind
	size := k.size()
	for i < len(b) {
		if size > 0 {
			d.appendScalar(v, k, b, i, i+size)
			i += size
			continue
		}
		_, n := varint(b, i)
		if n < 0 {
			return // not reached: scan validated b
		}
		d.appendScalar(v, k, b, i, n)
		i = n
	}
}

// appendZero appends the default value of kind k, for a message kind the
// empty message.
func (d *decoder) appendZero(v *val, k kind) {
	switch k {
	case kInt32, kSint32, kSfixed32:
		v.i32.Append(0)
	case kInt64, kSint64, kSfixed64:
		v.i64.Append(0)
	case kUint32, kFixed32:
		v.u32.Append(0)
	case kUint64, kFixed64:
		v.u64.Append(0)
	case kFloat:
		v.f32.Append(0)
	case kDouble:
		v.f64.Append(0)
	case kBool:
		v.bo.Append(false)
	case kEnum:
		d.appendEnum(v, 0)
	case kString, kBytes:
		v.bin.Append(nil)
	default:
		d.appendMessage(v, nil, nil, -1, false)
	}
}

// appendMessage appends the message merged from occurrence o of t and
// those after it (o alone when single; none when o < 0, the empty
// message).
func (d *decoder) appendMessage(v *val, data []byte, t *table, o int32, single bool) {
	switch v.spec.kind {
	case kMessage:
		v.st.Append(true)
		n := v.msg
		n.tab.reset()
		for ; o >= 0; o = t.occs[o].next {
			oc := t.occs[o]
			_, _, _ = scan(n.info, data[:oc.end], oc.start, 0, &n.tab, n.slots, false, 0)
			if single {
				break
			}
		}
		d.appendCols(n, data)
	case kTimestamp:
		sec, nanos := secondsNanos(data, t, o, single)
		us, ok := addMul(sec, 1e6, nanos/1000)
		if !ok {
			v.ts.AppendNull()
			return
		}
		v.ts.Append(arrow.Timestamp(us))
	case kDuration:
		iv, ok := duration(secondsNanos(data, t, o, single))
		if !ok {
			v.iv.AppendNull()
			return
		}
		v.iv.Append(iv)
	case kWrapper:
		p1, end := lastOne(data, t, o, single)
		if p1 < 0 {
			d.appendZero(v, v.spec.inner)
			return
		}
		d.appendScalar(v, v.spec.inner, data, p1, end)
	case kJSON:
		buf := d.buf[:0]
		for ; o >= 0; o = t.occs[o].next {
			oc := t.occs[o]
			buf = append(buf, data[oc.start:oc.end]...)
			if single {
				break
			}
		}
		d.buf = buf
		if text, ok := d.f.protojson(v.spec.md, buf, &d.json); ok {
			v.bin.Append(text)
		} else {
			v.bin.AppendNull()
		}
	}
}

// secondsNanos returns the last values of fields 1 and 2 (a Timestamp's
// or Duration's int64 seconds and int32 nanos) in the message parts from
// o, 0 for a field not there.
func secondsNanos(data []byte, t *table, o int32, single bool) (sec, nanos int64) {
	for ; o >= 0; o = t.occs[o].next {
		oc := t.occs[o]
		eachField(data[:oc.end], oc.start, func(num protowire.Number, start, _ int) {
			switch num {
			case 1:
				x, _ := varint(data, start)
				sec = int64(x)
			case 2:
				x, _ := varint(data, start)
				nanos = int64(int32(x))
			}
		})
		if single {
			break
		}
	}
	return sec, nanos
}

// lastOne returns where the last value of field 1 (a wrapper's value) is
// in the message parts from o, -1 when it is not there.
func lastOne(data []byte, t *table, o int32, single bool) (start, end int) {
	start = -1
	for ; o >= 0; o = t.occs[o].next {
		oc := t.occs[o]
		eachField(data[:oc.end], oc.start, func(num protowire.Number, s, e int) {
			if num == 1 {
				start, end = s, e
			}
		})
		if single {
			break
		}
	}
	return start, end
}

// eachField calls fn with the number and value bounds of every field of
// the validated message body b[i:] but groups.
func eachField(b []byte, i int, fn func(num protowire.Number, start, end int)) {
	for i < len(b) {
		tag, n := varint(b, i)
		if n < 0 {
			return
		}
		num, wt := tagNumber(tag), protowire.Type(tag&7)
		if wt == protowire.StartGroupType {
			var err error
			if i, err = skipGroup(b, n, num, 0); err != nil {
				return
			}
			continue
		}
		start, end, next, err := value(b, n, wt, nil)
		if err != nil {
			return
		}
		fn(num, start, end)
		i = next
	}
}

// addMul returns a*m+c, false when it overflows an int64.
func addMul(a, m, c int64) (int64, bool) {
	if a > math.MaxInt64/m || a < math.MinInt64/m {
		return 0, false
	}
	p := a * m
	r := p + c
	if (c > 0 && r < p) || (c < 0 && r > p) {
		return 0, false
	}
	return r, true
}

// duration returns a Duration as an interval of nanoseconds. One longer
// than an int64 of nanoseconds (about 292 years) carries its whole days
// in Days; one of more days than an int32 holds (beyond the ±10,000
// years a Duration may span) is false.
func duration(sec, nanos int64) (arrow.MonthDayNanoInterval, bool) {
	if ns, ok := addMul(sec, 1e9, nanos); ok {
		return arrow.MonthDayNanoInterval{Nanoseconds: ns}, true
	}
	days := sec / 86400
	if days > math.MaxInt32 || days < math.MinInt32 {
		return arrow.MonthDayNanoInterval{}, false
	}
	return arrow.MonthDayNanoInterval{Days: int32(days), Nanoseconds: (sec%86400)*1e9 + nanos}, true
}
