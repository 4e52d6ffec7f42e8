// Package lang is kq's query language: the lexer and participle grammar, the
// AST it produces, positioned errors, printing an AST back to SQL, and
// rendering it for the embedded SQL engine. It is public as the dialect's
// parser API — for tools that parse, check or rewrite kq queries (editors,
// linters, query builders) — and is what kq itself uses; the rest of kq is
// internal.
//
// Parse turns query text into a Statement: a Query (*Select, *SetOp,
// *Values), *Explain, *Copy, *CreateTable, *Insert, *Show or *Describe (of
// a source or a query). DuckDB's shorthands are part of the dialect:
// GROUP BY ALL, * EXCLUDE (...) and * REPLACE (expr AS name), VALUES as a
// query or a FROM item, column aliases (AS t(a, b)). FROM items are
// TableExprs (*KafkaSource, *Table, *TableFunc, *FileTable, *SubquerySource,
// *Join); expressions are Exprs. Every node carries its position
// (line:column), every syntax error is a *Error with that position (Caret
// draws it), and String prints SQL that parses back to an Equal tree.
// Parse rejects queries longer than MaxQueryBytes or nested deeper than
// MaxDepth with a *Error instead of exhausting the stack.
//
// Keywords (Keywords lists them) are case-insensitive. Words that are
// Kafka column names (offset, partition, timestamp, key, value, topic) are
// not reserved; value.amount is a qualified identifier. Functions kq does
// not know pass through as *Call.
//
// Parameters, ? (numbered in order) or $n, are Literals of kind LitParam;
// they may stand in expressions, for a topic name (kafka(?)) and for an
// option value. NumParams counts what a statement takes, and Bind returns
// a copy bound to values: topic and option parameters replaced, those in
// expressions carrying their value (Literal.Bound) for planning.
//
// Render prints a statement for DuckDB with every identifier and string
// quoted, each kafka(...) source replaced by the caller's text and every
// parameter as $k (Rendered.Params says which), never its value.
// Children, Inspect, KafkaSources, Columns and Conjuncts walk the tree.
//
// The package knows nothing about Kafka or execution; package plan gives the
// AST its meaning. ASTs are plain values: safe to read from many goroutines,
// not to change while others read.
package lang
