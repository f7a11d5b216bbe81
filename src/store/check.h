/*
 * The rules one indicator row must keep, in one place: `chainchief check` (store/check.c)
 * reports stored rows that break them, and every write of indicators refuses a row that would
 * (the API's PUT of one period checks the row as it will be stored, old values merged with the
 * new). The importer (io/import.c) applies the same limits cell by cell as it reads.
 */
#ifndef CC_STORE_CHECK_H
#define CC_STORE_CHECK_H

#include "domain/metric.h"

/* The largest magnitude an indicator may have (10^13 万元, persons or tonnes): larger values
 * are typing or unit errors, as FORMATS.md says. */
#define CC_INDICATOR_MAX 1e13

/* The first rule a row breaks: the metric at fault (enum cc_metric_id_t), the other metric of
 * a rule between two (CC_M_EMPLOYEES for R&D staff above employees; -1 for rules of one
 * value), and what is wrong, as static text in Chinese and in English. */
struct cc_indicator_problem {
	int metric, other;
	const char *zh, *en;
};

/*
 * Checks one row. VALUES has CC_M_BASE_COUNT entries indexed by enum cc_metric_id_t, NaN for a
 * value not known (NULL). The rules: every known value is finite and at most CC_INDICATOR_MAX
 * in magnitude; none is negative except net profit and operating cash flow; R&D staff do not
 * exceed employees when both are known. Returns 0 when the row keeps them all, else 1 with the
 * first problem in *PROBLEM (which may be NULL).
 */
int cc_indicator_check(const double *values, struct cc_indicator_problem *problem);
/* Whether METRIC (enum cc_metric_id_t) may be negative under those rules (net profit and
 * operating cash flow). */
int cc_indicator_may_be_negative(int metric);

#endif
