/*
 * Innovation chain routes (issue 17): a chain's technology map — per node its IPC prefixes,
 * key technologies, local patent stock in force, growth, inventions, holders and the leading
 * holders — and patent application-number checks. The figures are innov/'s; the patents
 * snapshot is shared between requests and rebuilt when the store's generation moves.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "base/json.h"
#include "base/parse.h"
#include "domain/catalogue.h"
#include "domain/patent.h"
#include "http/handlers.h"
#include "innov/challenge.h"
#include "match/match.h"
#include "innov/innov.h"
#include "innov/platform.h"

#define TOP_HOLDERS 3

/* One snapshot for the server, replaced when the generation moves; used under the lock (the
 * figures of one chain take milliseconds, a rebuild one pass over the patents table). */
static pthread_mutex_t snap_lock = PTHREAD_MUTEX_INITIALIZER;
static struct innov_patents *snap;
static int64_t snap_gen = -1;

/* Returns the snapshot under snap_lock (held on success; the caller unlocks), or NULL with an
 * error response set and the lock released. */
static struct innov_patents *snapshot(struct http_req *req, const struct cc_catalogue *cat,
				      const struct innov_map *m)
{
	struct cc_error err = {0};
	pthread_mutex_lock(&snap_lock);
	int64_t gen = cc_store_generation(req->st);
	if (!snap || gen != snap_gen) {
		struct innov_patents *p = NULL;
		if (innov_patents_load(req->st, cat, m, &p, &err)) {
			pthread_mutex_unlock(&snap_lock);
			http_error(req, 500, "internal", NULL, "读取专利失败", "%s", err.msg);
			return NULL;
		}
		innov_patents_free(snap);
		snap = p;
		snap_gen = gen;
	}
	return snap;
}

static json_t *holders_json(struct http_req *req, const struct innov_holder *h, int n)
{
	json_t *a = json_array();
	struct cc_stmt *q = NULL;
	struct cc_error err;
	if (cc_stmt_prepare(req->st, &q, "SELECT uscc, name FROM enterprises WHERE id = ?1", &err))
		return a;
	for (int i = 0; i < n; i++) {
		cc_stmt_reset(q);
		cc_stmt_bind_int64(q, 1, h[i].enterprise_id);
		if (cc_stmt_step(q, &err) != 1)
			continue;
		json_array_append_new(a, json_pack("{s:s, s:s, s:I, s:I}", "uscc",
						   cc_stmt_text(q, 0), "name", cc_stmt_text(q, 1),
						   "stock", (json_int_t)h[i].stock, "inventions",
						   (json_int_t)h[i].inventions));
	}
	cc_stmt_free(q);
	return a;
}

static json_t *opt_int(int has, int64_t v)
{
	return has ? json_integer((json_int_t)v) : json_null();
}

/* Appends an empty {platforms: [], consortia: []} for NODE to BY if missing; returns it. */
static json_t *node_slot(json_t *by, const char *node)
{
	json_t *slot = json_object_get(by, node);
	if (!slot) {
		slot = json_pack("{s:[], s:[]}", "platforms", "consortia");
		json_object_set_new(by, node, slot);
	}
	return slot;
}

/* The platforms serving and consortia targeting the nodes of CH: {node: {platforms: [{id,
 * name, kind, level}], consortia: [{id, name, technology, status}]}} (a new reference). */
