package avro

import (
	"fmt"
	"slices"
	"strings"

	hamba "github.com/hamba/avro/v2"
)

// compiler compiles a writer schema read as a reader schema into a
// program of nodes. The Arrow part is a tree (each node has its own
// builder) at most MaxDepth deep; below a cut and in skipped fields the
// nodes are shared per type pair, so recursive types make cycles.
type compiler struct {
	skips   map[hamba.Schema]*node
	jsons   map[pair]*node
	all     []*node // the nodes of jsons, in creation order
	empties map[hamba.Schema]bool
	steps   int
	pending []pending
	unused  []*node // Arrow nodes of fields not projected, settled for their errors
}

type pair struct{ w, r hamba.Schema }

// pending is a default to validate once the program is complete.
type pending struct {
	n    *node
	data []byte
	path string
}

func newCompiler() *compiler {
	return &compiler{skips: map[hamba.Schema]*node{}, jsons: map[pair]*node{}, empties: map[hamba.Schema]bool{}}
}

// program compiles the top-level record: writer record w read as reader
// record r, reader field idx[k] going to builder k.
func (c *compiler) program(w, r *hamba.RecordSchema, idx []int) (*node, error) {
	if !sameName(w, r) {
		return nil, schemaErr("", "the writer's record %s is not the reader's record %s", w.FullName(), r.FullName())
	}
	out := make([]int, len(r.Fields()))
	for i := range out {
		out[i] = -1
	}
	for k, i := range idx {
		out[i] = k
	}
	n := &node{kind: kRecord, mode: mArrow, col: cStruct, top: true}
	if err := c.record(n, w, r, mArrow, 0, "", out); err != nil {
		return nil, err
	}
	for i, f := range n.fields {
		if f.out >= 0 {
			n.used = i + 1
		}
	}
	n.setOps()
	if err := c.settle(n); err != nil {
		return nil, err
	}
	return n, nil
}

// compile compiles writer type w read as reader type r, at level, in mode
// m (mArrow or mJSON).
func (c *compiler) compile(w, r hamba.Schema, m mode, level int, path string) (*node, error) {
	w, r = deref(w), deref(r)
	if m == mArrow {
		if c.steps++; c.steps > maxNodes {
			return nil, schemaErr(path, "the decoder expands to more than %d steps", maxNodes)
		}
		if isCut(r, level) {
			j, err := c.compile(w, r, mJSON, level, path)
			if err != nil {
				return nil, err
			}
			n := &node{kind: j.kind, mode: mCut, json: j, nullable: admitsNull(r)}
			n.setOps()
			return n, nil
		}
	}
	if ru, ok := r.(*hamba.UnionSchema); ok && w.Type() != hamba.Union {
		return c.member(w, ru, m, level, path)
	}
	if m == mArrow {
		n := &node{mode: m}
		if err := c.build(n, w, r, m, level, path); err != nil {
			return nil, err
		}
		n.setOps()
		return n, nil
	}
	key := pair{w, r}
	if n, ok := c.jsons[key]; ok {
		if n.err != nil {
			return nil, n.err
		}
		return n, nil // maybe still being built: a recursive type
	}
	n := &node{mode: m}
	c.jsons[key] = n
	c.all = append(c.all, n)
	if err := c.build(n, w, r, m, level, path); err != nil {
		n.err = err
		return nil, err
	}
	n.setOps()
	return n, nil
}

// member compiles writer type w (not a union) read as reader union ru:
// as the first member of ru that w is, else the first w promotes to.
func (c *compiler) member(w hamba.Schema, ru *hamba.UnionSchema, m mode, level int, path string) (*node, error) {
	s := shapeOf(ru)
	if w.Type() == hamba.Null {
		if s.null < 0 {
			return nil, schemaErr(path, "writer type null cannot be read as %s", describe(ru))
		}
		n := &node{kind: kNull, mode: m}
		n.setOps()
		if m == mArrow && s.isStruct() {
			n.wrap = &wrap{k: -1}
		}
		return n, nil
	}
	i := pick(w, ru)
	if i < 0 {
		return nil, schemaErr(path, "writer type %s cannot be read as %s", describe(w), describe(ru))
	}
	if m == mArrow && s.isStruct() {
		n, err := c.compile(w, ru.Types()[i], m, level+1, path)
		if err != nil {
			return nil, err
		}
		n.wrap = &wrap{k: s.member(i)}
		return n, nil
	}
	return c.compile(w, ru.Types()[i], m, level, path)
}

