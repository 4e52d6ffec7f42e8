package plan

import "time"

// The planner's tests resolve against testLister, which holds the offsets
// of kq's demo data (orders and payments with the seed example's offsets,
// the records below the start offsets deleted), small topics with chosen
// timestamps, and a topic with a transaction left open. It answers as
// kadm does against a broker holding those partitions;
// TestOffsetListerContract checks that on kfake, with smaller topics of
// the same shapes.
var testLister = newMapLister(fixtureTopics)

// fixtureEpoch is the timestamp of offset 0 of orders and payments; offset
// o of partition p has fixtureEpoch + 10 s·o + 1 s·p, as in the demo.
var fixtureEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// fixtureTopic is one topic of a fixture.
type fixtureTopic struct {
	name string
	// ranges are, per partition, the offsets [from, until) that exist:
	// the records below from are deleted, and until is the high
	// watermark.
	ranges [][2]int64
	// open is how many of the last offsets of every partition are in a
	// transaction left open: the last stable offset is until - open.
	open int64
	// ts is the timestamp of each offset; nil for a topic without
	// records.
	ts func(p int32, off int64) time.Time
	// logAppend says the topic's message.timestamp.type is LogAppendTime
	// (CreateTime otherwise); its ts must then not decrease along a
	// partition.
	logAppend bool
}

func demoTS(p int32, off int64) time.Time {
	return fixtureEpoch.Add(time.Duration(off)*10*time.Second + time.Duration(p)*time.Second)
}

// eventsTS gives partition 0 the timestamps 1000, 2000, ... ms and
// partition 1 the timestamps 5000, 6000, ... ms.
func eventsTS(p int32, off int64) time.Time {
	return time.UnixMilli(1000*(off+1) + 4000*int64(p))
}

// shuffledTS gives timestamps that do not grow with offsets: 5000, 1000,
// 9000, 3000, 7000 ms.
func shuffledTS(_ int32, off int64) time.Time {
	return time.UnixMilli([]int64{5000, 1000, 9000, 3000, 7000}[off])
}

// pendingTS gives offset o the timestamp 1000·(o+1) ms.
func pendingTS(_ int32, off int64) time.Time {
	return time.UnixMilli(1000 * (off + 1))
}

var fixtureTopics = []fixtureTopic{
	{"orders", [][2]int64{{1000, 151000}, {2000, 82000}, {5000, 35000}}, 0, demoTS, false},
	{"payments", [][2]int64{{100, 40100}}, 0, demoTS, false},
	{"events", [][2]int64{{0, 10}, {0, 10}}, 0, eventsTS, false},
	{"shuffled", [][2]int64{{0, 5}}, 0, shuffledTS, false},
	{"empty", [][2]int64{{0, 0}}, 0, nil, false},
	// pending: offsets 6 to 9 are in an open transaction.
	{"pending", [][2]int64{{0, 10}}, 4, pendingTS, false},
	// appended: LogAppendTime, the timestamps of events.
	{"appended", [][2]int64{{0, 10}, {0, 10}}, 0, eventsTS, true},
}
