/*
 * Chain map routes: the 33-chain comparison, one chain's node tree with metrics and classes, a
 * node's enterprises and targets, gaps with extension links, targets, and the XLSX report.
 * A chief reads only the chains assigned to them.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/json.h"
#include "base/parse.h"
#include "chain/chain.h"
#include "domain/codes.h"
#include "domain/metric.h"
#include "http/handlers.h"
#include "report/report.h"
#include "risk/risk.h"

int h_chain_params(struct http_req *req, const struct cc_frame *f, struct chain_scope *scope,
		   int *year)
{
	struct cc_error err = {0};
	if (chain_scope_parse(http_query(req, "scope"), scope, &err)) {
		http_error(req, 400, "invalid", "scope",
			   "范围无效（chongqing、chengdu、both 或行政区划代码）", "%s", err.msg);
		return -1;
	}
	const char *y = http_query(req, "year");
	*year = cc_frame_latest_year(f);
	if (y && *y) {
		long long v;
		if (cc_parse_int64(y, strlen(y), &v) || !cc_frame_annual(f, 0, (int)v)) {
			http_error(req, 400, "invalid", "year", "没有该年份的数据",
				   "no data for year '%s'", y);
			return -1;
		}
		*year = (int)v;
	}
	return 0;
}

int h_may_read_chain(const struct http_req *req, const char *chain)
{
	if (req->user.role != HTTP_ROLE_CHIEF)
		return 1;
	size_t n = strlen(chain);
	for (const char *p = req->user.chains; *p;) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);
		if (len == n && strncmp(p, chain, n) == 0)
			return 1;
		if (!c)
			break;
		p = c + 1;
	}
	return 0;
}

/* Finds the chain of path parameter 0, checking the chief's access. NULL after an error. */
static const struct cc_chain *path_chain(struct http_req *req)
{
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	const struct cc_chain *ch = cat ? cc_chain_find(cat, req->params[0]) : NULL;
	if (!ch) {
		http_error(req, 404, "not_found", "chain", "没有该产业链",
			   "no chain '%s' (GET /api/v1/chains lists them)", req->params[0]);
		return NULL;
	}
	if (!h_may_read_chain(req, ch->id)) {
		http_error(req, 403, "forbidden", "chain", "链长只能查看分管的产业链",
			   "a chief account reads only its own chains");
		return NULL;
	}
	return ch;
}

static json_t *summary_json(const struct cc_chain *ch, const struct chain_summary *s)
{
	return json_pack(
		"{s:s, s:s, s:s, s:s, s:i, s:i, s:o, s:o, s:o, s:o, s:o, s:i, s:i, s:i, s:i}", "id",
		ch->id, "name_zh", ch->name_zh, "name_en", ch->name_en, "status", ch->status,
		"nodes", ch->nnodes, "enterprises", s->enterprises, "output",
		cc_json_num(s->output), "yoy", cc_json_num(s->yoy), "completeness",
		cc_json_num(s->completeness), "local_coverage", cc_json_num(s->local_coverage),
		"output_hhi", cc_json_num(s->output_hhi), "strong", s->strong, "adequate",
		s->adequate, "weak", s->weak, "missing", s->missing);
}

static json_t *node_json(const struct cc_catalogue *cat, const struct chain_node_metrics *m)
{
	const struct cc_node *nd = &cat->nodes[m->node];
	return json_pack("{s:s, s:s, s:s, s:s?, s:s, s:i, s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:o, "
			 "s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:s}",
			 "id", nd->id, "name_zh", nd->name_zh, "name_en", nd->name_en, "parent",
			 nd->parent >= 0 ? cat->nodes[nd->parent].id : NULL, "stage",
			 cc_stage_name(nd->stage), "depth", nd->depth, "class",
			 chain_class_name(m->cls), "class_zh", chain_class_zh(m->cls),
			 "enterprises", m->enterprises, "masters", m->masters, "core", m->core,
			 "hightech", m->hightech, "srdi", m->srdi, "output", cc_json_num(m->output),
			 "output_share", cc_json_num(m->output_share), "yoy", cc_json_num(m->yoy),
			 "cagr3", cc_json_num(m->cagr3), "rd_intensity",
			 cc_json_num(m->rd_intensity), "purchases_in", cc_json_num(m->purchases_in),
			 "purchases_out", cc_json_num(m->purchases_out), "local_coverage",
			 cc_json_num(m->local_coverage), "reason_zh", m->reason_zh, "reason_en",
			 m->reason_en);
}

