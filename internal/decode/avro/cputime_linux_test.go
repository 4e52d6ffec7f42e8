package avro

import (
	"syscall"
	"time"
)

// threadCPU returns the CPU time the calling thread has used: benchmarks
// lock their goroutine to a thread and report it per op, which a loaded
// machine disturbs less than the wall time.
func threadCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
