// Package fetch reads offset ranges of Kafka partitions: the Fetch
// protocol, the record-batch format and the rules that make a bounded scan
// exact.
//
// A Reader issues raw Fetch requests to each partition's leader and walks
// the record batches itself: CRCs, compression, control batches, aborted
// transactions (read_committed, the Java consumer's algorithm over each
// response's aborted-transaction list) and batches partly outside the
// range. A range ends when the position reaches Until, never by waiting for
// the record at Until-1, so transaction markers, aborted records and
// compaction gaps at any boundary cannot hang it. Records below the log
// start offset, or a range that vanished, are data loss: *DataLossError
// under FailOnDataLoss, else skipped and counted. Dropped connections and
// retriable errors are retried under the retry package's policy.
package fetch
