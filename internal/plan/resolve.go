package plan

import "context"

// wholeRanges returns a task per non-empty range, unsplit.
func wholeRanges(ranges []Range) []Task {
	var tasks []Task
	for _, r := range ranges {
		if r.Size() > 0 {
			tasks = append(tasks, Task{Range: r})
		}
	}
	return tasks
}

// Resolve fills in the tasks of every scan of the tree: it resolves the
// offset ranges through l and splits them per the scan's options. workers
// (at least 1) sets each task's preferred worker. The timestamp types of
// topics (see TopicConfigLister) are read once per topic and cluster.
func Resolve(ctx context.Context, root Node, l OffsetLister, workers int) (Node, error) {
	var firstErr error
	types := timestampTypes{}
	out := Transform(root, func(n Node) Node {
		scan, ok := n.(*Scan)
		if !ok || firstErr != nil {
			return n
		}
		ranges, upper, err := resolveScan(ctx, l, scan, types)
		if err != nil {
			firstErr = err
			return n
		}
		var tasks []Task
		if scan.TopN != nil {
			// One task per partition: its tail (or head) is all it
			// reads, whatever minPartitions asks.
			tasks = wholeRanges(ranges)
		} else if tasks, err = Split(ranges, scan.Options.Split); err != nil {
			firstErr = err
			return n
		}
		AssignWorkers(tasks, workers)
		s := *scan
		s.Tasks, s.UpperBounds = tasks, upper
		return &s
	})
	if firstErr != nil {
		return nil, firstErr
	}
	return out, nil
}
