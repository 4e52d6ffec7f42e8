package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kq-sql/kq/lang"
)

// TopicPartition names one partition of a topic.
type TopicPartition struct {
	Topic     string
	Partition int32
}

// String prints "topic-partition".
func (tp TopicPartition) String() string { return fmt.Sprintf("%s-%d", tp.Topic, tp.Partition) }

// sortedTPs returns the partitions of m ordered by (topic, partition).
func sortedTPs(m map[string]map[int32]int64) []TopicPartition {
	var out []TopicPartition
	for t, ps := range m {
		for p := range ps {
			out = append(out, TopicPartition{t, p})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Topic != out[j].Topic {
			return out[i].Topic < out[j].Topic
		}
		return out[i].Partition < out[j].Partition
	})
	return out
}

// positiveInt parses an integer in [1, limit], given as a number or as a
// string of digits.
func positiveInt(v *lang.Literal, limit int64) (int64, error) {
	if v.Kind != lang.LitInt && v.Kind != lang.LitString {
		return 0, wantErr("a positive integer", v)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v.Value), 10, 64)
	if err != nil {
		return 0, wantErr("a positive integer", v)
	}
	if n <= 0 {
		return 0, fmt.Errorf("must be a positive integer, got %d", n)
	}
	if n > limit {
		return 0, fmt.Errorf("must be at most %d, got %d", limit, n)
	}
	return n, nil
}

// oneOf parses a word out of allowed, case-insensitively, returning its
// canonical spelling, typed as allowed are (a RecordFormat for the
// formats).
func oneOf[T ~string](v *lang.Literal, allowed ...T) (T, error) {
	words := make([]string, len(allowed))
	for i, a := range allowed {
		words[i] = string(a)
	}
	if v.Kind == lang.LitString {
		for i, w := range words {
			if strings.EqualFold(strings.TrimSpace(v.Value), w) {
				return allowed[i], nil
			}
		}
	}
	return "", wantErr("one of '"+strings.Join(words, "', '")+"'", v)
}

// boolOption parses TRUE/FALSE or the strings 'true'/'false'.
func boolOption(v *lang.Literal) (bool, error) {
	if v.Kind == lang.LitBool || v.Kind == lang.LitString {
		switch strings.ToLower(strings.TrimSpace(v.Value)) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
	}
	return false, wantErr("true or false", v)
}

// timestampLayouts are the textual timestamps accepted besides epoch
// milliseconds; a timestamp without a zone is UTC.
var timestampLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02",
}

// timestampOption parses epoch milliseconds (a number or a string of
// digits, as Spark takes it) or an ISO-8601 timestamp string (UTC unless it
// has a zone).
func timestampOption(v *lang.Literal) (int64, error) {
	const want = "epoch milliseconds or an ISO-8601 timestamp such as '2026-01-01T00:00:00Z'"
	switch v.Kind {
	case lang.LitInt:
		n, err := strconv.ParseInt(v.Value, 10, 64)
		if err != nil {
			return 0, wantErr(want, v)
		}
		return n, nil
	case lang.LitString:
		s := strings.TrimSpace(v.Value)
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			if n < 0 {
				return 0, fmt.Errorf("must not be negative, got %d", n)
			}
			return n, nil
		}
		if ms, ok := parseTimestamp(s); ok {
			return ms, nil
		}
	}
	return 0, wantErr(want, v)
}

// parseTimestamp parses s with timestampLayouts into epoch milliseconds.
func parseTimestamp(s string) (int64, bool) {
	for _, layout := range timestampLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UnixMilli(), true
		}
	}
	return 0, false
}

