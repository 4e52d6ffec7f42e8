package plan

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/kq-sql/kq/lang"
)

// Isolation levels, the values of the isolationLevel option.
const (
	ReadCommitted   = "read_committed"
	ReadUncommitted = "read_uncommitted"
)

// RecordFormat is how a record's value or key is read: the values of the
// valueFormat and keyFormat options. It prints as the option value.
type RecordFormat string

// Record formats.
const (
	// FormatRaw keeps the bytes as a BLOB column (the default).
	FormatRaw RecordFormat = "raw"
	// FormatString gives a VARCHAR column.
	FormatString RecordFormat = "string"
	// FormatJSON decodes a JSON object into one typed column per top-level
	// field.
	FormatJSON RecordFormat = "json"
	// FormatAvro decodes Avro: with a schema registry, payloads in the
	// Confluent wire format; without one, raw Avro of the schema given as
	// valueSchema/keySchema.
	FormatAvro RecordFormat = "avro"
	// FormatProtobuf decodes Protobuf: with a schema registry, payloads in
	// the Confluent wire format; without one, raw messages of protoMessage
	// in protoFile.
	FormatProtobuf RecordFormat = "protobuf"
	// FormatJSONSchema decodes JSON written in the Confluent wire format
	// with a JSON Schema from the registry, whose properties give the
	// fields and their types.
	FormatJSONSchema RecordFormat = "jsonschema"
)

// Decoded reports whether a format decodes values into fields (JSON and
// the schema-driven formats), which become columns and the STRUCT.
func (f RecordFormat) Decoded() bool { return f == FormatJSON || f.SchemaDriven() }

// SchemaDriven reports whether a format takes its fields from a schema
// (a registry, an Avro schema, a .proto file) rather than from JSON.
func (f RecordFormat) SchemaDriven() bool {
	return f == FormatAvro || f == FormatProtobuf || f == FormatJSONSchema
}

// Values of the onDecodeError option.
const (
	// OnDecodeErrorNull gives NULL fields for a value that does not decode
	// and counts it (the default).
	OnDecodeErrorNull = "null"
	// OnDecodeErrorFail fails the query.
	OnDecodeErrorFail = "fail"
)

// Values of the startingOffsetsByTimestampStrategy option.
const (
	// TimestampStrategyError fails the query when no record of a partition
	// is at or after a starting timestamp (the default, as in Spark).
	TimestampStrategyError = "error"
	// TimestampStrategyLatest starts such a partition at latest.
	TimestampStrategyLatest = "latest"
)

// DefaultJSONSampleSize is how many values a JSON schema is inferred from
// when no jsonSampleSize is given.
const DefaultJSONSampleSize = 1000

