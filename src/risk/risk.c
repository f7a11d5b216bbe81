/*
 * Resilience analytics over the supply network (risk/risk.h): input concentration and its
 * roll-ups, single points of failure per chain (dominators) and articulation points, the
 * disruption propagation and one supplier's neighbourhood. The rules (what an input is, how
 * shares merge, the alternative-supplier rule, what a final producer is) are written in
 * risk.h beside the functions; this file follows them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "domain/uscc.h"
#include "risk/risk.h"

void risk_input_stat(const struct risk_net *net, int k, const struct chain_scope *scope,
		     struct risk_input_stat *s)
{
	memset(s, 0, sizeof *s);
	s->node = net->input_node[k];
	for (int32_t e = net->entry_start[k]; e < net->entry_start[k + 1]; e++) {
		double sh = net->entry_share[e] * 100.0, v = net->entry_value[e];
		s->hhi += sh * sh;
		s->suppliers++;
		if (!isnan(v)) {
			s->value += v;
			if (scope && !chain_scope_has(scope, net->region[net->entry_supplier[e]]))
				s->outside_value += v;
		}
	}
	s->single = s->suppliers == 1;
}

static const struct cc_chain *chain_at(int chain, struct cc_error *err)
{
	const struct cc_catalogue *cat = cc_catalogue_get(err);
	if (!cat)
		return NULL;
	if (chain < 0 || chain >= cat->nchains) {
		cc_error_set(err, CC_EINVAL, "no chain with index %d", chain);
		return NULL;
	}
	return &cat->chains[chain];
}

static void conc_add(struct risk_conc *c, const struct risk_input_stat *s, double *plain)
{
	c->inputs++;
	c->single += s->single;
	c->concentrated += s->hhi > 2500;
	c->value += s->value;
	c->outside_value += s->outside_value;
	c->sourcing_hhi += s->hhi * s->value; /* a weighted sum until risk_concentration divides */
	*plain += s->hhi;
}

static void conc_finish(struct risk_conc *c, double plain)
{
	if (c->value > 0)
		c->sourcing_hhi /= c->value;
	else
		c->sourcing_hhi = c->inputs ? plain / c->inputs : NAN;
	c->outside_share = c->value > 0 ? c->outside_value / c->value : NAN;
}

/* One purchase for the market concentration: the value bought from SUPPLIER at chain node
 * NODE (index within the chain). */
struct buy {
	int32_t node, supplier;
	double value;
};

static int cmp_buy(const void *pa, const void *pb)
{
	const struct buy *a = pa, *b = pb;
	if (a->node != b->node)
		return a->node < b->node ? -1 : 1;
	return (a->supplier > b->supplier) - (a->supplier < b->supplier);
}

/* The HHI (shares in %) of the suppliers' summed values in BUYS[0..N), which are sorted by
 * supplier; NaN when nothing has a value. */
static double market_hhi(const struct buy *buys, size_t n)
{
	double total = 0, sum = 0;
	for (size_t i = 0; i < n; i++)
		total += buys[i].value;
	if (!(total > 0))
		return NAN;
	for (size_t i = 0; i < n;) {
		double v = 0;
		size_t j = i;
		for (; j < n && buys[j].supplier == buys[i].supplier; j++)
			v += buys[j].value;
		sum += (v / total * 100) * (v / total * 100);
		i = j;
	}
	return sum;
}

/* Fills the market_hhi of NODES (NN of them) and TOTAL from BUYS[0..N) (sorted here). */
static void market_finish(struct buy *buys, size_t n, struct risk_conc *nodes, int nn,
			  struct risk_conc *total)
{
	for (int k = 0; k < nn; k++)
		nodes[k].market_hhi = NAN;
	qsort(buys, n, sizeof *buys, cmp_buy);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && buys[j].node == buys[i].node)
			j++;
		nodes[buys[i].node].market_hhi = market_hhi(buys + i, j - i);
		i = j;
	}
	/* The chain: every node's purchases by supplier alone. */
	for (size_t i = 0; i < n; i++)
		buys[i].node = 0;
	qsort(buys, n, sizeof *buys, cmp_buy);
	total->market_hhi = market_hhi(buys, n);
}

