/*
 * Chain maps: node metrics, link classification, investment targets and chain extension
 * (see chain.h). Everything is a pass over the frame's arrays; nothing here touches SQL.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "base/builtin.h"
#include "domain/codes.h"
#include "domain/metric.h"
#include "chain/chain.h"

const char *chain_class_name(int cls)
{
	static const char *const n[] = {"missing", "weak", "adequate", "strong"};
	return (cls >= 0 && cls < 4) ? n[cls] : "unknown";
}

const char *chain_class_zh(int cls)
{
	static const char *const n[] = {"缺失", "薄弱", "一般", "优势"};
	return (cls >= 0 && cls < 4) ? n[cls] : "未知";
}

/* ---- rules ---- */

static json_t *rules_json;
static struct chain_rules rules_shared;
static int rules_rc;
static struct cc_error rules_err;
static pthread_once_t rules_once = PTHREAD_ONCE_INIT;

static int parse_clauses(json_t *arr, struct chain_clause *out, int max, struct cc_error *err)
{
	int n = 0;
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *c = json_array_get(arr, i);
		const char *m = json_string_value(json_object_get(c, "metric"));
		const char *op = json_string_value(json_object_get(c, "op"));
		json_t *v = json_object_get(c, "value");
		if (!m || !op || !json_is_number(v) || n >= max)
			return cc_error_set(
				err, CC_EINVAL,
				"chain_rules.json: clause %zu needs metric, op and a number",
				i + 1);
		if (strcmp(m, "enterprises") && strcmp(m, "output_share") &&
		    strcmp(m, "local_coverage") && strcmp(m, "masters_core") && strcmp(m, "yoy") &&
		    strcmp(m, "rd_intensity"))
			return cc_error_set(err, CC_EINVAL, "chain_rules.json: unknown metric '%s'",
					    m);
		if (strcmp(op, "<") && strcmp(op, "<=") && strcmp(op, ">") && strcmp(op, ">="))
			return cc_error_set(err, CC_EINVAL,
					    "chain_rules.json: unknown operator '%s'", op);
		snprintf(out[n].metric, sizeof out[n].metric, "%s", m);
		snprintf(out[n].op, sizeof out[n].op, "%s", op);
		out[n].value = json_number_value(v);
		n++;
	}
	return n;
}

int chain_rules_parse(const char *text, struct chain_rules *r, struct cc_error *err)
{
	json_error_t je;
	json_t *j = json_loads(text, 0, &je);
	memset(r, 0, sizeof *r);
	if (!j)
		return cc_error_set(err, CC_EPARSE, "chain_rules.json line %d: %s", je.line,
				    je.text);
	json_t *cls = json_object_get(j, "classification");
	int n = parse_clauses(json_object_get(json_object_get(cls, "weak"), "any"), r->weak, 8,
			      err);
	if (n < 0)
		goto bad;
	r->nweak = n;
	n = parse_clauses(json_object_get(json_object_get(cls, "strong"), "all"), r->strong, 8,
			  err);
	if (n < 0)
		goto bad;
	r->nstrong = n;
	json_t *w = json_object_get(json_object_get(j, "targets"), "weights");
	r->w_value = json_number_value(json_object_get(w, "value_to_local"));
	r->w_size = json_number_value(json_object_get(w, "size"));
	r->w_growth = json_number_value(json_object_get(w, "growth"));
	r->w_certs = json_number_value(json_object_get(w, "certificates"));
	r->per_node =
		(int)json_integer_value(json_object_get(json_object_get(j, "targets"), "per_node"));
	if (r->per_node <= 0)
		r->per_node = 20;
	json_t *st = json_object_get(json_object_get(j, "extension"), "stages");
	for (size_t i = 0; i < json_array_size(st); i++) {
		const char *s = json_string_value(json_array_get(st, i));
		for (int k = 0; k < 3; k++)
			if (s && strcmp(s, cc_stage_name(k)) == 0)
				r->extension_stages |= 1 << k;
	}
	json_decref(j);
	return 0;
bad:
	json_decref(j);
	return n;
}

static void rules_load(void)
{
	char *text = NULL;
	size_t len;
	rules_rc = cc_data_read("chain_rules.json", &text, &len);
	if (rules_rc) {
		cc_error_set(&rules_err, rules_rc, "cannot read data file 'chain_rules.json'");
		return;
	}
	rules_rc = chain_rules_parse(text, &rules_shared, &rules_err);
	if (rules_rc == 0)
		rules_json = json_loads(text, 0, NULL);
	free(text);
}

const struct chain_rules *chain_rules_get(struct cc_error *err)
{
	pthread_once(&rules_once, rules_load);
	if (rules_rc) {
		if (err)
			*err = rules_err;
		return NULL;
	}
	return &rules_shared;
}

/* ---- scopes ---- */

