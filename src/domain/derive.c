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

void cc_derive(const double *cur, const double *prev, const double *prev3, double *out)
{
	double rev = cur[CC_M_REVENUE], outv = cur[CC_M_OUTPUT_VALUE];
	out[CC_M_REVENUE_YOY] = prev ? cc_growth(rev, prev[CC_M_REVENUE]) : NAN;
	out[CC_M_REVENUE_CAGR3] = prev3 ? cc_cagr(rev, prev3[CC_M_REVENUE], 3) : NAN;
	out[CC_M_OUTPUT_YOY] = prev ? cc_growth(outv, prev[CC_M_OUTPUT_VALUE]) : NAN;
	out[CC_M_RD_INTENSITY] = cc_ratio(cur[CC_M_RD_EXPENSE], rev);
	out[CC_M_RD_STAFF_SHARE] = cc_ratio(cur[CC_M_RD_STAFF], cur[CC_M_EMPLOYEES]);
	out[CC_M_HIGHTECH_SHARE] = cc_ratio(cur[CC_M_HIGHTECH_REVENUE], rev);
	out[CC_M_NET_MARGIN] = cc_ratio(cur[CC_M_NET_PROFIT], rev);
	out[CC_M_DEBT_RATIO] = cc_ratio(cur[CC_M_TOTAL_LIABILITIES], cur[CC_M_TOTAL_ASSETS]);
	out[CC_M_ENERGY_INTENSITY] = cc_ratio(cur[CC_M_ENERGY_TCE], outv);
	out[CC_M_LABOUR_PRODUCTIVITY] = cc_ratio(outv, cur[CC_M_EMPLOYEES]);
	out[CC_M_MAIN_SHARE] = cc_ratio(cur[CC_M_MAIN_REVENUE], rev);
}
