/*
 * The monthly chain brief (产业链运行监测简报, issue 14 item 7): for one chain or all, the key
 * figures of the year (chain_analyse), this month's output against last month's, the gaps and
 * their 招商 targets, and the resilience figures of the supply network (risk/). One JSON
 * document that the brief page prints and `chain brief` and GET /api/v1/brief return.
 *
 * "Last month" is computed from the enterprises' monthly indicators (FORMATS.md: monthly rows
 * hold that month alone): this month is the latest month with output data (or the one asked),
 * last month the one before it, and a chain's change compares the same firms — members in
 * scope that reported output in both months — so a firm that did not report one month does not
 * read as a fall. New enterprises are the registry records created during the month. The
 * document says so itself ("basis").
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/json.h"
#include "chain/chain.h"
#include "domain/codes.h"
#include "domain/metric.h"
#include "risk/risk.h"

#define BRIEF_TARGETS 3 /* targets per gap node */
#define BRIEF_SPOF    5 /* single points of failure listed per chain */

/* Month sums over members in scope with output in both months. */
struct month_sum {
	double cur, prev, year_ago; /* year_ago: the same firms, twelve months earlier */
	int firms, year_firms;
};

struct brief_ctx {
	const struct cc_frame *f;
	const struct cc_catalogue *cat;
	const struct risk_net *net;
	const struct chain_rules *rules;
	const struct chain_brief_opts *o;
	int year, k; /* annual year; month index into f->monthly (k - 1 is last month) */
	int *stamp;  /* per enterprise: the last pass that counted it */
	int pass;
	struct risk_dom_work *dom;
};

static double monthly(const struct cc_frame *f, int k, int i)
{
	const double *col = f->monthly[CC_M_OUTPUT_VALUE];
	if (!col || k < 0 || k >= f->nmonths)
		return NAN;
	return col[(size_t)k * (size_t)f->n + (size_t)i];
}

/* Adds the members of node NODE (global index) in scope to S, each firm once per pass. */
static void add_node(struct brief_ctx *c, int node, struct month_sum *s)
{
	const struct cc_frame *f = c->f;
	for (int p = f->node_start[node]; p < f->node_start[node + 1]; p++) {
		int i = f->node_ent[p];
		if (c->stamp[i] == c->pass || !chain_scope_has(c->o->scope, f->region[i]))
			continue;
		c->stamp[i] = c->pass;
		double a = monthly(f, c->k, i), b = monthly(f, c->k - 1, i);
		if (!isnan(a) && !isnan(b)) {
			s->cur += a;
			s->prev += b;
			s->firms++;
		}
		double y = monthly(f, c->k - 12, i);
		if (!isnan(a) && !isnan(y)) {
			s->year_ago += y;
			s->year_firms++;
		}
	}
}

/* The month sums of node NODE's subtree (the node and the nodes below it). */
static struct month_sum subtree_sum(struct brief_ctx *c, int node, int last)
{
	struct month_sum s = {0};
	int depth = c->cat->nodes[node].depth;
	c->pass++;
	for (int j = node; j <= last && (j == node || c->cat->nodes[j].depth > depth); j++)
		if (j < c->f->nnodes)
			add_node(c, j, &s);
	return s;
}

static json_t *month_json(const struct month_sum *s)
{
	return json_pack("{s:o, s:o, s:o, s:i, s:o}", "output",
			 cc_json_num(s->firms ? s->cur : NAN), "previous",
			 cc_json_num(s->firms ? s->prev : NAN), "change",
			 cc_json_num(s->firms && s->prev > 0 ? s->cur / s->prev - 1 : NAN), "firms",
			 s->firms, "year_ago", cc_json_num(s->year_firms ? s->year_ago : NAN));
}

static json_t *names(const char *zh, const char *en)
{
	return json_pack("{s:s, s:s}", "zh", zh ? zh : "", "en", en ? en : "");
}

