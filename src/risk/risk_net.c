/*
 * The supply network of the resilience module (risk/risk.h): built from a frame, or straight
 * from the store with a few SQL scans when no frame is wanted (a frame of 1M enterprises with
 * 5 years of 28 annual metrics is ~1.7 GB; the network of the same registry with 10M supply
 * edges a small part of it). Both constructors hand raw edges to one builder, which groups
 * them by buyer and input node, merges a supplier's edges within an input (shares by the rule
 * in risk.h) and makes the link graph in both directions.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/codemap.h"
#include "domain/catalogue.h"
#include "domain/metric.h"
#include "domain/uscc.h"
#include "base/progress.h"
#include "risk/risk.h"

/* With CC_RISK_TRACE set, the loader prints each phase's seconds on stderr (benchmarks). */
static void trace(const char *what, double *t)
{
	double now = cc_now();
	if (getenv("CC_RISK_TRACE"))
		fprintf(stderr, "risk_net: %-12s %.3f s\n", what, now - *t);
	*t = now;
}

/* Raw edges as the constructors read them (net node indices). */
struct raw {
	int64_t n, cap;
	int32_t *sup, *buy, *node;
	float *value, *share;
};

static int raw_alloc(struct raw *r, int64_t cap)
{
	r->cap = cap + 1;
	r->sup = malloc(sizeof(int32_t) * (size_t)r->cap);
	r->buy = malloc(sizeof(int32_t) * (size_t)r->cap);
	r->node = malloc(sizeof(int32_t) * (size_t)r->cap);
	r->value = malloc(sizeof(float) * (size_t)r->cap);
	r->share = malloc(sizeof(float) * (size_t)r->cap);
	return r->sup && r->buy && r->node && r->value && r->share ? 0 : CC_ENOMEM;
}

static void raw_release(struct raw *r)
{
	free(r->sup);
	free(r->buy);
	free(r->node);
	free(r->value);
	free(r->share);
	memset(r, 0, sizeof *r);
}

void risk_net_free(struct risk_net *net)
{
	if (!net)
		return;
	free(net->uscc);
	free(net->region);
	free(net->output);
	free(net->member_start);
	free(net->member_node);
	free(net->member_role);
	risk_csr_release(&net->down);
	risk_csr_release(&net->up);
	free(net->down_value);
	free(net->input_start);
	free(net->input_node);
	free(net->entry_start);
	free(net->entry_supplier);
	free(net->entry_share);
	free(net->entry_value);
	free(net);
}

void risk_net_free_ext(void *net)
{
	risk_net_free(net);
}

size_t risk_net_bytes(const struct risk_net *net)
{
	size_t n = (size_t)net->n, links = (size_t)net->down.start[net->n];
	size_t b = sizeof *net + n * (19 + 4 + 8);
	b += ((size_t)net->nent + 1) * 4 + (size_t)net->member_start[net->nent] * 5;
	b += 2 * (n + 1) * 4 + 3 * links * 4;
	b += (n + 1) * 4 + (size_t)net->ninputs * 8 + (size_t)net->nentries * 12;
	return b;
}

/* One edge of a buyer while grouping: sorted by node, then supplier. */
struct bentry {
	int32_t node, sup;
	float value, share;
};

static int cmp_bentry(const void *pa, const void *pb)
{
	const struct bentry *a = pa, *b = pb;
	if (a->node != b->node)
		return a->node < b->node ? -1 : 1;
	return a->sup < b->sup ? -1 : a->sup > b->sup;
}

/* The builder's state: the raw edges sorted by buyer, and the links (supplier, buyer, value)
 * as they are made, grouped by buyer. */
struct builder {
	struct risk_net *net;
	struct raw *r;
	int n;
	int64_t m;
	int32_t *bstart; /* n + 2: a buyer's first edge in PERM */
	int32_t *perm;	 /* edges in buyer order */
	struct bentry *be;
	size_t becap;
	int32_t *lsup, *lbuy;
	float *lval;
	int32_t ni, ne, nl; /* inputs, entries and links so far */
};