// Options are the validated WITH options of one kafka() source. The zero
// value is not meaningful; use ParseOptions, which applies the defaults.
//
// Of the starting options at most one of startingOffsets,
// startingOffsetsByTimestamp and startingTimestamp is set, and likewise
// for the ending options: kq rejects a combination instead of applying
// Spark's silent precedence.
type Options struct {
	// StartingOffsets is nil for earliest (the default), else partition
	// offsets per topic (-2 earliest).
	StartingOffsets map[string]map[int32]int64
	// EndingOffsets is nil for latest (the default), else partition offsets
	// per topic (-1 latest), exclusive.
	EndingOffsets map[string]map[int32]int64
	// StartingTimestamp, when not nil, starts every partition at its first
	// record whose timestamp is at or after this epoch millisecond.
	StartingTimestamp *int64
	// EndingTimestamp, when not nil, ends every partition before its first
	// record whose timestamp is at or after this epoch millisecond (latest
	// when there is none).
	EndingTimestamp *int64
	// StartingOffsetsByTimestamp holds epoch milliseconds per partition,
	// like StartingTimestamp but per partition; nil when not given.
	StartingOffsetsByTimestamp map[string]map[int32]int64
	// EndingOffsetsByTimestamp holds epoch milliseconds per partition, like
	// EndingTimestamp but per partition; nil when not given.
	EndingOffsetsByTimestamp map[string]map[int32]int64
	// StartingOffsetsByTimestampStrategy says what a starting timestamp
	// that no record reaches means: TimestampStrategyError (default) or
	// TimestampStrategyLatest.
	StartingOffsetsByTimestampStrategy string
	// Split holds minPartitions, maxRecordsPerPartition and splitStrategy
	// (default SplitBalanced).
	Split SplitOptions
	// IsolationLevel is ReadCommitted (default) or ReadUncommitted.
	IsolationLevel string
	// GroupID is the consumer group of an export (groupId): it starts
	// where the group's committed offsets are, and commits its end
	// offsets to the group once its manifest is durable. "" when not
	// given; only exports accept it.
	GroupID string
	// FailOnDataLoss (default true) fails a query whose records are gone.
	FailOnDataLoss bool
	// IncludeHeaders (default false) adds the headers column.
	IncludeHeaders bool
	// ValueFormat and KeyFormat are FormatRaw (default), FormatString,
	// FormatJSON, FormatAvro, FormatProtobuf or FormatJSONSchema.
	ValueFormat, KeyFormat RecordFormat
	// ValueSchema and KeySchema are the JSON fields given with
	// valueSchema/keySchema, in the order written; nil means infer them
	// from a sample. Giving a schema implies FormatJSON unless the format
	// is avro.
	ValueSchema, KeySchema []Field
	// ValueAvroSchema and KeyAvroSchema are the Avro schemas (JSON text)
	// given with valueSchema/keySchema under FormatAvro, read from the
	// file when the option was '@path.avsc'; "" when not given.
	ValueAvroSchema, KeyAvroSchema string
	// SchemaRegistry is the registry URL of the schemaRegistry option; ""
	// uses the engine's registry.
	SchemaRegistry string
	// ValueSubject and KeySubject override the subjects of TopicNameStrategy
	// (<topic>-value, <topic>-key); "" when not given.
	ValueSubject, KeySubject string
	// ProtoFile and ProtoMessage give raw Protobuf values (no registry):
	// the .proto file and the full name of the value's message.
	ProtoFile, ProtoMessage string
	// OnDecodeError is OnDecodeErrorNull (default) or OnDecodeErrorFail.
	OnDecodeError string
	// JSONSampleSize is how many records a JSON schema is inferred from
	// (default DefaultJSONSampleSize).
	JSONSampleSize int
	// Kafka holds the kafka.* options: the source's Kafka client
	// settings, validated; the zero value when none are given. Some
	// values (the SASL user) are not to be shown: the type prints them
	// redacted.
	Kafka ClientSettings

	// The schema options' text as written, interpreted once the format
	// is known (check).
	valueSchemaText, keySchemaText string

	// pos holds where each given option is, by canonical name, so that
	// errors found later (while resolving offsets) point at it too.
	pos map[string]lang.Pos
}

// Pos returns where option name (canonical spelling, e.g. "startingOffsets")
// is in the query, and whether it was given.
func (o Options) Pos(name string) (lang.Pos, bool) {
	p, ok := o.pos[name]
	return p, ok
}

// DefaultOptions returns the options of a kafka() source without a WITH
// clause.
func DefaultOptions() Options {
	return Options{
		StartingOffsetsByTimestampStrategy: TimestampStrategyError,
		Split:                              SplitOptions{Strategy: SplitBalanced},
		IsolationLevel:                     ReadCommitted,
		FailOnDataLoss:                     true,
		ValueFormat:                        FormatRaw,
		KeyFormat:                          FormatRaw,
		OnDecodeError:                      OnDecodeErrorNull,
		JSONSampleSize:                     DefaultJSONSampleSize,
	}
}

