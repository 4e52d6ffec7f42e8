package lang

import (
	"reflect"
	"strings"
	"testing"
)

func TestInspectKafkaSources(t *testing.T) {
	s := mustParse(t, `WITH c AS (SELECT * FROM kafka('c1'))
		SELECT * FROM kafka('a') AS a JOIN (SELECT * FROM kafka('b')) AS b ON a.key = b.key, c
		WHERE a.offset IN (SELECT offset FROM kafka('d')) AND EXISTS (SELECT 1 FROM kafka('e'))
		UNION ALL SELECT * FROM kafka('f')`)
	var topics []string
	for _, k := range KafkaSources(s) {
		topics = append(topics, k.Topics...)
	}
	if got := strings.Join(topics, " "); got != "c1 a b d e f" {
		t.Errorf("KafkaSources: %s", got)
	}
}

func TestColumnsAndConjuncts(t *testing.T) {
	sel := mustParse(t, "SELECT 1 FROM kafka('o') WHERE partition = 0 AND (offset >= 10 AND offset < 20) AND (timestamp > TIMESTAMP '2024-01-01' OR key IS NULL) AND value.x IN (SELECT y FROM t)").(*Select)
	var parts []string
	for _, c := range Conjuncts(sel.Where) {
		parts = append(parts, c.String())
	}
	want := []string{"partition = 0", "offset >= 10", "offset < 20", "(timestamp > TIMESTAMP '2024-01-01' OR key IS NULL)", "value.x IN (SELECT y FROM t)"}
	if strings.Join(parts, " | ") != strings.Join(want, " | ") {
		t.Errorf("Conjuncts:\n got %q\nwant %q", parts, want)
	}
	var cols []string
	for _, id := range Columns(sel.Where) {
		cols = append(cols, id.String())
	}
	if got := strings.Join(cols, " "); got != "partition offset offset timestamp key value.x" {
		t.Errorf("Columns: %s", got)
	}
	if Conjuncts(nil) != nil {
		t.Error("Conjuncts(nil) should be nil")
	}
}

func TestChildrenCoverEveryNode(t *testing.T) {
	// Every node reachable through the struct fields must be reachable
	// through Children: count nodes both ways for a query that uses every
	// form.
	var all []string
	for _, tc := range parseCases {
		all = append(all, tc.query)
	}
	for _, q := range all {
		s := mustParse(t, q)
		n := 0
		Inspect(s, func(x Node) bool {
			if isNil(x) {
				t.Fatalf("%q: Inspect visited a nil node", q)
			}
			n++
			return true
		})
		if want := countNodes(s); n != want {
			t.Errorf("%q: Inspect visited %d nodes, the tree has %d", q, n, want)
		}
	}
}

// countNodes counts the Nodes in the tree by reflection, independently of
// Children.
func countNodes(root Node) int {
	n := 0
	var visit func(v reflect.Value)
	visit = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Interface, reflect.Pointer:
			if v.IsNil() {
				return
			}
			if node, ok := v.Interface().(Node); ok && v.Kind() == reflect.Pointer {
				_ = node
				n++
			}
			visit(v.Elem())
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				if v.Field(i).Type() != posType {
					visit(v.Field(i))
				}
			}
		case reflect.Slice:
			for i := 0; i < v.Len(); i++ {
				visit(v.Index(i))
			}
		}
	}
	visit(reflect.ValueOf(root))
	return n
}
