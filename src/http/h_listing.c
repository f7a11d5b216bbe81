/*
 * Listing coordination routes (上市服务, issue 17 item 5). The investor's confinement is
 * listing/'s (one VISIBLE rule over the reserve and consent); here each route passes the
 * asking institution — 0 for staff, the investor's own for an investor — and an enterprise
 * user acts only on its own credit code. An investor without an institution is refused.
 */
#include <string.h>
#include "base/parse.h"
#include "domain/uscc.h"
#include "http/handlers.h"
#include "listing/listing.h"

/* The institution REQ reads as: 0 for staff, the investor's institution, or -1 (refused: a
 * 403 is set). */
static int64_t asker(struct http_req *req)
{
	if (req->user.role != HTTP_ROLE_INVESTOR)
		return 0;
	if (req->user.institution_id <= 0) {
		http_error(req, 403, "forbidden", NULL, "投资机构账户未绑定机构",
			   "this investor account is bound to no institution");
		return -1;
	}
	return req->user.institution_id;
}

/* 1 when an enterprise user asks about another enterprise than its own (403 set). */
static int not_own(struct http_req *req, const char *uscc)
{
	char canon[19];
	struct cc_error e;
	if (req->user.role != HTTP_ROLE_ENTERPRISE)
		return 0;
	if (uscc && cc_uscc_validate(uscc, strlen(uscc), canon, NULL, &e) == 0 &&
	    strcmp(canon, req->user.uscc) == 0)
		return 0;
	http_error(req, 403, "forbidden", "uscc", "企业账户只能操作本企业",
		   "an enterprise account acts on its own enterprise only");
	return 1;
}

int h_listing_reserve(struct http_req *req)
{
	struct cc_error err = {0};
	int64_t inst = asker(req);
	if (inst < 0)
		return req->status;
	json_t *names = listing_names(&err);
	json_t *a = names ? listing_reserve(req->st, inst, &err) : NULL;
	if (!a) {
		json_decref(names);
		return http_error_from(req, err.code, &err, NULL, "读取后备企业失败");
	}
	json_object_set_new(names, "items", a);
	json_object_set_new(names, "consented_only", json_boolean(inst > 0));
	return http_json(req, 200, names);
}

int h_listing_firm(struct http_req *req)
{
	struct cc_error err = {0};
	int64_t inst = asker(req);
	if (inst < 0 || not_own(req, req->params[0]))
		return req->status;
	json_t *j = listing_firm(req->st, req->params[0], inst, &err);
	if (!j)
		return http_error_from(req, err.code, &err, "uscc", "未找到该后备企业");
	json_t *names = listing_names(&err);
	if (names)
		json_object_update(j, names);
	json_decref(names);
	return http_json(req, 200, j);
}

int h_listing_engage(struct http_req *req)
{
	struct cc_error err = {0};
	int64_t inst = asker(req);
	if (inst < 0)
		return req->status;
	json_t *b = http_body_json(req);
	if (!b)
		return req->status;
	int rc = listing_engage(
		req->st, inst, req->params[0], json_string_value(json_object_get(b, "kind")),
		json_string_value(json_object_get(b, "note")), req->user.username, &err);
	json_decref(b);
	if (rc)
		return http_error_from(req, rc, &err, rc == CC_EINVAL ? "kind" : "uscc",
				       rc == CC_EINVAL ? "对接类型无效" : "未找到该后备企业");
	return http_json(req, 201, json_pack("{s:b}", "ok", 1));
}

int h_listing_consent(struct http_req *req)
{
	struct cc_error err = {0};
	if (not_own(req, req->params[0]))
		return req->status;
	json_t *b = http_body_json(req);
	if (!b)
		return req->status;
	json_t *g = json_object_get(b, "granted");
	if (!json_is_boolean(g)) {
		json_decref(b);
		return http_error(req, 400, "invalid", "granted", "granted 应为 true 或 false",
				  "granted must be true or false");
	}
	int granted = json_is_true(g);
	json_decref(b);
	int rc = listing_consent(req->st, req->params[0], granted, req->user.username, &err);
	if (rc)
		return http_error_from(req, rc, &err, "uscc", "无法记录授权");
	return http_json(req, 200, json_pack("{s:b}", "granted", granted));
}

