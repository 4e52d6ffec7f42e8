package runner

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kq-sql/kq/internal/retry"
)

// offsetLister is the session's plan.OffsetLister: kadm's offset listings,
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

// DescribeTopicConfigs implements plan.TopicConfigLister: the planner
// reads message.timestamp.type to push timestamp upper bounds on
// LogAppendTime topics (an error leaves the bound a row filter).
func (l *offsetLister) DescribeTopicConfigs(ctx context.Context, topics ...string) (kadm.ResourceConfigs, error) {
	return l.adm.DescribeTopicConfigs(ctx, topics...)
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
	var listed kadm.ListedOffsets
	attempt := 0
	p := retry.Policy{Timeout: l.timeout, Retriable: listingRetriable}
	err := p.Do(ctx, func(ctx context.Context) error {
		if attempt++; attempt > 1 {
			l.refresh(ctx, topics)
		}
		var err error
		if listed, err = list(ctx); err != nil {
			return err
		}
		return retriablePartitionError(listed)
	})
	if err != nil {
		return nil, err
	}
	return listed, nil
}

// listingRetriable is retry.Retriable but for UNKNOWN_TOPIC_OR_PARTITION,
// which in a listing for planning means the topic does not exist: it is
// answered at once (plan names the topic and suggests one).
func listingRetriable(err error) bool {
	return retry.Retriable(err) && !errors.Is(err, kerr.UnknownTopicOrPartition)
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
		if out != nil || o.Err == nil || !listingRetriable(o.Err) {
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
