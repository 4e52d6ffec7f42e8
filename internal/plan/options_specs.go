package plan

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kq-sql/kq/lang"
)

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
		{"failOnDataLoss", func(o *Options, v *lang.Literal) (err error) {
			o.FailOnDataLoss, err = boolOption(v)
			return err
		}},
		{"includeHeaders", func(o *Options, v *lang.Literal) (err error) {
			o.IncludeHeaders, err = boolOption(v)
			return err
		}},
		{"valueFormat", func(o *Options, v *lang.Literal) (err error) {
			o.ValueFormat, err = oneOf(v, FormatRaw, FormatString, FormatJSON)
			return err
		}},
		{"keyFormat", func(o *Options, v *lang.Literal) (err error) {
			o.KeyFormat, err = oneOf(v, FormatRaw, FormatString, FormatJSON)
			return err
		}},
		{"valueSchema", func(o *Options, v *lang.Literal) (err error) {
			o.ValueSchema, err = schemaOption(v)
			return err
		}},
		{"keySchema", func(o *Options, v *lang.Literal) (err error) {
			o.KeySchema, err = schemaOption(v)
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
	if err := o.schemaFormat("valueSchema", "valueFormat", o.ValueSchema, &o.ValueFormat); err != nil {
		return err
	}
	if err := o.schemaFormat("keySchema", "keyFormat", o.KeySchema, &o.KeyFormat); err != nil {
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

// schemaFormat makes a schema imply the JSON format and rejects a schema
// with another format.
func (o *Options) schemaFormat(schemaName, formatName string, schema []Field, format *RecordFormat) error {
	if schema == nil {
		return nil
	}
	if _, given := o.pos[formatName]; !given {
		*format = FormatJSON
		return nil
	}
	if *format != FormatJSON {
		return lang.Errorf(o.pos[schemaName], "option %s needs %s='json', got %s='%s'", schemaName, formatName, formatName, *format)
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
