package lang

// The participle grammar. These unexported structs are the concrete syntax
// tree; parse.go converts them into the AST of ast.go, which is what every
// other package sees. Keeping the two apart lets the grammar follow SQL's
// precedence levels while the AST stays a small tree of operators.

type gStatement struct {
	Pos     Pos
	Explain bool     `parser:"@\"EXPLAIN\"?"`
	Select  *gSelect `parser:"@@ \";\"?"`
}

type gSelect struct {
	Pos      Pos
	Distinct bool      `parser:"\"SELECT\" @\"DISTINCT\"?"`
	Items    []*gItem  `parser:"@@ (\",\" @@)*"`
	From     *gSource  `parser:"\"FROM\" @@"`
	Where    *gExpr    `parser:"(\"WHERE\" @@)?"`
	Limit    *gInteger `parser:"(\"LIMIT\" @@)?"`
}

type gItem struct {
	Pos   Pos
	Star  bool    `parser:"( @\"*\""`
	Expr  *gExpr  `parser:"| @@ )"`
	Alias *gIdent `parser:"(\"AS\" @@)?"`
}

type gSource struct {
	Pos     Pos
	Kafka   string     `parser:"@\"kafka\" \"(\""`
	Topics  []*gString `parser:"@@ (\",\" @@)* \")\""`
	Options []*gOption `parser:"(\"WITH\" \"(\" @@ (\",\" @@)* \")\")?"`
	Alias   *gIdent    `parser:"(\"AS\" @@)?"`
}

type gOption struct {
	Pos   Pos
	Key   *gIdent   `parser:"@@ \"=\""`
	Value *gLiteral `parser:"@@"`
}

type gIdent struct {
	Pos  Pos
	Name string `parser:"@Ident | @QIdent"`
}

type gString struct {
	Pos   Pos
	Value string `parser:"@String"`
}

type gInteger struct {
	Pos   Pos
	Value string `parser:"@Number"`
}

type gExpr struct {
	Pos Pos
	Or  *gOr `parser:"@@"`
}

type gOr struct {
	Pos   Pos
	Left  *gAnd   `parser:"@@"`
	Right []*gAnd `parser:"(\"OR\" @@)*"`
}

type gAnd struct {
	Pos   Pos
	Left  *gNot   `parser:"@@"`
	Right []*gNot `parser:"(\"AND\" @@)*"`
}

type gNot struct {
	Pos Pos
	Not *gNot `parser:"  \"NOT\" @@"`
	Cmp *gCmp `parser:"| @@"`
}

type gCmp struct {
	Pos     Pos
	Left    *gAdd     `parser:"@@"`
	Op      string    `parser:"( @(\"=\" | \"<>\" | \"!=\" | \"<=\" | \">=\" | \"<\" | \">\")"`
	Right   *gAdd     `parser:"  @@"`
	IsNull  *gIsNull  `parser:"| @@"`
	In      *gIn      `parser:"| @@"`
	Between *gBetween `parser:"| @@"`
	Like    *gLike    `parser:"| @@ )?"`
}

type gIsNull struct {
	Pos Pos
	Not bool `parser:"\"IS\" @\"NOT\"? \"NULL\""`
}

type gIn struct {
	Pos  Pos
	Not  bool     `parser:"@\"NOT\"? \"IN\" \"(\""`
	List []*gExpr `parser:"@@ (\",\" @@)* \")\""`
}

type gBetween struct {
	Pos Pos
	Not bool  `parser:"@\"NOT\"? \"BETWEEN\""`
	Lo  *gAdd `parser:"@@ \"AND\""`
	Hi  *gAdd `parser:"@@"`
}

type gLike struct {
	Pos     Pos
	Not     bool   `parser:"@\"NOT\"?"`
	Op      string `parser:"@(\"LIKE\" | \"ILIKE\")"`
	Pattern *gAdd  `parser:"@@"`
}

type gAdd struct {
	Pos   Pos
	Left  *gMul     `parser:"@@"`
	Right []*gAddOp `parser:"@@*"`
}

type gAddOp struct {
	Pos   Pos
	Op    string `parser:"@(\"+\" | \"-\" | \"||\")"`
	Right *gMul  `parser:"@@"`
}

type gMul struct {
	Pos   Pos
	Left  *gUnary   `parser:"@@"`
	Right []*gMulOp `parser:"@@*"`
}

type gMulOp struct {
	Pos   Pos
	Op    string  `parser:"@(\"*\" | \"/\" | \"%\")"`
	Right *gUnary `parser:"@@"`
}

type gUnary struct {
	Pos     Pos
	Neg     *gUnary   `parser:"  \"-\" @@"`
	Primary *gPrimary `parser:"| @@"`
}

type gPrimary struct {
	Pos     Pos
	Call    *gCall    `parser:"  @@"`
	Literal *gLiteral `parser:"| @@"`
	Ident   *gQName   `parser:"| @@"`
	Paren   *gExpr    `parser:"| \"(\" @@ \")\""`
}

type gCall struct {
	Pos      Pos
	Name     *gIdent  `parser:"@@ \"(\""`
	Star     bool     `parser:"( @\"*\""`
	Distinct bool     `parser:"| @\"DISTINCT\"?"`
	Args     []*gExpr `parser:"  (@@ (\",\" @@)*)? ) \")\""`
}

type gQName struct {
	Pos   Pos
	Parts []*gIdent `parser:"@@ (\".\" @@)*"`
}

type gLiteral struct {
	Pos    Pos
	Number *string `parser:"  @Number"`
	String *string `parser:"| @String"`
	Bool   *string `parser:"| @(\"TRUE\" | \"FALSE\")"`
	Null   bool    `parser:"| @\"NULL\""`
}