int risk_concentration(const struct risk_net *net, int chain, const struct chain_scope *scope,
		       struct risk_conc *nodes, struct risk_conc *total, struct cc_error *err)
{
	const struct cc_chain *ch = chain_at(chain, err);
	if (!ch)
		return CC_EINVAL;
	double *plain = calloc((size_t)ch->nnodes + 1, sizeof *plain);
	size_t nbuys = 0, cap = 1024;
	struct buy *buys = malloc(sizeof *buys * cap);
	if (!plain || !buys) {
		free(plain);
		free(buys);
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	}
	memset(total, 0, sizeof *total);
	total->node = -1;
	for (int k = 0; k < ch->nnodes; k++) {
		memset(&nodes[k], 0, sizeof nodes[k]);
		nodes[k].node = ch->first_node + k;
	}
	for (int b = 0; b < net->nent; b++) {
		if (scope && !chain_scope_has(scope, net->region[b]))
			continue;
		int any = 0;
		for (int32_t k = net->input_start[b]; k < net->input_start[b + 1]; k++) {
			int nd = net->input_node[k] - ch->first_node;
			if (nd < 0 || nd >= ch->nnodes)
				continue;
			struct risk_input_stat s;
			risk_input_stat(net, k, scope, &s);
			for (int32_t e = net->entry_start[k]; e < net->entry_start[k + 1]; e++) {
				if (isnan(net->entry_value[e]))
					continue;
				if (nbuys == cap) {
					struct buy *p = realloc(buys, sizeof *buys * cap * 2);
					if (!p) {
						free(plain);
						free(buys);
						return cc_error_set(err, CC_ENOMEM,
								    "out of memory");
					}
					buys = p;
					cap *= 2;
				}
				buys[nbuys++] = (struct buy){nd, net->entry_supplier[e],
							     net->entry_value[e]};
			}
			conc_add(&nodes[nd], &s, &plain[nd]);
			nodes[nd].buyers++;
			conc_add(total, &s, &plain[ch->nnodes]);
			any = 1;
		}
		total->buyers += any;
	}
	for (int k = 0; k < ch->nnodes; k++)
		conc_finish(&nodes[k], plain[k]);
	conc_finish(total, plain[ch->nnodes]);
	market_finish(buys, nbuys, nodes, ch->nnodes, total);
	free(plain);
	free(buys);
	return 0;
}

int risk_final_producers(const struct risk_net *net, int chain, int32_t **out, struct cc_error *err)
{
	const struct cc_catalogue *cat = cc_catalogue_get(err);
	const struct cc_chain *ch = chain_at(chain, err);
	*out = NULL;
	if (!ch || !cat)
		return CC_EINVAL;
	int cap = 1024, n = 0;
	int32_t *fp = malloc(sizeof *fp * (size_t)cap);
	if (!fp)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	for (int pass = 0; pass < 2 && n == 0; pass++) {
		for (int i = 0; i < net->nent; i++) {
			for (int32_t m = net->member_start[i]; m < net->member_start[i + 1]; m++) {
				int nd = net->member_node[m];
				if (nd < ch->first_node || nd >= ch->first_node + ch->nnodes)
					continue;
				int take = pass == 0 ? cat->nodes[nd].stage == CC_STAGE_DOWNSTREAM
						     : net->member_role[m] == CC_ROLE_MASTER;
				if (!take)
					continue;
				if (n == cap) {
					cap *= 2;
					void *p = realloc(fp, sizeof *fp * (size_t)cap);
					if (!p) {
						free(fp);
						return cc_error_set(err, CC_ENOMEM,
								    "out of memory");
					}
					fp = p;
				}
				fp[n++] = i;
				break;
			}
		}
	}
	*out = fp;
	return n;
}

static int cmp_spof(const void *pa, const void *pb)
{
	const struct risk_spof *a = pa, *b = pb;
	if (a->downstream != b->downstream)
		return a->downstream > b->downstream ? -1 : 1;
	if (a->value != b->value)
		return a->value > b->value ? -1 : 1;
	if (a->dominated != b->dominated)
		return a->dominated > b->dominated ? -1 : 1;
	return a->node < b->node ? -1 : a->node > b->node;
}

static double buyer_loss(const struct risk_net *net, int b, const double *x, double spare);

struct risk_loss_work {
	int n;
	double *x;     /* loss fraction per node, 0 outside the last run's reach */
	int32_t *seen; /* the tick at which a buyer was last looked at */
	int32_t tick;  /* grows with every tier of every run */
	int32_t *front, *next, *touched;
	double *nx;
};

