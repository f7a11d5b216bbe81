/*
 * Enterprise routes: the list (GET /enterprises: its parameters, the account's confinement and
 * the JSON; the search itself is frame/search.c's engine), profiles, and audited edits.
 *
 * The list is written straight into the response: each enterprise's fixed fields are JSON
 * text cached per frame (CC_FRAME_SLOT_FRAGMENTS), and numbers are written without printf.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/jw.h"
#include "base/json.h"
#include "base/parse.h"
#include "base/text.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "domain/metric.h"
#include "domain/uscc.h"
#include "frame/search.h"
#include "http/handlers.h"
#include "report/report.h"
#include "store/check.h"
#include "store/dialect.h"

static const char *const role_names[] = {"master", "core", "member"};

json_t *h_enterprise_item(const struct cc_frame *f, int i, int year)
{
	char rname[256];
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	const struct cc_industry *ind = f->industry[i] ? cc_industry_find(f->industry[i]) : NULL;
	cc_region_fullname(f->region[i], rname, sizeof rname);
	json_t *certs = json_array();
	for (int k = 0; k < 5; k++)
		if (f->certs[i] & (1 << k))
			json_array_append_new(certs, json_string(cc_cert_words[k]));
	json_t *chains = json_array();
	for (int k = f->member_start[i]; k < f->member_start[i + 1]; k++) {
		const struct cc_node *nd = &cat->nodes[f->member_node[k]];
		json_array_append_new(chains, json_pack("{s:s, s:s, s:s, s:s, s:s}", "chain",
							cat->chains[nd->chain].id, "node", nd->id,
							"node_name", nd->name_zh, "node_name_en",
							nd->name_en, "role",
							role_names[f->member_role[k]]));
	}
	json_t *o =
		json_pack("{s:s, s:s, s:i, s:s, s:s?, s:s?, s:s?, s:s?, s:o, s:o}", "uscc",
			  f->uscc[i], "name", f->name[i], "region", (int)f->region[i],
			  "region_name", rname, "industry", f->industry[i], "industry_name",
			  ind ? ind->name : NULL, "scale", cc_scale_words[f->scale[i]], "listed",
			  cc_listed_words[f->listed[i]], "certs", certs, "chains", chains);
	char ind_en[256];
	if (ind && *cc_industry_name_en(ind, ind_en, sizeof ind_en))
		json_object_set_new(o, "industry_name_en", json_string(ind_en));
	if (year) {
		json_object_set_new(o, "year", json_integer(year));
		static const int show[] = {CC_M_REVENUE, CC_M_OUTPUT_VALUE, CC_M_REVENUE_YOY,
					   CC_M_RD_INTENSITY, CC_M_EMPLOYEES};
		for (size_t k = 0; k < sizeof show / sizeof show[0]; k++) {
			const double *col = cc_frame_annual(f, show[k], year);
			json_object_set_new(o, cc_metric_get(show[k])->key,
					    cc_json_num(col ? col[i] : NAN));
		}
	}
	return o;
}

/* Whether the user may see enterprise I (an enterprise user sees only itself). */
static int may_see(const struct http_req *req, const struct cc_frame *f, int i)
{
	return req->user.role != HTTP_ROLE_ENTERPRISE || strcmp(req->user.uscc, f->uscc[i]) == 0;
}

/* ---- the list's fast path: cached JSON fragments and direct writing ---- */

/* Per frame: each enterprise's fixed fields as JSON text (without braces), made on first use. */
struct frags {
	int n;
	char **s;
};

static void *frags_make(const struct cc_frame *f)
{
	struct frags *fr = calloc(1, sizeof *fr);
	if (!fr)
		return NULL;
	fr->n = f->n;
	fr->s = calloc((size_t)f->n + 1, sizeof *fr->s);
	if (!fr->s) {
		free(fr);
		return NULL;
	}
	return fr;
}

static void frags_free(void *p)
{
	struct frags *fr = p;
	for (int i = 0; i < fr->n; i++)
		free(fr->s[i]);
	free(fr->s);
	free(fr);
}

