// Package output writes query results as text or Arrow: table (for a
// terminal), csv (with a header row), json (one array of objects), ndjson
// and arrow (the IPC stream format).
//
// Values render the same in every text format: BLOBs as UTF-8 text when
// valid (else hex, prefixed "\x"), timestamps as ISO-8601 in UTC, NULL as
// an empty cell in csv, "NULL" in the table and null in JSON; nested values
// as JSON. Every format streams; the table holds TableBlockRows rows at a
// time.
package output