/* Registry records of the chain's members in scope created during month YYYYMM. */
static int new_firms(struct brief_ctx *c, const struct cc_chain *ch, int yyyymm)
{
	int n = 0;
	c->pass++;
	for (int k = ch->first_node; k < ch->first_node + ch->nnodes && k < c->f->nnodes; k++)
		for (int p = c->f->node_start[k]; p < c->f->node_start[k + 1]; p++) {
			int i = c->f->node_ent[p];
			if (c->stamp[i] == c->pass ||
			    !chain_scope_has(c->o->scope, c->f->region[i]))
				continue;
			c->stamp[i] = c->pass;
			n += c->f->created && c->f->created[i] / 100 == yyyymm;
		}
	return n;
}

static json_t *figures_json(const struct chain_summary *s)
{
	return json_pack("{s:i, s:o, s:o, s:o, s:o, s:o, s:i, s:i, s:i, s:i}", "enterprises",
			 s->enterprises, "output", cc_json_num(s->output), "yoy",
			 cc_json_num(s->yoy), "completeness", cc_json_num(s->completeness),
			 "local_coverage", cc_json_num(s->local_coverage), "output_hhi",
			 cc_json_num(s->output_hhi), "strong", s->strong, "adequate", s->adequate,
			 "weak", s->weak, "missing", s->missing);
}

/* The gaps of a chain, each with up to BRIEF_TARGETS targets when DETAIL. */
static int gaps_json(struct brief_ctx *c, const struct cc_chain *ch,
		     const struct chain_node_metrics *m, json_t *gaps, struct cc_error *err)
{
	struct chain_target t[BRIEF_TARGETS];
	for (int k = 0; k < ch->nnodes; k++) {
		if (m[k].cls != CHAIN_WEAK && m[k].cls != CHAIN_MISSING)
			continue;
		const struct cc_node *nd = &c->cat->nodes[m[k].node];
		json_t *g = json_pack("{s:s, s:o, s:s, s:s, s:o, s:i}", "node", nd->id, "name",
				      names(nd->name_zh, nd->name_en), "stage",
				      cc_stage_name(nd->stage), "class", chain_class_name(m[k].cls),
				      "reason", names(m[k].reason_zh, m[k].reason_en),
				      "enterprises", m[k].enterprises);
		json_t *tj = json_array();
		int n = c->o->detail ? chain_targets(c->f, nd->index, c->o->scope, c->year,
						     c->rules, t, BRIEF_TARGETS, err)
				     : 0;
		if (n < 0) {
			json_decref(g);
			json_decref(tj);
			return n;
		}
		for (int i = 0; i < n; i++) {
			char region[160];
			cc_region_fullname(t[i].region, region, sizeof region);
			json_array_append_new(
				tj,
				json_pack("{s:s, s:s?, s:s, s:s, s:o, s:o, s:i, s:o}", "uscc",
					  t[i].uscc, "name",
					  t[i].ent >= 0 ? c->f->name[t[i].ent] : NULL,
					  "region_name", region, "kind",
					  t[i].kind == CHAIN_TARGET_SUPPLIER ? "supplier" : "maker",
					  "score", cc_json_num(t[i].score), "value_to_local",
					  cc_json_num(t[i].value_to_local), "local_buyers",
					  t[i].local_buyers, "reason",
					  names(t[i].reason_zh, t[i].reason_en)));
		}
		json_object_set_new(g, "targets", tj);
		json_array_append_new(gaps, g);
	}
	return 0;
}

