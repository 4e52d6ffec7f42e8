package lang

// The expression grammar, one struct per precedence level, loosest first:
//
//	OR
//	AND
//	NOT
//	comparisons, IS [NOT] NULL, [NOT] IN, [NOT] BETWEEN, [NOT] LIKE/ILIKE
//	||  ->  ->>
//	+  -
//	*  /  %
//	unary -  +
//	x::type  x[i]
//	primaries
//
// This is PostgreSQL's (and so DuckDB's) order, with the comparison-level
// forms merged into one left-associative level.

type gExpr struct {
	Pos Pos
	Or  *gOr `parser:"@@"`
}

type gOr struct {
	Pos   Pos
	Left  *gAnd   `parser:"@@"`
	Right []*gAnd `parser:"('OR' @@)*"`
}

type gAnd struct {
	Pos   Pos
	Left  *gNot   `parser:"@@"`
	Right []*gNot `parser:"('AND' @@)*"`
}

type gNot struct {
	Pos Pos
	Not *gNot `parser:"  'NOT' @@"`
	Cmp *gCmp `parser:"| @@"`
}

type gCmp struct {
	Pos    Pos
	Left   *gOther     `parser:"@@"`
	Suffix []*gCmpTail `parser:"@@*"`
}

// gCmpTail is one comparison-level operation applied to what precedes it.
type gCmpTail struct {
	Pos      Pos
	Op       string       `parser:"  @('=' | '==' | '<>' | '!=' | '<=' | '>=' | '<' | '>')"`
	Right    *gOther      `parser:"  @@"`
	Distinct *gIsDistinct `parser:"| @@"`
	IsNull   *gIsNull     `parser:"| @@"`
	In       *gIn         `parser:"| @@"`
	Between  *gBetween    `parser:"| @@"`
	Like     *gLike       `parser:"| @@"`
}

type gIsDistinct struct {
	Pos   Pos
	Not   bool    `parser:"'IS' @'NOT'? 'DISTINCT' 'FROM'"`
	Right *gOther `parser:"@@"`
}

type gIsNull struct {
	Pos Pos
	Not bool `parser:"'IS' @'NOT'? 'NULL'"`
}

type gIn struct {
	Pos   Pos
	Not   bool     `parser:"@'NOT'? 'IN' '('"`
	Query *gQuery  `parser:"( (?= 'SELECT' | 'WITH') @@"`
	List  []*gExpr `parser:"| @@ (',' @@)* ) ')'"`
}

type gBetween struct {
	Pos Pos
	Not bool    `parser:"@'NOT'? 'BETWEEN'"`
	Lo  *gOther `parser:"@@ 'AND'"`
	Hi  *gOther `parser:"@@"`
}

type gLike struct {
	Pos     Pos
	Not     bool    `parser:"@'NOT'?"`
	Op      string  `parser:"@('LIKE' | 'ILIKE')"`
	Pattern *gOther `parser:"@@"`
}

type gOther struct {
	Pos   Pos
	Left  *gAdd     `parser:"@@"`
	Right []*gOpAdd `parser:"@@*"`
}

type gOpAdd struct {
	Pos   Pos
	Op    string `parser:"@('||' | '->>' | '->')"`
	Right *gAdd  `parser:"@@"`
}

type gAdd struct {
	Pos   Pos
	Left  *gMul     `parser:"@@"`
	Right []*gOpMul `parser:"@@*"`
}

type gOpMul struct {
	Pos   Pos
	Op    string `parser:"@('+' | '-')"`
	Right *gMul  `parser:"@@"`
}

type gMul struct {
	Pos   Pos
	Left  *gUnary     `parser:"@@"`
	Right []*gOpUnary `parser:"@@*"`
}

type gOpUnary struct {
	Pos   Pos
	Op    string  `parser:"@('*' | '/' | '%')"`
	Right *gUnary `parser:"@@"`
}

type gUnary struct {
	Pos     Pos
	Op      string    `parser:"  @('-' | '+')"`
	X       *gUnary   `parser:"  @@"`
	Postfix *gPostfix `parser:"| @@"`
}

type gPostfix struct {
	Pos     Pos
	Primary *gPrimary      `parser:"@@"`
	Suffix  []*gPostSuffix `parser:"@@*"`
}

type gPostSuffix struct {
	Pos   Pos
	Cast  *gType `parser:"  '::' @@"`
	Index *gExpr `parser:"| '[' @@ ']'"`
}

type gPrimary struct {
	Pos      Pos
	Case     *gCase     `parser:"  @@"`
	Cast     *gCast     `parser:"| @@"`
	Exists   *gQuery    `parser:"| 'EXISTS' '(' @@ ')'"`
	Typed    *gTyped    `parser:"| @@"`
	Interval *gInterval `parser:"| @@"`
	Literal  *gLiteral  `parser:"| @@"`
	List     *gList     `parser:"| @@"`
	Struct   *gStruct   `parser:"| @@"`
	Subquery *gQuery    `parser:"| (?= '(' ('SELECT' | 'WITH')) '(' @@ ')'"`
	Paren    *gExpr     `parser:"| '(' @@ ')'"`
	Call     *gCall     `parser:"| @@"`
	Column   *gQName    `parser:"| @@"`
}