/* Counting sort of the raw edges by buyer (BD->bstart, BD->perm). */
static int sort_by_buyer(struct builder *bd, struct cc_error *err)
{
	const struct raw *r = bd->r;
	int n = bd->n;
	int32_t *fill = calloc((size_t)n + 1, sizeof *fill);
	if (!fill)
		return cc_error_set(err, CC_ENOMEM, "out of memory building the supply network");
	for (int64_t e = 0; e < bd->m; e++)
		bd->bstart[r->buy[e] + 1]++;
	for (int v = 0; v < n; v++)
		bd->bstart[v + 1] += bd->bstart[v];
	for (int64_t e = 0; e < bd->m; e++)
		bd->perm[bd->bstart[r->buy[e]] + fill[r->buy[e]]++] = (int32_t)e;
	free(fill);
	return 0;
}

/*
 * Buyer B's entries BE[0..KK) (sorted by node, then supplier) into inputs: one per node, one
 * entry per supplier of it (its edges merged, the share by the rule in risk.h), and a link per
 * entry.
 */
static void group_inputs(struct builder *bd, int b, size_t kk)
{
	struct risk_net *net = bd->net;
	const struct bentry *be = bd->be;
	for (size_t i = 0; i < kk;) {
		/* One input: be[i .. j). */
		size_t j = i;
		while (j < kk && be[j].node == be[i].node)
			j++;
		net->input_node[bd->ni] = be[i].node;
		net->entry_start[bd->ni] = bd->ne;
		int32_t e0 = bd->ne, mmax = 1;
		double vtot = 0;
		for (size_t a = i; a < j;) {
			/* One supplier of the input: be[a .. c). */
			size_t c = a;
			double v = 0, s = 0;
			int vnan = 1, snan = 0;
			while (c < j && be[c].sup == be[a].sup) {
				if (!isnan(be[c].value)) {
					v += be[c].value;
					vnan = 0;
				}
				if (isnan(be[c].share))
					snan = 1;
				else
					s += be[c].share;
				c++;
			}
			if ((int32_t)(c - a) > mmax)
				mmax = (int32_t)(c - a);
			net->entry_supplier[bd->ne] = be[a].sup;
			net->entry_value[bd->ne] = vnan ? NAN : (float)v;
			net->entry_share[bd->ne] = snan ? NAN : (float)s;
			if (!vnan)
				vtot += v;
			bd->ne++;
			a = c;
		}
		for (int32_t q = e0; q < bd->ne; q++) {
			if (!isnan(net->entry_share[q]))
				net->entry_share[q] /= (float)mmax;
			else if (vtot > 0 && !isnan(net->entry_value[q]))
				net->entry_share[q] = (float)(net->entry_value[q] / vtot);
			else
				net->entry_share[q] = 1.0f / (float)(bd->ne - e0);
			if (net->entry_share[q] > 1)
				net->entry_share[q] = 1;
			bd->lsup[bd->nl] = net->entry_supplier[q];
			bd->lbuy[bd->nl] = b;
			bd->lval[bd->nl] = net->entry_value[q];
			bd->nl++;
		}
		bd->ni++;
		i = j;
	}
}

/* Links of buyer B from LINK0 on: one per supplier over all its inputs (values summed),
 * sorted by supplier. BE is free again and at least as long. */
static void merge_links(struct builder *bd, int b, int32_t link0)
{
	struct bentry *be = bd->be;
	int32_t *lsup = bd->lsup, *lbuy = bd->lbuy;
	float *lval = bd->lval;
	int32_t cnt = bd->nl - link0;
	if (cnt <= 1)
		return;
	for (int32_t q = 0; q < cnt; q++) {
		be[q].node = 0;
		be[q].sup = lsup[link0 + q];
		be[q].value = lval[link0 + q];
	}
	qsort(be, (size_t)cnt, sizeof *be, cmp_bentry);
	int32_t w = link0;
	for (int32_t q = 0; q < cnt; q++) {
		if (w > link0 && lsup[w - 1] == be[q].sup) {
			if (!isnan(be[q].value))
				lval[w - 1] = isnan(lval[w - 1]) ? be[q].value
								 : lval[w - 1] + be[q].value;
			continue;
		}
		lsup[w] = be[q].sup;
		lbuy[w] = b;
		lval[w] = be[q].value;
		w++;
	}
	bd->nl = w;
}

/* Inputs, entries and links of every buyer (self-supply left out: it says nothing about
 * dependence). */
