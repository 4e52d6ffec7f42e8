// Package bench measures kq against the client-side limit (the targets of docs/BENCHMARKS.md).
//
// It holds the pieces `make bench` puts together: a bulk topic of N
// JSON order records seeded into a franz-go kfake broker (StartBroker,
// Seed, OrderValue), the raw franz-go consume loop that is the client-side
// limit (RawCount), and the harness that runs every measurement as a
// separate process on one broker, checks each run's count, and prints
// rows/s, MB/s, peak RSS and ratios (Run; command bench/cmd/kqbench).
// The Go benchmarks of this package (engine_bench_test.go,
// plan_bench_test.go, scan_bench_test.go) profile kq's Engine, the planner
// and the scan; see BENCHMARKS.md for how to run them and what they found.
//
// Nothing here is part of kq's API; the package exists for measurement.
package bench
