package parquet

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// kafkaSchema is the shape of an export: byte arrays, a repeated string
// (topic), a delta-encoded offset, nulls.
var kafkaSchema = arrow.NewSchema([]arrow.Field{
	{Name: "key", Type: arrow.BinaryTypes.Binary, Nullable: true},
	{Name: "value", Type: arrow.BinaryTypes.Binary, Nullable: true},
	{Name: "topic", Type: arrow.BinaryTypes.String},
	{Name: "offset", Type: arrow.PrimitiveTypes.Int64},
}, nil)

// rowValue is row i's value: varied lengths, every 7th NULL.
func rowValue(i int64) []byte {
	if i%7 == 3 {
		return nil
	}
	return fmt.Appendf(nil, `{"n":%d,"pad":"%*s"}`, i, int(i%41), "")
}

func kafkaBatch(mem memory.Allocator, from, until int64) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, kafkaSchema)
	defer b.Release()
	for i := from; i < until; i++ {
		b.Field(0).(*array.BinaryBuilder).Append(fmt.Appendf(nil, "k-%d", i%13))
		if v := rowValue(i); v == nil {
			b.Field(1).AppendNull()
		} else {
			b.Field(1).(*array.BinaryBuilder).Append(v)
		}
		b.Field(2).(*array.StringBuilder).Append("orders")
		b.Field(3).(*array.Int64Builder).Append(i)
	}
	return b.NewRecordBatch()
}

// checkKafkaFile reads path back with arrow-go's reader and checks that it
// holds rows 0..n-1 in order, in row groups of at most rgRows rows (and
// exactly as many as that makes, unless byBytes: then the rows bound is
// not what ends them).
func checkKafkaFile(t *testing.T, path string, n, rgRows int64, byBytes bool) {
	t.Helper()
	f, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.NumRows(); got != n {
		t.Fatalf("footer says %d rows, want %d", got, n)
	}
	for i := 0; i < f.NumRowGroups(); i++ {
		if rows := f.RowGroup(i).NumRows(); rows > rgRows || rows == 0 {
			t.Fatalf("row group %d has %d rows (at most %d)", i, rows, rgRows)
		}
	}
	if want := (n + rgRows - 1) / rgRows; !byBytes && int64(f.NumRowGroups()) != want {
		t.Fatalf("%d row groups, want %d", f.NumRowGroups(), want)
	}
	r, err := pqarrow.NewFileReader(f, pqarrow.ArrowReadProperties{BatchSize: 777}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	rr, err := r.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Release()
	next := int64(0)
	for rr.Next() {
		rec := rr.RecordBatch()
		key, val := rec.Column(0).(*array.Binary), rec.Column(1).(*array.Binary)
		topic, off := rec.Column(2).(*array.String), rec.Column(3).(*array.Int64)
		for i := 0; i < int(rec.NumRows()); i++ {
			if off.Value(i) != next {
				t.Fatalf("row %d: offset %d", next, off.Value(i))
			}
			if string(key.Value(i)) != fmt.Sprintf("k-%d", next%13) || topic.Value(i) != "orders" {
				t.Fatalf("row %d: key %q topic %q", next, key.Value(i), topic.Value(i))
			}
			want := rowValue(next)
			if val.IsNull(i) != (want == nil) || string(val.Value(i)) != string(want) {
				t.Fatalf("row %d: value %q, want %q", next, val.Value(i), want)
			}
			next++
		}
	}
	if err := rr.Err(); err != nil {
		t.Fatal(err)
	}
	if next != n {
		t.Fatalf("read %d rows, want %d", next, n)
	}
}

// TestParquetFileRowGroups writes batches of random sizes (empty ones,
// ones straddling row groups, ones larger than several row groups) with
// 1–4 encoders and checks every value read back, the row group sizes and
// that every buffer was released.
func TestParquetFileRowGroups(t *testing.T) {
	for _, tc := range []struct {
		n, rgRows int64
		encoders  int
		comp      Compression
	}{
		{0, 100, 2, Zstd},
		{1, 100, 2, Zstd},
		{100, 100, 1, Zstd},
		{5000, 100, 1, Snappy},
		{5000, 333, 2, Zstd},
		{20000, 1000, 4, Zstd},
		{20001, 1000, 3, None},
		{7000, 7000, 2, Gzip},
	} {
		t.Run(fmt.Sprintf("n%d-rg%d-enc%d-%s", tc.n, tc.rgRows, tc.encoders, tc.comp), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			path := filepath.Join(t.TempDir(), "x.parquet")
			pf, err := Create(path, kafkaSchema, WithAllocator(mem), WithEncoders(tc.encoders),
				WithRowGroupRows(tc.rgRows), WithCompression(tc.comp))
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(uint64(tc.n), 1))
			for from := int64(0); from < tc.n; {
				size := rng.Int64N(3*tc.rgRows + 1)
				if rng.IntN(10) == 0 {
					size = 0
				}
				until := min(from+size, tc.n)
				rec := kafkaBatch(mem, from, until)
				err := pf.Write(rec)
				rec.Release()
				if err != nil {
					t.Fatal(err)
				}
				from = until
			}
			if pf.Rows() != tc.n {
				t.Fatalf("Rows() = %d, want %d", pf.Rows(), tc.n)
			}
			if err := pf.Commit(); err != nil {
				t.Fatal(err)
			}
			checkKafkaFile(t, path, tc.n, tc.rgRows, false)
		})
	}
}

