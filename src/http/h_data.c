/*
 * Dashboard, catalogue look-ups, imports and exports over HTTP.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/buf.h"
#include "base/json.h"
#include "base/jw.h"
#include "base/parse.h"
#include "chain/chain.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "domain/metric.h"
#include "http/handlers.h"
#include "match/match.h"
#include "io/export.h"
#include "io/import.h"
#include "io/table.h"

/*
 * The open postings of enterprises registered in SCOPE (the store, not the frame, holds
 * postings). Returns the count, or -1 when the database cannot answer.
 */
static long long postings_in_scope(struct cc_store *st, const struct chain_scope *scope)
{
	struct cc_buf sql = CC_BUF_INIT(1 << 12);
	cc_buf_puts(&sql, "SELECT count(*) FROM postings p JOIN enterprises e ON e.id = "
			  "p.enterprise_id WHERE p.status = 'open' AND (1 = 0");
	for (int i = 0; i < scope->n; i++) {
		cc_buf_puts(&sql, " OR (1 = 1");
		cc_region_sql(&sql, "e.region", scope->codes[i]);
		cc_buf_puts(&sql, ")");
	}
	cc_buf_puts(&sql, ")");
	long long n = cc_store_int(st, cc_buf_str(&sql), -1);
	cc_buf_release(&sql);
	return n;
}

/*
 * The dashboard's firms and output by region: the district map's areas (chain_areas: Chongqing's
 * districts and counties, elsewhere cities) that hold firms of the scope, then the firms of no
 * area (code 0), so the rows add up to the scope's count. NULL when memory ran out.
 */
static json_t *regions_json(const struct cc_frame *f, const struct chain_scope *scope, int year)
{
	struct chain_area *areas = NULL, unplaced;
	int n = 0;
	if (chain_areas(f, -1, scope, year, &areas, &n, &unplaced, NULL))
		return NULL;
	json_t *a = json_array();
	for (int k = 0; k <= n; k++) {
		const struct chain_area *x = k < n ? &areas[k] : &unplaced;
		const struct cc_region *r = x->code ? cc_region_find(x->code) : NULL;
		if (x->enterprises)
			json_array_append_new(a, json_pack("{s:i, s:s, s:s?, s:i, s:f}", "code",
							   x->code, "name", r ? r->name : "",
							   "name_en", r ? r->name_en : NULL,
							   "enterprises", x->enterprises,
							   "output_value", x->output));
	}
	free(areas);
	return a;
}

/*
 * GET /api/v1/dashboard?scope=&year=: counts and series for the home page, every one of them
 * for the scope the chain pages use (the same parameter, the same default: the platform's
 * home region), stated in the answer's "scope". The per-chain figures come from
 * h_chain_totals, the function the chain pages answer with, so the same question gives the
 * same number on every page.
 */
