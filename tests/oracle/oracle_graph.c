/*
 * oracle_graph: runs the resilience module's graph algorithms (risk/risk_graph.c) on graphs
 * read from standard input, for tests/oracle/test_graph_oracle.py to compare with igraph and
 * networkx.
 *
 * Input, repeated until end of file:
 *   N M K            vertices, directed edges, roots of the virtual source
 *   r1 ... rK        the roots (one line)
 *   u v              M lines: an edge u -> v (0 <= u, v < N)
 * Output per graph, two lines:
 *   idom d0 d1 ...   the immediate dominator of each vertex from the virtual source linked to
 *                    the roots: a vertex, N for the virtual source, x when unreachable
 *   ap a1 a2 ...     the articulation points of the undirected view, ascending
 */
#include <stdio.h>
#include <stdlib.h>
#include "risk/risk.h"

int main(void)
{
	int n, m, k;
	struct cc_error err = {0};
	while (scanf("%d %d %d", &n, &m, &k) == 3) {
		if (n <= 0 || m < 0 || k < 0 || n > 10000000 || m > 100000000) {
			fprintf(stderr, "oracle_graph: bad header\n");
			return 1;
		}
		int32_t *roots = malloc(sizeof *roots * (size_t)(k + 1));
		int32_t *from = malloc(sizeof *from * (size_t)(m + 1));
		int32_t *to = malloc(sizeof *to * (size_t)(m + 1));
		int32_t *idom = malloc(sizeof *idom * (size_t)n);
		uint8_t *ap = malloc((size_t)n);
		if (!roots || !from || !to || !idom || !ap)
			return 1;
		for (int i = 0; i < k; i++)
			if (scanf("%d", &roots[i]) != 1)
				return 1;
		for (int i = 0; i < m; i++)
			if (scanf("%d %d", &from[i], &to[i]) != 2)
				return 1;
		struct risk_csr g, gt;
		struct risk_dom_work *w = risk_dom_work_new(n);
		if (!w || risk_csr_build(&g, n, m, from, to, &err) ||
		    risk_csr_transpose(&g, &gt, &err) ||
		    risk_dominators(&g, &gt, roots, k, w, idom, NULL, &err) < 0 ||
		    risk_articulation(&g, &gt, ap, NULL, NULL, NULL, &err) < 0) {
			fprintf(stderr, "oracle_graph: %s\n", err.msg);
			return 1;
		}
		printf("idom");
		for (int v = 0; v < n; v++) {
			if (idom[v] < 0)
				printf(" x");
			else
				printf(" %d", idom[v]);
		}
		printf("\nap");
		for (int v = 0; v < n; v++)
			if (ap[v])
				printf(" %d", v);
		printf("\n");
		risk_dom_work_free(w);
		risk_csr_release(&g);
		risk_csr_release(&gt);
		free(roots);
		free(from);
		free(to);
		free(idom);
		free(ap);
	}
	return 0;
}
