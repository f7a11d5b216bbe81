/*
 * Derived metrics (see derive.h).
 */
#include <math.h>
#include "domain/derive.h"
#include "domain/metric.h"

double cc_ratio(double a, double b)
{
	if (isnan(a) || isnan(b) || b == 0)
		return NAN;
	return a / b;
}

double cc_growth(double cur, double prev)
{
	if (isnan(cur) || isnan(prev) || prev <= 0)
		return NAN;
	return cur / prev - 1;
}

double cc_cagr(double cur, double base, double years)
{
	if (isnan(cur) || isnan(base) || cur <= 0 || base <= 0 || years <= 0)
		return NAN;
	return pow(cur / base, 1.0 / years) - 1;
}

/* Every derived metric as one rule: its kind, numerator A and denominator B (base metrics;
 * for growth and CAGR, A now against A LAG years earlier). Indexed by metric - CC_M_BASE_COUNT. */
static const struct cc_derive_rule rules[CC_M_COUNT - CC_M_BASE_COUNT] = {
	[CC_M_REVENUE_YOY - CC_M_BASE_COUNT] = {CC_DERIVE_GROWTH, CC_M_REVENUE, -1, 1},
	[CC_M_REVENUE_CAGR3 - CC_M_BASE_COUNT] = {CC_DERIVE_CAGR, CC_M_REVENUE, -1, 3},
	[CC_M_OUTPUT_YOY - CC_M_BASE_COUNT] = {CC_DERIVE_GROWTH, CC_M_OUTPUT_VALUE, -1, 1},
	[CC_M_RD_INTENSITY - CC_M_BASE_COUNT] = {CC_DERIVE_RATIO, CC_M_RD_EXPENSE, CC_M_REVENUE, 0},
	[CC_M_RD_STAFF_SHARE -
		CC_M_BASE_COUNT] = {CC_DERIVE_RATIO, CC_M_RD_STAFF, CC_M_EMPLOYEES, 0},
	[CC_M_HIGHTECH_SHARE -
		CC_M_BASE_COUNT] = {CC_DERIVE_RATIO, CC_M_HIGHTECH_REVENUE, CC_M_REVENUE, 0},
	[CC_M_NET_MARGIN - CC_M_BASE_COUNT] = {CC_DERIVE_RATIO, CC_M_NET_PROFIT, CC_M_REVENUE, 0},
	[CC_M_DEBT_RATIO -
		CC_M_BASE_COUNT] = {CC_DERIVE_RATIO, CC_M_TOTAL_LIABILITIES, CC_M_TOTAL_ASSETS, 0},
	[CC_M_ENERGY_INTENSITY -
		CC_M_BASE_COUNT] = {CC_DERIVE_RATIO, CC_M_ENERGY_TCE, CC_M_OUTPUT_VALUE, 0},
	[CC_M_LABOUR_PRODUCTIVITY -
		CC_M_BASE_COUNT] = {CC_DERIVE_RATIO, CC_M_OUTPUT_VALUE, CC_M_EMPLOYEES, 0},
	[CC_M_MAIN_SHARE - CC_M_BASE_COUNT] = {CC_DERIVE_RATIO, CC_M_MAIN_REVENUE, CC_M_REVENUE, 0},
};

const struct cc_derive_rule *cc_derive_rule(int m)
{
	if (m < CC_M_BASE_COUNT || m >= CC_M_COUNT)
		return NULL;
	return &rules[m - CC_M_BASE_COUNT];
}

/* Rule R on A and B now and A LAG years earlier (NaN when that year is not held). */
static double apply(const struct cc_derive_rule *r, double a, double b, double a_then)
{
	switch (r->kind) {
	case CC_DERIVE_RATIO: return cc_ratio(a, b);
	case CC_DERIVE_GROWTH: return cc_growth(a, a_then);
	default: return cc_cagr(a, a_then, r->lag);
	}
}

void cc_derive(const double *cur, const double *prev, const double *prev3, double *out)
{
	double v[CC_M_COUNT - CC_M_BASE_COUNT];
	for (int m = CC_M_BASE_COUNT; m < CC_M_COUNT; m++) {
		const struct cc_derive_rule *r = &rules[m - CC_M_BASE_COUNT];
		const double *then = r->lag == 1 ? prev : r->lag == 3 ? prev3 : NULL;
		if (r->kind != CC_DERIVE_RATIO && !then) {
			v[m - CC_M_BASE_COUNT] = NAN;
			continue;
		}
		v[m - CC_M_BASE_COUNT] =
			apply(r, cur[r->a], r->b >= 0 ? cur[r->b] : NAN, then ? then[r->a] : NAN);
	}
	/* Written after every rule has read CUR, which may be OUT. */
	for (int m = CC_M_BASE_COUNT; m < CC_M_COUNT; m++)
		out[m] = v[m - CC_M_BASE_COUNT];
}

void cc_derive_column(int m, const double *a, const double *b, const double *a_then, size_t n,
		      double *out)
{
	const struct cc_derive_rule *r = cc_derive_rule(m);
	if (!r || (r->kind != CC_DERIVE_RATIO && !a_then)) {
		for (size_t i = 0; i < n; i++)
			out[i] = NAN;
		return;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = apply(r, a[i], b ? b[i] : NAN, a_then ? a_then[i] : NAN);
}
