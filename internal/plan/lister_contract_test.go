package plan

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq/internal/kafkatest"
)

// contractTopics are the topics TestOffsetListerContract puts on a broker:
// the shapes of fixtureTopics, smaller. Partitions whose first records are
// deleted (orders-2 entirely), timestamps that grow with offsets and that
// do not, an empty partition, and a transaction left open over records
// some of which are deleted.
var contractTopics = []fixtureTopic{
	{"orders", [][2]int64{{10, 60}, {20, 45}, {5, 5}}, 0, demoTS, false},
	{"events", [][2]int64{{0, 10}, {0, 10}}, 0, eventsTS, false},
	{"shuffled", [][2]int64{{0, 5}}, 0, shuffledTS, false},
	{"empty", [][2]int64{{0, 0}}, 0, nil, false},
	{"pending", [][2]int64{{2, 10}}, 4, pendingTS, false},
	{"appended", [][2]int64{{0, 6}, {0, 4}}, 0, eventsTS, true},
}

// TestOffsetListerContract is the planner's one test against a broker: it
// seeds kfake with contractTopics and checks that mapLister answers every
// listing the planner makes as kadm does there (start, end and last stable
// offsets, offsets by time at and around every record's timestamp,
// unknown topics, the topic list), and that ranges resolve the same on
// both. The other tests of the package rely on it to use mapLister.
func TestOffsetListerContract(t *testing.T) {
	c := seedTopics(t, contractTopics)
	broker, fake := c.Admin, newMapLister(contractTopics)
	ctx := t.Context()

	all := fake.names(nil)
	type listing struct {
		name   string
		topics [][]string
		list   func(l OffsetLister, topics []string) (kadm.ListedOffsets, error)
	}
	sets := [][]string{all, {"orders", "nope"}, {"nope"}}
	listings := []listing{
		{"start", sets, func(l OffsetLister, ts []string) (kadm.ListedOffsets, error) { return l.ListStartOffsets(ctx, ts...) }},
		{"end", sets, func(l OffsetLister, ts []string) (kadm.ListedOffsets, error) { return l.ListEndOffsets(ctx, ts...) }},
		{"last stable", sets, func(l OffsetLister, ts []string) (kadm.ListedOffsets, error) {
			return l.ListCommittedOffsets(ctx, ts...)
		}},
	}
	for i, milli := range contractMillis(contractTopics) {
		set := [][]string{all}
		if i == 0 {
			set = sets
		}
		listings = append(listings, listing{fmt.Sprintf("after %d", milli), set, func(l OffsetLister, ts []string) (kadm.ListedOffsets, error) {
			return l.ListOffsetsAfterMilli(ctx, milli, ts...)
		}})
	}
	for _, ls := range listings {
		for _, topics := range ls.topics {
			want, wantErr := ls.list(broker, topics)
			got, gotErr := ls.list(fake, topics)
			if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || listedText(got) != listedText(want) {
				t.Errorf("%s of %v:\nmapLister: %v\n%s\nkadm:      %v\n%s", ls.name, topics, gotErr, listedText(got), wantErr, listedText(want))
			}
		}
	}

	// The listing of every topic is compared without the topics that
	// list with an error: kadm's may also name unknown topics it was
	// asked about before (kgo's metadata cache), which the planner's
	// suggestion skips.
	for _, topics := range [][]string{nil, {"orders", "nope"}} {
		want, wantErr := broker.ListTopics(ctx, topics...)
		got, gotErr := fake.ListTopics(ctx, topics...)
		if topics == nil {
			want, got = withoutErrors(want), withoutErrors(got)
		}
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || detailsText(got) != detailsText(want) {
			t.Errorf("topics %v:\nmapLister: %v %s\nkadm:      %v %s", topics, gotErr, detailsText(got), wantErr, detailsText(want))
		}
	}

	// The timestamp type of every topic, and of one that does not exist.
	for _, topics := range [][]string{all, {"orders", "nope"}} {
		want, wantErr := broker.DescribeTopicConfigs(ctx, topics...)
		got, gotErr := fake.DescribeTopicConfigs(ctx, topics...)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || typesText(got) != typesText(want) {
			t.Errorf("timestamp types of %v:\nmapLister: %v %s\nkadm:      %v %s", topics, gotErr, typesText(got), wantErr, typesText(want))
		}
	}

	for _, tc := range []struct {
		topics, with string
		edit         func(*Scan)
	}{
		{`'orders', 'events', 'shuffled', 'empty', 'pending'`, ``, nil},
		{`'orders', 'pending'`, `isolationLevel='read_uncommitted'`, nil},
		{`'orders'`, `startingTimestamp=` + itoa(ms(demoTS(0, 30))) + `, endingTimestamp=` + itoa(ms(demoTS(0, 50))), nil},
		{`'orders'`, `startingTimestamp=` + itoa(ms(demoTS(0, 30))) + `, startingOffsetsByTimestampStrategy='latest'`, nil},
		{`'events'`, `startingTimestamp=2500, endingTimestamp=7000`, nil},
		{`'events'`, `startingOffsetsByTimestamp='{"events":{"0":2500,"1":13500}}'`, nil},
		{`'pending'`, `startingTimestamp=8000`, nil},
		{`'pending'`, `startingTimestamp=8000, isolationLevel='read_uncommitted'`, nil},
		{`'pending'`, `endingOffsets='{"pending":{"0":8}}'`, nil},
		{`'shuffled'`, ``, func(s *Scan) { s.Timestamp = Interval{}.AtLeast(6000) }},
		{`'shuffled', 'appended'`, ``, func(s *Scan) { s.Timestamp = Interval{}.Below(3500) }},
		{`'appended'`, ``, func(s *Scan) { s.Timestamp = Interval{}.AtLeast(2000).Below(6000) }},
		{`'orders'`, ``, func(s *Scan) { s.Partitions = []int32{1, 2}; s.Offsets = Interval{}.AtLeast(30) }},
		{`'ordrs'`, ``, nil},
		{`'orders', 'nope'`, ``, nil},
	} {
		want, wantErr := resolveOn(t, broker, tc.topics, tc.with, tc.edit)
		got, gotErr := resolveOn(t, fake, tc.topics, tc.with, tc.edit)
		if fmt.Sprint(got, gotErr) != fmt.Sprint(want, wantErr) {
			t.Errorf("kafka(%s) WITH (%s):\nmapLister: %v %v\nkadm:      %v %v", tc.topics, tc.with, got, gotErr, want, wantErr)
		}
	}
}