// TestParquetFileAbortMidway aborts with row groups in flight: nothing is
// left, every batch is released, and the target an earlier run wrote is
// untouched.
func TestParquetFileAbortMidway(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	path := filepath.Join(dir, "x.parquet")
	if err := os.WriteFile(path, []byte("earlier"), 0o644); err != nil {
		t.Fatal(err)
	}
	pf, err := Create(path, kafkaSchema, WithAllocator(mem), WithEncoders(2), WithRowGroupRows(500))
	if err != nil {
		t.Fatal(err)
	}
	for from := int64(0); from < 5000; from += 300 {
		rec := kafkaBatch(mem, from, from+300)
		err := pf.Write(rec)
		rec.Release()
		if err != nil {
			t.Fatal(err)
		}
	}
	pf.Abort()
	pf.Abort() // twice is harmless
	if b, err := os.ReadFile(path); err != nil || string(b) != "earlier" {
		t.Fatalf("target: %q, %v", b, err)
	}
	if got, _ := os.ReadDir(dir); len(got) != 1 {
		t.Fatalf("files left: %v", got)
	}
	if err := pf.Commit(); err == nil {
		t.Fatal("Commit after Abort succeeded")
	}
}

// TestParquetFileWriteError: a write error of the target (a full device)
// reaches Write or Commit, naming the file, and everything is released.
func TestParquetFileWriteError(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full on this system")
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	pf, err := Create("/dev/full", kafkaSchema, WithAllocator(mem), WithEncoders(2), WithRowGroupRows(100))
	if err != nil {
		t.Fatal(err)
	}
	var werr error
	for from := int64(0); from < 3000 && werr == nil; from += 250 {
		rec := kafkaBatch(mem, from, from+250)
		werr = pf.Write(rec)
		rec.Release()
	}
	if werr == nil {
		werr = pf.Commit()
	} else {
		pf.Abort()
	}
	if werr == nil {
		t.Fatal("writing to /dev/full succeeded")
	}
	if want := "parquet /dev/full: "; len(werr.Error()) < len(want) || werr.Error()[:len(want)] != want {
		t.Fatalf("error %q does not name the file", werr)
	}
}

func TestCompressionLevels(t *testing.T) {
	for _, tc := range []struct {
		c     Compression
		level int
		ok    bool
	}{
		{Zstd, 0, true}, {Zstd, 1, true}, {Zstd, 22, true}, {Zstd, 23, false}, {Zstd, -1, false},
		{Snappy, 0, true}, {Snappy, 3, false}, {Gzip, 5, false}, {None, 1, false},
	} {
		if err := CheckCompressionLevel(tc.c, tc.level); (err == nil) != tc.ok {
			t.Errorf("CheckCompressionLevel(%s, %d) = %v", tc.c, tc.level, err)
		}
	}
	path := filepath.Join(t.TempDir(), "x.parquet")
	if _, err := Create(path, kafkaSchema, WithCompression(Snappy), WithCompressionLevel(3)); err == nil {
		t.Fatal("snappy with a level was accepted")
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("a refused writer left %s (%v)", path, err)
	}
	// Levels change the file: a higher zstd level compresses these values
	// smaller.
	size := func(level int) int64 {
		p := filepath.Join(t.TempDir(), "l.parquet")
		pf, err := Create(p, kafkaSchema, WithCompressionLevel(level))
		if err != nil {
			t.Fatal(err)
		}
		rec := kafkaBatch(memory.DefaultAllocator, 0, 20000)
		defer rec.Release()
		if err := pf.Write(rec); err != nil {
			t.Fatal(err)
		}
		if err := pf.Commit(); err != nil {
			t.Fatal(err)
		}
		checkKafkaFile(t, p, 20000, ParquetRowGroupRows, true)
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	if fast, dense := size(1), size(19); dense >= fast {
		t.Fatalf("zstd level 19 gave %d bytes, level 1 %d", dense, fast)
	}
}

// TestParquetFileRowGroupBytes: wide rows end a row group by its bytes
// before its rows, which bounds the writer's memory whatever the values'
// size.
func TestParquetFileRowGroupBytes(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	path := filepath.Join(t.TempDir(), "x.parquet")
	const limit = 64 << 10
	pf, err := Create(path, kafkaSchema, WithAllocator(mem), WithRowGroupBytes(limit))
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for from := int64(0); from < 20000; from += 1500 {
		rec := kafkaBatch(mem, from, min(from+1500, 20000))
		total += recordBytes(rec)
		err := pf.Write(rec)
		rec.Release()
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := pf.Commit(); err != nil {
		t.Fatal(err)
	}
	f, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// Each row group holds about limit bytes of Arrow data (rounded up to
	// whole rows), so there are about total/limit of them.
	if got, want := int64(f.NumRowGroups()), total/limit; got < want || got > want+2 {
		t.Fatalf("%d row groups for %d bytes in row groups of %d bytes; want about %d", got, total, limit, want)
	}
	checkKafkaFile(t, path, 20000, 20000, true)
}

// TestParquetStream writes through NewWriter to a plain io.Writer and
// reads the bytes back as the same rows; an empty stream is a Parquet file
// with the schema and no rows.
func TestParquetStream(t *testing.T) {
	for _, n := range []int64{0, 1, 5000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			var buf bytes.Buffer
			w, err := NewWriter(&buf, kafkaSchema, WithAllocator(mem), WithRowGroupRows(1000))
			if err != nil {
				t.Fatal(err)
			}
			for from := int64(0); from < n; from += 777 {
				rec := kafkaBatch(mem, from, min(from+777, n))
				err := w.Write(rec)
				rec.Release()
				if err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Commit(); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "s.parquet")
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			checkKafkaFile(t, path, n, 1000, false)
		})
	}
}
