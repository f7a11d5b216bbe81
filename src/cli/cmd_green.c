/*
 * `chainchief green factors | account USCC | bench | laggards | summary`: energy and carbon
 * accounts, industry benchmarks and the laggard screen (green/, issue 16). --format json
 * prints what the API's /api/v1/green/… routes answer (the same writers); the table and CSV
 * forms are made from that JSON, so the two cannot disagree.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/jw.h"
#include "cli/cli_assess.h"
#include "cli/commands.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "frame/frame.h"
#include "green/factory.h"
#include "green/green.h"

enum { O_YEAR, O_METRIC, O_INDUSTRY, O_LIMIT, O_MARGIN, O_REGION, O_ANSWERS };

struct green_cli {
	struct cli_ctx *ctx;
	const struct green_factors *g;
	struct cc_frame *f;
	int year, limit, region;
	double margin;
};

/* Loads the factors and code lists, parses the shared options, and (FRAME) opens the store
 * and builds a frame. */
static int setup(struct green_cli *c, struct cli_ctx *ctx, const char **val, int frame)
{
	struct cc_error err = {0};
	long long v;
	memset(c, 0, sizeof *c);
	c->ctx = ctx;
	c->limit = 50;
	c->margin = 0.1;
	if (val && val[O_YEAR]) {
		if ((v = cli_int_option("year", val[O_YEAR], 1900, 2200)) < 0)
			return CLI_USAGE;
		c->year = (int)v;
	}
	if (val && val[O_LIMIT]) {
		if ((v = cli_int_option("limit", val[O_LIMIT], 1, 1000000)) < 0)
			return CLI_USAGE;
		c->limit = (int)v;
	}
	if (val && val[O_REGION]) {
		if ((v = cli_int_option("region", val[O_REGION], 1, 999999)) < 0)
			return CLI_USAGE;
		c->region = (int)v;
	}
	if (val && val[O_MARGIN]) {
		char *end = NULL;
		c->margin = strtod(val[O_MARGIN], &end);
		if (!end || *end || !(c->margin >= 0) || c->margin > 10) {
			cli_error("green: --margin must be a number from 0 to 10");
			return CLI_USAGE;
		}
	}
	if (cc_codes_load(&err) || !cc_catalogue_get(&err) || !(c->g = green_factors_get(&err))) {
		cli_error("green: %s", err.msg);
		return CLI_FAIL;
	}
	if (!frame)
		return CLI_OK;
	int rc = cli_open_store(ctx, 0);
	if (rc)
		return rc;
	if (cc_frame_build(ctx->store, 0, &c->f, &err)) {
		cli_error("green: %s", err.msg);
		return CLI_FAIL;
	}
	if (c->year && !cc_frame_annual(c->f, 0, c->year)) {
		cli_error("green: no data for year %d", c->year);
		return CLI_FAIL;
	}
	if (!c->year)
		c->year = cc_frame_latest_year(c->f);
	return CLI_OK;
}

static void cleanup(struct green_cli *c)
{
	cc_frame_release(c->f);
}

