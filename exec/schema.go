package exec

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/kq-sql/kq/plan"
)

// HeadersType is the Arrow type of the headers column:
// LIST<STRUCT<key VARCHAR, value BLOB>>.
var HeadersType = arrow.ListOf(arrow.StructOf(
	arrow.Field{Name: "key", Type: arrow.BinaryTypes.String, Nullable: true},
	arrow.Field{Name: "value", Type: arrow.BinaryTypes.Binary, Nullable: true},
))

// TimestampType is the Arrow type of the timestamp column: milliseconds, UTC.
var TimestampType = &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}

// ColumnType returns the Arrow type of a source column.
func ColumnType(col string) (arrow.DataType, error) {
	switch col {
	case plan.ColKey, plan.ColValue:
		return arrow.BinaryTypes.Binary, nil
	case plan.ColTopic:
		return arrow.BinaryTypes.String, nil
	case plan.ColPartition, plan.ColTimestampType:
		return arrow.PrimitiveTypes.Int32, nil
	case plan.ColOffset:
		return arrow.PrimitiveTypes.Int64, nil
	case plan.ColTimestamp:
		return TimestampType, nil
	case plan.ColHeaders:
		return HeadersType, nil
	}
	return nil, fmt.Errorf("unknown source column %q", col)
}

// SourceSchema returns the Arrow schema of the given source columns.
func SourceSchema(cols []string) (*arrow.Schema, error) {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		t, err := ColumnType(c)
		if err != nil {
			return nil, err
		}
		fields[i] = arrow.Field{Name: c, Type: t, Nullable: c == plan.ColKey || c == plan.ColValue || c == plan.ColHeaders}
	}
	return arrow.NewSchema(fields, nil), nil
}
