/*
 * Supply–demand routes (match/): postings (an enterprise user writes only its own, and sees
 * other enterprises' postings without their contact details), ranked matches with their
 * explanation, subscriptions and the inbox feed, deals, and the statistics.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/jw.h"
#include "base/parse.h"
#include "domain/uscc.h"
#include "base/buf.h"
#include "http/handlers.h"
#include "match/match.h"

static int is_staff(const struct http_req *req)
{
	return req->user.role != HTTP_ROLE_ENTERPRISE;
}

/* The posting named by path parameter 0; sets 400/404 and returns -1 when there is none.
 * OWNER (19 bytes) gets the poster's credit code. */
static long long path_posting(struct http_req *req, char *owner)
{
	long long id;
	const char *p = req->params[0];
	struct cc_error err = {0};
	if (!p || cc_parse_int64(p, strlen(p), &id) || id < 1) {
		http_error(req, 400, "invalid", "posting", "发布编号无效",
			   "'%s' is not a posting number", p ? p : "");
		return -1;
	}
	if (posting_owner(req->st, id, owner, &err)) {
		http_error_from(req, err.code, &err, "posting", "没有该供需发布");
		return -1;
	}
	return id;
}

static int own_or_staff(struct http_req *req, const char *owner, const char *what_zh)
{
	if (is_staff(req) || strcmp(owner, req->user.uscc) == 0)
		return 0;
	http_error(req, 403, "forbidden", "posting", what_zh,
		   "an enterprise account may only use its own postings");
	return -1;
}

/* A string field of the body: a JSON string, a number (converted), or absent/null (NULL).
 * Anything else sets a 400 naming the field. TMP holds a converted number. */
