package bench

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Amount returns the amount field of record i in cents.
func Amount(i int64) int64 { return int64(mix(uint64(i))>>13%50000 + 100) }

// StatusTotals are the expected rows of the GROUP BY status query.
type StatusTotals map[string]struct {
	Count int64
	Cents int64
}

// ExpectedByStatus computes, from the generator, the count and sum of
// amounts per status of records [0, n).
func ExpectedByStatus(n int64) StatusTotals {
	out := StatusTotals{}
	for i := int64(0); i < n; i++ {
		t := out[Status(i)]
		t.Count++
		t.Cents += Amount(i)
		out[Status(i)] = t
	}
	return out
}

// CheckCountCSV checks that csv output (a header line, then one row whose
// first column is a count, as kq --format csv prints COUNT(*) or a COPY's
// "rows") holds want.
func CheckCountCSV(out []byte, want int64) error {
	rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		return fmt.Errorf("output is not CSV: %w", err)
	}
	if len(rows) != 2 || len(rows[1]) < 1 {
		return fmt.Errorf("want a header and one row, got %q", excerpt(out))
	}
	got, err := strconv.ParseInt(rows[1][0], 10, 64)
	if err != nil {
		return fmt.Errorf("count %q: %w", rows[1][0], err)
	}
	if got != want {
		return fmt.Errorf("counted %d records, want %d", got, want)
	}
	return nil
}

// CheckGroupByCSV checks the CSV result of SELECT status, COUNT(*),
// SUM(amount) ... GROUP BY status against the generator: every status's
// count exactly, its sum to within a cent.
func CheckGroupByCSV(out []byte, want StatusTotals) error {
	rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		return fmt.Errorf("output is not CSV: %w", err)
	}
	if len(rows) != len(want)+1 {
		return fmt.Errorf("want a header and %d rows, got %q", len(want), excerpt(out))
	}
	for _, r := range rows[1:] {
		if len(r) != 3 {
			return fmt.Errorf("want 3 columns, got %q", r)
		}
		w, ok := want[r[0]]
		if !ok {
			return fmt.Errorf("unexpected status %q", r[0])
		}
		n, err := strconv.ParseInt(r[1], 10, 64)
		if err != nil {
			return fmt.Errorf("count of %s %q: %w", r[0], r[1], err)
		}
		sum, err := strconv.ParseFloat(r[2], 64)
		if err != nil {
			return fmt.Errorf("sum of %s %q: %w", r[0], r[2], err)
		}
		if n != w.Count {
			return fmt.Errorf("status %s: counted %d records, want %d", r[0], n, w.Count)
		}
		if math.Abs(sum*100-float64(w.Cents)) > 1 {
			return fmt.Errorf("status %s: sum %v, want %d.%02d", r[0], sum, w.Cents/100, w.Cents%100)
		}
	}
	return nil
}

// CheckLines checks that out holds want newline characters (kcat -f '\n'
// prints one per record).
func CheckLines(out []byte, want int64) error {
	if got := int64(bytes.Count(out, []byte{'\n'})); got != want {
		return fmt.Errorf("counted %d records, want %d", got, want)
	}
	return nil
}

func excerpt(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}
