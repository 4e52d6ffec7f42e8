package plan

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kq-sql/kq/lang"
)

// allFormats are the values of valueFormat and keyFormat.
var allFormats = []RecordFormat{FormatRaw, FormatString, FormatJSON, FormatAvro, FormatProtobuf, FormatJSONSchema}

// optionSpec is one WITH option: its canonical name and its parser.
type optionSpec struct {
	name string
	set  func(o *Options, v *lang.Literal) error
}

// optionSpecs maps the lower-cased option key to its spec. It is never
// changed after it is built.
var optionSpecs = func() map[string]optionSpec {
	specs := map[string]optionSpec{}
	for _, s := range []optionSpec{
		{"startingOffsets", func(o *Options, v *lang.Literal) (err error) {
			o.StartingOffsets, err = offsetsOption(v, "earliest", "latest", -2, -1)
			return err
		}},
		{"endingOffsets", func(o *Options, v *lang.Literal) (err error) {
			o.EndingOffsets, err = offsetsOption(v, "latest", "earliest", -1, -2)
			return err
		}},
		{"startingTimestamp", func(o *Options, v *lang.Literal) error {
			ms, err := timestampOption(v)
			o.StartingTimestamp = &ms
			return err
		}},
		{"endingTimestamp", func(o *Options, v *lang.Literal) error {
			ms, err := timestampOption(v)
			o.EndingTimestamp = &ms
			return err
		}},
		{"startingOffsetsByTimestamp", func(o *Options, v *lang.Literal) (err error) {
			o.StartingOffsetsByTimestamp, err = timestampsOption(v)
			return err
		}},
		{"endingOffsetsByTimestamp", func(o *Options, v *lang.Literal) (err error) {
			o.EndingOffsetsByTimestamp, err = timestampsOption(v)
			return err
		}},
		{"startingOffsetsByTimestampStrategy", func(o *Options, v *lang.Literal) (err error) {
			o.StartingOffsetsByTimestampStrategy, err = oneOf(v, TimestampStrategyError, TimestampStrategyLatest)
			return err
		}},
		{"minPartitions", func(o *Options, v *lang.Literal) error {
			n, err := positiveInt(v, 1<<31-1)
			o.Split.MinPartitions = int(n)
			return err
		}},
		{"maxRecordsPerPartition", func(o *Options, v *lang.Literal) (err error) {
			o.Split.MaxRecordsPerPartition, err = positiveInt(v, 1<<63-1)
			return err
		}},
		{"splitStrategy", func(o *Options, v *lang.Literal) (err error) {
			o.Split.Strategy, err = oneOf(v, SplitBalanced, SplitSpark)
			return err
		}},
		{"isolationLevel", func(o *Options, v *lang.Literal) (err error) {
			o.IsolationLevel, err = oneOf(v, ReadCommitted, ReadUncommitted)
			return err
		}},
		{"groupId", func(o *Options, v *lang.Literal) (err error) {
			o.GroupID, err = stringOption(v, "a consumer group name")
			return err
		}},
		{"failOnDataLoss", func(o *Options, v *lang.Literal) (err error) {
			o.FailOnDataLoss, err = boolOption(v)
			return err
		}},
		{"includeHeaders", func(o *Options, v *lang.Literal) (err error) {
			o.IncludeHeaders, err = boolOption(v)
			return err
		}},
		{"valueFormat", func(o *Options, v *lang.Literal) (err error) {
			o.ValueFormat, err = oneOf(v, allFormats...)
			return err
		}},
		{"keyFormat", func(o *Options, v *lang.Literal) (err error) {
			o.KeyFormat, err = oneOf(v, allFormats...)
			return err
		}},
		{"valueSchema", func(o *Options, v *lang.Literal) (err error) {
			o.valueSchemaText, err = textOption(v, "a schema")
			return err
		}},
		{"keySchema", func(o *Options, v *lang.Literal) (err error) {
			o.keySchemaText, err = textOption(v, "a schema")
			return err
		}},
		{"schemaRegistry", func(o *Options, v *lang.Literal) (err error) {
			o.SchemaRegistry, err = urlOption(v)
			return err
		}},
		{"valueSubject", func(o *Options, v *lang.Literal) (err error) {
			o.ValueSubject, err = stringOption(v, "a subject name")
			return err
		}},
		{"keySubject", func(o *Options, v *lang.Literal) (err error) {
			o.KeySubject, err = stringOption(v, "a subject name")
			return err
		}},
		{"protoFile", func(o *Options, v *lang.Literal) (err error) {
			o.ProtoFile, err = stringOption(v, "a .proto file")
			return err
		}},
		{"protoMessage", func(o *Options, v *lang.Literal) (err error) {
			o.ProtoMessage, err = stringOption(v, "a message name such as 'shop.Order'")
			return err
		}},
		{"onDecodeError", func(o *Options, v *lang.Literal) (err error) {
			o.OnDecodeError, err = oneOf(v, OnDecodeErrorNull, OnDecodeErrorFail)
			return err
		}},
		{"jsonSampleSize", func(o *Options, v *lang.Literal) error {
			n, err := positiveInt(v, 1<<31-1)
			o.JSONSampleSize = int(n)
			return err
		}},
	} {
		specs[strings.ToLower(s.name)] = s
	}
	return specs
}()