static int body_str(struct http_req *req, json_t *b, const char *key, const char **out, char *tmp,
		    size_t n)
{
	json_t *v = json_object_get(b, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (json_is_string(v)) {
		*out = json_string_value(v);
		return 0;
	}
	if (json_is_number(v)) {
		cc_num_format(json_number_value(v), CC_NUM_EXACT, tmp, n);
		*out = tmp;
		return 0;
	}
	if (json_is_array(v) &&
	    (strcmp(key, "region_pref") == 0 || strcmp(key, "capabilities") == 0 ||
	     strcmp(key, "industries") == 0)) {
		size_t used = 0, i;
		json_t *x;
		tmp[0] = '\0';
		json_array_foreach(v, i, x)
		{
			char one[32];
			if (json_is_string(x))
				snprintf(one, sizeof one, "%.30s", json_string_value(x));
			else if (json_is_integer(x))
				snprintf(one, sizeof one, "%lld", (long long)json_integer_value(x));
			else
				goto bad;
			int w = snprintf(tmp + used, n - used, "%s%s", used ? ";" : "", one);
			if (w < 0 || (size_t)w >= n - used)
				goto bad;
			used += (size_t)w;
		}
		*out = tmp;
		return 0;
	}
bad:
	http_error(req, 400, "invalid", key, "字段类型错误", "'%s' must be a string", key);
	return -1;
}

static int save(struct http_req *req, int64_t id)
{
	json_t *b = http_body_json(req);
	if (!b)
		return req->status;
	struct posting_in in = {0};
	char t[13][1024];
	static const char *const keys[] = {"kind",	  "uscc",     "title",	  "description",
					   "node",	  "quantity", "unit",	  "region_pref",
					   "valid_until", "contact",  "category", "capabilities",
					   "industries"};
	const char *v[13];
	for (int k = 0; k < 13; k++)
		if (body_str(req, b, keys[k], &v[k], t[k], sizeof t[k])) {
			json_decref(b);
			return req->status;
		}
	in.id = id;
	in.kind = v[0];
	in.uscc = v[1];
	in.title = v[2];
	in.description = v[3];
	in.node = v[4];
	in.quantity = v[5];
	in.unit = v[6];
	in.region_pref = v[7];
	in.valid_until = v[8];
	in.contact = v[9];
	in.category = v[10];
	in.capabilities = v[11];
	in.industries = v[12];
	in.actor = req->user.username;
	if (req->user.role == HTTP_ROLE_ENTERPRISE && id == 0) {
		char canon[19];
		struct cc_error e = {0};
		if (!in.uscc)
			in.uscc = req->user.uscc;
		if (cc_uscc_validate(in.uscc, strlen(in.uscc), canon, NULL, &e) ||
		    strcmp(canon, req->user.uscc) != 0) {
			json_decref(b);
			return http_error(req, 403, "forbidden", "uscc",
					  "企业用户只能以本企业名义发布",
					  "an enterprise account posts for itself only");
		}
	}
	if (id == 0 && !in.uscc) {
		json_decref(b);
		return http_error(req, 400, "invalid", "uscc", "请填写发布企业的统一社会信用代码",
				  "uscc: the poster's credit code is required");
	}
	struct cc_error err = {0};
	int64_t out = 0;
	int rc = posting_save(req->st, &in, &out, &err);
	json_decref(b);
	if (rc) {
		static const struct {
			const char *field, *zh;
		} zh[] = {{"title", "标题不能为空或过长，且同一企业不能重复"},
			  {"quantity", "数量应为非负数字"},
			  {"region_pref", "意向地区应为 6 位行政区划代码"},
			  {"node", "环节无效（写作 产业链.环节）"},
			  {"valid_until", "有效期应为 YYYY-MM-DD 日期"},
			  {"kind", "类型应为 供 或 需"},
			  {"category", "类别应为 产品 或 服务"},
			  {"capabilities", "服务能力代码无效或未填"},
			  {"industries", "服务行业应为 GB/T 4754 代码"},
			  {"uscc", "统一社会信用代码无效或企业未登记"}};
		const char *f = posting_error_field(&err), *m = "无法保存供需发布";
		for (size_t k = 0; f && k < sizeof zh / sizeof zh[0]; k++)
			if (!strcmp(f, zh[k].field))
				m = zh[k].zh;
		return http_error_from(req, rc, &err, f, m);
	}
	json_t *p = posting_get(req->st, out, 1, &err);
	return http_json(req, id ? 200 : 201, p ? p : json_pack("{s:I}", "id", (json_int_t)out));
}

int h_postings(struct http_req *req)
{
	struct posting_query q = {0};
	q.q = http_query(req, "q");
	q.kind = http_query(req, "kind");
	q.chain = http_query(req, "chain");
	q.node = http_query(req, "node");
	q.state = http_query(req, "state");
	const char *v;
	long long x;
	if (q.kind && *q.kind && strcmp(q.kind, "supply") && strcmp(q.kind, "demand"))
		return http_error(req, 400, "invalid", "kind", "类型应为 supply 或 demand",
				  "kind must be supply or demand");
	if (q.node && strchr(q.node, '.'))
		q.node = strchr(q.node, '.') + 1;
	if ((v = http_query(req, "region")) && *v) {
		if (cc_parse_int64(v, strlen(v), &x) || x < 1 || x > 999999)
			return http_error(
				req, 400, "invalid", "region", "地区代码无效",
				"region must be a region code or prefix (50, 5001, 500112)");
		q.region = (int)x;
	}
	if ((v = http_query(req, "mine")) && !strcmp(v, "1")) {
		if (req->user.role != HTTP_ROLE_ENTERPRISE)
			return http_error(req, 400, "invalid", "mine", "仅企业用户可查看“我的发布”",
					  "mine=1 is for enterprise accounts");
		q.uscc = req->user.uscc;
		if (!q.state)
			q.state = "all";
	} else if ((v = http_query(req, "uscc")) && *v) {
		q.uscc = v;
	}
	/* Other enterprises' withdrawn and expired postings are not an enterprise user's business.
	 */
	if (!is_staff(req) && q.state && strcmp(q.state, "open") != 0 &&
	    (!q.uscc || strcmp(q.uscc, req->user.uscc) != 0))
		return http_error(
			req, 403, "forbidden", "state", "只能查看本企业已撤回或过期的发布",
			"an enterprise account sees only its own withdrawn or expired postings");
	if ((v = http_query(req, "sort")) && *v) {
		if (!posting_sort_known(v))
			return http_error(req, 400, "invalid", "sort", "排序字段无效",
					  "sort must be title, enterprise, kind, node, quantity, "
					  "valid_until, created or status");
		q.sort = v;
		const char *o = http_query(req, "order");
		q.desc = o && !strcmp(o, "desc");
	}
	q.limit = 50;
	if ((v = http_query(req, "limit")) && *v) {
		if (cc_parse_int64(v, strlen(v), &x) || x < 1 || x > 500)
			return http_error(req, 400, "invalid", "limit", "分页参数无效",
					  "limit must be 1 to 500");
		q.limit = (int)x;
	}
	if ((v = http_query(req, "cursor")) && *v) {
		if (cc_parse_int64(v, strlen(v), &x) || x < 0 || x > 100000000)
			return http_error(req, 400, "invalid", "cursor", "分页参数无效",
					  "cursor must be a position");
		q.offset = (int)x;
	}
	struct cc_error err = {0};
	json_t *r = posting_search(req->st, &q, &err);
	if (!r)
		return http_error_from(req, err.code, &err, "state", "查询失败");
	int64_t total = json_integer_value(json_object_get(r, "total"));
	char next[32];
	snprintf(next, sizeof next, "%d", q.offset + q.limit);
	json_object_set_new(r, "next_cursor",
			    q.offset + q.limit < total ? json_string(next) : json_null());
	return http_json(req, 200, r);
}

int h_posting_create(struct http_req *req)
{
	return save(req, 0);
}

int h_posting(struct http_req *req)
{
	char owner[19];
	long long id = path_posting(req, owner);
	if (id < 0)
		return req->status;
	struct cc_error err = {0};
	json_t *p = posting_get(req->st, id, is_staff(req) || !strcmp(owner, req->user.uscc), &err);
	if (!p)
		return http_error(req, 500, "internal", NULL, "读取失败", "%s", err.msg);
	/* Another enterprise's withdrawn or expired posting is not public. */
	const char *status = json_string_value(json_object_get(p, "status"));
	if (!is_staff(req) && strcmp(owner, req->user.uscc) != 0 && strcmp(status, "open") != 0) {
		json_decref(p);
		return http_error(req, 404, "not_found", "posting", "没有该供需发布",
				  "no posting %lld", id);
	}
	return http_json(req, 200, p);
}

int h_posting_patch(struct http_req *req)
{
	char owner[19];
	long long id = path_posting(req, owner);
	if (id < 0 || own_or_staff(req, owner, "只能修改本企业的发布"))
		return req->status;
	return save(req, id);
}

int h_posting_withdraw(struct http_req *req)
{
	char owner[19];
	long long id = path_posting(req, owner);
	if (id < 0 || own_or_staff(req, owner, "只能撤回本企业的发布"))
		return req->status;
	struct cc_error err = {0};
	if (posting_withdraw(req->st, id, req->user.username, &err))
		return http_error_from(req, err.code, &err, NULL, "撤回失败");
	return http_json(req, 200, posting_get(req->st, id, 1, &err));
}

int h_posting_matches(struct http_req *req)
{
	char owner[19];
	long long id = path_posting(req, owner);
	if (id < 0 || own_or_staff(req, owner, "只能查看本企业发布的匹配结果"))
		return req->status;
	long long limit = 20, offset = 0;
	const char *v;
	if (((v = http_query(req, "limit")) && *v &&
	     (cc_parse_int64(v, strlen(v), &limit) || limit < 1 || limit > 200)) ||
	    ((v = http_query(req, "cursor")) && *v &&
	     (cc_parse_int64(v, strlen(v), &offset) || offset < 0 || offset > 100000)))
		return http_error(req, 400, "invalid", "limit", "分页参数无效",
				  "limit must be 1 to 200 and cursor a position");
	struct cc_frame *f = http_frame(req);
	if (!f)
		return req->status;
	struct match_result r;
	struct cc_error err = {0};
	int rc = match_rank(req->st, f, id, NULL, &r, &err);
	if (rc)
		return http_error(req, rc == CC_EINVAL ? 409 : h_status_of(rc),
				  rc == CC_EINVAL ? "conflict" : h_code_of(rc), "posting",
				  "该发布已撤回或过期，没有匹配结果", "%s", err.msg);
	/* {"posting", "query", "query_partial", "total"} from jansson, then the items written
	 * straight into the response (match_item_write: the page is most of the work). */
	json_t *head = json_pack("{s:o?, s:s, s:s?, s:i}", "posting",
				 posting_get(req->st, id, 1, &err), "query", r.query,
				 "query_partial", r.partial[0] ? r.partial : NULL, "total", r.n);
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
				  "the matches could not be written");
	req->status = 200;
	req->resp_type = "application/json; charset=utf-8";
	return 200;
}

