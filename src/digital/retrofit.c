/*
 * The retrofit register (see retrofit.h).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/slots.h"
#include "base/jw.h"
#include "base/parse.h"
#include "digital/digital.h"
#include "digital/retrofit.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "domain/metric.h"
#include "base/text.h"
#include "frame/frame.h"
#include "match/match.h"

static int opt_num(json_t *o, const char *k, double lo, double hi, double *out)
{
	json_t *v = json_object_get(o, k);
	*out = NAN;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_number(v))
		return -1;
	*out = json_number_value(v);
	return *out >= lo && *out <= hi ? 0 : -1;
}

static int opt_date(json_t *o, const char *k, const char **out)
{
	json_t *v = json_object_get(o, k);
	int ymd;
	struct cc_error e;
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v) ||
	    cc_parse_date(json_string_value(v), strlen(json_string_value(v)), &ymd, &e))
		return -1;
	*out = json_string_value(v);
	return 0;
}

int retrofit_parse(const void *body, struct retrofit *r, char *field, struct cc_error *err)
{
	json_t *o = (json_t *)body;
	static const char *const known[] = {
		"title",     "kind",	 "investment",	   "start_date",     "end_date",
		"status",    "provider", "expected_saved", "measured_saved", "cnc_before",
		"cnc_after", "uscc",	 "capabilities"};
	memset(r, 0, sizeof r[0]);
	field[0] = '\0';
	if (!json_is_object(o))
		return cc_error_set(err, CC_EINVAL, "the body must be a JSON object");
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
	{
		int ok = 0;
		for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
			ok |= !strcmp(k, known[i]);
		if (!ok) {
			snprintf(field, 64, "%.60s", k);
			return cc_error_set(err, CC_EINVAL, "unknown field '%.60s'", k);
		}
	}
	r->title = json_string_value(json_object_get(o, "title"));
	if (!r->title || !*r->title || strlen(r->title) > 600) {
		snprintf(field, 64, "title");
		return cc_error_set(err, CC_EINVAL, "title is required (at most 600 bytes)");
	}
	r->kind = json_string_value(json_object_get(o, "kind"));
	if (!r->kind || (strcmp(r->kind, "green") && strcmp(r->kind, "intelligent") &&
			 strcmp(r->kind, "both"))) {
		snprintf(field, 64, "kind");
		return cc_error_set(err, CC_EINVAL, "kind is green, intelligent or both");
	}
	r->status = json_string_value(json_object_get(o, "status"));
	if (!r->status)
		r->status = "planned";
	if (strcmp(r->status, "planned") && strcmp(r->status, "in_progress") &&
	    strcmp(r->status, "completed") && strcmp(r->status, "cancelled")) {
		snprintf(field, 64, "status");
		return cc_error_set(err, CC_EINVAL,
				    "status is planned, in_progress, completed or cancelled");
	}
	r->provider = json_string_value(json_object_get(o, "provider"));
	if (r->provider && strlen(r->provider) > 600) {
		snprintf(field, 64, "provider");
		return cc_error_set(err, CC_EINVAL, "provider is at most 600 bytes");
	}
	static const struct {
		const char *k;
		double hi;
	} nums[] = {{"investment", 1e9},
		    {"expected_saved", 1e9},
		    {"measured_saved", 1e9},
		    {"cnc_before", 1},
		    {"cnc_after", 1}};
	double *dst[] = {&r->investment, &r->expected_saved, &r->measured_saved, &r->cnc_before,
			 &r->cnc_after};
	for (size_t i = 0; i < 5; i++)
		if (opt_num(o, nums[i].k, 0, nums[i].hi, dst[i])) {
			snprintf(field, 64, "%s", nums[i].k);
			return cc_error_set(err, CC_EINVAL, "%s is a number from 0 to %g (or null)",
					    nums[i].k, nums[i].hi);
		}
	if (opt_date(o, "start_date", &r->start_date) || opt_date(o, "end_date", &r->end_date)) {
		snprintf(field, 64,
			 opt_date(o, "start_date", &r->start_date) ? "start_date" : "end_date");
		return cc_error_set(err, CC_EINVAL, "dates are YYYY-MM-DD");
	}
	json_t *cv = json_object_get(o, "capabilities");
	char joined[512] = "";
	if (json_is_array(cv)) {
		size_t used = 0, i;
		json_t *x;
		json_array_foreach(cv, i, x)
		{
			int wr = json_is_string(x)
					 ? snprintf(joined + used, sizeof joined - used, "%s%s",
						    used ? ";" : "", json_string_value(x))
					 : -1;
			if (wr < 0 || (size_t)wr >= sizeof joined - used) {
				snprintf(field, 64, "capabilities");
				return cc_error_set(err, CC_EINVAL,
						    "capabilities is a list of capability codes");
			}
			used += (size_t)wr;
		}
	} else if (json_is_string(cv)) {
		snprintf(joined, sizeof joined, "%s", json_string_value(cv));
	} else if (cv && !json_is_null(cv)) {
		snprintf(field, 64, "capabilities");
		return cc_error_set(err, CC_EINVAL, "capabilities is a list of capability codes");
	}
	if (match_caps_parse(joined, r->capabilities, sizeof r->capabilities, err)) {
		snprintf(field, 64, "capabilities");
		return CC_EINVAL;
	}
	if (r->start_date && r->end_date && strcmp(r->end_date, r->start_date) < 0) {
		snprintf(field, 64, "end_date");
		return cc_error_set(err, CC_EINVAL, "the end is before the start");
	}
	return 0;
}

static void bind_opt(struct cc_stmt *s, int idx, double v)
{
	if (isfinite(v))
		cc_stmt_bind_double(s, idx, v);
	else
		cc_stmt_bind_null(s, idx);
}

static void bind_text(struct cc_stmt *s, int idx, const char *v)
{
	if (v && *v)
		cc_stmt_bind_text(s, idx, v, strlen(v));
	else
		cc_stmt_bind_null(s, idx);
}

int retrofit_add(struct cc_store *st, const struct retrofit *r, const char *actor, int64_t *id,
		 struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	int rc = cc_stmt_prepare(
		st, &s,
		"INSERT INTO retrofit_projects(enterprise_id, title, kind, "
		"investment, start_date, end_date, status, provider, expected_saved, "
		"measured_saved, cnc_before, cnc_after, created_by, capabilities) "
		"VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)",
		err);
	if (rc)
		return rc;
	cc_stmt_bind_int64(s, 1, r->enterprise_id);
	bind_text(s, 2, r->title);
	bind_text(s, 3, r->kind);
	bind_opt(s, 4, r->investment);
	bind_text(s, 5, r->start_date);
	bind_text(s, 6, r->end_date);
	bind_text(s, 7, r->status);
	bind_text(s, 8, r->provider);
	bind_opt(s, 9, r->expected_saved);
	bind_opt(s, 10, r->measured_saved);
	bind_opt(s, 11, r->cnc_before);
	bind_opt(s, 12, r->cnc_after);
	bind_text(s, 13, actor ? actor : "cli");
	bind_text(s, 14, r->capabilities);
	rc = cc_stmt_step(s, err) < 0 ? CC_EDB : 0;
	cc_stmt_free(s);
	if (rc == 0 && id)
		*id = cc_store_last_id(st);
	return rc;
}

int retrofit_need_of(struct cc_store *st, int64_t id, int64_t *posting, int64_t *owner,
		     struct cc_error *err)
{
	struct cc_stmt *s = cc_stmt_cached(st,
					   "SELECT coalesce(need_posting, 0), enterprise_id FROM "
					   "retrofit_projects WHERE id = ?1",
					   err);
	*posting = 0;
	if (!s)
		return CC_EDB;
	cc_stmt_bind_int64(s, 1, id);
	int rc = cc_stmt_step(s, err);
	if (rc == 1) {
		*posting = cc_stmt_int64(s, 0);
		if (owner)
			*owner = cc_stmt_int64(s, 1);
	}
	cc_stmt_reset(s);
	if (rc == 0)
		return cc_error_set(err, CC_ENOTFOUND, "no retrofit project %lld", (long long)id);
	return rc < 0 ? CC_EDB : 0;
}

int retrofit_need_post(struct cc_store *st, int64_t id, const char *actor, int64_t *posting,
		       int *created, struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	char uscc[19] = "", title[700] = "", kind[16] = "", status[16] = "", caps[512] = "";
	double inv = NAN;
	int rc = retrofit_need_of(st, id, posting, NULL, err);
	if (created)
		*created = 0;
	if (rc || *posting)
		return rc;
	rc = cc_stmt_prepare(
		st, &s,
		"SELECT e.uscc, r.title, r.kind, r.status, coalesce(r.capabilities, ''), "
		"r.investment FROM retrofit_projects r JOIN enterprises e ON "
		"e.id = r.enterprise_id WHERE r.id = ?1",
		err);
	if (rc)
		return rc;
	cc_stmt_bind_int64(s, 1, id);
	if (cc_stmt_step(s, err) == 1) {
		snprintf(uscc, sizeof uscc, "%s", cc_stmt_text(s, 0));
		snprintf(title, sizeof title, "%s", cc_stmt_text(s, 1));
		snprintf(kind, sizeof kind, "%s", cc_stmt_text(s, 2));
		snprintf(status, sizeof status, "%s", cc_stmt_text(s, 3));
		snprintf(caps, sizeof caps, "%s", cc_stmt_text(s, 4));
		inv = cc_stmt_double_nan(s, 5);
	}
	cc_stmt_free(s);
	if (!uscc[0])
		return cc_error_set(err, CC_ENOTFOUND, "no retrofit project %lld", (long long)id);
	if (strcmp(status, "planned") != 0)
		return cc_error_set(err, CC_EINVAL,
				    "project %lld is %s: only a planned project posts its need",
				    (long long)id, status);
	if (!caps[0])
		snprintf(caps, sizeof caps, "%s",
			 strcmp(kind, "both") == 0 ? "green;intelligent" : kind);
	/* The title: at most 200 characters (a posting's limit), cut on a character. */
	char ptitle[1024], desc[800];
	snprintf(ptitle, sizeof ptitle, "技改需求 #%lld：%s", (long long)id, title);
	size_t cut = cc_utf8_cut(ptitle, strlen(ptitle), 560);
	int chars = 0;
	for (size_t k = 0; k < cut; k++)
		if (((unsigned char)ptitle[k] & 0xC0) != 0x80 && ++chars > 200) {
			cut = k;
			break;
		}
	ptitle[cut] = '\0';
	/* The kind in words: the posting's text is read as typed, in Chinese. */
	const char *kind_zh = strcmp(kind, "green") == 0	 ? "绿色化改造"
			      : strcmp(kind, "intelligent") == 0 ? "智能化改造"
								 : "绿色化与智能化改造";
	if (isfinite(inv))
		snprintf(desc, sizeof desc, "技改项目 #%lld（%s），计划投资 %g 万元", (long long)id,
			 kind_zh, inv);
	else
		snprintf(desc, sizeof desc, "技改项目 #%lld（%s）", (long long)id, kind_zh);
	struct posting_in in = {.kind = "demand",
				.uscc = uscc,
				.title = ptitle,
				.description = desc,
				.region_pref = "500000;510000",
				.category = "service",
				.capabilities = caps,
				.actor = actor};
	rc = posting_save(st, &in, posting, err);
	if (rc)
		return rc;
	if (created)
		*created = 1;
	s = cc_stmt_cached(st, "UPDATE retrofit_projects SET need_posting = ?2 WHERE id = ?1", err);
	if (!s)
		return CC_EDB;
	cc_stmt_bind_int64(s, 1, id);
	cc_stmt_bind_int64(s, 2, *posting);
	rc = cc_stmt_step(s, err) < 0 ? CC_EDB : 0;
	cc_stmt_reset(s);
	return rc;
}

