// Package lang is kq's query language: the lexer and participle grammar, the
// AST it produces, positioned errors, and printing an AST back to SQL.
//
// Parse turns query text into a *Statement. Every AST node carries its
// position (line:column), every syntax error is a *Error with that position,
// and Statement.String prints SQL that parses back to an equal AST.
//
// The package knows nothing about Kafka or execution; package plan gives the
// AST its meaning.
package lang
