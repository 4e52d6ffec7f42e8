package runner

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/kq-sql/kq/internal/scan"
	"github.com/kq-sql/kq/lang"
)

// show answers SHOW TOPICS itself and SHOW TABLES through DuckDB.
func (s *Session) show(ctx context.Context, sh *lang.Show) (Rows, error) {
	if sh.What != "TOPICS" {
		text, err := lang.Render(sh, renderOptions())
		if err != nil {
			return nil, err
		}
		return s.duckQuery(ctx, text)
	}
	return s.showTopics(ctx)
}

// describeQuery answers DESCRIBE <query>, and DESCRIBE of a source that
// is not a bare kafka() (a file reader, a join), in DuckDB: the result's
// columns as DuckDB describes them. The kafka() sources inside are planned
// and registered as views over scans limited to no rows, so DESCRIBE
// reads no records (beyond the sample a JSON source without a schema
// needs, as DESCRIBE kafka() does).
func (s *Session) describeQuery(ctx context.Context, d *lang.Describe) (Rows, error) {
	if _, table := d.Source.(*lang.Table); table || len(lang.KafkaSources(d)) == 0 {
		r, err := lang.RenderMapped(d, renderOptions())
		if err != nil {
			return nil, err
		}
		args, err := paramArgs(r, d)
		if err != nil {
			return nil, err
		}
		return s.duckQuery(ctx, r.SQL, args...)
	}
	q := d.Query
	if q == nil {
		q = &lang.Select{Pos: d.Pos, Items: []*lang.SelectItem{{Pos: d.Pos, Star: true}}, From: []lang.TableExpr{d.Source}}
		d = &lang.Describe{Pos: d.Pos, Query: q}
	}
	pq, err := s.plan(ctx, q)
	if err != nil {
		return nil, err
	}
	for _, sc := range pq.Scans {
		sc.Limit = 0
	}
	return s.duckRows(ctx, pq, d)
}

// showTopics lists the cluster's topics (internal ones left out), one row
// each: name, partitions, the earliest and latest offset of every
// partition (lists indexed by partition; latest is the last stable
// offset, where read_committed scans end) and estimatedRows, the sum of
// latest-earliest.
func (s *Session) showTopics(ctx context.Context) (Rows, error) {
	if err := s.connect(ctx); err != nil {
		return nil, err
	}
	details, err := s.admin.ListTopics(ctx)
	if err != nil {
		return nil, fmt.Errorf("list topics: %w", err)
	}
	if err := details.Error(); err != nil {
		return nil, fmt.Errorf("list topics: %w", err)
	}
	names := details.Names()
	sort.Strings(names)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "name", Type: arrow.BinaryTypes.String},
		{Name: "partitions", Type: arrow.PrimitiveTypes.Int32},
		{Name: "earliest", Type: arrow.ListOf(arrow.PrimitiveTypes.Int64)},
		{Name: "latest", Type: arrow.ListOf(arrow.PrimitiveTypes.Int64)},
		{Name: "estimatedRows", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	b := array.NewRecordBuilder(s.cfg.Allocator, schema)
	defer b.Release()
	if len(names) > 0 {
		start, err := s.lister.ListStartOffsets(ctx, names...)
		if err == nil {
			err = start.Error()
		}
		if err != nil {
			return nil, fmt.Errorf("list earliest offsets: %w", err)
		}
		end, err := s.lister.ListCommittedOffsets(ctx, names...)
		if err == nil {
			err = end.Error()
		}
		if err != nil {
			return nil, fmt.Errorf("list latest offsets: %w", err)
		}
		for _, name := range names {
			parts := details[name].Partitions.Numbers()
			sort.Slice(parts, func(i, j int) bool { return parts[i] < parts[j] })
			b.Field(0).(*array.StringBuilder).Append(name)
			b.Field(1).(*array.Int32Builder).Append(int32(len(parts)))
			eb, lb := b.Field(2).(*array.ListBuilder), b.Field(3).(*array.ListBuilder)
			eb.Append(true)
			lb.Append(true)
			var est int64
			for _, p := range parts {
				from, until := start[name][p].Offset, end[name][p].Offset
				eb.ValueBuilder().(*array.Int64Builder).Append(from)
				lb.ValueBuilder().(*array.Int64Builder).Append(until)
				est += max(until-from, 0)
			}
			b.Field(4).(*array.Int64Builder).Append(est)
		}
	}
	return recordReader(b)
}