struct risk_loss_work *risk_loss_work_new(int n)
{
	struct risk_loss_work *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	size_t N = (size_t)n + 1;
	w->n = n;
	w->x = calloc(N, sizeof *w->x);
	w->seen = calloc(N, sizeof *w->seen);
	w->front = malloc(sizeof *w->front * N);
	w->next = malloc(sizeof *w->next * N);
	w->touched = malloc(sizeof *w->touched * N);
	w->nx = malloc(sizeof *w->nx * N);
	if (!w->x || !w->seen || !w->front || !w->next || !w->touched || !w->nx) {
		risk_loss_work_free(w);
		return NULL;
	}
	return w;
}

void risk_loss_work_free(struct risk_loss_work *w)
{
	if (!w)
		return;
	free(w->x);
	free(w->seen);
	free(w->front);
	free(w->next);
	free(w->touched);
	free(w->nx);
	free(w);
}

double risk_downstream_loss(const struct risk_net *net, int v, double spare, int max_tiers,
			    const uint8_t *in, struct risk_loss_work *w, int *affected)
{
	if (affected)
		*affected = 0;
	if (!w || v < 0 || v >= net->n)
		return NAN;
	int nf = 1, nt = 1;
	w->x[v] = 1;
	w->front[0] = w->touched[0] = v;
	/* Tier by tier, as risk_disrupt (Jacobi: a tier's buyers see the losses of the last). */
	for (int t = 1; t <= max_tiers && nf > 0; t++) {
		int nn = 0;
		int32_t tick = ++w->tick;
		for (int i = 0; i < nf; i++) {
			int s = w->front[i];
			for (int32_t e = net->down.start[s]; e < net->down.start[s + 1]; e++) {
				int b = net->down.adj[e];
				if (w->seen[b] == tick || b == v)
					continue;
				w->seen[b] = tick;
				double l = buyer_loss(net, b, w->x, spare);
				if (l > w->x[b] + 1e-6) {
					w->nx[nn] = l;
					w->next[nn++] = b;
				}
			}
		}
		for (int i = 0; i < nn; i++) {
			if (w->x[w->next[i]] == 0)
				w->touched[nt++] = w->next[i];
			w->x[w->next[i]] = w->nx[i];
		}
		int32_t *tmp = w->front;
		w->front = w->next;
		w->next = tmp;
		nf = nn;
	}
	double sum = 0;
	for (int i = 0; i < nt; i++) {
		int u = w->touched[i];
		if (u != v && (!in || in[u])) {
			sum += (isnan(net->output[u]) ? 0 : net->output[u]) * w->x[u];
			if (affected)
				(*affected)++;
		}
		w->x[u] = 0;
	}
	return sum;
}

/*
 * Fills OUT->items from the dominator tree (ORDER, REACH, subtree counts CNT and values VAL,
 * IDOM, ISFP), each with its downstream loss among the members of CHAIN. Returns 0 or
 * CC_ENOMEM.
 */
static int spof_losses(const struct risk_net *net, int chain, struct risk_spof_result *out,
		       const int32_t *order, int reach, const int32_t *cnt, const double *val,
		       const int32_t *idom, const uint8_t *isfp, struct cc_error *err)
{
	int n = net->n;
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	uint8_t *in = calloc((size_t)n + 1, 1);
	struct risk_loss_work *lw = risk_loss_work_new(n);
	if (!in || !lw || !cat) {
		free(in);
		risk_loss_work_free(lw);
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	}
	for (int u = 0; u < net->nent; u++)
		for (int32_t m = net->member_start[u]; m < net->member_start[u + 1]; m++)
			if (cat->nodes[net->member_node[m]].chain == chain)
				in[u] = 1;
	for (int i = 0; i < reach; i++) {
		int v = order[i];
		if (cnt[v] < 2)
			continue;
		struct risk_spof *s = &out->items[out->n++];
		s->node = v;
		s->dominated = cnt[v] - 1;
		s->value = val[v] - (isnan(net->output[v]) ? 0 : net->output[v]);
		s->idom = idom[v] >= n ? -1 : idom[v];
		s->final_producer = isfp[v];
		s->downstream = risk_downstream_loss(net, v, 0.2, 50, in, lw, &s->affected);
	}
	free(in);
	risk_loss_work_free(lw);
	return 0;
}