int chain_scope_parse(const char *s, struct chain_scope *scope, struct cc_error *err)
{
	memset(scope, 0, sizeof *scope);
	if (!chain_rules_get(err))
		return err ? err->code : CC_EINVAL;
	json_t *scopes = json_object_get(rules_json, "scopes");
	if (!s || !*s)
		s = json_string_value(json_object_get(rules_json, "default_scope"));
	json_t *named = s ? json_object_get(scopes, s) : NULL;
	if (named) {
		json_t *codes = json_object_get(named, "regions");
		for (size_t i = 0; i < json_array_size(codes) && scope->n < CHAIN_MAX_SCOPE; i++)
			scope->codes[scope->n++] =
				(int)json_integer_value(json_array_get(codes, i));
		snprintf(scope->name_zh, sizeof scope->name_zh, "%s",
			 json_string_value(json_object_get(named, "name_zh")));
		snprintf(scope->name_en, sizeof scope->name_en, "%s",
			 json_string_value(json_object_get(named, "name_en")));
		return 0;
	}
	/* A list of region codes. */
	char buf[1024];
	size_t used_zh = 0, used_en = 0;
	int all_en = 1; /* every region has an English name (data/regions.en.csv) */
	snprintf(buf, sizeof buf, "%s", s);
	for (char *p = buf; *p;) {
		char *c = strchr(p, ',');
		if (c)
			*c = '\0';
		char *end;
		long code = strtol(p, &end, 10);
		const struct cc_region *r =
			(*end == '\0' && end != p) ? cc_region_find((int)code) : NULL;
		if (!r)
			return cc_error_set(
				err, CC_EINVAL,
				"unknown scope '%s' (chongqing, chengdu, both, or region codes "
				"such as 500112,500107)",
				p);
		if (scope->n == CHAIN_MAX_SCOPE)
			return cc_error_set(err, CC_EINVAL, "at most %d regions in a scope",
					    CHAIN_MAX_SCOPE);
		scope->codes[scope->n++] = (int)code;
		int w = snprintf(scope->name_zh + used_zh, sizeof scope->name_zh - used_zh, "%s%s",
				 used_zh ? "、" : "", r->name);
		if (w > 0 && (size_t)w < sizeof scope->name_zh - used_zh)
			used_zh += (size_t)w;
		all_en = all_en && r->name_en;
		w = snprintf(scope->name_en + used_en, sizeof scope->name_en - used_en, "%s%s",
			     used_en ? ", " : "", r->name_en ? r->name_en : "");
		if (w > 0 && (size_t)w < sizeof scope->name_en - used_en)
			used_en += (size_t)w;
		if (!c)
			break;
		p = c + 1;
	}
	if (!scope->n)
		return cc_error_set(err, CC_EINVAL, "empty scope");
	if (!all_en)
		snprintf(scope->name_en, sizeof scope->name_en, "regions %s", s);
	return 0;
}

int chain_scope_has(const struct chain_scope *scope, int region)
{
	for (int i = 0; i < scope->n; i++)
		if (cc_region_within(region, scope->codes[i]))
			return 1;
	return 0;
}

/* ---- node metrics ---- */

static double col(const struct cc_frame *f, int m, int year, int i)
{
	const double *c = cc_frame_annual(f, m, year);
	return c ? c[i] : NAN;
}

static double add(double acc, double v)
{
	return isnan(v) ? acc : acc + v;
}

/* Whether node K lies in the subtree of ROOT (catalogue order: parents come first). */
static int in_subtree(const struct cc_catalogue *cat, int k, int root)
{
	while (k >= 0) {
		if (k == root)
			return 1;
		k = cat->nodes[k].parent;
	}
	return 0;
}

static double metric_of(const struct chain_node_metrics *m, const char *name)
{
	if (!strcmp(name, "enterprises"))
		return m->enterprises;
	if (!strcmp(name, "output_share"))
		return m->output_share;
	if (!strcmp(name, "local_coverage"))
		return m->local_coverage;
	if (!strcmp(name, "masters_core"))
		return m->masters + m->core;
	if (!strcmp(name, "yoy"))
		return m->yoy;
	if (!strcmp(name, "rd_intensity"))
		return m->rd_intensity;
	return NAN;
}

static int holds(double v, const struct chain_clause *c)
{
	if (!strcmp(c->op, "<"))
		return v < c->value;
	if (!strcmp(c->op, "<="))
		return v <= c->value;
	if (!strcmp(c->op, ">"))
		return v > c->value;
	return v >= c->value;
}

/* Writes one clause as people read it: "3 enterprises", "4.1% of chain output" ... */
static void describe(const struct chain_node_metrics *m, const char *metric, const char *scope_zh,
		     const char *scope_en, char *zh, size_t nzh, char *en, size_t nen)
{
	if (!strcmp(metric, "enterprises")) {
		snprintf(zh, nzh, "%d 家企业", m->enterprises);
		snprintf(en, nen, "%d enterprise%s", m->enterprises,
			 m->enterprises == 1 ? "" : "s");
	} else if (!strcmp(metric, "output_share")) {
		snprintf(zh, nzh, "产值占全链 %.1f%%", m->output_share * 100);
		snprintf(en, nen, "%.1f%% of chain output", m->output_share * 100);
	} else if (!strcmp(metric, "local_coverage")) {
		snprintf(zh, nzh, "%.0f%% 的采购来自%s以外", (1 - m->local_coverage) * 100,
			 scope_zh);
		snprintf(en, nen, "%.0f%% of purchases come from outside %s",
			 (1 - m->local_coverage) * 100, scope_en);
	} else if (!strcmp(metric, "masters_core")) {
		snprintf(zh, nzh, "链主和骨干企业 %d 家", m->masters + m->core);
		snprintf(en, nen, "%d master or core enterprise%s", m->masters + m->core,
			 m->masters + m->core == 1 ? "" : "s");
	} else if (!strcmp(metric, "yoy")) {
		snprintf(zh, nzh, "产值同比 %+.1f%%", m->yoy * 100);
		snprintf(en, nen, "output %+.1f%% year on year", m->yoy * 100);
	} else {
		snprintf(zh, nzh, "研发投入强度 %.1f%%", m->rd_intensity * 100);
		snprintf(en, nen, "R&D intensity %.1f%%", m->rd_intensity * 100);
	}
}

