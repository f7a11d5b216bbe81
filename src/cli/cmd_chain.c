/*
 * `chainchief chain list|show|gaps|targets|areas|report`: the chain catalogue and chain maps
 * (强链、补链、延链) from the command line. The analytics are chain/chain.c's; this file only
 * turns them into tables and a workbook.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/jw.h"
#include "base/parse.h"
#include "chain/chain.h"
#include "cli/commands.h"
#include "domain/codes.h"
#include "risk/risk.h"

static void fmt(char *out, size_t n, double v, const char *spec)
{
	if (isnan(v))
		out[0] = '\0';
	else
		snprintf(out, n, spec, v);
}

/* Everything a chain subcommand needs: catalogue, frame, scope, rules. */
struct chain_cli {
	const struct cc_catalogue *cat;
	const struct chain_rules *rules;
	struct cc_frame *f;
	struct chain_scope scope;
	int year;
};

static int chain_cli_open(struct cli_ctx *ctx, const char *scope, const char *year, int flags,
			  struct chain_cli *c)
{
	struct cc_error err = {0};
	memset(c, 0, sizeof *c);
	if (cc_codes_load(&err) || !(c->cat = cc_catalogue_get(&err)) ||
	    !(c->rules = chain_rules_get(&err))) {
		cli_error("chain: %s", err.msg);
		return CLI_FAIL;
	}
	if (chain_scope_parse(scope, &c->scope, &err)) {
		cli_error("chain: %s", err.msg);
		return CLI_USAGE;
	}
	int rc = cli_open_store(ctx, 0);
	if (rc)
		return rc;
	if (cc_frame_build(ctx->store, flags, &c->f, &err)) {
		cli_error("chain: %s", err.msg);
		return CLI_FAIL;
	}
	if (year) {
		long long y = cli_int_option("year", year, 1900, 2200);
		if (y < 0)
			return CLI_USAGE;
		if (!cc_frame_annual(c->f, 0, (int)y)) {
			cli_error("chain: no data for year %lld (the data hold %d to %d)", y,
				  c->f->year0, c->f->year0 + c->f->nyears - 1);
			return CLI_FAIL;
		}
		c->year = (int)y;
	} else {
		c->year = cc_frame_latest_year(c->f);
	}
	return CLI_OK;
}

static const struct cc_chain *find_chain(const struct chain_cli *c, const char *id)
{
	const struct cc_chain *ch = cc_chain_find(c->cat, id);
	if (!ch)
		cli_error("chain: unknown chain '%s' (see 'chainchief chain list')", id);
	return ch;
}

static int chain_list(struct cli_ctx *ctx, struct chain_cli *c)
{
	static const char *const cols[] = {
		"id",		"name_zh=名称", "name",	     "status",	      "nodes#",
		"enterprises#", "output#",	"yoy#",	     "completeness#", "local_coverage#",
		"output_hhi#",	"strong#",	"adequate#", "weak#",	      "missing#"};
	struct cli_table t;
	struct chain_node_metrics *m = malloc(sizeof *m * (size_t)c->cat->nnodes);
	if (!m)
		return CLI_FAIL;
	cli_table_init(&t, 15, cols);
	for (int i = 0; i < c->cat->nchains; i++) {
		const struct cc_chain *ch = &c->cat->chains[i];
		struct chain_summary s;
		struct cc_error err = {0};
		if (chain_analyse(c->f, i, &c->scope, c->year, c->rules, m, &s, &err)) {
			cli_error("chain: %s", err.msg);
			free(m);
			cli_table_release(&t);
			return CLI_FAIL;
		}
		char v[11][32];
		snprintf(v[0], 32, "%d", ch->nnodes);
		snprintf(v[1], 32, "%d", s.enterprises);
		fmt(v[2], 32, s.output, "%.0f");
		fmt(v[3], 32, s.yoy, "%.4f");
		fmt(v[4], 32, s.completeness, "%.4f");
		fmt(v[5], 32, s.local_coverage, "%.4f");
		fmt(v[6], 32, s.output_hhi, "%.0f");
		snprintf(v[7], 32, "%d", s.strong);
		snprintf(v[8], 32, "%d", s.adequate);
		snprintf(v[9], 32, "%d", s.weak);
		snprintf(v[10], 32, "%d", s.missing);
		const char *row[15] = {ch->id, ch->name_zh, ch->name_en, ch->status, v[0],
				       v[1],   v[2],	    v[3],	 v[4],	     v[5],
				       v[6],   v[7],	    v[8],	 v[9],	     v[10]};
		cli_table_add(&t, row);
	}
	if (ctx->format == CLI_FMT_TABLE)
		printf("scope %s (%s), year %d\n", c->scope.name_zh, c->scope.name_en, c->year);
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	free(m);
	return CLI_OK;
}

