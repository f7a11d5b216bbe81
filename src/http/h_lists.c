/*
 * Cultivation lists and 一企一策 cases over HTTP. The work is lists/ and cases/; these
 * handlers check input and roles and turn results into JSON. An enterprise user sees and
 * opens only its own cases.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/json.h"
#include "base/parse.h"
#include "cases/cases.h"
#include "domain/uscc.h"
#include "http/handlers.h"
#include "lists/lists.h"

static int int_param(struct http_req *req, const char *name, int *out)
{
	const char *v = http_query(req, name);
	long long x;
	*out = 0;
	if (!v || !*v)
		return 0;
	if (cc_parse_int64(v, strlen(v), &x) || x < 1 || x > 1000000) {
		http_error(req, 400, "invalid", name, "参数应为正整数",
			   "%s must be a positive number", name);
		return -1;
	}
	*out = (int)x;
	return 0;
}

int h_lists(struct http_req *req)
{
	struct list_version *v = NULL;
	int n = 0;
	struct cc_error err = {0};
	int rc = lists_all(req->st, &v, &n, &err);
	if (rc)
		return http_error(req, 500, "internal", NULL, "无法读取名单", "%s", err.msg);
	json_t *a = json_array();
	for (int i = 0; i < n; i++) {
		json_array_append_new(a,
				      json_pack("{s:s, s:s, s:i, s:s, s:i}", "name", v[i].list,
						"model", v[i].model, "version", v[i].number,
						"created_at", v[i].created_at, "entries", v[i].n));
		lists_version_release(&v[i]);
	}
	free(v);
	return http_json(req, 200,
			 json_pack("{s:o, s:n, s:i}", "items", a, "next_cursor", "total", n));
}

int h_list(struct http_req *req)
{
	struct list_version v;
	struct cc_error err = {0};
	int number;
	if (int_param(req, "version", &number))
		return req->status;
	int rc = lists_version_read(req->st, req->params[0], number, &v, &err);
	if (rc)
		return http_error(req, h_status_of(rc), h_code_of(rc), "list", "没有该名单或版本",
				  "%s", err.msg);
	json_t *entries = json_array();
	for (int i = 0; i < v.n; i++) {
		const struct list_entry *e = &v.e[i];
		json_array_append_new(entries,
				      json_pack("{s:i, s:s, s:s, s:s, s:o, s:b, s:s, s:i, s:s}",
						"rank", e->rank, "uscc", e->uscc, "name",
						e->name ? e->name : "", "tier", e->tier, "score",
						cc_json_num(e->score), "manual", e->manual,
						"reason", e->reason ? e->reason : "", "region",
						e->region, "chains", e->chains ? e->chains : ""));
	}
	json_t *out = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:b, s:i, s:o}", "name", v.list,
				"model", v.model, "version", v.number, "created_at", v.created_at,
				"actor", v.actor, "note", v.note ? v.note : "", "manual", v.manual,
				"year", v.year, "entries", entries);
	lists_version_release(&v);
	return http_json(req, 200, out);
}

int h_list_versions(struct http_req *req)
{
	struct list_version *v = NULL;
	int n = 0;
	struct cc_error err = {0};
	int rc = lists_versions(req->st, req->params[0], &v, &n, &err);
	if (rc)
		return http_error(req, h_status_of(rc), h_code_of(rc), "list", "没有该名单", "%s",
				  err.msg);
	json_t *a = json_array();
	for (int i = 0; i < n; i++) {
		json_array_append_new(a,
				      json_pack("{s:i, s:s, s:s, s:s, s:b, s:i}", "version",
						v[i].number, "created_at", v[i].created_at, "actor",
						v[i].actor, "note", v[i].note ? v[i].note : "",
						"manual", v[i].manual, "entries", v[i].n));
		lists_version_release(&v[i]);
	}
	free(v);
	return http_json(req, 200, json_pack("{s:o}", "items", a));
}

int h_list_diff(struct http_req *req)
{
	struct list_diff d;
	struct cc_error err = {0};
	int from, to;
	if (int_param(req, "from", &from) || int_param(req, "to", &to))
		return req->status;
	if (!to) {
		/* Default: the latest version against the one before it. */
		struct list_version latest;
		int rc0 = lists_version_read(req->st, req->params[0], 0, &latest, &err);
		if (rc0)
			return http_error(req, h_status_of(rc0), h_code_of(rc0), "list",
					  "没有该名单", "%s", err.msg);
		to = latest.number;
		lists_version_release(&latest);
	}
	if (!from)
		from = to > 1 ? to - 1 : 1;
	int rc = lists_diff(req->st, req->params[0], from, to, &d, &err);
	if (rc)
		return http_error(req, h_status_of(rc), h_code_of(rc), "list", "没有该名单或版本",
				  "%s", err.msg);
	json_t *entered = json_array(), *exited = json_array(), *changed = json_array();
	for (int i = 0; i < d.n; i++) {
		const struct list_diff_item *x = &d.items[i];
		if (x->kind == LIST_TIER)
			json_array_append_new(changed,
					      json_pack("{s:s, s:s, s:s, s:s, s:s}", "uscc",
							x->uscc, "name", x->name ? x->name : "",
							"from", x->old_tier, "to", x->new_tier,
							"reason", x->reason ? x->reason : ""));
		else
			json_array_append_new(
				x->kind == LIST_ADD ? entered : exited,
				json_pack("{s:s, s:s, s:s, s:s}", "uscc", x->uscc, "name",
					  x->name ? x->name : "", "tier",
					  x->kind == LIST_ADD ? x->new_tier : x->old_tier, "reason",
					  x->reason ? x->reason : ""));
	}
	lists_diff_release(&d);
	return http_json(req, 200,
			 json_pack("{s:i, s:i, s:o, s:o, s:o}", "from", from, "to", to, "entered",
				   entered, "exited", exited, "changed", changed));
}

