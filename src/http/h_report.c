/*
 * Enterprise reporting over HTTP (企业数据直报). The work is report/'s (the CLI's `report`
 * command calls the same functions); these handlers check input and roles and send the
 * JSON. An enterprise user sees and fills only its own enterprise's reports and notices; staff
 * read every report and completion; admin and analyst create plans, open periods, fill on an
 * enterprise's behalf, return and accept (the route table says which role may call what).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/jw.h"
#include "base/parse.h"
#include "chain/chain.h"
#include "domain/catalogue.h"
#include "domain/metric.h"
#include "domain/uscc.h"
#include "http/handlers.h"
#include "report/report.h"

/* Reads path parameter IDX as a positive number into *ID; else answers 400 and returns -1. */
static int path_id(struct http_req *req, int idx, const char *what, long long *id)
{
	const char *p = req->params[idx];
	if (cc_parse_int64(p, strlen(p), id) || *id < 1) {
		http_error(req, 400, "invalid", what, "编号无效", "invalid %s number", what);
		return -1;
	}
	return 0;
}

/* The plan of path parameter 0 (a number or a name) into *ID; else answers and returns -1. */
static int path_plan(struct http_req *req, int64_t *id)
{
	struct cc_error err = {0};
	int rc = report_plan_find(req->st, req->params[0], id, &err);
	if (rc) {
		http_error_from(req, rc, &err, "plan", "没有该填报计划");
		return -1;
	}
	return 0;
}

/* The report of path parameter 0 into *ID when the user may see it; else answers (400, 404,
 * 403 for another enterprise's report, as cases do) and returns -1. */
static int path_report(struct http_req *req, int64_t *id)
{
	long long n;
	char uscc[19];
	struct cc_error err = {0};
	if (path_id(req, 0, "report", &n))
		return -1;
	int rc = report_owner(req->st, n, uscc, &err);
	if (rc == 0 && req->user.role == HTTP_ROLE_ENTERPRISE && strcmp(uscc, req->user.uscc)) {
		http_error(req, 403, "forbidden", "id", "只能查看和填报本企业的报表",
			   "an enterprise account sees and fills only its own reports");
		return -1;
	}
	if (rc) {
		http_error_from(req, rc, &err, "id", "没有该报表");
		return -1;
	}
	*id = n;
	return 0;
}

/* The query's period, 0 when absent; -1 after a 400. */
static int query_period(struct http_req *req)
{
	const char *p = http_query(req, "period");
	int period = 0;
	struct cc_error err = {0};
	if (p && *p && report_period_parse(p, &period, &err)) {
		http_error(req, 400, "invalid", "period", "期间无效（YYYY 或 YYYY-MM）", "%s",
			   err.msg);
		return -1;
	}
	return period;
}

int h_report_plans(struct http_req *req)
{
	struct cc_error err = {0};
	json_t *j = report_plans(req->st, &err);
	return j ? http_json(req, 200, j) : http_error_from(req, CC_EDB, &err, NULL, NULL);
}

