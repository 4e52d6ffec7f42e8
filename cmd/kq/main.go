// Command kq runs SQL over Apache Kafka topics. It is a thin shell over
// package kq; see README.md for usage.
package main

import (
	"context"
	"os"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
