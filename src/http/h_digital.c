/*
 * Digital maturity routes (issue 16, item 4): the model, an enterprise's assessments (an
 * enterprise user fills and reads only its own: h_path_enterprise), and the distribution of
 * levels by district and chain, served by the self-assessment routes (h_assess.c) with the
 * maturity summary's 数据截至. The JSON is digital/report.c's, as `chainchief digital`'s.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/jw.h"
#include "base/parse.h"
#include "digital/digital.h"
#include "digital/retrofit.h"
#include "green/green.h"
#include "domain/codes.h"
#include "frame/frame.h"
#include "http/h_assess.h"
#include "http/handlers.h"
#include "report/report.h"
#include "store/store.h"

int h_digital_model(struct http_req *req)
{
	return h_assess_model(req, &digital_std);
}

int h_enterprise_digital(struct http_req *req)
{
	return h_assess_get(req, &digital_std);
}

int h_enterprise_digital_put(struct http_req *req)
{
	return h_assess_put(req, &digital_std);
}

/*
 * 数据截至 of the maturity figures: the firms of REGION (0: all) among ONLY (NULL: all) that
 * hold a self-assessment of each year, by report_as_of_counts' rule. NULL on failure.
 */
static json_t *assessment_as_of(struct cc_store *st, const struct cc_frame *f, int region,
				const uint8_t *only, int year)
{
	enum { Y0 = 1900, NY = 301 }; /* the table's years: 1900-2200 */
	const struct report_rules *r = report_rules_get(NULL);
	int64_t counts[NY] = {0}, firms = 0;
	int periods[NY];
	struct cc_stmt *s = NULL;
	if (!r ||
	    cc_stmt_prepare(st, &s, "SELECT enterprise_id, year FROM maturity_assessments", NULL))
		return NULL;
	uint8_t *in = calloc((size_t)f->n + 1, 1);
	for (int i = 0; in && i < f->n; i++) {
		in[i] = (uint8_t)((!only || only[i]) &&
				  (!region || cc_region_within(f->region[i], region)));
		firms += in[i];
	}
	while (in && cc_stmt_step(s, NULL) == 1) {
		int i = cc_frame_of_id(f, cc_stmt_int64(s, 0));
		int64_t y = cc_stmt_int64(s, 1) - Y0;
		if (i >= 0 && in[i] && y >= 0 && y < NY)
			counts[y]++;
	}
	cc_stmt_free(s);
	json_t *j = NULL;
	if (in) {
		static const int none[1] = {-1};
		struct report_as_of a;
		for (int k = 0; k < NY; k++)
			periods[k] = (Y0 + k) * 100;
		report_as_of_counts(periods, counts, NY, firms, year > 0 ? year * 100 : 0,
				    r->as_of_share, &a);
		j = report_as_of_json(&a, r->as_of_share, none, 0);
		json_object_set_new(j, "source", json_string("maturity_assessments"));
	}
	free(in);
	return j;
}

int h_digital_summary(struct http_req *req)
{
	return h_assess_summary(req, &digital_std, assessment_as_of);
}

/* ---- retrofit projects (issue 16, item 5) ---- */

/* The store id of an enterprise user's own enterprise (0 for other roles; -1 after a 4xx). */
static int64_t own_enterprise(struct http_req *req, const struct cc_frame *f)
{
	if (req->user.role != HTTP_ROLE_ENTERPRISE)
		return 0;
	int i = cc_frame_find(f, req->user.uscc);
	if (i < 0) {
		http_error(req, 403, "forbidden", NULL, "账户未绑定有效企业",
			   "the account's enterprise is not registered");
		return -1;
	}
	return f->id[i];
}

int h_retrofits(struct http_req *req)
{
	struct cc_frame *f = http_frame(req);
	if (!f)
		return req->status;
	int64_t own = own_enterprise(req, f), ent = own;
	if (own < 0)
		return req->status;
	long long region = 0;
	const char *v = http_query(req, "region");
	if (v && *v && (cc_parse_int64(v, strlen(v), &region) || region < 1 || region > 999999))
		return http_error(req, 400, "invalid", "region", "地区代码无效",
				  "region must be a region code");
	v = http_query(req, "uscc");
	if (v && *v) {
		int i = cc_frame_find(f, v);
		if (i < 0)
			return http_error(req, 404, "not_found", "uscc", "企业不存在",
					  "no enterprise '%s'", v);
		if (own && f->id[i] != own)
			return http_error(req, 403, "forbidden", "uscc", "只能查看本企业的项目",
					  "an enterprise account reads only its own projects");
		ent = f->id[i];
	}
	struct cc_error err = {0};
	struct cc_jw w;
	http_jw_begin(req, &w);
	uint8_t *only =
		req->user.role == HTTP_ROLE_CHIEF ? green_chain_mask(f, req->user.chains) : NULL;
	if (req->user.role == HTTP_ROLE_CHIEF && !only)
		return http_error(req, 500, "internal", NULL, "内存不足", "out of memory");
	int lrc = retrofit_write_list(&w, req->st, f, ent, (int)region, 0, only, &err);
	free(only);
	if (lrc)
		return http_error_from(req, err.code, &err, NULL, "技改项目读取失败");
	return http_jw_send(req, &w);
}

