/*
 * `chainchief criteria list|check|scan`: the official criteria sets of data/criteria/ from the
 * command line. `check` explains one enterprise clause by clause; `scan` lists who meets which
 * set and, with --near, the near misses a cultivation programme exists for. The evaluation
 * is eval/criteria.c's; this file only turns it into tables and JSON.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "base/jw.h"
#include "base/json.h"
#include "base/buf.h"
#include "cli/commands.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "domain/uscc.h"
#include "eval/criteria.h"

static void num(char *out, size_t n, double v)
{
	cc_num_format(v, 6, out, n); /* "" when unknown */
}

static json_t *jstr_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* Everything a subcommand needs. */
struct crit_cli {
	struct criteria_catalogue *cat;
	const struct criteria_set *only; /* --set, or NULL for all */
	struct cc_frame *f;
	int year;
	double margin;
};

static void crit_cli_release(struct crit_cli *c)
{
	criteria_free(c->cat);
	cc_frame_release(c->f);
}

/* Loads the criteria and --set; with FRAME also the store, the frame and --year. */
static int crit_cli_open(struct cli_ctx *ctx, const char *set, const char *year, const char *margin,
			 int frame, struct crit_cli *c)
{
	struct cc_error err = {0};
	memset(c, 0, sizeof *c);
	c->margin = CRITERIA_DEFAULT_MARGIN;
	if (margin) {
		char *end;
		double m = strtod(margin, &end);
		if (end == margin || *end || !(m >= 0) || m > 10) {
			cli_error("criteria: --margin must be a fraction such as 0.1, not '%s'",
				  margin);
			return CLI_USAGE;
		}
		c->margin = m;
	}
	if (criteria_load(&c->cat, &err)) {
		cli_error("criteria: %s", err.msg);
		return CLI_FAIL;
	}
	if (set && !(c->only = criteria_find(c->cat, set))) {
		cli_error("criteria: unknown criteria set '%s' (see 'chainchief criteria list')",
			  set);
		return CLI_FAIL;
	}
	if (!frame)
		return CLI_OK;
	long long y = 0;
	if (year && (y = cli_int_option("year", year, 1900, 2200)) < 0)
		return CLI_USAGE;
	int rc = cli_open_store(ctx, 0);
	if (rc)
		return rc;
	if (cc_frame_build(ctx->store, 0, &c->f, &err)) {
		cli_error("criteria: %s", err.msg);
		return CLI_FAIL;
	}
	if (year) {
		if (!cc_frame_annual(c->f, 0, (int)y)) {
			cli_error("criteria: no data for year %lld (the data hold %d to %d)", y,
				  c->f->year0, c->f->year0 + c->f->nyears - 1);
			return CLI_FAIL;
		}
		c->year = (int)y;
	} else {
		c->year = cc_frame_latest_year(c->f);
	}
	return CLI_OK;
}

static int crit_list(struct cli_ctx *ctx, struct crit_cli *c)
{
	static const char *const cols[] = {"id",      "name_zh=名称", "name",	     "effective",
					   "mode",    "clauses#",     "assessable#", "score",
					   "direct#", "source"};
	struct cli_table t;
	cli_table_init(&t, 10, cols);
	for (int k = 0; k < c->cat->nsets; k++) {
		const struct criteria_set *s = &c->cat->sets[k];
		if (c->only && s != c->only)
			continue;
		int assessable = 0;
		for (int j = 0; j < s->nclauses; j++)
			if (!s->clauses[j].data || strcmp(s->clauses[j].data, "missing") != 0)
				assessable++;
		char v[3][16];
		snprintf(v[0], 16, "%d", s->nclauses);
		snprintf(v[1], 16, "%d", assessable);
		snprintf(v[2], 16, "%d", s->ndirect);
		const char *row[10] = {s->id,
				       s->name_zh,
				       s->name_en,
				       s->effective,
				       s->mode == CRITERIA_ALL ? "all" : "any",
				       v[0],
				       v[1],
				       s->score >= 0 ? "yes" : "no",
				       v[2],
				       s->source};
		cli_table_add(&t, row);
	}
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	return CLI_OK;
}

