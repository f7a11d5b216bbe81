/*
 * Green routes (issue 16): the factors, an enterprise's energy and carbon account against its
 * industry, industry benchmarks, the laggard screen and the green page's summary. The JSON is
 * written by green/report.c, the same writers as `chainchief green … --format json`.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/jw.h"
#include "base/parse.h"
#include "green/green.h"
#include "domain/codes.h"
#include "http/handlers.h"

/* The factors, or NULL after setting a 500. */
static const struct green_factors *factors(struct http_req *req)
{
	struct cc_error err = {0};
	const struct green_factors *g = green_factors_get(&err);
	if (!g)
		http_error(req, 500, "internal", NULL, "无法加载能耗折算系数", "%s", err.msg);
	return g;
}

/* Query integer NAME in [LO, HI] into *OUT (unchanged when absent); -1 after a 400. */
static int int_param(struct http_req *req, const char *name, long long lo, long long hi, int *out)
{
	const char *v = http_query(req, name);
	long long x;
	if (!v || !*v)
		return 0;
	if (cc_parse_int64(v, strlen(v), &x) || x < lo || x > hi) {
		http_error(req, 400, "invalid", name, "参数取值无效",
			   "'%s' must be a whole number "
			   "from %lld to %lld",
			   name, lo, hi);
		return -1;
	}
	*out = (int)x;
	return 0;
}

/* The year parameter (default the frame's latest); -1 after a 400 for a year not held. */
static int year_param(struct http_req *req, const struct cc_frame *f, int *year)
{
	*year = 0;
	if (int_param(req, "year", 1900, 2200, year))
		return -1;
	if (*year && !cc_frame_annual(f, 0, *year)) {
		http_error(req, 400, "invalid", "year", "没有该年份的数据", "no data for year %d",
			   *year);
		return -1;
	}
	if (!*year)
		*year = cc_frame_latest_year(f);
	return 0;
}

int h_green_factors(struct http_req *req)
{
	const struct green_factors *g = factors(req);
	if (!g)
		return req->status;
	struct cc_jw w;
	http_jw_begin(req, &w);
	green_write_factors(&w, g);
	req->cacheable = 1;
	return http_jw_send(req, &w);
}

int h_enterprise_green(struct http_req *req)
{
	const struct green_factors *g = factors(req);
	struct cc_frame *f = g ? http_frame(req) : NULL;
	if (!f)
		return req->status;
	int i = h_path_enterprise(req, f);
	if (i < 0)
		return req->status;
	struct cc_error err = {0};
	struct cc_jw w;
	http_jw_begin(req, &w);
	if (green_write_account(&w, req->st, f, g, i, &err))
		return http_error_from(req, err.code, &err, NULL, "能耗账户读取失败");
	return http_jw_send(req, &w);
}

int h_green_benchmarks(struct http_req *req)
{
	const struct green_factors *g = factors(req);
	struct cc_frame *f = g ? http_frame(req) : NULL;
	if (!f)
		return req->status;
	int year, limit = 50;
	if (year_param(req, f, &year) || int_param(req, "limit", 1, 100000, &limit))
		return req->status;
	const char *metric = http_query(req, "metric");
	if (!metric || !*metric)
		metric = "energy";
	if (strcmp(metric, "energy") != 0 && strcmp(metric, "carbon") != 0)
		return http_error(req, 400, "invalid", "metric", "metric 应为 energy 或 carbon",
				  "metric must be energy or carbon");
	const char *industry = http_query(req, "industry");
	if (industry && (!*industry || strlen(industry) > 5))
		industry = NULL;
	struct cc_error err = {0};
	struct cc_jw w;
	http_jw_begin(req, &w);
	if (green_write_benchmarks(&w, req->st, f, g, year, metric, industry, limit, &err))
		return http_error_from(req, err.code, &err, NULL, "行业对标计算失败");
	return http_jw_send(req, &w);
}

/* 数据截至 of the energy figures over the firms of REGION (0: all) among ONLY (NULL: all). */
static json_t *energy_as_of(const struct cc_frame *f, int region, const uint8_t *only, int year)
{
	uint8_t *in = calloc((size_t)f->n + 1, 1);
	if (!in)
		return NULL;
	for (int i = 0; i < f->n; i++)
		in[i] = (uint8_t)((!only || only[i]) &&
				  (!region || cc_region_within(f->region[i], region)));
	json_t *j = h_as_of(f, NULL, -1, in, h_as_of_energy, 1, 0, year);
	free(in);
	return j;
}

int h_green_laggards(struct http_req *req)
{
	const struct green_factors *g = factors(req);
	struct cc_frame *f = g ? http_frame(req) : NULL;
	if (!f)
		return req->status;
	int year, limit = 200, region = 0;
	if (year_param(req, f, &year) || int_param(req, "limit", 1, 100000, &limit) ||
	    int_param(req, "region", 1, 999999, &region))
		return req->status;
	double margin = 0.1;
	const char *mv = http_query(req, "margin");
	if (mv && *mv) {
		struct cc_error pe;
		if (cc_parse_number(mv, strlen(mv), &margin, &pe) || !(margin >= 0) || margin > 1)
			return http_error(req, 400, "invalid", "margin", "margin 应在 0 到 1 之间",
					  "margin must be between 0 and 1");
	}
	struct cc_error err = {0};
	struct green_screen s;
	if (green_screen_run(req->st, f, g, year, margin, &s, &err))
		return http_error_from(req, err.code, &err, NULL, "落后产能筛查失败");
	struct cc_jw w;
	http_jw_begin(req, &w);
	/* A chief reads the members of their chains only. */
	uint8_t *only =
		req->user.role == HTTP_ROLE_CHIEF ? green_chain_mask(f, req->user.chains) : NULL;
	green_write_screen(&w, f, &s, g, region, only, limit);
	green_screen_release(&s);
	if (req->user.role == HTTP_ROLE_CHIEF && !only) {
		cc_buf_reset(&req->resp);
		return http_error(req, 500, "internal", NULL, "内存不足", "out of memory");
	}
	json_t *as_of = energy_as_of(f, region, only, year);
	free(only);
	return h_jw_send_as_of(req, &w, as_of);
}

int h_green_summary(struct http_req *req)
{
	const struct green_factors *g = factors(req);
	struct cc_frame *f = g ? http_frame(req) : NULL;
	if (!f)
		return req->status;
	int year, region = 0;
	if (year_param(req, f, &year) || int_param(req, "region", 1, 999999, &region))
		return req->status;
	struct cc_error err = {0};
	struct cc_jw w;
	http_jw_begin(req, &w);
	uint8_t *only =
		req->user.role == HTTP_ROLE_CHIEF ? green_chain_mask(f, req->user.chains) : NULL;
	if (req->user.role == HTTP_ROLE_CHIEF && !only)
		return http_error(req, 500, "internal", NULL, "内存不足", "out of memory");
	int rc = green_write_summary(&w, req->st, f, g, year, region, only, &err);
	json_t *as_of = rc ? NULL : energy_as_of(f, region, only, year);
	free(only);
	if (rc)
		return http_error_from(req, err.code, &err, NULL, "绿色低碳汇总失败");
	return h_jw_send_as_of(req, &w, as_of);
}