/* A JSON value as table text: strings as they are, numbers shortest, null empty. */
static void cell(json_t *v, char *out, size_t n)
{
	out[0] = '\0';
	if (json_is_string(v))
		snprintf(out, n, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(out, n, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		cc_num_format(json_real_value(v), 4, out, n);
	else if (json_is_boolean(v))
		snprintf(out, n, "%s", json_is_true(v) ? "yes" : "no");
}

/*
 * Prints the JSON in B: as it is for --format json, else the objects of the array under KEY
 * as a table of COLS ("key[#][=header]"; a key "reasons" joins the reasons' Chinese texts).
 */
static int print(struct green_cli *c, struct cc_buf *b, const char *key, size_t ncols,
		 const char *const *cols)
{
	if (c->ctx->format == CLI_FMT_JSON) {
		fwrite(b->data, 1, b->len, stdout);
		fputc('\n', stdout);
		return CLI_OK;
	}
	json_error_t je;
	json_t *root = json_loadb(b->data, b->len, 0, &je);
	json_t *arr = key ? json_object_get(root, key) : root;
	struct cli_table t;
	cli_table_init(&t, ncols, cols);
	char keys[16][64];
	for (size_t k = 0; k < ncols && k < 16; k++) {
		size_t m = strcspn(cols[k], "#=");
		snprintf(keys[k], sizeof keys[k], "%.*s", (int)m, cols[k]);
	}
	size_t i;
	json_t *row;
	json_array_foreach(arr, i, row)
	{
		char vals[16][1024];
		const char *p[16];
		for (size_t k = 0; k < ncols && k < 16; k++) {
			json_t *v = json_object_get(row, keys[k]);
			if (!strcmp(keys[k], "reasons")) {
				size_t u = 0, r;
				json_t *x;
				vals[k][0] = '\0';
				json_array_foreach(v, r, x)
				{
					u += (size_t)snprintf(
						vals[k] + u,
						u < sizeof vals[k] ? sizeof vals[k] - u : 0, "%s%s",
						r ? "；" : "",
						json_string_value(json_object_get(x, "reason_zh")));
					if (u >= sizeof vals[k])
						break;
				}
			} else {
				cell(v, vals[k], sizeof vals[k]);
			}
			p[k] = vals[k];
		}
		cli_table_add(&t, p);
	}
	cli_table_print(&t, stdout, c->ctx->format);
	cli_table_release(&t);
	json_decref(root);
	return CLI_OK;
}

static int finish(struct cc_jw *w, struct cc_buf *b)
{
	if (cc_jw_finish(w)) {
		cli_error("green: the answer is too large (%zu bytes)", b->len);
		return CLI_FAIL;
	}
	return CLI_OK;
}

static int sub_factors(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)args;
	(void)nargs;
	struct green_cli c;
	int rc = setup(&c, ctx, val, 0);
	if (rc)
		return rc;
	struct cc_buf b = CC_BUF_INIT((size_t)1 << 24);
	struct cc_jw w;
	cc_jw_init(&w, &b);
	green_write_factors(&w, c.g);
	static const char *const cols[] = {"id",      "name_zh=品种", "unit",	    "kgce#",
					   "co2_kg#", "verified",     "kgce_source"};
	rc = finish(&w, &b);
	if (!rc)
		rc = print(&c, &b, "carriers", 7, cols);
	cc_buf_release(&b);
	return rc;
}

static int sub_account(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)nargs;
	struct green_cli c;
	struct cc_error err = {0};
	int rc = setup(&c, ctx, val, 1);
	if (rc)
		goto out;
	int i = cc_frame_find(c.f, args[0]);
	if (i < 0) {
		cli_error("green: no enterprise with credit code '%s'", args[0]);
		rc = CLI_FAIL;
		goto out;
	}
	struct cc_buf b = CC_BUF_INIT((size_t)1 << 24);
	struct cc_jw w;
	cc_jw_init(&w, &b);
	if (green_write_account(&w, ctx->store, c.f, c.g, i, &err)) {
		cli_error("green: %s", err.msg);
		rc = CLI_FAIL;
	} else {
		static const char *const cols[] = {"year#",
						   "tce#",
						   "tce_equal#",
						   "co2#",
						   "water#",
						   "output_value#",
						   "energy_per_output#",
						   "carbon_per_output#",
						   "energy_per_output_yoy#",
						   "percentile#"};
		rc = finish(&w, &b);
		if (!rc)
			rc = print(&c, &b, "years", 10, cols);
	}
	cc_buf_release(&b);
out:
	cleanup(&c);
	return rc;
}