/* Returns the fixed JSON fields of enterprise I ("uscc":…,…,"chains":[…]), or NULL. */
static const char *fragment(struct cc_frame *f, int i, size_t *len)
{
	struct frags *fr = cc_frame_ext(f, CC_FRAME_SLOT_FRAGMENTS, frags_make, frags_free);
	if (!fr)
		return NULL;
	char *cur = __atomic_load_n(&fr->s[i], __ATOMIC_ACQUIRE);
	if (!cur) {
		json_t *o = h_enterprise_item(f, i, 0);
		char *text = cc_jw_text(o);
		json_decref(o);
		if (!text)
			return NULL;
		size_t n = strlen(text);
		/* Drop the braces: items add their own fields after these. */
		memmove(text, text + 1, n - 2);
		text[n - 2] = '\0';
		char *expected = NULL;
		if (__atomic_compare_exchange_n(&fr->s[i], &expected, text, 0, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE)) {
			cur = text;
		} else {
			free(text);
			cur = expected;
		}
	}
	*len = strlen(cur);
	return cur;
}

void h_enterprise_follow_init(void)
{
	/* Fragments hold registry fields and chains; the search engine's caches follow by its
	 * own policies. */
	cc_frame_ext_policy(CC_FRAME_SLOT_FRAGMENTS, CC_DELTA_REG | CC_DELTA_MEM, 0, NULL);
	cc_enterprise_search_follow_init();
}

