package driver

import (
	"bytes"
	"fmt"
	"math/big"
	"reflect"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	duckdb "github.com/duckdb/duckdb-go/v2"
)

// value is row i of arr as duckdb-go's database/sql driver gives a value
// of the same DuckDB type, copied out of the batch (the batch is released
// at the next one): nil for NULL; bool; int8...int64; uint8...uint64;
// float32, float64; string; []byte; time.Time in UTC (a DATE at
// midnight, a TIME on January 1 of year 1); duckdb.Interval;
// duckdb.Decimal; []any for lists; map[string]any for structs;
// duckdb.OrderedMap for maps (a BLOB key becomes a string, since map keys
// must be comparable).
func value(arr arrow.Array, i int) any {
	if arr.IsNull(i) {
		return nil
	}
	switch a := arr.(type) {
	case *array.Boolean:
		return a.Value(i)
	case *array.Int8:
		return a.Value(i)
	case *array.Int16:
		return a.Value(i)
	case *array.Int32:
		return a.Value(i)
	case *array.Int64:
		return a.Value(i)
	case *array.Uint8:
		return a.Value(i)
	case *array.Uint16:
		return a.Value(i)
	case *array.Uint32:
		return a.Value(i)
	case *array.Uint64:
		return a.Value(i)
	case *array.Float16:
		return a.Value(i).Float32()
	case *array.Float32:
		return a.Value(i)
	case *array.Float64:
		return a.Value(i)
	case *array.String:
		return strings.Clone(a.Value(i))
	case *array.LargeString:
		return strings.Clone(a.Value(i))
	case *array.StringView:
		return strings.Clone(a.Value(i))
	case *array.Binary:
		return bytes.Clone(a.Value(i))
	case *array.LargeBinary:
		return bytes.Clone(a.Value(i))
	case *array.BinaryView:
		return bytes.Clone(a.Value(i))
	case *array.FixedSizeBinary:
		return bytes.Clone(a.Value(i))
	case *array.Timestamp:
		return a.Value(i).ToTime(a.DataType().(*arrow.TimestampType).Unit).UTC()
	case *array.Date32:
		return a.Value(i).ToTime().UTC()
	case *array.Date64:
		return a.Value(i).ToTime().UTC()
	case *array.Time32:
		return timeOfDay(a.Value(i).ToTime(a.DataType().(*arrow.Time32Type).Unit))
	case *array.Time64:
		return timeOfDay(a.Value(i).ToTime(a.DataType().(*arrow.Time64Type).Unit))
	case *array.MonthDayNanoInterval:
		v := a.Value(i)
		return duckdb.Interval{Months: v.Months, Days: v.Days, Micros: v.Nanoseconds / 1000}
	case *array.MonthInterval:
		return duckdb.Interval{Months: int32(a.Value(i))}
	case *array.DayTimeInterval:
		v := a.Value(i)
		return duckdb.Interval{Days: v.Days, Micros: int64(v.Milliseconds) * 1000}
	case *array.Duration:
		return time.Duration(a.Value(i)) * a.DataType().(*arrow.DurationType).Unit.Multiplier()
	case *array.Decimal128:
		t := a.DataType().(*arrow.Decimal128Type)
		return duckdb.Decimal{Width: uint8(t.Precision), Scale: uint8(t.Scale), Value: a.Value(i).BigInt()}
	case *array.Decimal256:
		t := a.DataType().(*arrow.Decimal256Type)
		return duckdb.Decimal{Width: uint8(t.Precision), Scale: uint8(t.Scale), Value: a.Value(i).BigInt()}
	case *array.Map: // before List: a Map is a List of key/value structs
		var m duckdb.OrderedMap
		keys, items := a.Keys(), a.Items()
		start, end := a.ValueOffsets(i)
		for j := int(start); j < int(end); j++ {
			k := value(keys, j)
			if b, ok := k.([]byte); ok {
				k = string(b)
			}
			m.Set(k, value(items, j))
		}
		return m
	case array.ListLike:
		start, end := a.ValueOffsets(i)
		out := make([]any, 0, end-start)
		for j := start; j < end; j++ {
			out = append(out, value(a.ListValues(), int(j)))
		}
		return out
	case *array.Struct:
		t := a.DataType().(*arrow.StructType)
		out := make(map[string]any, a.NumField())
		for f := 0; f < a.NumField(); f++ {
			out[t.Field(f).Name] = value(a.Field(f), i)
		}
		return out
	case *array.Dictionary:
		return value(a.Dictionary(), a.GetValueIndex(i))
	case array.ExtensionArray:
		return value(a.Storage(), i)
	case *array.Null:
		return nil
	}
	return strings.Clone(arr.ValueStr(i))
}