// offsetsOption parses word (earliest or latest) or a JSON object of
// per-partition offsets, {"topic":{"0":23,"1":-2}}. sentinel is the
// special offset allowed at this end (-2 earliest for starts, -1 latest for
// ends); wrongWord and forbidden are the other end's word and sentinel. nil
// means word.
func offsetsOption(v *lang.Literal, word, wrongWord string, sentinel, forbidden int64) (map[string]map[int32]int64, error) {
	example := fmt.Sprintf(`'%s' or a JSON object such as '{"orders":{"0":23,"1":%d}}'`, word, sentinel)
	if v.Kind != lang.LitString {
		return nil, wantErr(example, v)
	}
	text := strings.TrimSpace(v.Value)
	if strings.EqualFold(text, word) {
		return nil, nil
	}
	if strings.EqualFold(text, wrongWord) {
		return nil, fmt.Errorf("'%s' is not allowed here; want %s", wrongWord, example)
	}
	m, err := partitionJSON(text, example)
	if err != nil {
		return nil, err
	}
	for _, tp := range sortedTPs(m) {
		off := m[tp.Topic][tp.Partition]
		switch {
		case off == forbidden:
			return nil, fmt.Errorf("%s: %d means %s, which is not allowed here (%d means %s)", tp, off, wrongWord, sentinel, word)
		case off < 0 && off != sentinel:
			return nil, fmt.Errorf("%s: offset %d is negative (%d means %s)", tp, off, sentinel, word)
		}
	}
	return m, nil
}

// timestampsOption parses a JSON object of per-partition epoch
// milliseconds, {"topic":{"0":1700000000000}}.
func timestampsOption(v *lang.Literal) (map[string]map[int32]int64, error) {
	const example = `a JSON object of epoch milliseconds such as '{"orders":{"0":1767225600000}}'`
	if v.Kind != lang.LitString {
		return nil, wantErr(example, v)
	}
	m, err := partitionJSON(strings.TrimSpace(v.Value), example)
	if err != nil {
		return nil, err
	}
	for _, tp := range sortedTPs(m) {
		if ms := m[tp.Topic][tp.Partition]; ms < 0 {
			return nil, fmt.Errorf("%s: timestamp %d is negative", tp, ms)
		}
	}
	return m, nil
}

// partitionJSON parses {"topic":{"partition":integer,...},...}.
func partitionJSON(text, example string) (map[string]map[int32]int64, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(text)))
	dec.UseNumber()
	var raw map[string]map[string]json.Number
	if err := dec.Decode(&raw); err != nil || dec.More() {
		if err == nil {
			err = fmt.Errorf("text after the object")
		}
		return nil, fmt.Errorf("want %s: %v", example, err)
	}
	if len(raw) == 0 {
		return nil, fmt.Errorf("want %s, got an empty object", example)
	}
	out := make(map[string]map[int32]int64, len(raw))
	for topic, parts := range raw {
		if topic == "" {
			return nil, fmt.Errorf("empty topic name in %s", text)
		}
		out[topic] = make(map[int32]int64, len(parts))
		for p, num := range parts {
			n, err := strconv.ParseInt(p, 10, 32)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("topic %q: %q is not a partition number", topic, p)
			}
			val, err := strconv.ParseInt(num.String(), 10, 64)
			if err != nil {
				return nil, fmt.Errorf("%s-%d: %s is not an integer", topic, n, num)
			}
			out[topic][int32(n)] = val
		}
	}
	return out, nil
}

// textOption takes any string, empty included.
func textOption(v *lang.Literal, want string) (string, error) {
	if v.Kind != lang.LitString {
		return "", wantErr(want, v)
	}
	return v.Value, nil
}

// stringOption takes a non-empty string.
func stringOption(v *lang.Literal, want string) (string, error) {
	if v.Kind != lang.LitString || strings.TrimSpace(v.Value) == "" {
		return "", wantErr(want, v)
	}
	return v.Value, nil
}

// urlOption takes an http:// or https:// URL (several comma-separated).
func urlOption(v *lang.Literal) (string, error) {
	s, err := stringOption(v, "a URL such as 'http://localhost:8081'")
	if err != nil {
		return "", err
	}
	for _, u := range strings.Split(s, ",") {
		u = strings.TrimSpace(u)
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			return "", fmt.Errorf("want an http:// or https:// URL, got %q", u)
		}
	}
	return s, nil
}