/* Concentration totals and, when DETAIL, the top single points of failure. */
static json_t *resilience_json(struct brief_ctx *c, const struct cc_chain *ch, struct cc_error *err)
{
	if (!c->net)
		return json_null();
	struct risk_conc *nodes = calloc((size_t)ch->nnodes, sizeof *nodes), total;
	struct risk_spof_result sp = {0};
	json_t *out = NULL;
	if (!nodes || risk_concentration(c->net, ch->index, c->o->scope, nodes, &total, err) ||
	    risk_spof(c->net, ch->index, c->dom, &sp, err))
		goto out;
	out = json_pack("{s:i, s:i, s:i, s:o, s:o, s:o, s:i, s:i}", "inputs", total.inputs,
			"single", total.single, "concentrated", total.concentrated, "sourcing_hhi",
			cc_json_num(total.sourcing_hhi), "market_hhi",
			cc_json_num(total.market_hhi), "outside_share",
			cc_json_num(total.outside_share), "spof_count", sp.n, "final_producers",
			sp.nfinal);
	json_t *top = json_array();
	for (int k = 0; c->o->detail && k < sp.n && k < BRIEF_SPOF; k++) {
		int v = sp.items[k].node;
		int reg = v < c->net->nent && v < c->f->n;
		char rn[160];
		cc_region_fullname(c->net->region[v], rn, sizeof rn);
		json_array_append_new(
			top, json_pack("{s:s, s:s?, s:s, s:i, s:o, s:o}", "uscc", c->net->uscc[v],
				       "name", reg ? c->f->name[v] : NULL, "region_name", rn,
				       "dominated", sp.items[k].dominated, "value_at_risk",
				       cc_json_num(sp.items[k].value), "downstream_loss",
				       cc_json_num(sp.items[k].downstream)));
	}
	json_object_set_new(out, "spof", top);
out:
	free(nodes);
	risk_spof_release(&sp);
	return out;
}

/* One chain's part of the brief. */
static json_t *chain_json(struct brief_ctx *c, const struct cc_chain *ch, struct cc_error *err)
{
	struct chain_node_metrics *m = malloc(sizeof *m * (size_t)ch->nnodes);
	struct chain_summary s;
	json_t *o = NULL, *nodes = json_array(), *gaps = json_array();
	if (!m) {
		cc_error_set(err, CC_ENOMEM, "out of memory");
		goto fail;
	}
	if (chain_analyse(c->f, ch->index, c->o->scope, c->year, c->rules, m, &s, err) ||
	    gaps_json(c, ch, m, gaps, err))
		goto fail;
	int last = ch->first_node + ch->nnodes - 1;
	struct month_sum total = {0};
	c->pass++;
	for (int k = ch->first_node; k <= last && k < c->f->nnodes; k++)
		add_node(c, k, &total);
	for (int k = 0; c->o->detail && k < ch->nnodes; k++) {
		const struct cc_node *nd = &c->cat->nodes[m[k].node];
		struct month_sum ns = subtree_sum(c, nd->index, last);
		json_array_append_new(
			nodes,
			json_pack("{s:s, s:o, s:s, s:i, s:s, s:i, s:o, s:o, s:o}", "node", nd->id,
				  "name", names(nd->name_zh, nd->name_en), "stage",
				  cc_stage_name(nd->stage), "depth", nd->depth, "class",
				  chain_class_name(m[k].cls), "enterprises", m[k].enterprises,
				  "output", cc_json_num(m[k].output), "output_share",
				  cc_json_num(m[k].output_share), "month", month_json(&ns)));
	}
	int ym = (c->f->month0 + c->k) / 12 * 100 + (c->f->month0 + c->k) % 12 + 1;
	json_t *res = resilience_json(c, ch, err);
	if (!res)
		goto fail;
	o = json_pack("{s:s, s:o, s:s, s:o, s:o, s:i, s:o, s:o, s:o}", "id", ch->id, "name",
		      names(ch->name_zh, ch->name_en), "status", ch->status ? ch->status : "",
		      "figures", figures_json(&s), "month", month_json(&total), "new_enterprises",
		      new_firms(c, ch, ym), "gaps", gaps, "nodes", nodes, "resilience", res);
	free(m);
	return o;
fail:
	free(m);
	json_decref(nodes);
	json_decref(gaps);
	return NULL;
}

/* The index of the latest month with any output data, or -1. */
static int latest_month(const struct cc_frame *f)
{
	for (int k = f->nmonths - 1; k >= 0 && f->monthly[CC_M_OUTPUT_VALUE]; k--)
		for (int i = 0; i < f->n; i++)
			if (!isnan(monthly(f, k, i)))
				return k;
	return -1;
}

