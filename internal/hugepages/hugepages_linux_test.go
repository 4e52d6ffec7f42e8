package hugepages

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"unsafe"
)

func TestDisabledTHP(t *testing.T) {
	for godebug, want := range map[string]bool{
		"":                            false,
		"disablethp=1":                true,
		"disablethp=0":                false,
		"madvdontneed=1,disablethp=1": true,
		"disablethp=1, disablethp=0":  false,
		"gctrace=1":                   false,
	} {
		if got := disabledTHP(godebug); got != want {
			t.Errorf("disabledTHP(%q) = %v, want %v", godebug, got, want)
		}
	}
}

// TestAdvise checks what the kq command relies on: after Advise, the
// heap's next large allocation lies in memory advised for huge pages.
func TestAdvise(t *testing.T) {
	if !madviseMode() {
		mode, _ := os.ReadFile(modeFile)
		n, err := Advise(64 << 20)
		if n != 0 || err != nil {
			t.Fatalf("Advise = %d, %v where huge pages are not the program's to ask for (mode %q); want 0, nil", n, err, bytes.TrimSpace(mode))
		}
		t.Skipf("huge page mode %q (or GODEBUG, or strict overcommit): nothing to advise", bytes.TrimSpace(mode))
	}
	n, err := Advise(64 << 20)
	if err != nil {
		t.Fatal(err)
	}
	if n < 60<<20 || n > 64<<20 {
		t.Fatalf("Advise(64 MiB) advised %d bytes, want all but the unaligned ends", n)
	}
	if again, err := Advise(128 << 20); again != n || err != nil {
		t.Fatalf("second Advise = %d, %v; want the first's %d, nil", again, err, n)
	}
	x := make([]byte, 16<<20)
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(x)))
	covered, err := advisedBytes(lo, lo+uintptr(len(x)))
	if err != nil {
		t.Fatal(err)
	}
	// The advice covers whole 2 MiB pages: up to one below the start of
	// the advised range is left out.
	if covered < len(x)-hugePage {
		t.Fatalf("a 16 MiB allocation after Advise, at %#x, has %d bytes in mappings advised for huge pages; want all but the unaligned start", lo, covered)
	}
	for i := range x {
		x[i] = 1
	}
}

// advisedBytes returns how many bytes of [lo, hi) lie in mappings with the
// huge page advice (VmFlags "hg" in /proc/self/smaps).
func advisedBytes(lo, hi uintptr) (int, error) {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	overlap, n := 0, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		var start, end uintptr
		if k, _ := fmt.Sscanf(line, "%x-%x ", &start, &end); k == 2 {
			overlap = max(0, int(min(end, hi))-int(max(start, lo)))
			continue
		}
		if flags, ok := strings.CutPrefix(line, "VmFlags:"); ok && overlap > 0 && strings.Contains(flags+" ", " hg ") {
			n += overlap
		}
	}
	return n, sc.Err()
}
