/*
 * bench_patents: the patent stock of every node of the 33 chains (innov_stock: in force at the
 * end of YEAR, a year before, inventions, holders, filings) for the holders in SCOPE, timed
 * apart from the snapshot load, with peak RSS. Writes "chain.node<TAB>stock" for every mapped
 * node to OUT (when given), the lines bench/patents.sql writes, to compare. bench/patents.sh runs
 * it beside the same GROUP BY in SQL.
 *
 * Usage: bench_patents DB [YEAR] [SCOPE] [OUT]
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include "base/progress.h"
#include "domain/codes.h"
#include "innov/innov.h"

int main(int argc, char **argv)
{
	struct cc_error err = {0};
	struct cc_store *st = NULL;
	struct innov_patents *p = NULL;
	struct chain_scope scope;
	if (argc < 2) {
		fprintf(stderr, "usage: bench_patents DB [YEAR] [SCOPE] [OUT]\n");
		return 1;
	}
	int year = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 2024;
	const struct cc_catalogue *cat = NULL;
	const struct innov_map *m = NULL;
	if (cc_codes_load(&err) || !(cat = cc_catalogue_get(&err)) ||
	    !(m = innov_map_get(cat, &err)) || cc_store_open(&st, argv[1], 0, &err) ||
	    chain_scope_parse(argc > 3 ? argv[3] : "chongqing", &scope, &err)) {
		fprintf(stderr, "bench_patents: %s\n", err.msg);
		return 2;
	}
	double t0 = cc_now();
	if (innov_patents_load(st, cat, m, &p, &err)) {
		fprintf(stderr, "bench_patents: %s\n", err.msg);
		return 2;
	}
	double t1 = cc_now();
	struct innov_node_stock *s = calloc((size_t)cat->nnodes, sizeof *s);
	if (!s)
		return 2;
	innov_stock(p, m, &scope, year, s);
	double t2 = cc_now();
	long long total = 0;
	FILE *out = argc > 4 ? fopen(argv[4], "w") : NULL;
	for (int k = 0; k < cat->nnodes; k++) {
		total += s[k].stock;
		if (out && s[k].has_ipc && s[k].stock)
			fprintf(out, "%s.%s\t%lld\n", cat->chains[cat->nodes[k].chain].id,
				cat->nodes[k].id, (long long)s[k].stock);
	}
	if (out)
		fclose(out);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("RESULT load_seconds=%.4f stock_seconds=%.6f patents=%lld nodes=%d total_stock=%lld "
	       "rss_mb=%.1f\n",
	       t1 - t0, t2 - t1, (long long)p->n, cat->nnodes, total, ru.ru_maxrss / 1024.0);
	free(s);
	innov_patents_free(p);
	cc_store_close(st);
	return 0;
}
