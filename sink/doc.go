// Package sink writes query results: to a terminal or file in one of the
// result formats (table, csv, json, ndjson, arrow).
//
// Values render the same in every text format: BLOBs as UTF-8 text when
// valid (else hex, prefixed "\x"), timestamps as ISO-8601 in UTC, NULL as
// an empty cell in table/csv and null in JSON.
package sink
