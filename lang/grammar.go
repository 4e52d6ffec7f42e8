package lang

// The participle grammar. These unexported structs are the concrete syntax
// tree; parse.go converts them into the AST of ast.go, which is what every
// other package sees. Keeping the two apart lets the grammar follow SQL's
// precedence levels while the AST stays a small tree of operators.

type gStatement struct {
	Pos     Pos
	Explain bool     `@"EXPLAIN"?`
	Select  *gSelect `@@ ";"?`
}

type gSelect struct {
	Pos      Pos
	Distinct bool      `"SELECT" @"DISTINCT"?`
	Items    []*gItem  `@@ ("," @@)*`
	From     *gSource  `"FROM" @@`
	Where    *gExpr    `("WHERE" @@)?`
	Limit    *gInteger `("LIMIT" @@)?`
}

type gItem struct {
	Pos   Pos
	Star  bool    `( @"*"`
	Expr  *gExpr  `| @@ )`
	Alias *gIdent `("AS" @@)?`
}

type gSource struct {
	Pos     Pos
	Kafka   string     `@"kafka" "("`
	Topics  []*gString `@@ ("," @@)* ")"`
	Options []*gOption `("WITH" "(" @@ ("," @@)* ")")?`
	Alias   *gIdent    `("AS" @@)?`
}

type gOption struct {
	Pos   Pos
	Key   *gIdent   `@@ "="`
	Value *gLiteral `@@`
}

type gIdent struct {
	Pos  Pos
	Name string `@Ident | @QIdent`
}

type gString struct {
	Pos   Pos
	Value string `@String`
}

type gInteger struct {
	Pos   Pos
	Value string `@Number`
}

type gExpr struct {
	Pos Pos
	Or  *gOr `@@`
}

type gOr struct {
	Pos   Pos
	Left  *gAnd   `@@`
	Right []*gAnd `("OR" @@)*`
}

type gAnd struct {
	Pos   Pos
	Left  *gNot   `@@`
	Right []*gNot `("AND" @@)*`
}

type gNot struct {
	Pos Pos
	Not *gNot `  "NOT" @@`
	Cmp *gCmp `| @@`
}

type gCmp struct {
	Pos     Pos
	Left    *gAdd     `@@`
	Op      string    `( @("=" | "<>" | "!=" | "<=" | ">=" | "<" | ">")`
	Right   *gAdd     `  @@`
	IsNull  *gIsNull  `| @@`
	In      *gIn      `| @@`
	Between *gBetween `| @@`
	Like    *gLike    `| @@ )?`
}

type gIsNull struct {
	Pos Pos
	Not bool `"IS" @"NOT"? "NULL"`
}

type gIn struct {
	Pos  Pos
	Not  bool     `@"NOT"? "IN" "("`
	List []*gExpr `@@ ("," @@)* ")"`
}

type gBetween struct {
	Pos Pos
	Not bool  `@"NOT"? "BETWEEN"`
	Lo  *gAdd `@@ "AND"`
	Hi  *gAdd `@@`
}

type gLike struct {
	Pos     Pos
	Not     bool   `@"NOT"?`
	Op      string `@("LIKE" | "ILIKE")`
	Pattern *gAdd  `@@`
}

type gAdd struct {
	Pos   Pos
	Left  *gMul     `@@`
	Right []*gAddOp `@@*`
}

type gAddOp struct {
	Pos   Pos
	Op    string `@("+" | "-" | "||")`
	Right *gMul  `@@`
}

type gMul struct {
	Pos   Pos
	Left  *gUnary   `@@`
	Right []*gMulOp `@@*`
}

type gMulOp struct {
	Pos   Pos
	Op    string  `@("*" | "/" | "%")`
	Right *gUnary `@@`
}

type gUnary struct {
	Pos     Pos
	Neg     *gUnary   `  "-" @@`
	Primary *gPrimary `| @@`
}

type gPrimary struct {
	Pos     Pos
	Call    *gCall    `  @@`
	Literal *gLiteral `| @@`
	Ident   *gQName   `| @@`
	Paren   *gExpr    `| "(" @@ ")"`
}

type gCall struct {
	Pos      Pos
	Name     *gIdent  `@@ "("`
	Star     bool     `( @"*"`
	Distinct bool     `| @"DISTINCT"?`
	Args     []*gExpr `  (@@ ("," @@)*)? ) ")"`
}

type gQName struct {
	Pos   Pos
	Parts []*gIdent `@@ ("." @@)*`
}

type gLiteral struct {
	Pos    Pos
	Number *string `  @Number`
	String *string `| @String`
	Bool   *string `| @("TRUE" | "FALSE")`
	Null   bool    `| @"NULL"`
}