int h_list_create(struct http_req *req)
{
	json_t *b = http_body_json(req);
	struct cc_error err = {0};
	if (!b)
		return req->status;
	const char *name = json_string_value(json_object_get(b, "name"));
	const char *model = json_string_value(json_object_get(b, "model"));
	const char *note = json_string_value(json_object_get(b, "note"));
	if (!name || !*name || !model || !*model) {
		json_decref(b);
		return http_error(req, 400, "invalid", !name || !*name ? "name" : "model",
				  "名单需要名称和模型", "a list needs a name and a model");
	}
	struct cc_frame *f = http_frame(req);
	if (!f) {
		json_decref(b);
		return req->status;
	}
	int number = 0;
	int rc = lists_version_from_model(req->st, f, name, model, 1, 0, req->user.username, note,
					  &number, &err);
	json_decref(b);
	if (rc)
		return http_error(req, h_status_of(rc), h_code_of(rc), NULL, "无法创建名单", "%s",
				  err.msg);
	return http_json(req, 201, json_pack("{s:i}", "version", number));
}

int h_list_change(struct http_req *req)
{
	json_t *b = http_body_json(req);
	struct cc_error err = {0};
	if (!b)
		return req->status;
	const char *action = json_string_value(json_object_get(b, "action"));
	struct list_change ch = {0};
	ch.uscc = json_string_value(json_object_get(b, "uscc"));
	ch.tier = json_string_value(json_object_get(b, "tier"));
	ch.reason = json_string_value(json_object_get(b, "reason"));
	ch.kind = !action		      ? 0
		  : !strcmp(action, "add")    ? LIST_ADD
		  : !strcmp(action, "remove") ? LIST_REMOVE
		  : !strcmp(action, "tier")   ? LIST_TIER
					      : 0;
	int st_;
	if (!ch.kind) {
		st_ = http_error(req, 400, "invalid", "action", "action 应为 add、remove 或 tier",
				 "action must be add, remove or tier");
		json_decref(b);
		return st_;
	}
	if (!ch.reason || !*ch.reason) {
		json_decref(b);
		return http_error(req, 400, "invalid", "reason", "每项调整都需要说明理由",
				  "every change needs a reason");
	}
	if (!ch.uscc) {
		json_decref(b);
		return http_error(req, 400, "invalid", "uscc", "请给出统一社会信用代码",
				  "uscc is required");
	}
	int number = 0;
	int rc = lists_version_manual(req->st, req->params[0], &ch, 1, req->user.username, NULL,
				      &number, &err);
	if (rc) {
		st_ = http_error(req, h_status_of(rc), h_code_of(rc), NULL, "无法调整名单", "%s",
				 err.msg);
		json_decref(b);
		return st_;
	}
	json_decref(b);
	return http_json(req, 201, json_pack("{s:i}", "version", number));
}