int h_enterprises(struct http_req *req)
{
	struct cc_frame *f = http_frame(req);
	if (!f)
		return req->status;
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	const char *v;
	long long limit = 50, offset = 0, region = 0, year = 0;
	char canon[19];
	struct cc_enterprise_query q;
	cc_enterprise_query_init(&q);
	q.name = http_query(req, "q");
	if ((v = http_query(req, "limit")) &&
	    (cc_parse_int64(v, strlen(v), &limit) || limit < 1 || limit > 500))
		return http_error(req, 400, "invalid", "limit", "limit 应为 1–500 的整数",
				  "limit must be a whole number from 1 to 500");
	if ((v = http_query(req, "cursor")) && *v &&
	    (cc_parse_int64(v, strlen(v), &offset) || offset < 0 || offset > 100000000))
		return http_error(req, 400, "invalid", "cursor", "无效的分页游标",
				  "invalid cursor");
	if ((v = http_query(req, "region")) && *v &&
	    (cc_parse_int64(v, strlen(v), &region) || !cc_region_find((int)region)))
		return http_error(req, 400, "invalid", "region", "未知的行政区划代码",
				  "unknown region code '%s'", v);
	if ((v = http_query(req, "year")) && *v &&
	    (cc_parse_int64(v, strlen(v), &year) || !cc_frame_annual(f, 0, (int)year)))
		return http_error(req, 400, "invalid", "year", "没有该年份的数据",
				  "no data for year '%s'", v);
	if (!year)
		year = cc_frame_latest_year(f);
	if ((v = http_query(req, "listed")) && *v &&
	    (q.listed = cc_enterprise_word(v, cc_listed_words, CC_LISTED_WORDS)) < 0)
		return http_error(req, 400, "invalid", "listed", "未知的上市板块",
				  "listed must be none, main, star, gem, bse or neeq");
	if ((v = http_query(req, "scale")) && *v &&
	    (q.scale = cc_enterprise_word(v, cc_scale_words, CC_SCALE_WORDS)) < 0)
		return http_error(req, 400, "invalid", "scale", "未知的企业规模",
				  "scale must be large, medium, small or micro");
	if ((v = http_query(req, "cert")) && *v &&
	    (q.cert = cc_enterprise_word(v, cc_cert_words, CC_CERT_WORDS)) < 0)
		return http_error(req, 400, "invalid", "cert", "未知的资质",
				  "unknown certificate '%s'", v);
	if ((v = http_query(req, "chain")) && *v) {
		const struct cc_chain *ch = cc_chain_find(cat, v);
		if (!ch)
			return http_error(req, 400, "invalid", "chain", "未知的产业链",
					  "unknown chain '%s'", v);
		q.chain = ch->index;
	}
	if ((v = http_query(req, "node")) && *v) {
		struct cc_error e;
		const struct cc_node *nd = cc_node_resolve(cat, v, NULL, &e);
		if (!nd)
			return http_error(req, 400, "invalid", "node", "未知的环节", "%s", e.msg);
		q.node = nd->index;
	}
	if ((v = http_query(req, "uscc")) && *v) {
		struct cc_error e;
		if (cc_uscc_validate(v, strlen(v), canon, NULL, &e))
			return http_error(req, 400, "invalid", "uscc", "统一社会信用代码无效", "%s",
					  e.msg);
		q.uscc = canon;
	}
	q.industry = http_query(req, "industry");
	const char *sort = http_query(req, "sort");
	if (sort && *sort) {
		const struct cc_metric *m = cc_metric_find(sort);
		if (m) {
			q.sort = CC_ENTERPRISE_BY_METRIC;
			q.metric = m->id;
		} else if (strcmp(sort, "name") == 0) {
			q.sort = CC_ENTERPRISE_BY_NAME;
		} else if (strcmp(sort, "uscc") != 0) {
			return http_error(req, 400, "invalid", "sort", "无法按该字段排序",
					  "cannot sort by '%s' (a metric id, name or uscc)", sort);
		}
		q.desc = m != NULL;
	}
	if ((v = http_query(req, "order")) && *v) {
		if (strcmp(v, "asc") == 0)
			q.desc = 0;
		else if (strcmp(v, "desc") == 0)
			q.desc = 1;
		else
			return http_error(req, 400, "invalid", "order", "排序方向应为 asc 或 desc",
					  "order must be asc or desc");
	}
	/* An enterprise account sees only itself, whatever it asks for. */
	if (req->user.role == HTTP_ROLE_ENTERPRISE)
		q.confine = req->user.uscc;
	q.region = (int)region;
	q.year = (int)year;
	q.offset = offset;
	q.limit = limit;
	struct cc_enterprise_page page = {0};
	struct cc_error err = {0};
	if (cc_enterprise_search(f, &q, &page, &err))
		return http_error(req, 500, "internal", NULL, "内存不足", "out of memory");
	/* Written straight into the response: fixed fields from the frame's fragment cache,
	 * then this year's figures (and the sort key's value when sorted by a metric of a year
	 * the frame holds). */
	const double *key =
		q.sort == CC_ENTERPRISE_BY_METRIC ? cc_frame_annual(f, q.metric, q.year) : NULL;
	static const int show[] = {CC_M_REVENUE, CC_M_OUTPUT_VALUE, CC_M_REVENUE_YOY,
				   CC_M_RD_INTENSITY, CC_M_EMPLOYEES};
	const double *cols[5];
	/* The per-row constant text, made once: ,"year":2025 and ,"revenue": ... */
	char yearf[32], keyf[5][40];
	size_t yearl = (size_t)snprintf(yearf, sizeof yearf, ",\"year\":%lld", year), keyl[5];
	for (int k = 0; k < 5; k++) {
		cols[k] = cc_frame_annual(f, show[k], (int)year);
		keyl[k] = (size_t)snprintf(keyf[k], sizeof keyf[k],
					   ",\"%s\":", cc_metric_get(show[k])->key);
	}
	struct cc_buf *b = &req->resp;
	cc_buf_reset(b);
	cc_buf_puts(b, "{\"items\":[");
	for (int k = 0; k < page.nrows; k++) {
		int i = page.rows[k];
		size_t flen;
		const char *frag = fragment(f, i, &flen);
		if (!frag) {
			cc_enterprise_page_release(&page);
			return http_error(req, 500, "internal", NULL, "内存不足", "out of memory");
		}
		cc_buf_append(b, k ? ",{" : "{", k ? 2 : 1);
		cc_buf_append(b, frag, flen);
		cc_buf_append(b, yearf, yearl);
		for (int m = 0; m < 5; m++) {
			cc_buf_append(b, keyf[m], keyl[m]);
			cc_buf_num(b, cols[m] ? cols[m][i] : NAN);
		}
		if (key) {
			cc_buf_puts(b, ",\"sort_value\":");
			cc_buf_num(b, key[i]);
		}
		cc_buf_putc(b, '}');
	}
	int total = page.total;
	cc_enterprise_page_release(&page);
	if (offset + limit < total)
		cc_buf_printf(b, "],\"next_cursor\":\"%lld\"", offset + limit);
	else
		cc_buf_puts(b, "],\"next_cursor\":null");
	cc_buf_printf(b, ",\"total\":%d,\"year\":%lld}", total, year);
	req->status = 200;
	req->resp_type = "application/json; charset=utf-8";
	return 200;
}

