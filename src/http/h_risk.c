/*
 * Resilience routes (risk/): the overview of every chain (concentration, outside dependence,
 * riskiest suppliers), one chain's single points of failure and articulation points,
 * single-sourced inputs, a supplier's neighbourhood as a graph, its time-to-survive, and the
 * what-if disruption. The supply network is built once per frame (cache slot 4), the chains'
 * dominators (slot 5) and the time-to-survive index (slot 6) too. Staff only; a chief reads
 * only its own chains.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/json.h"
#include "base/parse.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "domain/uscc.h"
#include "http/handlers.h"
#include "report/report.h"
#include "risk/risk.h"
#include "risk/tts.h"

void h_risk_follow_init(void)
{
	/* The network, the chains' dominators and the time-to-survive index read regions,
	 * membership, edges and the output, revenue and profit columns: dropped (and made again
	 * by the follower) when one of these changes, shared otherwise. */
	uint64_t metrics =
		1ull << CC_M_OUTPUT_VALUE | 1ull << CC_M_REVENUE | 1ull << CC_M_NET_PROFIT;
	unsigned what = CC_DELTA_REG | CC_DELTA_MEM | CC_DELTA_EDGE | CC_DELTA_IND;
	cc_frame_ext_policy(CC_FRAME_SLOT_RISK_NET, what, metrics, NULL);
	cc_frame_ext_policy(CC_FRAME_SLOT_DOMINATORS, what, metrics, NULL);
	cc_frame_ext_policy(CC_FRAME_SLOT_TTS_INDEX, what, metrics, NULL);
	cc_frame_ext_policy(CC_FRAME_SLOT_RISK_CHAINS, what, metrics, NULL);
}

static struct risk_net *net_of(struct http_req *req, struct cc_frame *f)
{
	struct risk_net *net =
		cc_frame_ext(f, CC_FRAME_SLOT_RISK_NET, risk_net_make, risk_net_free_ext);
	if (!net)
		http_error(req, 500, "internal", NULL, "无法构建供应网络",
			   "cannot build the supply network");
	return net;
}

/* The scope (when SCOPE is not NULL), the frame and its network of a request; sets the error
 * response and returns -1 when one is missing. */
static int risk_request(struct http_req *req, struct chain_scope *scope, struct cc_frame **f,
			struct risk_net **net);

static int scope_param(struct http_req *req, struct chain_scope *scope)
{
	struct cc_error err = {0};
	if (chain_scope_parse(http_query(req, "scope"), scope, &err)) {
		http_error(req, 400, "invalid", "scope",
			   "范围无效（chongqing、chengdu、both 或行政区划代码）", "%s", err.msg);
		return -1;
	}
	return 0;
}

static int risk_request(struct http_req *req, struct chain_scope *scope, struct cc_frame **f,
			struct risk_net **net)
{
	if (scope && scope_param(req, scope))
		return -1;
	if (!(*f = http_frame(req)) || !(*net = net_of(req, *f)))
		return -1;
	return 0;
}

/* A network node as JSON: uscc, name (NULL outside the registry), region, outside flag. */
static json_t *node_json(const struct risk_net *net, const struct cc_frame *f, int v)
{
	json_t *o = json_object();
	json_object_set_new(o, "uscc", json_string(net->uscc[v]));
	json_object_set_new(o, "name",
			    v < net->nent && v < f->n ? json_string(f->name[v]) : json_null());
	json_object_set_new(o, "region", json_integer(net->region[v]));
	char rn[160];
	cc_region_fullname(net->region[v], rn, sizeof rn);
	json_object_set_new(o, "region_name", json_string(rn));
	json_object_set_new(o, "registered", json_boolean(v < net->nent));
	json_object_set_new(o, "output", cc_json_num(net->output[v]));
	return o;
}

static json_t *conc_json(const struct risk_conc *c)
{
	/* Two concentrations, named apart (risk.h): a buyer's own sourcing, and the node's
	 * supplier market (the one the 2,500 line is about). */
	return json_pack("{s:i, s:i, s:i, s:i, s:o, s:o, s:o, s:o, s:o}", "inputs", c->inputs,
			 "single", c->single, "concentrated", c->concentrated, "buyers", c->buyers,
			 "sourcing_hhi", cc_json_num(c->sourcing_hhi), "market_hhi",
			 cc_json_num(c->market_hhi), "value", cc_json_num(c->value),
			 "outside_value", cc_json_num(c->outside_value), "outside_share",
			 cc_json_num(c->outside_share));
}

static json_t *spof_json(const struct risk_net *net, const struct cc_frame *f,
			 const struct risk_spof *s)
{
	json_t *o = node_json(net, f, s->node);
	json_object_set_new(o, "dominated", json_integer(s->dominated));
	json_object_set_new(o, "value_at_risk", cc_json_num(s->value));
	json_object_set_new(o, "downstream_loss", cc_json_num(s->downstream));
	json_object_set_new(o, "downstream_affected", json_integer(s->affected));
	json_object_set_new(o, "final_producer", json_boolean(s->final_producer));
	return o;
}

