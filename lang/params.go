package lang

import (
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// MaxParams is the highest parameter number a statement may use ($n).
const MaxParams = 65535

// numberParams numbers the parameters of a parsed statement: ? in the
// order they appear, $n by n. One statement uses one style; $0 and
// numbers above MaxParams are errors.
func numberParams(stmt Statement) error {
	ps := paramsOf(stmt)
	if len(ps) == 0 {
		return nil
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Pos.Offset < ps[j].Pos.Offset })
	positional := ps[0].Value == "?"
	for i, p := range ps {
		if (p.Value == "?") != positional {
			return Errorf(p.Pos, "%s after %s: a statement uses either ? or $n parameters, not both", p.Value, ps[0].Value)
		}
		if positional {
			p.Param = i + 1
			continue
		}
		n, err := strconv.Atoi(strings.TrimPrefix(p.Value, "$"))
		if err != nil || n > MaxParams {
			return Errorf(p.Pos, "parameter %s: numbers go up to $%d", p.Value, MaxParams)
		}
		if n == 0 {
			return Errorf(p.Pos, "parameter $0: parameters are numbered from $1")
		}
		p.Param = n
	}
	return nil
}

// NumParams returns how many values stmt takes: the number of its ?
// parameters, or the highest n of its $n. It is 0 for a statement
// without parameters.
func NumParams(stmt Statement) int {
	n := 0
	for _, p := range paramsOf(stmt) {
		n = max(n, p.Param)
	}
	return n
}