int h_dashboard(struct http_req *req)
{
	struct cc_frame *f = http_frame(req);
	struct chain_scope scope;
	int year;
	if (!f || h_chain_params(req, f, &scope, &year))
		return req->status;
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	char *in = calloc((size_t)f->n + 1, 1); /* enterprise i lies in the scope */
	if (!in)
		return http_error(req, 500, "internal", NULL, "内存不足", "out of memory");
	int n_in = 0, masters = 0, edges = 0;
	for (int i = 0; i < f->n; i++) {
		in[i] = (char)chain_scope_has(&scope, f->region[i]);
		if (!in[i])
			continue;
		n_in++;
		for (int k = f->member_start[i]; k < f->member_start[i + 1]; k++)
			masters += f->member_role[k] == 0;
	}
	for (int e = 0; e < f->nedges; e++) {
		int s = f->edge_supplier[e], b = f->edge_buyer[e];
		edges += (s >= 0 && s < f->n && in[s]) || (b >= 0 && b < f->n && in[b]);
	}
	json_t *by_region = regions_json(f, &scope, year);
	if (!by_region) {
		free(in);
		return http_error(req, 500, "internal", NULL, "内存不足", "out of memory");
	}
	json_t *by_chain = json_array();
	for (int c = 0; cat && c < cat->nchains; c++) {
		const struct cc_chain *ch = &cat->chains[c];
		struct cc_error err = {0};
		int count;
		double sum;
		if (!h_may_read_chain(req, ch->id) ||
		    h_chain_totals(f, c, &scope, year, &count, &sum, &err))
			continue;
		json_array_append_new(by_chain, json_pack("{s:s, s:s, s:s, s:i, s:o}", "id", ch->id,
							  "name_zh", ch->name_zh, "name_en",
							  ch->name_en, "enterprises", count,
							  "output_value", cc_json_num(sum)));
	}
	json_t *growth = json_array();
	for (int yy = 0; yy < f->nyears; yy++) {
		double so = 0, sr = 0;
		const double *o = f->annual[CC_M_OUTPUT_VALUE] + (size_t)yy * (size_t)f->n;
		const double *r = f->annual[CC_M_REVENUE] + (size_t)yy * (size_t)f->n;
		for (int i = 0; i < f->n; i++) {
			if (!in[i])
				continue;
			if (!isnan(o[i]))
				so += o[i];
			if (!isnan(r[i]))
				sr += r[i];
		}
		json_array_append_new(growth, json_pack("{s:i, s:f, s:f}", "year", f->year0 + yy,
							"output_value", so, "revenue", sr));
	}
	free(in);
	json_t *counts =
		json_pack("{s:i, s:i, s:i, s:I, s:i}", "enterprises", n_in, "masters", masters,
			  "supply_edges", edges, "postings",
			  (json_int_t)postings_in_scope(req->st, &scope), "registered", f->n);
	json_t *out = json_pack("{s:o, s:o, s:i, s:o, s:o, s:o}", "scope",
				h_chain_scope_json(&scope, year), "counts", counts, "year", year,
				"by_region", by_region, "by_chain", by_chain, "growth", growth);
	json_object_set_new(out, "as_of", h_as_of(f, &scope, -1, NULL, h_as_of_output, 2, 0, year));
	return http_json(req, 200, out);
}

int h_chains(struct http_req *req)
{
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	json_t *a = json_array();
	for (int c = 0; cat && c < cat->nchains; c++) {
		const struct cc_chain *ch = &cat->chains[c];
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:i}", "id", ch->id,
						   "name_zh", ch->name_zh, "name_en", ch->name_en,
						   "status", ch->status, "nnodes", ch->nnodes));
	}
	req->cacheable = 1;
	return http_json(req, 200, a);
}

int h_regions(struct http_req *req)
{
	long long parent = 0;
	const char *v = http_query(req, "parent");
	if (v && *v && (cc_parse_int64(v, strlen(v), &parent) || !cc_region_find((int)parent)))
		return http_error(req, 400, "invalid", "parent", "未知的行政区划代码",
				  "unknown region code '%s'", v);
	json_t *a = json_array();
	for (int i = 0; i < cc_region_count(); i++) {
		const struct cc_region *r = cc_region_at(i);
		/* Under a municipality, its placeholder prefectures (市辖区, 县) are skipped and
		 * their districts listed directly. */
		if (parent && r->level == 2 && r->parent == parent &&
		    (strcmp(r->name, "市辖区") == 0 || strcmp(r->name, "县") == 0))
			continue;
		int show = parent ? (r->parent == parent ||
				     /* municipalities: list districts under 市辖区/县 too */
				     (r->level == 3 && r->code / 10000 * 10000 == parent &&
				      parent / 10000 != 0 &&
				      (parent == 110000 || parent == 120000 || parent == 310000 ||
				       parent == 500000)))
				  : r->level == 1;
		if (show)
			json_array_append_new(a, json_pack("{s:i, s:s, s:s?, s:i}", "code", r->code,
							   "name", r->name, "name_en", r->name_en,
							   "level", r->level));
	}
	req->cacheable = 1;
	return http_json(req, 200, a);
}