// seedTopics starts a broker holding topics: every record produced with
// its timestamp, the ones below each range's start deleted, the last open
// of each partition produced in a transaction left open.
func seedTopics(t *testing.T, topics []fixtureTopic) *kafkatest.Cluster {
	t.Helper()
	c := kafkatest.New(t)
	ctx := t.Context()
	var plain, open []*kgo.Record
	deleted := kadm.Offsets{}
	for _, tp := range topics {
		var configs map[string]*string
		if tp.logAppend {
			configs = map[string]*string{timestampTypeConfig: kadm.StringPtr("LogAppendTime")}
		}
		if err := c.CreateTopic(ctx, tp.name, len(tp.ranges), configs); err != nil {
			t.Fatal(err)
		}
		for p, r := range tp.ranges {
			for off := range r[1] {
				rec := &kgo.Record{Topic: tp.name, Partition: int32(p), Value: []byte("x"), Timestamp: tp.ts(int32(p), off)}
				if off >= r[1]-tp.open {
					open = append(open, rec)
				} else {
					plain = append(plain, rec)
				}
			}
			if r[0] > 0 {
				deleted.AddOffset(tp.name, int32(p), r[0], -1)
			}
		}
	}
	if err := c.Produce(ctx, plain...); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteRecords(ctx, deleted); err != nil {
		t.Fatal(err)
	}
	if len(open) == 0 {
		return c
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.TransactionalID("kq-plan-open"), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close) // before the cluster closes; the transaction stays open until then
	if err := cl.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	if err := kafkatest.ProduceWith(ctx, cl, open...); err != nil {
		t.Fatal(err)
	}
	return c
}

// contractMillis returns the times to list offsets after: 0, a time after
// every record, and the timestamps of records and the milliseconds either
// side of them: every record of a partition of up to 12 offsets; of a
// longer one the first records, those around its start offset (deleted
// and kept), the middle one and the last ones.
func contractMillis(topics []fixtureTopic) []int64 {
	seen := map[int64]bool{0: true, 1 << 50: true}
	for _, tp := range topics {
		if tp.ts == nil {
			continue
		}
		for p, r := range tp.ranges {
			offs := []int64{0, 1, r[0] - 1, r[0], r[0] + 1, (r[0] + r[1]) / 2, r[1] - 2, r[1] - 1}
			if r[1] <= 12 {
				offs = offs[:0]
				for off := range r[1] {
					offs = append(offs, off)
				}
			}
			for _, off := range offs {
				if off < 0 || off >= r[1] {
					continue
				}
				ts := ms(tp.ts(int32(p), off))
				seen[ts-1], seen[ts], seen[ts+1] = true, true, true
			}
		}
	}
	out := make([]int64, 0, len(seen))
	for t := range seen {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// listedText prints listed offsets in order, with the fields the planner
// reads (not LeaderEpoch).
func listedText(l kadm.ListedOffsets) string {
	var lines []string
	l.Each(func(o kadm.ListedOffset) {
		lines = append(lines, fmt.Sprintf("%s/%d offset=%d timestamp=%d err=%v", o.Topic, o.Partition, o.Offset, o.Timestamp, o.Err))
	})
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// typesText prints the message.timestamp.type of every described topic,
// or its error, in order.
func typesText(rcs kadm.ResourceConfigs) string {
	var lines []string
	for _, rc := range rcs {
		v := "-"
		for _, c := range rc.Configs {
			if c.Key == timestampTypeConfig {
				v = c.MaybeValue()
			}
		}
		lines = append(lines, fmt.Sprintf("%s=%s err=%v", rc.Name, v, rc.Err))
	}
	sort.Strings(lines)
	return strings.Join(lines, " ")
}

// detailsText prints topic details in order: name, error and partitions.
func detailsText(d kadm.TopicDetails) string {
	var parts []string
	for _, name := range d.Names() {
		parts = append(parts, fmt.Sprintf("%s(err=%v partitions=%d)", name, d[name].Err, len(d[name].Partitions)))
	}
	return strings.Join(parts, " ")
}

func withoutErrors(d kadm.TopicDetails) kadm.TopicDetails {
	out := kadm.TopicDetails{}
	for name, td := range d {
		if td.Err == nil {
			out[name] = td
		}
	}
	return out
}
