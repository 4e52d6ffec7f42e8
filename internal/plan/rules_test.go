package plan

import (
	"reflect"
	"strings"
	"testing"

	"github.com/kq-sql/kq/lang"
)

// optimized builds and optimizes sql without resolving it (no cluster).
func optimized(t *testing.T, sql string) Node {
	t.Helper()
	stmt, err := lang.Parse(sql)
	if err != nil {
		t.Fatalf("parse %s: %v", sql, err)
	}
	root, err := BuildStatement(stmt)
	if err != nil {
		t.Fatalf("build %s: %v", sql, err)
	}
	return Optimize(root)
}

func onlyScan(t *testing.T, root Node) *Scan {
	t.Helper()
	scans := Scans(root)
	if len(scans) != 1 {
		t.Fatalf("%d scans in\n%s", len(scans), Format(root))
	}
	return scans[0]
}

func TestPushFilter(t *testing.T) {
	ts := func(s string) int64 {
		ms, ok := parseTimestamp(s)
		if !ok {
			t.Fatalf("bad timestamp %s", s)
		}
		return ms
	}
	all := Interval{}
	for _, tc := range []struct {
		where      string
		partitions []int32
		offsets    Interval
		timestamp  Interval
		residual   string // the Filter left, "" for none
	}{
		{"partition = 1", []int32{1}, all, all, ""},
		{"1 = partition", []int32{1}, all, all, ""},
		{"partition IN (2, 0, 2)", []int32{0, 2}, all, all, ""},
		{"partition BETWEEN 1 AND 3", []int32{1, 2, 3}, all, all, ""},
		{"partition = -1", []int32{}, all, all, ""},
		{"partition IN (1, 2) AND partition IN (2, 3)", []int32{2}, all, all, ""},
		{"(partition = 0 OR partition = 2)", []int32{0, 2}, all, all, ""},
		{"partition < 2", []int32{0, 1}, all, all, ""},
		{"partition <= 2", []int32{0, 1, 2}, all, all, ""},
		{"2 > partition", []int32{0, 1}, all, all, ""},
		{"partition < 0", []int32{}, all, all, ""},
		{"partition <= -1", []int32{}, all, all, ""},
		{"partition < -9223372036854775807", []int32{}, all, all, ""},
		{"partition < 2 AND partition IN (1, 5)", []int32{1}, all, all, ""},
		{"(partition < 1 OR partition = 3)", []int32{0, 3}, all, all, ""},
		{"partition > 2", nil, all, all, "partition > 2"},
		{"partition >= 2 AND partition < 4", []int32{0, 1, 2, 3}, all, all, "partition >= 2"},
		{"partition < 1000000", nil, all, all, "partition < 1000000"},
		{"partition NOT IN (1)", nil, all, all, "partition NOT IN (1)"},
		{"offset >= 5", nil, all.AtLeast(5), all, ""},
		{"offset > 5", nil, all.AtLeast(6), all, ""},
		{"offset < 5", nil, all.Below(5), all, ""},
		{"offset <= 5", nil, all.Below(6), all, ""},
		{"offset = 5", nil, all.AtLeast(5).Below(6), all, ""},
		{"5 < offset", nil, all.AtLeast(6), all, ""},
		{"offset > -(3)", nil, all.AtLeast(-2), all, ""},
		{"offset BETWEEN 10 AND 20", nil, all.AtLeast(10).Below(21), all, ""},
		{"offset NOT BETWEEN 10 AND 20", nil, all, all, "offset NOT BETWEEN 10 AND 20"},
		{"offset >= 10 AND offset < 20 AND offset > 12", nil, all.AtLeast(13).Below(20), all, ""},
		{"(offset < 10 OR offset >= 10)", nil, all, all, ""},
		{"(offset < 10 OR offset > 100)", nil, all, all, "(offset < 10 OR offset > 100)"},
		{"(offset BETWEEN 0 AND 9 OR offset BETWEEN 20 AND 29)", nil, all.AtLeast(0).Below(30), all, "(offset BETWEEN 0 AND 9 OR offset BETWEEN 20 AND 29)"},
		{"(offset > 5 OR partition = 1)", nil, all, all, "(offset > 5 OR partition = 1)"},
		{"offset > 5.5", nil, all, all, "offset > 5.5"},
		{"offset > key", nil, all, all, "offset > key"},
		{"timestamp >= 1767225600000", nil, all, all, "timestamp >= 1767225600000"},
		{"timestamp >= TIMESTAMP '2026-01-01 00:00:00'", nil, all, all.AtLeast(ts("2026-01-01T00:00:00Z")), ""},
		{"timestamp > TIMESTAMP '2026-01-01 00:00:00'", nil, all, all.AtLeast(ts("2026-01-01T00:00:00.001Z")), ""},
		{"timestamp > '2026-01-01 00:00:00.0005'", nil, all, all.AtLeast(ts("2026-01-01T00:00:00.001Z")), ""},
		{"timestamp >= '2026-01-01 00:00:00.0005'", nil, all, all.AtLeast(ts("2026-01-01T00:00:00.001Z")), ""},
		{"timestamp < '2026-01-01 00:00:00.0005'", nil, all, all.Below(ts("2026-01-01T00:00:00.001Z")), ""},
		{"timestamp <= '2026-01-01 00:00:00.0005'", nil, all, all.Below(ts("2026-01-01T00:00:00.001Z")), ""},
		{"timestamp = '2026-01-01 00:00:00.0005'", nil, all, all.AtLeast(ts("2026-01-01T00:00:00.001Z")).Below(ts("2026-01-01T00:00:00.001Z")), ""},
		{"timestamp BETWEEN '2026-01-01' AND '2026-01-02'", nil, all, all.AtLeast(ts("2026-01-01T00:00:00Z")).Below(ts("2026-01-02T00:00:00.001Z")), ""},
		{"timestamp >= TIMESTAMPTZ '2026-01-01 02:00:00+02'", nil, all, all.AtLeast(ts("2026-01-01T00:00:00Z")), ""},
		{"timestamp >= '2026-01-01T00:00:00Z'", nil, all, all.AtLeast(ts("2026-01-01T00:00:00Z")), ""},
		{"timestamp < '2026-01-01 01:00:00.5+01:00'", nil, all, all.Below(ts("2026-01-01T00:00:00.5Z")), ""},
		{"timestamp >= 'yesterday'", nil, all, all, "timestamp >= 'yesterday'"},
		{"timestamp >= '2026-01-01 00:00:00.1234567'", nil, all, all, "timestamp >= '2026-01-01 00:00:00.1234567'"},
		{"key = 'x' AND partition = 2 AND value IS NULL", []int32{2}, all, all, "key = 'x' AND value IS NULL"},
		{"PARTITION = 1 AND \"offset\" >= 3", []int32{1}, all.AtLeast(3), all, ""},
	} {
		t.Run(tc.where, func(t *testing.T) {
			root := optimized(t, "SELECT key FROM kafka('orders') WHERE "+tc.where)
			s := onlyScan(t, root)
			if !reflect.DeepEqual(s.Partitions, tc.partitions) {
				t.Errorf("partitions %v, want %v", s.Partitions, tc.partitions)
			}
			if s.Offsets != tc.offsets {
				t.Errorf("offsets %v, want %v", s.Offsets, tc.offsets)
			}
			if s.Timestamp != tc.timestamp {
				t.Errorf("timestamp %v, want %v", s.Timestamp.TimeString(), tc.timestamp.TimeString())
			}
			residual := ""
			Transform(root, func(n Node) Node {
				if f, ok := n.(*Filter); ok {
					residual = exprsString(f.Cond, " AND ")
				}
				return n
			})
			if residual != tc.residual {
				t.Errorf("residual filter %q, want %q", residual, tc.residual)
			}
		})
	}
}

