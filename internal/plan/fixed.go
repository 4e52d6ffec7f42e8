package plan

// Fixed is a scan planned elsewhere: a job document's task, run by a
// process that must read exactly the range the planner chose and decode
// the values with the JSON fields the planner's sample inferred, not its
// own (a sample of one task could infer other types).
type Fixed struct {
	// Tasks replace the resolution of offsets: the scan reads these
	// ranges, in this order, and nothing else.
	Tasks []Task
	// ValueSchema and KeySchema, when not nil, are the JSON fields of a
	// value or key whose fields would otherwise be inferred from a
	// sample. They apply only to parts in FormatJSON with no schema
	// given.
	ValueSchema, KeySchema []Field
}

// WithFixed plans every scan as f says instead of resolving its offsets
// through the lister (which is not called); nil changes nothing. A
// statement planned with it has one scan.
func WithFixed(f *Fixed) PlanOption { return func(c *planConfig) { c.fixed = f } }

// setFixed gives every scan of root the tasks and JSON fields of f.
func setFixed(root Node, f *Fixed) Node {
	return setScans(root, func(c *Scan) {
		c.Tasks = append([]Task(nil), f.Tasks...)
		if f.ValueSchema != nil && c.Options.ValueFormat == FormatJSON && c.Options.ValueSchema == nil {
			c.Options.ValueSchema = f.ValueSchema
		}
		if f.KeySchema != nil && c.Options.KeyFormat == FormatJSON && c.Options.KeySchema == nil {
			c.Options.KeySchema = f.KeySchema
		}
	})
}