static void append(char *dst, size_t n, const char *sep, const char *s)
{
	size_t used = strlen(dst);
	snprintf(dst + used, n - used, "%s%s", used ? sep : "", s);
}

/* A rule clause in words: "fewer than 3 enterprises", "output share below 1.0%" ... */
static void threshold_text(const struct chain_clause *c, char *zh, size_t nzh, char *en, size_t nen)
{
	int below = c->op[0] == '<';
	const char *m = c->metric;
	if (!strcmp(m, "enterprises")) {
		snprintf(zh, nzh, "企业%s %g 家", below ? "少于" : "不少于", c->value);
		snprintf(en, nen, "%s %g enterprises", below ? "fewer than" : "at least", c->value);
	} else if (!strcmp(m, "output_share")) {
		snprintf(zh, nzh, "产值占比%s %.1f%%", below ? "低于" : "不低于", c->value * 100);
		snprintf(en, nen, "output share %s %.1f%%", below ? "below" : "at least",
			 c->value * 100);
	} else if (!strcmp(m, "local_coverage")) {
		snprintf(zh, nzh, "本地配套率%s %.0f%%", below ? "低于" : "不低于", c->value * 100);
		snprintf(en, nen, "local supply coverage %s %.0f%%", below ? "below" : "at least",
			 c->value * 100);
	} else if (!strcmp(m, "masters_core")) {
		snprintf(zh, nzh, "链主和骨干企业%s %g 家", below ? "少于" : "不少于", c->value);
		snprintf(en, nen, "%s %g master or core enterprises",
			 below ? "fewer than" : "at least", c->value);
	} else if (!strcmp(m, "yoy")) {
		snprintf(zh, nzh, "产值增速%s %.1f%%", below ? "低于" : "不低于", c->value * 100);
		snprintf(en, nen, "output growth %s %.1f%%", below ? "below" : "at least",
			 c->value * 100);
	} else {
		snprintf(zh, nzh, "研发投入强度%s %.1f%%", below ? "低于" : "不低于",
			 c->value * 100);
		snprintf(en, nen, "R&D intensity %s %.1f%%", below ? "below" : "at least",
			 c->value * 100);
	}
}

static void classify(struct chain_node_metrics *m, const struct chain_rules *r,
		     const struct chain_scope *scope)
{
	char zh[160], en[160];
	m->reason_zh[0] = m->reason_en[0] = '\0';
	/* The facts shown in every reason, whatever the class. */
	describe(m, "enterprises", scope->name_zh, scope->name_en, zh, sizeof zh, en, sizeof en);
	append(m->reason_zh, sizeof m->reason_zh, "，", zh);
	append(m->reason_en, sizeof m->reason_en, ", ", en);
	if (m->enterprises == 0) {
		m->cls = CHAIN_MISSING;
		append(m->reason_zh, sizeof m->reason_zh, "，", "本地区没有该环节的企业");
		append(m->reason_en, sizeof m->reason_en, ", ", "no maker in the scope");
		if (!isnan(m->local_coverage)) {
			describe(m, "local_coverage", scope->name_zh, scope->name_en, zh, sizeof zh,
				 en, sizeof en);
			append(m->reason_zh, sizeof m->reason_zh, "，", zh);
			append(m->reason_en, sizeof m->reason_en, ", ", en);
		}
		return;
	}
	describe(m, "output_share", scope->name_zh, scope->name_en, zh, sizeof zh, en, sizeof en);
	append(m->reason_zh, sizeof m->reason_zh, "，", zh);
	append(m->reason_en, sizeof m->reason_en, ", ", en);
	if (!isnan(m->local_coverage)) {
		describe(m, "local_coverage", scope->name_zh, scope->name_en, zh, sizeof zh, en,
			 sizeof en);
		append(m->reason_zh, sizeof m->reason_zh, "，", zh);
		append(m->reason_en, sizeof m->reason_en, ", ", en);
	}
	char why_zh[400] = "", why_en[400] = "";
	for (int k = 0; k < r->nweak; k++) {
		double v = metric_of(m, r->weak[k].metric);
		if (isnan(v) || !holds(v, &r->weak[k]))
			continue;
		char c_zh[160], c_en[160];
		threshold_text(&r->weak[k], c_zh, sizeof c_zh, c_en, sizeof c_en);
		append(why_zh, sizeof why_zh, "；", c_zh);
		append(why_en, sizeof why_en, "; ", c_en);
	}
	if (why_zh[0]) {
		m->cls = CHAIN_WEAK;
		char t[420];
		snprintf(t, sizeof t, "薄弱：%s", why_zh);
		append(m->reason_zh, sizeof m->reason_zh, "。", t);
		snprintf(t, sizeof t, "weak: %s", why_en);
		append(m->reason_en, sizeof m->reason_en, ". ", t);
		return;
	}
	int strong = r->nstrong > 0;
	for (int k = 0; k < r->nstrong; k++) {
		double v = metric_of(m, r->strong[k].metric);
		if (!isnan(v) && !holds(v, &r->strong[k]))
			strong = 0;
	}
	m->cls = strong ? CHAIN_STRONG : CHAIN_ADEQUATE;
	/* Strong: every rule met. Adequate: name the strong-link rules not met. */
	char miss_zh[400] = "", miss_en[400] = "";
	for (int k = 0; !strong && k < r->nstrong; k++) {
		double v = metric_of(m, r->strong[k].metric);
		if (isnan(v) || holds(v, &r->strong[k]))
			continue;
		char c_zh[160], c_en[160];
		threshold_text(&r->strong[k], c_zh, sizeof c_zh, c_en, sizeof c_en);
		append(miss_zh, sizeof miss_zh, "、", c_zh);
		append(miss_en, sizeof miss_en, ", ", c_en);
	}
	char t[520];
	if (strong) {
		append(m->reason_zh, sizeof m->reason_zh, "。", "优势：满足全部优势条件");
		append(m->reason_en, sizeof m->reason_en, ". ",
		       "strong: meets every strong-link rule");
	} else {
		snprintf(t, sizeof t, "一般：未达到优势条件（%s）", miss_zh);
		append(m->reason_zh, sizeof m->reason_zh, "。", t);
		snprintf(t, sizeof t, "adequate: short of the strong-link rules (%s)", miss_en);
		append(m->reason_en, sizeof m->reason_en, ". ", t);
	}
}

