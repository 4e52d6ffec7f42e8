package plan

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"testing"
)

// sparkVector is one golden vector (testdata/spark_vectors.json):
// every assertion of Spark's KafkaOffsetRangeCalculatorSuite, and the
// vectors derived there.
type sparkVector struct {
	Test                   string            `json:"test"`
	Assert                 int               `json:"assert"`
	MinPartitions          *int              `json:"minPartitions"`
	MaxRecordsPerPartition *int64            `json:"maxRecordsPerPartition"`
	ExecutorLocations      []string          `json:"executorLocations"`
	Input                  [][4]any          `json:"input"`
	Expected               []json.RawMessage `json:"expected"`
}

func loadSparkVectors(t *testing.T) []sparkVector {
	t.Helper()
	b, err := os.ReadFile("testdata/spark_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vs []sparkVector
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatal(err)
	}
	return vs
}

// vectorRange decodes [topic, partition, from, until].
func vectorRange(t *testing.T, v [4]any) Range {
	t.Helper()
	topic, ok := v[0].(string)
	if !ok {
		t.Fatalf("bad topic in %v", v)
	}
	return Range{Topic: topic, Partition: int32(v[1].(float64)), From: int64(v[2].(float64)), Until: int64(v[3].(float64))}
}

func TestSparkVectors(t *testing.T) {
	vs := loadSparkVectors(t)
	if len(vs) != 27 {
		t.Fatalf("%d vectors, want the 23 assertions of the Spark suite and 4 derived ones", len(vs))
	}
	for _, v := range vs {
		t.Run(fmt.Sprintf("%s/%d", v.Test, v.Assert), func(t *testing.T) {
			var in []Range
			for _, r := range v.Input {
				in = append(in, vectorRange(t, r))
			}
			var want []SparkRange
			for _, raw := range v.Expected {
				var e [5]any
				if err := json.Unmarshal(raw, &e); err != nil {
					t.Fatal(err)
				}
				sr := SparkRange{Range: vectorRange(t, [4]any{e[0], e[1], e[2], e[3]})}
				if loc, ok := e[4].(string); ok {
					sr.PreferredLoc = loc
				}
				want = append(want, sr)
			}
			minParts, maxRecords := 0, int64(0)
			if v.MinPartitions != nil {
				minParts = *v.MinPartitions
			}
			if v.MaxRecordsPerPartition != nil {
				maxRecords = *v.MaxRecordsPerPartition
			}
			got := SparkGetRanges(in, minParts, maxRecords, v.ExecutorLocations)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %v\nwant %v", got, want)
			}
			// Split with the spark strategy gives the same ranges.
			tasks, err := Split(in, SplitOptions{Strategy: SplitSpark, MinPartitions: minParts, MaxRecordsPerPartition: maxRecords})
			if err != nil {
				t.Fatal(err)
			}
			if len(tasks) != len(want) {
				t.Fatalf("Split gave %d tasks, want %d", len(tasks), len(want))
			}
			for i, task := range tasks {
				if task.Range != want[i].Range {
					t.Errorf("Split task %d = %v, want %v", i, task.Range, want[i].Range)
				}
			}
		})
	}
}