int h_metrics(struct http_req *req)
{
	json_t *a = json_array();
	for (int m = 0; m < CC_M_COUNT; m++) {
		const struct cc_metric *mt = cc_metric_get(m);
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s?}", "id",
						   mt->key, "name_zh", mt->name_zh, "name_en",
						   mt->name_en, "unit", mt->unit, "unit_zh",
						   mt->unit_zh, "derived", mt->derived, "formula",
						   mt->formula));
	}
	req->cacheable = 1;
	return http_json(req, 200, a);
}

/* A file name safe to show and to put in a header: no path, no quotes. */
static void safe_name(const char *in, char *out, size_t n)
{
	const char *base = in ? strrchr(in, '/') : NULL;
	base = base ? base + 1 : (in ? in : "upload.csv");
	size_t k = 0;
	for (const char *p = base; *p && k + 1 < n; p++)
		out[k++] = (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20) ? '_' : *p;
	out[k] = '\0';
	if (!k)
		snprintf(out, n, "upload.csv");
}

/* Rejected rows the import answer lists itself; the rest are in the reject report (CSV). */
#define SHOWN_REJECTS 100

/*
 * The problems of the first SHOWN_REJECTS rejected rows of the reject report at PATH (written
 * by the importer for KIND: line,column,value,reason_zh,reason_en), as JSON objects with the
 * column's Chinese name beside its id. *ROWS is set to the rows listed. An unreadable report
 * gives an empty array: the CSV link still carries it.
 */
static json_t *rejects_json(const char *path, int kind, int *rows)
{
	struct cc_table *t = NULL;
	struct cc_error err = {0};
	struct cc_row row;
	const struct cc_column *cols = cc_kind_columns(kind);
	json_t *a = json_array();
	long long last = -1;
	*rows = 0;
	if (cc_table_open(&t, path, &err))
		goto out;
	if (cc_table_next(t, &row, &err) != 1) /* the header */
		goto out;
	while (cc_table_next(t, &row, &err) == 1) {
		long long line;
		if (row.nfields < 5 || cc_parse_int64(row.fields[0], row.lens[0], &line))
			continue; /* the report's closing note (no line number) */
		if (line != last) {
			if (*rows == SHOWN_REJECTS)
				break;
			(*rows)++;
			last = line;
		}
		const char *zh = NULL;
		for (int c = 0; cols && cols[c].id && !zh; c++)
			if (strcmp(cols[c].id, row.fields[1]) == 0)
				zh = cols[c].name_zh;
		/* The report is our CSV: a value is read back as the importer reads it. */
		const char *value = row.fields[2];
		size_t vlen = row.lens[2];
		cc_csv_unguard(&value, &vlen);
		json_array_append_new(
			a, json_pack("{s:I, s:s, s:s?, s:s%, s:s, s:s}", "line", (json_int_t)line,
				     "column", row.fields[1], "column_zh", zh, "value", value, vlen,
				     "reason_zh", row.fields[3], "reason_en", row.fields[4]));
	}
out:
	cc_table_free(t);
	return a;
}