// build fills n with writer type w read as reader type r.
func (c *compiler) build(n *node, w, r hamba.Schema, m mode, level int, path string) error {
	n.kind = kindOf(w)
	if wu, ok := w.(*hamba.UnionSchema); ok {
		types := wu.Types()
		n.branches = make([]*node, len(types))
		n.errs = make([]error, len(types))
		var first error
		for i, t := range types {
			b, err := c.compile(t, r, m, level, path)
			if err != nil {
				n.errs[i] = err
				first = cmpOr(first, err)
				continue
			}
			n.branches[i] = b
		}
		if !slices.ContainsFunc(n.branches, func(b *node) bool { return b != nil }) {
			return first
		}
		return nil
	}
	n.col = colOf(r)
	mismatch := func() error {
		return schemaErr(path, "writer type %s cannot be read as %s", describe(w), describe(r))
	}
	switch w := w.(type) {
	case *hamba.NullSchema:
		if r.Type() != hamba.Null {
			return mismatch()
		}
	case *hamba.PrimitiveSchema:
		if _, ok := r.(*hamba.PrimitiveSchema); !ok || (r.Type() != w.Type() && !promotes(w.Type(), r.Type())) {
			return mismatch()
		}
		switch n.col {
		case cString:
			n.utf8 = true
		case cDecimal:
			if w.Type() != hamba.Bytes {
				return mismatch()
			}
			if wd := decimalOf(w); wd != nil && wd.Scale() != decimalOf(r).Scale() {
				return schemaErr(path, "writer decimal scale %d differs from the reader's %d", wd.Scale(), decimalOf(r).Scale())
			}
		}
	case *hamba.FixedSchema:
		rf, ok := r.(*hamba.FixedSchema)
		if !ok || !sameName(w, rf) || rf.Size() != w.Size() {
			return mismatch()
		}
		n.size = w.Size()
		if wd, rd := decimalOf(w), decimalOf(r); wd != nil && rd != nil && wd.Scale() != rd.Scale() {
			return schemaErr(path, "writer decimal scale %d differs from the reader's %d", wd.Scale(), rd.Scale())
		}
	case *hamba.EnumSchema:
		re, ok := r.(*hamba.EnumSchema)
		if !ok || !sameName(w, re) {
			return mismatch()
		}
		n.count = len(w.Symbols())
		n.syms = make([][]byte, n.count)
		for i, s := range w.Symbols() {
			switch {
			case slices.Contains(re.Symbols(), s):
				n.syms[i] = []byte(s)
			case re.HasDefault():
				n.syms[i] = []byte(re.Default())
			}
		}
	case *hamba.ArraySchema:
		ra, ok := r.(*hamba.ArraySchema)
		if !ok {
			return mismatch()
		}
		n.empty = c.canBeEmpty(w.Items())
		elem, err := c.compile(w.Items(), ra.Items(), m, level+1, join(path, "[]"))
		if err != nil {
			return err
		}
		n.elem = elem
	case *hamba.MapSchema:
		rm, ok := r.(*hamba.MapSchema)
		if !ok {
			return mismatch()
		}
		elem, err := c.compile(w.Values(), rm.Values(), m, level+1, join(path, "{}"))
		if err != nil {
			return err
		}
		n.elem = elem
	case *hamba.RecordSchema:
		rr, ok := r.(*hamba.RecordSchema)
		if !ok || !sameName(w, rr) {
			return mismatch()
		}
		return c.record(n, w, rr, m, level, path, nil)
	default:
		return mismatch()
	}
	switch n.col {
	case cDecimal:
		d := decimalOf(r)
		n.prec, n.scale = int32(d.Precision()), int32(d.Scale())
	case cTimestamp:
		n.unit, n.local = timestampOf(logicalOf(r))
	}
	return nil
}