static json_t *registry_by_node(struct http_req *req, const struct cc_chain *ch)
{
	json_t *by = json_object();
	struct cc_stmt *q = NULL;
	struct cc_error err;
	size_t cl = strlen(ch->id);
	if (cc_stmt_prepare(req->st, &q, "SELECT id, name, kind, level, nodes FROM platforms",
			    &err) == 0) {
		while (cc_stmt_step(q, &err) == 1) {
			const char *p = cc_stmt_text(q, 4);
			while (p && *p) {
				const char *e = strchr(p, ';');
				size_t n = e ? (size_t)(e - p) : strlen(p);
				if (n > cl + 1 && n - cl - 1 < 128 && memcmp(p, ch->id, cl) == 0 &&
				    p[cl] == '.') {
					char node[128];
					memcpy(node, p + cl + 1, n - cl - 1);
					node[n - cl - 1] = '\0';
					json_array_append_new(
						json_object_get(node_slot(by, node), "platforms"),
						json_pack("{s:I, s:s, s:s, s:s}", "id",
							  (json_int_t)cc_stmt_int64(q, 0), "name",
							  cc_stmt_text(q, 1), "kind",
							  cc_stmt_text(q, 2), "level",
							  cc_stmt_text(q, 3)));
				}
				p = e ? e + 1 : NULL;
			}
		}
		cc_stmt_free(q);
		q = NULL;
	}
	if (cc_stmt_prepare(
		    req->st, &q,
		    "SELECT id, name, node, technology, status FROM consortia WHERE chain = ?1",
		    &err) == 0) {
		cc_stmt_bind_text(q, 1, ch->id, cl);
		while (cc_stmt_step(q, &err) == 1)
			json_array_append_new(
				json_object_get(node_slot(by, cc_stmt_text(q, 2)), "consortia"),
				json_pack("{s:I, s:s, s:s, s:s}", "id",
					  (json_int_t)cc_stmt_int64(q, 0), "name",
					  cc_stmt_text(q, 1), "technology", cc_stmt_text(q, 3),
					  "status", cc_stmt_text(q, 4)));
		cc_stmt_free(q);
	}
	return by;
}