int h_retrofit(struct http_req *req)
{
	struct cc_frame *f = http_frame(req);
	if (!f)
		return req->status;
	int64_t own = own_enterprise(req, f);
	if (own < 0)
		return req->status;
	long long id;
	const char *p = req->params[0];
	if (cc_parse_int64(p, strlen(p), &id) || id < 1)
		return http_error(req, 400, "invalid", "project", "项目编号无效", "bad project id");
	int64_t owner = 0;
	struct cc_stmt *s = cc_stmt_cached(
		req->st, "SELECT enterprise_id FROM retrofit_projects WHERE id = ?1", NULL);
	if (s) {
		cc_stmt_reset(s);
		cc_stmt_bind_int64(s, 1, id);
		if (cc_stmt_step(s, NULL) == 1)
			owner = cc_stmt_int64(s, 0);
		cc_stmt_reset(s);
	}
	if (!owner)
		return http_error(req, 404, "not_found", "project", "没有该项目", "no project %lld",
				  id);
	if (own && owner != own)
		return http_error(req, 403, "forbidden", NULL, "只能查看本企业的项目",
				  "an enterprise account reads only its own projects");
	struct cc_error err = {0};
	struct cc_jw w;
	http_jw_begin(req, &w);
	if (retrofit_write_list(&w, req->st, f, 0, 0, id, NULL, &err))
		return http_error_from(req, err.code, &err, NULL, "技改项目读取失败");
	return http_jw_send(req, &w);
}

int h_retrofit_create(struct http_req *req)
{
	struct cc_frame *f = http_frame(req);
	if (!f)
		return req->status;
	int64_t own = own_enterprise(req, f);
	if (own < 0)
		return req->status;
	json_t *body = http_body_json(req);
	if (!body)
		return req->status;
	struct retrofit r;
	struct cc_error err = {0};
	char field[64];
	int rc = retrofit_parse(body, &r, field, &err);
	const char *uscc = json_string_value(json_object_get(body, "uscc"));
	int i = rc ? -1 : uscc ? cc_frame_find(f, uscc) : -1;
	if (rc) {
		rc = http_error(req, 400, "invalid", field, "技改项目内容无效", "%s", err.msg);
		json_decref(body);
		return rc;
	}
	if (i < 0) {
		json_decref(body);
		return http_error(req, 400, "invalid", "uscc", "企业不存在或未给出",
				  "uscc must be a registered enterprise");
	}
	if (own && f->id[i] != own) {
		json_decref(body);
		return http_error(req, 403, "forbidden", "uscc", "只能登记本企业的项目",
				  "an enterprise account registers only its own projects");
	}
	r.enterprise_id = f->id[i];
	int64_t id = 0;
	char target[32];
	rc = cc_store_begin(req->st, &err);
	if (rc == 0)
		rc = retrofit_add(req->st, &r, req->user.username, &id, &err);
	snprintf(target, sizeof target, "retrofit/%lld", (long long)id);
	if (rc == 0)
		rc = http_audit(req, "retrofit.create", target, NULL, req->body);
	if (rc == 0)
		rc = cc_store_commit(req->st, &err);
	else
		cc_store_rollback(req->st);
	int planned = !strcmp(r.status, "planned"); /* r points into body */
	json_decref(body);
	if (rc)
		return http_error_from(req, rc, &err, NULL, "技改项目保存失败");
	/* A planned project's need goes to the solution providers (issue 16 item 6); when it
	 * cannot be posted now, POST …/need posts it later. */
	int64_t need = 0;
	if (planned)
		retrofit_need_post(req->st, id, req->user.username, &need, NULL, &err);
	struct cc_jw w;
	http_jw_begin(req, &w);
	if (retrofit_write_list(&w, req->st, f, 0, 0, id, NULL, &err))
		return http_error_from(req, err.code, &err, NULL, "技改项目读取失败");
	http_jw_send(req, &w);
	req->status = 201;
	return 201;
}

int h_retrofit_summary(struct http_req *req)
{
	struct cc_frame *f = http_frame(req);
	if (!f)
		return req->status;
	long long region = 0;
	const char *v = http_query(req, "region");
	if (v && *v && (cc_parse_int64(v, strlen(v), &region) || region < 1 || region > 999999))
		return http_error(req, 400, "invalid", "region", "地区代码无效",
				  "region must be a region code");
	struct cc_error err = {0};
	struct cc_jw w;
	http_jw_begin(req, &w);
	uint8_t *only =
		req->user.role == HTTP_ROLE_CHIEF ? green_chain_mask(f, req->user.chains) : NULL;
	if (req->user.role == HTTP_ROLE_CHIEF && !only)
		return http_error(req, 500, "internal", NULL, "内存不足", "out of memory");
	int rc = retrofit_write_summary(&w, req->st, f, (int)region, only, &err);
	free(only);
	if (rc)
		return http_error_from(req, err.code, &err, NULL, "技改项目汇总失败");
	return http_jw_send(req, &w);
}