// describe answers DESCRIBE kafka(...): one row per column of the source
// (kind "column": name and SQL type, decoded JSON fields included), then
// one row per partition (kind "partition": topic, partition, the
// [earliest, latest) range a scan with the source's options reads, and
// estimatedRows). Any other DESCRIBE, of a query or another source, goes
// to DuckDB (describeQuery).
func (s *Session) describe(ctx context.Context, d *lang.Describe) (Rows, error) {
	ks, ok := d.Source.(*lang.KafkaSource)
	if !ok {
		return s.describeQuery(ctx, d)
	}
	cs := s.newClusters()
	defer cs.close()
	sc, ranges, err := s.scanOf(ctx, cs, ks)
	if err != nil {
		return nil, err
	}
	// The schema comes from the options, or from a sample when JSON
	// fields are inferred; no scan starts.
	cfg, err := s.scanConfig(ctx, sc.Options.Kafka)
	if err != nil {
		return nil, err
	}
	cols, infos, err := scan.Schema(ctx, sc, cfg)
	if err != nil {
		return nil, err
	}

	schema := arrow.NewSchema([]arrow.Field{
		{Name: "kind", Type: arrow.BinaryTypes.String},
		{Name: "name", Type: arrow.BinaryTypes.String},
		{Name: "type", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "partition", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "earliest", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "latest", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "estimatedRows", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(s.cfg.Allocator, schema)
	defer b.Release()
	for _, f := range cols.Fields() {
		b.Field(0).(*array.StringBuilder).Append("column")
		b.Field(1).(*array.StringBuilder).Append(f.Name)
		b.Field(2).(*array.StringBuilder).Append(sqlType(f.Type))
		for i := 3; i < 7; i++ {
			b.Field(i).AppendNull()
		}
	}
	for _, in := range infos {
		// Where a schema-driven part's columns came from: "schema" rows
		// named value or key, the type column saying which schema.
		b.Field(0).(*array.StringBuilder).Append("schema")
		b.Field(1).(*array.StringBuilder).Append(string(in.Part))
		b.Field(2).(*array.StringBuilder).Append(in.String())
		for i := 3; i < 7; i++ {
			b.Field(i).AppendNull()
		}
	}
	for _, r := range ranges {
		b.Field(0).(*array.StringBuilder).Append("partition")
		b.Field(1).(*array.StringBuilder).Append(r.Topic)
		b.Field(2).AppendNull()
		b.Field(3).(*array.Int32Builder).Append(r.Partition)
		b.Field(4).(*array.Int64Builder).Append(r.From)
		b.Field(5).(*array.Int64Builder).Append(r.Until)
		b.Field(6).(*array.Int64Builder).Append(max(r.Size(), 0))
	}
	return recordReader(b)
}

// recordReader turns what b holds into a one-batch reader.
func recordReader(b *array.RecordBuilder) (Rows, error) {
	rec := b.NewRecordBatch()
	defer rec.Release()
	rr, err := array.NewRecordReader(rec.Schema(), []arrow.RecordBatch{rec})
	if err != nil {
		return nil, err
	}
	return withStats(rr, nil), nil
}

// duckQuery runs a statement that reads no topic in DuckDB, args the
// values of its parameters.
func (s *Session) duckQuery(ctx context.Context, text string, args ...any) (Rows, error) {
	db, err := s.duck()
	if err != nil {
		return nil, err
	}
	rr, err := db.Query(ctx, text, nil, args...)
	if err != nil {
		return nil, err
	}
	return withStats(rr, nil), nil
}

// sqlType names an Arrow type the way kq's language (and DuckDB) does.
func sqlType(t arrow.DataType) string {
	switch t := t.(type) {
	case *arrow.BinaryType, *arrow.LargeBinaryType:
		return "BLOB"
	case *arrow.StringType, *arrow.LargeStringType:
		return "VARCHAR"
	case *arrow.BooleanType:
		return "BOOLEAN"
	case *arrow.Int32Type:
		return "INTEGER"
	case *arrow.Int64Type:
		return "BIGINT"
	case *arrow.Uint32Type:
		return "UINTEGER"
	case *arrow.Uint64Type:
		return "UBIGINT"
	case *arrow.Float32Type:
		return "FLOAT"
	case *arrow.Float64Type:
		return "DOUBLE"
	case *arrow.TimestampType:
		if t.TimeZone != "" {
			return "TIMESTAMP WITH TIME ZONE" // an instant, as DuckDB reads it
		}
		return "TIMESTAMP"
	case *arrow.Date32Type:
		return "DATE"
	case *arrow.Time32Type, *arrow.Time64Type:
		return "TIME"
	case *arrow.Decimal128Type:
		return fmt.Sprintf("DECIMAL(%d,%d)", t.Precision, t.Scale)
	case *arrow.MonthDayNanoIntervalType:
		return "INTERVAL"
	case *arrow.ListType:
		return sqlType(t.Elem()) + "[]"
	case *arrow.MapType:
		return "MAP(" + sqlType(t.KeyType()) + ", " + sqlType(t.ItemType()) + ")"
	case *arrow.StructType:
		parts := make([]string, t.NumFields())
		for i, f := range t.Fields() {
			parts[i] = lang.QuoteIdent(f.Name) + " " + sqlType(f.Type)
		}
		return "STRUCT(" + strings.Join(parts, ", ") + ")"
	}
	return strings.ToUpper(t.String())
}
