/*
 * Derived metrics (see metric.h for the definitions): one place computes them, for one
 * enterprise-period here and for whole frame columns in frame/. NaN stands for unknown
 * throughout: a derived metric of an unknown input, or of a zero denominator, is unknown.
 */
#ifndef CC_DOMAIN_DERIVE_H
#define CC_DOMAIN_DERIVE_H
#include <stddef.h>

/*
 * Fills OUT[CC_M_BASE_COUNT .. CC_M_COUNT) from CUR (this period's base metrics), PREV (the
 * same period a year earlier, or NULL) and PREV3 (three years earlier, or NULL; CAGR is only
 * computed for annual periods, so monthly callers pass NULL). CUR and OUT may be the same
 * array (indexed by metric id, CC_M_COUNT long).
 */
void cc_derive(const double *cur, const double *prev, const double *prev3, double *out);

/* How a derived metric is computed: a ratio A / B of this period's base metrics, or the growth
 * (LAG 1) or CAGR (LAG 3) of A against the same period LAG years earlier. */
enum cc_derive_kind_t { CC_DERIVE_RATIO, CC_DERIVE_GROWTH, CC_DERIVE_CAGR };
struct cc_derive_rule {
	int kind; /* enum cc_derive_kind_t */
	int a, b; /* base metrics (B -1 for growth and CAGR) */
	int lag;  /* years: 0 for a ratio */
};
/* The rule of derived metric M, or NULL when M is not derived. */
const struct cc_derive_rule *cc_derive_rule(int m);

/*
 * Derived metric M over N enterprises at once (a frame column): A and B are this period's
 * columns of the rule's base metrics (B NULL for growth and CAGR), A_THEN the column of A LAG
 * years earlier (NULL when that year is not held: the result is unknown). The same values
 * cc_derive gives cell by cell.
 */
void cc_derive_column(int m, const double *a, const double *b, const double *a_then, size_t n,
		      double *out);

/* A / B, or NaN when either is unknown or B is zero. */
double cc_ratio(double a, double b);
/* CUR / PREV - 1, or NaN when either is unknown or PREV <= 0. */
double cc_growth(double cur, double prev);
/* (CUR / BASE)^(1/YEARS) - 1, or NaN when unknown or either is <= 0. */
double cc_cagr(double cur, double base, double years);

#endif