int h_list_export(struct http_req *req)
{
	struct list_version v;
	struct cc_error err = {0};
	char path[512], name[160];
	int number;
	if (int_param(req, "version", &number))
		return req->status;
	int rc = lists_version_read(req->st, req->params[0], number, &v, &err);
	if (rc)
		return http_error(req, h_status_of(rc), h_code_of(rc), "list", "没有该名单或版本",
				  "%s", err.msg);
	http_file_new(req, "list", ".xlsx", path, sizeof path);
	rc = lists_export_xlsx(&v, path, &err);
	snprintf(name, sizeof name, "list-v%d.xlsx", v.number);
	lists_version_release(&v);
	if (rc) {
		unlink(path);
		return http_error(req, 500, "internal", NULL, "导出失败", "%s", err.msg);
	}
	rc = http_send_file(req, path, HTTP_TYPE_XLSX, name);
	unlink(path);
	return rc;
}

/* ---- cases ---- */

static json_t *row_json(struct cc_stmt *s)
{
	json_t *o = json_object();
	for (int c = 0; c < cc_stmt_columns(s); c++) {
		const char *name = cc_stmt_column_name(s, c);
		if (cc_stmt_is_null(s, c))
			json_object_set_new(o, name, json_null());
		else if (strcmp(name, "id") == 0)
			json_object_set_new(o, name, json_integer(cc_stmt_int64(s, c)));
		else if (strcmp(name, "overdue") == 0)
			json_object_set_new(o, name, json_boolean(cc_stmt_int64(s, c)));
		else
			json_object_set_new(o, name, json_string(cc_stmt_text(s, c)));
	}
	return o;
}

#define CASE_COLUMNS                                                                               \
	"c.id AS id, e.uscc AS uscc, e.name AS name, c.kind AS kind, c.title AS title, "           \
	"c.detail AS detail, c.department AS department, c.owner AS owner, "                       \
	"c.deadline AS deadline, c.status AS status, c.created_at AS created_at, "                 \
	"(c.status IN ('open','in_progress') AND c.deadline < date('now')) AS overdue "

int h_cases(struct http_req *req)
{
	struct cc_stmt *s = NULL;
	struct cc_error err = {0};
	const char *status = http_query(req, "status"), *dept = http_query(req, "department");
	const char *overdue = http_query(req, "overdue");
	const char *own = req->user.role == HTTP_ROLE_ENTERPRISE ? req->user.uscc : NULL;
	if (cc_stmt_prepare(
		    req->st, &s,
		    "SELECT " CASE_COLUMNS "FROM cases c JOIN enterprises e ON e.id = "
		    "c.enterprise_id WHERE (?1 IS NULL OR c.status = ?1) AND (?2 IS NULL OR "
		    "c.department = ?2) AND (?3 IS NULL OR e.uscc = ?3) AND (?4 = 0 OR "
		    "(c.status IN ('open','in_progress') AND c.deadline < date('now'))) "
		    "ORDER BY c.deadline IS NULL, c.deadline, c.id LIMIT 1000",
		    &err))
		return http_error(req, 500, "internal", NULL, "数据库错误", "%s", err.msg);
	if (status && *status)
		cc_stmt_bind_text(s, 1, status, strlen(status));
	if (dept && *dept)
		cc_stmt_bind_text(s, 2, dept, strlen(dept));
	if (own)
		cc_stmt_bind_text(s, 3, own, strlen(own));
	cc_stmt_bind_int64(s, 4, overdue && strcmp(overdue, "1") == 0);
	json_t *a = json_array();
	while (cc_stmt_step(s, &err) == 1)
		json_array_append_new(a, row_json(s));
	cc_stmt_free(s);
	return http_json(req, 200,
			 json_pack("{s:o, s:n, s:I}", "items", a, "next_cursor", "total",
				   (json_int_t)json_array_size(a)));
}

