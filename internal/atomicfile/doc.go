// Package atomicfile is kq's one way of writing a file: under a temporary
// name beside the target, renamed onto it on Commit, so that the target is
// whole or absent. A new file gets 0666 less the umask; a replaced one
// keeps its mode. An existing device, pipe or socket (/dev/stdout,
// /dev/full) is written in place instead, never replaced (IsSpecial).
package atomicfile