/* Fills T with the nodes of CHAIN (all, or only weak and missing when GAPS). */
static void node_rows(const struct chain_cli *c, const struct cc_chain *ch,
		      const struct chain_node_metrics *m, int gaps, int table, struct cli_table *t)
{
	static const char *const cols[] = {
		"node",		"name_zh=名称", "stage",	 "class",	    "class_zh=等级",
		"enterprises#", "masters#",	"core#",	 "output#",	    "output_share#",
		"yoy#",		"cagr3#",	"rd_intensity#", "local_coverage#", "hightech#",
		"srdi#",	"reason_zh",	"reason_en"};
	cli_table_init(t, 18, cols);
	for (int k = 0; k < ch->nnodes; k++) {
		const struct chain_node_metrics *x = &m[k];
		const struct cc_node *nd = &c->cat->nodes[x->node];
		if (gaps && x->cls != CHAIN_WEAK && x->cls != CHAIN_MISSING)
			continue;
		char label[160], v[11][32];
		if (table)
			snprintf(label, sizeof label, "%*s%s", nd->depth * 2, "", nd->id);
		else
			snprintf(label, sizeof label, "%s", nd->id);
		snprintf(v[0], 32, "%d", x->enterprises);
		snprintf(v[1], 32, "%d", x->masters);
		snprintf(v[2], 32, "%d", x->core);
		fmt(v[3], 32, x->output, "%.0f");
		fmt(v[4], 32, x->output_share, "%.4f");
		fmt(v[5], 32, x->yoy, "%.4f");
		fmt(v[6], 32, x->cagr3, "%.4f");
		fmt(v[7], 32, x->rd_intensity, "%.4f");
		fmt(v[8], 32, x->local_coverage, "%.4f");
		snprintf(v[9], 32, "%d", x->hightech);
		snprintf(v[10], 32, "%d", x->srdi);
		const char *row[18] = {label,
				       nd->name_zh,
				       cc_stage_name(nd->stage),
				       chain_class_name(x->cls),
				       chain_class_zh(x->cls),
				       v[0],
				       v[1],
				       v[2],
				       v[3],
				       v[4],
				       v[5],
				       v[6],
				       v[7],
				       v[8],
				       v[9],
				       v[10],
				       x->reason_zh,
				       x->reason_en};
		cli_table_add(t, row);
	}
}

