// Package flightsql serves a kq Engine as an Arrow Flight SQL endpoint
// (arrow-go's arrow/flight/flightsql server over gRPC), so that notebooks
// (ADBC, pandas, polars), BI tools (the Flight SQL JDBC driver in DBeaver,
// Superset, Grafana) and Go programs query Kafka topics with no
// conversion: kq's results already are Arrow.
//
// It lives in its own package so that programs embedding kq without
// serving do not link gRPC's server or Flight SQL.
//
// What it serves:
//
//   - Statements (CommandStatementQuery): GetFlightInfo runs the query on
//     the Engine and registers its open result under a random handle,
//     which the ticket carries; DoGet streams that result batch by batch
//     as the scans produce it, never materialized. A ticket is good for
//     one DoGet, by the caller that asked for it, within the ticket
//     timeout (WithTicketTimeout); a result nobody fetches is released
//     then.
//   - Prepared statements (create, close, GetFlightInfo, DoGet, update).
//     Creating one starts a query to learn its result's schema (the
//     Flight SQL JDBC driver runs a statement prepared without one as an
//     update); that result serves the first execution if it comes within
//     the ticket timeout. Later executions plan the statement again with
//     fresh offsets. Statements that write get no dataset schema.
//   - Statement updates (CommandStatementUpdate and prepared updates):
//     COPY, CREATE TABLE AS and INSERT INTO through Engine.Exec, with its
//     guarantees (CREATE and INSERT commit in one transaction); the record
//     count is the number of rows written.
//   - GetTables: the cluster's topics as tables of the schema "kafka"
//     (queried as kafka('name')), with, when the schema is asked for,
//     the fixed Kafka columns of kafka('name') without options (key,
//     value, topic, partition, offset, timestamp, timestampType), and the
//     session database's tables in the schema "main". GetDbSchemas lists
//     those two schemas; there are no catalogs. GetTableTypes lists
//     "TABLE". GetSqlInfo: server name, version, and the SQL facts kq
//     answers for (identifiers quoted with ", no transactions).
//
// Security: with no authentication configured the server only serves a
// loopback address; otherwise HTTP basic auth (users, also through the
// Flight handshake, which answers with a session bearer token), static
// bearer tokens, or client certificates (mutual TLS). Credentials are
// compared in constant time and never logged. An unauthenticated call is
// refused with codes.Unauthenticated before the statement is looked at,
// so a refusal says nothing about the topics.
//
// Resources: at most WithMaxQueries statements run at once (default 16);
// one more is refused with codes.ResourceExhausted rather than queued, so
// a client sees at once that the server is busy. A client that cancels or
// disconnects cancels its statement's context, which stops its scans.
package flightsql