struct top {
	int chain;
	struct risk_spof s;
};

/* The riskiest first: the largest downstream loss (risk_spof's order across chains). */
static int top_cmp(const void *a, const void *b)
{
	const struct top *x = a, *y = b;
	if (x->s.downstream != y->s.downstream)
		return x->s.downstream > y->s.downstream ? -1 : 1;
	if (x->s.value != y->s.value)
		return x->s.value > y->s.value ? -1 : 1;
	return x->s.node - y->s.node;
}

/*
 * The dominators of every chain do not depend on the scope or the user: computed once per
 * frame (slot 5) for the overview, which only filters them by the chains a user may read.
 */
struct chain_spof {
	int ok, nfinal, reachable, n;
	int ntop3, ntops;
	struct risk_spof top3[3];  /* the first three that are not final producers */
	struct risk_spof tops[20]; /* of the first 20, those not final producers that cost the
				      chain something downstream */
};

static void *spof_make(const struct cc_frame *fc)
{
	struct cc_frame *f = (struct cc_frame *)fc; /* cc_frame_ext only memoises on it */
	struct risk_net *net =
		cc_frame_ext(f, CC_FRAME_SLOT_RISK_NET, risk_net_make, risk_net_free_ext);
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	if (!net || !cat)
		return NULL;
	struct chain_spof *cs = calloc((size_t)cat->nchains, sizeof *cs);
	struct risk_dom_work *w = risk_dom_work_new(net->n);
	if (!cs || !w) {
		free(cs);
		risk_dom_work_free(w);
		return NULL;
	}
	for (int c = 0; c < cat->nchains; c++) {
		struct risk_spof_result sp;
		struct cc_error err = {0};
		if (risk_spof(net, c, w, &sp, &err))
			continue;
		struct chain_spof *x = &cs[c];
		x->ok = 1;
		x->nfinal = sp.nfinal;
		x->reachable = sp.reachable;
		x->n = sp.n;
		for (int k = 0; k < sp.n && x->ntop3 < 3; k++)
			if (!sp.items[k].final_producer)
				x->top3[x->ntop3++] = sp.items[k];
		for (int k = 0; k < sp.n && k < 20; k++)
			if (!sp.items[k].final_producer && sp.items[k].downstream > 0)
				x->tops[x->ntops++] = sp.items[k];
		risk_spof_release(&sp);
	}
	risk_dom_work_free(w);
	return cs;
}

int h_risk_overview(struct http_req *req)
{
	struct chain_scope scope;
	struct cc_frame *f;
	struct risk_net *net;
	if (risk_request(req, &scope, &f, &net))
		return req->status;
	struct cc_error err = {0};
	const struct cc_catalogue *cat = cc_catalogue_get(&err);
	const struct chain_spof *cs = cc_frame_ext(f, CC_FRAME_SLOT_DOMINATORS, spof_make, free);
	struct risk_conc *nodes = malloc(sizeof *nodes * 256);
	struct top *tops = NULL;
	int ntops = 0, cap = 0;
	if (!cat || !cs || !nodes) {
		free(nodes);
		return http_error(req, 500, "internal", NULL, "内部错误", "out of memory");
	}
	json_t *chains = json_array();
	for (int c = 0; c < cat->nchains; c++) {
		const struct cc_chain *ch = &cat->chains[c];
		if (!h_may_read_chain(req, ch->id) || ch->nnodes > 256 || !cs[c].ok)
			continue;
		struct risk_conc total;
		if (risk_concentration(net, c, &scope, nodes, &total, &err))
			continue;
		/* The suppliers the chain depends on most (final producers dominating their own
		 * suppliers are the chain's own plants: listed on the chain page, not here). */
		json_t *top3 = json_array();
		for (int k = 0; k < cs[c].ntop3; k++)
			json_array_append_new(top3, spof_json(net, f, &cs[c].top3[k]));
		for (int k = 0; k < cs[c].ntops; k++) {
			if (ntops == cap) {
				cap = cap ? cap * 2 : 256;
				struct top *t2 = realloc(tops, sizeof *tops * (size_t)cap);
				if (!t2)
					break;
				tops = t2;
			}
			tops[ntops++] = (struct top){c, cs[c].tops[k]};
		}
		json_t *o = conc_json(&total);
		json_object_set_new(o, "chain", json_string(ch->id));
		json_object_set_new(o, "name_zh", json_string(ch->name_zh));
		json_object_set_new(o, "name_en", json_string(ch->name_en));
		json_object_set_new(o, "final_producers", json_integer(cs[c].nfinal));
		json_object_set_new(o, "suppliers_reached", json_integer(cs[c].reachable));
		json_object_set_new(o, "spof", json_integer(cs[c].n));
		json_object_set_new(o, "top_spof", top3);
		json_array_append_new(chains, o);
	}
	free(nodes);
	qsort(tops, (size_t)ntops, sizeof *tops, top_cmp);
	json_t *riskiest = json_array();
	for (int k = 0; k < ntops && json_array_size(riskiest) < 20; k++) {
		json_t *o = spof_json(net, f, &tops[k].s);
		json_object_set_new(o, "chain", json_string(cat->chains[tops[k].chain].id));
		json_object_set_new(o, "chain_name",
				    json_string(cat->chains[tops[k].chain].name_zh));
		json_object_set_new(o, "chain_name_en",
				    json_string(cat->chains[tops[k].chain].name_en));
		json_array_append_new(riskiest, o);
	}
	free(tops);
	json_t *out =
		json_pack("{s:s, s:s, s:i, s:o, s:o}", "scope", scope.name_zh, "scope_en",
			  scope.name_en, "year", net->year, "chains", chains, "riskiest", riskiest);
	uint8_t *readable = calloc((size_t)cat->nchains + 1, 1);
	uint8_t *in = NULL;
	for (int c = 0; readable && c < cat->nchains; c++)
		readable[c] = (uint8_t)h_may_read_chain(req, cat->chains[c].id);
	if (readable)
		in = report_scope_mask(f, &scope, readable);
	if (in)
		json_object_set_new(out, "as_of",
				    h_as_of(f, NULL, -1, in, h_as_of_output, 2, 0, net->year));
	free(in);
	free(readable);
	return http_json(req, 200, out);
}