/* One chain being analysed: the frame, the scope, the year, and a stamp per enterprise that
 * says which node (or the chain, -1) last counted it. */
struct analysis {
	const struct cc_frame *f;
	const struct cc_catalogue *cat;
	const struct chain_scope *scope;
	int chain, first, nn, year;
	int *stamp;
};

/* Enterprise I's best role on the chain (0 master, 1 core, 2 member). */
static int chain_role(const struct analysis *a, int i)
{
	const struct cc_frame *f = a->f;
	int best = 2;
	for (int q = f->member_start[i]; q < f->member_start[i + 1]; q++)
		if (a->cat->nodes[f->member_node[q]].chain == a->chain && f->member_role[q] < best)
			best = f->member_role[q];
	return best;
}

/*
 * Node K's member metrics (M, zeroed here): the enterprises in scope on its subtree, their
 * roles and certificates, output and its growth (over enterprises known in both years), and
 * R&D intensity.
 */
static void node_members(struct analysis *a, int k, struct chain_node_metrics *m)
{
	const struct cc_frame *f = a->f;
	int first = a->first, year = a->year;
	memset(m, 0, sizeof *m);
	m->node = first + k;
	m->yoy = m->cagr3 = m->rd_intensity = m->local_coverage = NAN;
	double rd = 0, rev = 0, now1 = 0, now3 = 0;
	/* Members of the subtree (catalogue order does not make subtrees contiguous, so every
	 * later node of the chain is tested). */
	for (int j = k; j < a->nn; j++) {
		int node = first + j;
		if (!in_subtree(a->cat, node, first + k))
			continue;
		for (int p = f->node_start[node]; p < f->node_start[node + 1]; p++) {
			int i = f->node_ent[p];
			if (a->stamp[i] == first + k + 1 ||
			    !chain_scope_has(a->scope, f->region[i]))
				continue;
			a->stamp[i] = first + k + 1;
			m->enterprises++;
			/* The role at this chain: the best one the enterprise holds here. */
			int best = chain_role(a, i);
			m->masters += best == 0;
			m->core += best == 1;
			m->hightech += (f->certs[i] & CC_CERT_HIGHTECH) != 0;
			m->srdi += (f->certs[i] & (CC_CERT_SRDI | CC_CERT_SRDI_GIANT)) != 0;
			double o = col(f, CC_M_OUTPUT_VALUE, year, i);
			double o1 = col(f, CC_M_OUTPUT_VALUE, year - 1, i);
			double o3 = col(f, CC_M_OUTPUT_VALUE, year - 3, i);
			m->output = add(m->output, o);
			/* Growth compares the same enterprises: those known in both years. */
			if (!isnan(o) && !isnan(o1)) {
				m->output_prev += o1;
				now1 += o;
			}
			if (!isnan(o) && !isnan(o3)) {
				m->output_3y += o3;
				now3 += o;
			}
			double r = col(f, CC_M_REVENUE, year, i),
			       d = col(f, CC_M_RD_EXPENSE, year, i);
			if (!isnan(r) && !isnan(d)) {
				rev += r;
				rd += d;
			}
		}
	}
	if (m->output_prev > 0)
		m->yoy = now1 / m->output_prev - 1;
	if (m->output_3y > 0 && now3 > 0)
		m->cagr3 = pow(now3 / m->output_3y, 1.0 / 3) - 1;
	m->rd_intensity = rev > 0 ? rd / rev : NAN;
}