/* The case of path parameter 0 as JSON (NULL after a 404/403 on REQ). */
static json_t *case_json(struct http_req *req, long long *id)
{
	struct cc_stmt *s = NULL;
	struct cc_error err = {0};
	const char *p = req->params[0];
	if (cc_parse_int64(p, strlen(p), id) || *id < 1) {
		http_error(req, 400, "invalid", "id", "无效的案例编号", "invalid case number");
		return NULL;
	}
	json_t *o = NULL;
	if (cc_stmt_prepare(req->st, &s,
			    "SELECT " CASE_COLUMNS "FROM cases c JOIN enterprises e ON e.id = "
			    "c.enterprise_id WHERE c.id = ?1",
			    &err) == 0) {
		cc_stmt_bind_int64(s, 1, *id);
		if (cc_stmt_step(s, &err) == 1)
			o = row_json(s);
	}
	cc_stmt_free(s);
	if (!o) {
		http_error(req, 404, "not_found", "id", "没有该案例", "no case %lld", *id);
		return NULL;
	}
	if (req->user.role == HTTP_ROLE_ENTERPRISE &&
	    strcmp(json_string_value(json_object_get(o, "uscc")), req->user.uscc) != 0) {
		json_decref(o);
		http_error(req, 403, "forbidden", "id", "企业用户只能查看本企业的案例",
			   "an enterprise account sees only its own cases");
		return NULL;
	}
	return o;
}

/* Whether the case of the path exists and the user may see it (0), else the error status
 * already answered. */
static int case_check(struct http_req *req, long long *id)
{
	json_t *c = case_json(req, id);
	if (!c)
		return req->status;
	json_decref(c);
	return 0;
}

int h_case(struct http_req *req)
{
	long long id;
	json_t *c = case_json(req, &id);
	if (!c)
		return req->status;
	struct cc_stmt *s = NULL;
	struct cc_error err = {0};
	json_t *comments = json_array();
	if (cc_stmt_prepare(
		    req->st, &s,
		    "SELECT at, actor, text, status_from AS \"from\", status_to AS \"to\" FROM "
		    "case_comments WHERE case_id = ?1 ORDER BY id",
		    &err) == 0) {
		cc_stmt_bind_int64(s, 1, id);
		while (cc_stmt_step(s, &err) == 1)
			json_array_append_new(comments, row_json(s));
	}
	cc_stmt_free(s);
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
		return http_error(req, h_status_of(rc), h_code_of(rc), NULL, "无法建立案例", "%s",
				  err.msg);
	return http_json(req, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

int h_case_move(struct http_req *req)
{
	long long id;
	if (case_check(req, &id))
		return req->status;
	json_t *b = http_body_json(req);
	struct cc_error err = {0};
	if (!b)
		return req->status;
	int rc = case_move(req->st, id, json_string_value(json_object_get(b, "to")),
			   json_string_value(json_object_get(b, "comment")), req->user.username,
			   &err);
	json_decref(b);
	if (rc)
		return http_error(req, h_status_of(rc), h_code_of(rc), NULL, "无法变更状态", "%s",
				  err.msg);
	return http_json(req, 200, json_pack("{s:b}", "ok", 1));
}

int h_case_comment(struct http_req *req)
{
	long long id;
	if (case_check(req, &id))
		return req->status;
	json_t *b = http_body_json(req);
	struct cc_error err = {0};
	if (!b)
		return req->status;
	int rc = case_comment(req->st, id, json_string_value(json_object_get(b, "text")),
			      req->user.username, &err);
	json_decref(b);
	if (rc)
		return http_error(req, h_status_of(rc), h_code_of(rc), "text", "无法添加备注", "%s",
				  err.msg);
	return http_json(req, 201, json_pack("{s:b}", "ok", 1));
}
