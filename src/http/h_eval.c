/*
 * Evaluation routes: the official criteria sets and one enterprise's explanation against them,
 * and the evaluation models with a ranked run (score, tier, and each indicator's part).
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/json.h"
#include "base/parse.h"
#include "domain/catalogue.h"
#include "eval/criteria.h"
#include "eval/model.h"
#include "http/handlers.h"

static struct criteria_catalogue *crit;
static struct cc_error crit_err;
static pthread_once_t crit_once = PTHREAD_ONCE_INIT;

static void crit_load(void)
{
	if (criteria_load(&crit, &crit_err))
		crit = NULL;
}

/* The criteria catalogue, loaded once; NULL after setting a 500. */
static const struct criteria_catalogue *catalogue(struct http_req *req)
{
	pthread_once(&crit_once, crit_load);
	if (!crit)
		http_error(req, 500, "internal", NULL, "无法加载认定标准", "%s", crit_err.msg);
	return crit;
}

static int year_param(struct http_req *req, const struct cc_frame *f, int *year)
{
	const char *v = http_query(req, "year");
	long long y;
	*year = 0;
	if (!v || !*v)
		return 0;
	if (cc_parse_int64(v, strlen(v), &y) || !cc_frame_annual(f, 0, (int)y)) {
		http_error(req, 400, "invalid", "year", "没有该年份的数据", "no data for year '%s'",
			   v);
		return -1;
	}
	*year = (int)y;
	return 0;
}

int h_criteria(struct http_req *req)
{
	const struct criteria_catalogue *c = catalogue(req);
	if (!c)
		return req->status;
	json_t *a = json_array();
	for (int s = 0; s < c->nsets; s++) {
		const struct criteria_set *set = &c->sets[s];
		json_t *clauses = json_array();
		for (int k = 0; k < set->nclauses; k++) {
			const struct criteria_clause *cl = &set->clauses[k];
			json_array_append_new(clauses,
					      json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?}", "id",
							cl->id, "label_zh", cl->label_zh,
							"label_en", cl->label_en, "role",
							criteria_role_name(cl->role), "data",
							cl->data, "source", cl->source));
		}
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "id", set->id,
						   "name_zh", set->name_zh, "name_en", set->name_en,
						   "source", set->source, "effective",
						   set->effective, "clauses", clauses));
	}
	req->cacheable = 1;
	return http_json(req, 200, a);
}

int h_enterprise_criteria(struct http_req *req)
{
	const struct criteria_catalogue *c = catalogue(req);
	struct cc_frame *f = c ? http_frame(req) : NULL;
	if (!c || !f)
		return req->status;
	int i = h_path_enterprise(req, f);
	if (i < 0)
		return req->status;
	int year;
	if (year_param(req, f, &year))
		return req->status;
	double margin = 0.1;
	const char *mv = http_query(req, "margin");
	if (mv && *mv) {
		struct cc_error pe;
		if (cc_parse_number(mv, strlen(mv), &margin, &pe) || margin < 0 || margin > 1)
			return http_error(req, 400, "invalid", "margin", "margin 应在 0 到 1 之间",
					  "margin must be between 0 and 1");
	}
	struct criteria_result *r = malloc(sizeof *r);
	if (!r)
		return http_error(req, 500, "internal", NULL, "内存不足", "out of memory");
	json_t *sets = json_array();
	for (int s = 0; s < c->nsets; s++) {
		if (criteria_eval_one(&c->sets[s], f, i, year, NULL, margin, r))
			continue;
		json_t *clauses = json_array();
		for (int k = 0; k < r->nclauses; k++) {
			const struct criteria_clause_result *cr = &r->clauses[k];
			json_t *parts = json_array();
			for (int p = 0; p < cr->nparts; p++) {
				const struct expr_clause_result *x = &cr->parts[p];
				json_array_append_new(
					parts, json_pack("{s:s, s:s, s:o, s:o, s:o, s:s}", "text",
							 x->text, "op", expr_op_name(x->op),
							 "value", cc_json_num(x->value),
							 "threshold", cc_json_num(x->threshold),
							 "gap", cc_json_num(x->gap), "result",
							 criteria_truth_name(x->truth)));
			}
			json_array_append_new(
				clauses, json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "id",
						   cr->clause->id, "label_zh", cr->clause->label_zh,
						   "label_en", cr->clause->label_en, "result",
						   criteria_truth_name(cr->truth), "points",
						   cc_json_num(cr->value), "relative_gap",
						   cc_json_num(cr->rel_gap), "parts", parts));
		}
		json_array_append_new(sets, json_pack("{s:s, s:s, s:s, s:s, s:b, s:o, s:o}", "id",
						      c->sets[s].id, "name_zh", c->sets[s].name_zh,
						      "name_en", c->sets[s].name_en, "result",
						      criteria_truth_name(r->truth), "near",
						      r->near, "relative_gap",
						      cc_json_num(r->rel_gap), "clauses", clauses));
	}
	free(r);
	return http_json(req, 200,
			 json_pack("{s:s, s:s, s:i, s:f, s:o}", "uscc", f->uscc[i], "name",
				   f->name[i], "year", expr_resolve_year(f, year), "margin", margin,
				   "sets", sets));
}

