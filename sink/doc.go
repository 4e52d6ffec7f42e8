// Package sink writes query results: to a terminal or file in one of the
// result formats (table, csv, json, ndjson, arrow), and to Parquet files.
//
// Values render the same in every text format: BLOBs as UTF-8 text when
// valid (else hex, prefixed "\x"), timestamps as ISO-8601 in UTC, NULL as
// an empty cell in csv, "NULL" in the table and null in JSON; nested values
// as JSON. Every format streams; the table holds TableBlockRows rows at a
// time.
//
// Files are whole or absent: AtomicFile writes under a temporary name and
// renames on Commit. ParquetFile writes Arrow batches with arrow-go's
// Parquet writer (zstd by default); PartSet writes a per-task export, one
// part per scan task named <topic>-<partition>-<from>-<until>.parquet,
// plus the _kq_manifest.json Manifest.
package sink
