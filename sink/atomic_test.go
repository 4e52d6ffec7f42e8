package sink

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestAtomicSpecialFile: an existing device is written in place, never
// replaced by a renamed file (as root a rename onto /dev/full succeeds and
// would turn the device into a regular file). The devices are made with
// mknod in a temporary directory, so the system's are never at risk.
func TestAtomicSpecialFile(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mknod needs root")
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		name  string
		minor int
		err   error // of Write
	}{
		{"null", 3, nil},
		{"full", 7, syscall.ENOSPC},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name)
			if err := syscall.Mknod(path, syscall.S_IFCHR|0o666, 1<<8|tc.minor); err != nil {
				t.Skipf("mknod: %v", err)
			}
			if !IsSpecial(path) || IsSpecial(dir) || IsSpecial(filepath.Join(dir, "absent")) {
				t.Fatal("IsSpecial is wrong")
			}
			f, err := CreateAtomic(path)
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.Write([]byte("rows"))
			if !errors.Is(err, tc.err) {
				t.Fatalf("write: %v, want %v", err, tc.err)
			}
			if tc.err != nil {
				f.Abort()
			} else if err := f.Commit(); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(path)
			if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
				t.Fatalf("%s is no longer a device: %v %v", path, fi.Mode(), err)
			}
		})
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Errorf("directory holds %d entries, want the 2 devices", len(ents))
	}
}
