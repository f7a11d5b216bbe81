/*
 * A read interrupted by another statement (bench/pg.sh read): streams N rows of (x, 'name-' ||
 * x, x * 0.5) from generate_series on the PostgreSQL database URL, runs one other statement
 * after row 10 (on PostgreSQL the rest of the read is then fetched ahead: store/pg.c,
 * detach_active) and reads the rest; prints the rows, their sum, the wall time and the peak
 * RSS. Each fetched-ahead row used to be a PGresult of its own (over 2 KB); it is now packed
 * into one result (its values and 16 bytes a column).
 *   bench_pg_read URL [N]   (default 1000000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include "store/store.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_pg_read URL [ROWS]\n");
		return 2;
	}
	long long n = argc > 2 ? atoll(argv[2]) : 1000000;
	struct cc_store *st = NULL;
	struct cc_error err = {0};
	if (cc_store_open(&st, argv[1], 0, &err)) {
		fprintf(stderr, "bench_pg_read: %s\n", err.msg);
		return 1;
	}
	char q[200];
	snprintf(q, sizeof q,
		 "SELECT x, 'name-' || x AS t, x * 0.5 AS h FROM generate_series(1, %lld) x", n);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct cc_stmt *s = NULL;
	long long rows = 0, sum = 0;
	int rc = cc_stmt_prepare(st, &s, q, &err);
	while (rc == 0 && (rc = cc_stmt_step(s, &err)) == 1) {
		rc = 0;
		sum += cc_stmt_int64(s, 0);
		if (++rows == 10)
			(void)cc_store_int(st, "SELECT 1", 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	cc_stmt_free(s);
	cc_store_close(st);
	if (rc < 0) {
		fprintf(stderr, "bench_pg_read: %s\n", err.msg);
		return 1;
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("rows %lld sum %lld\n", rows, sum);
	printf("RESULT read=%.3f rss=%.1f\n",
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	       (double)ru.ru_maxrss / 1024.0);
	return rows == n && sum == n * (n + 1) / 2 ? 0 : 1;
}
