/*
 * Graph algorithms of the resilience module on plain compressed adjacency (struct risk_csr):
 * immediate dominators (Lengauer & Tarjan 1979) and articulation points (Hopcroft & Tarjan
 * 1973). Both are written without recursion, with explicit stacks, because supply graphs have
 * a million vertices and a recursive depth-first search would overflow the C stack. They work
 * on any CSR so tests can compare them with igraph and networkx on random graphs
 * (tests/oracle/).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "risk/risk.h"

int risk_csr_build(struct risk_csr *g, int n, int m, const int32_t *from, const int32_t *to,
		   struct cc_error *err)
{
	memset(g, 0, sizeof *g);
	g->n = n;
	g->start = calloc((size_t)n + 1, sizeof *g->start);
	g->adj = malloc(sizeof *g->adj * ((size_t)m + 1));
	int32_t *fill = calloc((size_t)n + 1, sizeof *fill);
	if (!g->start || !g->adj || !fill) {
		free(fill);
		risk_csr_release(g);
		return cc_error_set(err, CC_ENOMEM, "out of memory building a graph");
	}
	for (int i = 0; i < m; i++) {
		if (from[i] < 0 || from[i] >= n || to[i] < 0 || to[i] >= n) {
			free(fill);
			risk_csr_release(g);
			return cc_error_set(err, CC_EINVAL, "edge %d: vertex out of range", i);
		}
		g->start[from[i] + 1]++;
	}
	for (int v = 0; v < n; v++)
		g->start[v + 1] += g->start[v];
	for (int i = 0; i < m; i++)
		g->adj[g->start[from[i]] + fill[from[i]]++] = to[i];
	free(fill);
	return 0;
}

int risk_csr_transpose(const struct risk_csr *g, struct risk_csr *out, struct cc_error *err)
{
	int n = g->n, m = g->start[n];
	memset(out, 0, sizeof *out);
	out->n = n;
	out->start = calloc((size_t)n + 1, sizeof *out->start);
	out->adj = malloc(sizeof *out->adj * ((size_t)m + 1));
	int32_t *fill = calloc((size_t)n + 1, sizeof *fill);
	if (!out->start || !out->adj || !fill) {
		free(fill);
		risk_csr_release(out);
		return cc_error_set(err, CC_ENOMEM, "out of memory building a graph");
	}
	for (int i = 0; i < m; i++)
		out->start[g->adj[i] + 1]++;
	for (int v = 0; v < n; v++)
		out->start[v + 1] += out->start[v];
	/* Walking sources in order keeps each predecessor list sorted. */
	for (int u = 0; u < n; u++)
		for (int32_t e = g->start[u]; e < g->start[u + 1]; e++) {
			int v = g->adj[e];
			out->adj[out->start[v] + fill[v]++] = u;
		}
	free(fill);
	return 0;
}

void risk_csr_release(struct risk_csr *g)
{
	if (!g)
		return;
	free(g->start);
	free(g->adj);
	memset(g, 0, sizeof *g);
}

/*
 * Work arrays of Lengauer–Tarjan, indexed by DFS number (0 = the virtual root) except NUM and
 * ISROOT (by vertex). NUM is -1 for vertices not yet reached; a call resets only what it
 * touched, so 33 chains on a million-vertex graph cost their reachable parts, not 33 × n.
 */
struct risk_dom_work {
	int n;
	int32_t *num; /* vertex -> DFS number, -1 */
	uint8_t *isroot;
	int32_t *vert, *parent, *semi, *idom, *anc, *label, *bucket, *next;
	int32_t *stack, *iter; /* DFS stack: vertex number and next edge; EVAL's path */
};

struct risk_dom_work *risk_dom_work_new(int n)
{
	struct risk_dom_work *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	size_t N = (size_t)n + 2;
	w->n = n;
	w->num = malloc(sizeof(int32_t) * N);
	w->isroot = calloc(N, 1);
	int32_t **a[] = {&w->vert,  &w->parent, &w->semi, &w->idom,  &w->anc,
			 &w->label, &w->bucket, &w->next, &w->stack, &w->iter};
	int ok = w->num && w->isroot;
	for (size_t i = 0; i < sizeof a / sizeof a[0]; i++) {
		*a[i] = malloc(sizeof(int32_t) * N);
		ok = ok && *a[i];
	}
	if (!ok) {
		risk_dom_work_free(w);
		return NULL;
	}
	for (size_t i = 0; i < N; i++)
		w->num[i] = -1;
	return w;
}

