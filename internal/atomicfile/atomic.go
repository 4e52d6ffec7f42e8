package atomicfile

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// File is a file written under a temporary name beside its target
// and renamed onto it by Commit, so that the target is whole or absent
// (never half-written). A target that exists and is not a regular file or
// directory (a device such as /dev/stdout or /dev/full, a named pipe) is
// written directly instead: renaming a file onto it would replace the
// device. It is not safe for concurrent use.
type File struct {
	*os.File // nil for a reservation (Reserve)
	name     string
	target   string
	mode     os.FileMode // the target's mode after Commit
	done     bool
	direct   bool // writing the special file target itself
}

// IsSpecial reports whether path exists and is neither a regular file nor
// a directory: a device, a named pipe or a socket, which writers must open
// and write in place rather than replace.
func IsSpecial(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.Mode().IsRegular() && !fi.IsDir()
}

// tempMark is in the name of every temporary file Create makes.
const tempMark = ".kq-tmp-"

// IsTemp reports whether a file name (without directory) is one of
// Create's temporary names, which listings of a destination skip.
func IsTemp(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, tempMark)
}

// Create starts writing path. The temporary file is
// ".<name>.kq-tmp-<random>" in path's directory; a special file (see
// IsSpecial) is opened for writing instead. Call Commit or Abort.
func Create(path string) (*File, error) {
	if IsSpecial(path) {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, fmt.Errorf("create %s: %w", path, err)
		}
		return &File{File: f, name: path, target: path, direct: true}, nil
	}
	dir, name := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+name+tempMark+"*")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	// os.CreateTemp makes the file 0600; the target gets the mode a
	// replaced file had, else what os.Create would give it.
	mode := 0o666 &^ umask()
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
		mode = fi.Mode().Perm()
	}
	if err := f.Chmod(mode); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return &File{File: f, name: f.Name(), target: path, mode: mode}, nil
}

// Reserve is Create for a writer that opens the file by name itself
// (DuckDB's COPY): it reserves the temporary name, which Name returns, and
// holds no open file. Commit gives the file the target's mode (whatever
// the writer created it with) and renames it; Abort removes it. A special
// file target is returned as itself, written in place.
func Reserve(path string) (*File, error) {
	if IsSpecial(path) {
		return &File{name: path, target: path, direct: true}, nil
	}
	f, err := Create(path)
	if err != nil {
		return nil, err
	}
	if err := f.File.Close(); err != nil {
		os.Remove(f.name)
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	f.File = nil
	return f, nil
}

// Name is the path the bytes go to: the temporary file, or the special
// file written in place.
func (f *File) Name() string { return f.name }

// umask is the process's file mode creation mask, read from
// /proc/self/status (setting and restoring it with syscall.Umask would
// race with other goroutines creating files); 022 where that is unknown.
var umask = sync.OnceValue(func() os.FileMode {
	b, err := os.ReadFile("/proc/self/status")
	if err == nil {
		for line := range strings.Lines(string(b)) {
			if v, ok := strings.CutPrefix(line, "Umask:"); ok {
				if m, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32); err == nil {
					return os.FileMode(m) & os.ModePerm
				}
			}
		}
	}
	return 0o022
})

// Target is the path the file is renamed to on Commit.
func (f *File) Target() string { return f.target }

// Commit syncs the file and renames it onto its target, replacing any
// file there. On error the temporary file is removed.
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("%s: already committed or aborted", f.target)
	}
	f.done = true
	var err error
	if f.File != nil {
		err = f.Sync()
		if f.direct {
			err = nil // devices and pipes need not support fsync
		}
		if cerr := f.File.Close(); err == nil {
			err = cerr
		}
	}
	if f.direct {
		if err != nil {
			return fmt.Errorf("write %s: %w", f.target, err)
		}
		return nil
	}
	if err == nil && f.File == nil {
		// A reservation: the writer made the file, with a mode of its
		// own choosing.
		err = os.Chmod(f.name, f.mode)
	}
	if err == nil {
		err = os.Rename(f.name, f.target)
	}
	if err != nil {
		os.Remove(f.name)
		return fmt.Errorf("write %s: %w", f.target, err)
	}
	return nil
}

// CommitNew is Commit that never replaces a file: when the target exists
// it returns an error wrapping fs.ErrExist and the target is untouched.
// The temporary file is linked to the target name (a hard link fails
// when the name is taken, atomically) and then removed; a special file
// target always exists, so it is an error too.
func (f *File) CommitNew() error {
	if f.done {
		return fmt.Errorf("%s: already committed or aborted", f.target)
	}
	if f.direct {
		f.Abort()
		return fmt.Errorf("write %s: %w", f.target, fs.ErrExist)
	}
	f.done = true
	var err error
	if f.File != nil {
		err = f.Sync()
		if cerr := f.File.Close(); err == nil {
			err = cerr
		}
	}
	if err == nil && f.File == nil {
		err = os.Chmod(f.name, f.mode)
	}
	if err == nil {
		err = os.Link(f.name, f.target)
	}
	os.Remove(f.name)
	if err != nil {
		return fmt.Errorf("write %s: %w", f.target, err)
	}
	return nil
}

// Abort closes and removes the temporary file; the target is untouched.
// It does nothing after Commit.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	if f.File != nil {
		f.File.Close()
	}
	if !f.direct {
		os.Remove(f.name)
	}
}