json_t *h_chain_scope_json(const struct chain_scope *s, int year)
{
	json_t *codes = json_array();
	for (int i = 0; i < s->n; i++)
		json_array_append_new(codes, json_integer(s->codes[i]));
	return json_pack("{s:s, s:s, s:o, s:i}", "name_zh", s->name_zh, "name_en", s->name_en,
			 "regions", codes, "year", year);
}

/*
 * Chain analyses memoised per frame (slot 8): a chain's node metrics for a scope and year are
 * computed once, not per request. A new frame version keeps the analyses of the chains its
 * change did not reach (an indicator or membership change reaches the chains the enterprise
 * is a member of, before or after; a registry or supply-edge change reaches every chain:
 * regions and edges weigh on coverage); those it reached are marked stale and computed again
 * by the follower when it has caught up (cc_frame_ext_idle), or by the first request. A stale
 * analysis that only indicators or memberships reached keeps its nodes' purchases (they come
 * from the supply edges and the regions alone), so computing it again does not walk the
 * edges (chain_analyse_known): ~1-2M of them for the largest chain at 1M firms.
 */
#define MEMO 256
struct chain_memo {
	pthread_mutex_t lock;
	int n;
	struct memo_entry {
		int chain, year;
		struct chain_scope scope;
		struct chain_node_metrics *m; /* NULL: stale */
		double *purch; /* stale with its purchases known: nn in, then nn out; else NULL */
		struct chain_summary s;
	} e[MEMO];
};

static void *memo_make(const struct cc_frame *f)
{
	(void)f;
	struct chain_memo *cm = calloc(1, sizeof *cm);
	if (cm)
		pthread_mutex_init(&cm->lock, NULL);
	return cm;
}

static void memo_free(void *p)
{
	struct chain_memo *cm = p;
	for (int k = 0; k < cm->n; k++) {
		free(cm->e[k].m);
		free(cm->e[k].purch);
	}
	pthread_mutex_destroy(&cm->lock);
	free(cm);
}

static int same_scope(const struct chain_scope *a, const struct chain_scope *b)
{
	return a->n == b->n && memcmp(a->codes, b->codes, sizeof a->codes[0] * (size_t)a->n) == 0;
}

/* Marks in HIT (one byte per chain) the chains enterprise I of F is a member of. */
static void chains_of(const struct cc_frame *f, int i, const struct cc_catalogue *cat,
		      unsigned char *hit)
{
	for (int k = f->member_start[i]; k < f->member_start[i + 1]; k++)
		hit[cat->nodes[f->member_node[k]].chain] = 1;
}

static void *memo_follow(void *old, const struct cc_frame *from, const struct cc_frame *to,
			 const struct cc_frame_delta *d)
{
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	struct chain_memo *om = old, *nm = memo_make(to);
	unsigned char *hit = cat ? calloc((size_t)cat->nchains + 1, 1) : NULL;
	if (!nm || !hit) {
		free(hit);
		if (nm)
			memo_free(nm);
		return NULL;
	}
	int all = (d->what & (CC_DELTA_REG | CC_DELTA_EDGE)) != 0;
	for (int k = 0; !all && k < d->n; k++) {
		chains_of(from, d->ent[k], cat, hit);
		chains_of(to, d->ent[k], cat, hit);
	}
	pthread_mutex_lock(&om->lock);
	for (int k = 0; k < om->n; k++) {
		struct memo_entry *e = &nm->e[nm->n];
		const struct memo_entry *o = &om->e[k];
		int nn = cat->chains[o->chain].nnodes;
		*e = *o;
		e->m = NULL;
		e->purch = NULL;
		if (!all && !hit[e->chain] && o->m) {
			size_t bytes = sizeof *e->m * (size_t)nn;
			e->m = malloc(bytes);
			if (e->m)
				memcpy(e->m, o->m, bytes);
		} else if (!all && (o->m || o->purch)) {
			/* Reached by indicators or memberships only: the purchases stand. */
			e->purch = malloc(sizeof *e->purch * 2 * (size_t)nn);
			for (int q = 0; e->purch && q < nn; q++) {
				e->purch[q] = o->m ? o->m[q].purchases_in : o->purch[q];
				e->purch[nn + q] = o->m ? o->m[q].purchases_out : o->purch[nn + q];
			}
		}
		nm->n++;
	}
	pthread_mutex_unlock(&om->lock);
	free(hit);
	return nm;
}

