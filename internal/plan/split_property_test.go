package plan

import (
	"fmt"
	"math"
	"math/rand"
	"sort"
	"testing"
)

// randomCase draws ranges (one per partition, some empty, sizes from tiny
// to large and skewed) and split options from rng.
func randomCase(rng *rand.Rand) ([]Range, SplitOptions) {
	var in []Range
	topics := 1 + rng.Intn(3)
	for ti := 0; ti < topics; ti++ {
		parts := 1 + rng.Intn(6)
		for p := 0; p < parts; p++ {
			from := rng.Int63n(1000)
			var size int64
			switch rng.Intn(4) {
			case 0:
				size = 0
			case 1:
				size = rng.Int63n(10)
			case 2:
				size = rng.Int63n(1000)
			default:
				size = rng.Int63n(1_000_000)
			}
			in = append(in, Range{Topic: fmt.Sprintf("t%d", ti), Partition: int32(p), From: from, Until: from + size})
		}
	}
	// Shuffle: the balanced strategy must not depend on the input order.
	rng.Shuffle(len(in), func(i, j int) { in[i], in[j] = in[j], in[i] })
	var o SplitOptions
	if rng.Intn(3) > 0 {
		o.MinPartitions = 1 + rng.Intn(64)
	}
	if rng.Intn(3) > 0 {
		o.MaxRecordsPerPartition = 1 + rng.Int63n([]int64{5, 1000, 500_000}[rng.Intn(3)])
		// Keep the case small enough to check quickly: at most ~5k tasks per range set.
		var total int64
		for _, r := range in {
			total += r.Size()
		}
		o.MaxRecordsPerPartition = max(o.MaxRecordsPerPartition, total/5_000)
	}
	return in, o
}

// checkCover checks that tasks cover every non-empty input range exactly
// once, without overlap, and never exceed maxRecords. It sorts a copy of
// the tasks' ranges, one allocation: the check allocated more than the
// splits it checks when it grouped them in a map of slices.
func checkCover(t *testing.T, in []Range, tasks []Task, maxRecords int64) {
	t.Helper()
	pieces := make([]Range, len(tasks))
	for i, task := range tasks {
		if task.Size() <= 0 {
			t.Fatalf("empty task %v", task.Range)
		}
		if maxRecords > 0 && task.Size() > maxRecords {
			t.Fatalf("task %v has %d records, more than maxRecordsPerPartition %d", task.Range, task.Size(), maxRecords)
		}
		pieces[i] = task.Range
	}
	sort.Slice(pieces, func(i, j int) bool { return rangeLess(pieces[i], pieces[j]) })
	covered := 0
	for _, r := range in {
		first := sort.Search(len(pieces), func(i int) bool {
			return !rangeLess(pieces[i], Range{Topic: r.Topic, Partition: r.Partition, From: math.MinInt64})
		})
		last := first
		for last < len(pieces) && pieces[last].Topic == r.Topic && pieces[last].Partition == r.Partition {
			last++
		}
		covered += last - first
		if r.Size() <= 0 {
			if last > first {
				t.Fatalf("empty range %v has tasks %v", r, pieces[first:last])
			}
			continue
		}
		next := r.From
		for _, p := range pieces[first:last] {
			if p.From != next {
				t.Fatalf("range %v: piece %v does not start at %d (gap or overlap)", r, p, next)
			}
			next = p.Until
		}
		if next != r.Until {
			t.Fatalf("range %v: pieces end at %d", r, next)
		}
	}
	if covered != len(pieces) {
		t.Fatalf("%d tasks for partitions not in the input", len(pieces)-covered)
	}
}