// ParseOptions validates a WITH clause and applies the defaults. Keys are
// case-insensitive; errors are *lang.Error values that point at the option,
// name it and say what is allowed. Checks that need the cluster (JSON
// offsets that must cover every partition) happen in ResolveRanges.
func ParseOptions(opts []*lang.Option) (Options, error) {
	o := DefaultOptions()
	o.pos = map[string]lang.Pos{}
	for _, opt := range opts {
		key := strings.ToLower(opt.Key)
		if strings.HasPrefix(key, kafkaPrefix) {
			if err := o.setKafka(opt); err != nil {
				return Options{}, err
			}
			continue
		}
		spec, ok := optionSpecs[key]
		if !ok {
			msg := "unknown option " + showName(opt.Key)
			if s := closestOption(key); s != "" {
				msg += " (did you mean " + s + "?)"
			}
			return Options{}, lang.Errorf(opt.Pos, "%s; allowed: %s, kafka.*", msg, strings.Join(optionNames(), ", "))
		}
		if _, dup := o.pos[spec.name]; dup {
			return Options{}, lang.Errorf(opt.Pos, "option %s is given twice", spec.name)
		}
		o.pos[spec.name] = opt.Pos
		if err := spec.set(&o, opt.Value); err != nil {
			return Options{}, lang.Errorf(opt.Value.Pos, "option %s: %v", spec.name, err)
		}
	}
	if err := o.check(); err != nil {
		return Options{}, err
	}
	return o, nil
}

// optionNames returns the canonical option names, sorted.
func optionNames() []string {
	names := make([]string, 0, len(optionSpecs))
	for _, s := range optionSpecs {
		names = append(names, s.name)
	}
	sort.Strings(names)
	return names
}

// closestOption returns the option name nearest to key (edit distance at
// most a third of its length, at least 2), or "".
func closestOption(key string) string {
	best := lang.Closest(key, optionNames())
	if best == "" && strings.Contains(key, ".") {
		return "kafka." + key
	}
	return best
}

// Given returns the options written in the WITH clause as "name=value"
// strings in a fixed order, with kafka.* values that may be secrets shown
// as "***". EXPLAIN prints them.
func (o Options) Given() []string {
	var out []string
	add := func(name string, v any) {
		if _, ok := o.pos[name]; ok {
			out = append(out, fmt.Sprintf("%s=%v", name, v))
		}
	}
	offsets := func(m map[string]map[int32]int64, word string) string {
		if m == nil {
			return word
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	deref := func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	}
	add("startingOffsets", offsets(o.StartingOffsets, "earliest"))
	add("endingOffsets", offsets(o.EndingOffsets, "latest"))
	add("startingTimestamp", deref(o.StartingTimestamp))
	add("endingTimestamp", deref(o.EndingTimestamp))
	add("startingOffsetsByTimestamp", offsets(o.StartingOffsetsByTimestamp, ""))
	add("endingOffsetsByTimestamp", offsets(o.EndingOffsetsByTimestamp, ""))
	add("startingOffsetsByTimestampStrategy", o.StartingOffsetsByTimestampStrategy)
	add("minPartitions", o.Split.MinPartitions)
	add("maxRecordsPerPartition", o.Split.MaxRecordsPerPartition)
	add("splitStrategy", o.Split.Strategy)
	add("isolationLevel", o.IsolationLevel)
	add("groupId", o.GroupID)
	add("failOnDataLoss", o.FailOnDataLoss)
	add("includeHeaders", o.IncludeHeaders)
	add("valueFormat", o.ValueFormat)
	add("keyFormat", o.KeyFormat)
	add("valueSchema", schemaText(o.ValueSchema, o.valueSchemaText, o.ValueFormat))
	add("keySchema", schemaText(o.KeySchema, o.keySchemaText, o.KeyFormat))
	add("schemaRegistry", o.SchemaRegistry)
	add("valueSubject", o.ValueSubject)
	add("keySubject", o.KeySubject)
	add("protoFile", o.ProtoFile)
	add("protoMessage", o.ProtoMessage)
	add("onDecodeError", o.OnDecodeError)
	add("jsonSampleSize", o.JSONSampleSize)
	return append(out, o.RedactedKafka()...)
}

// schemaText prints a schema option: JSON fields, or an Avro schema as
// written (its first line, to keep EXPLAIN short).
func schemaText(fields []Field, text string, f RecordFormat) string {
	if f == FormatAvro {
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			text = text[:i] + "..."
		}
		return lang.QuoteString(text)
	}
	return schemaString(fields)
}

func schemaString(fields []Field) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = f.String()
	}
	return "'" + strings.Join(parts, ", ") + "'"
}
