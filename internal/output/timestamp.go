package output

import (
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// timeFormat appends timestamps of one unit as ISO-8601 in UTC,
// 2006-01-02T15:04:05[.000…]Z with as many fractional digits as the unit
// has (none for seconds, 3, 6, 9). For years 0–9999 it writes the digits
// itself (time.Time.AppendFormat took a third of the CSV writer's time);
// other years go through AppendFormat. A timeFormat belongs to one
// column's appender: it remembers the last second it wrote ("2006-01-02T15:04:05"),
// which the next value of a column mostly shares or follows on the same day.
type timeFormat struct {
	layout string
	unit   arrow.TimeUnit
	per    int64 // units a second
	mult   int64 // nanoseconds a unit
	digits int   // fractional digits
	// zero is the end of a value on a whole second: "." and digits zeros,
	// then "Z".
	zero string

	// The last second written, as seconds since the epoch and as text.
	sec   int64
	day   int64
	clock [19]byte
	ok    bool
}

// newTimeFormat returns the format of timestamps in unit.
func newTimeFormat(unit arrow.TimeUnit) *timeFormat {
	tf := &timeFormat{
		layout: timeLayout(unit),
		unit:   unit,
		per:    int64(time.Second / unit.Multiplier()),
		mult:   int64(unit.Multiplier()),
	}
	switch unit {
	case arrow.Millisecond:
		tf.digits = 3
	case arrow.Microsecond:
		tf.digits = 6
	case arrow.Nanosecond:
		tf.digits = 9
	}
	tf.zero = "Z"
	if tf.digits > 0 {
		tf.zero = "." + "000000000"[:tf.digits] + "Z"
	}
	return tf
}

// Years 0–9999: the seconds since the epoch the digits are written for.
const (
	minFastSec = -62167219200 // 0000-01-01T00:00:00Z
	maxFastSec = 253402300799 // 9999-12-31T23:59:59Z
)

// appendTimestamp appends v, a time in the format's unit since the Unix
// epoch.
func (tf *timeFormat) appendTimestamp(dst []byte, v int64) []byte {
	sec, frac := v, int64(0)
	if tf.per != 1 {
		sec, frac = v/tf.per, v%tf.per
		if frac < 0 {
			sec, frac = sec-1, frac+tf.per
		}
	}
	if sec != tf.sec || !tf.ok {
		if sec < minFastSec || sec > maxFastSec {
			return time.Unix(sec, frac*tf.mult).UTC().AppendFormat(dst, tf.layout)
		}
		tf.setClock(sec)
	}
	dst = append(dst, tf.clock[:]...)
	if frac == 0 {
		return append(dst, tf.zero...)
	}
	// frac has exactly tf.digits digits, leading zeros included.
	n := len(dst)
	dst = append(dst, tf.zero...)
	for k := n + tf.digits; k > n; k-- {
		dst[k] = byte('0' + frac%10)
		frac /= 10
	}
	return dst
}

// setClock makes tf.clock the text of second sec, a second of the years
// 0–9999.
func (tf *timeFormat) setClock(sec int64) {
	days, rem := sec/86400, sec%86400
	if rem < 0 {
		days, rem = days-1, rem+86400
	}
	if !tf.ok || days != tf.day {
		year, month, day := civil(days)
		c := &tf.clock
		c[0], c[1] = digitPairs[2*(year/100)], digitPairs[2*(year/100)+1]
		c[2], c[3] = digitPairs[2*(year%100)], digitPairs[2*(year%100)+1]
		c[4] = '-'
		c[5], c[6] = digitPairs[2*month], digitPairs[2*month+1]
		c[7] = '-'
		c[8], c[9] = digitPairs[2*day], digitPairs[2*day+1]
		c[10] = 'T'
		c[13], c[16] = ':', ':'
		tf.day = days
	}
	hour, minute, s := rem/3600, rem/60%60, rem%60
	c := &tf.clock
	c[11], c[12] = digitPairs[2*hour], digitPairs[2*hour+1]
	c[14], c[15] = digitPairs[2*minute], digitPairs[2*minute+1]
	c[17], c[18] = digitPairs[2*s], digitPairs[2*s+1]
	tf.sec, tf.ok = sec, true
}

// appendDate appends the date days after 1970-01-01 as YYYY-MM-DD
// (years 0–9999 from digits, others through time.Time.AppendFormat).
func appendDate(dst []byte, days int64) []byte {
	const minDay, maxDay = minFastSec / 86400, maxFastSec / 86400
	if days < minDay || days > maxDay {
		return time.Unix(days*86400, 0).UTC().AppendFormat(dst, time.DateOnly)
	}
	year, month, day := civil(days)
	return append(dst,
		digitPairs[2*(year/100)], digitPairs[2*(year/100)+1],
		digitPairs[2*(year%100)], digitPairs[2*(year%100)+1], '-',
		digitPairs[2*month], digitPairs[2*month+1], '-',
		digitPairs[2*day], digitPairs[2*day+1])
}

// digitPairs holds "00" to "99": digitPairs[2*n:2*n+2] is n in two digits.
const digitPairs = "00010203040506070809" +
	"10111213141516171819" +
	"20212223242526272829" +
	"30313233343536373839" +
	"40414243444546474849" +
	"50515253545556575859" +
	"60616263646566676869" +
	"70717273747576777879" +
	"80818283848586878889" +
	"90919293949596979899"

// civil converts days since 1970-01-01 into a proleptic Gregorian date
// (Howard Hinnant's days_from_civil, inverted).
func civil(days int64) (year, month, day int) {
	z := days + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return int(y), int(m), int(d)
}
