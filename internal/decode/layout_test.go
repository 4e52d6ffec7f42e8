package decode

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/kq-sql/kq/internal/plan"
)

// TestScanLayoutFields checks which JSON fields a scan decodes from the
// planner's field references: by part, names compared case-insensitively,
// in schema order, every field for SELECT value or AllFields, and a field
// whose name has a dot in it taken whole (not as a part and a field).
func TestScanLayoutFields(t *testing.T) {
	schema := func(names ...string) []plan.Field {
		out := make([]plan.Field, len(names))
		for i, n := range names {
			out[i] = plan.Field{Name: n, Type: plan.TypeVarchar}
		}
		return out
	}
	value := schema("status", "amount", "id", "key.id")
	key := schema("id", "region")
	v := func(name string) plan.FieldRef { return plan.FieldRef{Part: plan.PartValue, Name: name} }
	k := func(name string) plan.FieldRef { return plan.FieldRef{Part: plan.PartKey, Name: name} }
	for _, tc := range []struct {
		name      string
		columns   []string
		fields    []plan.FieldRef
		all       bool
		wantValue string
		wantKey   string
	}{
		{"by part", []string{plan.ColPartition}, []plan.FieldRef{v("AMOUNT"), v("Status"), k("region")}, false, "[status amount]", "[region]"},
		{"same name in both parts", []string{plan.ColPartition}, []plan.FieldRef{k("id")}, false, "[]", "[id]"},
		{"dotted name", []string{plan.ColPartition}, []plan.FieldRef{v("key.id")}, false, "[key.id]", "[]"},
		{"whole value", []string{plan.ColValue}, []plan.FieldRef{k("id")}, false, "[status amount id key.id]", "[id]"},
		{"all fields", []string{plan.ColPartition}, nil, true, "[status amount id key.id]", "[id region]"},
		{"none", []string{plan.ColPartition}, nil, false, "[]", "[]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &plan.Scan{Columns: tc.columns, Fields: tc.fields, AllFields: tc.all}
			names := func(part plan.Part, fields []plan.Field) string {
				var out []string
				for _, f := range partFields(s, part, fields) {
					out = append(out, f.Name)
				}
				return fmt.Sprint(out)
			}
			if got := names(plan.PartValue, value); got != tc.wantValue {
				t.Errorf("value fields %s, want %s", got, tc.wantValue)
			}
			if got := names(plan.PartKey, key); got != tc.wantKey {
				t.Errorf("key fields %s, want %s", got, tc.wantKey)
			}
			wantInferValue, wantInferKey := tc.wantValue != "[]", tc.wantKey != "[]"
			s.Options = plan.DefaultOptions()
			s.Options.ValueFormat, s.Options.KeyFormat = plan.FormatJSON, plan.FormatJSON
			if iv, ik := Infer(s); iv != wantInferValue || ik != wantInferKey {
				t.Errorf("Infer = %v, %v, want %v, %v", iv, ik, wantInferValue, wantInferKey)
			}
		})
	}
}

// mustBuilder is NewBuilder for tests.
func mustBuilder(tb testing.TB, mem memory.Allocator, l *Layout) *Builder {
	tb.Helper()
	rb, err := NewBuilder(mem, l)
	if err != nil {
		tb.Fatal(err)
	}
	return rb
}
