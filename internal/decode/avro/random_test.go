package avro

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	hamba "github.com/hamba/avro/v2"
	"github.com/linkedin/goavro/v2"
)

// TestRandomValues decodes random values of fuzzSchema, written by
// goavro, and compares them with what goavro reads back: where
// FuzzDecode mostly explores payloads that do not decode, this explores
// the ones that do (deep lists, empty and long arrays, every union
// member, extreme numbers).
func TestRandomValues(t *testing.T) {
	s := mustParse(t, fuzzSchema)
	f := mustFormat(t, fuzzSchema)
	codec, err := goavro.NewCodec(fuzzSchema)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var payloads [][]byte
	var natives []any
	for range 300 {
		data, err := codec.BinaryFromNative(nil, randomValue(rng, s, 0))
		if err != nil {
			t.Fatal(err)
		}
		native, _, err := codec.NativeFromBinary(data)
		if err != nil {
			t.Fatal(err)
		}
		payloads, natives = append(payloads, data), append(natives, native)
	}
	for _, idx := range [][]int{all(f), {0, 4, 8, 12, 16}, {15}} {
		dec, err := f.Decoder(idx)
		if err != nil {
			t.Fatal(err)
		}
		rows, errs := run(t, f, dec, idx, payloads...)
		for r := range payloads {
			if errs[r] != nil {
				t.Fatalf("value %d: %v", r, errs[r])
			}
			want := canon(s, natives[r], 0).(map[string]any)
			for k, i := range idx {
				name := f.Fields()[i].Name
				if !same(lastKeys(rows[r][k]), want[name]) {
					t.Fatalf("value %d, field %s: kq %#v, goavro %#v", r, name, rows[r][k], want[name])
				}
			}
		}
	}
}

// randomValue returns a random goavro value of type s.
func randomValue(rng *rand.Rand, s hamba.Schema, depth int) any {
	s = deref(s)
	switch s := s.(type) {
	case *hamba.NullSchema:
		return nil
	case *hamba.UnionSchema:
		// null one time in 8 (lists of 8 nodes on average), else any member
		types, sh := s.Types(), shapeOf(s)
		m := types[sh.members[rng.IntN(len(sh.members))]]
		if sh.null >= 0 && (rng.IntN(8) == 0 || depth > 60) {
			m = types[sh.null]
		}
		if deref(m).Type() == hamba.Null {
			return nil
		}
		return goavro.Union(unionName(m), randomValue(rng, m, depth+1))
	case *hamba.RecordSchema:
		v := map[string]any{}
		for _, f := range s.Fields() {
			v[f.Name()] = randomValue(rng, f.Type(), depth+1)
		}
		return v
	case *hamba.ArraySchema:
		v := []any{}
		for range rng.IntN(4) * rng.IntN(4) {
			v = append(v, randomValue(rng, s.Items(), depth+1))
		}
		return v
	case *hamba.MapSchema:
		v := map[string]any{}
		for range rng.IntN(4) {
			v[randomString(rng)] = randomValue(rng, s.Values(), depth+1)
		}
		return v
	case *hamba.EnumSchema:
		return s.Symbols()[rng.IntN(len(s.Symbols()))]
	case *hamba.FixedSchema:
		if d := decimalOf(s); d != nil {
			return randomDecimal(rng, d)
		}
		return randomBytes(rng, s.Size())
	}
	if d := decimalOf(s); d != nil {
		return randomDecimal(rng, d)
	}
	switch s.Type() {
	case hamba.Boolean:
		return rng.IntN(2) == 1
	case hamba.Int:
		return int32(randomInt(rng))
	case hamba.Long:
		return randomInt(rng)
	case hamba.Float:
		return math.Float32frombits(rng.Uint32())
	case hamba.Double:
		return math.Float64frombits(rng.Uint64())
	case hamba.String:
		return randomString(rng)
	case hamba.Bytes:
		return randomBytes(rng, rng.IntN(20))
	}
	panic("no random " + describe(s))
}

// randomInt returns an integer of a random number of bits, of either sign.
func randomInt(rng *rand.Rand) int64 {
	v := int64(rng.Uint64() >> rng.IntN(64))
	if rng.IntN(2) == 0 {
		return -v
	}
	return v
}

func randomString(rng *rand.Rand) string {
	var b strings.Builder
	for range rng.IntN(12) {
		b.WriteRune([]rune{'a', 'é', '"', '\\', '\n', 0, '日', '🙂', 0x7f, 0xfffd}[rng.IntN(10)])
	}
	return b.String()
}

func randomBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// randomDecimal returns a decimal that fits the precision (and is not 0:
// goavro encodes a fixed 0 in one byte).
func randomDecimal(rng *rand.Rand, d *hamba.DecimalLogicalSchema) *big.Rat {
	n := new(big.Int) // precision random digits
	for range d.Precision() {
		n.Mul(n, big.NewInt(10))
		n.Add(n, big.NewInt(int64(rng.IntN(10))))
	}
	if n.Sign() == 0 {
		n.SetInt64(1)
	}
	if rng.IntN(2) == 0 {
		n.Neg(n)
	}
	return new(big.Rat).SetFrac(n, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.Scale())), nil))
}