static int group_buyers(struct builder *bd, struct cc_error *err)
{
	const struct raw *r = bd->r;
	struct risk_net *net = bd->net;
	for (int b = 0; b < bd->n; b++) {
		net->input_start[b] = bd->ni;
		size_t k = (size_t)(bd->bstart[b + 1] - bd->bstart[b]);
		if (k == 0)
			continue;
		if (k > bd->becap) {
			bd->becap = k * 2;
			free(bd->be);
			bd->be = malloc(sizeof *bd->be * bd->becap);
			if (!bd->be)
				return cc_error_set(err, CC_ENOMEM,
						    "out of memory building the network");
		}
		size_t kk = 0;
		for (int32_t p = bd->bstart[b]; p < bd->bstart[b + 1]; p++) {
			int32_t e = bd->perm[p];
			if (r->sup[e] == b)
				continue;
			bd->be[kk].node = r->node[e];
			bd->be[kk].sup = r->sup[e];
			bd->be[kk].value = r->value[e];
			bd->be[kk].share = r->share[e];
			kk++;
		}
		qsort(bd->be, kk, sizeof *bd->be, cmp_bentry);
		int32_t link0 = bd->nl;
		group_inputs(bd, b, kk);
		merge_links(bd, b, link0);
	}
	return 0;
}

/* Gives back what the upper bounds of NET's inputs and entries did not use (NI, NE used). */
static void trim_inputs(struct risk_net *net, int32_t ni, int32_t ne)
{
	void *p = realloc(net->input_node, sizeof(int32_t) * ((size_t)ni + 1));
	if (p)
		net->input_node = p;
	p = realloc(net->entry_start, sizeof(int32_t) * ((size_t)ni + 1));
	if (p)
		net->entry_start = p;
	p = realloc(net->entry_supplier, sizeof(int32_t) * ((size_t)ne + 1));
	if (p)
		net->entry_supplier = p;
	p = realloc(net->entry_share, sizeof(float) * ((size_t)ne + 1));
	if (p)
		net->entry_share = p;
	p = realloc(net->entry_value, sizeof(float) * ((size_t)ne + 1));
	if (p)
		net->entry_value = p;
}

/* The link graphs: UP (buyer -> suppliers: links come grouped by buyer, suppliers sorted),
 * DOWN its transpose, and the values in DOWN's order. */
static int link_graphs(struct builder *bd, struct cc_error *err)
{
	struct risk_net *net = bd->net;
	int rc = risk_csr_build(&net->up, bd->n, bd->nl, bd->lbuy, bd->lsup, err);
	if (rc)
		return rc;
	rc = risk_csr_transpose(&net->up, &net->down, err);
	if (rc)
		return rc;
	/* Values in DOWN's order: links walked by buyer, as the transpose did. */
	net->down_value = malloc(sizeof(float) * ((size_t)bd->nl + 1));
	int32_t *fill = calloc((size_t)bd->n + 1, sizeof *fill);
	if (!net->down_value || !fill) {
		free(fill);
		return cc_error_set(err, CC_ENOMEM, "out of memory building the supply network");
	}
	for (int32_t l = 0; l < bd->nl; l++) {
		int32_t s = bd->lsup[l];
		net->down_value[net->down.start[s] + fill[s]++] = bd->lval[l];
	}
	free(fill);
	return 0;
}

/*
 * The builder: R's edges (consumed: freed here) into NET's inputs, entries and link graphs.
 * NET already holds n, nent and the node arrays.
 */