/* Whether network node V matches the text Q (a fragment of its name, credit code or region
 * name; NULL or "" matches everything). */
static int node_matches(const struct risk_net *net, const struct cc_frame *f, int v, const char *q)
{
	if (!q || !*q)
		return 1;
	if (strstr(net->uscc[v], q) || (v < net->nent && v < f->n && strstr(f->name[v], q)))
		return 1;
	char rn[160];
	cc_region_fullname(net->region[v], rn, sizeof rn);
	return strstr(rn, q) != NULL;
}

/*
 * A chain's single points of failure and articulation points can number tens of thousands at
 * 1M enterprises (50,979 and 56,310 for nev: a 25 MB answer): each list is cut at LIMIT
 * (default 2,000, at most 20,000), riskiest first, after the filter Q, and says how many
 * matched (spof_matching, articulation_matching), so a page shows the riskiest and finds any
 * other by the filter.
 */
#define RISK_LIST_DEFAULT 2000
#define RISK_LIST_MAX	  20000

/*
 * A chain's single points of failure and articulation points depend on the network only (not
 * on the scope or the user): made once per chain and frame (slot 9), the first request for a
 * chain computing them (0.43 s for nev at 1M enterprises) while requests for other chains go
 * on; the same chain's next requests wait for it or read it.
 */
struct risk_chain_entry {
	pthread_mutex_t lock;
	int done, rc;
	struct cc_error err; /* of a failed computation */
	struct risk_spof_result sp;
	struct risk_ap *aps;
	int nap;
};
struct risk_chains {
	int n;
	struct risk_chain_entry e[];
};

static void *risk_chains_make(const struct cc_frame *f)
{
	(void)f;
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	if (!cat)
		return NULL;
	struct risk_chains *rc = calloc(1, sizeof *rc + sizeof rc->e[0] * (size_t)cat->nchains);
	if (!rc)
		return NULL;
	rc->n = cat->nchains;
	for (int c = 0; c < rc->n; c++)
		pthread_mutex_init(&rc->e[c].lock, NULL);
	return rc;
}

static void risk_chains_free(void *p)
{
	struct risk_chains *rc = p;
	if (!rc)
		return;
	for (int c = 0; c < rc->n; c++) {
		risk_spof_release(&rc->e[c].sp);
		free(rc->e[c].aps);
		pthread_mutex_destroy(&rc->e[c].lock);
	}
	free(rc);
}

/* Chain C's entry of F's memo, made when missing; NULL when out of memory. ERR names the
 * failure of a computation that failed (kept: it fails the same way again on this frame). */
static const struct risk_chain_entry *risk_chain_of(struct cc_frame *f, const struct risk_net *net,
						    int c, struct cc_error *err)
{
	struct risk_chains *rc =
		cc_frame_ext(f, CC_FRAME_SLOT_RISK_CHAINS, risk_chains_make, risk_chains_free);
	if (!rc || c < 0 || c >= rc->n) {
		cc_error_set(err, CC_ENOMEM, "out of memory");
		return NULL;
	}
	struct risk_chain_entry *e = &rc->e[c];
	pthread_mutex_lock(&e->lock);
	if (!e->done) {
		e->rc = risk_spof(net, c, NULL, &e->sp, &e->err);
		if (e->rc == 0)
			e->rc = risk_articulation_points(net, c, &e->aps, &e->nap, &e->err);
		e->done = 1;
	}
	pthread_mutex_unlock(&e->lock);
	if (e->rc) {
		cc_error_set(err, e->rc, "%s", e->err.msg);
		return NULL;
	}
	return e;
}