func TestSplitProperties(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 600; i++ {
		in, o := randomCase(rng)
		for _, strategy := range []string{SplitBalanced, SplitSpark} {
			o.Strategy = strategy
			tasks, err := Split(in, o)
			if err != nil {
				t.Fatal(err)
			}
			checkCover(t, in, tasks, o.MaxRecordsPerPartition)
			// Ordered by (topic, partition, from).
			for j := 1; j < len(tasks); j++ {
				if !rangeLess(tasks[j-1].Range, tasks[j].Range) {
					t.Fatalf("case %d %s: tasks %v and %v out of order", i, strategy, tasks[j-1].Range, tasks[j].Range)
				}
			}
			if strategy != SplitBalanced {
				continue
			}
			// Exactly as many tasks as the caps need, raised to
			// minPartitions as far as the records allow.
			var records, capped int64
			for _, r := range in {
				if r.Size() <= 0 {
					continue
				}
				records += r.Size()
				if o.MaxRecordsPerPartition > 0 {
					capped += ceilDiv(r.Size(), o.MaxRecordsPerPartition)
				} else {
					capped++
				}
			}
			want := max(capped, min(int64(o.MinPartitions), records))
			if int64(len(tasks)) != want {
				t.Fatalf("case %d (%v, %+v): %d tasks, want %d", i, in, o, len(tasks), want)
			}
		}
	}
}

// TestSplitBalancedFairness checks the greedy rule of the balanced
// strategy's step 2 (splitBalanced):
// parts of one range differ by at most one record, and a range got its
// last extra part only while no other range had a larger size per part:
// size_i/(parts_i-1) >= size_j/parts_j for all i, j.
func TestSplitBalancedFairness(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for i := 0; i < 1000; i++ {
		in, o := randomCase(rng)
		o.Strategy, o.MaxRecordsPerPartition = SplitBalanced, 0
		tasks, err := Split(in, o)
		if err != nil {
			t.Fatal(err)
		}
		type alloc struct{ size, parts, lo, hi int64 }
		allocs := map[TopicPartition]*alloc{}
		for _, task := range tasks {
			tp := TopicPartition{task.Topic, task.Partition}
			a := allocs[tp]
			if a == nil {
				a = &alloc{lo: task.Size(), hi: task.Size()}
				allocs[tp] = a
			}
			a.size += task.Size()
			a.parts++
			a.lo, a.hi = min(a.lo, task.Size()), max(a.hi, task.Size())
		}
		for tp, a := range allocs {
			if a.hi-a.lo > 1 {
				t.Fatalf("case %d: %s parts range from %d to %d records", i, tp, a.lo, a.hi)
			}
			if a.parts == 1 {
				continue
			}
			for tq, b := range allocs {
				// size_a/(parts_a-1) >= size_b/parts_b
				if a.size*b.parts < b.size*(a.parts-1) {
					t.Fatalf("case %d: %s has %d parts of %d records while %s has %d parts of %d",
						i, tp, a.parts, a.size, tq, b.parts, b.size)
				}
			}
		}
	}
}

func TestSplitLarge(t *testing.T) {
	// 10k partitions, asking for 100k tasks: the heap keeps this fast.
	in := make([]Range, 10_000)
	for i := range in {
		in[i] = Range{Topic: "big", Partition: int32(i), From: 0, Until: int64(1000 + i*37%5000)}
	}
	for _, strategy := range []string{SplitBalanced, SplitSpark} {
		o := SplitOptions{Strategy: strategy, MinPartitions: 100_000, MaxRecordsPerPartition: 2500}
		tasks, err := Split(in, o)
		if err != nil {
			t.Fatal(err)
		}
		checkCover(t, in, tasks, o.MaxRecordsPerPartition)
		if strategy == SplitBalanced && len(tasks) != 100_000 {
			t.Errorf("balanced: %d tasks, want 100000", len(tasks))
		}
	}
}

func BenchmarkSplitBalanced10k(b *testing.B) {
	in := make([]Range, 10_000)
	for i := range in {
		in[i] = Range{Topic: "big", Partition: int32(i), From: 0, Until: int64(1000 + i*37%5000)}
	}
	for b.Loop() {
		if _, err := Split(in, SplitOptions{MinPartitions: 100_000}); err != nil {
			b.Fatal(err)
		}
	}
}
