/*
 * Admin routes: accounts and the audit log.
 */
#include <stdio.h>
#include <string.h>
#include "base/parse.h"
#include "http/handlers.h"

int h_users(struct http_req *req)
{
	struct cc_stmt *s = NULL;
	struct cc_error err;
	if (cc_stmt_prepare(req->st, &s,
			    "SELECT username, role, uscc, chains, disabled, created_at FROM users "
			    "ORDER BY username",
			    &err))
		return http_error(req, 500, "internal", NULL, "数据库错误", "%s", err.msg);
	json_t *a = json_array();
	while (cc_stmt_step(s, &err) == 1)
		json_array_append_new(
			a, json_pack("{s:s, s:s, s:s?, s:s?, s:b, s:s}", "username",
				     cc_stmt_text(s, 0), "role", cc_stmt_text(s, 1), "uscc",
				     cc_stmt_is_null(s, 2) ? NULL : cc_stmt_text(s, 2), "chains",
				     cc_stmt_is_null(s, 3) ? NULL : cc_stmt_text(s, 3), "disabled",
				     (int)cc_stmt_int64(s, 4), "created_at", cc_stmt_text(s, 5)));
	cc_stmt_free(s);
	return http_json(req, 200,
			 json_pack("{s:o, s:n, s:I}", "items", a, "next_cursor", "total",
				   (json_int_t)json_array_size(a)));
}

int h_user_create(struct http_req *req)
{
	json_t *b = http_body_json(req);
	struct cc_error err = {0};
	if (!b)
		return req->status;
	const char *fields[] = {"username", "password", "role", "uscc", "chains"};
	const char *v[5];
	char chains[512] = "";
	/* chains: a list of chain ids, or the same comma-separated. */
	json_t *jc = json_object_get(b, "chains");
	if (json_is_array(jc)) {
		size_t used = 0, i;
		json_t *x;
		json_array_foreach(jc, i, x)
		{
			const char *id = json_string_value(x);
			if (!id) {
				int st_ = http_error(req, 400, "invalid", "chains",
						     "产业链应为字符串列表",
						     "chains must be a list of chain ids");
				json_decref(b);
				return st_;
			}
			int w = snprintf(chains + used, sizeof chains - used, "%s%s",
					 used ? "," : "", id);
			if (w > 0 && (size_t)w < sizeof chains - used)
				used += (size_t)w;
		}
		json_object_set_new(b, "chains", json_string(chains));
	}
	for (int i = 0; i < 5; i++) {
		json_t *x = json_object_get(b, fields[i]);
		v[i] = json_string_value(x);
		if (x && !json_is_null(x) && !v[i]) {
			int st_ = http_error(req, 400, "invalid", fields[i], "字段类型错误",
					     "'%s' must be a string", fields[i]);
			json_decref(b);
			return st_;
		}
	}
	/* institution: an investor's institution id (an integer). */
	json_t *ji = json_object_get(b, "institution");
	if (ji && !json_is_null(ji) && !json_is_integer(ji)) {
		json_decref(b);
		return http_error(req, 400, "invalid", "institution", "机构应为编号",
				  "institution must be an institution id (an integer)");
	}
	int rc = http_user_create(req->st, v[0], v[1], v[2], v[3], v[4],
				  ji ? (int64_t)json_integer_value(ji) : 0, &err);
	if (rc == 0) {
		char after[256];
		snprintf(after, sizeof after, "{\"username\":\"%s\",\"role\":\"%s\"}", v[0], v[2]);
		http_audit(req, "user.create", v[0], NULL, after);
	}
	json_decref(b);
	if (rc == CC_EEXIST)
		return http_error(req, 409, "conflict", "username", "用户名已存在", "%s", err.msg);
	if (rc)
		return http_error_from(req, rc, &err, NULL, "无法创建用户");
	return http_json(req, 201, json_pack("{s:b}", "ok", 1));
}