/* One clause's explanation as JSON. */
static json_t *clause_json(const struct criteria_clause_result *x)
{
	const struct criteria_clause *c = x->clause;
	json_t *o = json_object(), *parts = json_array();
	json_object_set_new(o, "id", json_string(c->id));
	json_object_set_new(o, "label_zh", json_string(c->label_zh));
	json_object_set_new(o, "label_en", json_string(c->label_en));
	json_object_set_new(o, "role", json_string(criteria_role_name(c->role)));
	json_object_set_new(o, "group", jstr_or_null(c->group));
	json_object_set_new(o, "kind",
			    json_string(c->kind == CRITERIA_SCORED  ? "scored"
					: c->kind == CRITERIA_INPUT ? "input"
								    : "condition"));
	json_object_set_new(o, "data", jstr_or_null(c->data));
	json_object_set_new(o, "result", json_string(criteria_truth_name(x->truth)));
	json_object_set_new(o, "relaxed", json_string(criteria_truth_name(x->relaxed)));
	json_object_set_new(o, "value", cc_json_num(x->value));
	json_object_set_new(o, "value_max", cc_json_num(x->value_max));
	json_object_set_new(o, "min", cc_json_num(c->min));
	json_object_set_new(o, "rel_gap", cc_json_num(x->rel_gap));
	json_object_set_new(o, "source", json_string(c->source));
	json_object_set_new(o, "note", jstr_or_null(c->note));
	for (int p = 0; p < x->nparts; p++) {
		const struct expr_clause_result *r = &x->parts[p];
		json_t *q = json_object();
		json_object_set_new(q, "text",
				    json_string(c->kind == CRITERIA_SCORED ? "points" : r->text));
		json_object_set_new(q, "value", cc_json_num(r->value));
		json_object_set_new(q, "op", json_string(expr_op_name(r->op)));
		json_object_set_new(q, "threshold", cc_json_num(r->threshold));
		json_object_set_new(q, "gap", cc_json_num(r->gap));
		json_object_set_new(q, "result", json_string(criteria_truth_name(r->truth)));
		json_array_append_new(parts, q);
	}
	json_object_set_new(o, "parts", parts);
	return o;
}

static json_t *set_json(const struct criteria_result *r)
{
	const struct criteria_set *s = r->set;
	json_t *o = json_object(), *cl = json_array();
	json_object_set_new(o, "id", json_string(s->id));
	json_object_set_new(o, "name_zh", json_string(s->name_zh));
	json_object_set_new(o, "name_en", json_string(s->name_en));
	json_object_set_new(o, "source", json_string(s->source));
	json_object_set_new(o, "effective", json_string(s->effective));
	json_object_set_new(o, "result", json_string(criteria_truth_name(r->truth)));
	json_object_set_new(o, "relaxed", json_string(criteria_truth_name(r->relaxed)));
	json_object_set_new(o, "near", json_boolean(r->near));
	json_object_set_new(o, "rel_gap", cc_json_num(r->rel_gap));
	if (s->score >= 0) {
		const struct criteria_clause_result *x = &r->clauses[s->score];
		json_t *sc = json_object();
		json_object_set_new(sc, "value", cc_json_num(x->value));
		json_object_set_new(sc, "max",
				    cc_json_num(isnan(x->value_max) ? x->value : x->value_max));
		json_object_set_new(sc, "min", cc_json_num(x->clause->min));
		json_object_set_new(sc, "result", json_string(criteria_truth_name(x->truth)));
		json_object_set_new(o, "score", sc);
	} else {
		json_object_set_new(o, "score", json_null());
	}
	for (int k = 0; k < r->nclauses; k++)
		json_array_append_new(cl, clause_json(&r->clauses[k]));
	json_object_set_new(o, "clauses", cl);
	return o;
}

