package plan

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kq-sql/kq/lang"
)

// parseWith parses the options of kafka('orders') WITH (<with>).
func parseWith(t *testing.T, with string) (Options, error) {
	t.Helper()
	q := "SELECT * FROM kafka('orders') WITH (" + with + ")"
	stmt, err := lang.Parse(q)
	if err != nil {
		t.Fatalf("parse %s: %v", q, err)
	}
	src := firstSource(t, stmt)
	return ParseOptions(src.Options)
}

func firstSource(t *testing.T, stmt lang.Statement) *lang.KafkaSource {
	t.Helper()
	srcs := lang.KafkaSources(stmt)
	if len(srcs) == 0 {
		t.Fatalf("no kafka() source in %s", stmt)
	}
	return srcs[0]
}

func TestParseOptionsDefaults(t *testing.T) {
	o, err := ParseOptions(nil)
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultOptions()
	want.pos = map[string]lang.Pos{}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("got %+v\nwant %+v", o, want)
	}
	if o.IsolationLevel != ReadCommitted || !o.FailOnDataLoss || o.Split.Strategy != SplitBalanced ||
		o.ValueFormat != FormatRaw || o.KeyFormat != FormatRaw || o.OnDecodeError != OnDecodeErrorNull ||
		o.StartingOffsetsByTimestampStrategy != TimestampStrategyError || o.JSONSampleSize != DefaultJSONSampleSize {
		t.Errorf("defaults: %+v", o)
	}
}

func TestParseOptionsValues(t *testing.T) {
	for _, tc := range []struct {
		with  string
		check func(o Options) bool
	}{
		{`startingOffsets='earliest'`, func(o Options) bool { return o.StartingOffsets == nil }},
		{`STARTINGOFFSETS='{"orders":{"0":23,"1":-2}}'`, func(o Options) bool {
			return reflect.DeepEqual(o.StartingOffsets, map[string]map[int32]int64{"orders": {0: 23, 1: -2}})
		}},
		{`endingOffsets='LATEST'`, func(o Options) bool { return o.EndingOffsets == nil }},
		{`endingOffsets='{"orders":{"0":50,"1":-1}}'`, func(o Options) bool {
			return reflect.DeepEqual(o.EndingOffsets, map[string]map[int32]int64{"orders": {0: 50, 1: -1}})
		}},
		{`startingTimestamp=1767225600000`, func(o Options) bool { return *o.StartingTimestamp == 1767225600000 }},
		{`startingTimestamp='1767225600000'`, func(o Options) bool { return *o.StartingTimestamp == 1767225600000 }},
		{`startingTimestamp='2026-01-01T00:00:00Z'`, func(o Options) bool { return *o.StartingTimestamp == 1767225600000 }},
		{`endingTimestamp='2026-01-01 00:00:01.5'`, func(o Options) bool { return *o.EndingTimestamp == 1767225601500 }},
		{`startingOffsetsByTimestamp='{"orders":{"0":1000,"1":2000}}'`, func(o Options) bool {
			return reflect.DeepEqual(o.StartingOffsetsByTimestamp, map[string]map[int32]int64{"orders": {0: 1000, 1: 2000}})
		}},
		{`endingOffsetsByTimestamp='{"orders":{"2":5}}'`, func(o Options) bool {
			return reflect.DeepEqual(o.EndingOffsetsByTimestamp, map[string]map[int32]int64{"orders": {2: 5}})
		}},
		{`startingOffsetsByTimestampStrategy='Latest'`, func(o Options) bool {
			return o.StartingOffsetsByTimestampStrategy == TimestampStrategyLatest
		}},
		{`minPartitions=8, maxRecordsPerPartition='50000', splitStrategy='SPARK'`, func(o Options) bool {
			return o.Split == SplitOptions{Strategy: SplitSpark, MinPartitions: 8, MaxRecordsPerPartition: 50000}
		}},
		{`isolationLevel='read_uncommitted'`, func(o Options) bool { return o.IsolationLevel == ReadUncommitted }},
		{`failOnDataLoss=false, includeHeaders='true'`, func(o Options) bool { return !o.FailOnDataLoss && o.IncludeHeaders }},
		{`valueFormat='json', keyFormat='string'`, func(o Options) bool { return o.ValueFormat == FormatJSON && o.KeyFormat == FormatString }},
		{`valueSchema='order_id BIGINT, amount double ,"created at" TIMESTAMP,n int, tags JSON'`, func(o Options) bool {
			return o.ValueFormat == FormatJSON && reflect.DeepEqual(o.ValueSchema, []Field{
				{"order_id", TypeBigint}, {"amount", TypeDouble}, {"created at", TypeTimestamp}, {"n", TypeInteger}, {"tags", TypeJSON},
			})
		}},
		{`keyFormat='json', keySchema='id VARCHAR, ok BOOLEAN'`, func(o Options) bool {
			return o.KeyFormat == FormatJSON && reflect.DeepEqual(o.KeySchema, []Field{{"id", TypeVarchar}, {"ok", TypeBoolean}})
		}},
		{`onDecodeError='FAIL', jsonSampleSize=10`, func(o Options) bool { return o.OnDecodeError == OnDecodeErrorFail && o.JSONSampleSize == 10 }},
		{`kafka.bootstrap.servers='b:9092', "kafka.security.protocol"='sasl_plaintext', kafka.sasl.mechanism='PLAIN', kafka.sasl.username='hunter2', "kafka.request.timeout.ms"=500`, func(o Options) bool {
			return reflect.DeepEqual(o.Kafka.BootstrapServers, []string{"b:9092"}) && o.Kafka.SASLUsername == "hunter2" &&
				o.Kafka.RequestTimeout == 500*time.Millisecond && o.Kafka.SecurityProtocol == SecuritySASLPlaintext &&
				!strings.Contains(fmt.Sprintf("%v %+v %#v %s %v", o, o, o, o.Kafka, o.Given()), "hunter2") &&
				reflect.DeepEqual(o.RedactedKafka(), []string{"kafka.bootstrap.servers=b:9092", "kafka.request.timeout.ms=500",
					"kafka.sasl.mechanism=PLAIN", "kafka.sasl.username=***", "kafka.security.protocol=sasl_plaintext"})
		}},
	} {
		t.Run(tc.with, func(t *testing.T) {
			o, err := parseWith(t, tc.with)
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(o) {
				t.Errorf("unexpected options %+v", o)
			}
		})
	}
}

