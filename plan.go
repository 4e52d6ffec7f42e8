package kq

import "github.com/kq-sql/kq/internal/plan"

// Plan is a planned statement: the logical plan after pushdown, and the
// offset-range tasks its scans run. Explain returns it; nothing is read.
type Plan struct {
	// Tree is the plan printed as an indented tree.
	Tree string
	// Tasks are the offset-range tasks, scan after scan, each scan's
	// ordered by (topic, partition, from).
	Tasks []Task

	query *plan.Query
}

// Task is one unit of parallel work: an offset range, and the worker
// Spark's Kafka source would prefer for it (floorMod of Java's
// TopicPartition.hashCode by the number of workers).
type Task struct {
	Range
	PreferredWorker int `json:"preferredWorker"`
}

// String prints EXPLAIN's text: the tree, what each scan took from the
// query, and the task table with preferred workers.
func (p *Plan) String() string { return p.query.ExplainText() }

// JSON prints EXPLAIN's JSON form: {"plan": <tree>, "pushed": {...},
// "tasks": [{"topic", "partition", "from", "until", "preferredWorker"},
// ...]}, indented, with a final newline.
func (p *Plan) JSON() ([]byte, error) {
	b, err := p.query.MarshalExplainJSON()
	return append(b, '\n'), err
}

func newPlan(q *plan.Query) *Plan {
	p := &Plan{Tree: plan.Format(q.Root), query: q}
	for _, t := range q.Tasks() {
		p.Tasks = append(p.Tasks, Task{Range: Range(t.Range), PreferredWorker: t.PreferredWorker})
	}
	return p
}