/*
 * The analysis of CHAIN for SCOPE and YEAR on F into M (room for the chain's nodes) and S:
 * from the memo, or computed and remembered. Returns 0 or a negative CC_E*.
 */
static int analyse_memo(struct cc_frame *f, int chain, const struct chain_scope *scope, int year,
			struct chain_node_metrics *m, struct chain_summary *s, struct cc_error *err)
{
	const struct cc_catalogue *cat = cc_catalogue_get(err);
	struct chain_memo *cm = cc_frame_ext(f, CC_FRAME_SLOT_CHAIN_ANALYSES, memo_make, memo_free);
	if (!cat)
		return CC_EINVAL;
	int nn = cat->chains[chain].nnodes;
	size_t bytes = sizeof *m * (size_t)nn;
	int slot = -1;
	double *purch = NULL; /* the stale entry's purchases, when it kept them */
	if (cm) {
		pthread_mutex_lock(&cm->lock);
		for (int k = 0; k < cm->n && slot < 0; k++)
			if (cm->e[k].chain == chain && cm->e[k].year == year &&
			    same_scope(&cm->e[k].scope, scope))
				slot = k;
		if (slot >= 0 && cm->e[slot].m) {
			memcpy(m, cm->e[slot].m, bytes);
			*s = cm->e[slot].s;
			pthread_mutex_unlock(&cm->lock);
			return 0;
		}
		if (slot >= 0 && cm->e[slot].purch) {
			purch = malloc(sizeof *purch * 2 * (size_t)nn);
			if (purch)
				memcpy(purch, cm->e[slot].purch, sizeof *purch * 2 * (size_t)nn);
		}
		pthread_mutex_unlock(&cm->lock);
	}
	int rc = chain_analyse_known(f, chain, scope, year, chain_rules_get(NULL), purch,
				     purch ? purch + nn : NULL, m, s, err);
	free(purch);
	if (rc || !cm)
		return rc;
	struct chain_node_metrics *copy = malloc(bytes);
	if (!copy)
		return 0;
	memcpy(copy, m, bytes);
	pthread_mutex_lock(&cm->lock);
	slot = -1;
	for (int k = 0; k < cm->n && slot < 0; k++)
		if (cm->e[k].chain == chain && cm->e[k].year == year &&
		    same_scope(&cm->e[k].scope, scope))
			slot = k;
	if (slot < 0) {
		/* Full: one entry goes (a frame version rarely sees this many scopes). */
		slot = cm->n < MEMO ? cm->n++ : (int)(((unsigned)chain * 2654435761u) % MEMO);
		cm->e[slot].chain = chain;
		cm->e[slot].year = year;
		cm->e[slot].scope = *scope;
	}
	free(cm->e[slot].m);
	cm->e[slot].m = copy;
	cm->e[slot].s = *s;
	pthread_mutex_unlock(&cm->lock);
	return 0;
}

int h_chain_totals(struct cc_frame *f, int chain, const struct chain_scope *scope, int year,
		   int *enterprises, double *output, struct cc_error *err)
{
	const struct cc_catalogue *cat = cc_catalogue_get(err);
	struct chain_node_metrics *m = NULL;
	struct chain_summary s;
	int rc = 0;
	*enterprises = 0;
	*output = NAN;
	if (!cat) {
		rc = CC_EINVAL;
		goto out;
	}
	m = malloc(sizeof *m * (size_t)cat->chains[chain].nnodes);
	if (!m) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	rc = analyse_memo(f, chain, scope, year, m, &s, err);
	if (rc)
		goto out;
	*enterprises = s.enterprises;
	*output = s.output;
out:
	free(m);
	return rc;
}

/* The follower's idle work: stale analyses computed again on the newest version. */
static void memo_idle(void *p, const struct cc_frame *fc)
{
	struct chain_memo *cm = p;
	struct cc_frame *f = (struct cc_frame *)fc; /* cc_frame_ext only memoises on it */
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	for (int k = 0; cat; k++) {
		pthread_mutex_lock(&cm->lock);
		while (k < cm->n && cm->e[k].m)
			k++;
		if (k >= cm->n) {
			pthread_mutex_unlock(&cm->lock);
			break;
		}
		struct memo_entry e = cm->e[k];
		pthread_mutex_unlock(&cm->lock);
		struct chain_node_metrics *m =
			malloc(sizeof *m * (size_t)cat->chains[e.chain].nnodes);
		struct chain_summary s;
		struct cc_error err = {0};
		if (!m)
			break;
		if (analyse_memo(f, e.chain, &e.scope, e.year, m, &s, &err) != 0) {
			free(m);
			break;
		}
		free(m);
	}
}