int h_report_plan_create(struct http_req *req)
{
	struct cc_error err = {0};
	json_t *b = http_body_json(req);
	if (!b)
		return req->status;
	json_t *m = json_object_get(b, "metrics");
	char metrics[1024] = "";
	if (json_is_array(m)) {
		size_t u = 0;
		for (size_t i = 0; i < json_array_size(m) && u < sizeof metrics; i++)
			u += (size_t)snprintf(metrics + u, sizeof metrics - u, "%s%s", i ? "," : "",
					      json_string_value(json_array_get(m, i))
						      ? json_string_value(json_array_get(m, i))
						      : "?");
	} else if (json_is_string(m)) {
		snprintf(metrics, sizeof metrics, "%s", json_string_value(m));
	}
	struct report_plan_new p = {
		json_string_value(json_object_get(b, "name")),
		metrics,
		json_string_value(json_object_get(b, "rule")),
		json_string_value(json_object_get(b, "frequency")),
		(int)json_integer_value(json_object_get(b, "open_days")),
		(int)json_integer_value(json_object_get(b, "due_days")),
		req->user.username,
	};
	int64_t id = 0;
	int rc = report_plan_create(req->st, &p, &id, &err);
	json_decref(b);
	if (rc)
		return http_error_from(req, rc, &err, NULL, "无法创建填报计划");
	return http_json(req, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

int h_report_open(struct http_req *req)
{
	struct cc_error err = {0};
	int64_t plan;
	int period = 0, per = 0;
	int64_t opened = 0;
	if (path_plan(req, &plan))
		return req->status;
	json_t *b = req->body_len ? http_body_json(req) : json_object();
	if (!b)
		return req->status;
	const char *ps = json_string_value(json_object_get(b, "period"));
	int rc = ps && *ps ? report_period_parse(ps, &period, &err) : 0;
	json_decref(b);
	if (rc == 0)
		rc = report_open(req->st, plan, period, 0, req->user.username, &per, &opened, &err);
	if (rc)
		return http_error_from(req, rc, &err, "period", "无法开启该期填报");
	char out[8];
	report_period_format(per, out);
	return http_json(req, 200,
			 json_pack("{s:s, s:I}", "period", out, "opened", (json_int_t)opened));
}

int h_report_completion(struct http_req *req)
{
	struct cc_error err = {0};
	int64_t plan;
	if (path_plan(req, &plan))
		return req->status;
	int period = query_period(req);
	if (period < 0)
		return req->status;
	struct cc_frame *f = http_frame(req); /* districts and chains from the snapshot */
	if (!f)
		return req->status;
	json_t *j = report_completion_in(req->st, f, plan, period, 0, &err);
	return j ? http_json(req, 200, j) : http_error_from(req, CC_EDB, &err, NULL, NULL);
}

int h_report_remind(struct http_req *req)
{
	struct cc_error err = {0};
	int64_t plan, n = 0;
	if (path_plan(req, &plan))
		return req->status;
	int rc = report_remind(req->st, plan, 0, &n, &err);
	if (rc)
		return http_error_from(req, rc, &err, NULL, NULL);
	return http_json(req, 200, json_pack("{s:I}", "notices", (json_int_t)n));
}

int h_reports(struct http_req *req)
{
	struct cc_error err = {0};
	struct report_filter f = {0};
	const char *plan = http_query(req, "plan"), *lim = http_query(req, "limit");
	long long n = 0;
	if (plan && *plan && report_plan_find(req->st, plan, &f.plan, &err))
		return http_error_from(req, CC_ENOTFOUND, &err, "plan", "没有该填报计划");
	f.period = query_period(req);
	if (f.period < 0)
		return req->status;
	if (lim && (cc_parse_int64(lim, strlen(lim), &n) || n < 1))
		return http_error(req, 400, "invalid", "limit", "limit 无效", "invalid limit");
	f.limit = (int)n;
	f.status = http_query(req, "status");
	f.uscc = req->user.role == HTTP_ROLE_ENTERPRISE ? req->user.uscc : http_query(req, "uscc");
	json_t *j = report_list(req->st, &f, &err);
	return j ? http_json(req, 200, j) : http_error_from(req, CC_EDB, &err, NULL, NULL);
}

int h_report(struct http_req *req)
{
	struct cc_error err = {0};
	int64_t id;
	if (path_report(req, &id))
		return req->status;
	json_t *j = report_get(req->st, id, 0, &err);
	return j ? http_json(req, 200, j) : http_error_from(req, err.code, &err, NULL, NULL);
}

/* PUT (a draft) and POST …/submit: body {values: {metric: number|null}, explanation}. */
static int write_report(struct http_req *req, int submit)
{
	struct cc_error err = {0};
	const char *field = NULL;
	json_t *warnings = NULL;
	int64_t id;
	if (path_report(req, &id))
		return req->status;
	json_t *b = req->body_len ? http_body_json(req) : json_object();
	if (!b)
		return req->status;
	json_t *values = json_object_get(b, "values");
	const char *expl = json_string_value(json_object_get(b, "explanation"));
	int rc = submit ? report_submit(req->st, id, values, expl, req->user.username, &field,
					&warnings, &err)
			: report_save(req->st, id, values, expl, req->user.username, &field, &err);
	json_decref(b);
	if (rc == CC_EREJECT) {
		/* Soft rules: the client shows each warning beside its field and asks for an
		 * explanation. */
		json_t *e = json_pack("{s:s, s:s, s:s, s:o}", "code", "explanation_required",
				      "message", err.msg, "message_zh", "请填写说明后再提交",
				      "field", json_string("explanation"));
		return http_json(req, 422,
				 json_pack("{s:o, s:o}", "error", e, "warnings",
					   warnings ? warnings : json_array()));
	}
	json_decref(warnings);
	if (rc == CC_EINVAL && field)
		return http_error(req, 400, "invalid", field, "数据不符合填报规则", "%s", err.msg);
	if (rc == CC_EPERM)
		return http_error(req, 409, "conflict", NULL, "该报表已提交或已通过，不能修改",
				  "%s", err.msg);
	if (rc)
		return http_error_from(req, rc, &err, field, NULL);
	json_t *j = report_get(req->st, id, 0, &err);
	return j ? http_json(req, 200, j) : http_error_from(req, CC_EDB, &err, NULL, NULL);
}

int h_report_save(struct http_req *req)
{
	return write_report(req, 0);
}

int h_report_submit(struct http_req *req)
{
	return write_report(req, 1);
}

static int review(struct http_req *req, int accept)
{
	struct cc_error err = {0};
	int64_t id;
	if (path_report(req, &id))
		return req->status;
	const char *comment = NULL;
	json_t *b = NULL;
	if (!accept) {
		b = http_body_json(req);
		if (!b)
			return req->status;
		comment = json_string_value(json_object_get(b, "comment"));
	}
	int rc = accept ? report_accept(req->st, id, req->user.username, &err)
			: report_return(req->st, id, comment, req->user.username, &err);
	json_decref(b);
	if (rc == CC_EPERM)
		return http_error(req, 409, "conflict", "status", "该报表不是待审核状态", "%s",
				  err.msg);
	if (rc)
		return http_error_from(req, rc, &err, accept ? NULL : "comment", NULL);
	json_t *j = report_get(req->st, id, 0, &err);
	return j ? http_json(req, 200, j) : http_error_from(req, CC_EDB, &err, NULL, NULL);
}

int h_report_return(struct http_req *req)
{
	return review(req, 0);
}

int h_report_accept(struct http_req *req)
{
	return review(req, 1);
}

int h_report_notices(struct http_req *req)
{
	struct cc_error err = {0};
	const char *uscc =
		req->user.role == HTTP_ROLE_ENTERPRISE ? req->user.uscc : http_query(req, "uscc");
	json_t *j = report_notices(req->st, uscc, 100, &err);
	return j ? http_json(req, 200, j) : http_error_from(req, CC_EDB, &err, NULL, NULL);
}

int h_enterprise_provenance(struct http_req *req)
{
	struct cc_error err = {0};
	const char *uscc = req->params[0];
	char canon[19];
	if (cc_uscc_validate(uscc, strlen(uscc), canon, NULL, &err))
		return http_error(req, 400, "invalid", "uscc", "统一社会信用代码无效", "%s",
				  err.msg);
	if (req->user.role == HTTP_ROLE_ENTERPRISE && strcmp(canon, req->user.uscc))
		return http_error(req, 403, "forbidden", "uscc", "只能查看本企业的数据",
				  "an enterprise account sees only its own enterprise");
	int period = query_period(req);
	if (period < 0)
		return req->status;
	json_t *j = report_provenance(req->st, canon, period, &err);
	return j ? http_json(req, 200, j) : http_error_from(req, err.code, &err, "uscc", NULL);
}

int h_freshness(struct http_req *req)
{
	struct cc_frame *f = http_frame(req);
	struct chain_scope scope;
	int year, chain = -1;
	if (!f)
		return req->status;
	if (h_chain_params(req, f, &scope, &year))
		return req->status;
	const char *c = http_query(req, "chain");
	if (c && *c) {
		const struct cc_catalogue *cat = cc_catalogue_get(NULL);
		const struct cc_chain *ch = cat ? cc_chain_find(cat, c) : NULL;
		if (!ch)
			return http_error(req, 404, "not_found", "chain", "没有该产业链",
					  "no chain '%s'", c);
		if (!h_may_read_chain(req, c))
			return http_error(req, 403, "forbidden", "chain", "无权查看该产业链",
					  "not one of your chains");
		chain = ch->index;
	}
	json_t *j = report_freshness(req->st, f, &scope, chain);
	if (!j)
		return http_error(req, 500, "internal", NULL, "服务器内部错误", "out of memory");
	json_object_set_new(j, "scope", h_chain_scope_json(&scope, year));
	return http_json(req, 200, j);
}

const int h_as_of_output[2] = {CC_M_OUTPUT_VALUE, CC_M_REVENUE};
const int h_as_of_energy[1] = {CC_M_ENERGY_TCE};
const int h_as_of_innov[2] = {CC_M_INVENTION_PATENTS, CC_M_RD_EXPENSE};

/*
 * 数据截至 of a scope and chain (h_as_of without a mask of its own), remembered per frame
 * version (slot CC_FRAME_SLOT_AS_OF, dropped by any change): computing it is a pass over every
 * firm for the scope and one over the metrics' cells per period looked at (~5 ms at 1M firms),
 * which a page such as a chain's would otherwise pay on every request.
 */
#define AS_OF_MEMO 64
struct as_of_memo {
	pthread_mutex_t lock;
	int n;
	struct as_of_entry {
		int has_scope, chain, monthly, max_period, nmetrics;
		struct chain_scope scope;
		int metrics[CC_M_BASE_COUNT];
		struct report_as_of a;
	} e[AS_OF_MEMO];
};

static void *as_of_make(const struct cc_frame *f)
{
	(void)f;
	struct as_of_memo *m = calloc(1, sizeof *m);
	if (m)
		pthread_mutex_init(&m->lock, NULL);
	return m;
}

static void as_of_free(void *p)
{
	struct as_of_memo *m = p;
	pthread_mutex_destroy(&m->lock);
	free(m);
}

static int as_of_same(const struct as_of_entry *e, const struct chain_scope *scope, int chain,
		      const int *metrics, int nmetrics, int monthly, int max_period)
{
	return e->has_scope == (scope != NULL) && e->chain == chain && e->monthly == monthly &&
	       e->max_period == max_period && e->nmetrics == nmetrics &&
	       memcmp(e->metrics, metrics, sizeof *metrics * (size_t)nmetrics) == 0 &&
	       (!scope ||
		(e->scope.n == scope->n && memcmp(e->scope.codes, scope->codes,
						  sizeof scope->codes[0] * (size_t)scope->n) == 0));
}

json_t *h_as_of(const struct cc_frame *f, const struct chain_scope *scope, int chain,
		const uint8_t *in, const int *metrics, int nmetrics, int monthly, int max_period)
{
	const struct report_rules *r = report_rules_get(NULL);
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	uint8_t *mask = NULL, *chains = NULL;
	if (!r || !f)
		return NULL;
	if (max_period > 0 && max_period < 10000)
		max_period *= 100; /* a year */
	struct as_of_memo *memo = NULL;
	if (!in && nmetrics >= 0 && nmetrics <= CC_M_BASE_COUNT) {
		/* cc_frame_ext only memoises on F. */
		memo = cc_frame_ext((struct cc_frame *)f, CC_FRAME_SLOT_AS_OF, as_of_make,
				    as_of_free);
		int hit = 0;
		struct report_as_of got;
		if (memo) {
			pthread_mutex_lock(&memo->lock);
			for (int k = 0; k < memo->n && !hit; k++)
				if (as_of_same(&memo->e[k], scope, chain, metrics, nmetrics,
					       monthly, max_period)) {
					got = memo->e[k].a;
					hit = 1;
				}
			pthread_mutex_unlock(&memo->lock);
		}
		if (hit)
			return report_as_of_json(&got, r->as_of_share, metrics, nmetrics);
	}
	if (!in) {
		if (chain >= 0 && cat && chain < cat->nchains) {
			chains = calloc((size_t)cat->nchains, 1);
			if (!chains)
				return NULL;
			chains[chain] = 1;
		}
		mask = report_scope_mask(f, scope, chains);
		free(chains);
		if (!mask)
			return NULL;
		in = mask;
	}
	struct report_as_of a;
	json_t *j = NULL;
	if (report_as_of(f, in, metrics, nmetrics, monthly, max_period, r->as_of_share, &a) == 0) {
		j = report_as_of_json(&a, r->as_of_share, metrics, nmetrics);
		if (memo) {
			pthread_mutex_lock(&memo->lock);
			int k = memo->n < AS_OF_MEMO ? memo->n++
						     : (int)((unsigned)chain % AS_OF_MEMO);
			struct as_of_entry *e = &memo->e[k];
			e->has_scope = scope != NULL;
			if (scope)
				e->scope = *scope;
			e->chain = chain;
			e->monthly = monthly;
			e->max_period = max_period;
			e->nmetrics = nmetrics;
			memcpy(e->metrics, metrics, sizeof *metrics * (size_t)nmetrics);
			e->a = a;
			pthread_mutex_unlock(&memo->lock);
		}
	}
	free(mask);
	return j;
}

int h_jw_send_as_of(struct http_req *req, struct cc_jw *w, json_t *as_of)
{
	int rc = http_jw_send(req, w);
	struct cc_buf *b = &req->resp;
	if (rc != 200 || !as_of || b->len < 2 || b->data[0] != '{' || b->data[b->len - 1] != '}') {
		json_decref(as_of);
		return rc;
	}
	char *text = cc_jw_text(as_of);
	json_decref(as_of);
	if (!text)
		return rc;
	b->len--; /* the object's closing brace */
	int empty = b->len == 1;
	if (cc_buf_printf(b, "%s\"as_of\":%s}", empty ? "" : ",", text)) {
		free(text);
		cc_buf_reset(b);
		return http_error(req, 500, "internal", NULL, "响应过大", "response too large");
	}
	free(text);
	return rc;
}

/* The query's period, required: else a 400 and -1. */
static int required_period(struct http_req *req)
{
	int period = query_period(req);
	if (period == 0) {
		http_error(req, 400, "invalid", "period", "请指定期间（period）",
			   "period is required");
		return -1;
	}
	return period;
}

int h_report_template(struct http_req *req)
{
	struct cc_error err = {0};
	int64_t plan, rows = 0;
	char path[512], name[96];
	long long region = 0;
	if (path_plan(req, &plan))
		return req->status;
	int period = required_period(req);
	if (period < 0)
		return req->status;
	const char *r = http_query(req, "region");
	if (r && *r && (cc_parse_int64(r, strlen(r), &region) || region < 0))
		return http_error(req, 400, "invalid", "region", "行政区划代码无效",
				  "invalid region code");
	http_file_new(req, "export", ".xlsx", path, sizeof path);
	int rc = report_bulk_template(req->st, plan, period, (int)region, path, &rows, &err);
	if (rc) {
		unlink(path);
		return http_error_from(req, rc, &err, NULL, "无法生成填报模板");
	}
	char per[8];
	report_period_format(period, per);
	snprintf(name, sizeof name, "report-%lld-%s.xlsx", (long long)plan, per);
	rc = http_send_file(req, path, HTTP_TYPE_XLSX, name);
	unlink(path); /* the answer streams from the open file */
	return rc;
}

int h_report_upload(struct http_req *req)
{
	struct cc_error err = {0};
	int64_t plan;
	char path[512], rejects[512], url[128];
	json_t *res = NULL;
	if (path_plan(req, &plan))
		return req->status;
	int period = required_period(req);
	if (period < 0)
		return req->status;
	if (req->body_len == 0)
		return http_error(req, 400, "invalid", "body", "没有上传文件内容",
				  "the body is empty");
	int id = http_file_new(req, "rejects", ".csv", rejects, sizeof rejects);
	if (req->body_file) {
		snprintf(path, sizeof path, "%s", req->body_file);
	} else {
		snprintf(path, sizeof path, "%s/upload-%d", req->srv->tmpdir, id);
		FILE *fp = fopen(path, "wb");
		if (!fp || fwrite(req->body, 1, req->body_len, fp) != req->body_len) {
			if (fp)
				fclose(fp);
			unlink(path);
			return http_error(req, 500, "internal", NULL, "无法保存上传文件",
					  "cannot store the upload");
		}
		fclose(fp);
	}
	int rc = report_bulk_upload(req->st, plan, period, path, rejects, req->user.username, &res,
				    &err);
	unlink(path);
	if (rc && rc != CC_EREJECT) {
		unlink(rejects);
		return http_error(req, 422, "invalid", "file", "文件无法读取（未提交任何行）",
				  "the file was not read (nothing submitted): %s", err.msg);
	}
	snprintf(url, sizeof url, "/api/v1/imports/%d/rejects", id);
	json_object_set_new(res, "id", json_integer(id));
	json_object_set_new(res, "rejects_url", rc ? json_string(url) : json_null());
	if (!rc)
		unlink(rejects);
	char target[64], *summary = NULL;
	snprintf(target, sizeof target, "plan %lld", (long long)plan);
	json_t *brief = json_pack("{s:O, s:O, s:O}", "rows", json_object_get(res, "rows"),
				  "accepted", json_object_get(res, "accepted"), "rejected",
				  json_object_get(res, "rejected"));
	summary = cc_jw_text(brief);
	http_audit(req, "report.upload", target, NULL, summary);
	free(summary);
	json_decref(brief);
	return http_json(req, 200, res);
}