int h_risk_chain(struct http_req *req)
{
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	const char *id = req->params[0];
	const struct cc_chain *ch = cat ? cc_chain_find(cat, id) : NULL;
	if (!ch)
		return http_error(req, 404, "not_found", "chain", "没有该产业链", "no chain '%s'",
				  id);
	if (!h_may_read_chain(req, ch->id))
		return http_error(req, 403, "forbidden", "chain", "只能查看分管的产业链",
				  "a chain chief reads only their own chains");
	long long limit = RISK_LIST_DEFAULT;
	const char *v = http_query(req, "limit");
	if (v && *v && (cc_parse_int64(v, strlen(v), &limit) || limit < 1 || limit > RISK_LIST_MAX))
		return http_error(req, 400, "invalid", "limit", "条数应为 1–20000",
				  "limit must be 1 to 20000");
	const char *q = http_query(req, "q");
	struct chain_scope scope;
	struct cc_frame *f;
	struct risk_net *net;
	if (risk_request(req, &scope, &f, &net))
		return req->status;
	int c = ch->index;
	struct cc_error err = {0};
	struct risk_conc *nodes = calloc((size_t)ch->nnodes, sizeof *nodes), total;
	const struct risk_chain_entry *memo = NULL;
	if (!nodes || risk_concentration(net, c, &scope, nodes, &total, &err) ||
	    !(memo = risk_chain_of(f, net, c, &err))) {
		free(nodes);
		return http_error(req, 500, "internal", NULL, "计算失败", "%s", err.msg);
	}
	const struct risk_spof_result sp = memo->sp;
	const struct risk_ap *aps = memo->aps;
	int nap = memo->nap;
	json_t *jn = json_array();
	for (int k = 0; k < ch->nnodes; k++) {
		const struct cc_node *nd = &cat->nodes[ch->first_node + k];
		json_t *o = conc_json(&nodes[k]);
		json_object_set_new(o, "id", json_string(nd->id));
		json_object_set_new(o, "name_zh", json_string(nd->name_zh));
		json_object_set_new(o, "name_en", json_string(nd->name_en));
		json_object_set_new(o, "stage", json_string(cc_stage_name(nd->stage)));
		json_object_set_new(o, "depth", json_integer(nd->depth));
		json_array_append_new(jn, o);
	}
	json_t *js = json_array();
	int ms = 0, ma = 0; /* matching the filter */
	for (int k = 0; k < sp.n; k++)
		if (node_matches(net, f, sp.items[k].node, q) && ms++ < limit)
			json_array_append_new(js, spof_json(net, f, &sp.items[k]));
	json_t *ja = json_array();
	for (int k = 0; k < nap; k++) {
		if (!node_matches(net, f, aps[k].node, q) || ma++ >= limit)
			continue;
		json_t *o = node_json(net, f, aps[k].node);
		json_object_set_new(o, "separates", json_integer(aps[k].cut));
		json_object_set_new(o, "value_separated", cc_json_num(aps[k].value));
		json_array_append_new(ja, o);
	}
	json_t *out = json_pack("{s:s, s:s, s:s, s:o, s:o, s:i, s:i, s:i, s:o, s:i, s:o, s:i, "
				"s:i}",
				"chain", ch->id, "name_zh", ch->name_zh, "scope", scope.name_zh,
				"total", conc_json(&total), "nodes", jn, "final_producers",
				sp.nfinal, "suppliers_reached", sp.reachable, "spof_count", sp.n,
				"spof", js, "spof_matching", ms, "articulation", ja,
				"articulation_count", nap, "articulation_matching", ma);
	free(nodes);
	json_object_set_new(out, "as_of",
			    h_as_of(f, &scope, c, NULL, h_as_of_output, 2, 0, net->year));
	return http_json(req, 200, out);
}

struct single {
	int buyer, input, supplier;
	double value;
};

static int single_cmp(const void *a, const void *b)
{
	const struct single *x = a, *y = b;
	double vx = isnan(x->value) ? -1 : x->value, vy = isnan(y->value) ? -1 : y->value;
	if (vx != vy)
		return vx > vy ? -1 : 1;
	return x->input - y->input;
}

