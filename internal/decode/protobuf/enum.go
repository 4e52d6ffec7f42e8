package protobuf

import (
	"strconv"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// enumNames maps an enum's numbers to their names (the first declared
// name of an aliased number); other numbers render as decimal text.
type enumNames struct {
	min    int32
	dense  []string // number-min -> name, "" for none
	sparse map[int32]string
}

func newEnumNames(ed protoreflect.EnumDescriptor) *enumNames {
	vs := ed.Values()
	e := &enumNames{}
	if vs.Len() == 0 {
		return e
	}
	lo, hi := int64(vs.Get(0).Number()), int64(vs.Get(0).Number())
	for i := 1; i < vs.Len(); i++ {
		n := int64(vs.Get(i).Number())
		lo, hi = min(lo, n), max(hi, n)
	}
	if hi-lo <= int64(2*vs.Len()+64) {
		e.min = int32(lo)
		e.dense = make([]string, hi-lo+1)
		for i := vs.Len() - 1; i >= 0; i-- { // the first declared name wins
			v := vs.Get(i)
			e.dense[int64(v.Number())-lo] = string(v.Name())
		}
		return e
	}
	e.sparse = make(map[int32]string, vs.Len())
	for i := vs.Len() - 1; i >= 0; i-- {
		v := vs.Get(i)
		e.sparse[int32(v.Number())] = string(v.Name())
	}
	return e
}

// name returns n's name, or appends n in decimal to buf and returns false.
func (e *enumNames) name(n int32, buf []byte) (string, []byte, bool) {
	if e.dense != nil {
		if i := int64(n) - int64(e.min); i >= 0 && i < int64(len(e.dense)) && e.dense[i] != "" {
			return e.dense[i], buf, true
		}
	} else if s, ok := e.sparse[n]; ok {
		return s, buf, true
	}
	return "", strconv.AppendInt(buf[:0], int64(n), 10), false
}
