// Package parquet is kq's Parquet writer: Arrow record batches into one
// Parquet file, whole or absent (written through atomicfile, renamed on
// Commit).
//
// File cuts batches into row groups (64 Ki rows or 16 MiB of Arrow data,
// whichever comes first), encodes and compresses up to WithEncoders of them
// in parallel with arrow-go's pqarrow writer into pooled memory, and
// stitches their column chunks into the target in order, then writes the
// merged footer. Encodings were chosen by measurement: no dictionaries,
// delta-encoded offset and timestamp, no min/max statistics for the value
// payload, data pages of PageSize. zstd level 1 by default.
//
// The first Create registers, for the process, an arrow-go zstd codec
// whose encoders use a 1 MiB window instead of 8 MiB (zstd.go); importing
// the package changes nothing.
package parquet
