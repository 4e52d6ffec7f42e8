// Package scan runs a resolved scan: its offset-range tasks on parallel
// workers into one stream of Arrow record batches.
//
// Start runs a scan's tasks, largest first, on Config.Workers workers under
// an errgroup; each worker owns one Kafka client for all its tasks, a
// fetch.Reader that walks the records and a decode.Builder that builds the
// rows (none for count-only scans). The returned Stream is an
// array.RecordReader; its Stats, once it has ended, are the scan's
// statistics per task and in total. LIMIT is an atomic budget shared by the
// workers. With Config.PerTask each task's rows go to their own TaskWriter
// (a per-task export) instead of the stream.
//
// Memory is bounded by backpressure, not by topic size: rows flow through
// a channel of Config.Buffer record batches of at most Config.BatchRows
// rows, and each worker holds one fetch response and one batch under
// construction at a time.
//
// Run computes what the scan alone can (Native: count-only aggregates,
// projections of source columns, top-level decoded fields and casts of
// key or value to text); every other plan runs in DuckDB (package duck).
// Project is Run over a stream the caller started, which can first look
// at the stream's Fields (the runner checks the query's names against
// them); a Projector maps a stream's batches onto such a projection.
// Schema gives a scan's schema without starting it, for DESCRIBE.
package scan
