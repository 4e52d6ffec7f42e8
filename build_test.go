package kq_test

import (
	"bytes"
	"os"
	"os/exec"
	"path"
	"regexp"
	"strings"
	"testing"
)

// goCmd runs the go command of the test's toolchain in the module root.
func goCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("go", args...) // go test puts its toolchain first in PATH
	cmd.Env = append(os.Environ(), "GOFLAGS=")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// TestLibraryDependencies: a program that imports kq links neither the
// test broker (kfake, which the demo package uses) nor the front ends'
// heavy dependencies: the Flight SQL server (package flightsql and
// arrow-go's flight/flightsql) and Temporal. arrow-go's arrow/flight and
// gRPC's client side cannot be banned: pqarrow (the Parquet writer)
// imports arrow/flight to serialize schemas, and gocloud.dev's gcsblob
// links google.golang.org/grpc; the names below are import paths or
// their prefixes, checked to match at least one package of flightsql.
// The Temporal SDK comes only with package kq/temporal.
func TestLibraryDependencies(t *testing.T) {
	out, err := goCmd(t, "list", "-deps", "-tags", "duckdb_arrow", "github.com/kq-sql/kq")
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	banned := []string{"github.com/twmb/franz-go/pkg/kfake", "github.com/kq-sql/kq/demo", "github.com/kq-sql/kq/internal/kafkatest", "go.temporal.io/",
		"github.com/kq-sql/kq/temporal", "github.com/kq-sql/kq/flightsql", "github.com/apache/arrow-go/v18/arrow/flight/flightsql"}
	for _, pkg := range strings.Fields(out) {
		for _, b := range banned {
			if strings.HasPrefix(pkg, b) {
				t.Errorf("package kq links %s", pkg)
			}
		}
	}
	// The front ends' names must name something: a typo (or a moved
	// package) would make the check above pass vacuously.
	fs, err := goCmd(t, "list", "-deps", "-tags", "duckdb_arrow", "github.com/kq-sql/kq/flightsql", "github.com/kq-sql/kq/temporal")
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, fs)
	}
	for _, b := range banned[3:] {
		found := false
		for _, pkg := range strings.Fields(fs) {
			found = found || strings.HasPrefix(pkg, b)
		}
		if !found {
			t.Errorf("no package of flightsql or temporal starts with %s: the check names nothing", b)
		}
	}
}

// TestBuildWithoutTag: building kq without the duckdb_arrow tag stops with
// one line that says which tag to add.
func TestBuildWithoutTag(t *testing.T) {
	out, err := goCmd(t, "build", "-o", os.DevNull, ".")
	if err == nil {
		t.Fatal("build without the duckdb_arrow tag succeeded")
	}
	var errs []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if !strings.HasPrefix(l, "#") {
			errs = append(errs, l)
		}
	}
	if len(errs) != 1 || !strings.Contains(errs[0], "-tags duckdb_arrow") {
		t.Fatalf("build output:\n%s\nwant one error line naming -tags duckdb_arrow", out)
	}
}

// TestMakefile: every .PHONY name is a target, fuzz-short runs every fuzz
// target of the module, and the user's GOFLAGS reach the go command.
func TestMakefile(t *testing.T) {
	mk, err := os.ReadFile("Makefile")
	if err != nil {
		t.Fatal(err)
	}
	text := string(mk)
	phony := regexp.MustCompile(`(?m)^\.PHONY:(.*)$`).FindStringSubmatch(text)
	if phony == nil {
		t.Fatal("no .PHONY line")
	}
	for _, name := range strings.Fields(phony[1]) {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `:`).MatchString(text) {
			t.Errorf(".PHONY names %s, which is not a target", name)
		}
	}
	short := regexp.MustCompile(`(?ms)^fuzz-short:\n(.*?)\n\n`).FindStringSubmatch(text + "\n\n")
	if short == nil {
		t.Fatal("no fuzz-short target")
	}
	out, err := exec.Command("git", "grep", "-o", `^func Fuzz[A-Za-z0-9_]*`, "--", "*_test.go").Output()
	if err != nil {
		t.Fatalf("git grep: %v", err)
	}
	for _, f := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		file, fn, _ := strings.Cut(f, ":")
		name, dir := strings.TrimPrefix(fn, "func "), "./"+path.Dir(file)
		if !regexp.MustCompile(`-fuzz '\^` + name + `\$\$' .*` + regexp.QuoteMeta(dir) + `\n`).MatchString(short[1] + "\n") {
			t.Errorf("fuzz-short does not run %s in %s", name, dir)
		}
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed: the GOFLAGS check needs it")
	}
	cmd := exec.Command("make", "-s", "--no-print-directory", "--eval", "kq-print-goflags: ; @echo \"$$GOFLAGS\"", "kq-print-goflags")
	cmd.Env = append(os.Environ(), "GOFLAGS=-count=7")
	got, err := cmd.Output()
	if err != nil || strings.TrimSpace(string(got)) != "-count=7" {
		t.Errorf("GOFLAGS under make: %q, %v; want the user's -count=7", got, err)
	}
}