int risk_spof(const struct risk_net *net, int chain, struct risk_dom_work *w,
	      struct risk_spof_result *out, struct cc_error *err)
{
	int rc = 0, n = net->n;
	int32_t *fp = NULL, *idom = NULL, *order = NULL, *cnt = NULL;
	double *val = NULL;
	uint8_t *isfp = NULL;
	struct risk_dom_work *own = NULL;
	memset(out, 0, sizeof *out);
	out->chain = chain;
	int nfp = risk_final_producers(net, chain, &fp, err);
	if (nfp < 0)
		return nfp;
	out->nfinal = nfp;
	if (!w)
		w = own = risk_dom_work_new(n);
	idom = malloc(sizeof *idom * ((size_t)n + 1));
	order = malloc(sizeof *order * ((size_t)n + 1));
	cnt = malloc(sizeof *cnt * ((size_t)n + 1));
	val = malloc(sizeof *val * ((size_t)n + 1));
	isfp = calloc((size_t)n + 1, 1);
	if (!w || !idom || !order || !cnt || !val || !isfp) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory finding single points of failure");
		goto out;
	}
	int reach = risk_dominators(&net->up, &net->down, fp, nfp, w, idom, order, err);
	if (reach < 0) {
		rc = reach;
		goto out;
	}
	out->reachable = reach;
	for (int i = 0; i < nfp; i++)
		isfp[fp[i]] = 1;
	for (int i = 0; i < reach; i++) {
		int v = order[i];
		cnt[v] = 1;
		val[v] = isnan(net->output[v]) ? 0 : net->output[v];
	}
	/* A dominator precedes what it dominates in DFS preorder: sum subtrees backwards. */
	int ndom = 0;
	for (int i = reach - 1; i >= 0; i--) {
		int v = order[i], d = idom[v];
		if (d >= 0 && d < n) {
			if (cnt[d] == 1)
				ndom++;
			cnt[d] += cnt[v];
			val[d] += val[v];
		}
	}
	out->items = malloc(sizeof *out->items * ((size_t)ndom + 1));
	if (!out->items) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	rc = spof_losses(net, chain, out, order, reach, cnt, val, idom, isfp, err);
	if (rc)
		goto out;
	qsort(out->items, (size_t)out->n, sizeof *out->items, cmp_spof);
out:
	free(fp);
	free(idom);
	free(order);
	free(cnt);
	free(val);
	free(isfp);
	risk_dom_work_free(own);
	if (rc)
		risk_spof_release(out);
	return rc;
}

void risk_spof_release(struct risk_spof_result *r)
{
	if (!r)
		return;
	free(r->items);
	r->items = NULL;
	r->n = 0;
}

static int cmp_ap(const void *pa, const void *pb)
{
	const struct risk_ap *a = pa, *b = pb;
	if (a->value != b->value)
		return a->value > b->value ? -1 : 1;
	if (a->cut != b->cut)
		return a->cut > b->cut ? -1 : 1;
	return a->node < b->node ? -1 : a->node > b->node;
}

int risk_articulation_points(const struct risk_net *net, int chain, struct risk_ap **out, int *nout,
			     struct cc_error *err)
{
	int rc = 0, n = net->n;
	struct risk_csr sub = {0}, subt = {0};
	const struct risk_csr *a = &net->down, *b = &net->up;
	uint8_t *is_ap = malloc((size_t)n + 1);
	int32_t *cut = malloc(sizeof *cut * ((size_t)n + 1));
	double *cut_w = malloc(sizeof *cut_w * ((size_t)n + 1));
	int32_t *from = NULL, *to = NULL;
	*out = NULL;
	*nout = 0;
	if (!is_ap || !cut || !cut_w) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	if (chain >= 0) {
		const struct cc_chain *ch = chain_at(chain, err);
		if (!ch) {
			rc = CC_EINVAL;
			goto out;
		}
		from = malloc(sizeof *from * ((size_t)net->nentries + 1));
		to = malloc(sizeof *to * ((size_t)net->nentries + 1));
		if (!from || !to) {
			rc = cc_error_set(err, CC_ENOMEM, "out of memory");
			goto out;
		}
		int m = 0;
		for (int v = 0; v < net->nent; v++)
			for (int32_t k = net->input_start[v]; k < net->input_start[v + 1]; k++) {
				int nd = net->input_node[k];
				if (nd < ch->first_node || nd >= ch->first_node + ch->nnodes)
					continue;
				for (int32_t e = net->entry_start[k]; e < net->entry_start[k + 1];
				     e++) {
					from[m] = net->entry_supplier[e];
					to[m++] = v;
				}
			}
		rc = risk_csr_build(&sub, n, m, from, to, err);
		if (!rc)
			rc = risk_csr_transpose(&sub, &subt, err);
		if (rc)
			goto out;
		a = &sub;
		b = &subt;
	}
	int count = risk_articulation(a, b, is_ap, cut, net->output, cut_w, err);
	if (count < 0) {
		rc = count;
		goto out;
	}
	*out = malloc(sizeof **out * ((size_t)count + 1));
	if (!*out) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	for (int v = 0; v < n; v++)
		if (is_ap[v]) {
			struct risk_ap *x = &(*out)[(*nout)++];
			x->node = v;
			x->cut = cut[v];
			x->value = cut_w[v];
		}
	qsort(*out, (size_t)*nout, sizeof **out, cmp_ap);
out:
	free(is_ap);
	free(cut);
	free(cut_w);
	free(from);
	free(to);
	risk_csr_release(&sub);
	risk_csr_release(&subt);
	return rc;
}

