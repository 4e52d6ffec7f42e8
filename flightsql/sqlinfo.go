package flightsql

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"

	"github.com/kq-sql/kq/lang"
)

// registerSQLInfo registers what GetSqlInfo answers: the server, and the
// few facts of kq's dialect a client plans with. Everything registered
// is true of kq; what is not registered is unknown to the client.
func (s *Server) registerSQLInfo() error {
	infos := []struct {
		id    flightsql.SqlInfo
		value any
	}{
		{flightsql.SqlInfoFlightSqlServerName, "kq"},
		{flightsql.SqlInfoFlightSqlServerVersion, s.cfg.version},
		{flightsql.SqlInfoFlightSqlServerArrowVersion, arrow.PkgVersion},
		{flightsql.SqlInfoFlightSqlServerReadOnly, false},
		{flightsql.SqlInfoFlightSqlServerSql, true},
		{flightsql.SqlInfoFlightSqlServerSubstrait, false},
		{flightsql.SqlInfoFlightSqlServerTransaction, int32(flightsql.SqlTransactionNone)},
		// Cancellation is the client's: cancelling DoGet stops the
		// scans; there is no CancelFlightInfo action.
		{flightsql.SqlInfoFlightSqlServerCancel, false},
		{flightsql.SqlInfoFlightSqlServerBulkIngestion, false},
		{flightsql.SqlInfoTransactionsSupported, false},
		{flightsql.SqlInfoDDLCatalog, false},
		{flightsql.SqlInfoDDLSchema, false},
		{flightsql.SqlInfoDDLTable, true}, // CREATE TABLE AS
		{flightsql.SqlInfoIdentifierQuoteChar, `"`},
		{flightsql.SqlInfoIdentifierCase, int32(flightsql.SqlCaseSensitivityCaseInsensitive)},
		{flightsql.SqlInfoQuotedIdentifierCase, int32(flightsql.SqlCaseSensitivityCaseInsensitive)},
		{flightsql.SqlInfoKeywords, lang.Keywords()},
		{flightsql.SqlInfoSupportsColumnAliasing, true},
		{flightsql.SqlInfoNullPlusNullIsNull, true},
		{flightsql.SqlInfoSchemaTerm, "schema"},
		{flightsql.SqlInfoCatalogTerm, "catalog"},
	}
	for _, in := range infos {
		if err := s.RegisterSqlInfo(in.id, in.value); err != nil {
			return err
		}
	}
	return nil
}