static int build(struct risk_net *net, struct raw *r, struct cc_error *err)
{
	struct builder bd = {.net = net, .r = r, .n = net->n, .m = r->n};
	int rc = 0;
	int64_t m = r->n;
	bd.bstart = calloc((size_t)bd.n + 2, sizeof *bd.bstart);
	bd.perm = malloc(sizeof *bd.perm * (size_t)(m + 1));
	if (m >= INT32_MAX) {
		rc = cc_error_set(err, CC_EINVAL, "too many supply edges (%lld)", (long long)m);
		goto out;
	}
	if (!bd.bstart || !bd.perm) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory building the supply network");
		goto out;
	}
	double t = cc_now();
	net->nedges = m;
	rc = sort_by_buyer(&bd, err);
	if (rc)
		goto out;
	/* Upper bounds: an input and an entry per edge at most; trimmed at the end. */
	net->input_start = calloc((size_t)bd.n + 1, sizeof(int32_t));
	net->input_node = malloc(sizeof(int32_t) * (size_t)(m + 1));
	net->entry_start = malloc(sizeof(int32_t) * (size_t)(m + 2));
	net->entry_supplier = malloc(sizeof(int32_t) * (size_t)(m + 1));
	net->entry_share = malloc(sizeof(float) * (size_t)(m + 1));
	net->entry_value = malloc(sizeof(float) * (size_t)(m + 1));
	bd.lsup = malloc(sizeof *bd.lsup * (size_t)(m + 1));
	bd.lbuy = malloc(sizeof *bd.lbuy * (size_t)(m + 1));
	bd.lval = malloc(sizeof *bd.lval * (size_t)(m + 1));
	if (!net->input_start || !net->input_node || !net->entry_start || !net->entry_supplier ||
	    !net->entry_share || !net->entry_value || !bd.lsup || !bd.lbuy || !bd.lval) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory building the supply network");
		goto out;
	}
	rc = group_buyers(&bd, err);
	if (rc)
		goto out;
	trace("group", &t);
	net->input_start[bd.n] = bd.ni;
	net->entry_start[bd.ni] = bd.ne;
	net->ninputs = bd.ni;
	net->nentries = bd.ne;
	trim_inputs(net, bd.ni, bd.ne);
	free(bd.perm);
	bd.perm = NULL;
	raw_release(r);
	rc = link_graphs(&bd, err);
	if (rc)
		goto out;
	trace("links", &t);
out:
	free(bd.bstart);
	free(bd.perm);
	free(bd.be);
	free(bd.lsup);
	free(bd.lbuy);
	free(bd.lval);
	raw_release(r);
	return rc;
}

int risk_net_from_frame(const struct cc_frame *f, struct risk_net **out, struct cc_error *err)
{
	int rc = 0;
	struct raw r = {0};
	struct risk_net *net = calloc(1, sizeof *net);
	*out = NULL;
	if (!net)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	net->nent = f->n;
	net->n = f->n + f->noutside;
	size_t N = (size_t)net->n + 1;
	net->uscc = malloc(sizeof *net->uscc * N);
	net->region = malloc(sizeof(int32_t) * N);
	net->output = malloc(sizeof(double) * N);
	net->member_start = malloc(sizeof(int32_t) * ((size_t)f->n + 1));
	net->member_node = malloc(sizeof(int32_t) * ((size_t)f->nmembers + 1));
	net->member_role = malloc((size_t)f->nmembers + 1);
	if (!net->uscc || !net->region || !net->output || !net->member_start || !net->member_node ||
	    !net->member_role || raw_alloc(&r, f->nedges)) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory building the supply network");
		goto out;
	}
	net->year = cc_frame_latest_year(f);
	const double *ov = net->year ? cc_frame_annual(f, CC_M_OUTPUT_VALUE, net->year) : NULL;
	const double *rv = net->year ? cc_frame_annual(f, CC_M_REVENUE, net->year) : NULL;
	for (int i = 0; i < f->n; i++) {
		memcpy(net->uscc[i], f->uscc[i], 19);
		net->region[i] = f->region[i];
		double o = ov ? ov[i] : NAN;
		net->output[i] = isnan(o) && rv ? rv[i] : o;
	}
	for (int j = 0; j < f->noutside; j++) {
		memcpy(net->uscc[f->n + j], f->outside_uscc[j], 19);
		net->region[f->n + j] = f->outside_region[j];
		net->output[f->n + j] = NAN;
	}
	memcpy(net->member_start, f->member_start, sizeof(int32_t) * ((size_t)f->n + 1));
	memcpy(net->member_node, f->member_node, sizeof(int32_t) * (size_t)f->nmembers);
	memcpy(net->member_role, f->member_role, (size_t)f->nmembers);
	for (int e = 0; e < f->nedges; e++) {
		int32_t s = f->edge_supplier[e];
		r.sup[e] = s >= 0 ? s : f->n + (-s - 1);
		r.buy[e] = f->edge_buyer[e];
		r.value[e] = (float)cc_frame_edge_value(f, e);
		r.share[e] = (float)cc_frame_edge_share(f, e);
	}
	/* Edges lie in runs by node (those without one last). */
	for (int k = 0; k < f->nnodes && f->nedges; k++)
		for (int e = f->node_edge_start[k]; e < f->node_edge_start[k + 1]; e++)
			r.node[e] = k;
	for (int e = f->nedges ? f->node_edge_start[f->nnodes] : 0; e < f->nedges; e++)
		r.node[e] = -1;
	r.n = f->nedges;
	rc = build(net, &r, err);