func TestPushFilterSources(t *testing.T) {
	for _, tc := range []struct {
		name, sql string
		pushed    []string // per scan in source order: the pushed conjuncts
	}{
		{"alias qualified", "SELECT o.key FROM kafka('orders') AS o WHERE o.partition = 1", []string{"o.partition = 1"}},
		{"alias case-insensitive", "SELECT o.key FROM kafka('orders') AS O WHERE o.offset > 3", []string{"o.offset > 3"}},
		{"topic as qualifier", "SELECT orders.key FROM kafka('orders') WHERE orders.partition = 1", []string{"orders.partition = 1"}},
		{"other qualifier", "SELECT o.key FROM kafka('orders') AS o WHERE x.partition = 1", []string{""}},
		{"unqualified in a join", "SELECT 1 FROM kafka('orders') AS o JOIN t ON o.key = t.key WHERE partition = 1", []string{""}},
		{"qualified in a join", "SELECT 1 FROM kafka('orders') AS o LEFT JOIN kafka('payments') AS p ON o.key = p.key WHERE p.offset < 9 AND o.partition = 0",
			[]string{"o.partition = 0", "p.offset < 9"}},
		{"comma join", "SELECT 1 FROM kafka('orders') a, kafka('payments') b WHERE a.partition = 1 AND b.partition = 0",
			[]string{"a.partition = 1", "b.partition = 0"}},
		{"or across sources", "SELECT 1 FROM kafka('orders') a, kafka('payments') b WHERE a.partition = 1 OR b.partition = 0", []string{"", ""}},
		{"not through a subquery", "SELECT 1 FROM (SELECT * FROM kafka('orders')) s WHERE s.partition = 1", []string{""}},
		{"inside a subquery", "SELECT * FROM (SELECT * FROM kafka('orders') WHERE partition = 1) s", []string{"partition = 1"}},
		{"having is not pushed", "SELECT partition, COUNT(*) FROM kafka('orders') GROUP BY partition HAVING partition = 1", []string{""}},
		{"cte", "WITH x AS (SELECT * FROM kafka('orders') WHERE offset > 1) SELECT * FROM x WHERE offset > 2", []string{"offset > 1"}},
		{"expression subquery", "SELECT 1 FROM kafka('orders') o WHERE o.offset IN (SELECT offset FROM kafka('payments') WHERE partition = 0)",
			[]string{"", "partition = 0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := optimized(t, tc.sql)
			scans := Scans(root)
			sortScans(scans)
			if len(scans) != len(tc.pushed) {
				t.Fatalf("%d scans, want %d:\n%s", len(scans), len(tc.pushed), Format(root))
			}
			for i, s := range scans {
				if got := exprsString(s.Pushed, " AND "); got != tc.pushed[i] {
					t.Errorf("scan %d pushed %q, want %q\n%s", i, got, tc.pushed[i], Format(root))
				}
			}
		})
	}
}

