/*
 * `chainchief digital model | show USCC | assess USCC --year Y --answers FILE.json | summary`:
 * the GB/T 39116-2020 maturity self-assessment (digital/, issue 16 item 4). --format json
 * prints what the API's /api/v1/digital/… routes answer (the same writers).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/jw.h"
#include "cli/cli_assess.h"
#include "cli/commands.h"
#include "digital/digital.h"
#include "digital/retrofit.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "frame/frame.h"

enum { O_YEAR, O_ANSWERS, O_REGION };

static int print_json(struct cc_jw *w, struct cc_buf *b)
{
	if (cc_jw_finish(w)) {
		cli_error("digital: the answer is too large");
		return CLI_FAIL;
	}
	fwrite(b->data, 1, b->len, stdout);
	fputc('\n', stdout);
	return CLI_OK;
}

static const struct digital_model *model(void)
{
	return cli_assess_model(&digital_std);
}

static int sub_model(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)val, (void)args, (void)nargs;
	const struct digital_model *m = model();
	if (!m)
		return CLI_FAIL;
	if (ctx->format == CLI_FMT_JSON) {
		struct cc_buf b = CC_BUF_INIT(1 << 22);
		struct cc_jw w;
		cc_jw_init(&w, &b);
		digital_write_model(&w, m);
		int rc = print_json(&w, &b);
		cc_buf_release(&b);
		return rc;
	}
	static const char *const cols[] = {"id", "level#", "dimension", "text_zh=要求"};
	struct cli_table t;
	cli_table_init(&t, 4, cols);
	for (int i = 0; i < m->nquestions; i++) {
		char lv[8];
		snprintf(lv, sizeof lv, "%d", m->q[i].level);
		const char *row[4] = {m->q[i].id, lv, m->q[i].dimension, m->q[i].text_zh};
		cli_table_add(&t, row);
	}
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	return CLI_OK;
}

/* Opens the store, builds a registry frame and finds USCC; -1 after printing why. */
static int find(struct cli_ctx *ctx, const char *uscc, struct cc_frame **f)
{
	return cli_assess_find(ctx, &digital_std, uscc, f);
}

static int show(struct cli_ctx *ctx, const void *model, struct cc_frame *f, int i)
{
	const struct digital_model *m = model;
	static struct digital_assessment a[64];
	struct cc_error err = {0};
	int n = digital_read(ctx->store, m, f->id[i], a, 64, &err);
	if (n < 0) {
		cli_error("digital: %s", err.msg);
		return CLI_FAIL;
	}
	if (ctx->format == CLI_FMT_JSON) {
		struct cc_buf b = CC_BUF_INIT(1 << 22);
		struct cc_jw w;
		cc_jw_init(&w, &b);
		digital_write_assessments(&w, m, f->uscc[i], f->name[i], a, n);
		int rc = print_json(&w, &b);
		cc_buf_release(&b);
		return rc;
	}
	static const char *const cols[] = {"year#",  "level#", "level_zh=等级",
					   "score#", "gaps#",  "cnc_rate#"};
	struct cli_table t;
	cli_table_init(&t, 6, cols);
	for (int k = 0; k < n; k++) {
		char y[8], l[8], s[32], g[8], c[32] = "";
		const struct digital_result *r = &a[k].result;
		snprintf(y, sizeof y, "%d", a[k].year);
		snprintf(l, sizeof l, "%d", r->level);
		cc_num_format(r->score, 3, s, sizeof s);
		snprintf(g, sizeof g, "%d", r->ngaps);
		cc_num_format(a[k].cnc_rate, 3, c, sizeof c);
		const char *row[6] = {y, l, r->level ? m->level_zh[r->level] : "未达到规划级",
				      s, g, c};
		cli_table_add(&t, row);
	}
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	return CLI_OK;
}

static int sub_show(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)val, (void)nargs;
	struct cc_frame *f = NULL;
	const struct digital_model *m = model();
	if (!m)
		return CLI_FAIL;
	int i = find(ctx, args[0], &f);
	int rc = i < 0 ? CLI_FAIL : show(ctx, m, f, i);
	cc_frame_release(f);
	return rc;
}

static int sub_assess(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)nargs;
	return cli_assess_save(ctx, &digital_std, "assess", args[0], val[O_YEAR], val[O_ANSWERS],
			       show);
}

static int sub_summary(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)args, (void)nargs;
	struct cc_buf b = CC_BUF_INIT(1 << 24);
	struct cc_jw w;
	cc_jw_init(&w, &b);
	int rc = cli_assess_summary(ctx, &digital_std, val[O_YEAR], val[O_REGION], &w);
	if (rc == CLI_OK)
		rc = print_json(&w, &b);
	cc_buf_release(&b);
	return rc;
}

/* need USCC: the enterprise's maturity gaps posted as a service demand (issue 16 item 6);
 * prints the posting's id (match find ID ranks its solution providers). */
static int sub_need(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)val, (void)nargs;
	struct cc_frame *f = NULL;
	struct cc_error err = {0};
	int i = find(ctx, args[0], &f);
	int64_t posting = 0;
	int created = 0, rc = CLI_FAIL;
	if (i >= 0 &&
	    retrofit_gap_need_post(ctx->store, f->id[i], "cli", &posting, &created, &err) == 0) {
		if (ctx->format == CLI_FMT_JSON)
			printf("{\"need_posting\":%lld,\"created\":%s}\n", (long long)posting,
			       created ? "true" : "false");
		else
			printf("%lld\n", (long long)posting);
		rc = CLI_OK;
	} else if (i >= 0) {
		cli_error("digital need: %s", err.msg);
	}
	cc_frame_release(f);
	return rc;
}

static const struct cli_sub digital_subs[] = {
	{"model", sub_model, 0, 0, 0, "model"},
	{"show", sub_show, 1, 1, 0, "show USCC"},
	{"assess", sub_assess, 1, 1, CLI_OPT(O_YEAR) | CLI_OPT(O_ANSWERS),
	 "assess USCC --year Y --answers FILE.json"},
	{"summary", sub_summary, 0, 0, CLI_OPT(O_YEAR) | CLI_OPT(O_REGION),
	 "summary [--year Y] [--region CODE]"},
	{"need", sub_need, 1, 1, 0, "need USCC"},
	{NULL, NULL, 0, 0, 0, NULL}};

int cmd_digital(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct cli_option opts[] = {
		{"year", 1}, {"answers", 1}, {"region", 1}, {NULL, 0}};
	return cli_dispatch(ctx, cli_find("digital"), digital_subs, opts, argc, argv);
}
