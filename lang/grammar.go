package lang

// The participle grammar of statements, queries and FROM clauses; the
// expression grammar is in grammar_expr.go. These unexported structs are the
// concrete syntax tree; parse.go converts them into the AST of ast.go, which
// is what every other package sees. Keeping the two apart lets the grammar
// follow SQL's precedence levels while the AST stays a small tree.
//
// Participle runs the grammar as ordered choice with two tokens of
// lookahead: an alternative that fails within two tokens gives way to the
// next, one that fails later is the error. Alternatives are ordered so that
// the longer form is tried first.

// gRoot makes the statement optional so that, when it fails close to its
// start, participle reports its deepest error (the real token) instead of
// the shallow one its two-token backtracking would leave.
type gRoot struct {
	Pos  Pos
	Stmt *gStatement `parser:"@@?"`
}

type gStatement struct {
	Pos     Pos
	Explain bool   `parser:"@'EXPLAIN'?"`
	Body    *gBody `parser:"@@ ';'?"`
}

type gBody struct {
	Pos      Pos
	Copy     *gCopy     `parser:"  @@"`
	Create   *gCreate   `parser:"| @@"`
	Insert   *gInsert   `parser:"| @@"`
	Show     *gShow     `parser:"| @@"`
	Describe *gDescribe `parser:"| @@"`
	Query    *gQuery    `parser:"| @@"`
}

type gCopy struct {
	Pos     Pos
	Query   *gQuery        `parser:"'COPY' '(' @@ ')'"`
	Path    *gString       `parser:"'TO' @@"`
	Options []*gCopyOption `parser:"('(' @@ (',' @@)* ')')?"`
}

type gCreate struct {
	Pos         Pos
	OrReplace   bool    `parser:"'CREATE' @('OR' 'REPLACE')?"`
	IfNotExists bool    `parser:"'TABLE' @('IF' 'NOT' 'EXISTS')?"`
	Name        *gQName `parser:"@@"`
	Query       *gQuery `parser:"'AS' @@"`
}

type gInsert struct {
	Pos     Pos
	Name    *gQName   `parser:"'INSERT' 'INTO' @@"`
	Columns []*gIdent `parser:"('(' @@ (',' @@)* ')')?"`
	Query   *gQuery   `parser:"@@"`
}

type gShow struct {
	Pos  Pos
	What string `parser:"'SHOW' @('TOPICS' | 'TABLES')"`
}

// gDescribe is DESCRIBE and a query or a source. A query is tried first:
// it starts with SELECT, WITH, VALUES or a parenthesis followed by one of
// them, which no source does but a parenthesised subquery, read the same
// either way.
type gDescribe struct {
	Pos    Pos
	Query  *gQuery        `parser:"'DESCRIBE' ( (?= ('SELECT' | 'WITH' | 'VALUES' | '(' ('SELECT' | 'WITH' | 'VALUES'))) @@"`
	Source *gTablePrimary `parser:"| @@ )"`
}

// gQuery is a full query: CTEs, a set expression, then the modifiers that
// apply to its result.
type gQuery struct {
	Pos     Pos
	With    *gWith        `parser:"@@?"`
	Body    *gUnion       `parser:"@@"`
	OrderBy []*gOrderItem `parser:"('ORDER' 'BY' @@ (',' @@)*)?"`
	Limit   *gInteger     `parser:"( 'LIMIT' @@"`
	Offset  *gInteger     `parser:"  ('OFFSET' @@)?"`
	Offset2 *gInteger     `parser:"| 'OFFSET' @@"`
	Limit2  *gInteger     `parser:"  ('LIMIT' @@)? )?"`
}

type gWith struct {
	Pos       Pos
	Recursive bool    `parser:"'WITH' @'RECURSIVE'?"`
	CTEs      []*gCTE `parser:"@@ (',' @@)*"`
}

type gCTE struct {
	Pos     Pos
	Name    *gIdent   `parser:"@@"`
	Columns []*gIdent `parser:"('(' @@ (',' @@)* ')')?"`
	Query   *gQuery   `parser:"'AS' '(' @@ ')'"`
}

type gUnion struct {
	Pos   Pos
	Left  *gIntersect `parser:"@@"`
	Right []*gUnionOp `parser:"@@*"`
}

type gUnionOp struct {
	Pos   Pos
	Op    string      `parser:"@('UNION' | 'EXCEPT')"`
	All   bool        `parser:"( @'ALL' | 'DISTINCT' )?"`
	Right *gIntersect `parser:"@@"`
}

type gIntersect struct {
	Pos   Pos
	Left  *gSetPrimary    `parser:"@@"`
	Right []*gIntersectOp `parser:"@@*"`
}

type gIntersectOp struct {
	Pos   Pos
	All   bool         `parser:"'INTERSECT' ( @'ALL' | 'DISTINCT' )?"`
	Right *gSetPrimary `parser:"@@"`
}

type gSetPrimary struct {
	Pos    Pos
	Select *gSelect `parser:"  @@"`
	Values *gValues `parser:"| @@"`
	Paren  *gQuery  `parser:"| '(' @@ ')'"`
}

// gValues is VALUES (a, b), (c, d). VALUES is not reserved (a column may
// be called values); it starts a query only where a query may start.
type gValues struct {
	Pos  Pos
	Rows []*gRow `parser:"'VALUES' @@ (',' @@)*"`
}

type gRow struct {
	Pos   Pos
	Exprs []*gExpr `parser:"'(' @@ (',' @@)* ')'"`
}