int retrofit_gap_need_post(struct cc_store *st, int64_t enterprise_id, const char *actor,
			   int64_t *posting, int *created, struct cc_error *err)
{
	const struct digital_model *m = digital_model_get(err);
	struct digital_assessment *a = calloc(64, sizeof *a);
	char caps[512] = "", uscc[19] = "", title[400], one[256];
	int rc = 0;
	*posting = 0;
	if (created)
		*created = 0;
	if (!m || !a) {
		rc = m ? cc_error_set(err, CC_ENOMEM, "out of memory") : CC_EINVAL;
		goto out;
	}
	int n = digital_read(st, m, enterprise_id, a, 64, err);
	if (n < 0) {
		rc = n;
		goto out;
	}
	if (n == 0) {
		rc = cc_error_set(err, CC_EINVAL, "the enterprise has no maturity self-assessment");
		goto out;
	}
	const struct digital_result *r = &a[n - 1].result;
	size_t used = 0;
	for (int g = 0; g < r->ngaps; g++)
		if (match_caps_of_gap(m->q[r->gaps[g]].id, one, sizeof one) > 0) {
			int w = snprintf(caps + used, sizeof caps - used, "%s%s", used ? ";" : "",
					 one);
			if (w > 0 && (size_t)w < sizeof caps - used)
				used += (size_t)w;
		}
	if (!caps[0] || r->level >= DIGITAL_LEVELS) {
		rc = cc_error_set(err, CC_EINVAL,
				  "no gap of the latest self-assessment asks a solution provider");
		goto out;
	}
	struct cc_stmt *u = cc_stmt_cached(st, "SELECT uscc FROM enterprises WHERE id = ?1", err);
	if (!u) {
		rc = CC_EDB;
		goto out;
	}
	cc_stmt_bind_int64(u, 1, enterprise_id);
	if (cc_stmt_step(u, err) == 1)
		snprintf(uscc, sizeof uscc, "%s", cc_stmt_text(u, 0));
	cc_stmt_reset(u);
	snprintf(title, sizeof title, "智能化改造需求：迈向%s（成熟度差距）",
		 m->level_zh[r->level + 1] ? m->level_zh[r->level + 1] : "下一级");
	struct posting_in in = {.kind = "demand",
				.uscc = uscc,
				.title = title,
				.description =
					"由智能制造能力成熟度自评的差距生成（GB/T 39116-2020）",
				.region_pref = "500000;510000",
				.category = "service",
				.capabilities = caps,
				.actor = actor};
	rc = posting_save(st, &in, posting, err);
	if (rc == 0 && created)
		*created = 1;
	if (rc == CC_EEXIST) { /* posted before: that posting */
		struct cc_stmt *s = cc_stmt_cached(
			st,
			"SELECT p.id FROM postings p WHERE p.enterprise_id = ?1 AND p.kind = 'demand' "
			"AND p.title = ?2",
			err);
		rc = s ? 0 : CC_EDB;
		if (s) {
			cc_stmt_bind_int64(s, 1, enterprise_id);
			cc_stmt_bind_text(s, 2, title, strlen(title));
			if (cc_stmt_step(s, err) == 1)
				*posting = cc_stmt_int64(s, 0);
			cc_stmt_reset(s);
		}
	}
out:
	free(a);
	return rc;
}