int h_risk_single(struct http_req *req)
{
	struct chain_scope scope;
	if (scope_param(req, &scope))
		return req->status;
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	const char *chain = http_query(req, "chain");
	const struct cc_chain *ch = NULL;
	if (chain && *chain) {
		if (!cat || !(ch = cc_chain_find(cat, chain)))
			return http_error(req, 404, "not_found", "chain", "没有该产业链",
					  "no chain '%s'", chain);
		if (!h_may_read_chain(req, ch->id))
			return http_error(req, 403, "forbidden", "chain", "只能查看分管的产业链",
					  "a chain chief reads only their own chains");
	}
	long long limit = 50;
	const char *v = http_query(req, "limit");
	if (v && *v && (cc_parse_int64(v, strlen(v), &limit) || limit < 1 || limit > 1000))
		return http_error(req, 400, "invalid", "limit", "分页参数无效",
				  "limit must be 1 to 1000");
	struct cc_frame *f;
	struct risk_net *net;
	if (risk_request(req, NULL, &f, &net))
		return req->status;
	struct single *s = NULL;
	int n = 0, cap = 0;
	int64_t total = 0;
	double outside_total = 0;
	for (int b = 0; b < net->nent; b++) {
		if (!chain_scope_has(&scope, net->region[b]))
			continue;
		for (int32_t k = net->input_start[b]; k < net->input_start[b + 1]; k++) {
			if (net->entry_start[k + 1] - net->entry_start[k] != 1)
				continue;
			int nd = net->input_node[k];
			if (ch && (nd < ch->first_node || nd >= ch->first_node + ch->nnodes))
				continue;
			if (req->user.role == HTTP_ROLE_CHIEF && !ch &&
			    (nd < 0 ||
			     !h_may_read_chain(req, cat->chains[cat->nodes[nd].chain].id)))
				continue;
			total++;
			int sup = net->entry_supplier[net->entry_start[k]];
			if (!chain_scope_has(&scope, net->region[sup]))
				outside_total++;
			if (n == cap) {
				cap = cap ? 2 * cap : 1024;
				struct single *s2 = realloc(s, sizeof *s * (size_t)cap);
				if (!s2) {
					free(s);
					return http_error(req, 500, "internal", NULL, "内部错误",
							  "out of memory");
				}
				s = s2;
			}
			s[n++] = (struct single){b, k, sup, net->entry_value[net->entry_start[k]]};
		}
	}
	qsort(s, (size_t)n, sizeof *s, single_cmp);
	json_t *items = json_array();
	for (int k = 0; k < n && k < limit; k++) {
		int nd = net->input_node[s[k].input];
		json_t *o = json_object();
		json_object_set_new(o, "buyer", node_json(net, f, s[k].buyer));
		json_object_set_new(o, "supplier", node_json(net, f, s[k].supplier));
		json_object_set_new(
			o, "supplier_outside",
			json_boolean(!chain_scope_has(&scope, net->region[s[k].supplier])));
		if (nd >= 0 && cat) {
			char ref[160];
			snprintf(ref, sizeof ref, "%s.%s", cat->chains[cat->nodes[nd].chain].id,
				 cat->nodes[nd].id);
			json_object_set_new(o, "node", json_string(ref));
			json_object_set_new(o, "node_name", json_string(cat->nodes[nd].name_zh));
			json_object_set_new(o, "node_name_en", json_string(cat->nodes[nd].name_en));
		} else {
			json_object_set_new(o, "node", json_null());
			json_object_set_new(o, "node_name", json_null());
			json_object_set_new(o, "node_name_en", json_null());
		}
		json_object_set_new(o, "value", cc_json_num(s[k].value));
		json_array_append_new(items, o);
	}
	free(s);
	return http_json(req, 200,
			 json_pack("{s:I, s:I, s:o}", "total", (json_int_t)total,
				   "supplier_outside", (json_int_t)outside_total, "items", items));
}

/* The supplier of path parameter 0 as a network node; 400 / 404 set on failure. */
static int path_supplier(struct http_req *req, const struct risk_net *net)
{
	char canon[19];
	struct cc_error e = {0};
	const char *code = req->params[0];
	if (!code || cc_uscc_validate(code, strlen(code), canon, NULL, &e)) {
		http_error(req, 400, "invalid", "supplier", "统一社会信用代码无效", "%s", e.msg);
		return -1;
	}
	int v = risk_net_find(net, canon);
	if (v < 0)
		http_error(
			req, 404, "not_found", "supplier", "供应网络中没有该企业",
			"%s is neither a registered enterprise nor a supplier in the supply edges",
			canon);
	return v;
}

