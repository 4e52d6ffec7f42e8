// Package hugepages asks Linux to back the Go heap of a batch run with
// transparent huge pages (2 MiB) instead of 4 KiB pages.
//
// A scan or an export streams hundreds of megabytes through a heap that
// grows from nothing to 130–250 MiB in its first second, and every 4 KiB
// page of that growth is a page fault. On virtual machines a fault costs
// 10–14 µs (docs/BENCHMARKS.md): a third of a fresh kq process's CPU on a
// 2M-record export. Where the kernel's huge page mode is madvise (the
// default of Debian and Ubuntu), Go's heap gets 4 KiB pages unless the
// program asks; Advise asks, for the part of the heap a batch run uses.
// Under mode always the heap has huge pages already, under never it cannot,
// and elsewhere than Linux Advise does nothing.
//
// Only for processes that scan and exit. A long-lived process grows its
// heap once, and in it the kernel's khugepaged may gather memory the Go
// runtime gave back into huge pages again, so between peaks its resident
// memory stays nearer the advised size than the live heap. The kq
// command advises for query and export runs (and kq task run), not for
// kq serve, kq worker or the REPL.
package hugepages

import "sync"

// DefaultSize is how much heap the kq command advises: about the largest
// heap of a streaming scan or export (docs/BENCHMARKS.md); a heap that
// grows past it grows in 4 KiB pages.
const DefaultSize = 256 << 20

// Advise maps size bytes of Go heap ahead of use and advises the kernel
// to back them with huge pages as they are first touched. It returns how
// many bytes it advised: 0 when there is nothing to do (not Linux, a
// huge page mode other than madvise, GODEBUG=disablethp=1). Nothing is
// touched, so resident memory does not grow until the heap does. Only
// the first call of a process acts; later calls return its result.
func Advise(size int) (int, error) {
	once.Do(func() { advised, err = advise(size) })
	return advised, err
}

var (
	once    sync.Once
	advised int
	err     error
)
