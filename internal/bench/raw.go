package bench

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq/internal/hugepages"
)

// RawOptions tune the raw consume loop. The zero value uses the defaults
// stated on each field.
type RawOptions struct {
	// Clients is how many kgo clients share the partitions (round
	// robin); default 1. More than one lets fetches to the broker
	// overlap, as kq's workers do.
	Clients int
	// FetchMaxBytes is kgo.FetchMaxBytes, the most bytes one fetch
	// response holds; default 64 MiB.
	FetchMaxBytes int32
	// FetchMaxPartitionBytes is kgo.FetchMaxPartitionBytes, the most
	// bytes per partition in one response; default 1 MiB (franz-go's
	// default, and the fastest of 256 KiB, 1, 4 and 16 MiB on the bench
	// topic: see BENCHMARKS.md).
	FetchMaxPartitionBytes int32
	// HugePages advises the loop's heap for transparent huge pages as
	// the kq command advises its own (package hugepages) before it
	// starts: raw-huge, the raw loop under kq's memory conditions.
	HugePages bool
}

// WithDefaults returns o with every unset field at its default.
func (o RawOptions) WithDefaults() RawOptions {
	if o.Clients <= 0 {
		o.Clients = 1
	}
	if o.FetchMaxBytes <= 0 {
		o.FetchMaxBytes = 64 << 20
	}
	if o.FetchMaxPartitionBytes <= 0 {
		o.FetchMaxPartitionBytes = 1 << 20
	}
	return o
}

// RawResult is what the raw loop read.
type RawResult struct {
	Records int64         `json:"records"`
	Bytes   int64         `json:"bytes"` // keys plus values
	Elapsed time.Duration `json:"elapsedNs"`
}

// RawCount is the client-side limit: plain franz-go consumers assigned
// (ConsumePartitions, no group) every partition of topic from its log
// start offset, read_committed, polling until each partition's position
// reaches its last stable offset as listed when the loop starts, counting
// records and key+value bytes. Records are not otherwise touched.
func RawCount(ctx context.Context, brokers []string, topic string, o RawOptions) (RawResult, error) {
	start := time.Now()
	o = o.WithDefaults()
	if o.HugePages {
		if _, err := hugepages.Advise(hugepages.DefaultSize); err != nil {
			return RawResult{}, err
		}
	}
	admCl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		return RawResult{}, err
	}
	adm := kadm.NewClient(admCl)
	starts, err := adm.ListStartOffsets(ctx, topic)
	if err == nil {
		err = starts.Error()
	}
	var ends kadm.ListedOffsets
	if err == nil {
		ends, err = adm.ListCommittedOffsets(ctx, topic)
		if err == nil {
			err = ends.Error()
		}
	}
	admCl.Close()
	if err != nil {
		return RawResult{}, fmt.Errorf("list offsets of %s: %w", topic, err)
	}
	if len(ends[topic]) == 0 {
		return RawResult{}, fmt.Errorf("topic %s: no partitions", topic)
	}

	// Partitions, round robin over the clients.
	assign := make([]map[int32]kgo.Offset, o.Clients)
	until := make([]map[int32]int64, o.Clients)
	for i := range assign {
		assign[i], until[i] = map[int32]kgo.Offset{}, map[int32]int64{}
	}
	i := 0
	for p, end := range ends[topic] {
		from := starts[topic][p].Offset
		if end.Offset <= from {
			continue
		}
		c := i % o.Clients
		assign[c][p] = kgo.NewOffset().At(from)
		until[c][p] = end.Offset
		i++
	}

	var (
		mu  sync.Mutex
		res RawResult
		wg  sync.WaitGroup
	)
	errc := make(chan error, o.Clients)
	for c := range assign {
		if len(assign[c]) == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			recs, bytes, err := consume(ctx, brokers, topic, assign[c], until[c], o)
			mu.Lock()
			res.Records += recs
			res.Bytes += bytes
			mu.Unlock()
			if err != nil {
				errc <- err
			}
		}()
	}
	wg.Wait()
	close(errc)
	if err := <-errc; err != nil {
		return res, err
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// consume reads the assigned partitions until each position reaches its
// until offset.
func consume(ctx context.Context, brokers []string, topic string, assign map[int32]kgo.Offset, until map[int32]int64, o RawOptions) (records, bytes int64, err error) {
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(brokers...),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: assign}),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.FetchMaxBytes(o.FetchMaxBytes),
		kgo.FetchMaxPartitionBytes(o.FetchMaxPartitionBytes),
		kgo.FetchMaxWait(100*time.Millisecond),
	)
	if err != nil {
		return 0, 0, err
	}
	defer cl.Close()
	left := len(until)
	for left > 0 {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return records, bytes, err
		}
		var ferr error
		fs.EachError(func(t string, p int32, err error) {
			if ferr == nil {
				ferr = fmt.Errorf("fetch %s-%d: %w", t, p, err)
			}
		})
		if ferr != nil {
			return records, bytes, ferr
		}
		fs.EachPartition(func(p kgo.FetchTopicPartition) {
			end, ok := until[p.Partition]
			if !ok {
				return
			}
			for _, r := range p.Records {
				if r.Offset >= end {
					break
				}
				records++
				bytes += int64(len(r.Key) + len(r.Value))
				if r.Offset == end-1 {
					// The last record before the end: the
					// partition is done (the bulk topic
					// has no gaps, so this is exact; a
					// topic with markers would need the
					// position, which kgo does not expose
					// per poll).
					delete(until, p.Partition)
					left--
					cl.PauseFetchPartitions(map[string][]int32{topic: {p.Partition}})
					break
				}
			}
		})
	}
	if records == 0 {
		return 0, 0, errors.New("no records read")
	}
	return records, bytes, nil
}
