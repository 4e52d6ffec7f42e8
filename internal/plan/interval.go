package plan

import (
	"fmt"
	"strconv"
	"time"
)

// Interval is a half-open interval [From, Until) of int64 values (offsets,
// or epoch milliseconds for timestamps). A side without its Has flag is
// unbounded, so the zero value holds every value.
type Interval struct {
	// From is the inclusive lower bound; it applies when HasFrom is set.
	From    int64 `json:"from"`
	HasFrom bool  `json:"-"`
	// Until is the exclusive upper bound; it applies when HasUntil is set.
	Until    int64 `json:"until"`
	HasUntil bool  `json:"-"`
}

// Bounded reports whether either side is bounded.
func (iv Interval) Bounded() bool { return iv.HasFrom || iv.HasUntil }

// Empty reports whether no value is in the interval.
func (iv Interval) Empty() bool { return iv.HasFrom && iv.HasUntil && iv.From >= iv.Until }

// Contains reports whether v is in the interval.
func (iv Interval) Contains(v int64) bool {
	return (!iv.HasFrom || v >= iv.From) && (!iv.HasUntil || v < iv.Until)
}

// AtLeast returns the interval narrowed to values >= v.
func (iv Interval) AtLeast(v int64) Interval {
	if !iv.HasFrom || v > iv.From {
		iv.From, iv.HasFrom = v, true
	}
	return iv
}

// Below returns the interval narrowed to values < v.
func (iv Interval) Below(v int64) Interval {
	if !iv.HasUntil || v < iv.Until {
		iv.Until, iv.HasUntil = v, true
	}
	return iv
}

// Intersect returns the values in both intervals.
func (iv Interval) Intersect(o Interval) Interval {
	if o.HasFrom {
		iv = iv.AtLeast(o.From)
	}
	if o.HasUntil {
		iv = iv.Below(o.Until)
	}
	return iv
}

// Clamp narrows [from, until) to the interval; the result may be empty
// (from >= until).
func (iv Interval) Clamp(from, until int64) (int64, int64) {
	if iv.HasFrom && iv.From > from {
		from = iv.From
	}
	if iv.HasUntil && iv.Until < until {
		until = iv.Until
	}
	return from, until
}

// String prints the interval as "[from, until)" with -inf/+inf for an
// unbounded side.
func (iv Interval) String() string {
	return iv.format(func(v int64) string { return strconv.FormatInt(v, 10) })
}

// TimeString prints an interval of epoch milliseconds with ISO-8601 UTC
// timestamps.
func (iv Interval) TimeString() string { return iv.format(formatMilli) }

func (iv Interval) format(f func(int64) string) string {
	from, until := "-inf", "+inf"
	if iv.HasFrom {
		from = f(iv.From)
	}
	if iv.HasUntil {
		until = f(iv.Until)
	}
	return fmt.Sprintf("[%s, %s)", from, until)
}

// formatMilli prints epoch milliseconds as an ISO-8601 UTC timestamp.
func formatMilli(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z")
}
