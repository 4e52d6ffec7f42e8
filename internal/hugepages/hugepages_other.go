//go:build !linux

package hugepages

func advise(int) (int, error) { return 0, nil }