int h_innov_chain(struct http_req *req)
{
	struct cc_error err = {0};
	const struct cc_catalogue *cat = cc_catalogue_get(&err);
	const struct innov_map *m = cat ? innov_map_get(cat, &err) : NULL;
	if (!m)
		return http_error(req, 500, "internal", NULL, "数据文件无法读取", "%s", err.msg);
	const struct cc_chain *ch = cc_chain_find(cat, req->params[0]);
	if (!ch)
		return http_error(req, 404, "not_found", "chain", "没有该产业链",
				  "no chain '%s' (GET /api/v1/chains lists them)", req->params[0]);
	if (!h_may_read_chain(req, ch->id))
		return http_error(req, 403, "forbidden", "chain", "链长只能查看分管的产业链",
				  "a chief account reads only its own chains");
	struct chain_scope scope;
	if (chain_scope_parse(http_query(req, "scope"), &scope, &err))
		return http_error(req, 400, "invalid", "scope",
				  "范围无效（chongqing、chengdu、both 或行政区划代码）", "%s",
				  err.msg);
	int year = 0;
	const char *y = http_query(req, "year");
	if (y && *y) {
		long long v;
		if (cc_parse_int64(y, strlen(y), &v) || v < 1985 || v > 2100)
			return http_error(req, 400, "invalid", "year", "年份无效",
					  "year must be 1985-2100, not '%s'", y);
		year = (int)v;
	}
	if (!year)
		year = innov_latest_year(req->st, 2024);
	struct innov_node_stock *s = calloc((size_t)cat->nnodes, sizeof *s);
	if (!s)
		return http_error(req, 500, "internal", NULL, "内存不足", "out of memory");
	struct innov_patents *p = snapshot(req, cat, m);
	if (!p) {
		free(s);
		return req->status;
	}
	innov_stock(p, m, &scope, year, s);
	json_t *plat = registry_by_node(req, ch);
	json_t *nodes = json_array();
	int mapped = 0, without = 0;
	int64_t total = p->n;
	for (int k = ch->first_node; k < ch->first_node + ch->nnodes; k++) {
		const struct cc_node *nd = &cat->nodes[k];
		const struct innov_node_stock *x = &s[k];
		json_t *tech = json_array();
		struct innov_tech tl[64];
		int nt = innov_tech_list(req->st, cat, k, tl, 64, &err);
		for (int t = 0; t < nt; t++)
			json_array_append_new(
				tech, json_pack("{s:s, s:s?, s:b, s:s?, s:b}", "name", tl[t].name,
						"status", tl[t].status[0] ? tl[t].status : NULL,
						"chokepoint", tl[t].chokepoint, "note",
						tl[t].note[0] ? tl[t].note : NULL, "in_catalogue",
						tl[t].in_catalogue));
		json_t *top = json_array();
		if (x->has_ipc) {
			mapped++;
			without += x->stock == 0;
			if (x->stock) {
				struct innov_holder h[TOP_HOLDERS];
				int n = innov_node_holders(p, &scope, year, k, h, TOP_HOLDERS);
				json_decref(top);
				top = holders_json(req, h, n);
			}
		}
		const char *ipc = innov_map_node_ipc(m, k);
		json_array_append_new(
			nodes,
			json_pack("{s:s, s:s, s:s, s:s?, s:i, s:s, s:s?, s:o, s:o, s:o, s:o, s:o, "
				  "s:o, s:o, s:o}",
				  "id", nd->id, "name_zh", nd->name_zh, "name_en", nd->name_en,
				  "parent", nd->parent >= 0 ? cat->nodes[nd->parent].id : NULL,
				  "depth", nd->depth, "stage", cc_stage_name(nd->stage), "ipc", ipc,
				  "technologies", tech, "stock", opt_int(x->has_ipc, x->stock),
				  "stock_prev", opt_int(x->has_ipc, x->stock_prev), "growth",
				  x->has_ipc ? cc_json_num(x->growth) : json_null(), "inventions",
				  opt_int(x->has_ipc, x->inventions), "holders",
				  opt_int(x->has_ipc, x->holders), "filed",
				  opt_int(x->has_ipc, x->filed), "top_holders", top));
		json_t *o = json_array_get(nodes, json_array_size(nodes) - 1);
		json_t *pn = json_object_get(plat, nd->id);
		json_object_set_new(o, "platforms",
				    pn ? json_incref(json_object_get(pn, "platforms"))
				       : json_array());
		json_object_set_new(o, "consortia",
				    pn ? json_incref(json_object_get(pn, "consortia"))
				       : json_array());
	}
	json_decref(plat);
	pthread_mutex_unlock(&snap_lock);
	free(s);
	json_t *out = json_pack("{s:s, s:s, s:s, s:o, s:I, s:i, s:i, s:i, s:o}", "chain", ch->id,
				"name_zh", ch->name_zh, "name_en", ch->name_en, "scope",
				h_chain_scope_json(&scope, year), "patents", (json_int_t)total,
				"nodes_mapped", mapped, "nodes_without_patents", without,
				"nodes_total", ch->nnodes, "nodes", nodes);
	struct cc_frame *f = http_frame(req);
	if (f)
		json_object_set_new(out, "as_of",
				    h_as_of(f, &scope, ch->index, NULL, h_as_of_innov, 2, 0, year));
	return http_json(req, 200, out);
}

int h_patent_check(struct http_req *req)
{
	const char *q = http_query(req, "number");
	if (!q || !*q)
		return http_error(req, 400, "invalid", "number", "请给出专利申请号",
				  "give number=APPLICATION_NUMBER (several separated by commas)");
	json_t *a = json_array();
	const char *s = q;
	for (int count = 0; *s && count < 200; count++) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		struct cc_patent_no no;
		struct cc_error err = {0};
		int ok = cc_patent_no_parse(s, n, &no, &err) == 0;
		json_t *o = json_pack("{s:s%, s:b}", "number", ok ? no.canon : s,
				      ok ? strlen(no.canon) : n, "valid", ok);
		json_object_set_new(o, "kind",
				    ok ? json_string(cc_patent_kind_id(no.kind)) : json_null());
		json_object_set_new(o, "year", ok ? json_integer(no.year) : json_null());
		json_object_set_new(o, "reason", json_string(ok ? "" : err.msg));
		json_array_append_new(a, o);
		s = e ? e + 1 : s + n;
	}
	return http_json(req, 200, a);
}

/* PUT /api/v1/innovation/chains/{chain}/nodes/{node}/technologies: body {technology, status,
 * chokepoint, note}. */
