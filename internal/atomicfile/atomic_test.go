package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestAtomicSpecialFile: an existing device is written in place, never
// replaced by a renamed file (as root a rename onto /dev/full succeeds and
// would turn the device into a regular file). The devices are made with
// mknod in a temporary directory when running as root, so the system's are
// never at risk; an ordinary user, who cannot rename anything onto /dev,
// uses /dev/null and /dev/full themselves.
func TestAtomicSpecialFile(t *testing.T) {
	root := os.Geteuid() == 0
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
			path := filepath.Join("/dev", tc.name)
			if root {
				path = filepath.Join(dir, tc.name)
				if err := syscall.Mknod(path, syscall.S_IFCHR|0o666, 1<<8|tc.minor); err != nil {
					t.Skipf("root without the right to mknod (%v): the system's /dev/%s is not put at risk", err, tc.name)
				}
			}
			if !IsSpecial(path) || IsSpecial(dir) || IsSpecial(filepath.Join(dir, "absent")) {
				t.Fatal("IsSpecial is wrong")
			}
			f, err := Create(path)
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
	if ents, _ := os.ReadDir(dir); root && len(ents) != 2 {
		t.Errorf("directory holds %d entries, want the 2 devices", len(ents))
	}
}

// TestAtomicFileMode: a new file gets 0666 less the umask (as os.Create
// gives, not os.CreateTemp's 0600); a replaced file keeps its mode.
func TestAtomicFileMode(t *testing.T) {
	sys := syscall.Umask(0) // read the mask (no test here runs in parallel)
	syscall.Umask(sys)
	if got := umask(); got != os.FileMode(sys)&os.ModePerm {
		t.Fatalf("umask() = %o, the system says %o", got, sys)
	}
	dir := t.TempDir()
	write := func(path string) os.FileMode {
		t.Helper()
		f, err := Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte("x")); err != nil {
			t.Fatal(err)
		}
		if err := f.Commit(); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Mode().Perm()
	}
	if got, want := write(filepath.Join(dir, "new")), 0o666&^umask(); got != want {
		t.Errorf("new file: mode %o, want %o", got, want)
	}
	kept := filepath.Join(dir, "kept")
	if err := os.WriteFile(kept, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(kept, 0o640); err != nil {
		t.Fatal(err)
	}
	if got := write(kept); got != 0o640 {
		t.Errorf("replaced file: mode %o, want 0640 (its old mode)", got)
	}
}

// TestCommitNew: a second CommitNew of the same target fails with
// fs.ErrExist and leaves the first file's bytes and no temporary file.
func TestCommitNew(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "m.json")
	for i, body := range []string{"first", "second"} {
		f, err := Create(target)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString(body)
		err = f.CommitNew()
		if i == 0 && err != nil {
			t.Fatal(err)
		}
		if i == 1 && !errors.Is(err, fs.ErrExist) {
			t.Fatalf("second CommitNew: %v, want fs.ErrExist", err)
		}
	}
	if b, _ := os.ReadFile(target); string(b) != "first" {
		t.Fatalf("target holds %q", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("files left: %v", ents)
	}
}
