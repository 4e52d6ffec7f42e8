package plan

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/kq-sql/kq/lang"
)

// Isolation levels, the values of the isolationLevel option.
const (
	ReadCommitted   = "read_committed"
	ReadUncommitted = "read_uncommitted"
)

// Options are the validated WITH options of one kafka() source. The zero
// value is not meaningful; use ParseOptions, which applies the defaults.
type Options struct {
	// StartingOffsets is nil for earliest, else partition offsets per topic
	// (-2 earliest).
	StartingOffsets map[string]map[int32]int64
	// EndingOffsets is nil for latest, else partition offsets per topic
	// (-1 latest), exclusive.
	EndingOffsets map[string]map[int32]int64
	// Split holds minPartitions, maxRecordsPerPartition and splitStrategy.
	Split SplitOptions
	// IsolationLevel is ReadCommitted (default) or ReadUncommitted.
	IsolationLevel string
	// FailOnDataLoss (default true) fails a query whose records are gone.
	FailOnDataLoss bool
	// IncludeHeaders (default false) adds the headers column.
	IncludeHeaders bool
}

// optionSetters maps the lower-cased option key to its parser.
var optionSetters = map[string]func(o *Options, v *lang.Literal) error{
	"startingoffsets": func(o *Options, v *lang.Literal) error {
		m, err := offsetsOption(v, "earliest", -2, -1)
		o.StartingOffsets = m
		return err
	},
	"endingoffsets": func(o *Options, v *lang.Literal) error {
		m, err := offsetsOption(v, "latest", -1, -2)
		o.EndingOffsets = m
		return err
	},
	"minpartitions": func(o *Options, v *lang.Literal) error {
		n, err := positiveInt(v)
		o.Split.MinPartitions = int(n)
		return err
	},
	"maxrecordsperpartition": func(o *Options, v *lang.Literal) error {
		n, err := positiveInt(v)
		o.Split.MaxRecordsPerPartition = n
		return err
	},
	"splitstrategy": func(o *Options, v *lang.Literal) error {
		s, err := oneOf(v, SplitBalanced, SplitSpark)
		o.Split.Strategy = s
		return err
	},
	"isolationlevel": func(o *Options, v *lang.Literal) error {
		s, err := oneOf(v, ReadCommitted, ReadUncommitted)
		o.IsolationLevel = s
		return err
	},
	"failondataloss": func(o *Options, v *lang.Literal) error {
		b, err := boolOption(v)
		o.FailOnDataLoss = b
		return err
	},
	"includeheaders": func(o *Options, v *lang.Literal) error {
		b, err := boolOption(v)
		o.IncludeHeaders = b
		return err
	},
}

// canonicalOption gives the documented spelling of each option for errors.
var canonicalOption = map[string]string{
	"startingoffsets":        "startingOffsets",
	"endingoffsets":          "endingOffsets",
	"minpartitions":          "minPartitions",
	"maxrecordsperpartition": "maxRecordsPerPartition",
	"splitstrategy":          "splitStrategy",
	"isolationlevel":         "isolationLevel",
	"failondataloss":         "failOnDataLoss",
	"includeheaders":         "includeHeaders",
}

// ParseOptions validates a WITH clause. Keys are case-insensitive; errors
// are *lang.Error values that name the option and point at it.
func ParseOptions(opts []*lang.Option) (Options, error) {
	o := Options{IsolationLevel: ReadCommitted, FailOnDataLoss: true, Split: SplitOptions{Strategy: SplitBalanced}}
	seen := map[string]bool{}
	for _, opt := range opts {
		key := strings.ToLower(opt.Key)
		set, ok := optionSetters[key]
		if !ok {
			return o, lang.Errorf(opt.Pos, "unknown option %q (allowed: %s)", opt.Key, allowedOptions())
		}
		if seen[key] {
			return o, lang.Errorf(opt.Pos, "option %s is given twice", canonicalOption[key])
		}
		seen[key] = true
		if err := set(&o, opt.Value); err != nil {
			return o, lang.Errorf(opt.Value.Pos, "option %s: %v", canonicalOption[key], err)
		}
	}
	return o, nil
}

func allowedOptions() string {
	names := make([]string, 0, len(canonicalOption))
	for _, n := range canonicalOption {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func positiveInt(v *lang.Literal) (int64, error) {
	text := v.Value
	if v.Kind != lang.LitInt && v.Kind != lang.LitString {
		return 0, fmt.Errorf("want a positive integer, got %s", v)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(text), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("want a positive integer, got %s", v)
	}
	if n <= 0 {
		return 0, fmt.Errorf("must be positive, got %d", n)
	}
	return n, nil
}

func oneOf(v *lang.Literal, allowed ...string) (string, error) {
	if v.Kind == lang.LitString {
		for _, a := range allowed {
			if strings.EqualFold(v.Value, a) {
				return a, nil
			}
		}
	}
	return "", fmt.Errorf("want one of %s, got %s", strings.Join(allowed, ", "), v)
}

func boolOption(v *lang.Literal) (bool, error) {
	if v.Kind == lang.LitBool || v.Kind == lang.LitString {
		switch strings.ToLower(v.Value) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
	}
	return false, fmt.Errorf("want true or false, got %s", v)
}

// offsetsOption parses `word` (earliest or latest) or a JSON object of
// per-partition offsets. sentinel is the special offset allowed for this
// end (-2 earliest for starts, -1 latest for ends); forbidden is the other.
func offsetsOption(v *lang.Literal, word string, sentinel, forbidden int64) (map[string]map[int32]int64, error) {
	if v.Kind != lang.LitString {
		return nil, fmt.Errorf("want '%s' or a JSON object such as '{\"topic\":{\"0\":23}}', got %s", word, v)
	}
	if strings.EqualFold(strings.TrimSpace(v.Value), word) {
		return nil, nil
	}
	var raw map[string]map[string]int64
	if err := json.Unmarshal([]byte(v.Value), &raw); err != nil {
		return nil, fmt.Errorf("want '%s' or a JSON object such as '{\"topic\":{\"0\":23}}': %v", word, err)
	}
	out := make(map[string]map[int32]int64, len(raw))
	for topic, parts := range raw {
		out[topic] = make(map[int32]int64, len(parts))
		for p, off := range parts {
			n, err := strconv.ParseInt(p, 10, 32)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("topic %q: partition %q is not a partition number", topic, p)
			}
			if off < 0 && off != sentinel {
				if off == forbidden {
					return nil, fmt.Errorf("topic %q partition %d: offset %d is not allowed here", topic, n, off)
				}
				return nil, fmt.Errorf("topic %q partition %d: offset %d is negative", topic, n, off)
			}
			out[topic][int32(n)] = off
		}
	}
	return out, nil
}