int h_path_enterprise(struct http_req *req, struct cc_frame *f)
{
	char canon[19];
	struct cc_error e;
	const char *code = req->params[0];
	if (cc_uscc_validate(code, strlen(code), canon, NULL, &e)) {
		http_error(req, 400, "invalid", "uscc", "统一社会信用代码无效", "%s", e.msg);
		return -1;
	}
	int i = cc_frame_find(f, canon);
	if (i < 0 || !may_see(req, f, i)) {
		/* An enterprise user asking for another registered enterprise is refused (403); an
		 * unregistered code is not found (404) for everyone. */
		if (i >= 0 && req->user.role == HTTP_ROLE_ENTERPRISE)
			http_error(req, 403, "forbidden", "uscc", "企业用户只能查看本企业",
				   "an enterprise account sees only its own enterprise");
		else
			http_error(req, 404, "not_found", "uscc", "没有该企业",
				   "no enterprise with credit code %s", canon);
		return -1;
	}
	return i;
}

int h_enterprise(struct http_req *req)
{
	struct cc_frame *f = http_frame(req);
	if (!f)
		return req->status;
	int i = h_path_enterprise(req, f);
	if (i < 0)
		return req->status;
	json_t *ent = h_enterprise_item(f, i, 0);
	if (f->founded[i]) {
		char d[16];
		cc_format_date(f->founded[i], d);
		json_object_set_new(ent, "founded", json_string(d));
	}
	json_t *annual = json_array();
	for (int y = 0; y < f->nyears; y++) {
		json_t *row = json_pack("{s:i}", "year", f->year0 + y);
		int any = 0;
		double row_v[CC_M_COUNT];
		cc_frame_row(f, i, y, row_v);
		for (int m = 0; m < CC_M_COUNT; m++) {
			double v = row_v[m];
			any |= m < CC_M_BASE_COUNT && !isnan(v);
			json_object_set_new(row, cc_metric_get(m)->key, cc_json_num(v));
		}
		if (any)
			json_array_append_new(annual, row);
		else
			json_decref(row);
	}
	json_t *monthly = json_array();
	for (int k = 0; k < f->nmonths; k++) {
		json_t *row = json_object();
		int any = 0;
		for (int m = 0; m < CC_M_BASE_COUNT; m++) {
			if (!f->monthly[m])
				continue;
			double v = f->monthly[m][(size_t)k * (size_t)f->n + (size_t)i];
			any |= !isnan(v);
			json_object_set_new(row, cc_metric_get(m)->key, cc_json_num(v));
		}
		if (any) {
			char p[16];
			int mi = f->month0 + k;
			snprintf(p, sizeof p, "%04d-%02d", mi / 12, mi % 12 + 1);
			json_object_set_new(row, "period", json_string(p));
			json_array_append_new(monthly, row);
		} else {
			json_decref(row);
		}
	}
	json_t *metrics = json_array();
	for (int m = 0; m < CC_M_COUNT; m++) {
		const struct cc_metric *mt = cc_metric_get(m);
		json_array_append_new(metrics, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "id",
							 mt->key, "name_zh", mt->name_zh, "name_en",
							 mt->name_en, "unit", mt->unit, "unit_zh",
							 mt->unit_zh, "derived", mt->derived));
	}
	int can_edit = (req->user.role & HTTP_ROLES_EDIT) || req->user.role == HTTP_ROLE_ENTERPRISE;
	return http_json(req, 200,
			 json_pack("{s:o, s:o, s:o, s:o, s:b}", "enterprise", ent, "annual", annual,
				   "monthly", monthly, "metrics", metrics, "can_edit", can_edit));
}

/* Runs SQL with one text binding and returns the row as a JSON object of its columns in
 * their order, values as text (the caller owns it), or NULL. */
static json_t *row_object(struct cc_store *st, const char *sql, const char *arg)
{
	struct cc_stmt *s = NULL;
	struct cc_error e;
	json_t *o = NULL;
	if (cc_stmt_prepare(st, &s, sql, &e))
		return NULL;
	cc_stmt_bind_text(s, 1, arg, strlen(arg));
	if (cc_stmt_step(s, &e) == 1) {
		o = json_object();
		for (int c = 0; c < cc_stmt_columns(s); c++)
			json_object_set_new(o, cc_stmt_column_name(s, c),
					    cc_stmt_is_null(s, c)
						    ? json_null()
						    : json_string(cc_stmt_text(s, c)));
	}
	cc_stmt_free(s);
	return o;
}