int h_risk_network(struct http_req *req)
{
	struct cc_frame *f;
	struct risk_net *net;
	if (risk_request(req, NULL, &f, &net))
		return req->status;
	if (path_supplier(req, net) < 0)
		return req->status;
	long long max = 120;
	const char *v = http_query(req, "max");
	if (v && *v && (cc_parse_int64(v, strlen(v), &max) || max < 2 || max > 500))
		return http_error(req, 400, "invalid", "max", "节点数应为 2 到 500",
				  "max must be 2 to 500");
	struct risk_neighbourhood nb;
	struct cc_error err = {0};
	if (risk_neighbourhood(net, req->params[0], (int)max, &nb, &err))
		return http_error(req, 404, "not_found", "supplier", "供应网络中没有该企业", "%s",
				  err.msg);
	json_t *nodes = json_array(), *links = json_array();
	for (int k = 0; k < nb.nnodes; k++) {
		json_t *o = node_json(net, f, nb.nodes[k].node);
		json_object_set_new(o, "role", json_string(risk_nb_role_name(nb.nodes[k].role)));
		json_array_append_new(nodes, o);
	}
	for (int k = 0; k < nb.nlinks; k++)
		json_array_append_new(links, json_pack("{s:i, s:i, s:o}", "source",
						       nb.links[k].from, "target", nb.links[k].to,
						       "value", cc_json_num(nb.links[k].value)));
	json_t *out = json_pack("{s:o, s:o, s:b}", "nodes", nodes, "links", links, "truncated",
				nb.truncated);
	risk_neighbourhood_release(&nb);
	return http_json(req, 200, out);
}

/* Reads a number query parameter into *OUT (kept when absent); 400 when bad. */
static int num_param(struct http_req *req, const char *name, double lo, double hi, double *out)
{
	const char *v = http_query(req, name);
	if (!v || !*v)
		return 0;
	double x;
	if (cc_parse_number(v, strlen(v), &x, NULL) || !(x >= lo && x <= hi)) {
		http_error(req, 400, "invalid", name, "参数超出范围",
			   "%s must be a number from %g to %g", name, lo, hi);
		return -1;
	}
	*out = x;
	return 0;
}

int h_risk_tts(struct http_req *req)
{
	struct cc_frame *f;
	struct risk_net *net;
	if (risk_request(req, NULL, &f, &net))
		return req->status;
	int v = path_supplier(req, net);
	if (v < 0)
		return req->status;
	struct tts_options o;
	tts_options_default(&o);
	double tiers = o.tiers, rank = 0;
	if (num_param(req, "ttr", 0.01, 520, &o.ttr) || num_param(req, "tiers", 1, 3, &tiers) ||
	    num_param(req, "inventory_weeks", 0, 520, &o.inventory_weeks) ||
	    num_param(req, "capacity_slack", 0, 10, &o.capacity_slack) ||
	    num_param(req, "rank", 0, 1, &rank))
		return req->status;
	o.tiers = (int)tiers;
	o.rank = rank >= 1;
	const struct tts_index *index =
		cc_frame_ext(f, CC_FRAME_SLOT_TTS_INDEX, tts_index_make, tts_index_free);
	int32_t sup = v < f->n ? v : -(v - f->n + 1);
	struct tts_report r;
	struct cc_error err = {0};
	int rc = tts_from_frame(f, index, sup, &o, &r, &err);
	/* GLPK keeps an environment per thread; the server's worker threads are libmicrohttpd's
	 * and end without telling us, so free it after every use (its solvers are gone by now). */
	tts_thread_done();
	if (rc)
		return http_error_from(req, rc, &err, "supplier",
				       "该企业没有记录金额的下游客户，无法计算");
	json_t *nodes = json_array();
	for (int k = 0; k < r.nnodes; k++) {
		const struct tts_report_node *n = &r.nodes[k];
		int nv = n->ent >= 0 ? n->ent : f->n + (-n->ent - 1);
		json_t *o2 = nv < net->n ? node_json(net, f, nv) : json_object();
		json_object_set_new(o2, "tier", json_integer(n->tier));
		json_object_set_new(o2, "demand", cc_json_num(n->demand));
		json_object_set_new(o2, "weekly_output", cc_json_num(n->output));
		json_object_set_new(o2, "inventory", cc_json_num(n->inventory));
		json_object_set_new(o2, "capacity", cc_json_num(n->capacity));
		json_object_set_new(o2, "tts", cc_json_num(n->tts));
		json_object_set_new(o2, "lost", cc_json_num(n->lost));
		json_object_set_new(o2, "affected", json_boolean(n->affected));
		json_object_set_new(o2, "at_risk", json_boolean(n->at_risk));
		json_array_append_new(nodes, o2);
	}
	json_t *rankj = json_array();
	for (int k = 0; k < r.nrank; k++) {
		const struct tts_report_rank *x = &r.rank[k];
		int nv = x->ent >= 0 ? x->ent : f->n + (-x->ent - 1);
		json_t *o2 = nv < net->n ? node_json(net, f, nv) : json_object();
		json_object_set_new(o2, "tier", json_integer(x->tier));
		json_object_set_new(o2, "tts", cc_json_num(x->tts));
		json_object_set_new(o2, "lost", cc_json_num(x->lost));
		json_object_set_new(o2, "rei", cc_json_num(x->rei));
		json_array_append_new(rankj, o2);
	}
	json_t *out = json_pack("{s:o, s:i, s:f, s:o, s:o, s:b, s:i, s:i, s:i, s:b, s:o, s:o}",
				"supplier", node_json(net, f, v), "year", r.year, "ttr", r.ttr,
				"tts", cc_json_num(r.tts), "lost", cc_json_num(r.lost), "at_risk",
				r.at_risk, "model_nodes", r.nmodel_nodes, "model_edges",
				r.nmodel_edges, "alternatives", r.nalternatives, "truncated",
				r.truncated, "nodes", nodes, "rank", rankj);
	tts_report_release(&r);
	return http_json(req, 200, out);
}