/* Chain totals over distinct members in scope (a stamp no node uses): SUM's enterprises,
 * output and growth, and ENT_OUT (NENTS) the positive outputs for the HHI. */
static void chain_totals(struct analysis *a, double *ent_out, int *nents, struct chain_summary *sum)
{
	const struct cc_frame *f = a->f;
	int distinct = 0;
	double output = 0, grow_now = 0, grow_prev = 0;
	const double *o_now = cc_frame_annual(f, CC_M_OUTPUT_VALUE, a->year);
	const double *o_prev = cc_frame_annual(f, CC_M_OUTPUT_VALUE, a->year - 1);
	*nents = 0;
	for (int node = a->first; node < a->first + a->nn; node++)
		for (int p = f->node_start[node]; p < f->node_start[node + 1]; p++) {
			int i = f->node_ent[p];
			if (a->stamp[i] == -1 || !chain_scope_has(a->scope, f->region[i]))
				continue;
			a->stamp[i] = -1;
			distinct++;
			double o = o_now ? o_now[i] : NAN, o1 = o_prev ? o_prev[i] : NAN;
			if (!isnan(o) && o > 0) {
				ent_out[(*nents)++] = o;
				output += o;
			}
			if (!isnan(o) && !isnan(o1)) {
				grow_now += o;
				grow_prev += o1;
			}
		}
	sum->enterprises = distinct;
	sum->output = output;
	sum->yoy = grow_prev > 0 ? grow_now / grow_prev - 1 : NAN;
}

/* Purchases at each node (and its ancestors) by buyers in scope, split by the supplier's
 * place: in scope into PIN, outside into POUT (NN each, zeroed). */
static void node_purchases(const struct analysis *a, double *pin, double *pout)
{
	const struct cc_frame *f = a->f;
	int first = a->first;
	for (int node = first; node < first + a->nn; node++)
		for (int e = f->node_edge_start[node]; e < f->node_edge_start[node + 1]; e++) {
			double v = cc_frame_edge_value(f, e);
			if (isnan(v))
				continue;
			if (!chain_scope_has(a->scope, f->region[f->edge_buyer[e]]))
				continue;
			int s = f->edge_supplier[e];
			int sreg = s >= 0 ? f->region[s] : f->outside_region[-s - 1];
			double *into = chain_scope_has(a->scope, sreg) ? pin : pout;
			/* Credit the node and each of its ancestors. */
			for (int k = node; k >= 0; k = a->cat->nodes[k].parent)
				into[k - first] += v;
		}
}

/*
 * Each node's purchases, coverage, output share and class (OUT), and the chain's summary
 * (SUM, its totals already set by chain_totals): leaves present, coverage at the roots, HHI
 * over ENT_OUT (NENTS) and the count of each class.
 */
static void classify_nodes(const struct analysis *a, const struct chain_rules *rules,
			   const double *pin, const double *pout, const double *ent_out, int nents,
			   struct chain_node_metrics *out, struct chain_summary *sum)
{
	int first = a->first, nn = a->nn, leaves = 0, present = 0;
	double tin = 0, tout = 0, chain_output = sum->output;
	for (int k = 0; k < nn; k++) {
		struct chain_node_metrics *m = &out[k];
		m->purchases_in = pin[k];
		m->purchases_out = pout[k];
		if (pin[k] + pout[k] > 0)
			m->local_coverage = pin[k] / (pin[k] + pout[k]);
		m->output_share = chain_output > 0 ? m->output / chain_output : 0;
		classify(m, rules, a->scope);
		int leaf = 1;
		for (int j = 0; j < nn; j++)
			if (a->cat->nodes[first + j].parent == first + k)
				leaf = 0;
		if (leaf) {
			leaves++;
			present += m->enterprises > 0;
		}
		if (a->cat->nodes[first + k].parent < 0) {
			tin += pin[k];
			tout += pout[k];
		}
	}
	sum->chain = a->chain;
	sum->nodes = nn;
	sum->leaves = leaves;
	sum->leaves_present = present;
	sum->completeness = leaves ? (double)present / leaves : 0;
	sum->local_coverage = tin + tout > 0 ? tin / (tin + tout) : NAN;
	double hhi = 0;
	for (int i = 0; i < nents; i++) {
		double s = ent_out[i] / chain_output * 100;
		hhi += s * s;
	}
	sum->output_hhi = nents ? hhi : NAN;
	for (int k = 0; k < nn; k++) {
		sum->strong += out[k].cls == CHAIN_STRONG;
		sum->adequate += out[k].cls == CHAIN_ADEQUATE;
		sum->weak += out[k].cls == CHAIN_WEAK;
		sum->missing += out[k].cls == CHAIN_MISSING;
	}
}

int chain_analyse(const struct cc_frame *f, int chain, const struct chain_scope *scope, int year,
		  const struct chain_rules *rules, struct chain_node_metrics *out,
		  struct chain_summary *sum, struct cc_error *err)
{
	return chain_analyse_known(f, chain, scope, year, rules, NULL, NULL, out, sum, err);
}