int h_import(struct http_req *req)
{
	char name[256], path[512], rejects[512];
	struct cc_error err = {0};
	struct cc_import_opts o = {0};
	struct cc_import_result res;
	const char *kind = http_query(req, "kind");
	o.kind = CC_KIND_AUTO;
	if (kind && *kind && strcmp(kind, "auto") != 0 && (o.kind = cc_kind_parse(kind)) < 0)
		return http_error(
			req, 400, "invalid", "kind", "未知的文件类型",
			"kind must be enterprises, indicators, chain_members, supply or postings");
	if (req->body_len == 0)
		return http_error(req, 400, "invalid", "body", "没有上传文件内容",
				  "the body is empty");
	safe_name(http_query(req, "filename"), name, sizeof name);
	int id = http_file_new(req, "rejects", ".csv", rejects, sizeof rejects);
	if (req->body_file) {
		/* The server streamed the body to this file while it arrived. */
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
	o.rejects_path = rejects;
	o.display_name = name; /* errors name the upload as the user named it */
	o.actor = req->user.username;
	int64_t gen_before = cc_store_generation(req->st);
	int rc = cc_import_file(req->st, path, &o, &res, &err);
	unlink(path);
	struct cc_error merr = {0};
	if ((rc == 0 || rc == CC_EREJECT) &&
	    match_refresh_after(req->st, gen_before,
				res.kind == CC_KIND_ENTERPRISES || res.kind == CC_KIND_SUPPLY,
				&merr))
		fprintf(stderr, "import: matching index not refreshed: %s\n", merr.msg);
	if (rc && rc != CC_EREJECT) {
		cc_import_result_release(&res);
		unlink(rejects);
		return http_error(req, 422, "invalid", "file", "文件无法导入（未导入任何行）",
				  "'%s' was not imported (nothing loaded): %s", name, err.msg);
	}
	json_t *warnings = json_array();
	for (int i = 0; i < res.nwarnings; i++)
		json_array_append_new(warnings, json_string(res.warnings[i]));
	char url[128];
	snprintf(url, sizeof url, "/api/v1/imports/%d/rejects", id);
	json_t *out = json_pack("{s:i, s:s, s:s, s:s, s:I, s:I, s:I, s:o, s:f, s:s?}", "id", id,
				"file", name, "kind", cc_kind_name(res.kind), "format", res.format,
				"rows", (json_int_t)res.rows, "accepted", (json_int_t)res.accepted,
				"rejected", (json_int_t)res.rejected, "warnings", warnings,
				"seconds", res.seconds, "rejects_url", res.rejected ? url : NULL);
	char *summary = cc_jw_text(out); /* the audit keeps the summary, not the rows */
	if (res.rejected) {
		int shown = 0;
		json_object_set_new(out, "rejects", rejects_json(rejects, res.kind, &shown));
		json_object_set_new(out, "rejects_shown", json_integer(shown));
	}
	http_audit(req, "import", name, NULL, summary);
	free(summary);
	if (!res.rejected)
		unlink(rejects);
	http_files_clean(req->srv, 0, NULL); /* the reports' retention rule */
	cc_import_result_release(&res);
	return http_json(req, 200, out);
}

int h_import_rejects(struct http_req *req)
{
	long long id;
	char path[512], name[64];
	const char *p = req->params[0];
	if (cc_parse_int64(p, strlen(p), &id) || id < 1)
		return http_error(req, 400, "invalid", "id", "无效的导入编号", "invalid import id");
	snprintf(path, sizeof path, "%s/rejects-%lld.csv", req->srv->tmpdir, id);
	if (access(path, R_OK) != 0)
		return http_error(req, 404, "not_found", "id", "没有该导入的问题行报告",
				  "no reject report for import %lld", id);
	snprintf(name, sizeof name, "rejects-%lld.csv", id);
	return http_send_file(req, path, "text/csv; charset=utf-8", name);
}

/*
 * GET /api/v1/imports/templates/{kind}: the XLSX template of an interchange file, with
 * Chinese headers, an example row and the values each column takes (cc_export_template).
 */
int h_import_template(struct http_req *req)
{
	struct cc_error err = {0};
	char path[512], name[128];
	int kind = cc_kind_parse(req->params[0]);
	if (kind < 0)
		return http_error(
			req, 404, "not_found", "kind", "没有这种导入模板",
			"no template called '%s' (enterprises, indicators, chain_members, "
			"supply, postings)",
			req->params[0]);
	http_file_new(req, "template", ".xlsx", path, sizeof path);
	if (cc_export_template(req->st, kind, path, &err)) {
		unlink(path);
		return http_error(req, 500, "internal", NULL, "无法生成导入模板",
				  "cannot write the template: %s", err.msg);
	}
	snprintf(name, sizeof name, "template-%s.xlsx", cc_kind_name(kind));
	int rc = http_send_file(req, path, HTTP_TYPE_XLSX, name);
	unlink(path);
	return rc;
}

int h_export(struct http_req *req)
{
	struct cc_export_opts o = {0};
	struct cc_error err = {0};
	char path[512], name[128];
	int64_t rows;
	o.kind = cc_kind_parse(req->params[0]);
	if (o.kind < 0)
		return http_error(
			req, 404, "not_found", "kind", "没有这种导出",
			"no export called '%s' (enterprises, indicators, chain_members, supply, "
			"postings)",
			req->params[0]);
	const char *fmt = http_query(req, "format");
	o.format = fmt && strcmp(fmt, "xlsx") == 0 ? CC_OUT_XLSX : CC_OUT_CSV;
	if (fmt && strcmp(fmt, "xlsx") != 0 && strcmp(fmt, "csv") != 0)
		return http_error(req, 400, "invalid", "format", "格式应为 csv 或 xlsx",
				  "format must be csv or xlsx");
	const char *zh = http_query(req, "zh");
	o.zh_headers = zh && strcmp(zh, "1") == 0;
	const char *chain = http_query(req, "chain");
	if (chain && *chain) {
		if (!cc_chain_find(cc_catalogue_get(NULL), chain))
			return http_error(req, 400, "invalid", "chain", "未知的产业链",
					  "unknown chain '%s'", chain);
		o.chain = chain;
	}
	const char *region = http_query(req, "region");
	if (region && *region) {
		long long r;
		if (cc_parse_int64(region, strlen(region), &r) || !cc_region_find((int)r))
			return http_error(req, 400, "invalid", "region", "未知的行政区划代码",
					  "unknown region code '%s'", region);
		o.region = (int)r;
	}
	http_file_new(req, "export", o.format == CC_OUT_XLSX ? ".xlsx" : ".csv", path, sizeof path);
	if (cc_export_file(req->st, path, &o, &rows, &err)) {
		unlink(path);
		return http_error(req, 500, "internal", NULL, "导出失败", "export failed: %s",
				  err.msg);
	}
	snprintf(name, sizeof name, "%s.%s", cc_kind_name(o.kind),
		 o.format == CC_OUT_XLSX ? "xlsx" : "csv");
	int rc = http_send_file(
		req, path, o.format == CC_OUT_XLSX ? HTTP_TYPE_XLSX : "text/csv; charset=utf-8",
		name);
	unlink(path);
	return rc;
}

/*
 * POST /api/v1/exports/table: the table a page shows, as XLSX (cc_export_grid). The body is
 * the table itself (columns, rows, sheet, about) as the page drew it: its filters, sort and
 * language; "filename" (without extension) names the download. Everything in it came from
 * the API answers the user could read, so it needs no other check than its shape.
 */
int h_export_table(struct http_req *req)
{
	struct cc_error err = {0};
	char path[512], name[128];
	int64_t rows = 0;
	json_t *spec = http_body_json(req);
	if (!spec)
		return req->status;
	/* The page saves the file under its own (Chinese) name; the header's is plain ASCII. */
	const char *fn = json_string_value(json_object_get(spec, "filename"));
	size_t k = 0;
	for (const char *p = fn ? fn : ""; *p && k < 80; p++)
		name[k++] = (isalnum((unsigned char)*p) || *p == '-' || *p == '.') ? *p : '_';
	snprintf(name + k, sizeof name - k, "%s.xlsx", k ? "" : "table");
	http_file_new(req, "table", ".xlsx", path, sizeof path);
	int rc = cc_export_grid(spec, path, &rows, &err);
	json_decref(spec);
	if (rc) {
		unlink(path);
		if (rc == CC_EINVAL)
			return http_error(req, 400, "invalid", NULL, "表格格式不正确", "%s",
					  err.msg);
		return http_error(req, 500, "internal", NULL, "导出失败", "export failed: %s",
				  err.msg);
	}
	rc = http_send_file(req, path, HTTP_TYPE_XLSX, name);
	unlink(path);
	return rc;
}