func sortScans(scans []*Scan) {
	for i := 1; i < len(scans); i++ {
		for j := i; j > 0 && scans[j].Pos.Offset < scans[j-1].Pos.Offset; j-- {
			scans[j], scans[j-1] = scans[j-1], scans[j]
		}
	}
}

func TestPushLimit(t *testing.T) {
	for _, tc := range []struct {
		sql   string
		limit int64
	}{
		{"SELECT * FROM kafka('orders') LIMIT 5", 5},
		{"SELECT key FROM kafka('orders') LIMIT 5 OFFSET 3", 8},
		{"SELECT key FROM kafka('orders') WHERE partition = 1 AND offset > 7 LIMIT 5", 5},
		{"SELECT key FROM kafka('orders') WHERE timestamp > '2026-01-01' LIMIT 5", 5},
		{"SELECT key FROM kafka('orders') WHERE timestamp > 1000 LIMIT 5", -1},
		{"SELECT key FROM kafka('orders') LIMIT 0", 0},
		{"SELECT * FROM (SELECT key FROM kafka('orders') LIMIT 4) s ORDER BY key", 4},
		{"SELECT key FROM kafka('orders') WHERE key = 'a' LIMIT 5", -1},
		{"SELECT key FROM kafka('orders') ORDER BY key LIMIT 5", -1},
		{"SELECT DISTINCT key FROM kafka('orders') LIMIT 5", -1},
		{"SELECT COUNT(*) FROM kafka('orders') LIMIT 5", -1},
		{"SELECT approx_count_distinct(key) FROM kafka('orders') LIMIT 1", -1},
		{"SELECT row_number() OVER (ORDER BY offset) FROM kafka('orders') LIMIT 5", -1},
		{"SELECT key FROM kafka('orders') OFFSET 5", -1},
		{"SELECT key FROM (SELECT * FROM kafka('orders')) s LIMIT 5", 5},
		{"SELECT * FROM (SELECT key FROM kafka('orders') LIMIT 4 OFFSET 2) s LIMIT 1", 3},
		{"SELECT * FROM (SELECT key FROM kafka('orders') LIMIT 4 OFFSET 2) s LIMIT 10", 6},
		{"SELECT * FROM (SELECT key FROM kafka('orders') OFFSET 2) s LIMIT 10", 12},
		{"SELECT key FROM kafka('orders') UNION ALL SELECT key FROM kafka('payments') LIMIT 3", 3},
		{"SELECT key FROM kafka('orders') UNION SELECT key FROM kafka('payments') LIMIT 3", -1},
		{"SELECT key FROM (SELECT key FROM kafka('orders') ORDER BY key) s LIMIT 3", -1},
		{"SELECT key FROM (SELECT key FROM kafka('orders') WHERE key > 'a') s LIMIT 3", -1},
		{"SELECT key FROM kafka('orders') WHERE offset IN (SELECT offset FROM t) LIMIT 5", -1},
	} {
		t.Run(tc.sql, func(t *testing.T) {
			root := optimized(t, tc.sql)
			for _, s := range Scans(root) {
				if s.Limit != tc.limit {
					t.Errorf("scan limit %d, want %d\n%s", s.Limit, tc.limit, Format(root))
				}
			}
		})
	}
}