void risk_dom_work_free(struct risk_dom_work *w)
{
	if (!w)
		return;
	free(w->num);
	free(w->isroot);
	free(w->vert);
	free(w->parent);
	free(w->semi);
	free(w->idom);
	free(w->anc);
	free(w->label);
	free(w->bucket);
	free(w->next);
	free(w->stack);
	free(w->iter);
	free(w);
}

/*
 * EVAL of the simple Lengauer–Tarjan: the vertex with the smallest semidominator on the
 * forest path above V, compressing the path on the way (iteratively: the path is pushed on
 * STACK, then relabelled from the top down).
 */
static int32_t dom_eval(struct risk_dom_work *w, int32_t v)
{
	if (w->anc[v] < 0)
		return v;
	int sp = 0;
	int32_t u = v;
	while (w->anc[w->anc[u]] >= 0) {
		w->stack[sp++] = u;
		u = w->anc[u];
	}
	while (sp > 0) {
		u = w->stack[--sp];
		int32_t a = w->anc[u];
		if (w->semi[w->label[a]] < w->semi[w->label[u]])
			w->label[u] = w->label[a];
		w->anc[u] = w->anc[a];
	}
	return w->label[v];
}

int risk_dominators(const struct risk_csr *succ, const struct risk_csr *pred, const int32_t *roots,
		    int nroots, struct risk_dom_work *w, int32_t *idom, int32_t *order,
		    struct cc_error *err)
{
	int n = succ->n;
	if (!w || w->n < n || pred->n != n)
		return cc_error_set(err, CC_EINVAL, "dominators: work area or graphs do not match");
	for (int r = 0; r < nroots; r++)
		if (roots[r] < 0 || roots[r] >= n)
			return cc_error_set(err, CC_EINVAL, "dominators: root %d out of range",
					    roots[r]);
	for (int v = 0; v < n; v++)
		idom[v] = -1;
	/* Depth-first numbering from the virtual root (number 0). */
	int N = 1;
	w->vert[0] = -1;
	w->parent[0] = -1;
	for (int r = 0; r < nroots; r++)
		w->isroot[roots[r]] = 1;
	for (int r = 0; r < nroots; r++) {
		int32_t s = roots[r];
		if (w->num[s] >= 0)
			continue;
		w->num[s] = N;
		w->vert[N] = s;
		w->parent[N] = 0;
		int sp = 0;
		w->stack[sp] = N;
		w->iter[sp] = succ->start[s];
		sp++;
		N++;
		while (sp > 0) {
			int32_t x = w->stack[sp - 1];
			int32_t vx = w->vert[x];
			if (w->iter[sp - 1] >= succ->start[vx + 1]) {
				sp--;
				continue;
			}
			int32_t y = succ->adj[w->iter[sp - 1]++];
			if (w->num[y] >= 0)
				continue;
			w->num[y] = N;
			w->vert[N] = y;
			w->parent[N] = x;
			w->stack[sp] = N;
			w->iter[sp] = succ->start[y];
			sp++;
			N++;
		}
	}
	for (int i = 0; i < N; i++) {
		w->semi[i] = i;
		w->label[i] = i;
		w->anc[i] = -1;
		w->bucket[i] = -1;
		w->idom[i] = 0;
	}
	for (int i = N - 1; i >= 1; i--) {
		int32_t v = w->vert[i];
		/* Semidominator: the smallest number reaching V through a predecessor; a root's
		 * predecessors include the virtual root (number 0). */
		if (w->isroot[v])
			w->semi[i] = 0;
		for (int32_t e = pred->start[v]; e < pred->start[v + 1]; e++) {
			int32_t u = w->num[pred->adj[e]];
			if (u < 0)
				continue;
			int32_t x = dom_eval(w, u);
			if (w->semi[x] < w->semi[i])
				w->semi[i] = w->semi[x];
		}
		w->next[i] = w->bucket[w->semi[i]];
		w->bucket[w->semi[i]] = i;
		int32_t p = w->parent[i];
		w->anc[i] = p;
		/* Implicit immediate dominators of the vertices whose semidominator is P. */
		for (int32_t b = w->bucket[p]; b >= 0; b = w->next[b]) {
			int32_t u = dom_eval(w, b);
			w->idom[b] = w->semi[u] < w->semi[b] ? u : p;
		}
		w->bucket[p] = -1;
	}
	for (int i = 1; i < N; i++)
		if (w->idom[i] != w->semi[i])
			w->idom[i] = w->idom[w->idom[i]];
	for (int i = 1; i < N; i++) {
		int32_t v = w->vert[i];
		idom[v] = w->idom[i] == 0 ? n : w->vert[w->idom[i]];
		if (order)
			order[i - 1] = v;
		w->num[v] = -1;
	}
	for (int r = 0; r < nroots; r++)
		w->isroot[roots[r]] = 0;
	return N - 1;
}