int retrofit_demo_services(struct cc_store *st, struct cc_error *err)
{
	static const struct {
		const char *title, *caps, *industries;
	} offers[] = {
		{"数控化改造与自动化产线集成（演示）", "cnc;automation;mes", "C34;C35;C36;C33"},
		{"工业互联网与智能工厂解决方案（演示）", "iiot;mes;smart_factory;digital_rd",
		 "C38;C39;C36;C40"},
		{"节能诊断与节能改造服务（演示）", "energy_saving;energy_mgmt;energy_audit",
		 "C26;C30;C31;C32;C22"},
		{"能源管控与碳管理平台（演示）", "energy_mgmt;carbon;iiot", "C"},
		{"清洁生产审核与绿色工厂咨询（演示）", "clean_production;energy_audit;carbon",
		 "C26;C27;C13;C14;C15"},
		{"数字化研发设计与MES实施（演示）", "digital_rd;mes;cnc", "C36;C37;C38;C39;C34"},
	};
	struct cc_stmt *s = NULL;
	char uscc[40][19];
	int n = 0;
	int rc = cc_stmt_prepare(st, &s,
				 "SELECT uscc FROM enterprises WHERE industry LIKE 'I65%' "
				 "ORDER BY id LIMIT 40",
				 err);
	if (rc)
		return rc;
	while (n < 40 && cc_stmt_step(s, err) == 1)
		snprintf(uscc[n++], sizeof uscc[0], "%s", cc_stmt_text(s, 0));
	cc_stmt_free(s);
	s = NULL;
	/* Each firm offers one or two of the offers; a provider's region preference stays open
	 * (a need prefers 川渝). */
	for (int i = 0; i < n && rc == 0; i++)
		for (int k = 0; k < 1 + (i % 3 == 0) && rc == 0; k++) {
			int o = (i + 2 * k) % (int)(sizeof offers / sizeof offers[0]);
			int64_t id = 0;
			struct posting_in in = {
				.kind = "supply",
				.uscc = uscc[i],
				.title = offers[o].title,
				.description = "智能制造/绿色制造系统解决方案供应商（演示数据）",
				.category = "service",
				.capabilities = offers[o].caps,
				.industries = offers[o].industries,
				.actor = "demo"};
			rc = posting_save(st, &in, &id, err);
		}
	if (rc)
		return rc;
	rc = cc_stmt_prepare(st, &s,
			     "SELECT id FROM retrofit_projects WHERE status = 'planned' AND "
			     "need_posting IS NULL ORDER BY id",
			     err);
	int64_t ids[4096];
	int m = 0;
	while (rc == 0 && m < 4096 && cc_stmt_step(s, err) == 1)
		ids[m++] = cc_stmt_int64(s, 0);
	cc_stmt_free(s);
	for (int i = 0; i < m && rc == 0; i++) {
		int64_t posting;
		rc = retrofit_need_post(st, ids[i], "demo", &posting, NULL, err);
	}
	return rc;
}