/* ---- subscriptions and inbox ---- */

int h_subscriptions(struct http_req *req)
{
	struct cc_error err = {0};
	json_t *a = match_subscriptions(req->st, req->user.username, &err);
	if (!a)
		return http_error(req, 500, "internal", NULL, "读取失败", "%s", err.msg);
	return http_json(req, 200, json_pack("{s:o}", "items", a));
}

int h_subscription_create(struct http_req *req)
{
	json_t *b = http_body_json(req);
	if (!b)
		return req->status;
	struct cc_error err = {0};
	int64_t id = 0, delivered = 0;
	const char *what = json_string_value(json_object_get(b, "what"));
	const char *value = json_string_value(json_object_get(b, "value"));
	const char *kind = json_string_value(json_object_get(b, "kind"));
	int rc = match_follow(req->st, req->user.username, what ? what : "", value, kind, &id,
			      &delivered, &err);
	json_decref(b);
	if (rc) {
		const char *f = strncmp(err.msg, "what", 4) == 0   ? "what"
				: strncmp(err.msg, "kind", 4) == 0 ? "kind"
								   : "value";
		return http_error_from(req, rc, &err, f, "订阅无效（环节、地区代码或关键词）");
	}
	http_audit(req, "subscription.create", "subscription", NULL, NULL);
	return http_json(
		req, 201,
		json_pack("{s:I, s:I}", "id", (json_int_t)id, "delivered", (json_int_t)delivered));
}

