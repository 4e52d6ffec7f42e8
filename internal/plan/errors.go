package plan

import (
	"errors"
	"fmt"

	"github.com/kq-sql/kq/lang"
)

// ErrUnknownTopic is matched (errors.Is) by errors about topics that do not
// exist.
var ErrUnknownTopic = errors.New("unknown topic")

// UnknownTopicError says a topic named in a query does not exist. Pos is
// where its kafka() source is (zero when not known); errors.As also finds
// a *lang.Error in it, so that the CLI shows a caret.
type UnknownTopicError struct {
	Topic string
	Pos   lang.Pos
	// Suggestion is the existing topic with the closest name, or "".
	Suggestion string
}

// Error implements error.
func (e *UnknownTopicError) Error() string {
	if e.Pos.Line > 0 {
		return fmt.Sprintf("%d:%d: %s", e.Pos.Line, e.Pos.Column, e.msg())
	}
	return e.msg()
}

func (e *UnknownTopicError) msg() string {
	if e.Suggestion != "" {
		return fmt.Sprintf("unknown topic %q (did you mean %q?)", e.Topic, e.Suggestion)
	}
	return fmt.Sprintf("unknown topic %q", e.Topic)
}

// Is makes errors.Is(err, ErrUnknownTopic) true.
func (e *UnknownTopicError) Is(target error) bool { return target == ErrUnknownTopic }

// As gives the error as a *lang.Error when it has a position.
func (e *UnknownTopicError) As(target any) bool {
	le, ok := target.(**lang.Error)
	if !ok || e.Pos.Line < 1 {
		return false
	}
	*le = &lang.Error{Pos: e.Pos, Msg: e.msg()}
	return true
}
