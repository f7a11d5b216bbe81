/*
 * `chainchief eval list | eval run MODEL`: evaluation models as data (data/models/) run over
 * the frame: who is selected, their score, rank and tier, and what each indicator contributed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "cli/commands.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "eval/mcda.h"
#include "eval/model.h"
#include "io/export.h"

static void num(char *out, size_t n, double v)
{
	cc_num_format(v, 0, out, n); /* "" when unknown */
}

static int eval_list(struct cli_ctx *ctx)
{
	char ids[32][64];
	struct cc_error err = {0};
	int n = eval_model_ids(ids, 32, &err);
	if (n < 0) {
		cli_error("eval: %s", err.msg);
		return CLI_FAIL;
	}
	static const char *const cols[] = {"id",      "name_zh=名称", "name",  "indicators#",
					   "weights", "method",	      "tiers", "source"};
	struct cli_table t;
	cli_table_init(&t, 8, cols);
	for (int i = 0; i < n; i++) {
		struct eval_model m;
		if (eval_model_load(ids[i], &m, &err)) {
			cli_error("eval: %s", err.msg);
			cli_table_release(&t);
			return CLI_FAIL;
		}
		static const char *const wn[] = {"equal", "given", "entropy", "critic"};
		char nind[16], tiers[256] = "";
		snprintf(nind, sizeof nind, "%d", m.nind);
		for (int k = 0; k < m.ntiers; k++) {
			size_t u = strlen(tiers);
			snprintf(tiers + u, sizeof tiers - u, "%s%s", k ? "/" : "",
				 m.tiers[k].name_zh);
		}
		const char *row[8] = {m.id,  m.name_zh,	      m.name_en,
				      nind,  wn[m.weighting], eval_method_name(m.method),
				      tiers, m.source};
		cli_table_add(&t, row);
		eval_model_release(&m);
	}
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	return CLI_OK;
}