/* Targets of every weak or missing node (or of NODE only) into T. */
static int target_rows(const struct chain_cli *c, const struct cc_chain *ch,
		       const struct chain_node_metrics *m, const struct cc_node *only, int limit,
		       struct cli_table *t)
{
	static const char *const cols[] = {"node",	    "node_zh=环节", "rank#",
					   "uscc",	    "name",	    "region",
					   "kind",	    "score#",	    "value_to_local#",
					   "local_buyers#", "revenue#",	    "yoy#",
					   "reason_zh",	    "reason_en"};
	struct chain_target *tg = malloc(sizeof *tg * (size_t)limit);
	if (!tg)
		return CLI_FAIL;
	cli_table_init(t, 14, cols);
	for (int k = 0; k < ch->nnodes; k++) {
		const struct cc_node *nd = &c->cat->nodes[m[k].node];
		if (only ? nd != only : (m[k].cls != CHAIN_WEAK && m[k].cls != CHAIN_MISSING))
			continue;
		struct cc_error err = {0};
		int n = chain_targets(c->f, nd->index, &c->scope, c->year, c->rules, tg, limit,
				      &err);
		if (n < 0) {
			cli_error("chain: %s", err.msg);
			free(tg);
			return CLI_FAIL;
		}
		for (int i = 0; i < n; i++) {
			char v[7][40], region[8];
			snprintf(v[0], 40, "%d", i + 1);
			snprintf(v[1], 40, "%.4f", tg[i].score);
			snprintf(v[2], 40, "%.2f", tg[i].value_to_local);
			snprintf(v[3], 40, "%d", tg[i].local_buyers);
			fmt(v[4], 40, tg[i].revenue, "%.2f");
			fmt(v[5], 40, tg[i].yoy, "%.4f");
			snprintf(region, sizeof region, "%06d", tg[i].region);
			const char *row[14] = {nd->id,
					       nd->name_zh,
					       v[0],
					       tg[i].uscc,
					       tg[i].ent >= 0 ? c->f->name[tg[i].ent] : "",
					       region,
					       tg[i].kind == CHAIN_TARGET_SUPPLIER ? "supplier"
										   : "maker",
					       v[1],
					       v[2],
					       v[3],
					       v[4],
					       v[5],
					       tg[i].reason_zh,
					       tg[i].reason_en};
			cli_table_add(t, row);
		}
	}
	free(tg);
	return CLI_OK;
}

static int chain_report(struct cli_ctx *ctx, struct chain_cli *c, const struct cc_chain *ch,
			const struct chain_summary *s, const char *out, int limit, int en)
{
	struct cc_error err = {0};
	if (chain_report_write(c->f, ch->index, &c->scope, c->year, c->rules, limit, en, out,
			       &err)) {
		cli_error("chain report: %s", err.msg);
		return CLI_FAIL;
	}
	if (ctx->format == CLI_FMT_JSON) {
		struct cc_buf b = CC_BUF_INIT(8192);
		struct cc_jw w;
		cc_jw_init(&w, &b);
		cc_jw_object(&w);
		cc_jw_kstr(&w, "file", out);
		cc_jw_kstr(&w, "chain", ch->id);
		cc_jw_kint(&w, "nodes", ch->nnodes);
		cc_jw_kint(&w, "gaps", s->weak + s->missing);
		cc_jw_end(&w);
		cc_jw_print(&w, stdout);
		cc_buf_release(&b);
	} else
		printf("report on %s (%s) written to %s\n", ch->name_zh, c->scope.name_zh, out);
	return CLI_OK;
}

static int sub_list(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct chain_cli c;
	int rc = chain_cli_open(ctx, val[0], val[1], 0, &c);
	(void)args;
	(void)nargs;
	if (rc == CLI_OK)
		rc = chain_list(ctx, &c);
	cc_frame_release(c.f);
	return rc;
}

/*
 * The district map's figures (chain_areas): every area overlapping the scope with its firms,
 * output and growth, as the dashboard counts them, or a chain's with its missing links; then
 * the firms of no area, when there are any.
 */
static int chain_areas_print(struct cli_ctx *ctx, struct chain_cli *c, const struct cc_chain *ch)
{
	static const char *const cols[] = {"code#",	    "name_zh=名称", "enterprises#",
					   "output_value#", "yoy#",	    "missing#"};
	struct chain_area *areas = NULL, unplaced;
	struct cc_error err = {0};
	struct cli_table t;
	int n = 0, ncols = ch ? 6 : 5;
	if (chain_areas(c->f, ch ? ch->index : -1, &c->scope, c->year, &areas, &n, &unplaced,
			&err)) {
		cli_error("chain: %s", err.msg);
		return CLI_FAIL;
	}
	cli_table_init(&t, ncols, cols);
	for (int k = 0; k <= n; k++) {
		const struct chain_area *a = k < n ? &areas[k] : &unplaced;
		if (k == n && !a->enterprises)
			break;
		const struct cc_region *r = a->code ? cc_region_find(a->code) : NULL;
		char v[5][32];
		snprintf(v[0], 32, "%d", a->code);
		snprintf(v[1], 32, "%d", a->enterprises);
		fmt(v[2], 32, a->output, "%.2f");
		fmt(v[3], 32, a->yoy, "%.4f");
		fmt(v[4], 32, a->missing, "%.0f");
		const char *row[6] = {v[0], r ? r->name : "（无区县）", v[1], v[2], v[3], v[4]};
		cli_table_add(&t, row);
	}
	if (ctx->format == CLI_FMT_TABLE)
		printf("%s%sscope %s (%s), year %d\n", ch ? ch->name_zh : "", ch ? ", " : "",
		       c->scope.name_zh, c->scope.name_en, c->year);
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	free(areas);
	return CLI_OK;
}

