/*
 * bench_chain: all 33 chains' node metrics, gaps and targets computed from the frame, timed
 * apart from the frame build, with peak RSS. bench/chains.sh runs it beside the same
 * aggregation in SQL (bench/chains.sql).
 *
 * Usage: bench_chain DB [SCOPE]
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include "base/progress.h"
#include "chain/chain.h"
#include "domain/codes.h"

int main(int argc, char **argv)
{
	struct cc_error err = {0};
	struct cc_store *st = NULL;
	struct cc_frame *f = NULL;
	struct chain_scope scope;
	if (argc < 2) {
		fprintf(stderr, "usage: bench_chain DB [SCOPE]\n");
		return 1;
	}
	if (cc_codes_load(&err) || cc_store_open(&st, argv[1], 0, &err) ||
	    chain_scope_parse(argc > 2 ? argv[2] : "chongqing", &scope, &err)) {
		fprintf(stderr, "bench_chain: %s\n", err.msg);
		return 2;
	}
	const struct cc_catalogue *cat = cc_catalogue_get(&err);
	const struct chain_rules *rules = chain_rules_get(&err);
	double t0 = cc_now();
	if (cc_frame_build(st, 0, &f, &err)) {
		fprintf(stderr, "bench_chain: %s\n", err.msg);
		return 2;
	}
	double t1 = cc_now();
	struct chain_node_metrics *m = malloc(sizeof *m * (size_t)cat->nnodes);
	struct chain_target t[10];
	long nodes = 0, gaps = 0, targets = 0;
	double checksum = 0;
	for (int c = 0; c < cat->nchains; c++) {
		struct chain_summary s;
		const struct cc_chain *ch = &cat->chains[c];
		if (chain_analyse(f, c, &scope, 0, rules, m, &s, &err)) {
			fprintf(stderr, "bench_chain: %s\n", err.msg);
			return 2;
		}
		nodes += ch->nnodes;
		checksum += s.output;
		for (int k = 0; k < ch->nnodes; k++) {
			if (m[k].cls != CHAIN_WEAK && m[k].cls != CHAIN_MISSING)
				continue;
			gaps++;
			int n = chain_targets(f, m[k].node, &scope, 0, rules, t, 10, &err);
			targets += n > 0 ? n : 0;
		}
	}
	double t2 = cc_now();
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("frame: %d enterprises, %d edges, built in %.2f s (%.0f MB)\n", f->n, f->nedges,
	       t1 - t0, (double)cc_frame_bytes(f) / 1e6);
	printf("chains: 33 chains, %ld nodes, %ld weak/missing, %ld targets in %.3f s "
	       "(output checksum %.0f)\n",
	       nodes, gaps, targets, t2 - t1, checksum);
	printf("peak RSS %.0f MB\n", (double)ru.ru_maxrss / 1024);
	printf("RESULT chains_seconds=%.4f frame_seconds=%.2f rss_mb=%.0f\n", t2 - t1, t1 - t0,
	       (double)ru.ru_maxrss / 1024);
	free(m);
	cc_frame_release(f);
	cc_store_close(st);
	return 0;
}
