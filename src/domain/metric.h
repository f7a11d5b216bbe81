/*
 * The metric catalogue: the indicators of FORMATS.md (imported, one column each in the store
 * and in the frame) and the derived metrics computed from them in the frame.
 */
#ifndef CC_DOMAIN_METRIC_H
#define CC_DOMAIN_METRIC_H

enum cc_metric_id_t {
	CC_M_REVENUE,
	CC_M_MAIN_REVENUE,
	CC_M_OUTPUT_VALUE,
	CC_M_NET_PROFIT,
	CC_M_TOTAL_ASSETS,
	CC_M_TOTAL_LIABILITIES,
	CC_M_OP_CASH_FLOW,
	CC_M_EMPLOYEES,
	CC_M_RD_STAFF,
	CC_M_RD_EXPENSE,
	CC_M_INVENTION_PATENTS,
	CC_M_HIGHTECH_REVENUE,
	CC_M_EXPORTS,
	CC_M_ENERGY_TCE,
	CC_M_TAX,
	CC_M_LOCAL_PURCHASE,
	CC_M_FINANCING,
	CC_M_BASE_COUNT, /* imported metrics end here */
	CC_M_REVENUE_YOY = CC_M_BASE_COUNT,
	CC_M_REVENUE_CAGR3,
	CC_M_OUTPUT_YOY,
	CC_M_RD_INTENSITY,
	CC_M_RD_STAFF_SHARE,
	CC_M_HIGHTECH_SHARE,
	CC_M_NET_MARGIN,
	CC_M_DEBT_RATIO,
	CC_M_ENERGY_INTENSITY,
	CC_M_LABOUR_PRODUCTIVITY,
	CC_M_MAIN_SHARE,
	CC_M_COUNT
};

struct cc_metric {
	int id;
	const char *key;     /* "revenue" (column id, API and expression name) */
	const char *name_zh; /* 营业收入 */
	const char *name_en; /* Revenue */
	const char *unit;    /* "10k CNY", "persons", "count", "tce", "ratio", "tce/10k CNY" */
	const char *unit_zh; /* 万元 */
	int derived;	     /* computed in the frame, never imported */
	int integer;	     /* whole numbers (persons, counts) */
	const char *formula; /* for derived metrics: how it is computed */
};

/* Returns the catalogue entry for ID (0 <= ID < CC_M_COUNT). */
const struct cc_metric *cc_metric_get(int id);
/* Returns the metric whose key or Chinese name is NAME, or NULL. */
const struct cc_metric *cc_metric_find(const char *name);

#endif