out:
	raw_release(&r);
	if (rc) {
		risk_net_free(net);
		return rc;
	}
	*out = net;
	return 0;
}

void *risk_net_make(const struct cc_frame *f)
{
	struct risk_net *net = NULL;
	struct cc_error err = {0};
	if (risk_net_from_frame(f, &net, &err))
		return NULL;
	return net;
}

/* --- The light loader ---------------------------------------------------------------- */

/*
 * Supplier codes are resolved CC_CODEMAP_BATCH at a time through the code map
 * (cc_codemap_find_batch: its slots and codes prefetched, instead of two cache misses per edge,
 * ten million times); a code not found becomes a new node after the enterprises.
 */
struct batch {
	int n;
	char code[CC_CODEMAP_BATCH][18];
	int64_t edge[CC_CODEMAP_BATCH];
};

static int resolve_batch(struct risk_net *net, struct cc_codemap *map, struct batch *b,
			 struct raw *r, int *n, size_t *cap, struct cc_error *err)
{
	int32_t at[CC_CODEMAP_BATCH];
	cc_codemap_find_batch(map, (const char(*)[19])net->uscc, (const char(*)[18])b->code, b->n,
			      at);
	for (int i = 0; i < b->n; i++) {
		const char *sup = b->code[i];
		/* A miss is looked up again: an earlier row of the batch may have added it. */
		int32_t si = at[i] >= 0 ? at[i]
					: cc_codemap_find(map, (const char(*)[19])net->uscc, sup);
		if (si < 0) {
			/* A supplier outside the registry: a new node after the enterprises. */
			if ((size_t)*n == *cap) {
				size_t ncap = *cap * 2;
				void *a = realloc(net->uscc, sizeof *net->uscc * ncap);
				if (a)
					net->uscc = a;
				void *c = a ? realloc(net->region, sizeof(int32_t) * ncap) : NULL;
				if (c)
					net->region = c;
				if (!a || !c)
					return cc_error_set(err, CC_ENOMEM, "out of memory");
				*cap = ncap;
			}
			/* More outside suppliers than the first size guessed: keep the load at 1/2.
			 */
			if (cc_codemap_full(map, (size_t)*n) &&
			    cc_codemap_grow(map, (const char(*)[19])net->uscc, *n))
				return cc_error_set(err, CC_ENOMEM, "out of memory");
			memcpy(net->uscc[*n], sup, 18);
			net->uscc[*n][18] = '\0';
			int reg = cc_uscc_region(sup);
			net->region[*n] = reg < 0 ? 0 : reg;
			cc_codemap_put(map, (const char(*)[19])net->uscc, *n);
			si = (*n)++;
		}
		r->sup[b->edge[i]] = si;
	}
	b->n = 0;
	return 0;
}

/* An enterprise row while sorting by credit code. */
struct ent_row {
	char uscc[18];
	int32_t id, region;
};

static int cmp_ent_row(const void *a, const void *b)
{
	return memcmp(((const struct ent_row *)a)->uscc, ((const struct ent_row *)b)->uscc, 18);
}

