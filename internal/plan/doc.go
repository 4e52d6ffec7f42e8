// Package plan gives a parsed statement its meaning. It validates the WITH
// options of every kafka() source, builds a logical plan (a tree of small
// immutable nodes), rewrites it with pure rules, resolves every partition's
// offset range [From, Until) through an OffsetLister, and splits the ranges
// into tasks. Nothing here reads records; package exec runs what plan
// produces.
//
// # Contract with the executor
//
// Plan(ctx, stmt, lister, WithWorkers(n)) returns a *Query:
//
//   - Query.Root is the logical plan after the rules, for EXPLAIN
//     (Query.ExplainText, Query.ExplainJSON).
//   - Query.Scans has one resolved *Scan per kafka() source, in the order
//     the sources appear in the statement (subqueries, CTEs and joins
//     included). Scan.Source is the *lang.KafkaSource it reads: the
//     executor renders the statement with lang.Render and replaces each
//     source with the stream of its scan (Query.ScanOf finds it).
//   - Query.CountOnly says the statement is COUNT(*) over one bare scan
//     whose WHERE the scan took whole: the result is one row whose every
//     column is the number of records Scans[0] produces, and no SQL engine
//     is needed.
//
// The executor runs the statement as written; the rules only narrow what
// the scans produce, never what the SQL computes. A scan must honour:
//
//   - Tasks: the offset ranges (already narrowed by the pushed partition,
//     offset and timestamp predicates);
//   - Timestamp: a row filter on the record timestamp (epoch ms, From
//     inclusive, Until exclusive, each side only when its Has flag is set).
//     Kafka timestamps need not grow with offsets, so the lower bound
//     narrows the ranges (ListOffsets by time finds the first offset at or
//     after it, exactly) and the upper bound does only on LogAppendTime
//     topics (UpperBounds; see TopicConfigLister); the filter keeps
//     count-only scans exact;
//   - Limit (-1 for none): stop after that many rows (after the Timestamp
//     filter); set only when a projection of the scan alone is limited;
//   - TopN (nil for none): at most TopN.N rows of each partition, those
//     with the highest offsets (Desc) or the lowest, counted after the
//     Timestamp filter; each task is then a whole partition's range;
//   - Columns: the metadata columns to build, in schema order (empty for a
//     count-only scan; at least one otherwise); Fields/AllFields: the
//     decoded JSON fields the statement uses (FieldRef: the part, value or
//     key, and the field's name);
//   - Options: the validated WITH options (formats, schemas, isolation
//     level, failOnDataLoss); Options.Kafka holds the source's Kafka
//     client settings (kafka.*), which its clients, for planning and for
//     the scan's workers, must be made with (internal/kafkaclient). An
//     OffsetLister that is a SettingsLister resolves each scan through
//     the lister of its settings.
//
// Pushed predicates are listed in Scan.Pushed and stay in the SQL too,
// which keeps the result right whatever the engine does with them.
//
// # Rules
//
// PushFilter takes the WHERE conjuncts on partition (=, IN, BETWEEN),
// offset (comparisons, BETWEEN) and timestamp (comparisons, BETWEEN with
// TIMESTAMP/TIMESTAMPTZ literals or timestamp strings; a time without a
// zone is UTC, and the executor's DuckDB session runs with TimeZone UTC so
// that it reads them alike; integers are not pushed, as DuckDB rejects
// comparing them with a timestamp) of one source
// (qualified by its alias, or unqualified when it is the only FROM item);
// an OR is pushed only when every branch constrains the same column.
// PushTopN gives a scan the top-N on offset of ORDER BY offset LIMIT n or
// QUALIFY row_number() OVER (... ORDER BY offset) <= n over a plain
// projection of it. PushLimit moves LIMIT into a scan under a plain
// projection. PruneColumns
// keeps the columns used anywhere in the statement (* keeps all).
// CountOnly marks COUNT(*) over a bare scan.
//
// # Splitting
//
// splitStrategy='spark' is Spark 4.x KafkaOffsetRangeCalculator.getRanges
// applied to the resolved ranges (SparkGetRanges; every golden vector of
// Spark's suite, testdata/spark_vectors.json, is a test). 'balanced' (the
// default) guarantees minPartitions tasks whenever the records allow
// (splitBalanced).
// Each task carries Spark's preferred worker, floorMod(Java
// TopicPartition.hashCode, workers).
package plan