/* The fields an edit may change, as the store's columns; from PATCH_SCALE on, official ones. */
enum {
	PATCH_NAME,
	PATCH_REGION,
	PATCH_INDUSTRY,
	PATCH_FOUNDED,
	PATCH_SCALE,
	PATCH_LISTED,
	PATCH_CERTS,
	PATCH_FIELDS
};
static const char *const patch_fields[PATCH_FIELDS] = {"name",	"region", "industry", "founded",
						       "scale", "listed", "certs"};

/* An edit read from a request body: the UPDATE's SET clause, the values bound to its
 * parameters (NULL binds SQL NULL), and room for the values written in canonical form. */
struct patch {
	char set[1024];
	size_t used;
	const char *binds[8];
	int nb;
	char region[16], date[16], certs[128], industry[16];
};

/*
 * Writes the certificate list S (words separated by ';', empty ones ignored) to OUT in the
 * canonical order of cc_cert_words, each once. Returns 0, or the status of the 400 set for an
 * unknown word (KEY is the field).
 */
static int patch_certs(struct http_req *req, const char *key, const char *s, char *out, size_t size)
{
	int have[5] = {0};
	char copy[256];
	snprintf(copy, sizeof copy, "%s", s);
	for (char *p = copy; *p;) {
		char *semi = strchr(p, ';');
		if (semi)
			*semi = '\0';
		int k = -1;
		for (int c = 0; c < 5; c++)
			if (strcmp(p, cc_cert_words[c]) == 0)
				k = c;
		if (k < 0 && *p)
			return http_error(req, 400, "invalid", key, "未知的资质",
					  "unknown certificate '%s'", p);
		if (k >= 0)
			have[k] = 1;
		if (!semi)
			break;
		p = semi + 1;
	}
	size_t u = 0;
	out[0] = '\0';
	for (int c = 0; c < 5; c++)
		if (have[c])
			u += (size_t)snprintf(out + u, size - u, "%s%s", u ? ";" : "",
					      cc_cert_words[c]);
	return 0;
}

/*
 * Checks the string S given for field FI (KEY) and sets *BOUND to what is stored: S itself, or
 * its canonical form written into P's room. Returns 0, or the status of the 400 set.
 */
static int patch_check(struct http_req *req, struct patch *p, int fi, const char *key,
		       const char *s, const char **bound)
{
	long long r;
	int ymd;
	struct cc_error e;
	const struct cc_industry *ind;
	*bound = s;
	switch (fi) {
	case PATCH_NAME:
		if (!*s || cc_utf8_len(s, strlen(s)) > 200)
			return http_error(req, 400, "invalid", key, "企业名称不能为空或过长",
					  "name must be 1-200 characters");
		break;
	case PATCH_REGION:
		if (cc_parse_int64(s, strlen(s), &r) || !cc_region_find((int)r))
			return http_error(req, 400, "invalid", key, "未知的行政区划代码",
					  "unknown region code '%s'", s);
		snprintf(p->region, sizeof p->region, "%lld", r);
		*bound = p->region;
		break;
	case PATCH_INDUSTRY:
		ind = cc_industry_find(s);
		if (!ind)
			return http_error(req, 400, "invalid", key, "未知的行业代码",
					  "unknown industry code '%s'", s);
		snprintf(p->industry, sizeof p->industry, "%s", ind->code);
		*bound = p->industry;
		break;
	case PATCH_FOUNDED:
		if (cc_parse_date(s, strlen(s), &ymd, &e))
			return http_error(req, 400, "invalid", key, "日期无效", "%s", e.msg);
		cc_format_date(ymd, p->date);
		*bound = p->date;
		break;
	case PATCH_SCALE:
		if (cc_enterprise_word(s, cc_scale_words, CC_SCALE_WORDS) < 0)
			return http_error(req, 400, "invalid", key, "未知的企业规模",
					  "scale must be large, medium, small or micro");
		break;
	case PATCH_LISTED:
		if (cc_enterprise_word(s, cc_listed_words, CC_LISTED_WORDS) < 0)
			return http_error(req, 400, "invalid", key, "未知的上市板块",
					  "listed must be none, main, star, gem, bse or neeq");
		break;
	case PATCH_CERTS:
		*bound = p->certs;
		return patch_certs(req, key, s, p->certs, sizeof p->certs);
	}
	return 0;
}

/*
 * Adds the field KEY with value VAL to P: known and writable by the account, a string (the
 * region may be an integer, the fields after it null), valid. Returns 0, or the status of the
 * 400 or 403 set.
 */
