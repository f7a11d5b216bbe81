/*
 * Derived metrics (see metric.h for the definitions): one place computes them, for one
 * enterprise-period here and for whole frame columns in frame/. NaN stands for unknown
 * throughout: a derived metric of an unknown input, or of a zero denominator, is unknown.
 */
#ifndef CC_DOMAIN_DERIVE_H
#define CC_DOMAIN_DERIVE_H

/*
 * Fills OUT[CC_M_BASE_COUNT .. CC_M_COUNT) from CUR (this period's base metrics), PREV (the
 * same period a year earlier, or NULL) and PREV3 (three years earlier, or NULL; CAGR is only
 * computed for annual periods, so monthly callers pass NULL). CUR and OUT may be the same
 * array (indexed by metric id, CC_M_COUNT long).
 */
void cc_derive(const double *cur, const double *prev, const double *prev3, double *out);

/* A / B, or NaN when either is unknown or B is zero. */
double cc_ratio(double a, double b);
/* CUR / PREV - 1, or NaN when either is unknown or PREV <= 0. */
double cc_growth(double cur, double prev);
/* (CUR / BASE)^(1/YEARS) - 1, or NaN when unknown or either is <= 0. */
double cc_cagr(double cur, double base, double years);

#endif
