/*
 * The terminal progress bar (see progress.h).
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include "base/progress.h"

double cc_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cc_progress_start(struct cc_progress *p, const char *label, uint64_t total)
{
	p->label = label;
	p->start = cc_now();
	p->last_draw = 0;
	p->total = total;
	p->enabled = isatty(2);
	p->drawn = 0;
}

void cc_progress_update(struct cc_progress *p, uint64_t rows, uint64_t done)
{
	if (!p->enabled || (rows & 1023) != 0)
		return;
	double now = cc_now();
	double el = now - p->start;
	if (el < 1.0 || now - p->last_draw < 0.1)
		return;
	p->last_draw = now;
	p->drawn = 1;
	double rate = (double)rows / el;
	double frac = p->total ? (double)done / (double)p->total : 0;
	if (frac > 1)
		frac = 1;
	char bar[31];
	int fill = (int)(frac * 30);
	for (int i = 0; i < 30; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[30] = '\0';
	double eta = frac > 0 ? el * (1 - frac) / frac : 0;
	fprintf(stderr, "\r%s [%s] %3.0f%% %llu rows %.0f rows/s ETA %.0fs   ", p->label, bar,
		frac * 100, (unsigned long long)rows, rate, eta);
	fflush(stderr);
}

void cc_progress_finish(struct cc_progress *p, uint64_t rows)
{
	(void)rows;
	if (p->drawn) {
		fprintf(stderr, "\r%*s\r", 100, "");
		fflush(stderr);
	}
}
