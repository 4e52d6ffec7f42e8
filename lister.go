package kq

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// offsetLister is the engine's plan.OffsetLister: kadm's offset listings,
// retried while the cluster drops connections or answers a partition with
// a retriable error (NOT_LEADER_OR_FOLLOWER, REQUEST_TIMED_OUT, ...), for
// at most the engine's timeout (forever, as the context allows, when the
// timeout is 0 or less). franz-go retries some of these itself, but not a
// connection closed right after a request nor a per-partition
// REQUEST_TIMED_OUT, and its own retries are not bounded by the engine's
// timeout. An unknown topic is answered at once. It also lists topics,
// which plan uses to suggest the name of an unknown topic.
type offsetLister struct {
	cl      *kgo.Client
	adm     *kadm.Client
	timeout time.Duration
}

func (l *offsetLister) ListStartOffsets(ctx context.Context, topics ...string) (kadm.ListedOffsets, error) {
	return l.retry(ctx, topics, func(ctx context.Context) (kadm.ListedOffsets, error) { return l.adm.ListStartOffsets(ctx, topics...) })
}

func (l *offsetLister) ListEndOffsets(ctx context.Context, topics ...string) (kadm.ListedOffsets, error) {
	return l.retry(ctx, topics, func(ctx context.Context) (kadm.ListedOffsets, error) { return l.adm.ListEndOffsets(ctx, topics...) })
}

func (l *offsetLister) ListCommittedOffsets(ctx context.Context, topics ...string) (kadm.ListedOffsets, error) {
	return l.retry(ctx, topics, func(ctx context.Context) (kadm.ListedOffsets, error) {
		return l.adm.ListCommittedOffsets(ctx, topics...)
	})
}

func (l *offsetLister) ListOffsetsAfterMilli(ctx context.Context, millisecond int64, topics ...string) (kadm.ListedOffsets, error) {
	return l.retry(ctx, topics, func(ctx context.Context) (kadm.ListedOffsets, error) {
		return l.adm.ListOffsetsAfterMilli(ctx, millisecond, topics...)
	})
}

func (l *offsetLister) ListTopics(ctx context.Context, topics ...string) (kadm.TopicDetails, error) {
	return l.adm.ListTopics(ctx, topics...)
}

// retry calls list until it succeeds with no retriable partition error,
// fails with an error that is not retriable, or the timeout passes.
// Before each retry it refreshes the topics' metadata: kadm lists offsets
// from franz-go's cached metadata, errors included, for MetadataMinAge
// (5 s).
func (l *offsetLister) retry(ctx context.Context, topics []string, list func(context.Context) (kadm.ListedOffsets, error)) (kadm.ListedOffsets, error) {
	actx := ctx
	if l.timeout > 0 {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, l.timeout)
		defer cancel()
	}
	var lastErr error
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			t := time.NewTimer(min(50*time.Millisecond<<min(attempt-1, 5), time.Second))
			select {
			case <-actx.Done():
				t.Stop()
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				return nil, fmt.Errorf("giving up after %v: %w", l.timeout, lastErr)
			case <-t.C:
			}
			l.refresh(actx, topics)
		}
		listed, err := list(actx)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err == nil {
			if lastErr = retriablePartitionError(listed); lastErr == nil {
				return listed, nil
			}
			continue
		}
		if actx.Err() != nil {
			// The timeout ended an attempt (one franz-go was retrying).
			if lastErr == nil {
				lastErr = err
			}
			return nil, fmt.Errorf("giving up after %v: %w", l.timeout, lastErr)
		}
		if !retriable(err) {
			return nil, err
		}
		lastErr = err
	}
}

// refresh asks for the metadata of topics with a request of its own, which
// franz-go answers from the broker and caches in place of what it held.
func (l *offsetLister) refresh(ctx context.Context, topics []string) {
	req := kmsg.NewPtrMetadataRequest()
	for _, t := range topics {
		rt := kmsg.NewMetadataRequestTopic()
		rt.Topic = kmsg.StringPtr(t)
		req.Topics = append(req.Topics, rt)
	}
	req.RequestWith(ctx, l.cl) //nolint:errcheck // a refresh only; the listing reports errors
}

// retriablePartitionError returns the first retriable error of a listed
// partition, naming the partition (the topic alone for a topic-level
// error, which kadm lists as partition -1).
func retriablePartitionError(l kadm.ListedOffsets) error {
	var out error
	l.Each(func(o kadm.ListedOffset) {
		if out != nil || o.Err == nil || !retriable(o.Err) {
			return
		}
		if o.Partition < 0 {
			out = fmt.Errorf("list offsets of %s: %w", o.Topic, o.Err)
			return
		}
		out = fmt.Errorf("list offsets of %s-%d: %w", o.Topic, o.Partition, o.Err)
	})
	return out
}

// retriable reports whether a failed request may succeed when sent again:
// Kafka's retriable error codes (but not UNKNOWN_TOPIC_OR_PARTITION, which
// here means the topic does not exist) and connection failures; not the
// context's end, a closed client or an authentication failure.
func retriable(err error) bool {
	var ke *kerr.Error
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded), errors.Is(err, kgo.ErrClientClosed):
		return false
	case errors.As(err, &ke):
		return ke.Retriable && ke != kerr.UnknownTopicOrPartition
	}
	return true
}
