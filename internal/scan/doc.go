// Package exec runs plans: the parallel scan of Kafka offset ranges into
// Apache Arrow record batches, and the relational execution above it.
//
// A scan (Start) runs its tasks on workers, each with its own franz-go
// client reused across its tasks, largest tasks first. A worker issues raw
// Fetch requests to the partition leader and walks the record batches
// itself: CRCs, control batches, aborted transactions (read_committed, the
// Java consumer's algorithm over each response's aborted-transaction list),
// and batches partly outside the task's range. A task ends when its
// position reaches Until, never by waiting for the record at Until-1, so
// transaction markers, aborted records and compaction gaps at any boundary
// cannot hang it.
//
// Memory is bounded by backpressure, not by topic size: rows flow through
// a channel of Config.Buffer record batches of at most Config.BatchRows
// rows, and each worker holds one fetch response (Config.FetchBytes per
// partition) and one batch under construction at a time.
//
// Records below the log start offset are data loss: *DataLossError under
// failOnDataLoss=true, else a warning once per partition and a count in
// Stats.DataLoss. Statistics per task and per query are in Stats.
//
// Relational execution: Run computes what the scan alone can (Native:
// count-only aggregates, projections of source columns); everything else
// runs in DuckDB. DB is a session's DuckDB database; DB.Query and DB.Exec
// register each Source (a scan's Stream) as an Arrow view on the
// statement's own connection, with DisabledOptimizers set so that DuckDB
// reads the views correctly (SPEC §11), and DB.Exec commits in one
// transaction or not at all.
package scan