int chain_analyse_known(const struct cc_frame *f, int chain, const struct chain_scope *scope,
			int year, const struct chain_rules *rules, const double *pin_known,
			const double *pout_known, struct chain_node_metrics *out,
			struct chain_summary *sum, struct cc_error *err)
{
	struct analysis a = {.f = f, .scope = scope, .chain = chain};
	struct chain_summary own;
	double *ent_out = NULL, *pin = NULL, *pout = NULL;
	int rc = 0, nents = 0;
	a.cat = cc_catalogue_get(err);
	if (!a.cat)
		return CC_EINVAL;
	if (chain < 0 || chain >= a.cat->nchains)
		return cc_error_set(err, CC_ENOTFOUND, "no chain %d", chain);
	a.year = year ? year : cc_frame_latest_year(f);
	a.first = a.cat->chains[chain].first_node;
	a.nn = a.cat->chains[chain].nnodes;
	/* Per enterprise: in scope? (computed once for the frame's members of this chain) */
	a.stamp = calloc((size_t)f->n + 1, sizeof *a.stamp);
	ent_out = malloc(sizeof *ent_out * ((size_t)f->node_start[a.first + a.nn] -
					    (size_t)f->node_start[a.first] + 1));
	pin = calloc((size_t)a.nn, sizeof *pin);
	pout = calloc((size_t)a.nn, sizeof *pout);
	if (!a.stamp || !ent_out || !pin || !pout) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	for (int k = 0; k < a.nn; k++)
		node_members(&a, k, &out[k]);
	memset(&own, 0, sizeof own);
	chain_totals(&a, ent_out, &nents, &own);
	if (pin_known && pout_known) {
		memcpy(pin, pin_known, sizeof *pin * (size_t)a.nn);
		memcpy(pout, pout_known, sizeof *pout * (size_t)a.nn);
	} else {
		node_purchases(&a, pin, pout);
	}
	classify_nodes(&a, rules, pin, pout, ent_out, nents, out, &own);
	if (sum)
		*sum = own;
out:
	free(pin);
	free(pout);
	free(a.stamp);
	free(ent_out);
	return rc;
}

/* ---- targets ---- */

/* A small open-addressing map from a supplier key (frame index, or -(outside index + 1)) to a
 * candidate number + 1, sized for the node at hand rather than for the whole registry. */
struct keymap {
	int32_t *key;
	int *val;
	size_t cap;
};

static int keymap_init(struct keymap *m, size_t want)
{
	m->cap = 64;
	while (m->cap < want * 2)
		m->cap *= 2;
	m->key = malloc(sizeof *m->key * m->cap);
	m->val = calloc(m->cap, sizeof *m->val);
	return m->key && m->val ? 0 : CC_ENOMEM;
}

static int *keymap_slot(struct keymap *m, int32_t key)
{
	size_t h = ((uint32_t)key * 2654435761u) & (m->cap - 1);
	while (m->val[h] && m->key[h] != key)
		h = (h + 1) & (m->cap - 1);
	m->key[h] = key;
	return &m->val[h];
}

/* A candidate target while ranking: numbers only (the reason text is written for the few
 * that make the list). */
struct cand {
	int node, kind, ent, outside, region, local_buyers, certs;
	const char *uscc; /* 18 characters in the frame, not NUL-terminated for outside ones */
	double value_to_local, revenue, yoy, score;
};

/* Best first: higher score, then the credit code (a deterministic order for ties). */
static int cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return memcmp(x->uscc, y->uscc, 18);
}

/* Heap of candidates with the worst-ranked at the root. */
static void cand_sift(struct cand *h, int n, int i)
{
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && cmp_cand(&h[l], &h[m]) > 0)
			m = l;
		if (r < n && cmp_cand(&h[r], &h[m]) > 0)
			m = r;
		if (m == i)
			return;
		struct cand t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static int popcount8(unsigned v)
{
	int c = 0;
	for (; v; v >>= 1)
		c += v & 1;
	return c;
}

/*
 * Appends a candidate for supplier key S (frame index, or -(outside index + 1)) to *C (grown
 * as needed). Returns 1, or 0 when memory runs out (the list so far stays valid).
 */
static int cand_add(const struct cc_frame *f, struct cand **c, int *n, int *cap, int node, int kind,
		    int s, int year)
{
	if (*n == *cap) {
		struct cand *g = realloc(*c, sizeof **c * (size_t)(*cap * 2));
		if (!g)
			return 0;
		*c = g;
		*cap *= 2;
	}
	struct cand *t = &(*c)[*n];
	memset(t, 0, sizeof *t);
	t->node = node;
	t->kind = kind;
	t->ent = s >= 0 ? s : -1;
	t->outside = s >= 0 ? -1 : -s - 1;
	t->uscc = s >= 0 ? f->uscc[s] : f->outside_uscc[-s - 1];
	t->region = s >= 0 ? f->region[s] : f->outside_region[-s - 1];
	t->revenue = s >= 0 ? col(f, CC_M_REVENUE, year, s) : NAN;
	t->yoy = s >= 0 ? col(f, CC_M_REVENUE_YOY, year, s) : NAN;
	t->certs = s >= 0 ? popcount8(f->certs[s]) : 0;
	(*n)++;
	return 1;
}