int h_chain_memo_check(struct cc_frame *f, int chain, const char *scope_name)
{
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	struct chain_scope scope;
	struct cc_error err = {0};
	if (!cat || chain_scope_parse(scope_name, &scope, &err))
		return -1;
	int year = cc_frame_latest_year(f), n = cat->chains[chain].nnodes, same = 1;
	struct chain_node_metrics *a = malloc(sizeof *a * (size_t)n);
	struct chain_node_metrics *b = malloc(sizeof *b * (size_t)n);
	struct chain_summary sa, sb;
	if (!a || !b || analyse_memo(f, chain, &scope, year, a, &sa, &err) ||
	    chain_analyse(f, chain, &scope, year, chain_rules_get(NULL), b, &sb, &err)) {
		free(a);
		free(b);
		return -1;
	}
#define SAME(x, y) (memcmp(&(x), &(y), sizeof(x)) == 0 || (isnan(x) && isnan(y)))
	for (int k = 0; k < n && same; k++)
		same = a[k].enterprises == b[k].enterprises && a[k].masters == b[k].masters &&
		       a[k].cls == b[k].cls && SAME(a[k].output, b[k].output) &&
		       SAME(a[k].yoy, b[k].yoy) && SAME(a[k].local_coverage, b[k].local_coverage) &&
		       SAME(a[k].rd_intensity, b[k].rd_intensity) &&
		       strcmp(a[k].reason_en, b[k].reason_en) == 0;
	same = same && sa.enterprises == sb.enterprises && SAME(sa.output, sb.output) &&
	       SAME(sa.output_hhi, sb.output_hhi) && sa.weak == sb.weak && sa.missing == sb.missing;
#undef SAME
	free(a);
	free(b);
	return same ? 0 : 1;
}

void h_chain_follow_init(void)
{
	cc_frame_ext_policy(CC_FRAME_SLOT_CHAIN_ANALYSES,
			    CC_DELTA_REG | CC_DELTA_IND | CC_DELTA_MEM | CC_DELTA_EDGE, ~0ull,
			    memo_follow);
	cc_frame_ext_idle(CC_FRAME_SLOT_CHAIN_ANALYSES, memo_idle);
}

/* What the per-chain routes share: the frame, the chain of the path, scope and year, and
 * the chain analysed (M holds a metrics row per node; free it with analysed_release). */
struct analysed {
	struct cc_frame *f;
	const struct cc_chain *ch;
	struct chain_scope scope;
	int year;
	struct chain_node_metrics *m;
	struct chain_summary s;
};

/* Fills A for the request; returns 0, or the error status already set on REQ. */
static int analyse_path_chain(struct http_req *req, struct analysed *a)
{
	struct cc_error err = {0};
	memset(a, 0, sizeof *a);
	a->ch = path_chain(req);
	if (!a->ch)
		return req->status;
	a->f = http_frame(req);
	if (!a->f || h_chain_params(req, a->f, &a->scope, &a->year))
		return req->status;
	a->m = malloc(sizeof *a->m * (size_t)a->ch->nnodes);
	if (!a->m || analyse_memo(a->f, a->ch->index, &a->scope, a->year, a->m, &a->s, &err)) {
		free(a->m);
		a->m = NULL;
		return http_error(req, 500, "internal", NULL, "分析失败", "%s",
				  err.msg[0] ? err.msg : "out of memory");
	}
	return 0;
}

static void analysed_release(struct analysed *a)
{
	free(a->m);
	a->m = NULL;
}

