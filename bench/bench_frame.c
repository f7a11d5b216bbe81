/*
 * bench_frame: one full frame build from a database, timed by phase (CC_FRAME_TIMING), with
 * the frame's bytes, the process's peak RSS, and how much of each annual metric is unknown
 * (cells and whole 64 KB blocks), which says what a sparse representation would save.
 *
 * With --follow K it then makes K single indicator writes (employees of one enterprise, as
 * the API does) and follows each through the change log, timing the follow (the sorted
 * orders of the list page made first, so their patching is counted).
 *
 * Usage: bench_frame DB [--monthly] [--follow K]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "base/parse.h"
#include "base/progress.h"
#include "domain/codes.h"
#include "domain/metric.h"
#include "frame/col.h"
#include "frame/frame.h"
#include "frame/search.h"
#include "http/handlers.h"

int main(int argc, char **argv)
{
	struct cc_error err = {0};
	struct cc_store *st = NULL;
	struct cc_frame *f = NULL;
	if (argc < 2) {
		fprintf(stderr, "usage: bench_frame DB [--monthly]\n");
		return 1;
	}
	setenv("CC_FRAME_TIMING", "1", 0);
	if (cc_codes_load(&err) || cc_store_open(&st, argv[1], 0, &err)) {
		fprintf(stderr, "bench_frame: %s\n", err.msg);
		return 2;
	}
	int flags = 0, follow = 0;
	for (int a = 2; a < argc; a++)
		if (strcmp(argv[a], "--monthly") == 0)
			flags = CC_FRAME_MONTHLY;
		else if (strcmp(argv[a], "--follow") == 0 && a + 1 < argc) {
			long long k;
			a++;
			if (cc_parse_int64(argv[a], strlen(argv[a]), &k) || k < 1 || k > 1000000) {
				fprintf(stderr,
					"bench_frame: --follow wants 1..1000000, not '%s'\n",
					argv[a]);
				return 1;
			}
			follow = (int)k;
		}
	double t0 = cc_now();
	if (cc_frame_build(st, flags, &f, &err)) {
		fprintf(stderr, "bench_frame: %s\n", err.msg);
		return 2;
	}
	double t1 = cc_now();
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	size_t per_block = CC_COL_BLOCK / sizeof(double), nan_blocks = 0, blocks = 0;
	double built_mb = (double)cc_frame_bytes(f) / 1e6;
	/* The derived metrics' columns are made when first read: all of them, timed, for the
	 * frame's size when every page has been used. */
	double t2 = cc_now();
	for (int m = CC_M_BASE_COUNT; m < CC_M_COUNT; m++)
		cc_frame_metric(f, m);
	double t3 = cc_now();
	for (int m = 0; m < CC_M_COUNT; m++) {
		size_t cells = (size_t)f->n * (size_t)f->nyears, unknown = 0, nb = 0, nbn = 0;
		for (size_t b = 0; b < cells; b += per_block) {
			size_t e = b + per_block < cells ? b + per_block : cells, u = 0;
			for (size_t j = b; j < e; j++)
				u += isnan(f->annual[m][j]) != 0;
			unknown += u;
			nb++;
			nbn += u == e - b;
		}
		blocks += nb;
		nan_blocks += nbn;
		printf("  %-20s unknown %5.1f %% of cells, %5.1f %% of blocks\n",
		       cc_metric_get(m)->key, cells ? 100.0 * (double)unknown / (double)cells : 0,
		       nb ? 100.0 * (double)nbn / (double)nb : 0);
	}
	printf("frame: %d enterprises, %d years, %d edges, built in %.2f s, %.0f MB (annual "
	       "blocks wholly unknown: %zu of %zu); with every derived metric made (%.2f s) "
	       "%.0f MB\n",
	       f->n, f->nyears, f->nedges, t1 - t0, built_mb, nan_blocks, blocks, t3 - t2,
	       (double)cc_frame_bytes(f) / 1e6);
	printf("peak RSS %.0f MB (at the build)\n", (double)ru.ru_maxrss / 1024);
	printf("RESULT frame_seconds=%.2f frame_mb=%.0f rss_mb=%.0f derived_seconds=%.3f "
	       "frame_all_mb=%.0f\n",
	       t1 - t0, built_mb, (double)ru.ru_maxrss / 1024, t3 - t2,
	       (double)cc_frame_bytes(f) / 1e6);
	if (follow > 0) {
		h_enterprise_follow_init();
		int year = cc_frame_latest_year(f);
		cc_enterprise_order_check(f, CC_M_EMPLOYEES, year, 1);
		cc_enterprise_order_check(f, CC_M_REVENUE, year, 1);
		double *ms = malloc(sizeof *ms * (size_t)follow);
		/* Values no earlier run wrote, so every write changes something. */
		int salt = (int)((long long)(cc_now() * 1000) % 1000000) * 1000;
		for (int k = 0; k < follow; k++) {
			char sql[256];
			snprintf(
				sql, sizeof sql,
				"UPDATE indicators SET employees = %d WHERE enterprise_id = %lld AND "
				"period = %d",
				salt + k, (long long)f->id[(size_t)k * 7919 % (size_t)f->n],
				year * 100);
			cc_store_exec(st, sql, NULL);
			struct cc_frame *next = NULL;
			int rebuilt = 0;
			double a = cc_now();
			if (cc_frame_follow(st, f, &next, &rebuilt, &err)) {
				fprintf(stderr, "bench_frame: %s\n", err.msg);
				return 2;
			}
			ms[k] = (cc_now() - a) * 1e3;
			cc_frame_release(f);
			f = next;
		}
		for (int i = 1; i < follow; i++)
			for (int j = i; j > 0 && ms[j - 1] > ms[j]; j--) {
				double x = ms[j];
				ms[j] = ms[j - 1];
				ms[j - 1] = x;
			}
		printf("follow one indicator write: p50 %.2f ms, p99 %.2f ms, max %.2f ms (n=%d); "
		       "pool blocks in use %zu\n",
		       ms[follow / 2], ms[(follow * 99) / 100], ms[follow - 1], follow,
		       cc_col_pool_blocks());
		free(ms);
	}
	cc_frame_release(f);
	cc_store_close(st);
	return 0;
}
