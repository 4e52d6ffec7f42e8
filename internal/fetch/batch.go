package fetch

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
)

// Kafka record batch (magic 2) layout, see the protocol guide.
const (
	headerSize = 61

	attrCompression   = 0x07
	attrLogAppendTime = 0x08
	attrTransactional = 0x10
	attrControl       = 0x20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Header is the fixed header of one record batch.
type Header struct {
	BaseOffset      int64
	Length          int32 // bytes after the length field
	Attributes      int16
	LastOffsetDelta int32
	BaseTimestamp   int64
	MaxTimestamp    int64
	ProducerID      int64
	NumRecords      int32
}

func (h *Header) lastOffset() int64     { return h.BaseOffset + int64(h.LastOffsetDelta) }
func (h *Header) isControl() bool       { return h.Attributes&attrControl != 0 }
func (h *Header) isTransactional() bool { return h.Attributes&attrTransactional != 0 }
func (h *Header) codec() int8           { return int8(h.Attributes & attrCompression) }

// timestampType is 0 for create time, 1 for log-append time.
func (h *Header) timestampType() int32 {
	if h.Attributes&attrLogAppendTime != 0 {
		return 1
	}
	return 0
}

var errTruncated = errors.New("truncated record batch")

// nextBatch splits the first whole record batch off buf. It returns
// errTruncated when buf holds only part of a batch, which brokers do at the
// end of a response that hit its byte limit.
func nextBatch(buf []byte) (h Header, batch, rest []byte, err error) {
	if len(buf) < 17 {
		return h, nil, nil, errTruncated
	}
	h.BaseOffset = int64(binary.BigEndian.Uint64(buf[0:]))
	h.Length = int32(binary.BigEndian.Uint32(buf[8:]))
	total := int(h.Length) + 12
	if h.Length < 0 {
		return h, nil, nil, fmt.Errorf("record batch at offset %d: negative length %d", h.BaseOffset, h.Length)
	}
	if len(buf) < total {
		return h, nil, nil, errTruncated
	}
	if magic := buf[16]; magic != 2 {
		return h, nil, nil, fmt.Errorf("record batch at offset %d: unsupported magic %d (Kafka < 0.11 message format)", h.BaseOffset, magic)
	}
	if total < headerSize {
		return h, nil, nil, fmt.Errorf("record batch at offset %d: length %d is shorter than its header", h.BaseOffset, h.Length)
	}
	batch = buf[:total]
	if crc := binary.BigEndian.Uint32(batch[17:]); crc != crc32.Checksum(batch[21:], castagnoli) {
		return h, nil, nil, fmt.Errorf("record batch at offset %d: CRC mismatch", h.BaseOffset)
	}
	h.Attributes = int16(binary.BigEndian.Uint16(batch[21:]))
	h.LastOffsetDelta = int32(binary.BigEndian.Uint32(batch[23:]))
	h.BaseTimestamp = int64(binary.BigEndian.Uint64(batch[27:]))
	h.MaxTimestamp = int64(binary.BigEndian.Uint64(batch[35:]))
	h.ProducerID = int64(binary.BigEndian.Uint64(batch[43:]))
	h.NumRecords = int32(binary.BigEndian.Uint32(batch[57:]))
	return h, batch, buf[total:], nil
}

// Record is one decoded record. Key, Value and header slices alias the
// batch's (decompressed) buffer and are valid until the next fetch.
type Record struct {
	Offset    int64
	Timestamp int64
	// TimestampType is 0 for create time, 1 for log-append time.
	TimestampType int32
	Key           []byte // nil for a null key
	Value         []byte // nil for a null value
	Headers       []RecordHeader
}

// RecordHeader is one header of a Record.
type RecordHeader struct {
	Key   []byte
	Value []byte // nil for a null value
}

// recordDecoder walks the records of a decompressed batch body.
type recordDecoder struct {
	buf []byte
	h   *Header
	err error
}

// varintAt decodes the zigzag varint at b[p:] and returns it and the
// index after it, or -1 when it is malformed or truncated.
func varintAt(b []byte, p int) (int64, int) {
	if p < len(b) && b[p] < 0x80 { // one byte: most deltas and counts
		u := int64(b[p])
		return u>>1 ^ -(u & 1), p + 1
	}
	if p+1 < len(b) && b[p+1] < 0x80 { // two bytes: record and value lengths
		u := int64(b[p]&0x7f) | int64(b[p+1])<<7
		return u>>1 ^ -(u & 1), p + 2
	}
	if p >= len(b) {
		return 0, -1
	}
	v, n := binary.Varint(b[p:])
	if n <= 0 {
		return 0, -1
	}
	return v, p + n
}

// bytesAt decodes the length-prefixed bytes at b[p:] (nil for length -1)
// and returns them and the index after them, or -1 when malformed.
func bytesAt(b []byte, p int) ([]byte, int, error) {
	n, p := varintAt(b, p)
	switch {
	case p < 0:
		return nil, -1, errors.New("bad varint")
	case n < 0:
		return nil, p, nil
	case int64(len(b)-p) < n:
		return nil, -1, errors.New("record field past the end of its batch")
	}
	e := p + int(n)
	return b[p:e:e], e, nil
}

// next decodes the next record into r, reusing r.Headers. It returns false
// at the end of the batch or on a decode error (see d.err).
func (d *recordDecoder) next(r *Record, wantHeaders bool) bool {
	buf := d.buf
	if len(buf) == 0 || d.err != nil {
		return false
	}
	length, p := varintAt(buf, 0)
	if p < 0 {
		return d.fail(errors.New("bad varint"))
	}
	if length < 1 || int64(len(buf)-p) < length {
		return d.fail(errors.New("record length past the end of its batch"))
	}
	body := buf[p : p+int(length)]
	rest := buf[p+int(length):]
	tsDelta, p := varintAt(body, 1) // after the attributes
	if p < 0 {
		return d.fail(errors.New("bad varint"))
	}
	offDelta, p := varintAt(body, p)
	if p < 0 {
		return d.fail(errors.New("bad varint"))
	}
	r.Offset = d.h.BaseOffset + offDelta
	r.TimestampType = d.h.timestampType()
	if r.TimestampType == 1 {
		r.Timestamp = d.h.MaxTimestamp
	} else {
		r.Timestamp = d.h.BaseTimestamp + tsDelta
	}
	var err error
	if r.Key, p, err = bytesAt(body, p); err != nil {
		return d.fail(err)
	}
	if r.Value, p, err = bytesAt(body, p); err != nil {
		return d.fail(err)
	}
	n, p := varintAt(body, p)
	if p < 0 {
		return d.fail(errors.New("bad varint"))
	}
	r.Headers = r.Headers[:0]
	for i := int64(0); i < n; i++ {
		var k, v []byte
		if k, p, err = bytesAt(body, p); err != nil {
			return d.fail(err)
		}
		if v, p, err = bytesAt(body, p); err != nil {
			return d.fail(err)
		}
		if wantHeaders {
			r.Headers = append(r.Headers, RecordHeader{Key: k, Value: v})
		}
	}
	d.buf = rest
	return true
}

func (d *recordDecoder) fail(err error) bool {
	d.err, d.buf = err, nil
	return false
}
