package plan

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kq-sql/kq/lang"
)

// resolveWith resolves kafka(<topics>) WITH (<with>) against testLister,
// with the pushdown of edit applied to the scan when not nil.
func resolveWith(t *testing.T, topics, with string, edit func(*Scan)) ([]Range, error) {
	t.Helper()
	return resolveOn(t, testLister, topics, with, edit)
}

// resolveOn is resolveWith against l.
func resolveOn(t *testing.T, l OffsetLister, topics, with string, edit func(*Scan)) ([]Range, error) {
	t.Helper()
	q := "SELECT * FROM kafka(" + topics + ")"
	if with != "" {
		q += " WITH (" + with + ")"
	}
	stmt, err := lang.Parse(q)
	if err != nil {
		t.Fatalf("parse %s: %v", q, err)
	}
	src := firstSource(t, stmt)
	opts, err := ParseOptions(src.Options)
	if err != nil {
		t.Fatalf("options: %v", err)
	}
	names, err := splitTopics(src)
	if err != nil {
		t.Fatal(err)
	}
	s := &Scan{Pos: src.Pos, Topics: names, Options: opts, Limit: -1}
	if edit != nil {
		edit(s)
	}
	return ResolveScanRanges(context.Background(), l, s)
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestResolveRanges(t *testing.T) {
	for _, tc := range []struct {
		name, topics, with string
		edit               func(*Scan)
		want               []Range
	}{
		{"defaults", `'orders', 'payments'`, ``, nil, seedRanges},
		{"comma list", `'payments,orders'`, ``, nil, []Range{{"payments", 0, 100, 40100}, {"orders", 0, 1000, 151000}, {"orders", 1, 2000, 82000}, {"orders", 2, 5000, 35000}}},
		{"read_uncommitted", `'orders'`, `isolationLevel='read_uncommitted'`, nil, seedRanges[:3]},
		{"read_committed ends at the last stable offset", `'pending'`, ``, nil, []Range{{"pending", 0, 0, 6}}},
		{"read_uncommitted ends at the high watermark", `'pending'`, `isolationLevel='read_uncommitted'`, nil, []Range{{"pending", 0, 0, 10}}},
		{"empty topic", `'empty'`, ``, nil, []Range{{"empty", 0, 0, 0}}},
		{"startingOffsets JSON", `'orders'`, `startingOffsets='{"orders":{"0":5000,"1":-2,"2":6000}}'`, nil,
			[]Range{{"orders", 0, 5000, 151000}, {"orders", 1, 2000, 82000}, {"orders", 2, 6000, 35000}}},
		{"endingOffsets JSON", `'orders'`, `endingOffsets='{"orders":{"0":2000,"1":-1,"2":5000}}'`, nil,
			[]Range{{"orders", 0, 1000, 2000}, {"orders", 1, 2000, 82000}, {"orders", 2, 5000, 5000}}},
		{"startingTimestamp", `'events'`, `startingTimestamp=3000`, nil, []Range{{"events", 0, 2, 10}, {"events", 1, 0, 10}}},
		{"startingTimestamp between records", `'events'`, `startingTimestamp=2500`, nil, []Range{{"events", 0, 2, 10}, {"events", 1, 0, 10}}},
		{"startingTimestamp no match, latest", `'events'`, `startingTimestamp=12000, startingOffsetsByTimestampStrategy='latest'`, nil,
			[]Range{{"events", 0, 10, 10}, {"events", 1, 7, 10}}},
		{"endingTimestamp", `'events'`, `endingTimestamp=3000`, nil, []Range{{"events", 0, 0, 2}, {"events", 1, 0, 0}}},
		{"endingTimestamp no match is latest", `'events'`, `endingTimestamp=20000`, nil, []Range{{"events", 0, 0, 10}, {"events", 1, 0, 10}}},
		{"both timestamps", `'events'`, `startingTimestamp='1970-01-01T00:00:03Z', endingTimestamp=7000`, nil, []Range{{"events", 0, 2, 6}, {"events", 1, 0, 2}}},
		{"startingOffsetsByTimestamp", `'events'`, `startingOffsetsByTimestamp='{"events":{"0":2500,"1":13500}}'`, nil,
			[]Range{{"events", 0, 2, 10}, {"events", 1, 9, 10}}},
		{"endingOffsetsByTimestamp", `'events'`, `endingOffsetsByTimestamp='{"events":{"0":4000,"1":99999}}'`, nil,
			[]Range{{"events", 0, 0, 3}, {"events", 1, 0, 10}}},
		{"pushdown partition and offset", `'orders'`, ``, func(s *Scan) {
			s.Partitions = []int32{1}
			s.Offsets = Interval{}.AtLeast(50000)
		}, []Range{{"orders", 1, 50000, 82000}}},
		{"pushdown offsets outside", `'orders'`, ``, func(s *Scan) { s.Offsets = Interval{}.AtLeast(0).Below(3000) },
			[]Range{{"orders", 0, 1000, 3000}, {"orders", 1, 2000, 3000}, {"orders", 2, 5000, 5000}}},
		{"pushdown no partitions", `'orders'`, ``, func(s *Scan) { s.Partitions = []int32{} }, nil},
		{"pushdown missing partition", `'orders'`, ``, func(s *Scan) { s.Partitions = []int32{7} }, nil},
		{"pushdown timestamp lower bound", `'events'`, ``, func(s *Scan) { s.Timestamp = Interval{}.AtLeast(6000).Below(7000) },
			[]Range{{"events", 0, 5, 10}, {"events", 1, 1, 10}}},
		{"pushdown timestamp past the end", `'events'`, ``, func(s *Scan) { s.Timestamp = Interval{}.AtLeast(50000) },
			[]Range{{"events", 0, 10, 10}, {"events", 1, 10, 10}}},
		{"pushdown timestamp on shuffled", `'shuffled'`, ``, func(s *Scan) { s.Timestamp = Interval{}.AtLeast(6000) },
			[]Range{{"shuffled", 0, 2, 5}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := resolveWith(t, tc.topics, tc.with, tc.edit)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestResolveRangesErrors(t *testing.T) {
	for _, tc := range []struct {
		name, topics, with string
		want               string
	}{
		{"not covered", `'orders'`, `startingOffsets='{"orders":{"0":5000,"1":-2}}'`,
			`option startingOffsets: does not cover orders-2; give every partition`},
		{"not covered, two topics", `'orders','payments'`, `endingOffsets='{"orders":{"0":5000,"1":-1,"2":-1}}'`,
			`option endingOffsets: does not cover payments-0`},
		{"unknown partition", `'orders'`, `startingOffsets='{"orders":{"0":1,"1":1,"2":1,"7":1}}'`,
			`option startingOffsets: names partition orders-7, which does not exist (orders has 3 partitions)`},
		{"other topic", `'orders'`, `startingOffsets='{"payments":{"0":1}}'`,
			`option startingOffsets: names topic "payments", which the source does not read (it reads orders)`},
		{"by timestamp not covered", `'events'`, `endingOffsetsByTimestamp='{"events":{"0":1}}'`,
			`option endingOffsetsByTimestamp: does not cover events-1`},
		{"start after end", `'orders'`, `endingOffsets='{"orders":{"0":500,"1":-1,"2":-1}}'`,
			`option startingOffsets: orders-0 starts at offset 1000 (startingOffsets), after it ends at offset 500 (endingOffsets)`},
		{"end after latest", `'orders'`, `endingOffsets='{"orders":{"0":200000,"1":-1,"2":-1}}'`,
			`option endingOffsets: orders-0 ends at offset 200000, after its latest offset 151000`},
		{"start timestamp no match", `'events'`, `startingTimestamp=12000`,
			`option startingTimestamp: no record of events-0 has a timestamp at or after 12000 (1970-01-01T00:00:12.000Z)`},
		{"start by timestamp no match", `'events'`, `startingOffsetsByTimestamp='{"events":{"0":1,"1":99999}}'`,
			`option startingOffsetsByTimestamp: no record of events-1 has a timestamp`},
		{"start timestamp after end timestamp resolves", `'events'`, `startingTimestamp=9000, endingOffsets='{"events":{"0":3,"1":-1}}'`,
			`events-0 starts at offset 8 (startingTimestamp), after it ends at offset 3 (endingOffsets)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := resolveWith(t, tc.topics, tc.with, nil)
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			var le *lang.Error
			if !errors.As(err, &le) {
				t.Errorf("error %T is not a *lang.Error: %v", err, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestResolveUnknownTopic(t *testing.T) {
	_, err := resolveWith(t, `'orders', 'nope'`, ``, nil)
	var ute *UnknownTopicError
	if !errors.As(err, &ute) || ute.Topic != "nope" || !errors.Is(err, ErrUnknownTopic) {
		t.Fatalf("got %v, want an UnknownTopicError for nope", err)
	}
	// It points at the source, as a *lang.Error for the CLI's caret.
	var le *lang.Error
	if !errors.As(err, &le) || le.Pos.Line != 1 || le.Pos.Column != 15 || le.Msg != `unknown topic "nope"` {
		t.Fatalf("got %#v, want a *lang.Error at 1:15", le)
	}
	_, err = resolveWith(t, `'order'`, ``, nil)
	if !errors.As(err, &ute) || ute.Suggestion != "orders" || !strings.HasSuffix(err.Error(), `unknown topic "order" (did you mean "orders"?)`) {
		t.Fatalf("got %v, want a suggestion of orders", err)
	}
}

func TestResolveStartTimestampNoMatch(t *testing.T) {
	// orders-2 ends at offset 35000 (timestamp epoch+350000 s): a start at
	// offset 50000's timestamp matches orders-0 and orders-1 only.
	start := ms(fixtureEpoch.Add(50000 * 10 * time.Second))
	end := ms(fixtureEpoch.Add(60000 * 10 * time.Second))
	with := "startingTimestamp=" + itoa(start) + ", endingTimestamp=" + itoa(end)
	if _, err := resolveWith(t, `'orders'`, with, nil); err == nil || !strings.Contains(err.Error(), "no record of orders-2") {
		t.Fatalf("got %v, want no record of orders-2", err)
	}
	got, err := resolveWith(t, `'orders'`, with+", startingOffsetsByTimestampStrategy='latest'", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []Range{{"orders", 0, 50000, 60000}, {"orders", 1, 50000, 60000}, {"orders", 2, 35000, 35000}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
}

// routedLister is a SettingsLister over the test cluster that records the
// settings it is asked for and fails for the client id "down".
type routedLister struct {
	OffsetLister
	asked []string
}

var errDown = errors.New("cannot reach Kafka at down:9092")

func (l *routedLister) ListerFor(_ context.Context, s ClientSettings) (OffsetLister, error) {
	l.asked = append(l.asked, s.String())
	if s.ClientID == "down" {
		return nil, errDown
	}
	return l.OffsetLister, nil
}

// TestSettingsLister: Plan resolves every scan through the lister of its
// settings (the zero settings included) and returns the lister's error as
// it is.
func TestSettingsLister(t *testing.T) {
	ctx := context.Background()
	stmt, err := lang.Parse("SELECT * FROM kafka('orders') o JOIN kafka('payments') WITH (kafka.client.id='other') p ON o.key = p.key")
	if err != nil {
		t.Fatal(err)
	}
	l := &routedLister{OffsetLister: testLister}
	q, err := Plan(ctx, stmt, l)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"[]", "[kafka.client.id=other]"}; !reflect.DeepEqual(l.asked, want) {
		t.Errorf("ListerFor asked for %v, want %v", l.asked, want)
	}
	if len(q.Scans) != 2 || len(q.Scans[0].Tasks) == 0 || len(q.Scans[1].Tasks) == 0 {
		t.Fatalf("scans not resolved: %+v", q.Scans)
	}

	stmt, err = lang.Parse("SELECT COUNT(*) FROM kafka('orders') WITH (kafka.client.id='down')")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Plan(ctx, stmt, &routedLister{OffsetLister: testLister}); err != errDown { //nolint:errorlint // returned as it is
		t.Errorf("Plan with an unreachable cluster: %v, want %v as it is", err, errDown)
	}
}
