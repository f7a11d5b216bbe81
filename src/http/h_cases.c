/*
 * 一企一策 cases over HTTP. The work, reads included, is cases/ (the same functions the CLI's
 * `case` command calls); these handlers check input and roles and turn results into JSON. An
 * enterprise user sees, opens and comments on only its own cases and cannot move them (the
 * route table gives moves to staff).
 */
#include <stdio.h>
#include <string.h>
#include "base/parse.h"
#include "cases/cases.h"
#include "domain/uscc.h"
#include "http/handlers.h"

/* A string field: the text, or JSON null for NULL. */
static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* One case as the API writes it (the keys are the API's: see docs/API.md). */
static json_t *case_row_json(const struct case_row *r)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer((json_int_t)r->id));
	json_object_set_new(o, "uscc", str_or_null(r->uscc));
	json_object_set_new(o, "name", str_or_null(r->name));
	json_object_set_new(o, "kind", str_or_null(r->kind));
	json_object_set_new(o, "title", str_or_null(r->title));
	json_object_set_new(o, "detail", str_or_null(r->detail));
	json_object_set_new(o, "department", str_or_null(r->department));
	json_object_set_new(o, "owner", str_or_null(r->owner));
	json_object_set_new(o, "deadline", str_or_null(r->deadline));
	json_object_set_new(o, "status", str_or_null(r->status));
	json_object_set_new(o, "created_at", str_or_null(r->created_at));
	json_object_set_new(o, "overdue", json_boolean(r->overdue));
	return o;
}

int h_cases(struct http_req *req)
{
	struct cc_error err = {0};
	struct case_row *rows = NULL;
	int n = 0;
	const char *overdue = http_query(req, "overdue");
	struct case_filter f = {
		.status = http_query(req, "status"),
		.department = http_query(req, "department"),
		.uscc = req->user.role == HTTP_ROLE_ENTERPRISE ? req->user.uscc : NULL,
		.overdue = overdue && strcmp(overdue, "1") == 0,
		.limit = 1000,
	};
	int rc = case_list(req->st, &f, &rows, &n, &err);
	if (rc)
		return http_error_from(req, rc, &err, NULL, "无法读取案例");
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, case_row_json(&rows[i]));
	case_rows_free(rows, n);
	return http_json(req, 200,
			 json_pack("{s:o, s:n, s:i}", "items", a, "next_cursor", "total", n));
}

/*
 * Reads the case of path parameter 0 into *R (release with case_row_release) when it exists
 * and the user may see it; returns 0, or the error status already answered on REQ (400 bad
 * number, 404 no such case, 403 another enterprise's case).
 */
static int case_of_path(struct http_req *req, struct case_row *r)
{
	struct cc_error err = {0};
	const char *p = req->params[0];
	long long id;
	int rc;
	memset(r, 0, sizeof *r);
	if (cc_parse_int64(p, strlen(p), &id) || id < 1)
		return http_error(req, 400, "invalid", "id", "无效的案例编号",
				  "invalid case number");
	rc = case_get(req->st, id, r, &err);
	if (rc == CC_ENOTFOUND)
		return http_error(req, 404, "not_found", "id", "没有该案例", "no case %lld", id);
	if (rc)
		return http_error_from(req, rc, &err, "id", "无法读取案例");
	if (req->user.role == HTTP_ROLE_ENTERPRISE &&
	    (!r->uscc || strcmp(r->uscc, req->user.uscc) != 0)) {
		case_row_release(r);
		return http_error(req, 403, "forbidden", "id", "企业用户只能查看本企业的案例",
				  "an enterprise account sees only its own cases");
	}
	return 0;
}

int h_case(struct http_req *req)
{
	struct cc_error err = {0};
	struct case_row r;
	struct case_comment_row *cm = NULL;
	int n = 0;
	if (case_of_path(req, &r))
		return req->status;
	int rc = case_comments_list(req->st, r.id, &cm, &n, &err);
	if (rc) {
		case_row_release(&r);
		return http_error_from(req, rc, &err, NULL, "无法读取案例备注");
	}
	json_t *comments = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(
			comments,
			json_pack("{s:o, s:o, s:o, s:o, s:o}", "at", str_or_null(cm[i].at), "actor",
				  str_or_null(cm[i].actor), "text", str_or_null(cm[i].text), "from",
				  str_or_null(cm[i].from), "to", str_or_null(cm[i].to)));
	case_comments_free(cm, n);
	json_t *c = case_row_json(&r);
	case_row_release(&r);
	return http_json(req, 200, json_pack("{s:o, s:o}", "case", c, "comments", comments));
}

int h_case_open(struct http_req *req)
{
	json_t *b = http_body_json(req);
	struct cc_error err = {0};
	if (!b)
		return req->status;
	struct case_new c;
	c.uscc = json_string_value(json_object_get(b, "uscc"));
	c.kind = json_string_value(json_object_get(b, "kind"));
	c.title = json_string_value(json_object_get(b, "title"));
	c.detail = json_string_value(json_object_get(b, "detail"));
	c.department = json_string_value(json_object_get(b, "department"));
	c.owner = json_string_value(json_object_get(b, "owner"));
	c.deadline = json_string_value(json_object_get(b, "deadline"));
	c.actor = req->user.username;
	if (req->user.role == HTTP_ROLE_ENTERPRISE) {
		char canon[19];
		struct cc_error e;
		if (!c.uscc)
			c.uscc = req->user.uscc; /* an enterprise states its own needs */
		if (cc_uscc_validate(c.uscc, strlen(c.uscc), canon, NULL, &e) ||
		    strcmp(canon, req->user.uscc) != 0) {
			json_decref(b);
			return http_error(req, 403, "forbidden", "uscc",
					  "企业用户只能为本企业提出诉求",
					  "an enterprise account opens cases for itself only");
		}
	}
	int64_t id = 0;
	int rc = case_open(req->st, &c, &id, &err);
	json_decref(b);
	if (rc)
		return http_error_from(req, rc, &err, NULL, "无法建立案例");
	return http_json(req, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

/*
 * The case of the path (as the caller may see it) and the request's JSON body, for a write to
 * a case: returns the body (the caller releases it) with *ID set, or NULL with the answer set.
 */
static json_t *case_write(struct http_req *req, int64_t *id)
{
	struct case_row r;
	if (case_of_path(req, &r))
		return NULL;
	*id = r.id;
	case_row_release(&r);
	return http_body_json(req);
}

int h_case_move(struct http_req *req)
{
	int64_t id;
	struct cc_error err = {0};
	json_t *b = case_write(req, &id);
	if (!b)
		return req->status;
	int rc = case_move(req->st, id, json_string_value(json_object_get(b, "to")),
			   json_string_value(json_object_get(b, "comment")), req->user.username,
			   &err);
	json_decref(b);
	if (rc)
		return http_error_from(req, rc, &err, NULL, "无法变更状态");
	return http_json(req, 200, json_pack("{s:b}", "ok", 1));
}

int h_case_comment(struct http_req *req)
{
	int64_t id;
	struct cc_error err = {0};
	json_t *b = case_write(req, &id);
	if (!b)
		return req->status;
	int rc = case_comment(req->st, id, json_string_value(json_object_get(b, "text")),
			      req->user.username, &err);
	json_decref(b);
	if (rc)
		return http_error_from(req, rc, &err, "text", "无法添加备注");
	return http_json(req, 201, json_pack("{s:b}", "ok", 1));
}