int h_subscription_delete(struct http_req *req)
{
	long long id;
	const char *p = req->params[0];
	if (!p || cc_parse_int64(p, strlen(p), &id) || id < 1)
		return http_error(req, 400, "invalid", "subscription", "订阅编号无效",
				  "bad subscription number");
	struct cc_error err = {0};
	int rc = match_unfollow(req->st, req->user.username, id, &err);
	if (rc)
		return http_error_from(req, rc, &err, "subscription", "没有该订阅");
	return http_json(req, 200, json_pack("{s:b}", "ok", 1));
}

int h_inbox(struct http_req *req)
{
	long long limit = 50;
	const char *v = http_query(req, "limit");
	if (v && *v && (cc_parse_int64(v, strlen(v), &limit) || limit < 1 || limit > 500))
		return http_error(req, 400, "invalid", "limit", "分页参数无效",
				  "limit must be 1 to 500");
	v = http_query(req, "unread");
	struct cc_error err = {0};
	json_t *r =
		match_inbox(req->st, req->user.username, (int)limit, v && !strcmp(v, "1"), &err);
	if (!r)
		return http_error(req, 500, "internal", NULL, "读取失败", "%s", err.msg);
	return http_json(req, 200, r);
}

int h_inbox_read(struct http_req *req)
{
	json_t *b = http_body_json(req);
	if (!b)
		return req->status;
	json_t *idv = json_object_get(b, "id");
	int bad = idv && !json_is_integer(idv);
	long long id = json_is_integer(idv) ? json_integer_value(idv) : 0;
	json_decref(b); /* idv belongs to b: not used past here */
	if (bad)
		return http_error(req, 400, "invalid", "id", "编号无效",
				  "id must be an inbox item number");
	struct cc_error err = {0};
	int64_t n = match_inbox_read(req->st, req->user.username, id, &err);
	if (n < 0)
		return http_error(req, 500, "internal", NULL, "操作失败", "%s", err.msg);
	return http_json(req, 200, json_pack("{s:I}", "marked", (json_int_t)n));
}

