package plan

import "fmt"

// Range is the half-open offset range [From, Until) of one partition.
type Range struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	From      int64  `json:"from"`
	Until     int64  `json:"until"`
}

// Size is the number of offsets in the range, Until-From. It is an estimate
// of the records the range holds: transaction markers, aborted records and
// compaction leave offsets without rows.
func (r Range) Size() int64 { return r.Until - r.From }

// String prints the range as "topic-partition [from, until)".
func (r Range) String() string {
	return fmt.Sprintf("%s-%d [%d, %d)", r.Topic, r.Partition, r.From, r.Until)
}

// Task is one unit of parallel work: a range, and the worker Spark would
// prefer for it.
type Task struct {
	Range
	// PreferredWorker is floorMod(TopicPartition.hashCode, workers), the
	// executor Spark's Kafka source would prefer; kq shows it in EXPLAIN.
	PreferredWorker int `json:"preferredWorker"`
}

// javaStringHash is Java's String.hashCode over UTF-16 code units.
func javaStringHash(s string) int32 {
	var h int32
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			h = 31*h + int32(0xD800+(r>>10))
			h = 31*h + int32(0xDC00+(r&0x3FF))
			continue
		}
		h = 31*h + int32(r)
	}
	return h
}

// topicPartitionHash is Java's TopicPartition.hashCode.
func topicPartitionHash(topic string, partition int32) int32 {
	h := int32(31 + partition)
	return 31*h + javaStringHash(topic)
}

// PreferredWorker returns floorMod(TopicPartition(topic, partition).hashCode,
// workers), as Spark assigns preferred executors. workers must be positive.
func PreferredWorker(topic string, partition int32, workers int) int {
	h := int64(topicPartitionHash(topic, partition))
	n := int64(workers)
	return int(((h % n) + n) % n)
}