static int sub_bench(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)args;
	(void)nargs;
	struct green_cli c;
	struct cc_error err = {0};
	const char *metric = val[O_METRIC] ? val[O_METRIC] : "energy";
	if (strcmp(metric, "energy") != 0 && strcmp(metric, "carbon") != 0) {
		cli_error("green: --metric must be energy or carbon");
		return CLI_USAGE;
	}
	int rc = setup(&c, ctx, val, 1);
	if (rc)
		goto out;
	struct cc_buf b = CC_BUF_INIT((size_t)1 << 28);
	struct cc_jw w;
	cc_jw_init(&w, &b);
	if (green_write_benchmarks(&w, ctx->store, c.f, c.g, c.year, metric, val[O_INDUSTRY],
				   c.limit, &err)) {
		cli_error("green: %s", err.msg);
		rc = CLI_FAIL;
	} else if (!(rc = finish(&w, &b))) {
		static const char *const gcols[] = {"code",    "name=行业", "level#", "n#",   "q1#",
						    "median#", "q3#",	    "p90#",   "small"};
		static const char *const ecols[] = {"uscc",   "name=企业",   "industry",
						    "value#", "percentile#", "group"};
		rc = val[O_INDUSTRY] ? print(&c, &b, "enterprises", 6, ecols)
				     : print(&c, &b, "groups", 9, gcols);
	}
	cc_buf_release(&b);
out:
	cleanup(&c);
	return rc;
}

static int sub_laggards(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)args;
	(void)nargs;
	struct green_cli c;
	struct cc_error err = {0};
	struct green_screen s;
	memset(&s, 0, sizeof s);
	int rc = setup(&c, ctx, val, 1);
	if (rc)
		goto out;
	if (green_screen_run(ctx->store, c.f, c.g, c.year, c.margin, &s, &err)) {
		cli_error("green: %s", err.msg);
		rc = CLI_FAIL;
		goto out;
	}
	struct cc_buf b = CC_BUF_INIT((size_t)1 << 28);
	struct cc_jw w;
	cc_jw_init(&w, &b);
	green_write_screen(&w, c.f, &s, c.g, c.region, NULL, c.limit);
	static const char *const cols[] = {"status",	 "uscc",	"name=企业",   "industry",
					   "intensity#", "percentile#", "reasons=理由"};
	rc = finish(&w, &b);
	if (!rc)
		rc = print(&c, &b, "items", 7, cols);
	cc_buf_release(&b);
out:
	green_screen_release(&s);
	cleanup(&c);
	return rc;
}

static int sub_summary(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)args;
	(void)nargs;
	struct green_cli c;
	struct cc_error err = {0};
	int rc = setup(&c, ctx, val, 1);
	if (rc)
		goto out;
	struct cc_buf b = CC_BUF_INIT((size_t)1 << 26);
	struct cc_jw w;
	cc_jw_init(&w, &b);
	if (green_write_summary(&w, ctx->store, c.f, c.g, c.year, c.region, NULL, &err)) {
		cli_error("green: %s", err.msg);
		rc = CLI_FAIL;
	} else if (!(rc = finish(&w, &b))) {
		static const char *const cols[] = {"region", "name=区县",	  "firms#",
						   "tce#",   "output_value#",	  "intensity#",
						   "co2#",   "carbon_intensity#", "flagged#"};
		rc = print(&c, &b, "districts", 9, cols);
	}
	cc_buf_release(&b);
out:
	cleanup(&c);
	return rc;
}

/* ---- the GB/T 36132-2018 green-factory self-assessment (green/factory.c) ---- */

static int sub_factory_model(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)val, (void)args, (void)nargs;
	struct green_cli c = {.ctx = ctx};
	const struct gf_model *m = cli_assess_model(&green_factory_std);
	if (!m)
		return CLI_FAIL;
	struct cc_buf b = CC_BUF_INIT(1 << 22);
	struct cc_jw w;
	cc_jw_init(&w, &b);
	green_factory_write_model(&w, m);
	static const char *const cols[] = {"id", "indicator", "kind", "points#", "text_zh=要求"};
	int rc = finish(&w, &b);
	if (!rc)
		rc = print(&c, &b, "requirements", 5, cols);
	cc_buf_release(&b);
	return rc;
}