static int sub_areas(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct chain_cli c;
	int rc = chain_cli_open(ctx, val[0], val[1], 0, &c);
	const struct cc_chain *ch = NULL;
	if (rc == CLI_OK && nargs > 0 && !(ch = find_chain(&c, args[0])))
		rc = CLI_USAGE;
	if (rc == CLI_OK)
		rc = chain_areas_print(ctx, &c, ch);
	cc_frame_release(c.f);
	return rc;
}

/* show, gaps, targets and report of chain NAME. */
static int chain_one(struct cli_ctx *ctx, const char *sub, const char *name, const char **val)
{
	int rc;
	struct chain_cli c;
	long long limit = 10;
	if (val[3] && (limit = cli_int_option("limit", val[3], 1, 1000)) < 0)
		return CLI_USAGE;
	if (strcmp(sub, "report") == 0 && !val[4]) {
		cli_error("chain report: --out FILE.xlsx is required");
		return CLI_USAGE;
	}
	if (val[6] && strcmp(val[6], "zh") != 0 && strcmp(val[6], "en") != 0) {
		cli_error("chain: --lang must be zh or en");
		return CLI_USAGE;
	}
	rc = chain_cli_open(ctx, val[0], val[1], 0, &c);
	const struct cc_chain *ch = rc ? NULL : find_chain(&c, name);
	struct chain_node_metrics *m = NULL;
	struct chain_summary s;
	struct cc_error err = {0};
	if (rc || !ch) {
		rc = rc ? rc : CLI_FAIL;
		goto out;
	}
	m = malloc(sizeof *m * (size_t)ch->nnodes);
	if (!m || chain_analyse(c.f, ch->index, &c.scope, c.year, c.rules, m, &s, &err)) {
		cli_error("chain: %s", m ? err.msg : "out of memory");
		rc = CLI_FAIL;
		goto out;
	}
	struct cli_table t;
	if (strcmp(sub, "show") == 0 || strcmp(sub, "gaps") == 0) {
		int gaps = sub[0] == 'g';
		node_rows(&c, ch, m, gaps, ctx->format == CLI_FMT_TABLE, &t);
		if (ctx->format == CLI_FMT_TABLE)
			printf("%s %s — scope %s, year %d: %d enterprises, completeness %.0f%%, local "
			       "coverage %s, strong %d / adequate %d / weak %d / missing %d\n",
			       ch->name_zh, ch->name_en, c.scope.name_zh, c.year, s.enterprises,
			       s.completeness * 100, isnan(s.local_coverage) ? "unknown" : "",
			       s.strong, s.adequate, s.weak, s.missing);
		cli_table_print(&t, stdout, ctx->format);
		cli_table_release(&t);
		if (gaps) {
			int ext[256];
			double demand[256];
			int ne = ch->nnodes <= 256
					 ? chain_extension(c.f, ch->index, c.rules, m, ext, demand)
					 : 0;
			static const char *const cols[] = {"node", "node_zh=环节", "stage",
							   "local_demand#"};
			cli_table_init(&t, 4, cols);
			for (int i = 0; i < ne; i++) {
				char d[32];
				snprintf(d, sizeof d, "%.2f", demand[i]);
				const char *row[4] = {c.cat->nodes[ext[i]].id,
						      c.cat->nodes[ext[i]].name_zh,
						      cc_stage_name(c.cat->nodes[ext[i]].stage), d};
				cli_table_add(&t, row);
			}
			if (ctx->format == CLI_FMT_TABLE) {
				printf("\n延链 extension: links with local demand but no local maker\n");
				cli_table_print(&t, stdout, ctx->format);
			} else if (ctx->format == CLI_FMT_CSV) {
				cli_table_print(&t, stdout, ctx->format);
			}
			/* JSON: the node list above is the gaps; extension goes to stderr-free
			 * second document only in table/csv to keep one JSON value on stdout. */
			cli_table_release(&t);
		}
	} else if (strcmp(sub, "targets") == 0) {
		const struct cc_node *only = NULL;
		if (val[2]) {
			only = cc_node_resolve(c.cat, val[2], ch->id, &err);
			if (!only || only->chain != ch->index) {
				cli_error("chain targets: %s",
					  only ? "that node is in another chain" : err.msg);
				rc = CLI_USAGE;
				goto out;
			}
		}
		rc = target_rows(&c, ch, m, only, (int)limit, &t);
		if (rc == CLI_OK) {
			cli_table_print(&t, stdout, ctx->format);
			cli_table_release(&t);
		}
	} else {
		rc = chain_report(ctx, &c, ch, &s, val[4], (int)limit,
				  val[6] && strcmp(val[6], "en") == 0);
	}
out:
	free(m);
	cc_frame_release(c.f);
	return rc;
}