int h_listing_progress(struct http_req *req)
{
	struct cc_error err = {0};
	json_t *b = http_body_json(req);
	if (!b)
		return req->status;
	json_t *sp = json_object_get(b, "sponsor");
	if (sp && !json_is_null(sp) && !json_is_integer(sp)) {
		json_decref(b);
		return http_error(req, 400, "invalid", "sponsor", "保荐机构应为机构编号",
				  "sponsor must be an institution id");
	}
	struct listing_move m = {.uscc = req->params[0],
				 .stage = json_string_value(json_object_get(b, "stage")),
				 .date = json_string_value(json_object_get(b, "date")),
				 .board = json_string_value(json_object_get(b, "board")),
				 .sponsor = sp ? (int64_t)json_integer_value(sp) : 0,
				 .actor = req->user.username};
	int rc = listing_progress_set(req->st, &m, &err);
	json_decref(b);
	if (rc)
		return http_error_from(req, rc, &err, NULL, "无法记录上市进程");
	json_t *j = listing_firm(req->st, req->params[0], 0, &err);
	return j ? http_json(req, 200, j) : http_error_from(req, err.code, &err, NULL, NULL);
}

int h_listing_funnel(struct http_req *req)
{
	struct cc_error err = {0};
	json_t *j = listing_funnel(req->st, &err);
	if (!j)
		return http_error_from(req, err.code, &err, NULL, "无法统计上市进程");
	return http_json(req, 200, j);
}

int h_listing_funnel_history(struct http_req *req)
{
	struct cc_error err = {0};
	long long months = 24;
	const char *m = http_query(req, "months");
	if (m && (cc_parse_int64(m, strlen(m), &months) || months < 1 || months > 120))
		return http_error(req, 400, "invalid", "months", "months 应为 1 到 120",
				  "months must be 1 to 120");
	json_t *j = listing_funnel_history(req->st, (int)months, http_query(req, "today"), &err);
	if (!j)
		return http_error_from(req, err.code, &err, "today", "无法统计上市进程");
	return http_json(req, 200, j);
}

/* GET lists the stalled firms; POST also opens their 一企一策 cases. */
static int stalled(struct http_req *req, int open)
{
	struct cc_error err = {0};
	long long months = 0;
	const char *m = http_query(req, "months");
	if (m && (cc_parse_int64(m, strlen(m), &months) || months < 1 || months > 600))
		return http_error(req, 400, "invalid", "months", "months 应为 1 到 600",
				  "months must be 1 to 600");
	json_t *j = listing_stalled(req->st, (int)months, http_query(req, "today"), open,
				    req->user.username, &err);
	if (!j)
		return http_error_from(req, err.code, &err, NULL, "无法查找停滞企业");
	return http_json(req, 200, j);
}

int h_listing_stalled(struct http_req *req)
{
	return stalled(req, 0);
}

int h_listing_stalled_open(struct http_req *req)
{
	return stalled(req, 1);
}

int h_listing_institutions(struct http_req *req)
{
	struct cc_error err = {0};
	json_t *a = listing_institutions(req->st, &err);
	if (!a)
		return http_error_from(req, err.code, &err, NULL, NULL);
	return http_json(req, 200, json_pack("{s:o}", "items", a));
}

int h_listing_institution_add(struct http_req *req)
{
	struct cc_error err = {0};
	int64_t id = 0;
	json_t *b = http_body_json(req);
	if (!b)
		return req->status;
	int rc = listing_institution_add(req->st, json_string_value(json_object_get(b, "name")),
					 json_string_value(json_object_get(b, "kind")),
					 req->user.username, &id, &err);
	json_decref(b);
	if (rc)
		return http_error_from(req, rc, &err, rc == CC_EEXIST ? "name" : NULL,
				       "机构信息无效");
	return http_json(req, 201, json_pack("{s:I}", "id", (json_int_t)id));
}
