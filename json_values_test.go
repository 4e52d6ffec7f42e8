package kq_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/internal/kafkatest"
)

// TestJSONValuesThatAreNotObjects: with valueFormat='json' a value that is
// not a JSON object is a decode error (counted, or failing the query with
// onDecodeError='fail'); a sample without a single object is an error
// naming the topic and showing a value, not a silent VARCHAR value.
func TestJSONValuesThatAreNotObjects(t *testing.T) {
	c := kafkatest.New(t, kfake.SeedTopics(1, "mixed", "text"))
	ctx := context.Background()
	var recs []*kgo.Record
	for _, v := range []string{`{"n":1}`, `hello`, `{"n":2}`, `42`, `[1,2]`, `{"n":3}`} {
		recs = append(recs, &kgo.Record{Topic: "mixed", Value: []byte(v)})
	}
	recs = append(recs, &kgo.Record{Topic: "mixed"}) // a null value is no error
	for _, v := range []string{strings.Repeat("plain text, not JSON ", 5), `"a JSON string"`, `7`} {
		recs = append(recs, &kgo.Record{Topic: "text", Value: []byte(v)})
	}
	if err := c.Produce(ctx, recs...); err != nil {
		t.Fatal(err)
	}
	eng := openOn(t, c)

	for _, sql := range []string{
		`SELECT n FROM kafka('mixed') WITH (valueFormat='json')`,
		`SELECT n, offset FROM kafka('mixed') WITH (valueFormat='json') ORDER BY offset`,
		`SELECT n FROM kafka('mixed') WITH (valueFormat='json', valueSchema='n BIGINT')`,
	} {
		got, st := rowsStats(t, eng, sql)
		if len(got) != 7 || st == nil || st.DecodeErrors != 3 {
			t.Errorf("%s: %d rows, stats %+v; want 7 rows and 3 decode errors", sql, len(got), st)
		}
	}
	var de *kq.DecodeError
	rr, err := eng.Query(ctx, `SELECT n FROM kafka('mixed') WITH (valueFormat='json', onDecodeError='fail')`)
	if err == nil {
		for rr.Next() {
		}
		err = rr.Err()
		rr.Release()
	}
	if !errors.As(err, &de) || de.Offset != 1 {
		t.Errorf("onDecodeError='fail': %v, want a decode error at offset 1", err)
	}

	for _, sql := range []string{
		`SELECT n FROM kafka('text') WITH (valueFormat='json')`,
		`SELECT * FROM kafka('text') WITH (valueFormat='json')`,
		`SELECT value, count(*) FROM kafka('text') WITH (valueFormat='json') GROUP BY value`,
	} {
		_, err := eng.Query(ctx, sql)
		var qe *kq.QueryError
		if !errors.As(err, &qe) || qe.Line != 1 || qe.Column != strings.Index(sql, "valueFormat")+1 ||
			!strings.Contains(qe.Msg, "sampled from text is a JSON object") || !strings.Contains(qe.Msg, `text-0 offset 0: "plain text, not JSON plain text, not JSO"...`) {
			t.Errorf("%s: %v, want an error at valueFormat naming the topic and the first value", sql, err)
		}
	}
	// Counting reads no value: there is nothing to decode.
	if n := queryInt64(t, eng, `SELECT COUNT(*) FROM kafka('text') WITH (valueFormat='json')`); n != 3 {
		t.Errorf("COUNT(*) = %d, want 3", n)
	}
}
