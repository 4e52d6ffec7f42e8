package avro

import (
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"slices"

	hamba "github.com/hamba/avro/v2"
)

// encodeDefault encodes the default value v of a field of type s, as
// hamba normalized it when parsing (int, int64, float32, float64, string,
// []byte, [n]byte, []any, map[string]any), in Avro's binary encoding:
// the field is then read from these bytes like from a payload.
func encodeDefault(s hamba.Schema, v any) ([]byte, error) {
	return appendDefault(nil, s, v)
}

func appendDefault(b []byte, s hamba.Schema, v any) ([]byte, error) {
	s = deref(s)
	bad := func() ([]byte, error) { return nil, fmt.Errorf("%v (%T) is not a %s", v, v, describe(s)) }
	switch s := s.(type) {
	case *hamba.NullSchema:
		return b, nil
	case *hamba.UnionSchema:
		// A union's default is a value of its first member.
		return appendDefault(appendLong(b, 0), s.Types()[0], v)
	case *hamba.RecordSchema:
		m, ok := v.(map[string]any)
		if !ok {
			return bad()
		}
		for _, f := range s.Fields() {
			fv, ok := m[f.Name()]
			if !ok {
				if !f.HasDefault() {
					return nil, fmt.Errorf("field %s of %s has no value", f.Name(), s.FullName())
				}
				fv = f.Default()
			}
			var err error
			if b, err = appendDefault(b, f.Type(), fv); err != nil {
				return nil, err
			}
		}
		return b, nil
	case *hamba.EnumSchema:
		sym, _ := v.(string)
		i := slices.Index(s.Symbols(), sym)
		if i < 0 {
			return bad()
		}
		return appendLong(b, int64(i)), nil
	case *hamba.ArraySchema:
		items, ok := v.([]any)
		if !ok {
			return bad()
		}
		if len(items) > 0 {
			b = appendLong(b, int64(len(items)))
			for _, it := range items {
				var err error
				if b, err = appendDefault(b, s.Items(), it); err != nil {
					return nil, err
				}
			}
		}
		return appendLong(b, 0), nil
	case *hamba.MapSchema:
		m, ok := v.(map[string]any)
		if !ok {
			return bad()
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if len(keys) > 0 {
			b = appendLong(b, int64(len(keys)))
			for _, k := range keys {
				b = appendBytes(b, []byte(k))
				var err error
				if b, err = appendDefault(b, s.Values(), m[k]); err != nil {
					return nil, err
				}
			}
		}
		return appendLong(b, 0), nil
	case *hamba.FixedSchema:
		raw, ok := bytesOf(v)
		if !ok || len(raw) != s.Size() {
			return bad()
		}
		return append(b, raw...), nil
	case *hamba.PrimitiveSchema:
		switch s.Type() {
		case hamba.Boolean:
			t, ok := v.(bool)
			if !ok {
				return bad()
			}
			if t {
				return append(b, 1), nil
			}
			return append(b, 0), nil
		case hamba.Int, hamba.Long:
			i, ok := intOf(v)
			if !ok || (s.Type() == hamba.Int && int64(int32(i)) != i) {
				return bad()
			}
			return appendLong(b, i), nil
		case hamba.Float:
			f, ok := floatOf(v)
			if !ok {
				return bad()
			}
			return binary.LittleEndian.AppendUint32(b, math.Float32bits(float32(f))), nil
		case hamba.Double:
			f, ok := floatOf(v)
			if !ok {
				return bad()
			}
			return binary.LittleEndian.AppendUint64(b, math.Float64bits(f)), nil
		case hamba.String, hamba.Bytes:
			raw, ok := bytesOf(v)
			if !ok {
				return bad()
			}
			return appendBytes(b, raw), nil
		}
	}
	return bad()
}

// appendLong appends v as a zigzag varint.
func appendLong(b []byte, v int64) []byte {
	return binary.AppendUvarint(b, uint64(v<<1)^uint64(v>>63))
}

// appendBytes appends a length-prefixed byte string.
func appendBytes(b, v []byte) []byte {
	return append(appendLong(b, int64(len(v))), v...)
}

func intOf(v any) (int64, bool) {
	switch v := v.(type) {
	case int:
		return int64(v), true
	case int32:
		return int64(v), true
	case int64:
		return v, true
	case float64:
		if v == math.Trunc(v) && math.Abs(v) <= 1<<63 {
			return int64(v), true
		}
	}
	return 0, false
}

func floatOf(v any) (float64, bool) {
	switch v := v.(type) {
	case float32:
		return float64(v), true
	case float64:
		return v, true
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	}
	return 0, false
}

// bytesOf returns the bytes of a string, []byte or [n]byte default.
func bytesOf(v any) ([]byte, bool) {
	switch v := v.(type) {
	case string:
		return []byte(v), true
	case []byte:
		return v, true
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Array && rv.Type().Elem().Kind() == reflect.Uint8 {
		raw := make([]byte, rv.Len())
		reflect.Copy(reflect.ValueOf(raw), rv)
		return raw, true
	}
	return nil, false
}
