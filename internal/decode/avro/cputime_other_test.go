//go:build !linux

package avro

import "time"

func threadCPU() (time.Duration, bool) { return 0, false }
