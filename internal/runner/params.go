package runner

import (
	"database/sql/driver"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"time"

	"github.com/kq-sql/kq/lang"
)

// A statement's parameters (? or $n) are bound in two places, never by
// splicing their values into SQL text:
//
//   - bindParams gives the parsed statement a copy (lang.Bind) in which a
//     parameter standing for a topic name or an option value is replaced
//     by its value, and a parameter in an expression carries its value
//     beside it (Literal.Bound) for planning: pushdown of partition,
//     offset and timestamp comparisons reads it as a constant;
//   - what DuckDB runs keeps the parameters ($1, $2, ... as lang.Render
//     numbers them) and paramArgs gives DuckDB's prepared statement their
//     values (duckdb-go binds them by DuckDB's parameter types).

// timestampText is how a time.Time parameter is written as a
// LitTimestamp: UTC, to the nanosecond (the planner pushes only up to
// microseconds; DuckDB's TIMESTAMP keeps microseconds, as duckdb-go binds
// a time.Time by UnixMicro).
const timestampText = "2006-01-02 15:04:05.999999999"

// bindParams binds args to the parameters of stmt (see lang.Bind). A
// value of a type kq cannot bind, or the wrong number of values, is a
// *lang.Error at the parameter.
func bindParams(stmt lang.Statement, args []any) (lang.Statement, error) {
	n := lang.NumParams(stmt)
	if n == 0 && len(args) == 0 {
		return stmt, nil
	}
	vals := make([]*lang.Literal, len(args))
	for i, a := range args {
		lit, err := literalOf(a)
		if err != nil {
			pos := stmt.Position()
			if i < n {
				pos = paramPos(stmt, i+1)
			}
			return nil, lang.Errorf(pos, "parameter %d: %v", i+1, err)
		}
		vals[i] = lit
	}
	return lang.Bind(stmt, vals)
}

// paramPos is where parameter n first appears in stmt.
func paramPos(stmt lang.Statement, n int) lang.Pos {
	pos := stmt.Position()
	found := false
	lang.Inspect(stmt, func(x lang.Node) bool {
		if l, ok := x.(*lang.Literal); ok && l.Kind == lang.LitParam && l.Param == n && (!found || l.Pos.Offset < pos.Offset) {
			pos, found = l.Pos, true
		}
		return true
	})
	return pos
}

// literalOf is the literal a Go value binds as: strings (and named string
// types), []byte, signed and unsigned integers, floats, bools, time.Time
// and nil; a driver.Valuer gives its Value first. Anything else is an
// error naming the type.
func literalOf(v any) (*lang.Literal, error) {
	if vr, ok := v.(driver.Valuer); ok {
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
			return &lang.Literal{Kind: lang.LitNull, Value: "NULL"}, nil
		}
		dv, err := vr.Value()
		if err != nil {
			return nil, fmt.Errorf("%T.Value: %w", v, err)
		}
		v = dv
	}
	switch x := v.(type) {
	case nil:
		return &lang.Literal{Kind: lang.LitNull, Value: "NULL"}, nil
	case time.Time:
		return &lang.Literal{Kind: lang.LitTimestamp, Value: x.UTC().Format(timestampText)}, nil
	case []byte:
		if x == nil {
			return &lang.Literal{Kind: lang.LitNull, Value: "NULL"}, nil
		}
		return &lang.Literal{Kind: lang.LitBlob, Value: string(x)}, nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return &lang.Literal{Kind: lang.LitString, Value: rv.String()}, nil
	case reflect.Bool:
		if rv.Bool() {
			return &lang.Literal{Kind: lang.LitBool, Value: "TRUE"}, nil
		}
		return &lang.Literal{Kind: lang.LitBool, Value: "FALSE"}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &lang.Literal{Kind: lang.LitInt, Value: strconv.FormatInt(rv.Int(), 10)}, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return &lang.Literal{Kind: lang.LitInt, Value: strconv.FormatUint(rv.Uint(), 10)}, nil
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("%v is not a number kq can bind", f)
		}
		return &lang.Literal{Kind: lang.LitDecimal, Value: strconv.FormatFloat(f, 'g', -1, 64)}, nil
	case reflect.Pointer:
		if rv.IsNil() {
			return &lang.Literal{Kind: lang.LitNull, Value: "NULL"}, nil
		}
		return literalOf(rv.Elem().Interface())
	case reflect.Slice:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return literalOf(rv.Bytes())
		}
	}
	return nil, fmt.Errorf("unsupported type %T (want string, []byte, an integer, a float, bool, time.Time or nil)", v)
}

// valueOf is the Go value DuckDB is given for a bound literal (see
// literalOf): int64 (uint64 above MaxInt64), float64, string, []byte,
// bool, time.Time or nil.
func valueOf(l *lang.Literal) (any, error) {
	switch l.Kind {
	case lang.LitNull:
		return nil, nil
	case lang.LitString:
		return l.Value, nil
	case lang.LitBlob:
		return []byte(l.Value), nil
	case lang.LitBool:
		return l.Value == "TRUE", nil
	case lang.LitInt:
		if n, err := strconv.ParseInt(l.Value, 10, 64); err == nil {
			return n, nil
		}
		return strconv.ParseUint(l.Value, 10, 64)
	case lang.LitDecimal:
		return strconv.ParseFloat(l.Value, 64)
	case lang.LitTimestamp:
		return time.Parse(timestampText, l.Value)
	}
	return nil, fmt.Errorf("internal error: a parameter bound to a literal of kind %d", l.Kind)
}

// paramArgs returns the values of the parameters $1, $2, ... of a
// rendering of stmt (a statement bound by bindParams): the values of
// stmt's parameters r.Params.
func paramArgs(r *lang.Rendered, stmt lang.Node) ([]any, error) {
	if len(r.Params) == 0 {
		return nil, nil
	}
	byNum := map[int]*lang.Literal{}
	lang.Inspect(stmt, func(x lang.Node) bool {
		if l, ok := x.(*lang.Literal); ok && l.Kind == lang.LitParam && l.Bound != nil {
			byNum[l.Param] = l.Bound
		}
		return true
	})
	args := make([]any, len(r.Params))
	for i, n := range r.Params {
		l, ok := byNum[n]
		if !ok {
			return nil, fmt.Errorf("internal error: parameter %d has no value", n)
		}
		v, err := valueOf(l)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	return args, nil
}