// timeOfDay puts the time of day of t (since 1970-01-01 UTC) on January 1
// of year 1, as duckdb-go gives a TIME.
func timeOfDay(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(1, time.January, 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

var (
	typeBool     = reflect.TypeFor[bool]()
	typeString   = reflect.TypeFor[string]()
	typeBytes    = reflect.TypeFor[[]byte]()
	typeTime     = reflect.TypeFor[time.Time]()
	typeInterval = reflect.TypeFor[duckdb.Interval]()
	typeDecimal  = reflect.TypeFor[duckdb.Decimal]()
	typeList     = reflect.TypeFor[[]any]()
	typeStruct   = reflect.TypeFor[map[string]any]()
	typeMap      = reflect.TypeFor[duckdb.OrderedMap]()
	typeAny      = reflect.TypeFor[any]()
	typeDuration = reflect.TypeFor[time.Duration]()
	typeBigInt   = reflect.TypeFor[*big.Int]()
)

// scanType is the Go type value gives for a column of type t.
func scanType(t arrow.DataType) reflect.Type {
	switch t.ID() {
	case arrow.BOOL:
		return typeBool
	case arrow.INT8:
		return reflect.TypeFor[int8]()
	case arrow.INT16:
		return reflect.TypeFor[int16]()
	case arrow.INT32:
		return reflect.TypeFor[int32]()
	case arrow.INT64:
		return reflect.TypeFor[int64]()
	case arrow.UINT8:
		return reflect.TypeFor[uint8]()
	case arrow.UINT16:
		return reflect.TypeFor[uint16]()
	case arrow.UINT32:
		return reflect.TypeFor[uint32]()
	case arrow.UINT64:
		return reflect.TypeFor[uint64]()
	case arrow.FLOAT16, arrow.FLOAT32:
		return reflect.TypeFor[float32]()
	case arrow.FLOAT64:
		return reflect.TypeFor[float64]()
	case arrow.STRING, arrow.LARGE_STRING, arrow.STRING_VIEW:
		return typeString
	case arrow.BINARY, arrow.LARGE_BINARY, arrow.BINARY_VIEW, arrow.FIXED_SIZE_BINARY:
		return typeBytes
	case arrow.TIMESTAMP, arrow.DATE32, arrow.DATE64, arrow.TIME32, arrow.TIME64:
		return typeTime
	case arrow.INTERVAL_MONTH_DAY_NANO, arrow.INTERVAL_MONTHS, arrow.INTERVAL_DAY_TIME:
		return typeInterval
	case arrow.DURATION:
		return typeDuration
	case arrow.DECIMAL128, arrow.DECIMAL256:
		return typeDecimal
	case arrow.MAP:
		return typeMap
	case arrow.LIST, arrow.LARGE_LIST, arrow.FIXED_SIZE_LIST, arrow.LIST_VIEW, arrow.LARGE_LIST_VIEW:
		return typeList
	case arrow.STRUCT:
		return typeStruct
	case arrow.DICTIONARY:
		return scanType(t.(*arrow.DictionaryType).ValueType)
	case arrow.EXTENSION:
		return scanType(t.(arrow.ExtensionType).StorageType())
	}
	return typeAny
}

// typeName is DuckDB's name of the type DuckDB gives an Arrow column of
// type t (duckdb-go's ColumnTypeDatabaseTypeName).
func typeName(t arrow.DataType) string {
	switch t := t.(type) {
	case *arrow.BooleanType:
		return "BOOLEAN"
	case *arrow.Int8Type:
		return "TINYINT"
	case *arrow.Int16Type:
		return "SMALLINT"
	case *arrow.Int32Type:
		return "INTEGER"
	case *arrow.Int64Type:
		return "BIGINT"
	case *arrow.Uint8Type:
		return "UTINYINT"
	case *arrow.Uint16Type:
		return "USMALLINT"
	case *arrow.Uint32Type:
		return "UINTEGER"
	case *arrow.Uint64Type:
		return "UBIGINT"
	case *arrow.Float16Type, *arrow.Float32Type:
		return "FLOAT"
	case *arrow.Float64Type:
		return "DOUBLE"
	case *arrow.StringType, *arrow.LargeStringType, *arrow.StringViewType:
		return "VARCHAR"
	case *arrow.BinaryType, *arrow.LargeBinaryType, *arrow.BinaryViewType, *arrow.FixedSizeBinaryType:
		return "BLOB"
	case *arrow.TimestampType:
		if t.TimeZone != "" {
			return "TIMESTAMPTZ"
		}
		switch t.Unit {
		case arrow.Second:
			return "TIMESTAMP_S"
		case arrow.Millisecond:
			return "TIMESTAMP_MS"
		case arrow.Nanosecond:
			return "TIMESTAMP_NS"
		}
		return "TIMESTAMP"
	case *arrow.Date32Type, *arrow.Date64Type:
		return "DATE"
	case *arrow.Time32Type, *arrow.Time64Type:
		return "TIME"
	case *arrow.MonthDayNanoIntervalType, *arrow.MonthIntervalType, *arrow.DayTimeIntervalType, *arrow.DurationType:
		return "INTERVAL"
	case arrow.DecimalType:
		return fmt.Sprintf("DECIMAL(%d,%d)", t.GetPrecision(), t.GetScale())
	case *arrow.MapType:
		return "MAP(" + typeName(t.KeyType()) + ", " + typeName(t.ItemType()) + ")"
	case arrow.ListLikeType:
		return typeName(t.Elem()) + "[]"
	case *arrow.StructType:
		parts := make([]string, t.NumFields())
		for i, f := range t.Fields() {
			parts[i] = quoteName(f.Name) + " " + typeName(f.Type)
		}
		return "STRUCT(" + strings.Join(parts, ", ") + ")"
	case *arrow.DictionaryType:
		return typeName(t.ValueType)
	case arrow.ExtensionType:
		return typeName(t.StorageType())
	case *arrow.NullType:
		return "NULL"
	}
	return strings.ToUpper(t.String())
}

// quoteName quotes a struct field's name as DuckDB prints it.
func quoteName(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }
