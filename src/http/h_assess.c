/*
 * The self-assessment routes shared by GB/T 39116 (h_digital.c) and GB/T 36132
 * (h_green_factory.c): see h_assess.h. The JSON is the standard's writers', as the CLI's.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/jw.h"
#include "base/parse.h"
#include "frame/frame.h"
#include "green/green.h"
#include "http/h_assess.h"
#include "store/store.h"

enum { MAX_YEARS = 64 }; /* the assessments of one enterprise read at most */

static const void *model(struct http_req *req, const struct assess_std *std)
{
	struct cc_error err = {0};
	const void *m = std->model(&err);
	if (!m)
		http_error(req, 500, "internal", NULL, std->zh_model, "%s", err.msg);
	return m;
}

int h_assess_model(struct http_req *req, const struct assess_std *std)
{
	const void *m = model(req, std);
	if (!m)
		return req->status;
	struct cc_jw w;
	http_jw_begin(req, &w);
	std->write_model(&w, m);
	req->cacheable = 1;
	return http_jw_send(req, &w);
}

/* Writes enterprise I's assessments as the answer. */
static int answer_assessments(struct http_req *req, const struct assess_std *std, const void *m,
			      const struct cc_frame *f, int i)
{
	struct cc_error err = {0};
	void *a = malloc(std->record_size * MAX_YEARS);
	if (!a)
		return http_error(req, 500, "internal", NULL, "内存不足", "out of memory");
	int n = std->read(req->st, m, f->id[i], a, MAX_YEARS, &err);
	if (n < 0) {
		free(a);
		return http_error_from(req, n, &err, NULL, std->zh_read);
	}
	struct cc_jw w;
	http_jw_begin(req, &w);
	std->write_assessments(&w, m, f->uscc[i], f->name[i], a, n);
	free(a);
	return http_jw_send(req, &w);
}

/* The model (*M), the frame (*F) and the row of the path's enterprise, or -1 after
 * answering. */
static int path_enterprise(struct http_req *req, const struct assess_std *std, const void **m,
			   struct cc_frame **f)
{
	*m = model(req, std);
	*f = *m ? http_frame(req) : NULL;
	return *f ? h_path_enterprise(req, *f) : -1;
}

int h_assess_get(struct http_req *req, const struct assess_std *std)
{
	const void *m;
	struct cc_frame *f;
	int i = path_enterprise(req, std, &m, &f);
	return i < 0 ? req->status : answer_assessments(req, std, m, f, i);
}

/* The year V (a path or query value): 0 with *YEAR, or after answering 400. */
static int parse_year(struct http_req *req, const char *v, long long *year)
{
	if (cc_parse_int64(v, strlen(v), year) || *year < 1900 || *year > 2200)
		return http_error(req, 400, "invalid", "year", "年份无效",
				  "year must be 1900-2200");
	return 0;
}

int h_assess_put(struct http_req *req, const struct assess_std *std)
{
	const void *m;
	struct cc_frame *f;
	int i = path_enterprise(req, std, &m, &f);
	if (i < 0)
		return req->status;
	long long year;
	if (parse_year(req, req->params[1], &year))
		return req->status;
	json_t *body = http_body_json(req);
	if (!body)
		return req->status;
	void *a = calloc(1, std->record_size);
	struct cc_error err = {0};
	char field[96] = "";
	int rc = a ? std->parse_body(m, body, a, field, &err) : CC_ENOMEM;
	json_decref(body);
	if (!a)
		return http_error(req, 500, "internal", NULL, "内存不足", "out of memory");
	if (rc) {
		free(a);
		return http_error(req, 400, "invalid", field[0] ? field : NULL, std->zh_invalid,
				  "%s", err.msg);
	}
	*(int *)a = (int)year; /* the record's first member */
	char target[64];
	snprintf(target, sizeof target, "%s/%lld", f->uscc[i], year);
	rc = cc_store_begin(req->st, &err);
	if (rc == 0)
		rc = std->save(req->st, m, f->id[i], a, req->user.username, &err);
	if (rc == 0)
		rc = http_audit(req, std->audit, target, NULL, req->body);
	if (rc == 0)
		rc = cc_store_commit(req->st, &err);
	else
		cc_store_rollback(req->st);
	free(a);
	if (rc)
		return http_error_from(req, rc, &err, NULL, std->zh_save);
	return answer_assessments(req, std, m, f, i);
}

int h_assess_summary(struct http_req *req, const struct assess_std *std,
		     json_t *(*as_of)(struct cc_store *st, const struct cc_frame *f, int region,
				      const uint8_t *only, int year))
{
	const void *m = model(req, std);
	struct cc_frame *f = m ? http_frame(req) : NULL;
	if (!f)
		return req->status;
	long long year = 0, region = 0;
	const char *v = http_query(req, "year");
	if (v && *v && parse_year(req, v, &year))
		return req->status;
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
	int rc = std->write_summary(&w, req->st, f, m, (int)year, (int)region, only, &err);
	json_t *j = rc || !as_of ? NULL : as_of(req->st, f, (int)region, only, (int)year);
	free(only);
	if (rc)
		return http_error_from(req, err.code, &err, NULL, std->zh_summary);
	return as_of ? h_jw_send_as_of(req, &w, j) : http_jw_send(req, &w);
}
