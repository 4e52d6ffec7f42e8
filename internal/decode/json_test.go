package decode

import (
	"fmt"
	"testing"
	"time"

	"github.com/kq-sql/kq/internal/plan"
)

func TestJSONObject(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want map[string]string // field -> kind:raw
		err  bool
	}{
		{in: `{}`, want: map[string]string{}},
		{in: ` { "a" : 1 , "b":"x\"y", "c":[1,{"d":"]"}], "e":null,"f":true, "g":-1.5e3 } `, want: map[string]string{
			"a": "3:1", "b": `2:"x\"y"`, "c": `5:[1,{"d":"]"}]`, "e": "1:null", "f": "4:true", "g": "3:-1.5e3"}},
		{in: `{"a\u0062":2}`, want: map[string]string{"ab": "3:2"}},
		{in: `{"a":1,"a":2}`, want: map[string]string{"a": "3:1"}}, // the first wins
		{in: `[1]`, err: true},
		{in: `{"a":}`, err: true},
		{in: `{"a":1`, err: true},
		{in: `{"a":1} x`, err: true},
		{in: `{"a":"x}`, err: true},
		{in: `{"a":[1,2}`, err: true},
		{in: `{"a":tru}`, err: true},
		{in: "{\"a\":\"\x01\"}", want: map[string]string{"a": "2:\"\x01\""}}, // control characters are tolerated
		{in: ``, err: true},
		// The whole value's syntax is checked, skipped and nested values too.
		{in: `{"a":01}`, err: true},
		{in: `{"a":1.}`, err: true},
		{in: `{"a":-}`, err: true},
		{in: `{"a":1e}`, err: true},
		{in: `{"a":+1}`, err: true},
		{in: `{"a":[1,,2]}`, err: true},
		{in: `{"a":[1 2]}`, err: true},
		{in: `{"a":[}`, err: true},
		{in: `{"a":{"b"}}`, err: true},
		{in: `{"a":{"b":1,}}`, err: true},
		{in: `{"a":[1,]}`, err: true},
		{in: `{"a":"\x"}`, err: true},
		{in: `{"a":"\u12"}`, err: true},
		{in: `{"a":[nul]}`, err: true},
		{in: `{"a":1,}`, err: true},
		{in: `{,}`, err: true},
		{in: `{"a" 1}`, err: true},
		{in: `{"a":{"b":[{"c":"\u00e9\""}, [], {}, -0.5E+2, true]}}`, want: map[string]string{"a": `5:{"b":[{"c":"\u00e9\""}, [], {}, -0.5E+2, true]}`}},
		{in: "{\"é\":\"ü\"}", want: map[string]string{"é": "2:\"ü\""}},
		{in: "{\"a\":\"\xff\"}", want: map[string]string{"a": "2:\"\xff\""}}, // UTF-8 is checked by the fields that keep it
	} {
		got := map[string]string{}
		slots := map[string]*jsonSlot{}
		var keyBuf []byte
		err := jsonObject([]byte(tc.in), &keyBuf, func(key []byte) *jsonSlot {
			s, ok := slots[string(key)]
			if !ok {
				s = &jsonSlot{}
				slots[string(key)] = s
			}
			return s
		})
		if (err != nil) != tc.err {
			t.Errorf("%s: err = %v, want error %v", tc.in, err, tc.err)
			continue
		}
		if tc.err {
			continue
		}
		for k, s := range slots {
			got[k] = fmt.Sprintf("%d:%s", s.kind, s.raw)
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: got %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestUnescape(t *testing.T) {
	for in, want := range map[string]string{
		`a\"b\\c\/d\n\t\u00e9\ud83d\ude00`: "a\"b\\c/d\n\té😀",
		`\ud83d`:                           "\uFFFD",       // a lone surrogate
		`\ud83dx`:                          "\uFFFDx",      // a lone surrogate
		`\ud83d\u0041`:                     "\uFFFDA",      // not a pair
		`\ude00\ud83d`:                     "\uFFFD\uFFFD", // the wrong order
		`\b\f\r\u0000`:                     "\b\f\r\x00",
	} {
		if got := unescape(nil, []byte(in)); string(got) != want {
			t.Errorf("unescape(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestParseTimestamp(t *testing.T) {
	for in, want := range map[string]string{
		"2026-01-01T00:00:00Z":          "2026-01-01T00:00:00Z",
		"2026-01-01T12:34:56.789Z":      "2026-01-01T12:34:56.789Z",
		"2026-01-01T12:34:56.789123Z":   "2026-01-01T12:34:56.789123Z",
		"2026-01-01 12:34:56":           "2026-01-01T12:34:56Z",
		"2026-01-01T12:34":              "2026-01-01T12:34:00Z",
		"2026-01-01":                    "2026-01-01T00:00:00Z",
		"2026-01-01T02:00:00+02:00":     "2026-01-01T00:00:00Z",
		"2026-01-01T00:00:00-0130":      "2026-01-01T01:30:00Z",
		"2025-12-31T23:00:00.5-01":      "2026-01-01T00:00:00.5Z",
		"2024-02-29T00:00:00Z":          "2024-02-29T00:00:00Z",
		"2025-02-29T00:00:00Z":          "",
		"2026-13-01":                    "",
		"2026-01-01T25:00:00Z":          "",
		"2026-01-01T00:00:00Q":          "",
		"20260101":                      "",
		"hello":                         "",
		"2026-01-01T00:00:00.Z":         "",
		"2026-01-01T00:00:00+2:00":      "",
		"2026-01-01X00:00:00":           "",
		"2026-01-01T00:00:00.000+00:00": "2026-01-01T00:00:00Z",
	} {
		us, err := parseTimestamp([]byte(in))
		got := ""
		if err == nil {
			got = time.UnixMicro(us).UTC().Format("2006-01-02T15:04:05.999999Z07:00")
		}
		if got != want {
			t.Errorf("parseTimestamp(%q) = %q (%v), want %q", in, got, err, want)
		}
	}
}

func TestInferFields(t *testing.T) {
	g := NewGuesser()
	for _, v := range []string{
		`{"id":1,"amount":2,"status":"paid","at":"2026-01-01T00:00:00Z","ok":true,"tags":["a"],"mixed":1,"nul":null,"Id":5}`,
		`{"id":2,"amount":2.5,"status":"new","at":"2026-01-02","ok":false,"tags":null,"mixed":"x","late":{"a":1}}`,
		`not json`,
		`{"id":9223372036854775807,"amount":-1e3}`,
	} {
		g.Add([]byte(v))
	}
	g.Add(nil)
	want := []plan.Field{
		{Name: "id", Type: plan.TypeBigint}, {Name: "amount", Type: plan.TypeDouble}, {Name: "status", Type: plan.TypeVarchar},
		{Name: "at", Type: plan.TypeTimestamp}, {Name: "ok", Type: plan.TypeBoolean}, {Name: "tags", Type: plan.TypeJSON},
		{Name: "mixed", Type: plan.TypeVarchar}, {Name: "nul", Type: plan.TypeVarchar}, {Name: "late", Type: plan.TypeJSON},
	}
	if got := g.Result(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("inferred %v\nwant     %v", got, want)
	}
}

func TestJSONInt(t *testing.T) {
	for in, want := range map[string]any{
		"0": int64(0), "-12": int64(-12), "9223372036854775807": int64(9223372036854775807),
		"-9223372036854775808": int64(-9223372036854775808), "9223372036854775808": "err",
		"5.0": int64(5), "1e3": int64(1000), "5.5": "err", "-": "err", "": "err", "1x": "err",
	} {
		n, err := jsonInt([]byte(in))
		var got any = n
		if err != nil {
			got = "err"
		}
		if got != want {
			t.Errorf("jsonInt(%q) = %v, want %v", in, got, want)
		}
	}
}

// TestCivilDays checks parseTimestamp's calendar against time.Date on
// every day of years 0 to 9999 (all that four digits write).
func TestCivilDays(t *testing.T) {
	for d := time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 10000; d = d.AddDate(0, 0, 1) {
		y, m, day := d.Date()
		if got, want := civilDays(y, int(m), day), d.Unix()/86400; got != want {
			t.Fatalf("civilDays(%d, %d, %d) = %d, want %d", y, m, day, got, want)
		}
		if day == 1 {
			if got, want := daysIn(y, int(m)), d.AddDate(0, 1, -1).Day(); got != want {
				t.Fatalf("daysIn(%d, %d) = %d, want %d", y, m, got, want)
			}
		}
	}
}