/* The year of a YYYY-MM-DD date (0 when it does not start with four digits). */
static int year_of(const char *d)
{
	int y = 0;
	for (int k = 0; k < 4; k++) {
		if (d[k] < '0' || d[k] > '9')
			return 0;
		y = y * 10 + (d[k] - '0');
	}
	return y;
}

/* Writes metric M of enterprise I in YEAR (null when unknown or not held). */
static void metric_at(struct cc_jw *w, const struct cc_frame *f, int m, int i, int year)
{
	const double *c = year ? cc_frame_annual(f, m, year) : NULL;
	cc_jw_num(w, c ? c[i] : NAN);
}

/* The CNC rate of enterprise ID's assessment of YEAR (NaN when none). */
static double cnc_of(struct cc_store *st, int64_t id, int year)
{
	struct cc_stmt *s = cc_stmt_cached(st,
					   "SELECT cnc_rate FROM maturity_assessments WHERE "
					   "enterprise_id = ?1 AND year = ?2",
					   NULL);
	double v = NAN;
	if (!s)
		return v;
	cc_stmt_reset(s);
	cc_stmt_bind_int64(s, 1, id);
	cc_stmt_bind_int64(s, 2, year);
	if (cc_stmt_step(s, NULL) == 1)
		v = cc_stmt_double_nan(s, 0);
	cc_stmt_reset(s);
	return v;
}

