package lang

import (
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// Limits that keep hostile or generated input from exhausting the parser.
const (
	// MaxQueryBytes is the longest query Parse accepts: 1 MiB.
	MaxQueryBytes = 1 << 20
	// MaxDepth is the deepest nesting Parse accepts, counting parentheses,
	// brackets, CASE ... END and runs of prefix operators (NOT, -, +).
	MaxDepth = 200
	// MaxTreeDepth bounds the depth of the AST, which long operator chains
	// (a + b + c ...) grow without any nesting in the text.
	MaxTreeDepth = 1000
)

// checkLimits rejects a query that is too long or nested too deeply before
// the recursive parser sees it.
func checkLimits(query string) error {
	if len(query) > MaxQueryBytes {
		return Errorf(Pos{Line: 1, Column: 1}, "query is %d bytes long, more than the limit of %d", len(query), MaxQueryBytes)
	}
	tokens, err := parser.Lex("", strings.NewReader(query))
	if err != nil {
		return fromParticiple(query, err)
	}
	symbols := sqlLexer.Symbols()
	skip := map[lexer.TokenType]bool{symbols["Whitespace"]: true, symbols["Comment"]: true}
	depth, run := 0, 0
	for _, t := range tokens {
		if skip[t.Type] {
			continue
		}
		switch strings.ToUpper(t.Value) {
		case "(", "[", "{", "CASE":
			depth++
		case ")", "]", "}", "END":
			depth--
		}
		if v := strings.ToUpper(t.Value); v == "NOT" || v == "-" || v == "+" {
			run++
		} else {
			run = 0
		}
		if depth+run > MaxDepth {
			return Errorf(t.Pos, "query is nested more than %d levels deep", MaxDepth)
		}
	}
	return nil
}

// checkDepth rejects an AST deeper than MaxTreeDepth.
func checkDepth(root Node) error {
	var tooDeep Node
	var visit func(n Node, d int)
	visit = func(n Node, d int) {
		if tooDeep != nil {
			return
		}
		if d > MaxTreeDepth {
			tooDeep = n
			return
		}
		for _, c := range Children(n) {
			visit(c, d+1)
		}
	}
	visit(root, 1)
	if tooDeep != nil {
		return Errorf(tooDeep.Position(), "expression is nested more than %d levels deep; split long operator chains", MaxTreeDepth)
	}
	return nil
}