func TestParseOptionsErrors(t *testing.T) {
	for _, tc := range []struct {
		with string
		want string // substring of the error
	}{
		{`minPartition=8`, `unknown option minPartition (did you mean minPartitions?)`},
		{`startingoffset='earliest'`, `did you mean startingOffsets?`},
		{`"bootstrap.servers"='x'`, `did you mean kafka.bootstrap.servers?`},
		{`frobnicate=1`, `unknown option frobnicate; allowed: endingOffsets,`},
		{`minPartitions=0`, `option minPartitions: must be a positive integer, got 0`},
		{`minPartitions='many'`, `option minPartitions: want a positive integer, got 'many'`},
		{`minPartitions=1.5`, `option minPartitions: want a positive integer, got 1.5`},
		{`minPartitions=99999999999`, `option minPartitions: must be at most 2147483647`},
		{`maxRecordsPerPartition=NULL`, `option maxRecordsPerPartition: want a positive integer, got NULL`},
		{`minPartitions=2, MINPARTITIONS=3`, `option minPartitions is given twice`},
		{`splitStrategy='fair'`, `option splitStrategy: want one of 'balanced', 'spark', got 'fair'`},
		{`isolationLevel=1`, `option isolationLevel: want one of 'read_committed', 'read_uncommitted', got 1`},
		{`failOnDataLoss='yes'`, `option failOnDataLoss: want true or false, got 'yes'`},
		{`includeHeaders=1`, `option includeHeaders: want true or false, got 1`},
		{`startingOffsets='latest'`, `option startingOffsets: 'latest' is not allowed here`},
		{`endingOffsets='earliest'`, `option endingOffsets: 'earliest' is not allowed here`},
		{`startingOffsets='{"orders":{"0":-1}}'`, `option startingOffsets: orders-0: -1 means latest, which is not allowed here`},
		{`endingOffsets='{"orders":{"0":-2}}'`, `option endingOffsets: orders-0: -2 means earliest, which is not allowed here`},
		{`startingOffsets='{"orders":{"0":-7}}'`, `orders-0: offset -7 is negative`},
		{`startingOffsets='{"orders":{"x":1}}'`, `"x" is not a partition number`},
		{`startingOffsets='{"orders":{"0":1.5}}'`, `orders-0: 1.5 is not an integer`},
		{`startingOffsets='{"orders":[0]}'`, `option startingOffsets: want 'earliest' or a JSON object`},
		{`startingOffsets='{}'`, `got an empty object`},
		{`startingOffsets=5`, `option startingOffsets: want 'earliest' or a JSON object such as '{"orders":{"0":23,"1":-2}}', got 5`},
		{`startingOffsets='{"orders":{"0":100}}', endingOffsets='{"orders":{"0":50}}'`, `option endingOffsets: orders-0 ends at offset 50, before its offset 100 from startingOffsets`},
		{`startingTimestamp=2000, endingTimestamp=1000`, `option endingTimestamp: 1000 is before startingTimestamp 2000`},
		{`startingOffsetsByTimestamp='{"orders":{"0":9}}', endingOffsetsByTimestamp='{"orders":{"0":8}}'`, `orders-0 ends at timestamp 8, before its timestamp 9`},
		{`startingTimestamp='yesterday'`, `option startingTimestamp: want epoch milliseconds or an ISO-8601 timestamp`},
		{`startingTimestamp='-5'`, `must not be negative`},
		{`startingOffsetsByTimestamp='{"orders":{"0":-5}}'`, `orders-0: timestamp -5 is negative`},
		{`startingOffsetsByTimestampStrategy='earliest'`, `want one of 'error', 'latest'`},
		{`startingOffsets='earliest', startingTimestamp=5`, `options startingOffsets and startingTimestamp both say where to start; give one`},
		{`endingOffsetsByTimestamp='{"orders":{"0":5}}', endingOffsets='latest'`, `options endingOffsets and endingOffsetsByTimestamp both say where to end`},
		{`valueFormat='xml'`, `option valueFormat: want one of 'raw', 'string', 'json', 'avro', 'protobuf', 'jsonschema', got 'xml'`},
		{`valueFormat='string', valueSchema='a BIGINT'`, `option valueSchema needs valueFormat='json' (fields) or 'avro' (an Avro schema), got valueFormat='string'`},
		{`valueFormat='avro', valueSchema='a BIGINT'`, `option valueSchema: want an Avro schema`},
		{`valueFormat='avro', valueSchema='@/nonexistent/o.avsc'`, `option valueSchema: Avro schema file: open /nonexistent/o.avsc`},
		{`schemaRegistry='http://r:8081'`, `option schemaRegistry applies to valueFormat or keyFormat 'avro', 'protobuf' or 'jsonschema'`},
		{`valueFormat='avro', schemaRegistry='r:8081'`, `option schemaRegistry: want an http:// or https:// URL, got "r:8081"`},
		{`valueFormat='json', protoFile='o.proto'`, `options protoFile and protoMessage describe raw Protobuf values: they need valueFormat='protobuf'`},
		{`valueFormat='protobuf', protoFile='o.proto'`, `raw Protobuf values need both protoFile and protoMessage; protoMessage is missing`},
		{`valueFormat='avro', valueSubject=''`, `option valueSubject: want a subject name, got ''`},
		{`valueSchema='a DECIMAL'`, `option valueSchema: field a: unknown type DECIMAL; want a schema such as`},
		{`valueSchema='a'`, `field a has no type`},
		{`valueSchema='a BIGINT,'`, `field 2 is missing after the last comma`},
		{`valueSchema='a BIGINT, A DOUBLE'`, `field A is named twice`},
		{`valueSchema=''`, `empty schema`},
		{`valueSchema='"a BIGINT'`, `unterminated quoted name`},
		{`keySchema=1`, `option keySchema: want a schema`},
		{`onDecodeError='skip'`, `want one of 'null', 'fail'`},
		{`jsonSampleSize=-1`, `option jsonSampleSize: must be a positive integer, got -1`},
		{`minPartitions=-3`, `option minPartitions: must be a positive integer, got -3`},
		{`kafka.auto.offset.reset='earliest'`, `option kafka.auto.offset.reset is not allowed: kq reads explicit offset ranges`},
		{`"kafka.isolation.level"='read_committed'`, `use the isolationLevel option`},
		{`"kafka.client.id"='a', "KAFKA.CLIENT.ID"='b'`, `option kafka.client.id is given twice`},
		{`"kafka.acks"=1`, `option kafka.acks is not a supported Kafka client setting; supported: kafka.bootstrap.servers, kafka.client.id,`},
		{`"kafka.client.id"=NULL`, `NULL is not allowed`},
	} {
		t.Run(tc.with, func(t *testing.T) {
			q := "SELECT * FROM kafka('orders') WITH (" + tc.with + ")"
			stmt, err := lang.Parse(q)
			if err != nil {
				if tc.want == "" {
					return // not even valid syntax, which is fine for this case
				}
				t.Fatalf("parse: %v", err)
			}
			_, err = ParseOptions(firstSource(t, stmt).Options)
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			var le *lang.Error
			if !errors.As(err, &le) {
				t.Fatalf("error %T is not a *lang.Error: %v", err, err)
			}
			if le.Pos.Line != 1 || le.Pos.Column <= len("SELECT * FROM kafka('orders') WITH (") {
				t.Errorf("error position %d:%d does not point into the WITH clause", le.Pos.Line, le.Pos.Column)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestIsSecretSetting(t *testing.T) {
	for key, secret := range map[string]bool{
		"sasl.password": true, "sasl.jaas.config": true, "ssl.key.password": true, "ssl.keystore.location": true,
		"sasl.oauthbearer.token.endpoint.url": true, "sasl.username": true,
		"bootstrap.servers": false, "security.protocol": false, "sasl.mechanism": false, "client.id": false,
	} {
		if got := IsSecretSetting(key); got != secret {
			t.Errorf("IsSecretSetting(%q) = %v, want %v", key, got, secret)
		}
	}
}

// TestFormatOptions: the options of the schema-driven formats parse into
// their fields; an Avro valueSchema may name a file.
func TestFormatOptions(t *testing.T) {
	avsc := filepath.Join(t.TempDir(), "order.avsc")
	schema := `{"type":"record","name":"Order","fields":[{"name":"id","type":"long"}]}`
	if err := os.WriteFile(avsc, []byte(schema+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		with string
		want func(o Options) bool
	}{
		{`valueFormat='avro', schemaRegistry='http://r:8081', valueSubject='orders-v'`, func(o Options) bool {
			return o.ValueFormat == FormatAvro && o.SchemaRegistry == "http://r:8081" && o.ValueSubject == "orders-v" && o.ValueAvroSchema == ""
		}},
		{`valueFormat='avro', valueSchema='` + schema + `'`, func(o Options) bool { return o.ValueAvroSchema == schema && o.ValueSchema == nil }},
		{`valueSchema='@` + avsc + `', valueFormat='AVRO'`, func(o Options) bool { return o.ValueAvroSchema == schema }},
		{`valueFormat='protobuf', protoFile='o.proto', protoMessage='shop.Order'`, func(o Options) bool {
			return o.ValueFormat == FormatProtobuf && o.ProtoFile == "o.proto" && o.ProtoMessage == "shop.Order"
		}},
		{`keyFormat='jsonschema', keySubject='k'`, func(o Options) bool { return o.KeyFormat == FormatJSONSchema && o.KeySubject == "k" }},
		{`valueSchema='a BIGINT'`, func(o Options) bool { return o.ValueFormat == FormatJSON && len(o.ValueSchema) == 1 }},
	} {
		o, err := parseWith(t, tc.with)
		if err != nil {
			t.Fatalf("%s: %v", tc.with, err)
		}
		if !tc.want(o) {
			t.Errorf("%s: %+v", tc.with, o)
		}
	}
}
