package plan

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestPushTopN: which queries give their scan a top-N on offset, and
// which are left alone because the scan would drop rows the query can
// return.
func TestPushTopN(t *testing.T) {
	for _, tc := range []struct {
		query string
		want  string // TopN.String(), or "" for none
	}{
		{"SELECT * FROM kafka('orders') ORDER BY offset DESC LIMIT 3", "top=3 by offset DESC overall"},
		{"SELECT value FROM kafka('orders') ORDER BY offset LIMIT 4 OFFSET 6", "top=10 by offset ASC overall"},
		{"SELECT o.value FROM kafka('orders') AS o ORDER BY o.partition DESC, o.offset DESC, o.key LIMIT 2", "top=2 by offset DESC overall"},
		{"SELECT offset AS o, value FROM kafka('orders') ORDER BY offset DESC LIMIT 3", "top=3 by offset DESC overall"},
		{"SELECT * FROM (SELECT offset FROM kafka('orders') ORDER BY offset DESC LIMIT 3) AS t", "top=3 by offset DESC overall"},
		{"SELECT * FROM kafka('orders') ORDER BY offset DESC LIMIT 0", "top=0 by offset DESC overall"},
		{"SELECT * FROM kafka('orders') WHERE partition = 1 AND offset < 5000 ORDER BY offset DESC LIMIT 3", "top=3 by offset DESC overall"},
		{"SELECT * FROM kafka('orders') QUALIFY row_number() OVER (PARTITION BY partition ORDER BY offset DESC) <= 3", "top=3 by offset DESC per partition"},
		{"SELECT * FROM kafka('orders') QUALIFY row_number() OVER (PARTITION BY partition ORDER BY offset) < 3", "top=2 by offset ASC per partition"},
		{"SELECT * FROM kafka('orders') QUALIFY 4 >= row_number() OVER (PARTITION BY topic, partition ORDER BY offset DESC)", "top=4 by offset DESC per partition"},
		{"SELECT * FROM kafka('orders') QUALIFY row_number() OVER (ORDER BY offset DESC) = 1", "top=1 by offset DESC overall"},
		{"SELECT *, row_number() OVER (PARTITION BY partition ORDER BY offset DESC) AS rn FROM kafka('orders') QUALIFY rn <= 5", "top=5 by offset DESC per partition"},
		{"SELECT * FROM kafka('orders', 'payments') QUALIFY row_number() OVER (PARTITION BY partition ORDER BY offset DESC, topic) <= 2", "top=2 by offset DESC per partition"},

		// Left alone.
		{"SELECT * FROM kafka('orders') ORDER BY timestamp DESC LIMIT 3", ""},
		{"SELECT * FROM kafka('orders') ORDER BY timestamp, offset DESC LIMIT 3", ""},
		{"SELECT * FROM kafka('orders') ORDER BY offset DESC", ""},
		{"SELECT * FROM kafka('orders') LIMIT 3", ""},
		{"SELECT * FROM kafka('orders') WHERE key IS NOT NULL ORDER BY offset DESC LIMIT 3", ""},
		{"SELECT * FROM kafka('orders') WHERE partition = 1 OR key IS NULL ORDER BY offset DESC LIMIT 3", ""},
		{"SELECT DISTINCT key, offset FROM kafka('orders') ORDER BY offset DESC LIMIT 3", ""},
		{"SELECT partition, max(offset) AS offset FROM kafka('orders') GROUP BY partition ORDER BY offset DESC LIMIT 3", ""},
		{"SELECT partition AS offset FROM kafka('orders') ORDER BY offset DESC LIMIT 3", ""},
		{"SELECT * REPLACE (partition AS offset) FROM kafka('orders') ORDER BY offset DESC LIMIT 3", ""},
		{"SELECT *, lag(offset) OVER (PARTITION BY partition ORDER BY offset) AS prev FROM kafka('orders') ORDER BY offset DESC LIMIT 3", ""},
		{"SELECT (SELECT 1) AS one, offset FROM kafka('orders') ORDER BY offset DESC LIMIT 3", ""},
		{"SELECT a.offset FROM kafka('orders') AS a JOIN kafka('payments') AS b ON a.offset = b.offset ORDER BY a.offset DESC LIMIT 3", ""},
		{"SELECT * FROM kafka('orders') QUALIFY row_number() OVER (PARTITION BY key ORDER BY offset DESC) <= 3", ""},
		{"SELECT * FROM kafka('orders') QUALIFY row_number() OVER (PARTITION BY partition ORDER BY timestamp DESC) <= 3", ""},
		{"SELECT * FROM kafka('orders') QUALIFY rank() OVER (PARTITION BY partition ORDER BY offset DESC) <= 3", ""},
		{"SELECT * FROM kafka('orders') QUALIFY row_number() OVER (PARTITION BY partition ORDER BY offset DESC) >= 3", ""},
		{"SELECT * FROM kafka('orders') QUALIFY row_number() OVER (PARTITION BY partition ORDER BY offset DESC) = 2", ""},
		{"SELECT * FROM kafka('orders') QUALIFY row_number() OVER (PARTITION BY partition ORDER BY offset DESC) <= 3 AND key IS NULL", ""},
		{"SELECT *, count(*) OVER () AS n FROM kafka('orders') QUALIFY row_number() OVER (PARTITION BY partition ORDER BY offset DESC) <= 3", ""},
		{"SELECT * FROM kafka('orders') WHERE key IS NULL QUALIFY row_number() OVER (PARTITION BY partition ORDER BY offset DESC) <= 3", ""},
	} {
		t.Run(tc.query, func(t *testing.T) {
			q := planOn(t, testLister, tc.query)
			got := ""
			for _, s := range q.Scans {
				if s.TopN != nil {
					got = s.TopN.String()
					if len(s.Tasks) != len(uniquePartitions(s.Tasks)) {
						t.Errorf("top-N scan with %d tasks over %d partitions: want one task per partition", len(s.Tasks), len(uniquePartitions(s.Tasks)))
					}
				}
			}
			if got != tc.want {
				t.Errorf("top-N %q, want %q\n%s", got, tc.want, q.ExplainText())
			}
		})
	}
}

func uniquePartitions(tasks []Task) map[string]bool {
	out := map[string]bool{}
	for _, t := range tasks {
		out[fmt.Sprintf("%s-%d", t.Topic, t.Partition)] = true
	}
	return out
}

// TestTopNExplainJSON: EXPLAIN's JSON form carries the top-N of a scan:
// rows per partition, order and whether it is per partition.
func TestTopNExplainJSON(t *testing.T) {
	for query, want := range map[string]string{
		"SELECT * FROM kafka('orders') ORDER BY offset DESC LIMIT 3":                                            `{"n":3,"order":"DESC","perPartition":false}`,
		"SELECT * FROM kafka('orders') QUALIFY row_number() OVER (PARTITION BY partition ORDER BY offset) <= 2": `{"n":2,"order":"ASC","perPartition":true}`,
		"SELECT * FROM kafka('orders') ORDER BY timestamp DESC LIMIT 3":                                         `null`,
	} {
		q := planOn(t, testLister, query)
		got, err := json.Marshal(q.ExplainJSON().Pushed.Scans[0].TopN)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("%s: topN %s, want %s", query, got, want)
		}
		if want == "null" {
			b, _ := q.MarshalExplainJSON()
			if strings.Contains(string(b), "topN") {
				t.Errorf("%s: JSON names topN:\n%s", query, b)
			}
		}
	}
}