/* The rows of one set's explanation (one per compared part; one for a clause without). */
static void set_rows(const struct criteria_result *r, struct cli_table *t)
{
	for (int k = 0; k < r->nclauses; k++) {
		const struct criteria_clause_result *x = &r->clauses[k];
		const struct criteria_clause *c = x->clause;
		char v[4][40];
		int np = x->nparts ? x->nparts : 1;
		for (int p = 0; p < np; p++) {
			const struct expr_clause_result *q = x->nparts ? &x->parts[p] : NULL;
			const char *text = q ? q->text : c->kind == CRITERIA_INPUT ? c->input : "";
			if (q && c->kind == CRITERIA_SCORED)
				text = "points (expr of the data file)";
			double value = q ? q->value : x->value;
			double thr = q ? q->threshold : c->min;
			double gap = q ? q->gap : (isnan(x->value) ? NAN : c->min - x->value);
			const char *op = q			     ? expr_op_name(q->op)
					 : c->kind == CRITERIA_INPUT ? ">="
								     : "";
			num(v[0], 40, value);
			num(v[1], 40, thr);
			num(v[2], 40, gap);
			num(v[3], 40, p == 0 ? x->rel_gap : NAN);
			const char *row[13] = {
				r->set->id,
				p == 0 ? c->id : "",
				p == 0 ? criteria_role_name(c->role) : "",
				p == 0 && c->group ? c->group : "",
				p == 0 ? c->label_zh : "",
				text,
				v[0],
				op,
				v[1],
				v[2],
				v[3],
				q ? criteria_truth_name(q->truth) : criteria_truth_name(x->truth),
				p == 0 ? (c->data && !strcmp(c->data, "missing")
						  ? "not assessable: data missing"
					  : c->data && !strcmp(c->data, "partial") ? "partial data"
					  : c->data && !strcmp(c->data, "input")   ? "analyst input"
										   : "")
				       : ""};
			cli_table_add(t, row);
		}
	}
}

static int crit_check(struct cli_ctx *ctx, struct crit_cli *c, const char *code, const char *mv)
{
	char uscc[19];
	struct cc_error err = {0};
	struct criteria_inputs in = {NAN};
	if (cc_uscc_validate(code, strlen(code), uscc, NULL, &err)) {
		cli_error("criteria check: '%s' is not a valid credit code: %s", code, err.msg);
		return CLI_USAGE;
	}
	if (mv) {
		char *end;
		in.market_value = strtod(mv, &end);
		if (end == mv || *end || !(in.market_value >= 0)) {
			cli_error("criteria check: --market-value is a number of 万元, not '%s'",
				  mv);
			return CLI_USAGE;
		}
	}
	int i = cc_frame_find(c->f, uscc);
	if (i < 0) {
		cli_error("criteria check: no enterprise with credit code %s", uscc);
		return CLI_FAIL;
	}
	struct criteria_result *r = malloc(sizeof *r);
	if (!r)
		return CLI_FAIL;
	static const char *const cols[] = {"set",      "clause", "role", "group",      "label",
					   "part",     "value#", "op",	 "threshold#", "gap#",
					   "rel_gap#", "result", "data"};
	struct cli_table t;
	json_t *sets = json_array();
	cli_table_init(&t, 13, cols);
	if (ctx->format == CLI_FMT_TABLE)
		printf("%s %s, year %d (near-miss margin %g)\n", uscc, c->f->name[i], c->year,
		       c->margin);
	for (int k = 0; k < c->cat->nsets; k++) {
		const struct criteria_set *s = &c->cat->sets[k];
		if (c->only && s != c->only)
			continue;
		criteria_eval_one(s, c->f, i, c->year, &in, c->margin, r);
		if (ctx->format == CLI_FMT_JSON) {
			json_array_append_new(sets, set_json(r));
		} else if (ctx->format == CLI_FMT_TABLE) {
			struct cli_table one;
			cli_table_init(&one, 13, cols);
			set_rows(r, &one);
			printf("\n%s %s — %s%s\n", s->name_zh, s->name_en,
			       criteria_truth_name(r->truth), r->near ? " (near miss)" : "");
			if (s->score >= 0) {
				const struct criteria_clause_result *x = &r->clauses[s->score];
				char lo[40], hi[40];
				num(lo, sizeof lo, x->value);
				num(hi, sizeof hi, isnan(x->value_max) ? x->value : x->value_max);
				printf("score %s to %s of %g needed\n", lo[0] ? lo : "unknown",
				       hi[0] ? hi : "unknown", x->clause->min);
			}
			cli_table_print(&one, stdout, ctx->format);
			cli_table_release(&one);
		} else {
			set_rows(r, &t);
		}
	}
	if (ctx->format == CLI_FMT_JSON) {
		json_t *o = json_object();
		json_object_set_new(o, "uscc", json_string(uscc));
		json_object_set_new(o, "name", json_string(c->f->name[i] ? c->f->name[i] : ""));
		json_object_set_new(o, "year", json_integer(c->year));
		json_object_set_new(o, "margin", json_real(c->margin));
		json_object_set_new(o, "market_value", cc_json_num(in.market_value));
		json_object_set_new(o, "sets", sets);
		sets = NULL;
		cc_jw_print_json(o, stdout);
		json_decref(o);
	} else if (ctx->format == CLI_FMT_CSV) {
		cli_table_print(&t, stdout, ctx->format);
	}
	json_decref(sets);
	cli_table_release(&t);
	free(r);
	return CLI_OK;
}