int retrofit_write_list(struct cc_jw *w, struct cc_store *st, const struct cc_frame *f,
			int64_t enterprise, int region, int64_t only_id, const uint8_t *only,
			struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	int rc = cc_stmt_prepare(
		st, &s,
		"SELECT id, enterprise_id, title, kind, investment, start_date, "
		"end_date, status, provider, expected_saved, measured_saved, "
		"cnc_before, cnc_after, created_by, created_at, capabilities, need_posting "
		"FROM retrofit_projects "
		"WHERE (?1 = 0 OR enterprise_id = ?1) AND (?2 = 0 OR id = ?2) "
		"ORDER BY id DESC",
		err);
	if (rc)
		return rc;
	cc_stmt_bind_int64(s, 1, enterprise);
	cc_stmt_bind_int64(s, 2, only_id);
	int n = 0;
	cc_jw_object(w);
	cc_jw_key(w, "items");
	cc_jw_array(w);
	while ((rc = cc_stmt_step(s, err)) == 1) {
		int i = cc_frame_of_id(f, cc_stmt_int64(s, 1));
		if (i < 0 || (region && !cc_region_within(f->region[i], region)) ||
		    (only && !only[i]))
			continue;
		n++;
		cc_jw_object(w);
		cc_jw_kint(w, "id", cc_stmt_int64(s, 0));
		cc_jw_kstr(w, "uscc", f->uscc[i]);
		cc_jw_kstr(w, "name", f->name[i]);
		cc_jw_kint(w, "region", f->region[i]);
		static const char *const cols[] = {"title",    "kind",	 NULL,	    "start_date",
						   "end_date", "status", "provider"};
		for (int c = 0; c < 7; c++) {
			if (!cols[c])
				continue;
			cc_jw_key(w, cols[c]);
			if (cc_stmt_is_null(s, 2 + c))
				cc_jw_null(w);
			else
				cc_jw_str(w, cc_stmt_text(s, 2 + c));
		}
		cc_jw_knum(w, "investment", cc_stmt_double_nan(s, 4));
		cc_jw_knum(w, "expected_saved", cc_stmt_double_nan(s, 9));
		cc_jw_knum(w, "measured_saved", cc_stmt_double_nan(s, 10));
		cc_jw_knum(w, "cnc_before", cc_stmt_double_nan(s, 11));
		cc_jw_knum(w, "cnc_after", cc_stmt_double_nan(s, 12));
		cc_jw_kstr(w, "created_by", cc_stmt_text(s, 13));
		cc_jw_kstr(w, "created_at", cc_stmt_text(s, 14));
		cc_jw_key(w, "capabilities");
		cc_jw_array(w);
		for (const char *p = cc_stmt_text(s, 15); p && *p;) {
			size_t len = strcspn(p, ";");
			char one[64];
			snprintf(one, sizeof one, "%.*s", (int)(len < 63 ? len : 63), p);
			cc_jw_str(w, one);
			p += len + (p[len] == ';');
		}
		cc_jw_end(w);
		cc_jw_key(w, "need_posting");
		if (cc_stmt_is_null(s, 16))
			cc_jw_null(w);
		else
			cc_jw_int(w, cc_stmt_int64(s, 16));
		if (only_id) {
			/* Before: the year before the start; after: the year of the end (or the
			 * frame's latest); each as the enterprise's own indicators hold it. */
			const char *sd = cc_stmt_text(s, 5), *ed = cc_stmt_text(s, 6);
			int y0 = sd ? year_of(sd) - 1 : 0, y1 = ed ? year_of(ed) : 0;
			int latest = cc_frame_latest_year(f);
			if (!y1 || y1 > latest)
				y1 = latest;
			if (y0 && !cc_frame_annual(f, 0, y0))
				y0 = 0;
			cc_jw_key(w, "before_after");
			cc_jw_object(w);
			cc_jw_key(w, "years");
			cc_jw_array(w);
			cc_jw_num(w, y0 ? y0 : NAN);
			cc_jw_num(w, y1 ? y1 : NAN);
			cc_jw_end(w);
			cc_jw_key(w, "energy_intensity");
			cc_jw_array(w);
			metric_at(w, f, CC_M_ENERGY_INTENSITY, i, y0);
			metric_at(w, f, CC_M_ENERGY_INTENSITY, i, y1);
			cc_jw_end(w);
			cc_jw_key(w, "energy_tce");
			cc_jw_array(w);
			metric_at(w, f, CC_M_ENERGY_TCE, i, y0);
			metric_at(w, f, CC_M_ENERGY_TCE, i, y1);
			cc_jw_end(w);
			cc_jw_key(w, "labour_productivity");
			cc_jw_array(w);
			metric_at(w, f, CC_M_LABOUR_PRODUCTIVITY, i, y0);
			metric_at(w, f, CC_M_LABOUR_PRODUCTIVITY, i, y1);
			cc_jw_end(w);
			cc_jw_key(w, "cnc_rate_assessed");
			cc_jw_array(w);
			cc_jw_num(w, y0 ? cnc_of(st, f->id[i], y0) : NAN);
			cc_jw_num(w, y1 ? cnc_of(st, f->id[i], y1) : NAN);
			cc_jw_end(w);
			cc_jw_end(w);
		}
		cc_jw_end(w);
	}
	cc_jw_end(w);
	cc_jw_kint(w, "total", n);
	cc_jw_end(w);
	cc_stmt_free(s);
	return rc < 0 ? rc : 0;
}