int h_innov_tech_put(struct http_req *req)
{
	struct cc_error err = {0};
	const struct cc_catalogue *cat = cc_catalogue_get(&err);
	if (!cat)
		return http_error(req, 500, "internal", NULL, "数据文件无法读取", "%s", err.msg);
	const struct cc_chain *ch = cc_chain_find(cat, req->params[0]);
	const struct cc_node *nd = ch ? cc_node_find(cat, ch, req->params[1]) : NULL;
	if (!nd)
		return http_error(req, 404, "not_found", ch ? "node" : "chain", "没有该环节",
				  "no node '%s.%s'", req->params[0], req->params[1]);
	json_t *body = http_body_json(req);
	if (!body)
		return req->status;
	const char *tech = json_string_value(json_object_get(body, "technology"));
	const char *status = json_string_value(json_object_get(body, "status"));
	json_t *ck = json_object_get(body, "chokepoint");
	json_t *nj = json_object_get(body, "note");
	int rc;
	if (!tech || !*tech)
		rc = http_error(req, 400, "invalid", "technology", "请填写技术名称",
				"technology is required");
	else if (!innov_tech_status_ok(status))
		rc = http_error(req, 400, "invalid", "status",
				"状态应为 leading（领先）、catching_up（跟跑）或 absent（空白）",
				"status must be leading, catching_up or absent");
	else if (ck && !json_is_boolean(ck))
		rc = http_error(req, 400, "invalid", "chokepoint", "卡脖子标记应为 true 或 false",
				"chokepoint must be true or false");
	else if (nj && !json_is_null(nj) && !json_is_string(nj))
		rc = http_error(req, 400, "invalid", "note", "备注应为文本", "note must be text");
	else if (innov_tech_set(req->st, cat, nd->index, tech, status, json_is_true(ck),
				json_string_value(nj), req->user.username, &err))
		rc = err.code == CC_EINVAL
			     ? http_error(req, 400, "invalid", "technology", "技术状态无效", "%s",
					  err.msg)
			     : http_error(req, 500, "internal", NULL, "保存失败", "%s", err.msg);
	else
		rc = http_json(req, 200,
			       json_pack("{s:s, s:s, s:s, s:s, s:b}", "chain", ch->id, "node",
					 nd->id, "technology", tech, "status", status, "chokepoint",
					 json_is_true(ck)));
	json_decref(body);
	return rc;
}

/* Rows of SQL as an array of objects keyed by the column names (the first column an integer). */
static json_t *rows_json(struct http_req *req, const char *sql)
{
	json_t *a = json_array();
	struct cc_stmt *q = NULL;
	struct cc_error err;
	if (cc_stmt_prepare(req->st, &q, sql, &err))
		return a;
	while (cc_stmt_step(q, &err) == 1) {
		json_t *o = json_object();
		for (int i = 0; i < cc_stmt_columns(q); i++)
			json_object_set_new(o, cc_stmt_column_name(q, i),
					    cc_stmt_is_null(q, i)
						    ? json_null()
						    : (i == 0 ? json_integer(cc_stmt_int64(q, i))
							      : json_string(cc_stmt_text(q, i))));
		json_array_append_new(a, o);
	}
	cc_stmt_free(q);
	return a;
}

int h_innov_platforms(struct http_req *req)
{
	return http_json(req, 200,
			 rows_json(req, "SELECT p.id, p.name, p.kind, p.level, e.uscc AS host, "
					"coalesce(e.name, p.host_name) AS host_name, p.nodes, "
					"p.recognised, p.reviewed FROM platforms p LEFT JOIN "
					"enterprises e ON e.id = p.host_id ORDER BY p.id"));
}

int h_innov_consortia(struct http_req *req)
{
	return http_json(req, 200,
			 rows_json(req,
				   "SELECT c.id, c.name, e.uscc AS leader, e.name AS "
				   "leader_name, c.chain, c.node, c.technology, c.members, "
				   "c.milestones, c.status FROM consortia c JOIN enterprises e ON "
				   "e.id = c.leader_id ORDER BY c.id"));
}

