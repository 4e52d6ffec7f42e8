package plan

import (
	"container/heap"
	"math/bits"
	"sort"
)

// splitBalanced is the balanced strategy: (1) every range larger than
// maxRecords is split into ceil(size/maxRecords) near-equal parts (Spark's
// integer division: part k takes remaining/(parts-k)); (2) while there are
// fewer than minParts parts, the piece with the largest size per part (ties:
// first in (topic, partition, from) order) gets one more part, never below
// one record per part, and each piece is divided as in (1).
func splitBalanced(ranges []Range, minParts int, maxRecords int64) []Range {
	in := nonEmpty(ranges)
	sort.SliceStable(in, func(i, j int) bool { return rangeLess(in[i], in[j]) })

	// Step 1: cap every piece at maxRecords.
	pieces := in
	if maxRecords > 0 {
		pieces = make([]Range, 0, len(in))
		for _, r := range in {
			pieces = append(pieces, divide(r, ceilDiv(r.Size(), maxRecords))...)
		}
	}
	if minParts <= len(pieces) {
		return pieces
	}

	// Step 2: give one more part at a time to the piece with the largest
	// size per part, never below one record per part.
	h := make(pieceHeap, 0, len(pieces))
	for i, r := range pieces {
		if r.Size() > 1 {
			h = append(h, &piece{idx: i, size: r.Size(), parts: 1})
		}
	}
	heap.Init(&h)
	parts := make([]int64, len(pieces))
	for i := range parts {
		parts[i] = 1
	}
	total := len(pieces)
	for total < minParts && h.Len() > 0 {
		p := h[0]
		p.parts++
		parts[p.idx] = p.parts
		total++
		if p.parts >= p.size {
			heap.Pop(&h)
		} else {
			heap.Fix(&h, 0)
		}
	}
	out := make([]Range, 0, total)
	for i, r := range pieces {
		out = append(out, divide(r, parts[i])...)
	}
	return out
}

func rangeLess(a, b Range) bool {
	if a.Topic != b.Topic {
		return a.Topic < b.Topic
	}
	if a.Partition != b.Partition {
		return a.Partition < b.Partition
	}
	return a.From < b.From
}

type piece struct {
	idx         int
	size, parts int64
}

// pieceHeap orders pieces by size per part, largest first, then by index.
type pieceHeap []*piece

func (h pieceHeap) Len() int { return len(h) }
func (h pieceHeap) Less(i, j int) bool {
	// Compare size_i/parts_i with size_j/parts_j exactly in 128 bits.
	hi1, lo1 := bits.Mul64(uint64(h[i].size), uint64(h[j].parts))
	hi2, lo2 := bits.Mul64(uint64(h[j].size), uint64(h[i].parts))
	if hi1 != hi2 || lo1 != lo2 {
		return hi1 > hi2 || (hi1 == hi2 && lo1 > lo2)
	}
	return h[i].idx < h[j].idx
}
func (h pieceHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *pieceHeap) Push(x any)   { *h = append(*h, x.(*piece)) }
func (h *pieceHeap) Pop() any {
	old := *h
	p := old[len(old)-1]
	*h = old[:len(old)-1]
	return p
}
