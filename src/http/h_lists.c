/*
 * Cultivation lists over HTTP. The work is lists/; these handlers check input and turn
 * results into JSON. (The 一企一策 cases have their own file, h_cases.c.)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/json.h"
#include "base/parse.h"
#include "domain/reason.h"
#include "frame/frame.h"
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
		return http_error_from(req, rc, &err, "list", "没有该名单或版本");
	json_t *entries = json_array();
	for (int i = 0; i < v.n; i++) {
		const struct list_entry *e = &v.e[i];
		json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:o, s:b, s:i, s:s}", "rank", e->rank,
				      "uscc", e->uscc, "name", e->name ? e->name : "", "tier",
				      e->tier, "score", cc_json_num(e->score), "manual", e->manual,
				      "region", e->region, "chains", e->chains ? e->chains : "");
		cc_reason_json_set(o, e->reason);
		json_array_append_new(entries, o);
	}
	json_t *out = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:b, s:i, s:o}", "name", v.list,
				"model", v.model, "version", v.number, "created_at", v.created_at,
				"actor", v.actor, "note", v.note ? v.note : "", "manual", v.manual,
				"year", v.year, "entries", entries);
	struct cc_frame *f = http_frame(req);
	uint8_t *in = f ? calloc((size_t)f->n + 1, 1) : NULL;
	for (int i = 0; in && i < v.n; i++) {
		int k = cc_frame_find(f, v.e[i].uscc);
		if (k >= 0)
			in[k] = 1;
	}
	if (in)
		json_object_set_new(out, "as_of",
				    h_as_of(f, NULL, -1, in, h_as_of_output, 2, 0, v.year));
	free(in);
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
		return http_error_from(req, rc, &err, "list", "没有该名单");
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
			return http_error_from(req, rc0, &err, "list", "没有该名单");
		to = latest.number;
		lists_version_release(&latest);
	}
	if (!from)
		from = to > 1 ? to - 1 : 1;
	int rc = lists_diff(req->st, req->params[0], from, to, &d, &err);
	if (rc)
		return http_error_from(req, rc, &err, "list", "没有该名单或版本");
	json_t *entered = json_array(), *exited = json_array(), *changed = json_array();
	for (int i = 0; i < d.n; i++) {
		const struct list_diff_item *x = &d.items[i];
		json_t *o;
		if (x->kind == LIST_TIER)
			o = json_pack("{s:s, s:s, s:s, s:s}", "uscc", x->uscc, "name",
				      x->name ? x->name : "", "from", x->old_tier, "to",
				      x->new_tier);
		else
			o = json_pack("{s:s, s:s, s:s}", "uscc", x->uscc, "name",
				      x->name ? x->name : "", "tier",
				      x->kind == LIST_ADD ? x->new_tier : x->old_tier);
		cc_reason_json_set(o, x->reason);
		json_array_append_new(x->kind == LIST_TIER  ? changed
				      : x->kind == LIST_ADD ? entered
							    : exited,
				      o);
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
		return http_error_from(req, rc, &err, NULL, "无法创建名单");
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
		st_ = http_error_from(req, rc, &err, NULL, "无法调整名单");
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
		return http_error_from(req, rc, &err, "list", "没有该名单或版本");
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