/* The candidates of one chain_targets call, each once: KM maps a supplier key to 1 + its index. */
struct cands {
	struct cand *c;
	int n, cap;
	struct keymap km;
};

static void cands_release(struct cands *cs)
{
	free(cs->c);
	free(cs->km.key);
	free(cs->km.val);
}

/* Room for the candidates of NODE's subtree: at most one per edge and per maker in it. */
static int cands_init(const struct cc_frame *f, const struct cc_catalogue *cat, int node,
		      struct cands *cs)
{
	memset(cs, 0, sizeof *cs);
	cs->cap = 1024;
	cs->c = malloc(sizeof *cs->c * (size_t)cs->cap);
	const struct cc_chain *ch = &cat->chains[cat->nodes[node].chain];
	size_t want = 16;
	for (int k = node; k < ch->first_node + ch->nnodes; k++)
		if (in_subtree(cat, k, node))
			want += (size_t)(f->node_edge_start[k + 1] - f->node_edge_start[k]) +
				(size_t)(f->node_start[k + 1] - f->node_start[k]);
	if (!cs->c || keymap_init(&cs->km, want))
		return CC_ENOMEM;
	return 0;
}

/*
 * Suppliers outside the scope that sell to buyers in it, within NODE's subtree (nodes of its
 * chain from NODE on whose ancestors include NODE), with their sales and buyers summed.
 */
static void add_suppliers(const struct cc_frame *f, const struct cc_catalogue *cat, int node,
			  const struct chain_scope *scope, int year, struct cands *cs)
{
	const struct cc_chain *ch = &cat->chains[cat->nodes[node].chain];
	int en = node;
	for (int e = f->node_edge_start[node]; e < f->node_edge_start[ch->first_node + ch->nnodes];
	     e++) {
		while (e >= f->node_edge_start[en + 1])
			en++; /* the node whose run holds e */
		if (!in_subtree(cat, en, node))
			continue;
		int b = f->edge_buyer[e];
		if (!chain_scope_has(scope, f->region[b]))
			continue;
		int s = f->edge_supplier[e];
		int sreg = s >= 0 ? f->region[s] : f->outside_region[-s - 1];
		if (chain_scope_has(scope, sreg))
			continue;
		int *slot = keymap_slot(&cs->km, s);
		if (!*slot) {
			if (!cand_add(f, &cs->c, &cs->n, &cs->cap, node, CHAIN_TARGET_SUPPLIER, s,
				      year))
				break;
			*slot = cs->n;
		}
		struct cand *t = &cs->c[*slot - 1];
		double v = cc_frame_edge_value(f, e);
		if (!isnan(v))
			t->value_to_local += v;
		t->local_buyers++;
	}
}

/* Registered makers of NODE's subtree outside the scope not already candidates. */
static void add_makers(const struct cc_frame *f, const struct cc_catalogue *cat, int node,
		       const struct chain_scope *scope, int year, struct cands *cs)
{
	for (int k = node; k < cat->nnodes && cat->nodes[k].chain == cat->nodes[node].chain; k++) {
		if (!in_subtree(cat, k, node))
			continue;
		for (int p = f->node_start[k]; p < f->node_start[k + 1]; p++) {
			int i = f->node_ent[p];
			if (chain_scope_has(scope, f->region[i]) || *keymap_slot(&cs->km, i))
				continue;
			if (!cand_add(f, &cs->c, &cs->n, &cs->cap, node, CHAIN_TARGET_MAKER, i,
				      year))
				break;
			*keymap_slot(&cs->km, i) = cs->n;
		}
	}
}

/* Scores: each component scaled to 0..1 over the candidates, weighted by RULES. */
static void score_cands(struct cand *c, int n, const struct chain_rules *rules)
{
	double mv = 0, ms = 0;
	for (int i = 0; i < n; i++) {
		if (c[i].value_to_local > mv)
			mv = c[i].value_to_local;
		if (!isnan(c[i].revenue) && c[i].revenue > 0 && log1p(c[i].revenue) > ms)
			ms = log1p(c[i].revenue);
	}
	for (int i = 0; i < n; i++) {
		struct cand *t = &c[i];
		double v = mv > 0 ? t->value_to_local / mv : 0;
		double sz = (ms > 0 && !isnan(t->revenue) && t->revenue > 0)
				    ? log1p(t->revenue) / ms
				    : 0;
		double g = isnan(t->yoy) ? 0 : fmin(fmax(t->yoy, -0.2), 0.5) / 0.5;
		if (g < 0)
			g = 0;
		double ce = t->certs / 5.0;
		t->score = rules->w_value * v + rules->w_size * sz + rules->w_growth * g +
			   rules->w_certs * ce;
	}
}

/*
 * Moves the best MAX of the N candidates to the front, best first, and returns their count.
 * Only those few need an order and a reason: select them (a heap of the kept ones whose root
 * is the worst), then sort that few.
 */
static int best_cands(struct cand *c, int n, int max)
{
	int k = n < max ? n : max;
	for (int i = k / 2 - 1; i >= 0; i--)
		cand_sift(c, k, i);
	for (int i = k; i < n; i++)
		if (k > 0 && cmp_cand(&c[i], &c[0]) < 0) {
			c[0] = c[i];
			cand_sift(c, k, 0);
		}
	qsort(c, (size_t)k, sizeof *c, cmp_cand);
	return k;
}