/* The J-th neighbour of V in the union of A's and B's lists, or -1 past the end. */
static inline int32_t nb_at(const struct risk_csr *a, const struct risk_csr *b, int32_t v,
			    int32_t j)
{
	int32_t da = a->start[v + 1] - a->start[v];
	if (j < da)
		return a->adj[a->start[v] + j];
	if (b && j - da < b->start[v + 1] - b->start[v])
		return b->adj[b->start[v] + j - da];
	return -1;
}

int risk_articulation(const struct risk_csr *a, const struct risk_csr *b, uint8_t *is_ap,
		      int32_t *cut, const double *w, double *cut_w, struct cc_error *err)
{
	int n = a->n, rc = 0, count = 0;
	if (b && b->n != n)
		return cc_error_set(err, CC_EINVAL, "articulation: graphs do not match");
	size_t N = (size_t)n + 1;
	int32_t *disc = malloc(sizeof(int32_t) * N), *low = malloc(sizeof(int32_t) * N);
	int32_t *size = malloc(sizeof(int32_t) * N), *stack = malloc(sizeof(int32_t) * N);
	int32_t *iter = malloc(sizeof(int32_t) * N), *big = malloc(sizeof(int32_t) * N);
	int32_t *children = malloc(sizeof(int32_t) * N);
	double *wsum = malloc(sizeof(double) * N), *bigw = malloc(sizeof(double) * N);
	if (!disc || !low || !size || !stack || !iter || !big || !children || !wsum || !bigw) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory finding articulation points");
		goto out;
	}
	for (int v = 0; v < n; v++) {
		disc[v] = -1;
		is_ap[v] = 0;
		if (cut)
			cut[v] = 0;
		if (cut_w)
			cut_w[v] = 0;
	}
	int time = 0;
	for (int r = 0; r < n; r++) {
		if (disc[r] >= 0)
			continue;
		int sp = 0;
		stack[sp] = r;
		iter[sp++] = 0;
		disc[r] = low[r] = time++;
		size[r] = 1;
		wsum[r] = w && !isnan(w[r]) ? w[r] : 0;
		children[r] = 0;
		big[r] = 0;
		bigw[r] = 0;
		while (sp > 0) {
			int32_t v = stack[sp - 1];
			int32_t u = nb_at(a, b, v, iter[sp - 1]++);
			if (u >= 0) {
				if (disc[u] < 0) {
					disc[u] = low[u] = time++;
					size[u] = 1;
					wsum[u] = w && !isnan(w[u]) ? w[u] : 0;
					children[u] = 0;
					big[u] = 0;
					bigw[u] = 0;
					stack[sp] = u;
					iter[sp++] = 0;
				} else if (disc[u] < low[v]) {
					/* A back edge (or the tree edge to the parent, which cannot
					 * change the test low >= disc(parent) below). */
					low[v] = disc[u];
				}
				continue;
			}
			/* V is finished: report to its parent P. */
			sp--;
			if (sp == 0)
				break;
			int32_t p = stack[sp - 1];
			size[p] += size[v];
			wsum[p] += wsum[v];
			children[p]++;
			if (size[v] > big[p]) {
				big[p] = size[v];
				bigw[p] = wsum[v];
			}
			if (low[v] < low[p])
				low[p] = low[v];
			if (p != r && low[v] >= disc[p]) {
				/* No back edge from V's subtree climbs above P: P separates it. */
				is_ap[p] = 1;
				if (cut)
					cut[p] += size[v];
				if (cut_w)
					cut_w[p] += wsum[v];
			}
		}
		if (children[r] >= 2) {
			/* A DFS root separates its children's subtrees; the part cut off is taken
			 * to be everything outside its largest child subtree. */
			is_ap[r] = 1;
			if (cut)
				cut[r] = size[r] - 1 - big[r];
			if (cut_w)
				cut_w[r] = wsum[r] - (w && !isnan(w[r]) ? w[r] : 0) - bigw[r];
		}
	}
	for (int v = 0; v < n; v++)
		count += is_ap[v];
	rc = count;
out:
	free(disc);
	free(low);
	free(size);
	free(stack);
	free(iter);
	free(big);
	free(children);
	free(wsum);
	free(bigw);
	return rc;
}