// Bind returns a copy of stmt whose parameters stand for values:
// values[i] is parameter i+1 ($i+1, or the (i+1)th ?). A parameter in an
// expression keeps its place and gets Bound, a copy of its value at the
// parameter's position, so that planning can read it as a constant while
// the SQL engine is given the value itself; a parameter that stands for a
// topic name (kafka(?)) or an option value (WITH (valueFormat = ?), COPY
// options) is replaced by its value, which must be a string for a topic
// and not bytes for an option (a timestamp becomes its ISO-8601 text).
// The values are literals of kind LitString, LitInt, LitDecimal, LitBool,
// LitNull, LitTimestamp or LitBlob.
//
// The number of values must be NumParams(stmt): "query has 2 parameters,
// got 1" is a *Error at the first parameter without a value (or the
// last one, or the statement, when there are too many values). stmt is
// not modified; the copy shares nothing with it. A statement without
// parameters, given no values, is returned as is.
func Bind(stmt Statement, values []*Literal) (Statement, error) {
	ps := paramsOf(stmt)
	n := 0
	for _, p := range ps {
		n = max(n, p.Param)
	}
	if len(values) != n {
		pos := stmt.Position()
		for _, p := range ps {
			if p.Param > len(values) {
				pos = p.Pos
				break
			}
			pos = p.Pos
		}
		return nil, Errorf(pos, "query has %s, got %d", plural(n, "parameter"), len(values))
	}
	for i, v := range values {
		if v == nil || v.Kind == LitParam {
			return nil, Errorf(stmt.Position(), "parameter %d: no value", i+1)
		}
	}
	if n == 0 {
		return stmt, nil
	}
	out := clone(reflect.ValueOf(stmt)).Interface().(Statement)
	var err *Error
	walkNodes(reflect.ValueOf(out), func(v reflect.Value) {
		if err != nil {
			return
		}
		switch x := v.Interface().(type) {
		case *Literal:
			if x.Kind == LitParam {
				b := *values[x.Param-1]
				b.Pos = x.Pos
				x.Bound = &b
			}
		case *KafkaSource:
			err = bindTopics(x, values)
		case *Option:
			if x.Value != nil && x.Value.Kind == LitParam {
				x.Value, err = optionValue(x, values[x.Value.Param-1])
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// bindTopics puts the bound names of k's topic parameters into Topics.
func bindTopics(k *KafkaSource, values []*Literal) *Error {
	for i, p := range k.TopicParams {
		if p == nil {
			continue
		}
		v := values[p.Param-1]
		if v.Kind != LitString || strings.TrimSpace(v.Value) == "" {
			return Errorf(p.Pos, "parameter %s stands for a topic name: want a non-empty string, got %s", p.Value, describeValue(v))
		}
		k.Topics[i] = v.Value
	}
	k.TopicParams = nil
	return nil
}

// optionValue is the literal option o takes for the value of its
// parameter.
func optionValue(o *Option, v *Literal) (*Literal, *Error) {
	p := o.Value
	switch v.Kind {
	case LitBlob:
		return nil, Errorf(p.Pos, "parameter %s stands for the value of option %s: want a string, number or boolean, got %s", p.Value, o.Key, describeValue(v))
	case LitTimestamp:
		// Options read timestamps as ISO-8601 text or epoch milliseconds.
		return &Literal{Pos: p.Pos, Kind: LitString, Value: strings.Replace(v.Value, " ", "T", 1) + "Z"}, nil
	}
	b := *v
	b.Pos = p.Pos
	return &b, nil
}

// describeValue names a bound value's kind for errors, without its text
// (a value may be a secret).
func describeValue(v *Literal) string {
	switch v.Kind {
	case LitString:
		if strings.TrimSpace(v.Value) == "" {
			return "an empty string"
		}
		return "a string"
	case LitInt:
		return "an integer"
	case LitDecimal:
		return "a number"
	case LitBool:
		return "a boolean"
	case LitNull:
		return "NULL"
	case LitTimestamp:
		return "a timestamp"
	case LitBlob:
		return "bytes"
	}
	return "a value"
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// paramsOf returns the parameters of a statement, in no particular order.
func paramsOf(stmt Statement) []*Literal {
	if isNil(stmt) {
		return nil
	}
	var out []*Literal
	walkNodes(reflect.ValueOf(stmt), func(v reflect.Value) {
		if l, ok := v.Interface().(*Literal); ok && l.Kind == LitParam {
			out = append(out, l)
		}
	})
	return out
}

var literalType = reflect.TypeOf(&Literal{})

// walkNodes calls fn with every non-nil pointer of the tree under v,
// parents before children. A Literal's Bound is not visited.
func walkNodes(v reflect.Value, fn func(reflect.Value)) {
	switch v.Kind() {
	case reflect.Interface:
		if !v.IsNil() {
			walkNodes(v.Elem(), fn)
		}
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		fn(v)
		if v.Type() == literalType {
			return
		}
		walkNodes(v.Elem(), fn)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				walkNodes(v.Field(i), fn)
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			walkNodes(v.Index(i), fn)
		}
	}
}

// clone returns a deep copy of the tree under v: pointers, slices and
// interfaces are copied (nil and empty stay as they are), everything else
// by value.
func clone(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Interface:
		out := reflect.New(v.Type()).Elem()
		if !v.IsNil() {
			out.Set(clone(v.Elem()))
		}
		return out
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(clone(v.Elem()))
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		out.Set(v)
		for i := 0; i < v.NumField(); i++ {
			if f := out.Field(i); f.CanSet() {
				f.Set(clone(v.Field(i)))
			}
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			out.Index(i).Set(clone(v.Index(i)))
		}
		return out
	}
	return v
}

// param prints a parameter: as written, or in render mode as $k, the
// parameters numbered afresh in the order the rendering first meets them
// (Rendered.Params), so that the SQL engine is given exactly the values
// its text uses however many parameters stood for topics or options.
func (p *printer) param(l *Literal) {
	if l.Param < 1 || (l.Value != "?" && l.Value != "$"+strconv.Itoa(l.Param)) {
		p.invalid(l, "parameter %q numbered %d", l.Value, l.Param)
	}
	if !p.render {
		p.w(l.Value)
		return
	}
	k, ok := p.paramNums[l.Param]
	if !ok {
		if p.paramNums == nil {
			p.paramNums = map[int]int{}
		}
		p.params = append(p.params, l.Param)
		k = len(p.params)
		p.paramNums[l.Param] = k
	}
	p.w("$" + strconv.Itoa(k))
}