int h_models(struct http_req *req)
{
	char ids[32][64];
	struct cc_error err = {0};
	int n = eval_model_ids(ids, 32, &err);
	if (n < 0)
		return http_error(req, 500, "internal", NULL, "无法读取模型", "%s", err.msg);
	json_t *a = json_array();
	for (int k = 0; k < n; k++) {
		struct eval_model m;
		if (eval_model_load(ids[k], &m, &err))
			return http_error(req, 500, "internal", NULL, "模型文件有误", "%s",
					  err.msg);
		json_t *inds = json_array(), *tiers = json_array();
		for (int j = 0; j < m.nind; j++)
			json_array_append_new(
				inds,
				json_pack("{s:s, s:s, s:s, s:s, s:b}", "id", m.ind[j].id, "name_zh",
					  m.ind[j].name_zh, "name_en", m.ind[j].name_en, "group",
					  m.ind[j].group, "benefit", m.ind[j].benefit));
		/* Each tier with its rule (the ones it does not use are null): the page says why a
		 * per-chain tier can hold an enterprise ranked below one of a later tier. */
		for (int t = 0; t < m.ntiers; t++) {
			const struct eval_tier *tr = &m.tiers[t];
			json_array_append_new(
				tiers,
				json_pack(
					"{s:s, s:s, s:s, s:o, s:o, s:o}", "id", tr->id, "name_zh",
					tr->name_zh, "name_en", tr->name_en, "top_share",
					tr->top_share > 0 ? json_real(tr->top_share) : json_null(),
					"top_k_per_chain",
					tr->top_k_per_chain > 0 ? json_integer(tr->top_k_per_chain)
								: json_null(),
					"min_score", cc_json_num(tr->min_score)));
		}
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "id",
						   m.id, "name_zh", m.name_zh, "name_en", m.name_en,
						   "source", m.source, "source_zh", m.source_zh,
						   "source_en", m.source_en, "indicators", inds,
						   "tiers", tiers));
		eval_model_release(&m);
	}
	return http_json(req, 200, a);
}

int h_model_run(struct http_req *req)
{
	struct eval_model m;
	struct eval_model_run run;
	struct cc_error err = {0};
	struct cc_frame *f = http_frame(req);
	if (!f)
		return req->status;
	if (eval_model_load(req->params[0], &m, &err))
		return http_error_from(req, err.code, &err, "model", "没有该评价模型");
	int year;
	long long limit = 50, offset = 0;
	const char *v;
	if (year_param(req, f, &year)) {
		eval_model_release(&m);
		return req->status;
	}
	/* indicators=0 leaves each row's indicators out, and then a page may hold the whole run
	 * (the page sorts, filters and pages it; a row's breakdown is asked for by position). */
	const char *iv = http_query(req, "indicators");
	int with_ind = !(iv && !strcmp(iv, "0"));
	long long max = with_ind ? 500 : 20000;
	if (((v = http_query(req, "limit")) &&
	     (cc_parse_int64(v, strlen(v), &limit) || limit < 1 || limit > max)) ||
	    ((v = http_query(req, "cursor")) && *v &&
	     (cc_parse_int64(v, strlen(v), &offset) || offset < 0))) {
		eval_model_release(&m);
		return http_error(req, 400, "invalid", "limit", "分页参数无效",
				  "limit must be 1 to 500 (20000 with indicators=0) and cursor a "
				  "position");
	}
	if (eval_model_run(&m, f, year, &run, &err)) {
		eval_model_release(&m);
		return http_error(req, 500, "internal", NULL, "模型运行失败", "%s", err.msg);
	}
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	json_t *weights = json_object();
	for (int j = 0; j < m.nind; j++)
		json_object_set_new(weights, m.ind[j].id, cc_json_num(run.weights[j]));
	json_t *items = json_array();
	for (long long p = offset; p < run.n && p < offset + limit; p++) {
		int i = run.ent[p];
		json_t *inds = json_array();
		for (int j = 0; with_ind && j < m.nind; j++) {
			double x = run.x[(size_t)p * (size_t)m.nind + (size_t)j];
			double nv = run.norm[(size_t)p * (size_t)m.nind + (size_t)j];
			json_array_append_new(
				inds, json_pack("{s:s, s:o, s:o, s:o}", "id", m.ind[j].id, "value",
						cc_json_num(x), "normalized", cc_json_num(nv),
						"contribution", cc_json_num(run.weights[j] * nv)));
		}
		json_array_append_new(
			items,
			json_pack("{s:I, s:i, s:s, s:s, s:o, s:s?, s:b, s:s?, s:o, s:o}",
				  "position", (json_int_t)p, "rank", run.rank[p], "uscc",
				  f->uscc[i], "name", f->name[i], "score",
				  cc_json_num(run.score[p]), "tier",
				  run.tier[p] >= 0 ? m.tiers[run.tier[p]].id : NULL,
				  "near_candidate", run.near[p], "chain",
				  run.chain[p] >= 0 && cat ? cat->chains[run.chain[p]].id : NULL,
				  "chain_rank",
				  run.chain_rank[p] > 0 ? json_integer(run.chain_rank[p])
							: json_null(),
				  "indicators", inds));
	}
	json_t *next = json_null();
	if (offset + limit < run.n) {
		char cbuf[32];
		snprintf(cbuf, sizeof cbuf, "%lld", offset + limit);
		next = json_string(cbuf);
	}
	/* screened ⊇ evaluated (= total, what the pages count) ⊇ selected (in a tier). */
	json_t *out = json_pack("{s:s, s:i, s:i, s:i, s:i, s:i, s:o, s:o, s:o, s:i}", "model", m.id,
				"year", run.year, "screened", run.screened, "evaluated", run.n,
				"met", run.met, "selected", run.tiered, "weights", weights, "items",
				items, "next_cursor", next, "total", run.n);
	eval_model_run_release(&run);
	eval_model_release(&m);
	return http_json(req, 200, out);
}
