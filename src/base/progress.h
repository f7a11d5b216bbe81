/*
 * A progress bar on standard error for long work (rows, rows/s, ETA), drawn only when stderr
 * is a terminal and the work has run for over a second, at most ten times a second.
 */
#ifndef CC_BASE_PROGRESS_H
#define CC_BASE_PROGRESS_H
#include <stdint.h>

struct cc_progress {
	const char *label;
	double start, last_draw;
	uint64_t total; /* bytes or units of work expected; 0 if unknown */
	int enabled, drawn;
};

/* Returns seconds since an arbitrary fixed point (monotonic clock). */
double cc_now(void);
void cc_progress_start(struct cc_progress *p, const char *label, uint64_t total);
/* ROWS processed so far and DONE units of TOTAL. Cheap to call on every row. */
void cc_progress_update(struct cc_progress *p, uint64_t rows, uint64_t done);
/* Clears the bar line if one was drawn. */
void cc_progress_finish(struct cc_progress *p, uint64_t rows);

#endif