int h_user_patch(struct http_req *req)
{
	json_t *b = http_body_json(req);
	struct cc_error err = {0};
	if (!b)
		return req->status;
	json_t *d = json_object_get(b, "disabled");
	json_t *p = json_object_get(b, "password");
	if ((d && !json_is_boolean(d)) || (p && !json_is_string(p)) || (!d && !p)) {
		int st_ = http_error(req, 400, "invalid", NULL,
				     "应提供 disabled（布尔）或 password（字符串）",
				     "give disabled (boolean) or password (string)");
		json_decref(b);
		return st_;
	}
	int rc = http_user_update(req->st, req->params[0], p ? json_string_value(p) : NULL,
				  d ? json_is_true(d) : -1, &err);
	if (rc == 0)
		http_audit(req,
			   d ? (json_is_true(d) ? "user.disable" : "user.enable") : "user.password",
			   req->params[0], NULL, NULL);
	json_decref(b);
	if (rc == CC_ENOTFOUND)
		return http_error(req, 404, "not_found", "username", "没有该用户", "%s", err.msg);
	if (rc)
		return http_error_from(req, rc, &err, NULL, "无法修改用户");
	return http_json(req, 200, json_pack("{s:b}", "ok", 1));
}

int h_audit(struct http_req *req)
{
	long long limit = 50, cursor = 0;
	const char *v;
	if ((v = http_query(req, "limit")) &&
	    (cc_parse_int64(v, strlen(v), &limit) || limit < 1 || limit > 500))
		return http_error(req, 400, "invalid", "limit", "limit 应为 1–500 的整数",
				  "limit must be a whole number from 1 to 500");
	if ((v = http_query(req, "cursor")) && *v &&
	    (cc_parse_int64(v, strlen(v), &cursor) || cursor < 0))
		return http_error(req, 400, "invalid", "cursor", "无效的分页游标",
				  "invalid cursor");
	struct cc_stmt *s = NULL;
	struct cc_error err;
	if (cc_stmt_prepare(req->st, &s,
			    "SELECT id, at, actor, action, target, before, after FROM audit WHERE "
			    "(?1 = 0 OR id < ?1) ORDER BY id DESC LIMIT ?2",
			    &err))
		return http_error(req, 500, "internal", NULL, "数据库错误", "%s", err.msg);
	cc_stmt_bind_int64(s, 1, cursor);
	cc_stmt_bind_int64(s, 2, limit + 1);
	json_t *a = json_array();
	long long last = 0;
	int n = 0, more = 0;
	while (cc_stmt_step(s, &err) == 1) {
		if (n == limit) {
			more = 1;
			break;
		}
		last = cc_stmt_int64(s, 0);
		json_t *item =
			json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s?, s:s?}", "id", (json_int_t)last,
				  "at", cc_stmt_text(s, 1), "actor", cc_stmt_text(s, 2), "action",
				  cc_stmt_text(s, 3), "target",
				  cc_stmt_is_null(s, 4) ? NULL : cc_stmt_text(s, 4), "before",
				  cc_stmt_is_null(s, 5) ? NULL : cc_stmt_text(s, 5), "after",
				  cc_stmt_is_null(s, 6) ? NULL : cc_stmt_text(s, 6));
		if (!item) /* text that is not UTF-8 (never written by us, but never lost either) */
			item = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)last, "at",
					 cc_stmt_text(s, 1), "action", "(unreadable entry)");
		json_array_append_new(a, item);
		n++;
	}
	cc_stmt_free(s);
	json_t *next = json_null();
	if (more) {
		char c[32];
		snprintf(c, sizeof c, "%lld", last);
		next = json_string(c);
	}
	return http_json(
		req, 200,
		json_pack("{s:o, s:o, s:I}", "items", a, "next_cursor", next, "total",
			  (json_int_t)cc_store_int(req->st, "SELECT count(*) FROM audit", 0)));
}
