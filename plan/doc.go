// Package plan gives a parsed query its meaning: it builds a logical plan (a
// tree of small immutable nodes), rewrites it with pure rules (count-only
// scans, LIMIT and column pushdown), validates the kafka() source options,
// resolves every partition's offset range [From, Until) through an
// OffsetLister, and splits the ranges into tasks (see Split).
//
// Nothing here reads records; package exec runs what plan produces.
package plan