/* --- Disruption ---------------------------------------------------------------------- */

static int is_supplier(const struct risk_net *net, int v)
{
	return net->down.start[v + 1] > net->down.start[v];
}

/* Marks the nodes SPEC removes in REMOVED; returns how many or CC_EINVAL. */
static int mark_removed(const struct risk_net *net, const struct risk_disrupt_spec *spec,
			uint8_t *removed, struct cc_error *err)
{
	const struct cc_catalogue *cat = cc_catalogue_get(err);
	if (!cat)
		return CC_EINVAL;
	int count = 0;
	for (int i = 0; i < spec->nsuppliers; i++) {
		const char *u = spec->suppliers[i];
		int v = risk_net_find(net, u);
		if (v < 0)
			return cc_error_set(err, CC_EINVAL,
					    "unknown supplier '%s' (neither in the registry nor a "
					    "supplier of any supply edge)",
					    u);
		count += !removed[v];
		removed[v] = 1;
	}
	if (spec->nregions && cc_codes_load(err))
		return CC_EINVAL;
	for (int i = 0; i < spec->nregions; i++) {
		const char *r = spec->regions[i];
		size_t len = strlen(r);
		int code = 0, ok = len == 2 || len == 4 || len == 6;
		for (size_t j = 0; ok && j < len; j++) {
			ok = r[j] >= '0' && r[j] <= '9';
			code = code * 10 + (r[j] - '0');
		}
		int div = len == 2 ? 10000 : len == 4 ? 100 : 1;
		if (!ok || !cc_region_find(code * div))
			return cc_error_set(
				err, CC_EINVAL,
				"unknown region '%s' (a GB/T 2260 code prefix: 2 digits "
				"for a province, 4 a prefecture, 6 a district)",
				r);
		for (int v = 0; v < net->n; v++)
			if ((net->region[v] / div == code ||
			     cc_uscc_region(net->uscc[v]) / div == code) &&
			    !removed[v] && is_supplier(net, v)) {
				removed[v] = 1;
				count++;
			}
	}
	for (int i = 0; i < spec->nnodes; i++) {
		struct cc_error e2 = {0};
		const struct cc_node *nd = cc_node_resolve(cat, spec->nodes[i], NULL, &e2);
		if (!nd)
			return cc_error_set(err, CC_EINVAL, "unknown node '%s': %s", spec->nodes[i],
					    e2.msg);
		/* The node and its subtree (children follow their parents in the catalogue). */
		const struct cc_chain *ch = &cat->chains[nd->chain];
		uint8_t in[4096] = {0};
		int base = ch->first_node;
		if (ch->nnodes > 4096)
			return cc_error_set(err, CC_EINVAL, "chain '%s' too large", ch->id);
		for (int k = 0; k < ch->nnodes; k++) {
			int x = base + k;
			while (x >= 0 && x != nd->index)
				x = cat->nodes[x].parent;
			in[k] = x == nd->index;
		}
		for (int v = 0; v < net->nent; v++)
			for (int32_t k = net->input_start[v]; k < net->input_start[v + 1]; k++) {
				int x = net->input_node[k] - base;
				if (x < 0 || x >= ch->nnodes || !in[x])
					continue;
				for (int32_t e = net->entry_start[k]; e < net->entry_start[k + 1];
				     e++) {
					int s = net->entry_supplier[e];
					count += !removed[s];
					removed[s] = 1;
				}
			}
		for (int v = 0; v < net->nent; v++)
			for (int32_t m = net->member_start[v]; m < net->member_start[v + 1]; m++) {
				int x = net->member_node[m] - base;
				if (x >= 0 && x < ch->nnodes && in[x] && !removed[v] &&
				    is_supplier(net, v)) {
					removed[v] = 1;
					count++;
				}
			}
	}
	return count;
}