/* One row of the totals. */
struct rtally {
	int key, n, completed;
	double investment, saved;
};

static void rt_add(struct rtally *t, double inv, double saved, int completed)
{
	t->n++;
	t->completed += completed;
	if (isfinite(inv))
		t->investment += inv;
	if (isfinite(saved))
		t->saved += saved;
}

static void rt_write(struct cc_jw *w, const struct rtally *t)
{
	cc_jw_kint(w, "projects", t->n);
	cc_jw_kint(w, "completed", t->completed);
	cc_jw_knum(w, "investment", t->investment);
	cc_jw_knum(w, "energy_saved", t->saved);
}

int retrofit_write_summary(struct cc_jw *w, struct cc_store *st, const struct cc_frame *f,
			   int region, const uint8_t *only, struct cc_error *err)
{
	const struct cc_catalogue *cat = cc_catalogue_get(err);
	if (!cat)
		return CC_EINVAL;
	struct cc_stmt *s = NULL;
	int rc = cc_stmt_prepare(
		st, &s,
		"SELECT enterprise_id, kind, status, investment, "
		"coalesce(measured_saved, expected_saved) FROM retrofit_projects ORDER BY id",
		err);
	if (rc)
		return rc;
	struct rtally all = {0}, kinds[3] = {{0}}, *dist = NULL;
	struct rtally *chains = calloc((size_t)cat->nchains + 1, sizeof *chains);
	int *seen = calloc((size_t)cat->nchains + 1, sizeof *seen);
	int nd = 0;
	struct cc_slots ds = {0}; /* the rows of dist by region */
	if (!chains || !seen) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	while ((rc = cc_stmt_step(s, err)) == 1) {
		int i = cc_frame_of_id(f, cc_stmt_int64(s, 0));
		if (i < 0 || (region && !cc_region_within(f->region[i], region)) ||
		    (only && !only[i]))
			continue;
		const char *kind = cc_stmt_text(s, 1), *status = cc_stmt_text(s, 2);
		double inv = cc_stmt_double_nan(s, 3), saved = cc_stmt_double_nan(s, 4);
		int done = !strcmp(status, "completed");
		if (!strcmp(status, "cancelled"))
			continue;
		rt_add(&all, inv, saved, done);
		rt_add(&kinds[!strcmp(kind, "green")	     ? 0
			      : !strcmp(kind, "intelligent") ? 1
							     : 2],
		       inv, saved, done);
		int k = cc_slots_row(&ds, f->region[i], (void **)&dist, sizeof *dist);
		if (k < 0) {
			rc = cc_error_set(err, CC_ENOMEM, "out of memory");
			goto out;
		}
		dist[k].key = f->region[i];
		nd = ds.n;
		rt_add(&dist[k], inv, saved, done);
		for (int m = f->member_start[i]; m < f->member_start[i + 1]; m++) {
			int c = cat->nodes[f->member_node[m]].chain;
			if (seen[c] != i + 1) {
				seen[c] = i + 1;
				rt_add(&chains[c], inv, saved, done);
			}
		}
	}
	if (rc < 0)
		goto out;
	rc = 0;
	cc_jw_object(w);
	cc_jw_kint(w, "region", region);
	cc_jw_key(w, "totals");
	cc_jw_object(w);
	rt_write(w, &all);
	cc_jw_end(w);
	static const char *const kn[3] = {"green", "intelligent", "both"};
	cc_jw_key(w, "kinds");
	cc_jw_array(w);
	for (int k = 0; k < 3; k++) {
		cc_jw_object(w);
		cc_jw_kstr(w, "kind", kn[k]);
		rt_write(w, &kinds[k]);
		cc_jw_end(w);
	}
	cc_jw_end(w);
	cc_jw_key(w, "districts");
	cc_jw_array(w);
	for (int k = 0; k < nd; k++) {
		const struct cc_region *rg = cc_region_find(dist[k].key);
		cc_jw_object(w);
		cc_jw_kint(w, "region", dist[k].key);
		cc_jw_kstr(w, "name", rg ? rg->name : "");
		rt_write(w, &dist[k]);
		cc_jw_end(w);
	}
	cc_jw_end(w);
	cc_jw_key(w, "chains");
	cc_jw_array(w);
	for (int c = 0; c < cat->nchains; c++)
		if (chains[c].n) {
			cc_jw_object(w);
			cc_jw_kstr(w, "chain", cat->chains[c].id);
			cc_jw_kstr(w, "name", cat->chains[c].name_zh);
			cc_jw_kstr(w, "name_en", cat->chains[c].name_en);
			rt_write(w, &chains[c]);
			cc_jw_end(w);
		}
	cc_jw_end(w);
	cc_jw_end(w);
out:
	cc_stmt_free(s);
	free(dist);
	cc_slots_release(&ds);
	free(chains);
	free(seen);
	return rc;
}