/* Chain memberships into NET's CSR (IDMAP: store id -> node). */
static int load_members(struct cc_store *st, struct risk_net *net, const int32_t *idmap,
			int64_t maxid, const struct cc_catalogue *cat, struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	int64_t total = cc_store_int(st, "SELECT count(*) FROM chain_members", 0), q = 0;
	int32_t *ment = malloc(sizeof(int32_t) * ((size_t)total + 1));
	int32_t *mnode = malloc(sizeof(int32_t) * ((size_t)total + 1));
	uint8_t *mrole = malloc((size_t)total + 1);
	int32_t *fill = calloc((size_t)net->nent + 1, sizeof *fill);
	int rc = 0;
	net->member_start = calloc((size_t)net->nent + 1, sizeof(int32_t));
	net->member_node = malloc(sizeof(int32_t) * ((size_t)total + 1));
	net->member_role = malloc((size_t)total + 1);
	if (!ment || !mnode || !mrole || !fill || !net->member_start || !net->member_node ||
	    !net->member_role) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory building the supply network");
		goto out;
	}
	rc = cc_stmt_prepare(st, &s, "SELECT enterprise_id, chain, node, role FROM chain_members",
			     err);
	if (rc)
		goto out;
	while (q < total && (rc = cc_stmt_step(s, err)) == 1) {
		int64_t id = cc_stmt_int64(s, 0);
		if (id < 0 || id > maxid || idmap[id] < 0)
			continue;
		int nd = cc_node_index(cat, cc_stmt_text(s, 1), cc_stmt_text(s, 2));
		if (nd < 0)
			continue; /* a node since removed from the catalogue: `check` reports it */
		ment[q] = idmap[id];
		mnode[q] = nd;
		mrole[q] = cc_role_of(cc_stmt_text(s, 3));
		q++;
	}
	if (rc < 0)
		goto out;
	rc = 0;
	for (int64_t j = 0; j < q; j++)
		net->member_start[ment[j] + 1]++;
	for (int i = 0; i < net->nent; i++)
		net->member_start[i + 1] += net->member_start[i];
	for (int64_t j = 0; j < q; j++) {
		int32_t p = net->member_start[ment[j]] + fill[ment[j]]++;
		net->member_node[p] = mnode[j];
		net->member_role[p] = mrole[j];
	}
out:
	cc_stmt_free(s);
	free(ment);
	free(mnode);
	free(mrole);
	free(fill);
	return rc;
}

/* The light loader's state: the registry's size, the map from store id to node, the map from
 * credit code to node, and the raw edges. */
struct loader {
	struct cc_store *st;
	struct risk_net *net;
	const struct cc_catalogue *cat;
	int64_t nent, maxid, nedges;
	size_t cap;	/* nodes NET's uscc and region have room for */
	int32_t *idmap; /* maxid + 1: store id -> node, -1 none */
	struct cc_codemap map;
	struct raw r;
	int n; /* nodes so far: enterprises, then outside suppliers */
};

/*
 * Enterprises in credit-code order: the frame's order, so node i is frame index i. Read in
 * table order and sorted here: ORDER BY uscc walks the index and visits the table's pages in
 * random order, several times slower at a million rows.
 */
static int load_enterprises(struct loader *ld, struct cc_error *err)
{
	struct risk_net *net = ld->net;
	struct cc_stmt *s = NULL;
	struct ent_row *rows = malloc(sizeof *rows * ((size_t)ld->nent + 1));
	int k = 0, rc = 0;
	if (!rows)
		return cc_error_set(err, CC_ENOMEM, "out of memory building the supply network");
	rc = cc_stmt_prepare(ld->st, &s, "SELECT id, uscc, region FROM enterprises", err);
	if (rc)
		goto out;
	while (k < ld->nent && (rc = cc_stmt_step(s, err)) == 1) {
		int64_t id = cc_stmt_int64(s, 0);
		if (id < 0 || id > ld->maxid || cc_stmt_bytes(s, 1) != 18)
			continue;
		memcpy(rows[k].uscc, cc_stmt_text(s, 1), 18);
		rows[k].id = (int32_t)id;
		rows[k].region = (int32_t)cc_stmt_int64(s, 2);
		k++;
	}
	if (rc < 0)
		goto out;
	rc = 0;
	qsort(rows, (size_t)k, sizeof *rows, cmp_ent_row);
	for (int i = 0; i < k; i++) {
		ld->idmap[rows[i].id] = i;
		memcpy(net->uscc[i], rows[i].uscc, 18);
		net->uscc[i][18] = '\0';
		net->region[i] = rows[i].region;
		cc_codemap_put(&ld->map, (const char(*)[19])net->uscc, i);
	}
	net->nent = k;
out:
	cc_stmt_free(s);
	free(rows);
	return rc;
}

/* Output of the latest year with revenue (as cc_frame_latest_year), in one scan keeping each
 * enterprise's latest year's output value (or revenue). */