static int patch_field(struct http_req *req, struct patch *p, const char *key, json_t *val)
{
	int fi = -1;
	for (int k = 0; k < PATCH_FIELDS; k++)
		if (strcmp(key, patch_fields[k]) == 0)
			fi = k;
	if (fi < 0)
		return http_error(req, 400, "invalid", key, "不能修改该字段",
				  "unknown or read-only field '%s'", key);
	/* Scale, listing and certificates are official findings (a statistics bureau's
	 * classification, an exchange's listing, a ministry's certificate) that criteria and
	 * lists read: staff record them, an enterprise cannot award them to itself. */
	if (fi >= PATCH_SCALE && !(req->user.role & HTTP_ROLES_EDIT))
		return http_error(
			req, 403, "forbidden", key, "企业规模、上市板块和资质由工作人员核定",
			"'%s' is an official field: only an analyst or admin may change it", key);
	const char *s = json_string_value(val);
	char tmp[32];
	if (fi == PATCH_REGION && json_is_integer(val)) {
		snprintf(tmp, sizeof tmp, "%lld", (long long)json_integer_value(val));
		s = tmp;
	}
	if (!s && !(json_is_null(val) && fi >= PATCH_INDUSTRY))
		return http_error(req, 400, "invalid", key, "字段类型错误",
				  "field '%s' must be a string", key);
	const char *bound = NULL;
	int status = s ? patch_check(req, p, fi, key, s, &bound) : 0;
	if (status)
		return status;
	p->used += (size_t)snprintf(p->set + p->used, sizeof p->set - p->used, "%s%s = ?%d",
				    p->nb ? ", " : "", patch_fields[fi], p->nb + 1);
	p->binds[p->nb++] = bound;
	return 0;
}

/* Reads the edit in BODY into P, field by field in the body's order; the first refused field
 * answers. Returns 0, or the status of the 400 or 403 set (also for an empty edit). */
static int patch_parse(struct http_req *req, json_t *body, struct patch *p)
{
	const char *key;
	json_t *val;
	json_object_foreach(body, key, val)
	{
		int status = patch_field(req, p, key, val);
		if (status)
			return status;
	}
	if (p->nb == 0)
		return http_error(req, 400, "invalid", NULL, "没有要修改的字段",
				  "nothing to change");
	return 0;
}

/*
 * Applies P to enterprise I of F in one transaction, with its audit row (the record before and
 * after) and a new generation of values. Returns 0 or a negative CC_E* (rolled back);
 * *AFTER is the record after (the caller owns it, NULL on failure).
 */
static int patch_save(struct http_req *req, const struct cc_frame *f, int i, const struct patch *p,
		      json_t **after, struct cc_error *err)
{
	static const char *const snapshot =
		"SELECT uscc, name, region, industry, founded, scale, listed, certs FROM enterprises "
		"WHERE uscc = ?1";
	struct cc_stmt *s = NULL;
	char sql[1400];
	snprintf(sql, sizeof sql, "UPDATE enterprises SET %s, updated_at = ?%d WHERE uscc = ?%d",
		 p->set, p->nb + 2, p->nb + 1);
	int rc = cc_store_begin(req->st, err);
	json_t *before = rc ? NULL : row_object(req->st, snapshot, f->uscc[i]);
	if (rc == 0)
		rc = cc_stmt_prepare(req->st, &s, sql, err);
	if (rc == 0) {
		for (int k = 0; k < p->nb; k++)
			if (p->binds[k])
				cc_stmt_bind_text(s, k + 1, p->binds[k], strlen(p->binds[k]));
			else
				cc_stmt_bind_null(s, k + 1);
		cc_stmt_bind_text(s, p->nb + 1, f->uscc[i], 18);
		cc_stmt_bind_now(s, p->nb + 2);
		rc = cc_stmt_step(s, err) < 0 ? CC_EDB : 0;
	}
	cc_stmt_free(s);
	*after = rc ? NULL : row_object(req->st, snapshot, f->uscc[i]);
	char *before_text = before ? cc_jw_text(before) : NULL;
	char *after_text = *after ? cc_jw_text(*after) : NULL;
	if (rc == 0)
		rc = http_audit(req, "enterprise.update", f->uscc[i], before_text, after_text);
	if (rc == 0)
		rc = cc_store_bump_generation_values(req->st, err);
	if (rc == 0)
		rc = cc_store_commit(req->st, err);
	else
		cc_store_rollback(req->st);
	json_decref(before);
	free(before_text);
	free(after_text);
	if (rc) {
		json_decref(*after);
		*after = NULL;
	}
	return rc;
}