/* Reads body field KEY (an array of strings, or one string with ',' / ';' / spaces) into
 * ARENA-backed strings. Returns the count or -1 after a 400. */
static int str_list(struct http_req *req, json_t *b, const char *key, const char **out, int max)
{
	json_t *v = json_object_get(b, key);
	int n = 0;
	if (!v || json_is_null(v))
		return 0;
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		while (*s && n < max) {
			while (*s == ',' || *s == ';' || *s == ' ' || *s == '\n' || *s == '\t' ||
			       *s == '\r')
				s++;
			const char *e = s;
			while (*e && *e != ',' && *e != ';' && *e != ' ' && *e != '\n' &&
			       *e != '\t' && *e != '\r')
				e++;
			if (e > s) {
				char *c = cc_arena_alloc(&req->arena, (size_t)(e - s) + 1);
				if (!c)
					break;
				memcpy(c, s, (size_t)(e - s));
				c[e - s] = '\0';
				out[n++] = c;
			}
			s = e;
		}
		return n;
	}
	if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
		{
			if (!json_is_string(x) && !json_is_integer(x))
				break;
			if (n == max) {
				http_error(req, 400, "invalid", key, "条目过多", "at most %d %s",
					   max, key);
				return -1;
			}
			char tmp[32];
			const char *s = json_is_string(x) ? json_string_value(x) : tmp;
			if (!json_is_string(x))
				snprintf(tmp, sizeof tmp, "%lld", (long long)json_integer_value(x));
			size_t len = strlen(s);
			char *c = cc_arena_alloc(&req->arena, len + 1);
			if (!c)
				break;
			memcpy(c, s, len + 1);
			out[n++] = c;
		}
		if (i == json_array_size(v))
			return n;
	}
	http_error(req, 400, "invalid", key, "字段应为字符串列表", "%s must be a list of strings",
		   key);
	return -1;
}

