/*
 * Industry benchmarking benchmark (issue 16): percentile ranks of an intensity within each
 * GB/T 4754 class, per year, for N enterprises x Y years, as green/green_rank computes them.
 *
 *   bench_green gen FILE.csv N YEARS     a deterministic data set: id, year, industry, value
 *                                        (classes of data/industries.csv drawn with a Zipf-like
 *                                        skew, log-normal intensities, ~2% missing, ties)
 *   bench_green run FILE.csv MIN_GROUP   reads the file (untimed), ranks each year (timed), and
 *                                        prints RESULT seconds=… cpu=… checksum=… rows=…
 *                                        (cpu: the process's CPU time, which a busy shared
 *                                        machine disturbs less than the wall time); MIN_GROUP 1
 *                                        ranks within the class alone, as the peers' SQL does
 *
 * The checksum is the sum of the percentiles (PERCENT_RANK); bench/green.sh compares it with
 * SQLite's and pandas' (or numpy's).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "base/builtin.h"
#include "base/parse.h"
#include "green/green.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next(void)
{
	uint64_t z = (rng += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static double uniform(void)
{
	return (double)(next() >> 11) / 9007199254740992.0;
}

static int gen(const char *path, long n, int years)
{
	char *text = NULL;
	size_t len = 0;
	if (cc_data_read("industries.csv", &text, &len))
		return 1;
	/* The classes: 5-character codes. */
	char(*codes)[6] = malloc(2000 * sizeof *codes);
	int nc = 0;
	for (char *p = text; p && *p && nc < 2000;) {
		char *e = strchr(p, '\n');
		char *comma = strchr(p, ',');
		if (comma && comma - p == 5 && (!e || comma < e)) {
			memcpy(codes[nc], p, 5);
			codes[nc++][5] = '\0';
		}
		p = e ? e + 1 : NULL;
	}
	free(text);
	FILE *f = fopen(path, "w");
	if (!f || !nc)
		return 1;
	fputs("id,year,industry,v\n", f);
	for (long i = 0; i < n; i++) {
		/* Zipf-like: u^3 favours the first classes; a fifth of the codes hold most firms.
		 */
		double u = uniform();
		int c = (int)(u * u * u * nc);
		double base = exp(-3 + 1.2 * sqrt(-2 * log(uniform() + 1e-300)) *
					       cos(6.283185307179586 * uniform()));
		for (int y = 0; y < years; y++) {
			double v = base * (1 + 0.1 * (uniform() - 0.5));
			if (uniform() < 0.02)
				fprintf(f, "%ld,%d,%s,\n", i, 2020 + y, codes[c]);
			else if (uniform() < 0.01)
				fprintf(f, "%ld,%d,%s,0.05\n", i, 2020 + y, codes[c]); /* ties */
			else
				fprintf(f, "%ld,%d,%s,%.6f\n", i, 2020 + y, codes[c], v);
		}
	}
	free(codes);
	return fclose(f) != 0;
}

static int run(const char *path, int min_group)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 1;
	char line[256];
	size_t cap = 1 << 20, n = 0;
	int *year = malloc(cap * sizeof *year);
	char(*ind)[6] = malloc(cap * sizeof *ind);
	double *v = malloc(cap * sizeof *v);
	if (!fgets(line, sizeof line, f))
		return 1;
	while (fgets(line, sizeof line, f)) {
		if (n == cap) {
			cap *= 2;
			year = realloc(year, cap * sizeof *year);
			ind = realloc(ind, cap * sizeof *ind);
			v = realloc(v, cap * sizeof *v);
		}
		char *p = strchr(line, ',');
		year[n] = (int)strtol(p + 1, &p, 10);
		memcpy(ind[n], p + 1, 5);
		ind[n][5] = '\0';
		p += 7;
		v[n] = (*p == '\n' || *p == '\0') ? NAN : strtod(p, NULL);
		n++;
	}
	fclose(f);
	/* Rows come grouped by enterprise; split them by year (untimed): the frame holds a year's
	 * column contiguous, which is what green_rank gets in the server. */
	int y0 = year[0], y1 = year[0];
	for (size_t i = 0; i < n; i++) {
		y0 = year[i] < y0 ? year[i] : y0;
		y1 = year[i] > y1 ? year[i] : y1;
	}
	int ny = y1 - y0 + 1;
	size_t per = n / (size_t)ny;
	const char **cols_ind = malloc(sizeof *cols_ind * n);
	double *cols_v = malloc(sizeof *cols_v * n);
	size_t *fill = calloc((size_t)ny, sizeof *fill);
	for (size_t i = 0; i < n; i++) {
		int y = year[i] - y0;
		size_t k = (size_t)y * per + fill[y]++;
		cols_ind[k] = ind[i];
		cols_v[k] = v[i];
	}
	double t0 = now(), c0 = cpu(), sum = 0;
	long ranked = 0;
	struct cc_error err = {0};
	for (int y = 0; y < ny; y++) {
		struct green_ranking r;
		if (green_rank(cols_ind + (size_t)y * per, cols_v + (size_t)y * per, (int)per,
			       min_group, &r, &err))
			return 1;
		for (size_t i = 0; i < per; i++)
			if (r.group[i] >= 0) {
				sum += r.pct[i];
				ranked++;
			}
		green_ranking_release(&r);
	}
	double t = now() - t0, c = cpu() - c0;
	printf("RESULT seconds=%.4f cpu=%.4f checksum=%.6f ranked=%ld rows=%zu\n", t, c, sum,
	       ranked, n);
	return 0;
}

/* ARG as a whole number in [LO, HI] into *OUT; 0, or -1 with a message naming WHAT. */
static int arg_int(const char *arg, const char *what, long long lo, long long hi, long long *out)
{
	if (cc_parse_int64(arg, strlen(arg), out) || *out < lo || *out > hi) {
		fprintf(stderr, "bench_green: %s must be %lld to %lld, not '%s'\n", what, lo, hi,
			arg);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	long long a, b;
	if (argc == 5 && !strcmp(argv[1], "gen")) {
		if (arg_int(argv[3], "N", 1, 100000000, &a) ||
		    arg_int(argv[4], "YEARS", 1, 100, &b))
			return 2;
		return gen(argv[2], (long)a, (int)b);
	}
	if (argc == 4 && !strcmp(argv[1], "run")) {
		if (arg_int(argv[3], "MIN_GROUP", 1, 1000000, &a))
			return 2;
		return run(argv[2], (int)a);
	}
	fprintf(stderr, "usage: bench_green gen FILE.csv N YEARS | run FILE.csv MIN_GROUP\n");
	return 2;
}
