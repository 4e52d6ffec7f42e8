// Package export writes a per-task export: one Parquet part per scan task,
// named deterministically from its range, and a manifest written last.
//
// A PartSet writes part <topic>-<partition>-<from>-<until>.parquet for each
// task and, on Commit, _kq_manifest.json {version, rows, parts} sorted by
// (topic, partition, from). Re-runs replace parts of the same name; Commit
// deletes the parts the previous manifest listed that this run did not
// write, never files no manifest names; Abort deletes the parts this run
// created, so a failed run leaves the directory as it was.
//
// Tasks run apart from their commit (a job array, Temporal workers)
// write a receipt of their parts under _kq_tasks/ (receipt.go); the
// commit reads the receipts, checks the parts, records them in a
// PartSet (Record) and commits it as above.
package export