static const char *str_field(json_t *body, const char *key)
{
	return json_string_value(json_object_get(body, key));
}

/* Answers a registry write: 200 {id}, 400 naming the reason, or 500. */
static int put_answer(struct http_req *req, int64_t id, const char *zh, struct cc_error *err)
{
	if (id >= 0)
		return http_json(req, 200, json_pack("{s:I}", "id", (json_int_t)id));
	if (id == CC_EINVAL)
		return http_error(req, 400, "invalid", NULL, zh, "%s", err->msg);
	return http_error(req, 500, "internal", NULL, "保存失败", "%s", err->msg);
}

int h_innov_platform_post(struct http_req *req)
{
	struct cc_error err = {0};
	const struct cc_catalogue *cat = cc_catalogue_get(&err);
	if (!cat)
		return http_error(req, 500, "internal", NULL, "数据文件无法读取", "%s", err.msg);
	json_t *body = http_body_json(req);
	if (!body)
		return req->status;
	struct innov_platform_in in = {str_field(body, "name"),	   str_field(body, "kind"),
				       str_field(body, "level"),   str_field(body, "host"),
				       str_field(body, "nodes"),   str_field(body, "recognised"),
				       str_field(body, "reviewed")};
	int64_t id = innov_platform_put(req->st, cat, &in, req->user.username, &err);
	int rc = put_answer(req, id, "平台信息无效", &err);
	json_decref(body);
	return rc;
}

int h_innov_consortium_post(struct http_req *req)
{
	struct cc_error err = {0};
	const struct cc_catalogue *cat = cc_catalogue_get(&err);
	if (!cat)
		return http_error(req, 500, "internal", NULL, "数据文件无法读取", "%s", err.msg);
	json_t *body = http_body_json(req);
	if (!body)
		return req->status;
	struct innov_consortium_in in = {
		str_field(body, "name"),       str_field(body, "leader"),
		str_field(body, "members"),    str_field(body, "node"),
		str_field(body, "technology"), str_field(body, "milestones"),
		str_field(body, "status")};
	int64_t id = innov_consortium_put(req->st, cat, &in, req->user.username, &err);
	int rc = put_answer(req, id, "创新联合体信息无效", &err);
	json_decref(body);
	return rc;
}

int h_innov_challenges(struct http_req *req)
{
	return http_json(req, 200,
			 rows_json(req,
				   "SELECT c.id, c.title, c.chain, c.node, c.technology, "
				   "CAST(c.budget AS TEXT) AS budget, c.deadline, c.poster, "
				   "c.status, e.uscc AS winner, c.milestones FROM challenges c "
				   "LEFT JOIN enterprises e ON e.id = c.winner_id ORDER BY c.id"));
}

int h_innov_challenge_post(struct http_req *req)
{
	struct cc_error err = {0};
	const struct cc_catalogue *cat = cc_catalogue_get(&err);
	if (!cat)
		return http_error(req, 500, "internal", NULL, "数据文件无法读取", "%s", err.msg);
	json_t *body = http_body_json(req);
	if (!body)
		return req->status;
	json_t *b = json_object_get(body, "budget");
	struct innov_challenge_in in = {
		str_field(body, "title"),      str_field(body, "node"),
		str_field(body, "technology"), str_field(body, "deadline"),
		str_field(body, "poster"),     json_is_number(b) ? json_number_value(b) : NAN};
	int64_t id = innov_challenge_post(req->st, cat, &in, req->user.username, &err);
	int rc = put_answer(req, id, "揭榜挂帅榜单无效", &err);
	json_decref(body);
	return rc;
}

static int64_t path_challenge(struct http_req *req)
{
	long long v;
	if (cc_parse_int64(req->params[0], strlen(req->params[0]), &v) || v < 1) {
		http_error(req, 404, "not_found", "challenge", "没有该榜单", "no challenge '%s'",
			   req->params[0]);
		return -1;
	}
	return v;
}

