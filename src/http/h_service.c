/*
 * Solution-provider matching routes (issue 16, item 6): a retrofit project's need posted as a
 * service demand, and the providers the matching engine ranks for it (match_rank: capability,
 * industry served, the 川渝 preference, track record, credibility, each explained). An
 * enterprise user posts and reads only its own projects' needs.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/jw.h"
#include "base/parse.h"
#include "digital/retrofit.h"
#include "frame/frame.h"
#include "http/handlers.h"
#include "match/match.h"

/* The project of path parameter 0 into *ID with its need posting and, for an enterprise user,
 * the check that it is its own. Returns 0, or the status already set. */
static int project_of(struct http_req *req, const struct cc_frame *f, long long *id,
		      int64_t *posting)
{
	const char *p = req->params[0];
	if (cc_parse_int64(p, strlen(p), id) || *id < 1)
		return http_error(req, 400, "invalid", "project", "项目编号无效", "bad project id");
	int64_t owner = 0;
	struct cc_error err = {0};
	if (retrofit_need_of(req->st, *id, posting, &owner, &err))
		return http_error_from(req, err.code, &err, "project", "没有该项目");
	if (req->user.role == HTTP_ROLE_ENTERPRISE) {
		int i = cc_frame_find(f, req->user.uscc);
		if (i < 0 || f->id[i] != owner)
			return http_error(req, 403, "forbidden", "project", "只能查看本企业的项目",
					  "an enterprise account uses only its own projects");
	}
	return 0;
}

int h_retrofit_need(struct http_req *req)
{
	struct cc_frame *f = http_frame(req);
	if (!f)
		return req->status;
	long long id;
	int64_t posting = 0;
	if (project_of(req, f, &id, &posting))
		return req->status;
	struct cc_error err = {0};
	int created = 0;
	if (retrofit_need_post(req->st, id, req->user.username, &posting, &created, &err))
		return http_error(req, err.code == CC_EINVAL ? 409 : h_status_of(err.code),
				  err.code == CC_EINVAL ? "conflict" : h_code_of(err.code),
				  "project", "只有计划中的项目可以发布服务需求", "%s", err.msg);
	json_t *o = json_pack("{s:I, s:b, s:o?}", "need_posting", (json_int_t)posting, "created",
			      created, "posting", posting_get(req->st, posting, 1, &err));
	return http_json(req, created ? 201 : 200, o);
}

int h_retrofit_providers(struct http_req *req)
{
	struct cc_frame *f = http_frame(req);
	if (!f)
		return req->status;
	long long id, limit = 20, offset = 0;
	int64_t posting = 0;
	if (project_of(req, f, &id, &posting))
		return req->status;
	const char *v;
	if (((v = http_query(req, "limit")) && *v &&
	     (cc_parse_int64(v, strlen(v), &limit) || limit < 1 || limit > 200)) ||
	    ((v = http_query(req, "cursor")) && *v &&
	     (cc_parse_int64(v, strlen(v), &offset) || offset < 0 || offset > 100000)))
		return http_error(req, 400, "invalid", "limit", "分页参数无效",
				  "limit must be 1 to 200 and cursor a position");
	if (!posting)
		return http_error(req, 409, "conflict", "project", "该项目尚未发布服务需求",
				  "project %lld has no need posted: POST its need first", id);
	struct match_result r;
	struct cc_error err = {0};
	int rc = match_rank(req->st, f, posting, NULL, &r, &err);
	if (rc)
		return http_error(req, rc == CC_EINVAL ? 409 : h_status_of(rc),
				  rc == CC_EINVAL ? "conflict" : h_code_of(rc), "project",
				  "该项目的服务需求已撤回或过期", "%s", err.msg);
	json_t *head = json_pack("{s:I, s:I, s:o?, s:i}", "project", (json_int_t)id, "need_posting",
				 (json_int_t)posting, "posting",
				 posting_get(req->st, posting, 1, &err), "total", r.n);
	char *hs = head ? cc_jw_text(head) : NULL;
	json_decref(head);
	struct cc_buf *b = &req->resp;
	cc_buf_reset(b);
	if (hs && strlen(hs) > 2) {
		cc_buf_append(b, hs, strlen(hs) - 1); /* without its closing brace */
		cc_buf_puts(b, ",\"items\":[");
		for (long long i = offset; i < r.n && i < offset + limit; i++) {
			if (i > offset)
				cc_buf_putc(b, ',');
			match_item_write(req->st, f, &r, (int)i, b);
		}
		if (offset + limit < r.n)
			cc_buf_printf(b, "],\"next_cursor\":\"%lld\"}", offset + limit);
		else
			cc_buf_puts(b, "],\"next_cursor\":null}");
	}
	free(hs);
	match_result_free(&r);
	if (!hs || b->failed)
		return http_error(req, 500, "internal", NULL, "响应过大或内存不足",
				  "the providers could not be written");
	req->status = 200;
	req->resp_type = "application/json; charset=utf-8";
	return 200;
}

int h_digital_need(struct http_req *req)
{
	struct cc_frame *f = http_frame(req);
	if (!f)
		return req->status;
	const char *u = req->params[0];
	int i = cc_frame_find(f, u);
	if (i < 0)
		return http_error(req, 404, "not_found", "uscc", "企业不存在", "no enterprise '%s'",
				  u);
	if (req->user.role == HTTP_ROLE_ENTERPRISE && strcmp(f->uscc[i], req->user.uscc) != 0)
		return http_error(req, 403, "forbidden", "uscc", "只能发布本企业的需求",
				  "an enterprise account posts its own needs only");
	struct cc_error err = {0};
	int64_t posting = 0;
	int created = 0;
	if (retrofit_gap_need_post(req->st, f->id[i], req->user.username, &posting, &created, &err))
		return http_error(req, err.code == CC_EINVAL ? 409 : h_status_of(err.code),
				  err.code == CC_EINVAL ? "conflict" : h_code_of(err.code), "uscc",
				  "没有可由服务商解决的成熟度差距", "%s", err.msg);
	json_t *o = json_pack("{s:I, s:b, s:o?}", "need_posting", (json_int_t)posting, "created",
			      created, "posting", posting_get(req->st, posting, 1, &err));
	return http_json(req, created ? 201 : 200, o);
}
