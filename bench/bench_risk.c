/*
 * bench_risk: the resilience work of issue 7 on one database, timed step by step: the supply
 * network from the store (the light loader, no frame), single points of failure (dominators)
 * for all 33 chains, articulation points of the whole network, and one region-wide
 * disruption. bench/risk.sh runs it beside python-igraph (bench/risk_igraph.py) doing the
 * dominator and articulation work on the same graph.
 *
 * Usage: bench_risk DB [REGION] [EXPORT_DIR]   (CC_RISK_FROM_FRAME=1: the network from a frame
 *                                             built first, untimed, as the server has it)
 *   REGION     the disruption's region prefix (default 51, Sichuan)
 *   EXPORT_DIR after the timed part, writes what the peer needs: edges.txt (one link
 *              "buyer supplier" per line by node number: the reversed supply graph, merged),
 *              roots.txt and roots_named.txt (per chain: its final producers on one line, by
 *              node number and by credit code) and ours.txt (per chain: vertices reached and
 *              vertices dominating another; then the articulation point count and the number
 *              of vertices), to check that both found the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include "base/progress.h"
#include "domain/codes.h"
#include "frame/frame.h"
#include "risk/risk.h"

static double peak_mb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0;
}

int main(int argc, char **argv)
{
	struct cc_error err = {0};
	struct cc_store *st = NULL;
	struct risk_net *net = NULL;
	if (argc < 2) {
		fprintf(stderr, "usage: bench_risk DB [REGION] [EXPORT_DIR]\n");
		return 1;
	}
	const char *region = argc > 2 ? argv[2] : "51";
	const struct cc_catalogue *cat = cc_catalogue_get(&err);
	if (!cat || cc_codes_load(&err) || cc_store_open(&st, argv[1], CC_STORE_READONLY, &err)) {
		fprintf(stderr, "bench_risk: %s\n", err.msg);
		return 2;
	}
	/* CC_RISK_FROM_FRAME=1: the network from a frame built first (untimed), as the server
	 * makes it: its frame is always there (the peer "igraph (ids)" is likewise handed a
	 * graph already built). */
	struct cc_frame *fr = NULL;
	if (getenv("CC_RISK_FROM_FRAME")) {
		double a = cc_now();
		if (cc_frame_build(st, 0, &fr, &err)) {
			fprintf(stderr, "bench_risk: %s\n", err.msg);
			return 2;
		}
		printf("frame built in %.2f s (not timed)\n", cc_now() - a);
	}
	double t0 = cc_now();
	if (fr ? risk_net_from_frame(fr, &net, &err) : risk_net_load(st, &net, &err)) {
		fprintf(stderr, "bench_risk: %s\n", err.msg);
		return 2;
	}
	double t1 = cc_now();
	printf("network: %d nodes (%d registered, %d outside), %lld edges -> %d links, %d inputs; "
	       "%.0f MB; built in %.2f s (peak RSS so far %.0f MB)\n",
	       net->n, net->nent, net->n - net->nent, (long long)net->nedges,
	       net->down.start[net->n], net->ninputs, (double)risk_net_bytes(net) / 1048576.0,
	       t1 - t0, peak_mb());
	struct risk_dom_work *w = risk_dom_work_new(net->n);
	struct risk_spof_result *res = calloc((size_t)cat->nchains, sizeof *res);
	if (!w || !res) {
		fprintf(stderr, "bench_risk: out of memory\n");
		return 2;
	}
	long reach = 0, doms = 0;
	for (int c = 0; c < cat->nchains; c++) {
		if (risk_spof(net, c, w, &res[c], &err)) {
			fprintf(stderr, "bench_risk: %s\n", err.msg);
			return 2;
		}
		reach += res[c].reachable;
		doms += res[c].n;
	}
	double t2 = cc_now();
	printf("spof: %d chains, %ld vertices reached, %ld dominators in %.2f s\n", cat->nchains,
	       reach, doms, t2 - t1);
	struct risk_ap *ap = NULL;
	int nap = 0;
	if (risk_articulation_points(net, -1, &ap, &nap, &err)) {
		fprintf(stderr, "bench_risk: %s\n", err.msg);
		return 2;
	}
	double t3 = cc_now();
	printf("articulation: %d points in %.2f s\n", nap, t3 - t2);
	struct risk_disrupt_spec spec = {0};
	const char *regions[1] = {region};
	spec.regions = regions;
	spec.nregions = 1;
	spec.spare = -1;
	struct risk_disrupt_result dr;
	if (risk_disrupt(net, &spec, &dr, &err)) {
		fprintf(stderr, "bench_risk: %s\n", err.msg);
		return 2;
	}
	double t4 = cc_now();
	printf("disruption of region %s: %d suppliers removed, %d enterprises affected over %d "
	       "tiers, value at risk %.0f, in %.2f s\n",
	       region, dr.removed, dr.affected, dr.ntiers, dr.value, t4 - t3);
	printf("peak RSS %.0f MB\n", peak_mb());
	printf("RESULT build_seconds=%.3f spof_seconds=%.3f articulation_seconds=%.3f "
	       "disrupt_seconds=%.3f total_seconds=%.3f rss_mb=%.0f\n",
	       t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0, peak_mb());
	fflush(stdout);
	if (argc > 3) {
		/* The peer's input, outside the timed part. */
		char p[1024];
		snprintf(p, sizeof p, "%s/edges.txt", argv[3]);
		FILE *f = fopen(p, "w");
		snprintf(p, sizeof p, "%s/roots.txt", argv[3]);
		FILE *g = fopen(p, "w");
		snprintf(p, sizeof p, "%s/ours.txt", argv[3]);
		FILE *h = fopen(p, "w");
		snprintf(p, sizeof p, "%s/roots_named.txt", argv[3]);
		FILE *q = fopen(p, "w");
		if (!f || !g || !h || !q) {
			fprintf(stderr, "bench_risk: cannot write to '%s'\n", argv[3]);
			return 2;
		}
		for (int b = 0; b < net->n; b++)
			for (int32_t e = net->up.start[b]; e < net->up.start[b + 1]; e++)
				fprintf(f, "%d %d\n", b, net->up.adj[e]);
		for (int c = 0; c < cat->nchains; c++) {
			int32_t *fp = NULL;
			int n = risk_final_producers(net, c, &fp, &err);
			for (int i = 0; i < n; i++) {
				fprintf(g, i ? " %d" : "%d", fp[i]);
				fprintf(q, i ? " %s" : "%s", net->uscc[fp[i]]);
			}
			fputc('\n', g);
			fputc('\n', q);
			free(fp);
			fprintf(h, "%s %d %d\n", cat->chains[c].id, res[c].reachable, res[c].n);
		}
		fprintf(h, "articulation %d\nvertices %d\n", nap, net->n);
		fclose(f);
		fclose(g);
		fclose(h);
		fclose(q);
	}
	for (int c = 0; c < cat->nchains; c++)
		risk_spof_release(&res[c]);
	free(res);
	free(ap);
	risk_disrupt_release(&dr);
	risk_dom_work_free(w);
	risk_net_free(net);
	cc_frame_release(fr);
	cc_store_close(st);
	return 0;
}