static int load_output(struct loader *ld, struct cc_error *err)
{
	struct risk_net *net = ld->net;
	struct cc_stmt *s = NULL;
	int rc = 0, year = 0;
	int32_t *best_year = calloc(ld->cap, sizeof *best_year);
	net->output = malloc(sizeof(double) * ld->cap);
	if (!net->output || !best_year) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory building the supply network");
		goto out;
	}
	rc = cc_stmt_prepare(ld->st, &s,
			     "SELECT enterprise_id, period, output_value, revenue FROM indicators "
			     "WHERE period % 100 = 0 AND revenue IS NOT NULL",
			     err);
	if (rc)
		goto out;
	while ((rc = cc_stmt_step(s, err)) == 1) {
		int64_t id = cc_stmt_int64(s, 0);
		if (id < 0 || id > ld->maxid || ld->idmap[id] < 0)
			continue;
		int i = ld->idmap[id], y = (int)(cc_stmt_int64(s, 1) / 100);
		if (y < best_year[i])
			continue;
		best_year[i] = y;
		net->output[i] =
			cc_stmt_is_null(s, 2) ? cc_stmt_double(s, 3) : cc_stmt_double(s, 2);
		if (y > year)
			year = y;
	}
	if (rc < 0)
		goto out;
	rc = 0;
	net->year = year;
	for (int i = 0; i < net->nent; i++)
		if (best_year[i] != year || year == 0)
			net->output[i] = NAN;
out:
	cc_stmt_free(s);
	free(best_year);
	return rc;
}

/* Supply edges into LD->r; suppliers outside the registry become nodes after the enterprises
 * (LD->n counts them in). */
static int load_edges(struct loader *ld, struct cc_error *err)
{
	struct raw *r = &ld->r;
	struct cc_stmt *s = NULL;
	int rc = cc_stmt_prepare(ld->st, &s,
				 "SELECT supplier, buyer_id, chain, node, annual_value, share FROM "
				 "supply_edges",
				 err);
	if (rc)
		return rc;
	struct batch *bt = malloc(sizeof *bt);
	if (!bt) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	bt->n = 0;
	while (r->n < ld->nedges && (rc = cc_stmt_step(s, err)) == 1) {
		int64_t id = cc_stmt_int64(s, 1);
		if (id < 0 || id > ld->maxid || ld->idmap[id] < 0 || cc_stmt_bytes(s, 0) != 18)
			continue;
		int64_t e = r->n++;
		memcpy(bt->code[bt->n], cc_stmt_text(s, 0), 18);
		bt->edge[bt->n++] = e;
		r->buy[e] = ld->idmap[id];
		r->node[e] = cc_stmt_is_null(s, 2) ? -1
						   : cc_node_index(ld->cat, cc_stmt_text(s, 2),
								   cc_stmt_text(s, 3));
		r->value[e] = cc_stmt_is_null(s, 4) ? NAN : (float)cc_stmt_double(s, 4);
		r->share[e] = cc_stmt_is_null(s, 5) ? NAN : (float)cc_stmt_double(s, 5);
		if (bt->n == CC_CODEMAP_BATCH) {
			rc = resolve_batch(ld->net, &ld->map, bt, r, &ld->n, &ld->cap, err);
			if (rc < 0)
				break;
		}
	}
	if (rc >= 0 && bt->n)
		rc = resolve_batch(ld->net, &ld->map, bt, r, &ld->n, &ld->cap, err);
out:
	free(bt);
	cc_stmt_free(s);
	return rc < 0 ? rc : 0;
}

/* Reads the registry's sizes and allocates the node arrays, the id map and the code map. */
static int loader_start(struct loader *ld, struct cc_error *err)
{
	struct cc_store *st = ld->st;
	struct risk_net *net = ld->net;
	ld->nent = cc_store_int(st, "SELECT count(*) FROM enterprises", 0);
	ld->maxid = cc_store_int(st, "SELECT max(id) FROM enterprises", 0);
	ld->nedges = cc_store_int(st, "SELECT count(*) FROM supply_edges", 0);
	if (ld->nent >= INT32_MAX / 4 || ld->maxid >= INT32_MAX || ld->maxid < 0 ||
	    ld->nedges >= INT32_MAX)
		return cc_error_set(err, CC_EINVAL, "registry too large for the supply network");
	ld->cap = (size_t)ld->nent + 1024;
	net->uscc = malloc(sizeof *net->uscc * ld->cap);
	net->region = malloc(sizeof(int32_t) * ld->cap);
	ld->idmap = malloc(sizeof(int32_t) * ((size_t)ld->maxid + 1));
	/* Slots for every enterprise and outside supplier at a load factor of 1/2 or less (an
	 * outside supplier has at least one edge; the bound is checked as they come). */
	int mrc = cc_codemap_init(&ld->map, (size_t)(ld->nent + ld->nedges / 4 + 1));
	if (!net->uscc || !net->region || !ld->idmap || mrc || raw_alloc(&ld->r, ld->nedges))
		return cc_error_set(err, CC_ENOMEM, "out of memory building the supply network");
	for (int64_t i = 0; i <= ld->maxid; i++)
		ld->idmap[i] = -1;
	return 0;
}

