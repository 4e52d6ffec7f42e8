package plan

import (
	"errors"
	"fmt"
)

// ErrUnknownTopic is matched (errors.Is) by errors about topics that do not
// exist.
var ErrUnknownTopic = errors.New("unknown topic")

// UnknownTopicError says a topic named in a query does not exist.
type UnknownTopicError struct {
	Topic string
}

// Error implements error.
func (e *UnknownTopicError) Error() string { return fmt.Sprintf("unknown topic %q", e.Topic) }

// Is makes errors.Is(err, ErrUnknownTopic) true.
func (e *UnknownTopicError) Is(target error) bool { return target == ErrUnknownTopic }
