package plan

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/kq-sql/kq/lang"
)

func TestExplainJSON(t *testing.T) {
	stmt, err := lang.Parse("EXPLAIN SELECT key FROM kafka('orders') WITH (minPartitions=2) AS o WHERE o.partition = 1 AND o.offset >= 50000 LIMIT 7")
	if err != nil {
		t.Fatal(err)
	}
	q, err := Plan(context.Background(), stmt, testLister, WithWorkers(3))
	if err != nil {
		t.Fatal(err)
	}
	if !q.Explain || q.CountOnly || len(q.Scans) != 1 || q.ScanOf(firstSourceOf(t, q.Stmt)) != q.Scans[0] {
		t.Fatalf("query %+v", q)
	}
	b, err := q.MarshalExplainJSON()
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"plan": map[string]any{"node": "Limit", "text": "Limit 7", "children": []any{
			map[string]any{"node": "Project", "text": "Project key", "children": []any{
				map[string]any{"node": "Scan", "text": `Scan kafka('orders') AS o options=[minPartitions=2] columns=[key, partition, offset] partitions=[1] offsets=[50000, +inf) limit=7 tasks=2 estimatedRows=32000`},
			}},
		}},
		"pushed": map[string]any{"scans": []any{map[string]any{
			"source": "kafka('orders') AS o", "topics": []any{"orders"}, "options": []any{"minPartitions=2"},
			"predicates": []any{"o.partition = 1", "o.offset >= 50000"}, "partitions": []any{1.0},
			"offsets": map[string]any{"from": 50000.0}, "timestamp": nil, "limit": 7.0,
			"columns": []any{"key", "partition", "offset"}, "countOnly": false, "tasks": 2.0, "estimatedRows": 32000.0,
			"split": map[string]any{"strategy": "balanced", "minPartitions": 2.0},
		}}},
		"tasks": []any{
			map[string]any{"topic": "orders", "partition": 1.0, "from": 50000.0, "until": 66000.0, "preferredWorker": 2.0},
			map[string]any{"topic": "orders", "partition": 1.0, "from": 66000.0, "until": 82000.0, "preferredWorker": 2.0},
		},
	}
	gotJSON, _ := json.MarshalIndent(got, "", " ")
	wantJSON, _ := json.MarshalIndent(want, "", " ")
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("got\n%s\nwant\n%s", gotJSON, wantJSON)
	}
}

func firstSourceOf(t *testing.T, stmt lang.Statement) *lang.KafkaSource {
	t.Helper()
	srcs := lang.KafkaSources(stmt)
	if len(srcs) == 0 {
		t.Fatal("no source")
	}
	return srcs[0]
}