func TestPruneColumns(t *testing.T) {
	for _, tc := range []struct {
		sql     string
		columns string
		fields  string // "*" for AllFields
	}{
		{"SELECT key FROM kafka('orders')", "key", ""},
		{"SELECT * FROM kafka('orders')", "key, value, topic, partition, offset, timestamp, timestampType", ""},
		{"SELECT * FROM kafka('orders') WITH (includeHeaders=true)", "key, value, topic, partition, offset, timestamp, timestampType, headers", ""},
		{"SELECT 1 FROM kafka('orders')", "partition", ""},
		{"SELECT orders.offset FROM kafka('orders')", "offset", ""},
		{"SELECT orders.* FROM kafka('orders') JOIN t ON true", "key, value, topic, partition, offset, timestamp, timestampType", ""},
		{"SELECT o.key FROM kafka('orders') o WHERE o.partition = 1 ORDER BY o.\"timestamp\"", "key, partition, timestamp", ""},
		{"SELECT length(value) FROM kafka('orders') GROUP BY topic HAVING max(offset) > 1", "value, topic, offset", ""},
		{"SELECT SUM(offset) OVER (PARTITION BY key ORDER BY timestamp) FROM kafka('orders')", "key, offset, timestamp", ""},
		{"SELECT o.key FROM kafka('orders') o JOIN kafka('payments') p USING (key) WHERE p.offset > 1", "key", ""},
		{"SELECT p.* FROM kafka('orders') o JOIN kafka('payments') p ON o.key = p.key", "key", ""},
		{"SELECT amount FROM kafka('orders') WITH (valueFormat='json') WHERE value.status = 'paid'", "value", "amount, value.status"},
		{"SELECT amount AS a FROM kafka('orders') WITH (valueFormat='json') ORDER BY a", "partition", "amount"},
		{"SELECT key.id, offset FROM kafka('orders') WITH (keyFormat='json')", "key, offset", "key.id"},
		// * hides a decoded value (and key): its fields are the columns.
		{"SELECT * FROM kafka('orders') WITH (valueFormat='json')", "key, topic, partition, offset, timestamp, timestampType", "*"},
		{"SELECT * FROM kafka('orders') WITH (valueFormat='json', keyFormat='json')", "topic, partition, offset, timestamp, timestampType", "*"},
		{"SELECT *, value FROM kafka('orders') WITH (valueFormat='avro')", "key, value, topic, partition, offset, timestamp, timestampType", "*"},
		{"SELECT o.*, value.amount FROM kafka('orders') WITH (valueFormat='json') o", "key, value, topic, partition, offset, timestamp, timestampType", "*"},
		{"SELECT COUNT(*) FROM kafka('orders') WITH (valueFormat='json')", "", ""},
		{"SELECT key FROM kafka('orders') UNION ALL SELECT offset FROM kafka('payments')", "key", ""},
		{"SELECT key FROM kafka('orders') o WHERE EXISTS (SELECT 1 FROM t WHERE t.x = o.offset)", "key, offset", ""},
		{"WITH x AS (SELECT key FROM kafka('orders')) SELECT offset FROM x", "key", ""},
		{"SELECT s.offset FROM (SELECT offset FROM kafka('orders')) s WHERE s.key = 'a'", "offset", ""},
	} {
		t.Run(tc.sql, func(t *testing.T) {
			root := optimized(t, tc.sql)
			s := Scans(root)[0]
			sortScans(Scans(root))
			if got := strings.Join(s.Columns, ", "); got != tc.columns {
				t.Errorf("columns %q, want %q", got, tc.columns)
			}
			fields := strings.Join(s.fieldNames(), ", ")
			if s.AllFields {
				fields = "*"
			}
			if fields != tc.fields {
				t.Errorf("fields %q, want %q", fields, tc.fields)
			}
		})
	}
}