static int sub_show(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)nargs;
	return chain_one(ctx, "show", args[0], val);
}

static int sub_gaps(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)nargs;
	return chain_one(ctx, "gaps", args[0], val);
}

static int sub_targets(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)nargs;
	return chain_one(ctx, "targets", args[0], val);
}

static int sub_report(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)nargs;
	return chain_one(ctx, "report", args[0], val);
}

/* One line per chain of a brief: the table format of `chain brief`. */
static void brief_table(const json_t *b, int format)
{
	static const char *const cols[] = {"chain",	    "chain_zh=产业链",	"enterprises#",
					   "output#",	    "month_output#",	"previous_output#",
					   "month_change#", "new_enterprises#", "gaps#",
					   "spof#"};
	struct cli_table t;
	size_t i;
	const json_t *c;
	cli_table_init(&t, 10, cols);
	json_array_foreach(json_object_get(b, "chains"), i, c)
	{
		const json_t *fg = json_object_get(c, "figures"), *m = json_object_get(c, "month");
		const json_t *res = json_object_get(c, "resilience");
		char v[8][40];
		snprintf(v[0], 40, "%lld",
			 (long long)json_integer_value(json_object_get(fg, "enterprises")));
		snprintf(v[1], 40, "%.2f", json_number_value(json_object_get(fg, "output")));
		snprintf(v[2], 40, "%.2f", json_number_value(json_object_get(m, "output")));
		snprintf(v[3], 40, "%.2f", json_number_value(json_object_get(m, "previous")));
		const json_t *ch = json_object_get(m, "change");
		if (json_is_number(ch))
			cc_num_format(json_number_value(ch), 4, v[4], 40);
		else
			v[4][0] = '\0';
		snprintf(v[5], 40, "%lld",
			 (long long)json_integer_value(json_object_get(c, "new_enterprises")));
		snprintf(v[6], 40, "%zu", json_array_size(json_object_get(c, "gaps")));
		snprintf(v[7], 40, "%lld",
			 (long long)json_integer_value(json_object_get(res, "spof_count")));
		const char *row[10] = {
			json_string_value(json_object_get(c, "id")),
			json_string_value(json_object_get(json_object_get(c, "name"), "zh")),
			v[0],
			v[1],
			v[2],
			v[3],
			v[4],
			v[5],
			v[6],
			v[7]};
		cli_table_add(&t, row);
	}
	if (format == CLI_FMT_TABLE)
		printf("%s — %s, %s (vs %s)\n%s\n\n",
		       json_string_value(json_object_get(json_object_get(b, "title"), "zh")),
		       json_string_value(json_object_get(json_object_get(b, "scope"), "zh")),
		       json_string_value(json_object_get(b, "month")),
		       json_string_value(json_object_get(b, "previous_month")),
		       json_string_value(json_object_get(json_object_get(b, "basis"), "zh")));
	cli_table_print(&t, stdout, format);
	cli_table_release(&t);
}