// record fills n with writer record w read as reader record r. out maps
// a reader field to its builder (nil: the field's index); -1 skips it.
// Every reader field is resolved, projected or not, so that whether a
// writer is readable does not depend on the projection.
func (c *compiler) record(n *node, w, r *hamba.RecordSchema, m mode, level int, path string, out []int) error {
	rf := r.Fields()
	outOf := func(j int) int {
		if out == nil {
			return j
		}
		return out[j]
	}
	used := make([]bool, len(rf))
	for _, wf := range w.Fields() {
		j := matchField(rf, used, wf)
		if j < 0 {
			n.fields = append(n.fields, field{name: wf.Name(), node: c.skip(wf.Type()), out: -1})
			continue
		}
		used[j] = true
		fn, err := c.compile(wf.Type(), rf[j].Type(), m, level+1, join(path, rf[j].Name()))
		if err != nil {
			return err
		}
		o := outOf(j)
		if o < 0 {
			c.unused = append(c.unused, fn)
			fn = c.skip(wf.Type())
		}
		n.fields = append(n.fields, field{name: wf.Name(), node: fn, out: o})
	}
	for j, f := range rf {
		if used[j] {
			continue
		}
		fpath := join(path, f.Name())
		if !f.HasDefault() {
			return schemaErr(fpath, "is not in the writer schema and has no default")
		}
		data, err := encodeDefault(f.Type(), f.Default())
		if err != nil {
			return schemaErr(fpath, "default: %v", err)
		}
		fn, err := c.compile(f.Type(), f.Type(), m, level+1, fpath)
		if err != nil {
			return err
		}
		c.pending = append(c.pending, pending{n: fn, data: data, path: fpath})
		if o := outOf(j); o >= 0 {
			n.defs = append(n.defs, deflt{node: fn, data: data, out: o})
		}
	}
	if m == mJSON {
		n.names = make([][]byte, len(rf))
		for j, f := range rf {
			n.names[j] = append(appendJSONString(nil, []byte(f.Name())), ':')
		}
		next := 0
		n.ordered = true
		for _, f := range n.fields {
			if f.out >= 0 {
				n.ordered = n.ordered && f.out == next
				next++
			}
		}
		for _, d := range n.defs {
			n.ordered = n.ordered && d.out == next
			next++
		}
	}
	return nil
}

// matchField returns the unused reader field that writer field wf fills:
// the one of the same name, else one with wf's name as an alias; -1 if
// none.
func matchField(rf []*hamba.Field, used []bool, wf *hamba.Field) int {
	for j, f := range rf {
		if !used[j] && f.Name() == wf.Name() {
			return j
		}
	}
	for j, f := range rf {
		if !used[j] && slices.Contains(f.Aliases(), wf.Name()) {
			return j
		}
	}
	return -1
}

// skip compiles a writer type whose values are skipped.
func (c *compiler) skip(w hamba.Schema) *node {
	w = deref(w)
	if n, ok := c.skips[w]; ok {
		return n
	}
	n := &node{kind: kindOf(w), mode: mSkip}
	c.skips[w] = n
	switch w := w.(type) {
	case *hamba.UnionSchema:
		for _, t := range w.Types() {
			n.branches = append(n.branches, c.skip(t))
		}
	case *hamba.RecordSchema:
		for _, f := range w.Fields() {
			n.fields = append(n.fields, field{name: f.Name(), node: c.skip(f.Type()), out: -1})
		}
	case *hamba.ArraySchema:
		n.empty = c.canBeEmpty(w.Items())
		n.elem = c.skip(w.Items())
	case *hamba.MapSchema:
		n.elem = c.skip(w.Values())
	case *hamba.FixedSchema:
		n.size = w.Size()
	case *hamba.EnumSchema:
		n.count = len(w.Symbols())
	}
	n.setOps()
	return n
}

// canBeEmpty reports whether a value of writer type w can be encoded in
// zero bytes (null, fixed(0), records of such).
func (c *compiler) canBeEmpty(w hamba.Schema) bool {
	w = deref(w)
	if v, ok := c.empties[w]; ok {
		return v
	}
	c.empties[w] = false // a record that holds itself without a union has no finite value
	v := false
	switch w := w.(type) {
	case *hamba.NullSchema:
		v = true
	case *hamba.FixedSchema:
		v = w.Size() == 0
	case *hamba.RecordSchema:
		v = true
		for _, f := range w.Fields() {
			if !c.canBeEmpty(f.Type()) {
				v = false
				break
			}
		}
	}
	c.empties[w] = v
	return v
}

// settle completes a program. Below a cut, a node of a recursive type
// can be referenced while it is being built and fail afterwards: the
// nodes that depend on a failed node fail in turn, a union branch that
// fails becomes an error when the payload selects it, and the Arrow tree
// fails if any of its parts does. Then the defaults are validated.
func (c *compiler) settle(top *node) error {
	for changed := true; changed; {
		changed = false
		for _, n := range c.all {
			if n.err == nil {
				if n.err = brokenChild(n); n.err != nil {
					changed = true
				}
			}
		}
	}
	for _, n := range c.all {
		if n.err == nil && n.kind == kUnion {
			for i, b := range n.branches {
				if b != nil && b.err != nil {
					n.branches[i], n.errs[i] = nil, b.err
				}
			}
		}
	}
	for _, n := range append(c.unused, top) {
		if err := settleTree(n); err != nil {
			return err
		}
	}
	for _, p := range c.pending {
		d := decoder{empties: maxEmptyItems}
		if p.n.err != nil {
			continue // in a union branch that does not resolve
		}
		end, err := d.check(p.n, p.data, 0, 0)
		if err == nil && end != len(p.data) {
			err = payloadErr(end, "trailing bytes (%d)", len(p.data)-end)
		}
		if err != nil {
			return schemaErr(p.path, "default does not decode: %v", err)
		}
	}
	return nil
}

