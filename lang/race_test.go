//go:build race

package lang

// raceEnabled shortens the slowest property tests under the race detector,
// which makes the reflective parser several times slower.
const raceEnabled = true