/* ---- deals and statistics ---- */

int h_deals(struct http_req *req)
{
	const char *u = is_staff(req) ? http_query(req, "uscc") : req->user.uscc;
	struct cc_error err = {0};
	json_t *a = match_deals(req->st, u, 200, &err);
	if (!a)
		return http_error(req, 500, "internal", NULL, "读取失败", "%s", err.msg);
	return http_json(req, 200, json_pack("{s:o}", "items", a));
}

int h_deal_mark(struct http_req *req)
{
	json_t *b = http_body_json(req);
	if (!b)
		return req->status;
	json_t *pv = json_object_get(b, "posting"), *cpv = json_object_get(b, "cp_posting"),
	       *vv = json_object_get(b, "value");
	const char *cp_uscc = json_string_value(json_object_get(b, "cp_uscc"));
	const char *status = json_string_value(json_object_get(b, "status"));
	const char *comment = json_string_value(json_object_get(b, "comment"));
	if (!json_is_integer(pv) || (cpv && !json_is_null(cpv) && !json_is_integer(cpv)) ||
	    (vv && !json_is_null(vv) && !json_is_number(vv))) {
		json_decref(b);
		return http_error(req, 400, "invalid", "posting", "请求字段类型错误",
				  "posting and cp_posting must be posting numbers, value a number");
	}
	int64_t posting = json_integer_value(pv),
		cp = json_is_integer(cpv) ? json_integer_value(cpv) : 0;
	double value = json_is_number(vv) ? json_number_value(vv) : NAN;
	struct cc_error err = {0};
	/* An enterprise marks only deals it is a party of. */
	if (!is_staff(req)) {
		char a[19] = "", c[19] = "";
		if (posting_owner(req->st, posting, a, &err) ||
		    (cp > 0 && posting_owner(req->st, cp, c, &err))) {
			json_decref(b);
			return http_error_from(req, err.code, &err, "posting", "没有该供需发布");
		}
		if (cp <= 0 && cp_uscc)
			snprintf(c, sizeof c, "%.18s", cp_uscc);
		if (strcmp(a, req->user.uscc) != 0 && strcmp(c, req->user.uscc) != 0) {
			json_decref(b);
			return http_error(req, 403, "forbidden", "posting",
					  "只能标记本企业参与的对接",
					  "an enterprise account marks only its own matches");
		}
	}
	/* Staff record a deal both parties reported; an enterprise confirms its own side. */
	struct match_deal_state d;
	int rc = match_deal_mark_as(req->st, posting, cp, cp_uscc, status, value, comment,
				    req->user.username, is_staff(req) ? NULL : req->user.uscc, &d,
				    &err);
	json_decref(b);
	if (rc) {
		const char *f = strncmp(err.msg, "status", 6) == 0	   ? "status"
				: strncmp(err.msg, "value", 5) == 0	   ? "value"
				: strncmp(err.msg, "counterpart", 11) == 0 ? "cp_posting"
									   : "posting";
		const char *zh =
			strcmp(f, "value") == 0
				? "订单金额（万元）应大于 0 且不超过 10000000（即 1000 亿元）"
				: "无法记录对接（状态应为 contacted / agreed / failed）";
		return http_error_from(req, rc, &err, f, zh);
	}
	return http_json(req, 200,
			 json_pack("{s:I, s:s, s:b, s:b}", "id", (json_int_t)d.id, "status",
				   d.status, "supplier_confirmed", d.supplier_confirmed,
				   "buyer_confirmed", d.buyer_confirmed));
}

int h_match_stats(struct http_req *req)
{
	struct cc_error err = {0};
	json_t *r = match_stats(req->st, &err);
	if (!r)
		return http_error(req, 500, "internal", NULL, "统计失败", "%s", err.msg);
	return http_json(req, 200, r);
}
