package kq_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/internal/kafkatest"
)

// TestCastBlobToText: CAST(value AS STRING), CAST(... AS VARCHAR),
// value::VARCHAR and TRY_CAST give the bytes as UTF-8 text, each invalid
// sequence replaced with U+FFFD, as Spark does — the same streamed from
// the scan and through DuckDB — so JSON functions work on the text.
func TestCastBlobToText(t *testing.T) {
	c := kafkatest.New(t, kfake.SeedTopics(1, "raw"))
	ctx := context.Background()
	values := []struct {
		key, value []byte
		text       string // the value as text; "NULL" for a null value
	}{
		{[]byte("k1"), []byte(`{"status":"paid","n":1}`), `{"status":"paid","n":1}`},
		{[]byte("k\xff"), []byte("a\xffb\xe2\x82z"), "a\uFFFDb\uFFFDz"},
		{nil, nil, "NULL"},
		{[]byte("k3"), []byte(`{"status":"café"}`), `{"status":"café"}`},
	}
	var recs []*kgo.Record
	for _, v := range values {
		recs = append(recs, &kgo.Record{Topic: "raw", Key: v.key, Value: v.value, Headers: []kgo.RecordHeader{{Key: "h", Value: v.value}}})
	}
	if err := c.Produce(ctx, recs...); err != nil {
		t.Fatal(err)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	eng, err := kq.Open(kq.WithBrokers(c.ListenAddrs()...), kq.WithAllocator(mem))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()

	var want []string
	for _, v := range values {
		key := "NULL"
		if v.key != nil {
			key = string(v.key)
		}
		if key == "k\xff" {
			key = "k\uFFFD"
		}
		want = append(want, v.text+"|"+key)
	}
	for _, tc := range []struct {
		sql    string
		native bool
	}{
		{`SELECT CAST(value AS STRING), CAST(key AS VARCHAR) FROM kafka('raw')`, true},
		{`SELECT value::VARCHAR, TRY_CAST(key AS TEXT) FROM kafka('raw')`, true},
		{`SELECT CAST(value AS VARCHAR), key::STRING FROM kafka('raw') WHERE partition = 0 ORDER BY offset`, false},
		{`SELECT TRY_CAST(value AS STRING), CAST(key AS VARCHAR(10)) FROM kafka('raw') ORDER BY offset`, false},
		{`WITH r AS (SELECT offset, value, key FROM kafka('raw')) SELECT value::VARCHAR, key::VARCHAR FROM r ORDER BY offset`, false},
		{`SELECT CAST(struct_extract(headers[1], 'value') AS STRING), CAST(key AS STRING) FROM kafka('raw') WITH (includeHeaders=true) ORDER BY offset`, false},
	} {
		rr, err := eng.Query(ctx, tc.sql)
		if err != nil {
			t.Fatalf("%s: %v", tc.sql, err)
		}
		// The scan alone (native) or DuckDB: both stream, so neither has
		// statistics before the rows are read.
		if rr.Stats() != nil {
			t.Errorf("%s (native %v): rows computed before Query returned, want them streamed", tc.sql, tc.native)
		}
		got := cells(t, rr)
		rr.Release()
		if !slices.Equal(got, want) {
			t.Errorf("%s:\n got %q\nwant %q", tc.sql, got, want)
		}
	}

	for sql, want := range map[string][]string{
		`SELECT value::VARCHAR ->> '$.status' FROM kafka('raw') WHERE offset IN (0, 3) ORDER BY offset`:                                   {"paid", "café"},
		`SELECT CAST(value AS STRING)::JSON ->> 'n' FROM kafka('raw') WHERE offset = 0`:                                                   {"1"},
		`SELECT CAST(42 AS VARCHAR), CAST(1.5 AS STRING), 'x'::VARCHAR, CAST(DATE '2024-01-02' AS TEXT)`:                                  {"42|1.5|x|2024-01-02"},
		`SELECT count(*) FROM kafka('raw') WHERE CAST(value AS STRING) LIKE '%paid%'`:                                                     {"1"},
		`SELECT CAST(value AS VARCHAR) AS v FROM kafka('raw') WITH (valueFormat='string') WHERE offset = 3`:                               {`{"status":"café"}`},
		`SELECT CAST(CAST('\xff' AS BLOB) AS VARCHAR), CAST('a' || CAST(value AS VARCHAR) AS VARCHAR) FROM kafka('raw') WHERE offset = 0`: {"\uFFFD|" + `a{"status":"paid","n":1}`},
	} {
		rr, err := eng.Query(ctx, sql)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		got := cells(t, rr)
		rr.Release()
		if !slices.Equal(got, want) {
			t.Errorf("%s:\n got %q\nwant %q", sql, got, want)
		}
	}
}

// cells reads rr's rows as "a|b|c", each value as arrow prints it (text
// as is), NULL as "NULL".
func cells(t *testing.T, rr array.RecordReader) []string {
	t.Helper()
	var out []string
	for rr.Next() {
		rec := rr.RecordBatch()
		for i := range int(rec.NumRows()) {
			var row []string
			for _, col := range rec.Columns() {
				if col.IsNull(i) {
					row = append(row, "NULL")
					continue
				}
				row = append(row, strings.Clone(col.ValueStr(i))) // the batch owns its text
			}
			out = append(out, strings.Join(row, "|"))
		}
	}
	if err := rr.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