/* Marks in KEEP the enterprises of --region and --chain. Returns CLI_OK or an exit status. */
static int scope_filter(struct crit_cli *c, const char *region, const char *chain, uint8_t *keep)
{
	long div = 0, code = 0;
	int chain_index = -1;
	const struct cc_catalogue *cat = NULL;
	if (region) {
		size_t n = strlen(region);
		char *end;
		code = strtol(region, &end, 10);
		if ((n != 2 && n != 4 && n != 6) || *end || code <= 0) {
			cli_error("criteria scan: --region is a 2, 4 or 6 digit code, not '%s'",
				  region);
			return CLI_USAGE;
		}
		div = n == 2 ? 10000 : n == 4 ? 100 : 1;
	}
	if (chain) {
		struct cc_error err = {0};
		if (cc_codes_load(&err) || !(cat = cc_catalogue_get(&err))) {
			cli_error("criteria scan: %s", err.msg);
			return CLI_FAIL;
		}
		const struct cc_chain *ch = cc_chain_find(cat, chain);
		if (!ch) {
			cli_error("criteria scan: unknown chain '%s' (see 'chainchief chain list')",
				  chain);
			return CLI_FAIL;
		}
		chain_index = ch->index;
	}
	for (int i = 0; i < c->f->n; i++) {
		int ok = 1;
		if (div)
			ok = c->f->region[i] / div == code;
		if (ok && chain_index >= 0) {
			ok = 0;
			for (int m = c->f->member_start[i]; m < c->f->member_start[i + 1]; m++)
				if (cat->nodes[c->f->member_node[m]].chain == chain_index)
					ok = 1;
		}
		keep[i] = (uint8_t)ok;
	}
	return CLI_OK;
}

struct near_row {
	int ent, set;
	double gap;
	int relaxed;
};

static int cmp_near(const void *a, const void *b)
{
	const struct near_row *x = a, *y = b;
	if (x->gap != y->gap)
		return x->gap < y->gap ? -1 : 1;
	if (x->set != y->set)
		return x->set - y->set;
	return x->ent - y->ent;
}