// brokenChild returns the error of a failed node that n cannot do
// without: a field, an item, or every branch of a union.
func brokenChild(n *node) error {
	for _, f := range n.fields {
		if f.node.err != nil {
			return f.node.err
		}
	}
	for _, d := range n.defs {
		if d.node.err != nil {
			return d.node.err
		}
	}
	if n.elem != nil && n.elem.err != nil {
		return n.elem.err
	}
	if n.kind == kUnion {
		var first error
		for i, b := range n.branches {
			switch {
			case b == nil:
				first = cmpOr(first, n.errs[i])
			case b.err != nil:
				first = cmpOr(first, b.err)
			default:
				return nil
			}
		}
		return first
	}
	return nil
}

// settleTree settles the Arrow tree under n: a union branch that fails
// becomes a decode-time error; any other part that fails fails n.
func settleTree(n *node) error {
	switch n.mode {
	case mSkip:
		return nil
	case mCut:
		return n.json.err
	}
	switch n.kind {
	case kUnion:
		var first error
		alive := false
		for i, b := range n.branches {
			if b != nil {
				if err := settleTree(b); err != nil {
					n.branches[i], n.errs[i] = nil, err
				}
			}
			if n.branches[i] == nil {
				first = cmpOr(first, n.errs[i])
				continue
			}
			alive = true
		}
		if !alive {
			return first
		}
	case kRecord:
		for _, f := range n.fields {
			if err := settleTree(f.node); err != nil {
				return err
			}
		}
		for _, d := range n.defs {
			if err := settleTree(d.node); err != nil {
				return err
			}
		}
	case kArray, kMap:
		return settleTree(n.elem)
	}
	return nil
}

// pick returns the member of reader union ru that writer type w resolves
// to: the first of the same type (and name), else the first w promotes
// to; -1 if none.
func pick(w hamba.Schema, ru *hamba.UnionSchema) int {
	for i, t := range ru.Types() {
		t = deref(t)
		if t.Type() != w.Type() {
			continue
		}
		wn, named := w.(hamba.NamedSchema)
		if !named || sameName(wn, t.(hamba.NamedSchema)) {
			return i
		}
	}
	for i, t := range ru.Types() {
		if promotes(w.Type(), deref(t).Type()) {
			return i
		}
	}
	return -1
}

// promotes reports whether Avro promotes writer type w to reader type r.
func promotes(w, r hamba.Type) bool {
	switch w {
	case hamba.Int:
		return r == hamba.Long || r == hamba.Float || r == hamba.Double
	case hamba.Long:
		return r == hamba.Float || r == hamba.Double
	case hamba.Float:
		return r == hamba.Double
	case hamba.String:
		return r == hamba.Bytes
	case hamba.Bytes:
		return r == hamba.String
	}
	return false
}

// sameName reports whether named writer type w is reader type r: the
// same unqualified name, or a reader alias naming w, both compared
// unqualified as the names themselves are (Avro's own resolution
// ignores namespaces in names).
func sameName(w, r hamba.NamedSchema) bool {
	if w.Name() == r.Name() {
		return true
	}
	return slices.ContainsFunc(r.Aliases(), func(a string) bool {
		return a == w.FullName() || a[strings.LastIndexByte(a, '.')+1:] == w.Name()
	})
}

// describe names a type in errors.
func describe(s hamba.Schema) string {
	s = deref(s)
	switch s := s.(type) {
	case hamba.NamedSchema:
		return fmt.Sprintf("%s %s", s.Type(), s.FullName())
	case *hamba.UnionSchema:
		var names []string
		for _, t := range s.Types() {
			names = append(names, describe(t))
		}
		return "union [" + strings.Join(names, ", ") + "]"
	}
	if lt := logicalOf(s); lt != "" {
		return fmt.Sprintf("%s (%s)", s.Type(), lt)
	}
	return string(s.Type())
}

// cmpOr returns a if it is not nil, else b.
func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
