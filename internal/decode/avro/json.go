package avro

import (
	"encoding/base64"
	"math"
	"math/big"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
)

// The JSON text of values below a cut (see MaxDepth) is rendered as the
// package documentation says.

// span is the JSON text of one field in decoder.buf.
type span struct{ start, end int }

// json renders the value of n at pos, checked by check, to d.buf, and
// returns where it ends.
func (d *decoder) json(n *node, b []byte, pos int) int {
	switch n.kind {
	case kNull:
		d.buf = append(d.buf, "null"...)
		return pos
	case kBoolean:
		d.buf = strconv.AppendBool(d.buf, b[pos] == 1)
		return pos + 1
	case kInt, kLong:
		v, next := long(b, pos)
		d.jsonInt(n, v)
		return next
	case kFloat:
		d.jsonFloat(n, float64(float32At(b, pos)))
		return pos + 4
	case kDouble:
		d.jsonFloat(n, float64At(b, pos))
		return pos + 8
	case kBytes:
		l, start := long(b, pos)
		end := start + int(l)
		d.jsonBytes(n, b[start:end])
		return end
	case kFixed:
		d.jsonBytes(n, b[pos:pos+n.size])
		return pos + n.size
	case kEnum:
		i, next := long(b, pos)
		d.buf = appendJSONString(d.buf, n.syms[i])
		return next
	case kArray, kMap:
		open, close := byte('['), byte(']')
		if n.kind == kMap {
			open, close = '{', '}'
		}
		d.buf = append(d.buf, open)
		first := true
		for {
			count, next := long(b, pos)
			pos = next
			if count == 0 {
				break
			}
			if count < 0 {
				count = -count
				pos = skipVarint(b, pos)
			}
			for range count {
				if !first {
					d.buf = append(d.buf, ',')
				}
				first = false
				if n.kind == kMap {
					l, start := long(b, pos)
					pos = start + int(l)
					d.buf = append(appendJSONString(d.buf, b[start:pos]), ':')
				}
				pos = d.json(n.elem, b, pos)
			}
		}
		d.buf = append(d.buf, close)
		return pos
	case kRecord:
		return d.jsonRecord(n, b, pos)
	case kUnion:
		i, next := long(b, pos)
		return d.json(n.branches[i], b, next)
	}
	return pos
}

// jsonRecord renders a record with its fields in the reader's order.
// When the encoding has them in that order they are rendered as they
// come; else each is rendered where the encoding has it, then the object
// is assembled from the pieces and moved to where the fields started.
func (d *decoder) jsonRecord(n *node, b []byte, pos int) int {
	if n.ordered {
		d.buf = append(d.buf, '{')
		j := 0
		for i := range n.fields {
			f := &n.fields[i]
			if f.node.mode == mSkip {
				pos = skip(f.node, b, pos)
				continue
			}
			if j > 0 {
				d.buf = append(d.buf, ',')
			}
			d.buf = append(d.buf, n.names[j]...)
			j++
			pos = d.json(f.node, b, pos)
		}
		for i := range n.defs {
			if j > 0 {
				d.buf = append(d.buf, ',')
			}
			d.buf = append(d.buf, n.names[j]...)
			j++
			d.json(n.defs[i].node, n.defs[i].data, 0)
		}
		d.buf = append(d.buf, '}')
		return pos
	}
	base := len(d.spans)
	for range n.names {
		d.spans = append(d.spans, span{})
	}
	fields := len(d.buf)
	for i := range n.fields {
		f := &n.fields[i]
		if f.node.mode == mSkip {
			pos = skip(f.node, b, pos)
			continue
		}
		start := len(d.buf)
		pos = d.json(f.node, b, pos)
		d.spans[base+f.out] = span{start, len(d.buf)}
	}
	for i := range n.defs {
		df := &n.defs[i]
		start := len(d.buf)
		d.json(df.node, df.data, 0)
		d.spans[base+df.out] = span{start, len(d.buf)}
	}
	object := len(d.buf)
	d.buf = append(d.buf, '{')
	for j, name := range n.names {
		if j > 0 {
			d.buf = append(d.buf, ',')
		}
		s := d.spans[base+j]
		d.buf = append(append(d.buf, name...), d.buf[s.start:s.end]...)
	}
	d.buf = append(d.buf, '}')
	d.buf = d.buf[:fields+copy(d.buf[fields:], d.buf[object:])]
	d.spans = d.spans[:base]
	return pos
}

