package hugepages

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The kernel's huge page mode ("always [madvise] never"), the size of a
// transparent huge page, and its overcommit policy.
const (
	modeFile       = "/sys/kernel/mm/transparent_hugepage/enabled"
	sizeFile       = "/sys/kernel/mm/transparent_hugepage/hpage_pmd_size"
	overcommitFile = "/proc/sys/vm/overcommit_memory"
)

// hugePage is the size of a transparent huge page where sizeFile does not
// say: 2 MiB, as on x86-64 and on arm64 with 4 KiB pages.
const hugePage = 2 << 20

// advise allocates size bytes, which the runtime maps as fresh heap (a
// large object of fresh pages is neither cleared nor touched), advises
// them MADV_HUGEPAGE and frees them. The Go runtime never unmaps heap
// memory (it returns it with MADV_DONTNEED, which keeps the advice), and
// its page allocator hands out the lowest free addresses first, so the
// heap grows into the advised range before it maps more.
func advise(size int) (int, error) {
	if !madviseMode() {
		return 0, nil
	}
	page := uintptr(hugePage)
	if b, err := os.ReadFile(sizeFile); err == nil {
		if n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64); err == nil && n > 0 && n&(n-1) == 0 {
			page = uintptr(n)
		}
	}
	b := make([]byte, size)
	base := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	beg := (base+page-1)&^(page-1) - base
	end := (base+uintptr(size))&^(page-1) - base
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

// madviseMode reports whether the heap's huge pages are left to the
// program: the kernel's mode is madvise, GODEBUG does not turn them off,
// and the kernel does not account overcommit strictly (it would charge
// the whole advised mapping at once, and a refused heap mapping is fatal
// in Go).
func madviseMode() bool {
	mode, err := os.ReadFile(modeFile)
	if err != nil || !bytes.Contains(mode, []byte("[madvise]")) {
		return false // no THP in this kernel, or always or never
	}
	if disabledTHP(os.Getenv("GODEBUG")) {
		return false // the user asked the runtime for 4 KiB pages
	}
	overcommit, err := os.ReadFile(overcommitFile)
	return err != nil || strings.TrimSpace(string(overcommit)) != "2"
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
