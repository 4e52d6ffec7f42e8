package bench

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestLineCounter(t *testing.T) {
	l := &lineCounter{start: time.Now()}
	var want strings.Builder
	for i := range 20000 {
		line := fmt.Sprintf("%d,row %d\n", i, i)
		want.WriteString(line)
		l.Write([]byte(line))
	}
	if l.lines != 20000 || l.first <= 0 || string(l.head) != want.String()[:headBytes] {
		t.Fatalf("lines %d, first %v, head %d bytes", l.lines, l.first, len(l.head))
	}
}

func TestCheckFirstOffset(t *testing.T) {
	head := []byte("key,topic,partition,offset,status\nc-1,bulk,3,333332,paid\nc-2,bulk,4,3333")
	if err := checkFirstOffset(head, 333332); err != nil {
		t.Fatal(err)
	}
	if err := checkFirstOffset(head, 333333); err == nil {
		t.Fatal("a wrong first offset passed")
	}
	if err := checkFirstOffset([]byte("a,b\n1,2\n"), 1); err == nil {
		t.Fatal("output without an offset column passed")
	}
}