/* "clause: value op threshold (gap 4.8%)" for each failed clause of R, into OUT. */
static void failed_text(const struct criteria_result *r, char *out, size_t n)
{
	size_t len = 0;
	out[0] = '\0';
	for (int k = 0; k < r->nclauses && len < n; k++) {
		const struct criteria_clause_result *x = &r->clauses[k];
		if (x->truth != EXPR_FALSE || isnan(x->rel_gap))
			continue;
		const struct expr_clause_result *q = NULL;
		for (int p = 0; p < x->nparts; p++)
			if (x->parts[p].truth == EXPR_FALSE && !q)
				q = &x->parts[p];
		int w;
		char qv[32], qt[32];
		if (q) {
			cc_num_format(q->value, 6, qv, sizeof qv);
			cc_num_format(q->threshold, 6, qt, sizeof qt);
		}
		if (q)
			w = snprintf(out + len, n - len, "%s%s: %s %s %s (%.1f%% short)",
				     len ? "; " : "", x->clause->id, qv, expr_op_name(q->op), qt,
				     x->rel_gap * 100);
		else
			w = snprintf(out + len, n - len, "%s%s (%.1f%% short)", len ? "; " : "",
				     x->clause->id, x->rel_gap * 100);
		if (w < 0)
			break;
		len += (size_t)w;
	}
}

static int crit_scan(struct cli_ctx *ctx, struct crit_cli *c, int near, const char *region,
		     const char *chain, long long limit)
{
	int n = c->f->n, rc = CLI_OK, nrows = 0, cap = 0;
	uint8_t *keep = malloc((size_t)n + 1), *st = malloc((size_t)n + 1),
		*rl = malloc((size_t)n + 1);
	struct near_row *rows = NULL;
	struct criteria_result *r = malloc(sizeof *r);
	struct cli_table t;
	struct cc_error err = {0};
	static const char *const pass_cols[] = {
		"uscc", "name", "region", "set", "set_name_zh=名称", "result"};
	static const char *const near_cols[] = {"uscc",	   "name",     "region", "set",
						"relaxed", "rel_gap#", "failed"};
	cli_table_init(&t, near ? 7 : 6, near ? near_cols : pass_cols);
	if (!keep || !st || !rl || !r) {
		rc = CLI_FAIL;
		goto out;
	}
	rc = scope_filter(c, region, chain, keep);
	if (rc)
		goto out;
	if (ctx->format == CLI_FMT_TABLE)
		printf("year %d, %s\n", c->year,
		       near ? "near misses" : "enterprises that meet a set");
	for (int k = 0; k < c->cat->nsets; k++) {
		const struct criteria_set *s = &c->cat->sets[k];
		if (c->only && s != c->only)
			continue;
		if (criteria_eval_column(s, c->f, c->year, c->margin, st, rl, &err)) {
			cli_error("criteria scan: %s", err.msg);
			rc = CLI_FAIL;
			goto out;
		}
		int count[3] = {0, 0, 0}, nnear = 0;
		for (int i = 0; i < n; i++) {
			if (!keep[i])
				continue;
			count[st[i]]++;
			if (st[i] != EXPR_FALSE || rl[i] == EXPR_FALSE)
				continue;
			nnear++;
			if (!near)
				continue;
			criteria_eval_one(s, c->f, i, c->year, NULL, c->margin, r);
			if (!r->near)
				continue; /* cannot happen: column and one agree */
			if (nrows == cap) {
				int nc = cap ? cap * 2 : 256;
				struct near_row *g = realloc(rows, sizeof *g * (size_t)nc);
				if (!g) {
					rc = CLI_FAIL;
					goto out;
				}
				rows = g;
				cap = nc;
			}
			rows[nrows++] = (struct near_row){i, k, r->rel_gap, r->relaxed};
		}
		if (ctx->format == CLI_FMT_TABLE)
			fprintf(stdout, "  %-16s pass %d, unknown %d, fail %d (near misses %d)\n",
				s->id, count[EXPR_TRUE], count[EXPR_UNKNOWN], count[EXPR_FALSE],
				nnear);
		if (near)
			continue;
		for (int i = 0; i < n && t.nrows < (size_t)limit; i++) {
			if (!keep[i] || st[i] != EXPR_TRUE)
				continue;
			char reg[16];
			snprintf(reg, sizeof reg, "%06d", (int)c->f->region[i]);
			const char *row[6] = {c->f->uscc[i], c->f->name[i], reg,
					      s->id,	     s->name_zh,    "pass"};
			cli_table_add(&t, row);
		}
	}
	if (near) {
		qsort(rows, (size_t)nrows, sizeof *rows, cmp_near);
		for (int j = 0; j < nrows && j < limit; j++) {
			const struct criteria_set *s = &c->cat->sets[rows[j].set];
			int i = rows[j].ent;
			char reg[16], gap[40], failed[1024];
			criteria_eval_one(s, c->f, i, c->year, NULL, c->margin, r);
			failed_text(r, failed, sizeof failed);
			snprintf(reg, sizeof reg, "%06d", (int)c->f->region[i]);
			num(gap, sizeof gap, rows[j].gap);
			const char *row[7] = {c->f->uscc[i],
					      c->f->name[i],
					      reg,
					      s->id,
					      criteria_truth_name(rows[j].relaxed),
					      gap,
					      failed};
			cli_table_add(&t, row);
		}
	}
	if (ctx->format == CLI_FMT_TABLE)
		putchar('\n');
	cli_table_print(&t, stdout, ctx->format);
out:
	cli_table_release(&t);
	free(keep);
	free(st);
	free(rl);
	free(rows);
	free(r);
	return rc;
}