/*
 * PATCH /enterprises/{uscc}: changes registry fields of one enterprise (an enterprise account
 * its own, and not the official ones) and answers the record as stored. Returns the status.
 */
int h_enterprise_patch(struct http_req *req)
{
	struct cc_frame *f = http_frame(req);
	json_t *body = NULL;
	struct patch p = {.used = 0};
	struct cc_error err = {0};
	json_t *after = NULL;
	int status = req->status;
	if (!f)
		goto out;
	int i = h_path_enterprise(req, f);
	if (i < 0) {
		status = req->status;
		goto out;
	}
	body = http_body_json(req);
	if (!body) {
		status = req->status;
		goto out;
	}
	status = patch_parse(req, body, &p);
	if (status)
		goto out;
	if (patch_save(req, f, i, &p, &after, &err)) {
		status = http_error(req, 500, "internal", NULL, "保存失败", "cannot save: %s",
				    err.msg);
		goto out;
	}
	status = http_json(req, 200,
			   json_pack("{s:o}", "enterprise", after ? after : json_object()));
	after = NULL; /* the answer took it */
out:
	json_decref(body);
	json_decref(after);
	return status;
}

/* 400 for a row that breaks the indicator rules: the field is the metric at fault, or the
 * other of a rule between two when only that one was sent (employees lowered below R&D staff). */
static int indicator_refused(struct http_req *req, const struct cc_indicator_problem *p,
			     const int *sent)
{
	int m = p->other >= 0 && !sent[p->metric] && sent[p->other] ? p->other : p->metric;
	const char *key = cc_metric_get(m)->key;
	return http_error(req, 400, "invalid", key, p->zh, "'%s' is out of range: %s", key, p->en);
}

/* Reads the stored indicator row of enterprise ID and PERIOD into ROW (NaN when NULL). */
static int stored_indicators(struct cc_store *st, int64_t id, int64_t period, double *row,
			     struct cc_error *err)
{
	char sql[1024];
	size_t used = (size_t)snprintf(sql, sizeof sql, "SELECT enterprise_id");
	for (int m = 0; m < CC_M_BASE_COUNT; m++)
		used += (size_t)snprintf(sql + used, sizeof sql - used, ", %s",
					 cc_metric_get(m)->key);
	snprintf(sql + used, sizeof sql - used,
		 " FROM indicators WHERE enterprise_id = ?1 AND period = ?2");
	struct cc_stmt *s = NULL;
	int rc = cc_stmt_prepare(st, &s, sql, err);
	if (rc)
		goto out;
	cc_stmt_bind_int64(s, 1, id);
	cc_stmt_bind_int64(s, 2, period);
	rc = cc_stmt_step(s, err);
	if (rc == 1) {
		for (int m = 0; m < CC_M_BASE_COUNT; m++)
			row[m] = cc_stmt_is_null(s, 1 + m) ? NAN : cc_stmt_double(s, 1 + m);
		rc = 0;
	} else if (rc == 0) {
		rc = cc_error_set(err, CC_EDB, "the indicator row just written is missing");
	}
out:
	cc_stmt_free(s);
	return rc < 0 ? rc : 0;
}