/* What a second thread of risk_net_load reads: the output and the memberships, through a
 * connection on the same snapshot, while the first reads the edges. */
struct side_load {
	struct loader ld; /* a copy: its own connection; cap fixed before the threads start */
	int rc;
	struct cc_error err;
};

static void *side_load(void *arg)
{
	struct side_load *sl = arg;
	sl->rc = load_output(&sl->ld, &sl->err);
	if (sl->rc == 0)
		sl->rc = load_members(sl->ld.st, sl->ld.net, sl->ld.idmap, sl->ld.maxid, sl->ld.cat,
				      &sl->err);
	return NULL;
}

/*
 * The output, memberships and edges after the enterprises: the edges on this thread and the
 * other two on a second connection on the same snapshot and thread when one can be had (they
 * write disjoint parts of the network: the edges add outside suppliers to the node arrays,
 * the output and memberships fill the enterprises' own), else one after the other.
 */
static int load_rest(struct loader *ld, struct cc_error *err)
{
	struct side_load sl = {.ld = *ld};
	sl.ld.st = cc_store_same_snapshot(ld->st, cc_store_log_seq(ld->st));
	pthread_t th;
	int two = sl.ld.st && pthread_create(&th, NULL, side_load, &sl) == 0;
	if (!two) {
		if (sl.ld.st)
			cc_store_close(sl.ld.st);
		sl.ld.st = ld->st;
		side_load(&sl);
	}
	int rc = two || sl.rc == 0 ? load_edges(ld, err) : 0;
	if (two) {
		pthread_join(th, NULL);
		cc_store_close(sl.ld.st);
	}
	if (rc == 0 && sl.rc)
		rc = cc_error_set(err, sl.rc, "%s", sl.err.msg);
	return rc;
}

int risk_net_load(struct cc_store *st, struct risk_net **out, struct cc_error *err)
{
	int rc = 0, began = 0;
	struct loader ld = {.st = st};
	*out = NULL;
	ld.net = calloc(1, sizeof *ld.net);
	ld.cat = cc_catalogue_get(err);
	if (!ld.net) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	if (!ld.cat) {
		rc = CC_EINVAL;
		goto out;
	}
	double t = cc_now();
	/* One read transaction: every table seen at the same generation. */
	rc = cc_store_exec(st, "BEGIN", err);
	if (rc)
		goto out;
	began = 1;
	rc = loader_start(&ld, err);
	if (rc == 0)
		rc = load_enterprises(&ld, err);
	if (rc)
		goto out;
	trace("enterprises", &t);
	ld.n = ld.net->nent;
	rc = load_rest(&ld, err);
	if (rc)
		goto out;
	trace("indicators, members and edges", &t);
	cc_store_rollback(st); /* ends the read transaction */
	began = 0;
	cc_codemap_free(&ld.map);
	free(ld.idmap);
	ld.idmap = NULL;
	ld.net->n = ld.n;
	void *p = realloc(ld.net->output, sizeof(double) * ((size_t)ld.n + 1));
	if (!p) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	ld.net->output = p;
	for (int i = ld.net->nent; i < ld.n; i++)
		ld.net->output[i] = NAN;
	rc = build(ld.net, &ld.r, err);
out:
	if (began)
		cc_store_rollback(st);
	raw_release(&ld.r);
	cc_codemap_free(&ld.map);
	free(ld.idmap);
	if (rc) {
		risk_net_free(ld.net);
		return rc;
	}
	*out = ld.net;
	return 0;
}

int risk_net_find(const struct risk_net *net, const char *uscc)
{
	if (!uscc || strlen(uscc) != 18)
		return -1;
	/* Enterprises are sorted by code; outside suppliers are scanned (one look-up). */
	int lo = 0, hi = net->nent - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		int c = memcmp(net->uscc[mid], uscc, 18);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	for (int i = net->nent; i < net->n; i++)
		if (memcmp(net->uscc[i], uscc, 18) == 0)
			return i;
	return -1;
}