static int eval_run_cmd(struct cli_ctx *ctx, const char *id, const char **val)
{
	struct cc_error err = {0};
	struct eval_model m;
	struct eval_model_run run;
	struct cc_frame *f = NULL;
	long long year = 0, limit = 50;
	int rc = CLI_OK;
	if (val[0] && (year = cli_int_option("year", val[0], 1900, 2200)) < 0)
		return CLI_USAGE;
	if (val[1] && (limit = cli_int_option("limit", val[1], 1, 100000000)) < 0)
		return CLI_USAGE;
	if (cc_codes_load(&err) || !cc_catalogue_get(&err)) {
		cli_error("eval: %s", err.msg);
		return CLI_FAIL;
	}
	if (eval_model_load(id, &m, &err)) {
		cli_error("eval: %s", err.msg);
		return err.code == CC_ENOTFOUND ? CLI_USAGE : CLI_FAIL;
	}
	if ((rc = cli_open_store(ctx, 0)))
		goto out_model;
	if (cc_frame_build(ctx->store, 0, &f, &err)) {
		cli_error("eval: %s", err.msg);
		rc = CLI_FAIL;
		goto out_model;
	}
	if (year && !cc_frame_annual(f, 0, (int)year)) {
		cli_error("eval: no data for year %lld", year);
		rc = CLI_FAIL;
		goto out_frame;
	}
	if (eval_model_run(&m, f, (int)year, &run, &err)) {
		cli_error("eval: %s", err.msg);
		rc = CLI_FAIL;
		goto out_frame;
	}
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	int shown = run.n < limit ? run.n : (int)limit;
	if (ctx->format == CLI_FMT_JSON) {
		struct cc_buf b = CC_BUF_INIT((size_t)1 << 30);
		char v[64];
		cc_buf_printf(&b,
			      "{\"model\":\"%s\",\"year\":%d,\"screened\":%d,\"evaluated\":%d,"
			      "\"met\":%d,\"selected\":%d,\"weights\":{",
			      m.id, run.year, run.screened, run.n, run.met, run.tiered);
		for (int j = 0; j < m.nind; j++) {
			num(v, sizeof v, run.weights[j]);
			cc_buf_printf(&b, "%s\"%s\":%s", j ? "," : "", m.ind[j].id,
				      v[0] ? v : "null");
		}
		cc_buf_puts(&b, "},\"items\":[");
		for (int p = 0; p < shown; p++) {
			int i = run.ent[p];
			cc_buf_printf(&b, "%s{\"rank\":%d,\"uscc\":\"%s\",\"name\":", p ? "," : "",
				      run.rank[p], f->uscc[i]);
			cc_buf_json_str(&b, f->name[i], strlen(f->name[i]));
			num(v, sizeof v, run.score[p]);
			cc_buf_printf(&b, ",\"score\":%s,\"tier\":", v[0] ? v : "null");
			if (run.tier[p] >= 0)
				cc_buf_printf(&b, "\"%s\"", m.tiers[run.tier[p]].id);
			else
				cc_buf_puts(&b, "null");
			cc_buf_printf(&b, ",\"near_candidate\":%s,\"chain\":",
				      run.near[p] ? "true" : "false");
			if (run.chain[p] >= 0)
				cc_buf_printf(&b, "\"%s\",\"chain_rank\":%d",
					      cat->chains[run.chain[p]].id, run.chain_rank[p]);
			else
				cc_buf_puts(&b, "null,\"chain_rank\":null");
			cc_buf_puts(&b, ",\"indicators\":[");
			for (int j = 0; j < m.nind; j++) {
				double x = run.x[(size_t)p * (size_t)m.nind + (size_t)j];
				double nv = run.norm[(size_t)p * (size_t)m.nind + (size_t)j];
				char a[64], c[64], d[64];
				num(a, sizeof a, x);
				num(c, sizeof c, nv);
				num(d, sizeof d, run.weights[j] * nv);
				cc_buf_printf(&b,
					      "%s{\"id\":\"%s\",\"value\":%s,\"normalized\":%s,"
					      "\"contribution\":%s}",
					      j ? "," : "", m.ind[j].id, a[0] ? a : "null",
					      c[0] ? c : "null", d[0] ? d : "null");
			}
			cc_buf_puts(&b, "]}");
		}
		cc_buf_puts(&b, "]}\n");
		fputs(cc_buf_str(&b), stdout);
		cc_buf_release(&b);
	} else {
		const char *cols[6 + EVAL_MODEL_MAX_IND];
		char names[EVAL_MODEL_MAX_IND][64];
		cols[0] = "rank#";
		cols[1] = "uscc";
		cols[2] = "name";
		cols[3] = "tier";
		cols[4] = "score#";
		cols[5] = "near";
		for (int j = 0; j < m.nind; j++) {
			snprintf(names[j], sizeof names[j], "%s#", m.ind[j].id);
			cols[6 + j] = names[j];
		}
		struct cli_table t;
		cli_table_init(&t, (size_t)(6 + m.nind), cols);
		for (int p = 0; p < shown; p++) {
			int i = run.ent[p];
			char r[16], sc[64], vals[EVAL_MODEL_MAX_IND][64];
			const char *row[6 + EVAL_MODEL_MAX_IND];
			snprintf(r, sizeof r, "%d", run.rank[p]);
			snprintf(sc, sizeof sc, "%.4f", run.score[p]);
			row[0] = r;
			row[1] = f->uscc[i];
			row[2] = f->name[i];
			row[3] = run.tier[p] >= 0 ? m.tiers[run.tier[p]].name_zh : "";
			row[4] = sc;
			row[5] = run.near[p] ? "near" : "";
			for (int j = 0; j < m.nind; j++) {
				double x = run.x[(size_t)p * (size_t)m.nind + (size_t)j];
				cc_num_format(x, 6, vals[j], sizeof vals[j]); /* "" when unknown */
				row[6 + j] = vals[j];
			}
			cli_table_add(&t, row);
		}
		if (ctx->format == CLI_FMT_TABLE) {
			printf("%s (%s), year %d: %d screened, %d evaluated (%d meet the candidate "
			       "condition), %d selected into a tier; weights",
			       m.name_zh, m.id, run.year, run.screened, run.n, run.met, run.tiered);
			for (int j = 0; j < m.nind; j++)
				printf(" %s=%.3f", m.ind[j].id, run.weights[j]);
			printf("\n");
		}
		cli_table_print(&t, stdout, ctx->format);
		cli_table_release(&t);
	}
	eval_model_run_release(&run);
out_frame:
	cc_frame_release(f);
out_model:
	eval_model_release(&m);
	return rc;
}

static int sub_list(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)val;
	(void)args;
	(void)nargs;
	return eval_list(ctx);
}

static int sub_run(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)nargs;
	return eval_run_cmd(ctx, args[0], val);
}

static const struct cli_sub eval_subs[] = {
	{"", sub_list, 0, 0, 0, ""},
	{"list", sub_list, 0, 0, 0, "list"},
	{"run", sub_run, 1, 1, CLI_OPT(0) | CLI_OPT(1), "run MODEL [--year Y] [--limit N]"},
	{NULL, NULL, 0, 0, 0, NULL},
};

int cmd_eval(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct cli_option opts[] = {{"year", 1}, {"limit", 1}, {NULL, 0}};
	return cli_dispatch(ctx, cli_find("eval"), eval_subs, opts, argc, argv);
}