int h_innov_applicants(struct http_req *req)
{
	struct cc_error err = {0};
	int64_t id = path_challenge(req);
	if (id < 0)
		return req->status;
	const struct cc_catalogue *cat = cc_catalogue_get(&err);
	const struct innov_map *m = cat ? innov_map_get(cat, &err) : NULL;
	if (!m)
		return http_error(req, 500, "internal", NULL, "数据文件无法读取", "%s", err.msg);
	struct chain_scope scope;
	if (chain_scope_parse(http_query(req, "scope"), &scope, &err))
		return http_error(req, 400, "invalid", "scope", "范围无效", "%s", err.msg);
	int year = innov_latest_year(req->st, 2024);
	struct innov_patents *p = snapshot(req, cat, m);
	if (!p)
		return req->status;
	struct innov_applicant *a = NULL;
	int n = 0;
	int rc = innov_challenge_rank(req->st, cat, p, &scope, year, id, 50, &a, &n, &err);
	pthread_mutex_unlock(&snap_lock);
	if (rc == CC_ENOTFOUND)
		return http_error(req, 404, "not_found", "challenge", "没有该榜单", "%s", err.msg);
	if (rc)
		return http_error(req, 500, "internal", NULL, "排序失败", "%s", err.msg);
	json_t *items = json_array();
	struct cc_stmt *q = NULL;
	if (cc_stmt_prepare(req->st, &q, "SELECT uscc, name FROM enterprises WHERE id = ?1",
			    &err) == 0) {
		for (int i = 0; i < n; i++) {
			cc_stmt_reset(q);
			cc_stmt_bind_int64(q, 1, a[i].enterprise_id);
			if (cc_stmt_step(q, &err) != 1)
				continue;
			/* The matching engine's explanation (match_demand_part), and "id" as
			 * before. */
			json_t *comp = json_array();
			for (int k = 0; k < INNOV_COMPONENTS; k++) {
				char zh[300], en[300];
				innov_applicant_reason(&a[i], k, zh, en, sizeof zh);
				json_t *part = match_demand_part(
					innov_component_ids[k], innov_component_zh[k],
					a[i].value[k], a[i].weight[k], zh, en);
				json_object_set_new(part, "id",
						    json_string(innov_component_ids[k]));
				json_array_append_new(comp, part);
			}
			json_array_append_new(
				items,
				json_pack(
					"{s:i, s:s, s:s, s:o, s:I, s:I, s:s?, s:s?, s:b, s:s?, s:o}",
					"rank", i + 1, "uscc", cc_stmt_text(q, 0), "name",
					cc_stmt_text(q, 1), "score", cc_json_num(a[i].score),
					"inventions", (json_int_t)a[i].inventions, "patents",
					(json_int_t)a[i].patents, "platform",
					a[i].platform_level[0] ? a[i].platform_level : NULL, "role",
					a[i].role[0] ? a[i].role : NULL, "local", a[i].local,
					"text_matched", a[i].matched[0] ? a[i].matched : NULL,
					"components", comp));
		}
		cc_stmt_free(q);
	}
	free(a);
	return http_json(req, 200,
			 json_pack("{s:I, s:i, s:o}", "challenge", (json_int_t)id, "year", year,
				   "applicants", items));
}

int h_innov_award(struct http_req *req)
{
	struct cc_error err = {0};
	int64_t id = path_challenge(req);
	if (id < 0)
		return req->status;
	json_t *body = http_body_json(req);
	if (!body)
		return req->status;
	int rc = innov_challenge_award(req->st, id, str_field(body, "uscc"),
				       str_field(body, "milestones"), req->user.username, &err);
	int out = rc == 0	    ? http_json(req, 200, json_pack("{s:I}", "id", (json_int_t)id))
		  : rc == CC_EINVAL ? http_error(req, 400, "invalid", "uscc",
						 "中标企业信用代码无效", "%s", err.msg)
		  : rc == CC_ENOTFOUND
			  ? http_error(req, 404, "not_found", "challenge",
				       "没有待揭榜的该榜单或企业未登记", "%s", err.msg)
			  : http_error(req, 500, "internal", NULL, "保存失败", "%s", err.msg);
	json_decref(body);
	return out;
}