type gSelect struct {
	Pos      Pos
	Distinct bool         `parser:"'SELECT' ( @'DISTINCT' | 'ALL' )?"`
	Items    []*gItem     `parser:"@@ (',' @@)*"`
	From     []*gFromItem `parser:"('FROM' @@ (',' @@)*)?"`
	Where    *gExpr       `parser:"('WHERE' @@)?"`
	GroupAll bool         `parser:"('GROUP' 'BY' ( @'ALL'"`
	GroupBy  []*gExpr     `parser:"  | @@ (',' @@)* ) )?"`
	Having   *gExpr       `parser:"('HAVING' @@)?"`
	Qualify  *gExpr       `parser:"('QUALIFY' @@)?"`
}

// gItem is a select item. EXCLUDE and REPLACE are not reserved: after a
// star nothing else could follow.
type gItem struct {
	Pos     Pos
	Star    bool        `parser:"( ( @'*'"`
	Table   *gIdent     `parser:"  | @@ '.' '*' )"`
	Exclude []*gIdent   `parser:"  ( 'EXCLUDE' ( '(' @@ (',' @@)* ')' | @@ ) )?"`
	Replace []*gReplace `parser:"  ( 'REPLACE' '(' @@ (',' @@)* ')' )?"`
	Expr    *gExpr      `parser:"| @@"`
	Alias   *gAlias     `parser:"  @@? )"`
}

// gReplace is one entry of * REPLACE (expr AS name).
type gReplace struct {
	Pos  Pos
	Expr *gExpr  `parser:"@@ 'AS'"`
	Name *gIdent `parser:"@@"`
}

// gAlias is AS name, or a bare name that is not OFFSET (which would start
// the OFFSET clause).
type gAlias struct {
	Pos  Pos
	Name *gIdent `parser:"'AS' @@ | (?! 'OFFSET') @@"`
}

type gOrderItem struct {
	Pos   Pos
	Expr  *gExpr `parser:"@@"`
	Dir   string `parser:"@('ASC' | 'DESC')?"`
	Nulls string `parser:"('NULLS' @('FIRST' | 'LAST'))?"`
}

type gFromItem struct {
	Pos   Pos
	Left  *gTablePrimary `parser:"@@"`
	Joins []*gJoin       `parser:"@@*"`
}

type gJoin struct {
	Pos   Pos
	Cross bool           `parser:"( @'CROSS' 'JOIN'"`
	Kind  string         `parser:"| ( @'INNER' | @('LEFT' | 'RIGHT' | 'FULL') 'OUTER'? )? 'JOIN' )"`
	Right *gTablePrimary `parser:"@@"`
	On    *gExpr         `parser:"( 'ON' @@"`
	Using []*gIdent      `parser:"| 'USING' '(' @@ (',' @@)* ')' )?"`
}

type gTablePrimary struct {
	Pos      Pos
	Kafka    *gKafka      `parser:"(  @@"`
	Subquery *gQuery      `parser:" | (?= '(' ('SELECT' | 'WITH' | 'VALUES')) '(' @@ ')'"`
	Paren    *gFromItem   `parser:" | '(' @@ ')'"`
	File     *gString     `parser:" | @@"`
	Func     *gTableFn    `parser:" | @@"`
	Table    *gQName      `parser:" | @@ )"`
	Alias    *gTableAlias `parser:"@@?"`
}

// gTableAlias is the alias of a FROM item, with column names:
// AS t(a, b).
type gTableAlias struct {
	Pos     Pos
	Name    *gAlias   `parser:"@@"`
	Columns []*gIdent `parser:"('(' @@ (',' @@)* ')')?"`
}

type gKafka struct {
	Pos     Pos
	Args    []*gExpr        `parser:"'kafka' '(' @@ (',' @@)* ')'"`
	Options []*gKafkaOption `parser:"('WITH' '(' @@ (',' @@)* ')')?"`
}

type gTableFn struct {
	Pos  Pos
	Name *gIdent  `parser:"@@ '('"`
	Args []*gExpr `parser:"(@@ (',' @@)*)? ')'"`
}

// gKafkaOption is one key = value entry of kafka(...) WITH (...).
type gKafkaOption struct {
	Pos   Pos
	Key   *gOptionKey   `parser:"@@ '='"`
	Value *gOptionValue `parser:"@@"`
}

// gCopyOption is one COPY option: KEY value, KEY = value, KEY (name,
// ...), or a bare KEY.
type gCopyOption struct {
	Pos   Pos
	Key   *gOptionKey   `parser:"@@ '='?"`
	Names []*gIdent     `parser:"( '(' @@ (',' @@)* ')'"`
	Value *gOptionValue `parser:"| @@ )?"`
}

type gOptionKey struct {
	Pos   Pos
	First *gIdent  `parser:"@@"`
	Rest  []string `parser:"('.' @(Ident | QIdent | Keyword))*"`
}

type gOptionValue struct {
	Pos     Pos
	Literal *gLiteral `parser:"  @@"`
	Minus   bool      `parser:"| @'-'"`
	Number  string    `parser:"  @Number"`
	Word    *gIdent   `parser:"| @@"`
}

type gIdent struct {
	Pos  Pos
	Name string `parser:"@Ident | @QIdent"`
}

// gQName is a possibly qualified name. Parts after a dot may be keywords
// (value.group), since they cannot be mistaken for a clause there.
type gQName struct {
	Pos   Pos
	First *gIdent  `parser:"@@"`
	Rest  []string `parser:"('.' @(Ident | QIdent | Keyword))*"`
}

type gString struct {
	Pos   Pos
	Value string `parser:"@String"`
}

type gInteger struct {
	Pos   Pos
	Value string `parser:"@Number"`
}