// TestPruneColumnsFieldRefs checks the typed references PruneColumns
// builds: the part each name is decoded from, the name without the part,
// and a quoted name with a dot in it, which is a field of that name.
func TestPruneColumnsFieldRefs(t *testing.T) {
	v := func(name string, qualified bool) FieldRef {
		return FieldRef{Part: PartValue, Name: name, Qualified: qualified}
	}
	k := func(name string) FieldRef { return FieldRef{Part: PartKey, Name: name} }
	for _, tc := range []struct {
		sql  string
		want []FieldRef
	}{
		{"SELECT amount FROM kafka('orders') WITH (valueFormat='json') WHERE value.status = 'paid'", []FieldRef{v("amount", false), v("status", true)}},
		{"SELECT Amount, amount, value.AMOUNT FROM kafka('orders') WITH (valueFormat='json')", []FieldRef{v("Amount", false), v("AMOUNT", true)}},
		{"SELECT key.id, offset FROM kafka('orders') WITH (keyFormat='json')", []FieldRef{k("id")}},
		{"SELECT id, key.ID FROM kafka('orders') WITH (keyFormat='json')", []FieldRef{k("id")}},
		{"SELECT id FROM kafka('orders') WITH (valueFormat='json', keyFormat='json')", []FieldRef{v("id", false), k("id")}},
		{`SELECT "value.x", "key.y" FROM kafka('orders') WITH (valueFormat='json')`, []FieldRef{v("value.x", false), v("key.y", false)}},
	} {
		t.Run(tc.sql, func(t *testing.T) {
			s := onlyScan(t, optimized(t, tc.sql))
			if !reflect.DeepEqual(s.Fields, tc.want) {
				t.Errorf("fields %#v, want %#v", s.Fields, tc.want)
			}
		})
	}
}

func TestFieldRefString(t *testing.T) {
	for _, tc := range []struct {
		ref  FieldRef
		want string
	}{
		{FieldRef{Part: PartValue, Name: "f"}, "f"},
		{FieldRef{Part: PartValue, Name: "f", Qualified: true}, "value.f"},
		{FieldRef{Part: PartKey, Name: "f"}, "key.f"},
		{FieldRef{Part: PartKey, Name: "f", Qualified: true}, "key.f"},
	} {
		if got := tc.ref.String(); got != tc.want {
			t.Errorf("%#v prints %q, want %q", tc.ref, got, tc.want)
		}
	}
	if r := (FieldRef{Part: PartKey, Name: "Id"}); !r.Matches(PartKey, "ID") || r.Matches(PartValue, "Id") || r.Matches(PartKey, "idx") {
		t.Error("Matches compares the part exactly and the name case-insensitively")
	}
}