func (d *decoder) jsonInt(n *node, v int64) {
	switch n.col {
	case cFloat32:
		d.jsonFloat(n, float64(float32(v)))
	case cFloat64:
		d.jsonFloat(n, float64(v))
	case cDate32:
		d.buf = append(d.buf, '"')
		d.buf = time.Unix(v*86400, 0).UTC().AppendFormat(d.buf, "2006-01-02")
		d.buf = append(d.buf, '"')
	case cTime32:
		d.buf = appendTimeOfDay(d.buf, v, 1000, 3)
	case cTime64:
		d.buf = appendTimeOfDay(d.buf, v, 1000_000, 6)
	case cTimestamp:
		var t time.Time
		layout := "2006-01-02T15:04:05.000"
		if n.unit == arrow.Microsecond {
			t = time.UnixMicro(v).UTC()
			layout += "000"
		} else {
			t = time.UnixMilli(v).UTC()
		}
		if !n.local {
			layout += "Z"
		}
		d.buf = append(d.buf, '"')
		d.buf = t.AppendFormat(d.buf, layout)
		d.buf = append(d.buf, '"')
	default:
		d.buf = strconv.AppendInt(d.buf, v, 10)
	}
}

// appendTimeOfDay appends v, a time of day in units of 1/perSecond s, as
// "15:04:05" and digits fraction digits; outside a day, the number.
func appendTimeOfDay(b []byte, v, perSecond int64, digits int) []byte {
	if v < 0 || v >= 86400*perSecond {
		return strconv.AppendInt(b, v, 10)
	}
	s, frac := v/perSecond, v%perSecond
	b = append(b, '"')
	b = append(b, byte('0'+s/36000), byte('0'+s/3600%10), ':', byte('0'+s/600%6), byte('0'+s/60%10), ':', byte('0'+s%60/10), byte('0'+s%10), '.')
	f := strconv.AppendInt(nil, frac+perSecond, 10) // a leading 1, then digits digits
	b = append(b, f[1:1+digits]...)
	return append(b, '"')
}

func (d *decoder) jsonFloat(n *node, v float64) {
	switch {
	case math.IsNaN(v):
		d.buf = append(d.buf, `"NaN"`...)
	case math.IsInf(v, 1):
		d.buf = append(d.buf, `"Infinity"`...)
	case math.IsInf(v, -1):
		d.buf = append(d.buf, `"-Infinity"`...)
	case n.col == cFloat32:
		d.buf = strconv.AppendFloat(d.buf, v, 'g', -1, 32)
	default:
		d.buf = strconv.AppendFloat(d.buf, v, 'g', -1, 64)
	}
}

func (d *decoder) jsonBytes(n *node, v []byte) {
	switch n.col {
	case cString:
		d.buf = appendJSONString(d.buf, v)
	case cDecimal:
		d.buf = appendDecimal(d.buf, v, int(n.scale))
	default:
		d.buf = append(d.buf, '"')
		d.buf = base64.StdEncoding.AppendEncode(d.buf, v)
		d.buf = append(d.buf, '"')
	}
}

// appendDecimal appends the big-endian two's-complement integer v scaled
// down by scale, exactly.
func appendDecimal(b, v []byte, scale int) []byte {
	i := new(big.Int).SetBytes(v)
	if len(v) > 0 && v[0]&0x80 != 0 {
		i.Sub(i, new(big.Int).Lsh(big.NewInt(1), uint(len(v))*8))
	}
	if i.Sign() < 0 {
		b = append(b, '-')
		i.Neg(i)
	}
	digits := i.Text(10)
	if scale <= 0 {
		return append(b, digits...)
	}
	if len(digits) <= scale {
		b = append(b, "0."...)
		for range scale - len(digits) {
			b = append(b, '0')
		}
		return append(b, digits...)
	}
	cut := len(digits) - scale
	return append(append(append(b, digits[:cut]...), '.'), digits[cut:]...)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends UTF-8 text s as a JSON string.
func appendJSONString(b, s []byte) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf || (c >= 0x20 && c != '"' && c != '\\') {
			i++
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
