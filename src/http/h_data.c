/*
 * Dashboard, catalogue look-ups, imports and exports over HTTP.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/jw.h"
#include "base/parse.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "domain/metric.h"
#include "http/handlers.h"
#include "match/match.h"
#include "io/export.h"
#include "io/import.h"

int h_dashboard(struct http_req *req)
{
	struct cc_frame *f = http_frame(req);
	if (!f)
		return req->status;
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	int year = cc_frame_latest_year(f);
	const char *v = http_query(req, "year");
	long long y;
	if (v && *v) {
		if (cc_parse_int64(v, strlen(v), &y) || !cc_frame_annual(f, 0, (int)y))
			return http_error(req, 400, "invalid", "year", "没有该年份的数据",
					  "no data for year '%s'", v);
		year = (int)y;
	}
	const double *out = cc_frame_annual(f, CC_M_OUTPUT_VALUE, year);
	int cq = 0, sc = 0, masters = 0;
	/* By region: Chongqing districts and Sichuan prefectures. */
	enum { MAXR = 512 };
	int rcode[MAXR], rcount[MAXR], nr = 0;
	double rout[MAXR];
	for (int i = 0; i < f->n; i++) {
		int prov = f->region[i] / 10000;
		cq += prov == 50;
		sc += prov == 51;
		int key = prov == 50 ? f->region[i] : prov == 51 ? f->region[i] / 100 * 100 : 0;
		if (!key)
			continue;
		int k = 0;
		while (k < nr && rcode[k] != key)
			k++;
		if (k == nr) {
			if (nr == MAXR)
				continue;
			rcode[nr] = key;
			rcount[nr] = 0;
			rout[nr] = 0;
			nr++;
		}
		rcount[k]++;
		if (out && !isnan(out[i]))
			rout[k] += out[i];
	}
	json_t *by_region = json_array();
	for (int k = 0; k < nr; k++) {
		char name[256];
		const struct cc_region *r = cc_region_find(rcode[k]);
		snprintf(name, sizeof name, "%s", r ? r->name : "");
		json_array_append_new(by_region, json_pack("{s:i, s:s, s:i, s:f}", "code", rcode[k],
							   "name", name, "enterprises", rcount[k],
							   "output_value", rout[k]));
	}
	/* By chain: distinct enterprises per chain and their output. */
	int *seen = calloc((size_t)f->n + 1, sizeof *seen);
	json_t *by_chain = json_array();
	for (int c = 0; seen && c < cat->nchains; c++) {
		const struct cc_chain *ch = &cat->chains[c];
		int count = 0;
		double sum = 0;
		for (int k = ch->first_node; k < ch->first_node + ch->nnodes; k++)
			for (int j = f->node_start[k]; j < f->node_start[k + 1]; j++) {
				int i = f->node_ent[j];
				if (seen[i] == c + 1)
					continue;
				seen[i] = c + 1;
				count++;
				if (out && !isnan(out[i]))
					sum += out[i];
			}
		json_array_append_new(by_chain,
				      json_pack("{s:s, s:s, s:s, s:i, s:f}", "id", ch->id,
						"name_zh", ch->name_zh, "name_en", ch->name_en,
						"enterprises", count, "output_value", sum));
	}
	free(seen);
	for (int k = 0; k < f->nmembers; k++)
		masters += f->member_role[k] == 0;
	json_t *growth = json_array();
	for (int yy = 0; yy < f->nyears; yy++) {
		double so = 0, sr = 0;
		const double *o = f->annual[CC_M_OUTPUT_VALUE] + (size_t)yy * (size_t)f->n;
		const double *r = f->annual[CC_M_REVENUE] + (size_t)yy * (size_t)f->n;
		for (int i = 0; i < f->n; i++) {
			if (!isnan(o[i]))
				so += o[i];
			if (!isnan(r[i]))
				sr += r[i];
		}
		json_array_append_new(growth, json_pack("{s:i, s:f, s:f}", "year", f->year0 + yy,
							"output_value", so, "revenue", sr));
	}
	json_t *counts =
		json_pack("{s:i, s:i, s:i, s:i, s:i, s:I}", "enterprises", f->n, "chongqing", cq,
			  "sichuan", sc, "masters", masters, "supply_edges", f->nedges, "postings",
			  (json_int_t)cc_store_int(req->st,
						   "SELECT count(*) FROM postings "
						   "WHERE status = 'open'",
						   0));
	return http_json(req, 200,
			 json_pack("{s:o, s:i, s:o, s:o, s:o}", "counts", counts, "year", year,
				   "by_region", by_region, "by_chain", by_chain, "growth", growth));
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
			json_array_append_new(a, json_pack("{s:i, s:s, s:i}", "code", r->code,
							   "name", r->name, "level", r->level));
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
	char *summary = cc_jw_text(out);
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
