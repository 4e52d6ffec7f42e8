package decode

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestSkipLanes checks the eight-byte scanners against byte loops on
// random text over an alphabet of the bytes they look for and their
// neighbours, at every length and start.
func TestSkipLanes(t *testing.T) {
	const alphabet = "\"\\09/:,.-+eE}]a \x00\x7f\x80\xff\xfa/"
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			if r.IntN(3) == 0 {
				b[i] = alphabet[r.IntN(len(alphabet))]
			} else {
				b[i] = '0' + byte(r.IntN(10))
			}
		}
		for i := 0; i <= len(b); i++ {
			want := len(b)
			if k := bytes.IndexAny(b[i:], "\"\\"); k >= 0 {
				want = i + k
			}
			if got := stringStop(b, i); got != want {
				t.Fatalf("stringStop(%q, %d) = %d, want %d", b, i, got, want)
			}
			j := i
			for j < len(b) && b[j] >= '0' && b[j] <= '9' {
				j++
			}
			got := skipDigits8(b, i)
			if got > j || got < j && got+8 <= len(b) {
				t.Fatalf("skipDigits8(%q, %d) = %d, want %d (or a start of the last seven bytes before it)", b, i, got, j)
			}
		}
	}
}
