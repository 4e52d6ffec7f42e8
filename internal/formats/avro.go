package formats

import (
	"context"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/kq-sql/kq/internal/decode"
	"github.com/kq-sql/kq/internal/decode/avro"
	"github.com/kq-sql/kq/internal/registry"
)

// rawAvro is the Format of raw Avro payloads written with the schema text.
func rawAvro(text string) (decode.Format, error) {
	s, err := avro.Parse(text)
	if err != nil {
		return nil, fmt.Errorf("Avro schema: %w", err)
	}
	return avro.NewFormat(s)
}

// registryAvro is the Format of Confluent-framed Avro whose reader schema is
// latest; the subject's other versions are fetched now, so that records of
// any of them decode without a registry call.
func registryAvro(cl *registry.Client, latest sr.SubjectSchema) (decode.PartSpec, error) {
	if len(latest.References) > 0 {
		return decode.PartSpec{}, fmt.Errorf("Avro schemas with references are not supported")
	}
	s, err := avro.Parse(latest.Schema.Schema)
	if err != nil {
		return decode.PartSpec{}, fmt.Errorf("Avro schema: %w", err)
	}
	f, err := avro.NewFormat(s)
	if err != nil {
		return decode.PartSpec{}, err
	}
	return decode.PartSpec{Schema: &wireFormat{Format: f, writer: avroWriter(cl, f)}}, nil
}

// avroWriter makes the decoder of payloads written with schema id: the
// writer schema from the registry, resolved to the reader's.
func avroWriter(cl *registry.Client, f *avro.Format) func(id int, idx []int) (decode.RowDecoder, error) {
	return func(id int, idx []int) (decode.RowDecoder, error) {
		ws, err := lookup(cl, id)
		if err != nil {
			return nil, err
		}
		w, err := avro.Parse(ws.Schema)
		if err != nil {
			return nil, fmt.Errorf("writer schema: %w", err)
		}
		return f.DecoderFor(w, idx)
	}
}

// lookup returns schema id from the client's cache, or asks the registry
// within the client's timeout (10 s when it has none): a record written
// with a version registered after the statement started.
func lookup(cl *registry.Client, id int) (sr.Schema, error) {
	timeout := cl.Timeout()
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return cl.SchemaByID(ctx, id)
}

// wireFormat is a Format whose payloads carry the Confluent header: each
// decoder decodes a record with the decoder of its writer schema id,
// made once per id and decoder.
type wireFormat struct {
	decode.Format
	writer func(id int, idx []int) (decode.RowDecoder, error)
}

func (f *wireFormat) Decoder(idx []int) (decode.RowDecoder, error) {
	return &wireDecoder{f: f, idx: idx, byID: map[int]decode.RowDecoder{}, failed: map[int]error{}}, nil
}

type wireDecoder struct {
	f      *wireFormat
	idx    []int
	byID   map[int]decode.RowDecoder
	failed map[int]error // ids whose schema did not resolve: every record of them is a decode error
}

func (d *wireDecoder) Decode(data []byte, bs []array.Builder) error {
	id, body, err := header(data)
	if err != nil {
		return err
	}
	dec, ok := d.byID[id]
	if !ok {
		if err := d.failed[id]; err != nil {
			return &SchemaError{ID: id, Err: err}
		}
		if dec, err = d.f.writer(id, d.idx); err != nil {
			d.failed[id] = err
			return &SchemaError{ID: id, Err: err}
		}
		d.byID[id] = dec
	}
	if err := dec.Decode(body, bs); err != nil {
		return &SchemaError{ID: id, Err: err}
	}
	return nil
}
