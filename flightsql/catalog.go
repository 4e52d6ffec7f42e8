package flightsql

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql/schema_ref"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/kq-sql/kq/lang"
)

// The schemas kq's tables live in: topics in TopicSchema (queried as
// kafka('name')), the session database's tables in TableSchema. There
// are no catalogs.
const (
	TopicSchema = "kafka"
	TableSchema = "main"
	tableType   = "TABLE"
)

// metaInfo is the FlightInfo of a metadata command: its one ticket is
// the command itself, which DoGet routes back to the matching DoGet*.
func (s *Server) metaInfo(desc *flight.FlightDescriptor, schema *arrow.Schema) *flight.FlightInfo {
	return &flight.FlightInfo{
		Schema:           flight.SerializeSchema(schema, s.cfg.mem),
		FlightDescriptor: desc,
		Endpoint:         []*flight.FlightEndpoint{{Ticket: &flight.Ticket{Ticket: desc.Cmd}}},
		TotalRecords:     -1,
		TotalBytes:       -1,
	}
}

// send streams one batch built from b.
func send(ctx context.Context, schema *arrow.Schema, b *array.RecordBuilder) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	rec := b.NewRecordBatch()
	ch := make(chan flight.StreamChunk, 1)
	ch <- flight.StreamChunk{Data: rec}
	close(ch)
	return schema, ch, nil
}

// GetFlightInfoCatalogs describes the (empty) list of catalogs.
func (s *Server) GetFlightInfoCatalogs(_ context.Context, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	return s.metaInfo(desc, schema_ref.Catalogs), nil
}

// DoGetCatalogs lists no catalogs: kq has none.
func (s *Server) DoGetCatalogs(ctx context.Context) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	b := array.NewRecordBuilder(s.cfg.mem, schema_ref.Catalogs)
	defer b.Release()
	return send(ctx, schema_ref.Catalogs, b)
}

// GetFlightInfoSchemas describes the list of schemas.
func (s *Server) GetFlightInfoSchemas(_ context.Context, _ flightsql.GetDBSchemas, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	return s.metaInfo(desc, schema_ref.DBSchemas), nil
}

// DoGetDBSchemas lists "kafka" and "main" (those matching the filter).
func (s *Server) DoGetDBSchemas(ctx context.Context, cmd flightsql.GetDBSchemas) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	b := array.NewRecordBuilder(s.cfg.mem, schema_ref.DBSchemas)
	defer b.Release()
	if catalogMatches(cmd.GetCatalog()) {
		for _, name := range []string{TopicSchema, TableSchema} {
			if like(cmd.GetDBSchemaFilterPattern(), name) {
				b.Field(0).AppendNull()
				b.Field(1).(*array.StringBuilder).Append(name)
			}
		}
	}
	return send(ctx, schema_ref.DBSchemas, b)
}

// GetFlightInfoTableTypes describes the list of table types.
func (s *Server) GetFlightInfoTableTypes(_ context.Context, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	return s.metaInfo(desc, schema_ref.TableTypes), nil
}

// DoGetTableTypes lists "TABLE", the type of topics and tables alike.
func (s *Server) DoGetTableTypes(ctx context.Context) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	b := array.NewRecordBuilder(s.cfg.mem, schema_ref.TableTypes)
	defer b.Release()
	b.Field(0).(*array.StringBuilder).Append(tableType)
	return send(ctx, schema_ref.TableTypes, b)
}

// GetFlightInfoTables describes the table listing.
func (s *Server) GetFlightInfoTables(_ context.Context, cmd flightsql.GetTables, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	if cmd.GetIncludeSchema() {
		return s.metaInfo(desc, schema_ref.TablesWithIncludedSchema), nil
	}
	return s.metaInfo(desc, schema_ref.Tables), nil
}