func TestCountOnly(t *testing.T) {
	for _, tc := range []struct {
		sql  string
		want bool
	}{
		{"SELECT COUNT(*) FROM kafka('orders')", true},
		{"SELECT COUNT(*) AS n, count(*) FROM kafka('orders') WHERE partition = 1 AND offset BETWEEN 1 AND 9 AND timestamp >= '2026-01-01'", true},
		{"SELECT COUNT(*) FROM kafka('orders') WHERE timestamp >= 5", false},
		{"SELECT COUNT(*) FROM kafka('orders') LIMIT 1", true},
		{"EXPLAIN SELECT COUNT(*) FROM kafka('orders')", true},
		{"SELECT COUNT(*) FROM kafka('orders') LIMIT 0", false},
		{"SELECT COUNT(*) FROM kafka('orders') LIMIT 1 OFFSET 1", false},
		{"SELECT COUNT(*) FROM kafka('orders') WHERE key = 'a'", false},
		{"SELECT COUNT(*) FROM kafka('orders') WHERE (offset < 5 OR offset > 9)", false},
		{"SELECT COUNT(key) FROM kafka('orders')", false},
		{"SELECT COUNT(DISTINCT key) FROM kafka('orders')", false},
		{"SELECT COUNT(*) FILTER (WHERE offset > 1) FROM kafka('orders')", false},
		{"SELECT COUNT(*), SUM(offset) FROM kafka('orders')", false},
		{"SELECT COUNT(*) FROM kafka('orders') GROUP BY partition", false},
		{"SELECT COUNT(*) + 1 FROM kafka('orders')", false},
		{"SELECT COUNT(*) FROM kafka('orders') o JOIN kafka('payments') p ON o.key = p.key", false},
		{"SELECT * FROM (SELECT COUNT(*) FROM kafka('orders')) s", false},
		{"COPY (SELECT COUNT(*) FROM kafka('orders')) TO 'x.csv'", false},
	} {
		t.Run(tc.sql, func(t *testing.T) {
			root := optimized(t, tc.sql)
			if got := IsCountOnly(root); got != tc.want {
				t.Errorf("count-only %v, want %v\n%s", got, tc.want, Format(root))
			}
			if tc.want {
				s := onlyScan(t, root)
				if !s.CountOnly || len(s.Columns) != 0 {
					t.Errorf("scan %s", s)
				}
			}
		})
	}
}

func TestBuildStatementErrors(t *testing.T) {
	for _, tc := range []struct{ sql, want string }{
		{"SHOW TOPICS", "cannot plan SHOW: plans are made for queries, COPY, CREATE TABLE AS and INSERT"},
		{"SELECT * FROM kafka('a,,b')", "1:15: kafka(): empty topic name in 'a,,b'"},
		{"SELECT * FROM kafka('a', 'a')", `kafka(): topic "a" is named twice`},
		{"SELECT * FROM kafka('a') o JOIN kafka('b') WITH (minPartitions=0) p ON true", "option minPartitions"},
		{"SELECT (SELECT COUNT(*) FROM kafka('a') WITH (bogus=1))", "unknown option bogus"},
	} {
		stmt, err := lang.Parse(tc.sql)
		if err != nil {
			t.Fatalf("parse %s: %v", tc.sql, err)
		}
		_, err = BuildStatement(stmt)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.sql, err, tc.want)
		}
	}
}

// TestJoinKind checks that the planner takes every join kind lang makes
// and refuses, with the join's position, one it does not know.
func TestJoinKind(t *testing.T) {
	for _, k := range []JoinKind{JoinInner, JoinLeft, JoinRight, JoinFull, JoinCross} {
		if got, err := joinKind(&lang.Join{Kind: string(k)}); got != k || err != nil {
			t.Errorf("joinKind(%s) = %q, %v", k, got, err)
		}
	}
	_, err := joinKind(&lang.Join{Pos: lang.Pos{Line: 1, Column: 9}, Kind: "NATURAL"})
	if err == nil || err.Error() != "1:9: cannot plan NATURAL JOIN" {
		t.Errorf("got %v, want 1:9: cannot plan NATURAL JOIN", err)
	}
}

func TestIntervalString(t *testing.T) {
	iv := Interval{}
	if iv.String() != "[-inf, +inf)" || iv.Bounded() || iv.Empty() || !iv.Contains(-5) {
		t.Errorf("zero interval: %v", iv)
	}
	iv = iv.AtLeast(3).Below(7).AtLeast(2).Below(9)
	if iv.String() != "[3, 7)" || !iv.Contains(3) || iv.Contains(7) {
		t.Errorf("narrowed: %v", iv)
	}
	if from, until := iv.Clamp(0, 5); from != 3 || until != 5 {
		t.Errorf("clamp: %d, %d", from, until)
	}
	if !iv.Intersect(Interval{}.AtLeast(7)).Empty() {
		t.Error("disjoint intersection is not empty")
	}
	if got := (Interval{}).AtLeast(1767225600000).TimeString(); got != "[2026-01-01T00:00:00.000Z, +inf)" {
		t.Errorf("TimeString: %s", got)
	}
}