int h_chain_compare(struct http_req *req)
{
	struct cc_frame *f = http_frame(req);
	struct chain_scope scope;
	int year;
	if (!f || h_chain_params(req, f, &scope, &year))
		return req->status;
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	const struct chain_rules *rules = chain_rules_get(NULL);
	struct chain_node_metrics *m = malloc(sizeof *m * (size_t)cat->nnodes);
	if (!m || !rules)
		return http_error(req, 500, "internal", NULL, "内部错误",
				  "out of memory or no rules");
	json_t *items = json_array();
	for (int c = 0; c < cat->nchains; c++) {
		struct chain_summary s;
		struct cc_error err = {0};
		if (!h_may_read_chain(req, cat->chains[c].id))
			continue;
		if (analyse_memo(f, c, &scope, year, m, &s, &err) == 0)
			json_array_append_new(items, summary_json(&cat->chains[c], &s));
	}
	free(m);
	json_t *out =
		json_pack("{s:o, s:o}", "scope", h_chain_scope_json(&scope, year), "items", items);
	uint8_t *readable = calloc((size_t)cat->nchains + 1, 1);
	uint8_t *in = NULL;
	for (int c = 0; readable && c < cat->nchains; c++)
		readable[c] = (uint8_t)h_may_read_chain(req, cat->chains[c].id);
	if (readable)
		in = report_scope_mask(f, &scope, readable);
	if (in)
		json_object_set_new(out, "as_of",
				    h_as_of(f, NULL, -1, in, h_as_of_output, 2, 0, year));
	free(in);
	free(readable);
	return http_json(req, 200, out);
}

int h_chain(struct http_req *req)
{
	struct analysed a;
	if (analyse_path_chain(req, &a))
		return req->status;
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	json_t *nodes = json_array();
	for (int k = 0; k < a.ch->nnodes; k++)
		json_array_append_new(nodes, node_json(cat, &a.m[k]));
	json_t *out = json_pack("{s:o, s:o, s:o, s:s, s:s, s:s}", "scope",
				h_chain_scope_json(&a.scope, a.year), "chain",
				summary_json(a.ch, &a.s), "nodes", nodes, "source", a.ch->source,
				"source_zh", a.ch->source_zh, "source_en", a.ch->source_en);
	json_object_set_new(
		out, "as_of",
		h_as_of(a.f, &a.scope, a.ch->index, NULL, h_as_of_output, 2, 0, a.year));
	analysed_release(&a);
	return http_json(req, 200, out);
}

static json_t *targets_json(const struct cc_frame *f, const struct chain_target *t, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++) {
		char rname[256];
		cc_region_fullname(t[i].region, rname, sizeof rname);
		json_array_append_new(
			a,
			json_pack(
				"{s:i, s:s, s:s?, s:i, s:s, s:s, s:o, s:i, s:o, s:o, s:i, s:o, s:s, s:s}",
				"rank", i + 1, "uscc", t[i].uscc, "name",
				t[i].ent >= 0 ? f->name[t[i].ent] : NULL, "region", t[i].region,
				"region_name", rname, "kind",
				t[i].kind == CHAIN_TARGET_SUPPLIER ? "supplier" : "maker", "score",
				cc_json_num(t[i].score), "local_buyers", t[i].local_buyers,
				"value_to_local", cc_json_num(t[i].value_to_local), "revenue",
				cc_json_num(t[i].revenue), "cert_count", t[i].certs, "yoy",
				cc_json_num(t[i].yoy), "reason_zh", t[i].reason_zh, "reason_en",
				t[i].reason_en));
	}
	return a;
}