/* Loss fraction of buyer B under the current losses X (the rule in risk.h). */
static double buyer_loss(const struct risk_net *net, int b, const double *x, double spare)
{
	double worst = 0;
	for (int32_t k = net->input_start[b]; k < net->input_start[b + 1]; k++) {
		double lost = 0, cover = 0;
		for (int32_t e = net->entry_start[k]; e < net->entry_start[k + 1]; e++) {
			double sh = net->entry_share[e], xs = x[net->entry_supplier[e]];
			lost += sh * xs;
			cover += spare * sh * (1 - xs);
		}
		double l = lost - cover;
		if (l > 1)
			l = 1;
		if (l > worst)
			worst = l;
	}
	return worst;
}

int risk_net_in_chains(const struct risk_net *net, int v, const uint8_t *chains)
{
	const struct cc_catalogue *cat = chains ? cc_catalogue_get(NULL) : NULL;
	if (!chains)
		return 1;
	if (!cat || v < 0 || v >= net->nent)
		return 0;
	for (int32_t m = net->member_start[v]; m < net->member_start[v + 1]; m++)
		if (chains[cat->nodes[net->member_node[m]].chain])
			return 1;
	return 0;
}

int risk_disrupt(const struct risk_net *net, const struct risk_disrupt_spec *spec,
		 struct risk_disrupt_result *out, struct cc_error *err)
{
	int rc = 0, n = net->n;
	const struct cc_catalogue *cat = cc_catalogue_get(err);
	double spare = spec->spare < 0 ? 0.2 : spec->spare;
	int max_tiers = spec->max_tiers <= 0 ? 50 : spec->max_tiers;
	uint8_t *removed = calloc((size_t)n + 1, 1);
	double *x = calloc((size_t)n + 1, sizeof *x);
	int32_t *front = malloc(sizeof *front * ((size_t)n + 1));
	int32_t *next = malloc(sizeof *next * ((size_t)n + 1));
	int32_t *seen = malloc(sizeof *seen * ((size_t)n + 1));
	double *nx = malloc(sizeof *nx * ((size_t)n + 1));
	int32_t *stamp = NULL;
	memset(out, 0, sizeof *out);
	if (!cat) {
		rc = CC_EINVAL;
		goto out;
	}
	if (spare > 1 || isnan(spare)) {
		rc = cc_error_set(err, CC_EINVAL, "spare fraction must be between 0 and 1");
		goto out;
	}
	out->nchains = cat->nchains;
	out->nnodes = cat->nnodes;
	out->loss = malloc(sizeof *out->loss * ((size_t)n + 1));
	out->tier_of = malloc(sizeof *out->tier_of * ((size_t)n + 1));
	out->tiers = calloc((size_t)max_tiers + 2, sizeof *out->tiers);
	out->chains = calloc((size_t)cat->nchains + 1, sizeof *out->chains);
	out->nodes = calloc((size_t)cat->nnodes + 1, sizeof *out->nodes);
	stamp = malloc(sizeof *stamp * ((size_t)cat->nchains + 1));
	if (!removed || !x || !front || !next || !seen || !nx || !out->loss || !out->tier_of ||
	    !out->tiers || !out->chains || !out->nodes || !stamp) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory simulating a disruption");
		goto out;
	}
	int nrem = mark_removed(net, spec, removed, err);
	if (nrem < 0) {
		rc = nrem;
		goto out;
	}
	out->removed = nrem;
	int nf = 0;
	for (int v = 0; v < n; v++) {
		out->tier_of[v] = -1;
		seen[v] = -1;
		if (removed[v]) {
			x[v] = 1;
			out->tier_of[v] = 0;
			front[nf++] = v;
		}
	}
	/* Tier by tier (Jacobi: every buyer of tier t sees the losses of tier t-1). */
	int t = 1;
	for (; t <= max_tiers && nf > 0; t++) {
		int nn = 0;
		for (int i = 0; i < nf; i++) {
			int s = front[i];
			for (int32_t e = net->down.start[s]; e < net->down.start[s + 1]; e++) {
				int b = net->down.adj[e];
				if (seen[b] == t || removed[b])
					continue;
				seen[b] = t;
				double l = buyer_loss(net, b, x, spare);
				if (l > x[b] + 1e-6) {
					nx[nn] = l;
					next[nn++] = b;
				}
			}
		}
		for (int i = 0; i < nn; i++) {
			x[next[i]] = nx[i];
			if (out->tier_of[next[i]] < 0)
				out->tier_of[next[i]] = (int16_t)(t > 32767 ? 32767 : t);
		}
		int32_t *tmp = front;
		front = next;
		next = tmp;
		nf = nn;
		out->rounds = t;
	}
	/* Tiers actually reached: the last one that affected anyone. */
	int last = 0;
	for (int v = 0; v < n; v++)
		if (out->tier_of[v] > last)
			last = out->tier_of[v];
	out->ntiers = last + 1;
	for (int i = 0; i < out->ntiers; i++)
		out->tiers[i].tier = i;
	for (int c = 0; c < cat->nchains; c++) {
		out->chains[c].node = c;
		stamp[c] = -1;
	}
	for (int k = 0; k < cat->nnodes; k++)
		out->nodes[k].node = k;
	if (spec->chains)
		out->removed = 0; /* counted below, in the chains' scope */
	for (int v = 0; v < n; v++) {
		out->loss[v] = (float)x[v];
		if (x[v] <= 0 || !risk_net_in_chains(net, v, spec->chains))
			continue;
		if (spec->chains && removed[v])
			out->removed++;
		double o = isnan(net->output[v]) ? 0 : net->output[v];
		double val = o * x[v];
		out->affected++;
		out->value += val;
		if (removed[v])
			out->removed_value += val;
		struct risk_tier *tr = &out->tiers[out->tier_of[v]];
		tr->affected++;
		tr->value += val;
		if (v >= net->nent)
			continue;
		for (int32_t m = net->member_start[v]; m < net->member_start[v + 1]; m++) {
			int nd = net->member_node[m], c = cat->nodes[nd].chain;
			if (spec->chains && !spec->chains[c])
				continue;
			out->nodes[nd].affected++;
			out->nodes[nd].value += val;
			if (stamp[c] != v) {
				stamp[c] = v;
				out->chains[c].affected++;
				out->chains[c].value += val;
			}
		}
	}
	/* In a chains' scope, tiers past the last one that reached it say nothing of it. */
	while (spec->chains && out->ntiers > 1 && out->tiers[out->ntiers - 1].affected == 0)
		out->ntiers--;
