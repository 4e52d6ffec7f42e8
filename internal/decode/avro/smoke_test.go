package avro

import "testing"

func TestSmoke(t *testing.T) {
	schema := `{"type":"record","name":"O","fields":[{"name":"a","type":"long"},{"name":"s","type":"string"},{"name":"n","type":["null","double"]}]}`
	f := mustFormat(t, schema)
	data := encode(t, schema, map[string]any{"a": int64(7), "s": "hé", "n": goavroUnion("double", 1.5)})
	row := decodeOne(t, f, all(f), data)
	t.Logf("%#v", row)
}