int h_chain_node(struct http_req *req)
{
	struct analysed a;
	struct cc_error err = {0};
	if (analyse_path_chain(req, &a))
		return req->status;
	struct cc_frame *f = a.f;
	const struct cc_chain *ch = a.ch;
	struct chain_scope scope = a.scope;
	int year = a.year;
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	const struct cc_node *nd = cc_node_find(cat, ch, req->params[1]);
	if (!nd) {
		analysed_release(&a);
		return http_error(req, 404, "not_found", "node", "该产业链没有这个环节",
				  "chain '%s' has no node '%s'", ch->id, req->params[1]);
	}
	json_t *node = node_json(cat, &a.m[nd->index - ch->first_node]);
	analysed_release(&a);
	/* Members in scope of the node and its subtree, biggest first. */
	json_t *ents = json_array();
	const double *out = cc_frame_annual(f, CC_M_OUTPUT_VALUE, year);
	int *list = malloc(sizeof *list * ((size_t)f->n + 1));
	int nl = 0;
	char *seen = calloc((size_t)f->n + 1, 1);
	for (int k = nd->index; list && seen && k < ch->first_node + ch->nnodes; k++) {
		int in = 0;
		for (int p = k; p >= 0; p = cat->nodes[p].parent)
			in |= p == nd->index;
		if (!in)
			continue;
		for (int p = f->node_start[k]; p < f->node_start[k + 1]; p++) {
			int i = f->node_ent[p];
			if (!seen[i] && chain_scope_has(&scope, f->region[i])) {
				seen[i] = 1;
				list[nl++] = i;
			}
		}
	}
	/* Selection of the 100 largest by output (unknown last). */
	for (int a = 0; a < nl && a < 100; a++) {
		int best = a;
		for (int b = a + 1; b < nl; b++) {
			double x = out ? out[list[b]] : NAN, y = out ? out[list[best]] : NAN;
			if ((!isnan(x) && (isnan(y) || x > y)))
				best = b;
		}
		int t = list[a];
		list[a] = list[best];
		list[best] = t;
		json_array_append_new(ents, h_enterprise_item(f, list[a], year));
	}
	free(list);
	free(seen);
	struct chain_target t[50];
	int nt = chain_targets(f, nd->index, &scope, year, chain_rules_get(NULL), t, 50, &err);
	return http_json(req, 200,
			 json_pack("{s:o, s:o, s:o, s:i, s:o}", "scope",
				   h_chain_scope_json(&scope, year), "node", node, "enterprises",
				   ents, "enterprises_total", nl, "targets",
				   targets_json(f, t, nt > 0 ? nt : 0)));
}

int h_chain_gaps(struct http_req *req)
{
	struct analysed a;
	if (analyse_path_chain(req, &a))
		return req->status;
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	int *ext = malloc(sizeof *ext * (size_t)a.ch->nnodes);
	double *demand = malloc(sizeof *demand * (size_t)a.ch->nnodes);
	if (!ext || !demand) {
		free(ext);
		free(demand);
		analysed_release(&a);
		return http_error(req, 500, "internal", NULL, "内存不足", "out of memory");
	}
	json_t *gaps = json_array();
	for (int k = 0; k < a.ch->nnodes; k++)
		if (a.m[k].cls == CHAIN_WEAK || a.m[k].cls == CHAIN_MISSING)
			json_array_append_new(gaps, node_json(cat, &a.m[k]));
	int ne = chain_extension(a.f, a.ch->index, chain_rules_get(NULL), a.m, ext, demand);
	json_t *extension = json_array();
	for (int i = 0; i < ne; i++) {
		const struct cc_node *nd = &cat->nodes[ext[i]];
		json_array_append_new(
			extension, json_pack("{s:s, s:s, s:s, s:s, s:f}", "id", nd->id, "name_zh",
					     nd->name_zh, "name_en", nd->name_en, "stage",
					     cc_stage_name(nd->stage), "local_demand", demand[i]));
	}
	free(ext);
	free(demand);
	analysed_release(&a);
	return http_json(req, 200,
			 json_pack("{s:o, s:o, s:o, s:o}", "scope",
				   h_chain_scope_json(&a.scope, a.year), "chain",
				   summary_json(a.ch, &a.s), "gaps", gaps, "extension", extension));
}

int h_chain_targets(struct http_req *req)
{
	struct analysed a;
	struct cc_error err = {0};
	if (analyse_path_chain(req, &a))
		return req->status;
	struct cc_frame *f = a.f;
	const struct cc_chain *ch = a.ch;
	struct chain_scope scope = a.scope;
	int year = a.year;
	struct chain_node_metrics *m = a.m;
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	const struct chain_rules *rules = chain_rules_get(NULL);
	long long limit = 10;
	const char *v = http_query(req, "limit");
	if (v && (cc_parse_int64(v, strlen(v), &limit) || limit < 1 || limit > 200)) {
		analysed_release(&a);
		return http_error(req, 400, "invalid", "limit", "limit 应为 1–200 的整数",
				  "limit must be a whole number from 1 to 200");
	}
	const struct cc_node *only = NULL;
	v = http_query(req, "node");
	if (v && *v && !(only = cc_node_find(cat, ch, v))) {
		analysed_release(&a);
		return http_error(req, 404, "not_found", "node", "该产业链没有这个环节",
				  "chain '%s' has no node '%s'", ch->id, v);
	}
	struct chain_target *t = malloc(sizeof *t * (size_t)limit);
	if (!t) {
		analysed_release(&a);
		return http_error(req, 500, "internal", NULL, "内存不足", "out of memory");
	}
	json_t *items = json_array();
	for (int k = 0; k < ch->nnodes; k++) {
		const struct cc_node *nd = &cat->nodes[m[k].node];
		if (only ? nd != only : (m[k].cls != CHAIN_WEAK && m[k].cls != CHAIN_MISSING))
			continue;
		int n = chain_targets(f, nd->index, &scope, year, rules, t, (int)limit, &err);
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s, s:o}", "node", nd->id,
						       "name_zh", nd->name_zh, "class",
						       chain_class_name(m[k].cls), "class_zh",
						       chain_class_zh(m[k].cls), "targets",
						       targets_json(f, t, n > 0 ? n : 0)));
	}
	analysed_release(&a);
	free(t);
	return http_json(
		req, 200,
		json_pack("{s:o, s:o}", "scope", h_chain_scope_json(&scope, year), "items", items));
}

