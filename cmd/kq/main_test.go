package main

import (
	"context"
	"os"
	"testing"
)

// TestMain lets tests run the kq command itself as a subprocess (the REPL
// needs a real terminal): with KQ_TEST_MAIN=1 the test binary is kq.
func TestMain(m *testing.M) {
	if os.Getenv("KQ_TEST_MAIN") == "1" {
		os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}
