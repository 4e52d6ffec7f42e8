package plan

import (
	"strings"

	"github.com/kq-sql/kq/lang"
)

// aggregateFunctions are the names of DuckDB's aggregate (and window)
// functions, listed from duckdb_functions() of the pinned DuckDB (1.5.3).
// A call of one of them, without OVER, makes a SELECT an aggregation, which
// keeps LIMIT out of the scan.
var aggregateFunctions = map[string]bool{
	"any_value": true, "approx_count_distinct": true, "approx_quantile": true,
	"approx_top_k": true, "arbitrary": true, "arg_max": true, "arg_max_null": true,
	"arg_max_nulls_last": true, "arg_min": true, "arg_min_null": true,
	"arg_min_nulls_last": true, "argmax": true, "argmin": true, "array_agg": true,
	"avg": true, "bit_and": true, "bit_or": true, "bit_xor": true, "bitstring_agg": true,
	"bool_and": true, "bool_or": true, "corr": true, "count": true, "count_if": true,
	"count_star": true, "countif": true, "covar_pop": true, "covar_samp": true,
	"cume_dist": true, "dense_rank": true, "entropy": true, "favg": true, "fill": true,
	"first": true, "first_value": true, "fsum": true, "group_concat": true,
	"histogram": true, "histogram_exact": true, "kahan_sum": true, "kurtosis": true,
	"kurtosis_pop": true, "lag": true, "last": true, "last_value": true, "lead": true,
	"list": true, "listagg": true, "mad": true, "max": true, "max_by": true, "mean": true,
	"median": true, "min": true, "min_by": true, "mode": true, "nth_value": true,
	"ntile": true, "percent_rank": true, "product": true, "quantile": true,
	"quantile_cont": true, "quantile_disc": true, "rank": true, "rank_dense": true,
	"regr_avgx": true, "regr_avgy": true, "regr_count": true, "regr_intercept": true,
	"regr_r2": true, "regr_slope": true, "regr_sxx": true, "regr_sxy": true,
	"regr_syy": true, "reservoir_quantile": true, "row_number": true, "sem": true,
	"skewness": true, "stddev": true, "stddev_pop": true, "stddev_samp": true,
	"string_agg": true, "sum": true, "sum_no_overflow": true, "sumkahan": true,
	"var_pop": true, "var_samp": true, "variance": true,
}

// IsAggregateCall reports whether e is a call of an aggregate function
// (not a window function call, which has OVER).
func IsAggregateCall(e lang.Expr) bool {
	c, ok := e.(*lang.Call)
	return ok && c.Over == nil && aggregateFunctions[strings.ToLower(c.Name)]
}

// containsCall reports whether expression e holds a call matching pred,
// not looking into subqueries, which are planned on their own.
func containsCall(e lang.Node, pred func(*lang.Call) bool) bool {
	found := false
	lang.Inspect(e, func(n lang.Node) bool {
		switch n := n.(type) {
		case *lang.Subquery, *lang.Exists:
			return false
		case *lang.In:
			if n.Query != nil {
				found = found || containsCall(n.X, pred)
				return false
			}
		case *lang.Call:
			if pred(n) {
				found = true
			}
		}
		return !found
	})
	return found
}

// hasAggregate reports whether e calls an aggregate function outside a
// window.
func hasAggregate(e lang.Node) bool {
	return containsCall(e, func(c *lang.Call) bool { return c.Over == nil && aggregateFunctions[strings.ToLower(c.Name)] })
}

// hasWindow reports whether e calls a window function (OVER).
func hasWindow(e lang.Node) bool {
	return containsCall(e, func(c *lang.Call) bool { return c.Over != nil })
}