int h_chain_report(struct http_req *req)
{
	char path[512], name[128];
	const struct cc_chain *ch = path_chain(req);
	struct cc_frame *f = http_frame(req);
	struct chain_scope scope;
	int year;
	if (!ch || !f || h_chain_params(req, f, &scope, &year))
		return req->status;
	struct cc_error err = {0};
	const char *lang = http_query(req, "lang");
	if (lang && strcmp(lang, "en") != 0 && strcmp(lang, "zh") != 0)
		return http_error(req, 400, "invalid", "lang", "lang 应为 zh 或 en",
				  "lang must be zh or en");
	int en = lang && strcmp(lang, "en") == 0;
	http_file_new(req, "chain", ".xlsx", path, sizeof path);
	if (chain_report_write(f, ch->index, &scope, year, chain_rules_get(NULL), 10, en, path,
			       &err)) {
		unlink(path);
		return http_error(req, 500, "internal", NULL, "无法生成报告",
				  "cannot write the report: %s", err.msg);
	}
	snprintf(name, sizeof name, "chain-%s-%d.xlsx", ch->id, year);
	int rc = http_send_file(req, path, HTTP_TYPE_XLSX, name);
	unlink(path);
	return rc;
}

/* One area's JSON; MISSING only when a chain was asked. */
static json_t *area_json(const struct chain_area *a)
{
	const struct cc_region *r = a->code ? cc_region_find(a->code) : NULL;
	json_t *o = json_pack("{s:i, s:s, s:s?, s:i, s:o, s:o}", "code", a->code, "name",
			      r ? r->name : "", "name_en", r ? r->name_en : NULL, "enterprises",
			      a->enterprises, "output_value", cc_json_num(a->output), "yoy",
			      cc_json_num(a->yoy));
	if (a->missing >= 0)
		json_object_set_new(o, "missing", json_integer(a->missing));
	return o;
}

/*
 * GET /api/v1/areas?scope=&year=&chain=: the district map's figures (chain_areas): every
 * area overlapping the scope (Chongqing's districts and counties, elsewhere cities) with its
 * firms in scope, their output and its growth; with a chain, the chain page's counts and the
 * chain's nodes missing in each area. "unplaced" holds the firms in scope of no area (a bare
 * province code), so areas and unplaced add up to "total", which is the dashboard's count
 * (or the chain page's).
 */
