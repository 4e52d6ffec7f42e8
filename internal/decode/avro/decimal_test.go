package avro

import (
	"math/big"
	"testing"
)

func TestDecodeDecimal(t *testing.T) {
	const schema = `{"type":"record","name":"R","fields":[
		{"name":"b","type":{"type":"bytes","logicalType":"decimal","precision":38,"scale":10}},
		{"name":"f","type":{"type":"fixed","name":"F16","size":16,"logicalType":"decimal","precision":38,"scale":10}},
		{"name":"s","type":{"type":"fixed","name":"F3","size":3,"logicalType":"decimal","precision":7,"scale":0}}]}`
	f := mustFormat(t, schema)
	max38 := nines(38)
	for _, c := range []struct {
		num, den *big.Int
		small    int64
		want     string // of b and f
	}{
		{big.NewInt(-1), big.NewInt(1), -1, "-1.0000000000"},
		{big.NewInt(-128), big.NewInt(1), -128, "-128.0000000000"}, // 0x80: one byte, negative
		{big.NewInt(128), big.NewInt(1), 128, "128.0000000000"},    // 0x00 0x80
		{big.NewInt(-129), big.NewInt(1), -8388608, "-129.0000000000"},
		{big.NewInt(255), big.NewInt(10000000000), 8388607, "0.0000000255"},
		{max38, pow10(10), 1, "9999999999999999999999999999.9999999999"},
		{new(big.Int).Neg(max38), pow10(10), -1, "-9999999999999999999999999999.9999999999"},
	} {
		native := map[string]any{"b": new(big.Rat).SetFrac(c.num, c.den), "f": new(big.Rat).SetFrac(c.num, c.den), "s": big.NewRat(c.small, 1)}
		got := decodeOne(t, f, all(f), encode(t, schema, native))
		if d := diff(got, []any{c.want, c.want, big.NewInt(c.small).String()}); d != "" {
			t.Errorf("%v/%v:\n%s", c.num, c.den, d)
		}
	}
	// Bytes longer than 16 that only extend the sign; empty bytes are 0.
	one := record(`{"type":"bytes","logicalType":"decimal","precision":5,"scale":2}`)
	f = mustFormat(t, one)
	for _, c := range []struct {
		bytes []byte
		want  string
	}{
		{append(make([]byte, 20), 0x30, 0x39), "123.45"},
		{append(repeat(0xff, 20), 0xcf, 0xc7), "-123.45"},
		{nil, "0.00"},
	} {
		if d := diff(decodeOne(t, f, all(f), wire{}.str(string(c.bytes))), []any{c.want}); d != "" {
			t.Errorf("% x:\n%s", c.bytes, d)
		}
	}
}

func repeat(b byte, n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = b
	}
	return out
}