/* The reason a target is proposed, in Chinese and in English. */
static void target_reason(const struct cand *t, struct chain_target *o)
{
	char place[128];
	cc_region_fullname(t->region, place, sizeof place);
	if (!place[0])
		snprintf(place, sizeof place, "%06d", t->region);
	char zh[512] = "", en[512] = "", part[300];
	snprintf(part, sizeof part, "位于%s", place);
	append(zh, sizeof zh, "，", part);
	snprintf(part, sizeof part, "based in region %06d", t->region);
	append(en, sizeof en, ", ", part);
	if (t->kind == CHAIN_TARGET_SUPPLIER) {
		snprintf(part, sizeof part, "每年向%s %d 家企业供货 %.0f 万元", "本地",
			 t->local_buyers, t->value_to_local);
		append(zh, sizeof zh, "，", part);
		snprintf(part, sizeof part,
			 "sells %.0f (10k CNY) a year to %d buyer%s in the scope",
			 t->value_to_local, t->local_buyers, t->local_buyers == 1 ? "" : "s");
		append(en, sizeof en, ", ", part);
	} else {
		append(zh, sizeof zh, "，", "在外地生产该环节产品");
		append(en, sizeof en, ", ", "makes this node's products outside the scope");
	}
	if (!isnan(t->revenue)) {
		snprintf(part, sizeof part, "营业收入 %.0f 万元", t->revenue);
		append(zh, sizeof zh, "，", part);
		snprintf(part, sizeof part, "revenue %.0f (10k CNY)", t->revenue);
		append(en, sizeof en, ", ", part);
	}
	if (!isnan(t->yoy)) {
		snprintf(part, sizeof part, "同比 %+.1f%%", t->yoy * 100);
		append(zh, sizeof zh, "，", part);
		snprintf(part, sizeof part, "%+.1f%% year on year", t->yoy * 100);
		append(en, sizeof en, ", ", part);
	}
	if (t->certs) {
		snprintf(part, sizeof part, "%d 项资质认定", t->certs);
		append(zh, sizeof zh, "，", part);
		snprintf(part, sizeof part, "%d certificate%s", t->certs, t->certs == 1 ? "" : "s");
		append(en, sizeof en, ", ", part);
	}
	if (t->ent < 0) {
		append(zh, sizeof zh, "，", "不在企业名录中");
		append(en, sizeof en, ", ", "not in the registry");
	}
	snprintf(o->reason_zh, sizeof o->reason_zh, "%s", zh);
	snprintf(o->reason_en, sizeof o->reason_en, "%s", en);
}

/* Writes candidate T as the target O, with its reason. */
static void target_write(const struct cand *t, struct chain_target *o)
{
	o->node = t->node;
	o->kind = t->kind;
	o->ent = t->ent;
	o->outside = t->outside;
	memcpy(o->uscc, t->uscc, 18);
	o->uscc[18] = '\0';
	o->region = t->region;
	o->value_to_local = t->value_to_local;
	o->local_buyers = t->local_buyers;
	o->revenue = t->revenue;
	o->yoy = t->yoy;
	o->certs = t->certs;
	o->score = t->score;
	target_reason(t, o);
}

int chain_targets(const struct cc_frame *f, int node, const struct chain_scope *scope, int year,
		  const struct chain_rules *rules, struct chain_target *out, int max,
		  struct cc_error *err)
{
	struct cands cs = {0};
	int rc = 0;
	const struct cc_catalogue *cat = cc_catalogue_get(err);
	if (!cat) {
		rc = CC_EINVAL;
		goto out;
	}
	if (node < 0 || node >= cat->nnodes) {
		rc = cc_error_set(err, CC_ENOTFOUND, "no node %d", node);
		goto out;
	}
	if (!year)
		year = cc_frame_latest_year(f);
	if (cands_init(f, cat, node, &cs)) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	add_suppliers(f, cat, node, scope, year, &cs);
	add_makers(f, cat, node, scope, year, &cs);
	score_cands(cs.c, cs.n, rules);
	rc = best_cands(cs.c, cs.n, max);
	for (int i = 0; i < rc; i++)
		target_write(&cs.c[i], &out[i]);
out:
	cands_release(&cs);
	return rc;
}

int chain_extension(const struct cc_frame *f, int chain, const struct chain_rules *rules,
		    const struct chain_node_metrics *metrics, int *out, double *demand)
{
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	(void)f;
	if (!cat)
		return 0;
	const struct cc_chain *ch = &cat->chains[chain];
	int n = 0;
	for (int k = 0; k < ch->nnodes; k++) {
		const struct chain_node_metrics *m = &metrics[k];
		const struct cc_node *nd = &cat->nodes[ch->first_node + k];
		double d = m->purchases_in + m->purchases_out;
		if (!(rules->extension_stages & (1 << nd->stage)) || m->enterprises > 0 || d <= 0)
			continue;
		out[n] = nd->index;
		demand[n] = d;
		n++;
	}
	return n;
}