/* Options: 0 set, 1 year, 2 margin, 3 near, 4 region, 5 chain, 6 limit, 7 market-value. */
static int sub_list(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct crit_cli c;
	int rc = crit_cli_open(ctx, val[0], NULL, NULL, 0, &c);
	(void)args;
	(void)nargs;
	if (rc == CLI_OK)
		rc = crit_list(ctx, &c);
	crit_cli_release(&c);
	return rc;
}

static int sub_check(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct crit_cli c;
	int rc = crit_cli_open(ctx, val[0], val[1], val[2], 1, &c);
	(void)nargs;
	if (rc == CLI_OK)
		rc = crit_check(ctx, &c, args[0], val[7]);
	crit_cli_release(&c);
	return rc;
}

static int sub_scan(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct crit_cli c;
	long long limit = 100;
	int rc;
	(void)args;
	(void)nargs;
	if (val[6] && (limit = cli_int_option("limit", val[6], 1, 100000000)) < 0)
		return CLI_USAGE;
	rc = crit_cli_open(ctx, val[0], val[1], val[2], 1, &c);
	if (rc == CLI_OK)
		rc = crit_scan(ctx, &c, val[3] != NULL, val[4], val[5], limit);
	crit_cli_release(&c);
	return rc;
}

#define SCAN_OPTS                                                                                  \
	(CLI_OPT(0) | CLI_OPT(1) | CLI_OPT(2) | CLI_OPT(3) | CLI_OPT(4) | CLI_OPT(5) | CLI_OPT(6))
static const struct cli_sub criteria_subs[] = {
	{"", sub_list, 0, 0, CLI_OPT(0), "[--set ID]"},
	{"list", sub_list, 0, 0, CLI_OPT(0), "list [--set ID]"},
	{"check", sub_check, 1, 1, CLI_OPT(0) | CLI_OPT(1) | CLI_OPT(2) | CLI_OPT(7),
	 "check USCC [--set ID] [--year Y] [--market-value N] [--margin 0.1]"},
	{"scan", sub_scan, 0, 0, SCAN_OPTS,
	 "scan [--set ID] [--year Y] [--margin 0.1] [--near] [--region CODE] [--chain ID] "
	 "[--limit N]"},
	{NULL, NULL, 0, 0, 0, NULL},
};

int cmd_criteria(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct cli_option opts[] = {{"set", 1},   {"year", 1},	    {"margin", 1},
						 {"near", 0},  {"region", 1},	    {"chain", 1},
						 {"limit", 1}, {"market-value", 1}, {NULL, 0}};
	return cli_dispatch(ctx, cli_find("criteria"), criteria_subs, opts, argc, argv);
}
