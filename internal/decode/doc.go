// Package decode turns Kafka records into Arrow record batches: the source
// columns (topic, partition, offset, timestamp, timestampType, headers), the
// key and value typed per their format (raw BLOB, string VARCHAR), and the
// fields of decoded values.
//
// A Layout says what a scan materializes (ScanLayout): its physical columns
// and the schema the stream yields, where a decoded part is both a STRUCT
// (value, key) and top-level columns sharing the same child arrays
// (FieldColumn gives the naming rule). A Builder, owned by one worker,
// appends records to a Layout's columns and flushes them as batches.
//
// Value formats implement Decoder: given a payload, append one value to
// each of the part's field columns, or return an error and append nothing
// (the row gets NULL fields, counted as a decode error or failing the
// query with *DecodeError under onDecodeError='fail'). The JSON decoder
// (json*.go) is a hand-written object scanner that allocates nothing per
// record: it checks the object's syntax and the fields a query reads as
// RFC 8259 does and skips the others structurally (jsonDecoder states the
// rule); objects of the layout last seen take a faster path
// (walkLayout). Guesser infers JSON fields from a sample, checking whole
// values.
package decode