static void month_text(const struct cc_frame *f, int k, char *out, size_t n)
{
	int m = f->month0 + k;
	snprintf(out, n, "%04d-%02d", m / 12, m % 12 + 1);
}

static json_t *basis_json(const struct brief_ctx *c, const char *cur, const char *prev)
{
	char zh[1024], en[1024];
	snprintf(zh, sizeof zh,
		 "“较上月”按企业月度指标计算：本月为 %s（%s），上月为 %s；比较的是两个月都报送了"
		 "工业总产值的同一批链上企业（范围：%s），未报送的企业不计为下降。“同比”为这批企业"
		 "去年同月的产值。关键指标、短板和招商目标按 %d 年年度数据计算；新入库企业按企业库"
		 "的建档日期统计；韧性指标来自平台的供应关系数据。",
		 cur, c->o->month ? "所选月份" : "数据中最新的月份", prev, c->o->scope->name_zh,
		 c->year);
	snprintf(
		en, sizeof en,
		"\"Since last month\" is computed from the enterprises' monthly indicators: this "
		"month is %s (%s), last month %s; the change compares the same member firms (scope: "
		"%s) that reported output in both months, so a firm that did not report is not read "
		"as a fall. \"Year on year\" is the same firms' output in that month a year earlier. "
		"Key figures, gaps and targets use the annual data of %d; new enterprises count the "
		"registry records created in the month; resilience comes from the platform's "
		"supply data.",
		cur, c->o->month ? "the month asked" : "the latest month in the data", prev,
		c->o->scope->name_en, c->year);
	return names(zh, en);
}

int chain_brief(const struct cc_frame *f, const struct risk_net *net,
		const struct chain_rules *rules, const struct chain_brief_opts *o, json_t **out,
		struct cc_error *err)
{
	const struct cc_catalogue *cat = cc_catalogue_get(err);
	struct brief_ctx c = {.f = f, .cat = cat, .net = net, .rules = rules, .o = o};
	json_t *chains = NULL;
	*out = NULL;
	if (!cat)
		return CC_EINVAL;
	c.year = o->year ? o->year : cc_frame_latest_year(f);
	c.k = o->month ? (o->month / 100 * 12 + o->month % 100 - 1) - f->month0 : latest_month(f);
	if (c.k < 1 || c.k >= f->nmonths || !f->monthly[CC_M_OUTPUT_VALUE]) {
		if (o->month)
			return cc_error_set(err, CC_EINVAL,
					    "no monthly data for %04d-%02d and the month before",
					    o->month / 100, o->month % 100);
		return cc_error_set(err, CC_EINVAL,
				    "no monthly data (two months of output are needed)");
	}
	c.stamp = calloc((size_t)(f->n ? f->n : 1), sizeof *c.stamp);
	c.dom = net ? risk_dom_work_new(net->n) : NULL;
	int rc = c.stamp && (!net || c.dom) ? 0 : cc_error_set(err, CC_ENOMEM, "out of memory");
	chains = json_array();
	for (int i = 0; rc == 0 && i < cat->nchains; i++) {
		if (o->chains && !o->chains[i])
			continue;
		json_t *cj = chain_json(&c, &cat->chains[i], err);
		if (!cj)
			rc = err->code ? err->code : CC_ENOMEM;
		else
			json_array_append_new(chains, cj);
	}
	if (rc == 0) {
		char cur[16], prev[16];
		month_text(f, c.k, cur, sizeof cur);
		month_text(f, c.k - 1, prev, sizeof prev);
		*out = json_pack("{s:o, s:o, s:i, s:s, s:s, s:o, s:b, s:o}", "title",
				 names("产业链运行监测简报", "Chain monitoring brief"), "scope",
				 names(o->scope->name_zh, o->scope->name_en), "year", c.year,
				 "month", cur, "previous_month", prev, "basis",
				 basis_json(&c, cur, prev), "detail", o->detail, "chains", chains);
		chains = NULL;
		if (!*out)
			rc = cc_error_set(err, CC_ENOMEM, "out of memory");
	}
	json_decref(chains);
	free(c.stamp);
	risk_dom_work_free(c.dom);
	return rc;
}
