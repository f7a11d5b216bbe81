/*
 * Green-factory self-assessment routes (GB/T 36132-2018, issue 16 item 3): the model, an
 * enterprise's assessments by year (an enterprise user fills and reads only its own:
 * h_path_enterprise), and the roll-up by district and chain for the 绿色低碳 page. The JSON is
 * green/factory.c's, as `chainchief green factory…`'s.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/jw.h"
#include "base/parse.h"
#include "green/factory.h"
#include "green/green.h"
#include "http/handlers.h"

static const struct gf_model *model(struct http_req *req)
{
	struct cc_error err = {0};
	const struct gf_model *m = green_factory_model_get(&err);
	if (!m)
		http_error(req, 500, "internal", NULL, "无法加载绿色工厂评价模型", "%s", err.msg);
	return m;
}

int h_green_factory_model(struct http_req *req)
{
	const struct gf_model *m = model(req);
	if (!m)
		return req->status;
	struct cc_jw w;
	http_jw_begin(req, &w);
	green_factory_write_model(&w, m);
	req->cacheable = 1;
	return http_jw_send(req, &w);
}

/* Writes enterprise I's assessments as the answer. */
static int answer_assessments(struct http_req *req, const struct gf_model *m,
			      const struct cc_frame *f, int i)
{
	static __thread struct gf_assessment a[64];
	struct cc_error err = {0};
	int n = green_factory_read(req->st, m, f->id[i], a, 64, &err);
	if (n < 0)
		return http_error_from(req, n, &err, NULL, "绿色工厂自评读取失败");
	struct cc_jw w;
	http_jw_begin(req, &w);
	green_factory_write_assessments(&w, m, f->uscc[i], f->name[i], a, n);
	return http_jw_send(req, &w);
}

int h_enterprise_green_factory(struct http_req *req)
{
	const struct gf_model *m = model(req);
	struct cc_frame *f = m ? http_frame(req) : NULL;
	if (!f)
		return req->status;
	int i = h_path_enterprise(req, f);
	if (i < 0)
		return req->status;
	return answer_assessments(req, m, f, i);
}

int h_enterprise_green_factory_put(struct http_req *req)
{
	const struct gf_model *m = model(req);
	struct cc_frame *f = m ? http_frame(req) : NULL;
	if (!f)
		return req->status;
	int i = h_path_enterprise(req, f);
	if (i < 0)
		return req->status;
	const char *ys = req->params[1];
	long long year;
	if (cc_parse_int64(ys, strlen(ys), &year) || year < 1900 || year > 2200)
		return http_error(req, 400, "invalid", "year", "年份无效",
				  "year must be 1900-2200");
	json_t *body = http_body_json(req);
	if (!body)
		return req->status;
	struct gf_assessment a;
	struct cc_error err = {0};
	char field[96] = "";
	memset(&a, 0, sizeof a);
	int rc = green_factory_parse_body(m, body, &a, field, &err);
	json_decref(body);
	if (rc)
		return http_error(req, 400, "invalid", field[0] ? field : NULL,
				  "绿色工厂自评内容无效", "%s", err.msg);
	a.year = (int)year;
	char target[64];
	snprintf(target, sizeof target, "%s/%lld", f->uscc[i], year);
	rc = cc_store_begin(req->st, &err);
	if (rc == 0)
		rc = green_factory_save(req->st, m, f->id[i], &a, req->user.username, &err);
	if (rc == 0)
		rc = http_audit(req, "green.factory_assess", target, NULL, req->body);
	if (rc == 0)
		rc = cc_store_commit(req->st, &err);
	else
		cc_store_rollback(req->st);
	if (rc)
		return http_error_from(req, rc, &err, NULL, "绿色工厂自评保存失败");
	return answer_assessments(req, m, f, i);
}

int h_green_factory_summary(struct http_req *req)
{
	const struct gf_model *m = model(req);
	struct cc_frame *f = m ? http_frame(req) : NULL;
	if (!f)
		return req->status;
	long long year = 0, region = 0;
	const char *v = http_query(req, "year");
	if (v && *v && (cc_parse_int64(v, strlen(v), &year) || year < 1900 || year > 2200))
		return http_error(req, 400, "invalid", "year", "年份无效",
				  "year must be 1900-2200");
	v = http_query(req, "region");
	if (v && *v && (cc_parse_int64(v, strlen(v), &region) || region < 1 || region > 999999))
		return http_error(req, 400, "invalid", "region", "地区代码无效",
				  "region must be a region code");
	uint8_t *only =
		req->user.role == HTTP_ROLE_CHIEF ? green_chain_mask(f, req->user.chains) : NULL;
	if (req->user.role == HTTP_ROLE_CHIEF && !only)
		return http_error(req, 500, "internal", NULL, "内存不足", "out of memory");
	struct cc_error err = {0};
	struct cc_jw w;
	http_jw_begin(req, &w);
	int rc = green_factory_write_summary(&w, req->st, f, m, (int)year, (int)region, only, &err);
	free(only);
	if (rc)
		return http_error_from(req, err.code, &err, NULL, "绿色工厂自评汇总失败");
	return http_jw_send(req, &w);
}
