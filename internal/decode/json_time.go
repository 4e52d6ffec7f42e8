package decode

import "errors"

var errNotTimestamp = errors.New("not an ISO-8601 timestamp")

// parseTimestamp parses an ISO-8601 date or date-time into epoch
// microseconds (UTC): YYYY-MM-DD, optionally followed by 'T' or ' ' and
// HH:MM[:SS[.fraction]], optionally followed by 'Z' or ±HH[:MM]. A time
// without a zone is UTC. It is a hand-written fast path; fractions beyond
// microseconds are truncated.
func parseTimestamp(s []byte) (int64, error) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return 0, errNotTimestamp
	}
	year, ok1 := digits(s[0:4])
	month, ok2 := digits(s[5:7])
	day, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 || month < 1 || month > 12 || day < 1 || day > 31 {
		return 0, errNotTimestamp
	}
	var hour, min, sec, nanos int
	var offset int // seconds east of UTC
	rest := s[10:]
	if len(rest) > 0 {
		if rest[0] != 'T' && rest[0] != 't' && rest[0] != ' ' || len(rest) < 6 || rest[3] != ':' {
			return 0, errNotTimestamp
		}
		var ok1, ok2 bool
		hour, ok1 = digits(rest[1:3])
		min, ok2 = digits(rest[4:6])
		if !ok1 || !ok2 || hour > 23 || min > 59 {
			return 0, errNotTimestamp
		}
		rest = rest[6:]
		if len(rest) >= 3 && rest[0] == ':' {
			var ok bool
			if sec, ok = digits(rest[1:3]); !ok || sec > 60 {
				return 0, errNotTimestamp
			}
			rest = rest[3:]
			if len(rest) > 1 && (rest[0] == '.' || rest[0] == ',') {
				j := 1
				scale := 100_000_000
				for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
					nanos += int(rest[j]-'0') * scale
					scale /= 10
					j++
				}
				if j == 1 {
					return 0, errNotTimestamp
				}
				rest = rest[j:]
			}
		}
		switch {
		case len(rest) == 0:
		case len(rest) == 1 && (rest[0] == 'Z' || rest[0] == 'z'):
		case rest[0] == '+' || rest[0] == '-':
			var oh, om int
			var ok bool
			switch len(rest) {
			case 3: // +HH
				oh, ok = digits(rest[1:3])
			case 5: // +HHMM
				oh, ok = digits(rest[1:3])
				if ok {
					om, ok = digits(rest[3:5])
				}
			case 6: // +HH:MM
				oh, ok = digits(rest[1:3])
				if ok && rest[3] == ':' {
					om, ok = digits(rest[4:6])
				} else {
					ok = false
				}
			}
			if !ok || oh > 23 || om > 59 {
				return 0, errNotTimestamp
			}
			offset = oh*3600 + om*60
			if rest[0] == '-' {
				offset = -offset
			}
		default:
			return 0, errNotTimestamp
		}
	}
	if day > daysIn(year, month) { // 2026-02-30
		return 0, errNotTimestamp
	}
	secs := civilDays(year, month, day)*86400 + int64(hour*3600+min*60+sec-offset)
	return secs*1_000_000 + int64(nanos/1000), nil
}

// civilDays returns the days from 1970-01-01 to the date in the proleptic
// Gregorian calendar, as time.Date counts them (Howard Hinnant's
// days_from_civil, without time.Date's normalization and zone lookup:
// this is the hot path of TIMESTAMP fields).
func civilDays(year, month, day int) int64 {
	y := int64(year)
	if month <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400                     // [0, 399]
	mp := int64(month+9) % 12              // March = 0
	doy := (153*mp+2)/5 + int64(day) - 1   // [0, 365]
	doe := yoe*365 + yoe/4 - yoe/100 + doy // [0, 146096]
	return era*146097 + doe - 719468
}

// daysIn returns the number of days of the month.
func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// digits parses a short run of ASCII digits.
func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
