// Package toolbin finds the server binaries kq's tests and benchmarks run
// (versitygw, the Temporal CLI), which `make` installs into the module's
// bin/ directory rather than go.mod.
package toolbin

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Find returns the path of the program name: the value of the
// environment variable env when set, else bin/name in the module's root
// (the first directory holding go.mod, from the working directory
// upwards), else name on PATH. ok is false when none exists.
func Find(env, name string) (path string, ok bool) {
	if p := os.Getenv(env); p != "" {
		return p, true
	}
	if dir, err := os.Getwd(); err == nil {
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				p := filepath.Join(dir, "bin", name)
				if _, err := os.Stat(p); err == nil {
					return p, true
				}
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, true
	}
	return "", false
}

// Need returns the binary find finds for a test, or ends t when there
// is none: failed when the environment variable require is 1 (as `make
// test` and CI set it), skipped otherwise.
func Need(t testing.TB, require string, find func() (string, error)) string {
	t.Helper()
	bin, err := find()
	if err != nil {
		if os.Getenv(require) == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return bin
}