// check validates the options against each other once all are parsed.
func (o *Options) check() error {
	if err := o.checkKafka(); err != nil {
		return err
	}
	if err := o.exclusive("startingOffsets", "startingOffsetsByTimestamp", "startingTimestamp"); err != nil {
		return err
	}
	if err := o.exclusive("endingOffsets", "endingOffsetsByTimestamp", "endingTimestamp"); err != nil {
		return err
	}
	if err := o.schemaFormat("valueSchema", "valueFormat", o.valueSchemaText, &o.ValueSchema, &o.ValueAvroSchema, &o.ValueFormat); err != nil {
		return err
	}
	if err := o.schemaFormat("keySchema", "keyFormat", o.keySchemaText, &o.KeySchema, &o.KeyAvroSchema, &o.KeyFormat); err != nil {
		return err
	}
	if err := o.checkFormats(); err != nil {
		return err
	}
	// Start after end, where both ends are known without the cluster
	// (Spark's checkOffsetLimitValidity).
	if o.StartingOffsets != nil && o.EndingOffsets != nil {
		if err := o.startAfterEnd("startingOffsets", "endingOffsets", "offset", o.StartingOffsets, o.EndingOffsets); err != nil {
			return err
		}
	}
	if o.StartingOffsetsByTimestamp != nil && o.EndingOffsetsByTimestamp != nil {
		if err := o.startAfterEnd("startingOffsetsByTimestamp", "endingOffsetsByTimestamp", "timestamp", o.StartingOffsetsByTimestamp, o.EndingOffsetsByTimestamp); err != nil {
			return err
		}
	}
	if o.StartingTimestamp != nil && o.EndingTimestamp != nil && *o.StartingTimestamp > *o.EndingTimestamp {
		return lang.Errorf(o.pos["endingTimestamp"], "option endingTimestamp: %d is before startingTimestamp %d", *o.EndingTimestamp, *o.StartingTimestamp)
	}
	return nil
}

// exclusive fails when more than one of the named options is given.
func (o *Options) exclusive(names ...string) error {
	var given []string
	for _, n := range names {
		if _, ok := o.pos[n]; ok {
			given = append(given, n)
		}
	}
	if len(given) > 1 {
		return lang.Errorf(o.pos[given[1]], "options %s and %s both say where to %s; give one", given[0], given[1],
			map[bool]string{true: "start", false: "end"}[strings.HasPrefix(given[0], "starting")])
	}
	return nil
}

// schemaFormat interprets a schema option once the format is known: an
// Avro schema (JSON text, or '@path' naming a file) under avro, else JSON
// fields, which imply the JSON format when no format is given; other
// formats take no schema option.
func (o *Options) schemaFormat(schemaName, formatName, text string, fields *[]Field, avro *string, format *RecordFormat) error {
	if _, given := o.pos[schemaName]; !given {
		return nil
	}
	pos := o.pos[schemaName]
	switch _, given := o.pos[formatName]; {
	case given && *format == FormatAvro:
		s, err := avroSchemaText(text)
		if err != nil {
			return lang.Errorf(pos, "option %s: %v", schemaName, err)
		}
		*avro = s
		return nil
	case given && *format != FormatJSON:
		return lang.Errorf(pos, "option %s needs %s='json' (fields) or 'avro' (an Avro schema), got %s='%s'", schemaName, formatName, formatName, *format)
	}
	f, err := parseSchemaOption(text)
	if err != nil {
		return lang.Errorf(pos, "option %s: %v", schemaName, err)
	}
	*fields, *format = f, FormatJSON
	return nil
}

// checkFormats checks the options of the schema-driven formats against
// each other (a registry, when one is needed, is checked when the query
// runs: the engine may have one).
func (o *Options) checkFormats() error {
	for _, name := range []string{"valueSubject", "keySubject", "schemaRegistry"} {
		if _, given := o.pos[name]; given && !o.ValueFormat.SchemaDriven() && !o.KeyFormat.SchemaDriven() {
			return lang.Errorf(o.pos[name], "option %s applies to valueFormat or keyFormat 'avro', 'protobuf' or 'jsonschema'", name)
		}
	}
	_, file := o.pos["protoFile"]
	_, msg := o.pos["protoMessage"]
	switch {
	case (file || msg) && o.ValueFormat != FormatProtobuf:
		return lang.Errorf(o.pos[map[bool]string{true: "protoFile", false: "protoMessage"}[file]], "options protoFile and protoMessage describe raw Protobuf values: they need valueFormat='protobuf'")
	case file && !msg:
		return lang.Errorf(o.pos["protoFile"], "raw Protobuf values need both protoFile and protoMessage; protoMessage is missing")
	}
	return nil
}

// startAfterEnd fails when a partition given in both maps starts after it
// ends; negative values (the earliest/latest sentinels) are not compared.
func (o *Options) startAfterEnd(startName, endName, what string, start, end map[string]map[int32]int64) error {
	for _, tp := range sortedTPs(start) {
		s := start[tp.Topic][tp.Partition]
		e, ok := end[tp.Topic][tp.Partition]
		if ok && s >= 0 && e >= 0 && s > e {
			return lang.Errorf(o.pos[endName], "option %s: %s-%d ends at %s %d, before its %s %d from %s",
				endName, tp.Topic, tp.Partition, what, e, what, s, startName)
		}
	}
	return nil
}

// errNull is the error for a NULL option value.
var errNull = errors.New("NULL is not allowed")

func literalText(v *lang.Literal) string {
	if v.Kind == lang.LitString {
		return lang.QuoteString(v.Value)
	}
	return v.Value
}

func wantErr(want string, v *lang.Literal) error {
	if v.Kind == lang.LitNull {
		return fmt.Errorf("want %s, got NULL", want)
	}
	return fmt.Errorf("want %s, got %s", want, literalText(v))
}