/* `chain brief [CHAIN|all]`: the monthly brief's data (chain_brief); JSON with --format json. */
static int sub_brief(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct chain_cli c;
	struct cc_error err = {0};
	struct risk_net *net = NULL;
	json_t *b = NULL;
	uint8_t *mask = NULL;
	struct chain_brief_opts o = {.scope = &c.scope};
	int rc = chain_cli_open(ctx, val[0], val[1], CC_FRAME_MONTHLY, &c);
	const char *id = nargs ? args[0] : "all";
	if (rc)
		goto out;
	o.year = c.year;
	o.detail = strcmp(id, "all") != 0;
	if (o.detail) {
		const struct cc_chain *ch = find_chain(&c, id);
		if (!ch) {
			rc = CLI_USAGE;
			goto out;
		}
		mask = calloc((size_t)c.cat->nchains, 1);
		if (mask)
			mask[ch->index] = 1;
		o.chains = mask;
	}
	if (val[5]) {
		long long y, m;
		if (strlen(val[5]) != 7 || val[5][4] != '-' || cc_parse_int64(val[5], 4, &y) ||
		    cc_parse_int64(val[5] + 5, 2, &m) || m < 1 || m > 12) {
			cli_error("chain brief: --month must be YYYY-MM, not '%s'", val[5]);
			rc = CLI_USAGE;
			goto out;
		}
		o.month = (int)(y * 100 + m);
	}
	if (risk_net_from_frame(c.f, &net, &err) || chain_brief(c.f, net, c.rules, &o, &b, &err)) {
		cli_error("chain brief: %s", err.msg);
		rc = CLI_FAIL;
		goto out;
	}
	if (ctx->format == CLI_FMT_JSON)
		cc_jw_print_json(b, stdout);
	else
		brief_table(b, ctx->format);
out:
	json_decref(b);
	risk_net_free(net);
	free(mask);
	cc_frame_release(c.f);
	return rc;
}

/* Options: 0 scope, 1 year, 2 node, 3 limit, 4 out, 5 month, 6 lang. */
#define SCOPE_YEAR (CLI_OPT(0) | CLI_OPT(1))
static const struct cli_sub chain_subs[] = {
	{"", sub_list, 0, 0, SCOPE_YEAR, "[--scope S] [--year Y]"},
	{"list", sub_list, 0, 0, SCOPE_YEAR, "list [--scope S] [--year Y]"},
	{"show", sub_show, 1, 1, SCOPE_YEAR, "show CHAIN [--scope S] [--year Y]"},
	{"gaps", sub_gaps, 1, 1, SCOPE_YEAR, "gaps CHAIN [--scope S] [--year Y]"},
	{"targets", sub_targets, 1, 1, SCOPE_YEAR | CLI_OPT(2) | CLI_OPT(3),
	 "targets CHAIN [--scope S] [--year Y] [--node N] [--limit K]"},
	{"areas", sub_areas, 0, 1, SCOPE_YEAR, "areas [CHAIN] [--scope S] [--year Y]"},
	{"report", sub_report, 1, 1, SCOPE_YEAR | CLI_OPT(3) | CLI_OPT(4) | CLI_OPT(6),
	 "report CHAIN --out F.xlsx [--scope S] [--year Y] [--limit K] [--lang zh|en]"},
	{"brief", sub_brief, 0, 1, SCOPE_YEAR | CLI_OPT(5),
	 "brief [CHAIN|all] [--scope S] [--year Y] [--month YYYY-MM]"},
	{NULL, NULL, 0, 0, 0, NULL},
};

int cmd_chain(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct cli_option opts[] = {{"scope", 1}, {"year", 1}, {"node", 1},
						 {"limit", 1}, {"out", 1},  {"month", 1},
						 {"lang", 1},  {NULL, 0}};
	return cli_dispatch(ctx, cli_find("chain"), chain_subs, opts, argc, argv);
}