int h_areas(struct http_req *req)
{
	struct cc_frame *f = http_frame(req);
	struct chain_scope scope;
	struct chain_area *areas = NULL, unplaced;
	struct cc_error err = {0};
	int year, n = 0, chain = -1;
	if (!f || h_chain_params(req, f, &scope, &year))
		return req->status;
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	const char *id = http_query(req, "chain");
	const struct cc_chain *ch = id && *id && cat ? cc_chain_find(cat, id) : NULL;
	if (id && *id && !ch)
		return http_error(req, 400, "invalid", "chain", "没有该产业链",
				  "no chain '%s' (GET /api/v1/chains lists them)", id);
	if (ch && !h_may_read_chain(req, ch->id))
		return http_error(req, 403, "forbidden", "chain", "链长只能查看分管的产业链",
				  "a chief account reads only its own chains");
	if (ch)
		chain = ch->index;
	int rc = chain_areas(f, chain, &scope, year, &areas, &n, &unplaced, &err);
	if (rc)
		return http_error_from(req, rc, &err, NULL, NULL);
	json_t *list = json_array();
	struct chain_area total = unplaced;
	for (int k = 0; k < n; k++) {
		json_array_append_new(list, area_json(&areas[k]));
		total.enterprises += areas[k].enterprises;
		total.output += areas[k].output;
		total.growth_now += areas[k].growth_now;
		total.growth_prev += areas[k].growth_prev;
	}
	free(areas);
	total.yoy = total.growth_prev > 0 ? total.growth_now / total.growth_prev - 1 : NAN;
	json_t *chain_o = ch ? json_pack("{s:s, s:s, s:s, s:i}", "id", ch->id, "name_zh",
					 ch->name_zh, "name_en", ch->name_en, "nodes", ch->nnodes)
			     : json_null();
	json_t *out =
		json_pack("{s:o, s:i, s:o, s:o, s:{s:i, s:o}, s:{s:i, s:o, s:o}}", "scope",
			  h_chain_scope_json(&scope, year), "year", year, "chain", chain_o, "areas",
			  list, "unplaced", "enterprises", unplaced.enterprises, "output_value",
			  cc_json_num(unplaced.output), "total", "enterprises", total.enterprises,
			  "output_value", cc_json_num(total.output), "yoy", cc_json_num(total.yoy));
	json_object_set_new(out, "as_of",
			    h_as_of(f, &scope, chain, NULL, h_as_of_output, 2, 0, year));
	return http_json(req, 200, out);
}

/* "YYYY-MM" → YYYYMM, or -1. */
static int parse_month(const char *s)
{
	long long y, m;
	if (strlen(s) != 7 || s[4] != '-' || cc_parse_int64(s, 4, &y) ||
	    cc_parse_int64(s + 5, 2, &m) || y < 1900 || y > 2200 || m < 1 || m > 12)
		return -1;
	return (int)(y * 100 + m);
}

/*
 * GET /api/v1/brief: the monthly chain brief (chain_brief) of one chain (chain=ID, with its
 * nodes, targets and single points of failure) or of all chains the user may read (a chief:
 * their own).
 */
int h_brief(struct http_req *req)
{
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	struct cc_frame *f = http_frame(req);
	struct chain_scope scope;
	struct chain_brief_opts o = {.scope = &scope};
	if (!cat || !f || h_chain_params(req, f, &scope, &o.year))
		return req->status ? req->status
				   : http_error(req, 500, "internal", NULL, "目录不可用",
						"no catalogue");
	uint8_t *mask = cc_arena_alloc(&req->arena, (size_t)cat->nchains + 1);
	if (!mask)
		return http_error(req, 500, "internal", NULL, "内存不足", "out of memory");
	const char *id = http_query(req, "chain");
	o.detail = id && *id && strcmp(id, "all") != 0;
	for (int i = 0; i < cat->nchains; i++)
		mask[i] = !o.detail && h_may_read_chain(req, cat->chains[i].id);
	if (o.detail) {
		const struct cc_chain *ch = cc_chain_find(cat, id);
		if (!ch)
			return http_error(req, 404, "not_found", "chain", "没有该产业链",
					  "no chain '%s'", id);
		if (!h_may_read_chain(req, ch->id))
			return http_error(req, 403, "forbidden", "chain", "只能查看分管的产业链",
					  "a chain chief reads only their own chains");
		mask[ch->index] = 1;
	}
	o.chains = mask;
	const char *month = http_query(req, "month");
	if (month && *month && (o.month = parse_month(month)) < 0)
		return http_error(req, 400, "invalid", "month", "月份应为 YYYY-MM",
				  "month must be YYYY-MM");
	struct risk_net *net =
		cc_frame_ext(f, CC_FRAME_SLOT_RISK_NET, risk_net_make, risk_net_free_ext);
	struct cc_error err = {0};
	json_t *out = NULL;
	int rc = chain_brief(f, net, chain_rules_get(NULL), &o, &out, &err);
	if (rc == CC_EINVAL)
		return http_error(req, 404, "no_data", "month", "没有该月及上月的月度数据", "%s",
				  err.msg);
	if (rc)
		return http_error(req, 500, "internal", NULL, "简报生成失败", "%s", err.msg);
	uint8_t *in = report_scope_mask(f, &scope, mask);
	if (in)
		json_object_set_new(out, "as_of",
				    h_as_of(f, NULL, -1, in, h_as_of_output, 2, 1, o.month));
	free(in);
	return http_json(req, 200, out);
}
