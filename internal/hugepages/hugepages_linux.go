package hugepages

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// modeFile holds the kernel's huge page mode: "always [madvise] never".
const modeFile = "/sys/kernel/mm/transparent_hugepage/enabled"

// hugePage is the size of an x86-64 and arm64 transparent huge page; the
// advice covers only whole, aligned ones.
const hugePage = 2 << 20

// advise allocates size bytes, which the runtime maps as fresh heap (a
// large object of fresh pages is neither cleared nor touched), advises
// them MADV_HUGEPAGE and frees them. The Go runtime never unmaps heap
// memory (it returns it with MADV_DONTNEED, which keeps the advice), and
// its page allocator hands out the lowest free addresses first, so the
// heap grows into the advised range before it maps more.
func advise(size int) (int, error) {
	mode, err := os.ReadFile(modeFile)
	if err != nil || !bytes.Contains(mode, []byte("[madvise]")) {
		return 0, nil // no THP in this kernel, or always or never
	}
	if disabledTHP(os.Getenv("GODEBUG")) {
		return 0, nil // the user asked the runtime for 4 KiB pages
	}
	b := make([]byte, size)
	base := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	beg := (base+hugePage-1)&^(hugePage-1) - base
	end := (base+uintptr(size))&^(hugePage-1) - base
	if beg >= end {
		return 0, nil
	}
	if err := unix.Madvise(b[beg:end], unix.MADV_HUGEPAGE); err != nil {
		return 0, fmt.Errorf("hugepages: madvise(MADV_HUGEPAGE) of %d bytes of heap: %w", end-beg, err)
	}
	runtime.KeepAlive(b)
	runtime.GC() // free the range now, so the heap's next growth lands in it
	return int(end - beg), nil
}

// disabledTHP reports whether GODEBUG sets disablethp=1 (the last setting
// wins, as in the runtime).
func disabledTHP(godebug string) bool {
	off := false
	for _, kv := range strings.Split(godebug, ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(kv), "disablethp="); ok {
			off = v == "1"
		}
	}
	return off
}