/* Prints enterprise I's assessments. */
static int factory_show(struct cli_ctx *ctx, const void *model, struct cc_frame *f, int i)
{
	static struct gf_assessment a[64];
	const struct gf_model *m = model;
	struct green_cli c = {.ctx = ctx};
	struct cc_error err = {0};
	int n = green_factory_read(ctx->store, m, f->id[i], a, 64, &err);
	if (n < 0) {
		cli_error("green: %s", err.msg);
		return CLI_FAIL;
	}
	struct cc_buf b = CC_BUF_INIT(1 << 22);
	struct cc_jw w;
	cc_jw_init(&w, &b);
	green_factory_write_assessments(&w, m, f->uscc[i], f->name[i], a, n);
	static const char *const cols[] = {"year#", "eligible=合格", "basic_met=基本要求",
					   "mandatory_met=必选要求", "score#"};
	int rc = finish(&w, &b);
	if (!rc)
		rc = print(&c, &b, "assessments", 5, cols);
	cc_buf_release(&b);
	return rc;
}

static int sub_factory(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)val, (void)nargs;
	struct cc_frame *f = NULL;
	const struct gf_model *m = cli_assess_model(&green_factory_std);
	int i = m ? cli_assess_find(ctx, &green_factory_std, args[0], &f) : -1;
	int rc = i < 0 ? CLI_FAIL : factory_show(ctx, m, f, i);
	cc_frame_release(f);
	return rc;
}

static int sub_factory_assess(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)nargs;
	return cli_assess_save(ctx, &green_factory_std, "factory-assess", args[0], val[O_YEAR],
			       val[O_ANSWERS], factory_show);
}

static int sub_factory_summary(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)args, (void)nargs;
	struct green_cli c = {.ctx = ctx};
	struct cc_buf b = CC_BUF_INIT(1 << 24);
	struct cc_jw w;
	cc_jw_init(&w, &b);
	int rc = cli_assess_summary(ctx, &green_factory_std, val[O_YEAR], val[O_REGION], &w);
	if (rc == CLI_OK && !(rc = finish(&w, &b))) {
		static const char *const cols[] = {"region",	"name=区县",	 "assessed#",
						   "eligible#", "basic_failed#", "mean_score#"};
		rc = print(&c, &b, "districts", 6, cols);
	}
	cc_buf_release(&b);
	return rc;
}

#define Y CLI_OPT(O_YEAR)
static const struct cli_sub green_subs[] = {
	{"factors", sub_factors, 0, 0, 0, "factors"},
	{"account", sub_account, 1, 1, Y, "account USCC [--year Y]"},
	{"bench", sub_bench, 0, 0, Y | CLI_OPT(O_METRIC) | CLI_OPT(O_INDUSTRY) | CLI_OPT(O_LIMIT),
	 "bench [--year Y] [--metric energy|carbon] [--industry CODE] [--limit N]"},
	{"laggards", sub_laggards, 0, 0,
	 Y | CLI_OPT(O_MARGIN) | CLI_OPT(O_REGION) | CLI_OPT(O_LIMIT),
	 "laggards [--year Y] [--margin 0.1] [--region CODE] [--limit N]"},
	{"summary", sub_summary, 0, 0, Y | CLI_OPT(O_REGION), "summary [--year Y] [--region CODE]"},
	{"factory-model", sub_factory_model, 0, 0, 0, "factory-model"},
	{"factory", sub_factory, 1, 1, 0, "factory USCC"},
	{"factory-assess", sub_factory_assess, 1, 1, Y | CLI_OPT(O_ANSWERS),
	 "factory-assess USCC --year Y --answers FILE.json"},
	{"factory-summary", sub_factory_summary, 0, 0, Y | CLI_OPT(O_REGION),
	 "factory-summary [--year Y] [--region CODE]"},
	{NULL, NULL, 0, 0, 0, NULL}};

int cmd_green(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct cli_option opts[] = {{"year", 1},	 {"metric", 1}, {"industry", 1},
						 {"limit", 1},	 {"margin", 1}, {"region", 1},
						 {"answers", 1}, {NULL, 0}};
	return cli_dispatch(ctx, cli_find("green"), green_subs, opts, argc, argv);
}
