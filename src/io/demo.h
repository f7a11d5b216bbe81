/*
 * The demo dataset: a realistic Chongqing + Sichuan registry written as interchange CSV files,
 * so that `chainchief demo` loads it through the same import path as an analyst's files.
 */
#ifndef CC_IO_DEMO_H
#define CC_IO_DEMO_H
#include <stdint.h>
#include "base/error.h"

struct cc_demo_opts {
	int enterprises;  /* registry size (default 20000) */
	uint64_t seed;	  /* same seed, same files */
	int annual_years; /* annual periods, ending with last year (default 5) */
	int months;	  /* monthly periods, ending with last month (default 24) */
	int this_year;	  /* the current year (annual data ends the year before) */
	int this_month;	  /* the current month (monthly data ends the month before) */
};

struct cc_demo_counts {
	int64_t enterprises, indicators, members, supply, postings;
	int64_t patents; /* patents.csv (issue 17), written last */
	int64_t energy;	 /* enterprise-years of energy.csv */
};

/* Fills OPTS with the defaults (today's date from the clock). */
void cc_demo_defaults(struct cc_demo_opts *opts);

/*
 * Writes enterprises.csv, indicators.csv, chain_members.csv, supply.csv, postings.csv and
 * patents.csv, and energy.csv (energy accounts by carrier for most enterprise-years) into
 * DIR (which must exist). Returns 0 and the row counts, or a negative CC_E*.
 */
int cc_demo_write(const char *dir, const struct cc_demo_opts *opts, struct cc_demo_counts *counts,
		  struct cc_error *err);

#endif