out:
	free(removed);
	free(x);
	free(front);
	free(next);
	free(seen);
	free(nx);
	free(stamp);
	if (rc)
		risk_disrupt_release(out);
	return rc;
}

void risk_disrupt_release(struct risk_disrupt_result *r)
{
	if (!r)
		return;
	free(r->tiers);
	free(r->loss);
	free(r->tier_of);
	free(r->chains);
	free(r->nodes);
	memset(r, 0, sizeof *r);
}

/* --- Neighbourhood ------------------------------------------------------------------- */

const char *risk_nb_role_name(int role)
{
	static const char *const names[] = {"center", "supplier", "customer", "customer2"};
	return role >= 0 && role < 4 ? names[role] : "";
}

/* The value of link S -> B (NaN when unknown or absent): DOWN lists are sorted by buyer. */
static double link_value(const struct risk_net *net, int s, int b)
{
	int32_t lo = net->down.start[s], hi = net->down.start[s + 1] - 1;
	while (lo <= hi) {
		int32_t mid = lo + (hi - lo) / 2;
		if (net->down.adj[mid] == b)
			return net->down_value[mid];
		if (net->down.adj[mid] < b)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NAN;
}

struct cand {
	int node;
	double value;
};

static int cmp_cand(const void *pa, const void *pb)
{
	const struct cand *a = pa, *b = pb;
	double va = isnan(a->value) ? -1 : a->value, vb = isnan(b->value) ? -1 : b->value;
	if (va != vb)
		return va > vb ? -1 : 1;
	return a->node < b->node ? -1 : a->node > b->node;
}

static int nb_index(const struct risk_neighbourhood *nb, int v)
{
	for (int i = 0; i < nb->nnodes; i++)
		if (nb->nodes[i].node == v)
			return i;
	return -1;
}

/* Adds the candidates (sorted) with ROLE until the cap; returns 1 when it truncated. */
static int nb_take(const struct risk_net *net, struct risk_neighbourhood *nb, struct cand *c,
		   int nc, int role, int cap)
{
	qsort(c, (size_t)nc, sizeof *c, cmp_cand);
	for (int i = 0; i < nc; i++) {
		if (i > 0 && c[i].node == c[i - 1].node)
			continue;
		if (nb_index(nb, c[i].node) >= 0)
			continue;
		if (nb->nnodes >= cap)
			return 1;
		struct risk_nb_node *x = &nb->nodes[nb->nnodes++];
		x->node = c[i].node;
		x->role = role;
		x->output = net->output[c[i].node];
	}
	return 0;
}

int risk_neighbourhood(const struct risk_net *net, const char *uscc, int max_nodes,
		       struct risk_neighbourhood *out, struct cc_error *err)
{
	int rc = 0, cap = max_nodes > 0 ? max_nodes : 200;
	struct cand *c = NULL;
	memset(out, 0, sizeof *out);
	int v = risk_net_find(net, uscc);
	if (v < 0)
		return cc_error_set(err, CC_EINVAL, "unknown supplier '%s'", uscc ? uscc : "");
	out->nodes = malloc(sizeof *out->nodes * (size_t)cap);
	if (!out->nodes) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	out->nodes[0].node = v;
	out->nodes[0].role = RISK_NB_CENTER;
	out->nodes[0].output = net->output[v];
	out->nnodes = 1;
	/* Customers, then suppliers, then customers' customers, biggest links first. */
	size_t nc = (size_t)(net->down.start[v + 1] - net->down.start[v]) +
		    (size_t)(net->up.start[v + 1] - net->up.start[v]) + 1;
	c = malloc(sizeof *c * nc);
	if (!c) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	int k = 0;
	for (int32_t e = net->down.start[v]; e < net->down.start[v + 1]; e++)
		c[k++] = (struct cand){net->down.adj[e], net->down_value[e]};
	out->truncated |= nb_take(net, out, c, k, RISK_NB_CUSTOMER, cap);
	int ncust = out->nnodes;
	k = 0;
	for (int32_t e = net->up.start[v]; e < net->up.start[v + 1]; e++)
		c[k++] = (struct cand){net->up.adj[e], link_value(net, net->up.adj[e], v)};
	out->truncated |= nb_take(net, out, c, k, RISK_NB_SUPPLIER, cap);
	size_t n2 = 0;
	for (int i = 1; i < ncust; i++) {
		int u = out->nodes[i].node;
		n2 += (size_t)(net->down.start[u + 1] - net->down.start[u]);
	}
	free(c);
	c = malloc(sizeof *c * (n2 + 1));
	if (!c) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	k = 0;
	for (int i = 1; i < ncust; i++) {
		int u = out->nodes[i].node;
		for (int32_t e = net->down.start[u]; e < net->down.start[u + 1]; e++)
			c[k++] = (struct cand){net->down.adj[e], net->down_value[e]};
	}
	out->truncated |= nb_take(net, out, c, k, RISK_NB_CUSTOMER2, cap);
	/* Every link among the kept nodes. */
	size_t lcap = 64;
	out->links = malloc(sizeof *out->links * lcap);
	if (!out->links) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	for (int i = 0; i < out->nnodes; i++) {
		int s = out->nodes[i].node;
		for (int32_t e = net->down.start[s]; e < net->down.start[s + 1]; e++) {
			int j = nb_index(out, net->down.adj[e]);
			if (j < 0)
				continue;
			if ((size_t)out->nlinks == lcap) {
				lcap *= 2;
				void *p = realloc(out->links, sizeof *out->links * lcap);
				if (!p) {
					rc = cc_error_set(err, CC_ENOMEM, "out of memory");
					goto out;
				}
				out->links = p;
			}
			out->links[out->nlinks++] = (struct risk_nb_link){i, j, net->down_value[e]};
		}
	}
out:
	free(c);
	if (rc)
		risk_neighbourhood_release(out);
	return rc;
}

void risk_neighbourhood_release(struct risk_neighbourhood *nb)
{
	if (!nb)
		return;
	free(nb->nodes);
	free(nb->links);
	memset(nb, 0, sizeof *nb);
}