int h_indicators_put(struct http_req *req)
{
	struct cc_frame *f = http_frame(req);
	if (!f)
		return req->status;
	int i = h_path_enterprise(req, f);
	if (i < 0)
		return req->status;
	int year, month;
	struct cc_error err = {0};
	const char *p = req->params[1];
	if (cc_parse_period(p, strlen(p), &year, &month, &err))
		return http_error(req, 400, "invalid", "period", "期间无效（YYYY 或 YYYY-MM）",
				  "%s", err.msg);
	json_t *body = http_body_json(req);
	if (!body)
		return req->status;
	const char *key;
	json_t *val;
	double vals[CC_M_BASE_COUNT];
	int present[CC_M_BASE_COUNT] = {0}, isnull[CC_M_BASE_COUNT] = {0}, n = 0;
	json_object_foreach(body, key, val)
	{
		const struct cc_metric *m = cc_metric_find(key);
		if (!m || m->derived) {
			int st_ = http_error(req, 400, "invalid", key, "未知或不可导入的指标",
					     "'%s' is not an indicator that can be set", key);
			json_decref(body);
			return st_;
		}
		if (json_is_null(val)) {
			isnull[m->id] = 1;
		} else if (json_is_number(val)) {
			vals[m->id] = json_number_value(val);
		} else {
			int st_ = http_error(req, 400, "invalid", key, "指标值应为数字或 null",
					     "'%s' must be a number or null", key);
			json_decref(body);
			return st_;
		}
		present[m->id] = 1;
		n++;
	}
	json_decref(body);
	if (!n)
		return http_error(req, 400, "invalid", NULL, "没有要修改的指标",
				  "nothing to change");
	/* The rules of `chainchief check`, first on the values sent (so a bad one is named), then
	 * on the row as stored with them (R&D staff against employees kept from before). */
	double sent[CC_M_BASE_COUNT];
	for (int m = 0; m < CC_M_BASE_COUNT; m++)
		sent[m] = present[m] && !isnull[m] ? vals[m] : NAN;
	struct cc_indicator_problem bad;
	if (cc_indicator_check(sent, &bad))
		return indicator_refused(req, &bad, present);
	char sql[2048], set[1500] = "";
	size_t u = 0;
	for (int m = 0; m < CC_M_BASE_COUNT; m++)
		if (present[m])
			u += (size_t)snprintf(set + u, sizeof set - u, "%s%s = excluded.%s",
					      u ? ", " : "", cc_metric_get(m)->key,
					      cc_metric_get(m)->key);
	size_t w =
		(size_t)snprintf(sql, sizeof sql, "INSERT INTO indicators(enterprise_id, period");
	for (int m = 0; m < CC_M_BASE_COUNT; m++)
		if (present[m])
			w += (size_t)snprintf(sql + w, sizeof sql - w, ", %s",
					      cc_metric_get(m)->key);
	w += (size_t)snprintf(sql + w, sizeof sql - w, ") VALUES(?1, ?2");
	int k = 3;
	for (int m = 0; m < CC_M_BASE_COUNT; m++)
		if (present[m])
			w += (size_t)snprintf(sql + w, sizeof sql - w, ", ?%d", k++);
	snprintf(sql + w, sizeof sql - w, ") ON CONFLICT(enterprise_id, period) DO UPDATE SET %s",
		 set);
	struct cc_stmt *s = NULL;
	int rc = cc_store_begin(req->st, &err);
	if (rc == 0)
		rc = cc_stmt_prepare(req->st, &s, sql, &err);
	if (rc == 0) {
		cc_stmt_bind_int64(s, 1, f->id[i]);
		cc_stmt_bind_int64(s, 2, (int64_t)year * 100 + month);
		k = 3;
		for (int m = 0; m < CC_M_BASE_COUNT; m++)
			if (present[m]) {
				if (isnull[m])
					cc_stmt_bind_null(s, k++);
				else
					cc_stmt_bind_double(s, k++, vals[m]);
			}
		rc = cc_stmt_step(s, &err) < 0 ? CC_EDB : 0;
	}
	cc_stmt_free(s);
	s = NULL;
	int refused = 0;
	if (rc == 0) {
		double row[CC_M_BASE_COUNT];
		rc = stored_indicators(req->st, f->id[i], (int64_t)year * 100 + month, row, &err);
		refused = rc == 0 && cc_indicator_check(row, &bad);
	}
	if (refused) {
		cc_store_rollback(req->st);
		return indicator_refused(req, &bad, present);
	}
	char target[64];
	snprintf(target, sizeof target, "%s/%s", f->uscc[i], p);
	if (rc == 0)
		rc = http_audit(req, "indicators.update", target, NULL, req->body);
	/* Each value set by hand records its provenance (report/report.h). */
	for (int m = 0; rc == 0 && m < CC_M_BASE_COUNT; m++)
		if (present[m] && !isnull[m])
			rc = report_provenance_note(req->st, f->id[i], year * 100 + month, m,
						    vals[m], "manual", 0, req->user.username, &err);
	if (rc == 0)
		rc = cc_store_bump_generation_values(req->st, &err);
	if (rc == 0)
		rc = cc_store_commit(req->st, &err);
	else
		cc_store_rollback(req->st);
	if (rc)
		return http_error(req, 500, "internal", NULL, "保存失败", "cannot save: %s",
				  err.msg);
	return http_json(req, 200,
			 json_pack("{s:b, s:s, s:s}", "ok", 1, "uscc", f->uscc[i], "period", p));
}