type gList struct {
	Pos   Pos
	Items []*gExpr `parser:"'[' (@@ (',' @@)*)? ']'"`
}

type gStruct struct {
	Pos    Pos
	Fields []*gStructField `parser:"'{' (@@ (',' @@)*)? '}'"`
}

type gStructField struct {
	Pos   Pos
	Key   string `parser:"@(String | Ident | QIdent) ':'"`
	Value *gExpr `parser:"@@"`
}

type gCase struct {
	Pos     Pos
	Operand *gExpr   `parser:"'CASE' @@?"`
	Whens   []*gWhen `parser:"@@+"`
	Else    *gExpr   `parser:"('ELSE' @@)? 'END'"`
}

type gWhen struct {
	Pos    Pos
	Cond   *gExpr `parser:"'WHEN' @@"`
	Result *gExpr `parser:"'THEN' @@"`
}

type gCast struct {
	Pos  Pos
	Func string `parser:"@('CAST' | 'TRY_CAST') '('"`
	X    *gExpr `parser:"@@ 'AS'"`
	Type *gType `parser:"@@ ')'"`
}

// gType is a type name: a word (two for DOUBLE PRECISION and CHARACTER
// VARYING, four for TIMESTAMP WITH TIME ZONE), optional numeric parameters
// and any number of [] for lists.
type gType struct {
	Pos      Pos
	Name     string   `parser:"@Ident"`
	Second   string   `parser:"@('PRECISION' | 'VARYING')?"`
	WithZone bool     `parser:"@('WITH' 'TIME' 'ZONE')?"`
	Args     []string `parser:"('(' @Number (',' @Number)* ')')?"`
	Lists    []string `parser:"(@'[' ']')*"`
}

// gTyped is a typed string literal such as TIMESTAMP '2024-01-01 00:00:00'.
type gTyped struct {
	Pos   Pos
	Type  string `parser:"@('TIMESTAMP' | 'DATE' | 'TIME' | 'TIMESTAMPTZ')"`
	Value string `parser:"@String"`
}

// gInterval is INTERVAL '1 day', INTERVAL '1' DAY or INTERVAL 1 DAY.
type gInterval struct {
	Pos    Pos
	String string `parser:"'INTERVAL' ( @String"`
	Unit   string `parser:"  @('YEAR' | 'YEARS' | 'MONTH' | 'MONTHS' | 'DAY' | 'DAYS' | 'HOUR' | 'HOURS' | 'MINUTE' | 'MINUTES' | 'SECOND' | 'SECONDS' | 'MILLISECOND' | 'MILLISECONDS' | 'MICROSECOND' | 'MICROSECONDS' | 'WEEK' | 'WEEKS')?"`
	Number string `parser:"| @Number"`
	NUnit  string `parser:"  @('YEAR' | 'YEARS' | 'MONTH' | 'MONTHS' | 'DAY' | 'DAYS' | 'HOUR' | 'HOURS' | 'MINUTE' | 'MINUTES' | 'SECOND' | 'SECONDS' | 'MILLISECOND' | 'MILLISECONDS' | 'MICROSECOND' | 'MICROSECONDS' | 'WEEK' | 'WEEKS') )"`
}

type gCall struct {
	Pos      Pos
	Name     string        `parser:"@(Ident | QIdent | 'LEFT' | 'RIGHT') '('"`
	Star     bool          `parser:"( @'*'"`
	Distinct bool          `parser:"| @'DISTINCT'?"`
	Args     []*gExpr      `parser:"  @@ (',' @@)*"`
	OrderBy  []*gOrderItem `parser:"  ('ORDER' 'BY' @@ (',' @@)*)? )? ')'"`
	Filter   *gExpr        `parser:"('FILTER' '(' 'WHERE' @@ ')')?"`
	Over     *gWindow      `parser:"('OVER' @@)?"`
}

type gWindow struct {
	Pos         Pos
	PartitionBy []*gExpr      `parser:"'(' ('PARTITION' 'BY' @@ (',' @@)*)?"`
	OrderBy     []*gOrderItem `parser:"('ORDER' 'BY' @@ (',' @@)*)?"`
	Frame       *gFrame       `parser:"@@? ')'"`
}

type gFrame struct {
	Pos   Pos
	Unit  string       `parser:"@('ROWS' | 'RANGE' | 'GROUPS')"`
	Start *gFrameBound `parser:"( 'BETWEEN' @@ 'AND'"`
	End   *gFrameBound `parser:"  @@"`
	Only  *gFrameBound `parser:"| @@ )"`
}

type gFrameBound struct {
	Pos       Pos
	Unbounded string  `parser:"  'UNBOUNDED' @('PRECEDING' | 'FOLLOWING')"`
	Current   bool    `parser:"| @('CURRENT' 'ROW')"`
	Offset    *gOther `parser:"| @@"`
	Dir       string  `parser:"  @('PRECEDING' | 'FOLLOWING')"`
}

type gLiteral struct {
	Pos    Pos
	Number *string `parser:"  @Number"`
	String *string `parser:"| @String"`
	Bool   *string `parser:"| @('TRUE' | 'FALSE')"`
	Null   bool    `parser:"| @'NULL'"`
	Param  *string `parser:"| @Param"`
}