// DoGetTables lists the topics (schema "kafka") and the session
// database's tables (schema "main") that match the filters, by schema
// then name. With IncludeSchema, a topic's columns are those of
// kafka('name') without options (the fixed Kafka columns), a table's its
// own.
func (s *Server) DoGetTables(ctx context.Context, cmd flightsql.GetTables) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	schema := schema_ref.Tables
	if cmd.GetIncludeSchema() {
		schema = schema_ref.TablesWithIncludedSchema
	}
	b := array.NewRecordBuilder(s.cfg.mem, schema)
	defer b.Release()
	if !catalogMatches(cmd.GetCatalog()) || len(cmd.GetTableTypes()) > 0 && !slices.Contains(cmd.GetTableTypes(), tableType) {
		return send(ctx, schema, b)
	}
	for _, sch := range []string{TopicSchema, TableSchema} {
		if !like(cmd.GetDBSchemaFilterPattern(), sch) {
			continue
		}
		list := "SHOW TOPICS"
		if sch == TableSchema {
			list = "SHOW TABLES"
		}
		names, err := s.names(ctx, list)
		if err != nil {
			return nil, nil, err
		}
		var topicSchema []byte // the same for every topic: computed once
		for _, name := range names {
			if !like(cmd.GetTableNameFilterPattern(), name) {
				continue
			}
			b.Field(0).AppendNull()
			b.Field(1).(*array.StringBuilder).Append(sch)
			b.Field(2).(*array.StringBuilder).Append(name)
			b.Field(3).(*array.StringBuilder).Append(tableType)
			if !cmd.GetIncludeSchema() {
				continue
			}
			var ser []byte
			switch {
			case sch == TableSchema:
				if ser, err = s.columns(ctx, "SELECT * FROM "+lang.QuoteName(name)+" LIMIT 0"); err != nil {
					return nil, nil, err
				}
			case topicSchema != nil:
				ser = topicSchema
			default:
				if ser, err = s.columns(ctx, "SELECT * FROM kafka("+lang.QuoteString(name)+") LIMIT 0"); err != nil {
					return nil, nil, err
				}
				topicSchema = ser
			}
			b.Field(4).(*array.BinaryBuilder).Append(ser)
		}
	}
	return send(ctx, schema, b)
}

// names returns the "name" column of a listing statement.
func (s *Server) names(ctx context.Context, sql string) ([]string, error) {
	rows, err := s.eng.Query(ctx, sql)
	if err != nil {
		return nil, statusOf(err)
	}
	defer rows.Release()
	idx := rows.Schema().FieldIndices("name")
	if len(idx) == 0 {
		return nil, status.Errorf(codes.Internal, "kq serve: %s has no name column", sql)
	}
	var out []string
	for rows.Next() {
		col, ok := rows.RecordBatch().Column(idx[0]).(*array.String)
		if !ok {
			return nil, status.Errorf(codes.Internal, "kq serve: %s: name is %s", sql, rows.RecordBatch().Column(idx[0]).DataType())
		}
		for i := 0; i < col.Len(); i++ {
			out = append(out, strings.Clone(col.Value(i))) // the batch's memory goes with it
		}
	}
	if err := rows.Err(); err != nil {
		return nil, statusOf(err)
	}
	return out, nil
}

// columns returns the serialized schema of a query's result, reading no
// rows.
func (s *Server) columns(ctx context.Context, sql string) ([]byte, error) {
	rows, err := s.eng.Query(ctx, sql)
	if err != nil {
		return nil, statusOf(fmt.Errorf("%s: %w", sql, err))
	}
	defer rows.Release()
	return flight.SerializeSchema(rows.Schema(), s.cfg.mem), nil
}

// catalogMatches reports whether a catalog filter admits kq's tables,
// which have no catalog: no filter, or "".
func catalogMatches(catalog *string) bool { return catalog == nil || *catalog == "" }

// like matches name against a Flight SQL filter pattern ("%" any
// substring, "_" any one character; nil or "" matches everything, as
// JDBC clients send them).
func like(pattern *string, name string) bool {
	if pattern == nil || *pattern == "" || *pattern == "%" {
		return true
	}
	var re strings.Builder
	re.WriteString("^(?s:")
	for _, r := range *pattern {
		switch r {
		case '%':
			re.WriteString(".*")
		case '_':
			re.WriteString(".")
		default:
			re.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	re.WriteString(")$")
	ok, _ := regexp.MatchString(re.String(), name)
	return ok
}