int h_risk_disrupt(struct http_req *req)
{
	json_t *b = http_body_json(req);
	if (!b)
		return req->status;
	static const int MAX = 500;
	const char **sup = cc_arena_alloc(&req->arena, sizeof *sup * MAX);
	const char **reg = cc_arena_alloc(&req->arena, sizeof *reg * MAX);
	const char **nds = cc_arena_alloc(&req->arena, sizeof *nds * MAX);
	int ns, nr, nn;
	if (!sup || !reg || !nds || (ns = str_list(req, b, "suppliers", sup, MAX)) < 0 ||
	    (nr = str_list(req, b, "regions", reg, MAX)) < 0 ||
	    (nn = str_list(req, b, "nodes", nds, MAX)) < 0) {
		json_decref(b);
		return req->status ? req->status
				   : http_error(req, 500, "internal", NULL, "内部错误",
						"out of memory");
	}
	json_t *sp = json_object_get(b, "spare");
	double spare = -1;
	if (sp && !json_is_null(sp)) {
		if (!json_is_number(sp) || json_number_value(sp) < 0 || json_number_value(sp) > 1) {
			json_decref(b);
			return http_error(req, 400, "invalid", "spare",
					  "替代供应余量应在 0 到 1 之间",
					  "spare must be a number from 0 to 1");
		}
		spare = json_number_value(sp);
	}
	json_decref(b);
	if (ns + nr + nn == 0)
		return http_error(req, 400, "invalid", "suppliers",
				  "请指定要中断的供应商、地区或环节",
				  "name suppliers, regions or nodes to remove");
	struct cc_frame *f;
	struct risk_net *net;
	if (risk_request(req, NULL, &f, &net))
		return req->status;
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	/* A chief sees the disruption as it reaches its own chains: totals, tiers and the firms
	 * most at risk count only members of those chains (the propagation runs city-wide). */
	uint8_t *mine = NULL;
	if (req->user.role == HTTP_ROLE_CHIEF && cat) {
		mine = cc_arena_alloc(&req->arena, (size_t)cat->nchains + 1);
		if (!mine)
			return http_error(req, 500, "internal", NULL, "内部错误", "out of memory");
		for (int c = 0; c < cat->nchains; c++)
			mine[c] = (uint8_t)h_may_read_chain(req, cat->chains[c].id);
	}
	struct risk_disrupt_spec spec = {sup, ns, reg, nr, nds, nn, spare, 0, mine};
	struct risk_disrupt_result r;
	struct cc_error err = {0};
	int rc = risk_disrupt(net, &spec, &r, &err);
	if (rc) {
		const char *field = strstr(err.msg, "region") ? "regions"
				    : strstr(err.msg, "node") ? "nodes"
							      : "suppliers";
		/* The Chinese message names what was not known, as the English one does (the
		 * first quoted word of the engine's message): one language shows it all. */
		const char *q = strchr(err.msg, '\''), *q2 = q ? strchr(q + 1, '\'') : NULL;
		char zh[512];
		snprintf(zh, sizeof zh, "中断对象无效：未知的%s%s%.*s%s",
			 field[0] == 'r'   ? "地区"
			 : field[0] == 'n' ? "环节"
					   : "信用代码",
			 q2 ? "「" : "", q2 ? (int)(q2 - q - 1) : 0, q2 ? q + 1 : "",
			 q2 ? "」" : "");
		return http_error_from(req, rc, &err, field, zh);
	}
	json_t *tiers = json_array();
	for (int k = 0; k < r.ntiers; k++)
		json_array_append_new(tiers, json_pack("{s:i, s:i, s:o}", "tier", r.tiers[k].tier,
						       "affected", r.tiers[k].affected, "value",
						       cc_json_num(r.tiers[k].value)));
	json_t *chains = json_array();
	for (int c = 0; c < r.nchains && cat; c++) {
		if (!r.chains[c].affected || !h_may_read_chain(req, cat->chains[c].id))
			continue;
		json_array_append_new(
			chains, json_pack("{s:s, s:s, s:s, s:i, s:o}", "chain", cat->chains[c].id,
					  "name_zh", cat->chains[c].name_zh, "name_en",
					  cat->chains[c].name_en, "affected", r.chains[c].affected,
					  "value", cc_json_num(r.chains[c].value)));
	}
	/* Nodes: the 30 with most value at risk. */
	int *order = malloc(sizeof *order * ((size_t)r.nnodes + 1));
	int no = 0;
	for (int k = 0; order && k < r.nnodes; k++)
		if (r.nodes[k].affected &&
		    h_may_read_chain(req, cat->chains[cat->nodes[k].chain].id))
			order[no++] = k;
	for (int i = 1; i < no; i++) { /* insertion sort by value, descending (few hundred) */
		int x = order[i], j = i;
		while (j > 0 && r.nodes[order[j - 1]].value < r.nodes[x].value) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = x;
	}
	json_t *nodes = json_array();
	for (int i = 0; i < no && i < 30; i++) {
		const struct cc_node *nd = &cat->nodes[order[i]];
		char ref[160];
		snprintf(ref, sizeof ref, "%s.%s", cat->chains[nd->chain].id, nd->id);
		json_array_append_new(nodes,
				      json_pack("{s:s, s:s, s:s, s:i, s:o}", "node", ref, "name_zh",
						nd->name_zh, "name_en", nd->name_en, "affected",
						r.nodes[order[i]].affected, "value",
						cc_json_num(r.nodes[order[i]].value)));
	}
	free(order);
	/* Enterprises: the 50 with most value at risk (registered only; removed ones flagged). */
	int topn = 50, nt = 0;
	int *top = malloc(sizeof *top * (size_t)topn);
	double *topv = malloc(sizeof *topv * (size_t)topn);
	for (int v = 0; top && topv && v < net->nent; v++) {
		if (!(r.loss[v] > 0) || !risk_net_in_chains(net, v, mine))
			continue;
		double val = isfinite(net->output[v]) ? net->output[v] * r.loss[v] : 0;
		if (nt == topn && val <= topv[nt - 1])
			continue;
		int j = nt < topn ? nt++ : nt - 1;
		while (j > 0 && topv[j - 1] < val) {
			top[j] = top[j - 1];
			topv[j] = topv[j - 1];
			j--;
		}
		top[j] = v;
		topv[j] = val;
	}
	json_t *ents = json_array();
	for (int k = 0; k < nt; k++) {
		json_t *o = node_json(net, f, top[k]);
		json_object_set_new(o, "loss", json_real(r.loss[top[k]]));
		json_object_set_new(o, "value_at_risk", json_real(topv[k]));
		json_object_set_new(o, "tier", json_integer(r.tier_of[top[k]]));
		json_array_append_new(ents, o);
	}
	free(top);
	free(topv);
	json_t *out = json_pack("{s:s, s:i, s:i, s:o, s:o, s:i, s:o, s:o, s:o, s:o, s:f}", "scope",
				mine ? "own_chains" : "all", "removed", r.removed, "affected",
				r.affected, "value_at_risk", cc_json_num(r.value), "removed_value",
				cc_json_num(r.removed_value), "rounds", r.rounds, "tiers", tiers,
				"chains", chains, "nodes", nodes, "enterprises", ents, "spare",
				spare < 0 ? 0.2 : spare);
	risk_disrupt_release(&r);
	return http_json(req, 200, out);
}
