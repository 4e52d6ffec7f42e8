package parquet

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// parquetMagic starts and ends every Parquet file.
var parquetMagic = []byte("PAR1")

// append writes the row group an encoder left in j.buf (a whole Parquet
// file: magic, column chunks, footer) to the target at the current
// position, and adds its metadata, its offsets moved to where its bytes
// now are, to p.meta. Run by the committer only.
func (p *File) append(j *rowGroupJob) error {
	// A Parquet file: magic, chunks, footer, its length (4 bytes), magic.
	n := j.buf.Len()
	var head [4]byte
	var trailer [8]byte
	if n < 12 {
		return errors.New("row group encoder: not a Parquet file")
	}
	j.buf.ReadAt(head[:], 0)
	j.buf.ReadAt(trailer[:], int64(n-8))
	if !bytes.Equal(head[:], parquetMagic) || !bytes.Equal(trailer[4:], parquetMagic) {
		return errors.New("row group encoder: not a Parquet file")
	}
	footer := int(binary.LittleEndian.Uint32(trailer[:4]))
	end := n - 8 - footer
	if end < 4 {
		return errors.New("row group encoder: bad footer length")
	}
	if p.pos == 0 {
		if err := p.write(parquetMagic); err != nil {
			return err
		}
	}
	// The encoder's chunks start at 4 (after its magic); here at p.pos.
	if err := shiftOffsets(j, p.pos-4); err != nil {
		return err
	}
	if err := j.buf.each(4, end, p.write); err != nil {
		return err
	}
	if p.meta == nil {
		p.meta = j.meta // the first keeps the schema and key-value metadata
		return nil
	}
	return p.meta.AppendRowGroups(j.meta)
}

func (p *File) write(b []byte) error {
	n, err := p.w.Write(b)
	p.pos += int64(n)
	return err
}

// shiftOffsets moves every file offset of j's row groups by delta. Page
// indexes and bloom filters live outside the chunks and are not written
// (writerProps); offsets to them are refused rather than left wrong.
func shiftOffsets(j *rowGroupJob, delta int64) error {
	add := func(p *int64) *int64 {
		if p == nil {
			return nil
		}
		v := *p + delta
		return &v
	}
	for _, rg := range j.meta.RowGroups {
		rg.FileOffset = add(rg.FileOffset)
		for _, c := range rg.Columns {
			if c.OffsetIndexOffset != nil || c.ColumnIndexOffset != nil {
				return errors.New("row group encoder wrote a page index")
			}
			c.FileOffset += delta
			md := c.MetaData
			if md == nil {
				return errors.New("row group encoder wrote a column chunk without metadata")
			}
			if md.BloomFilterOffset != nil {
				return errors.New("row group encoder wrote a bloom filter")
			}
			md.DataPageOffset += delta
			md.IndexPageOffset = add(md.IndexPageOffset)
			md.DictionaryPageOffset = add(md.DictionaryPageOffset)
		}
	}
	return nil
}

// writeFooter writes the stitched metadata, its length and the magic.
func (p *File) writeFooter() error {
	if p.meta == nil {
		return errors.New("no metadata")
	}
	// Row groups are numbered in file order.
	for i, rg := range p.meta.RowGroups {
		if rg.Ordinal != nil {
			o := int16(i)
			rg.Ordinal = &o
		}
	}
	var footer bytes.Buffer
	if _, err := p.meta.WriteTo(&footer, nil); err != nil {
		return fmt.Errorf("footer: %w", err)
	}
	footer.Write(binary.LittleEndian.AppendUint32(nil, uint32(footer.Len())))
	footer.Write(parquetMagic)
	return p.write(footer.Bytes())
}
