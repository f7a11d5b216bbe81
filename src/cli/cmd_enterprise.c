/*
 * `chainchief enterprise list|show`: registry search and one enterprise's profile.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/parse.h"
#include "cli/commands.h"
#include "domain/codes.h"
#include "domain/derive.h"
#include "domain/metric.h"
#include "domain/uscc.h"
#include "io/export.h"

static int enterprise_list(struct cli_ctx *ctx, const char **val)
{
	struct cc_buf sql = CC_BUF_INIT(4096);
	struct cc_stmt *s = NULL;
	struct cc_error err = {0};
	int rc = CLI_OK, k = 1;
	long long limit = 20;
	if (val[4]) {
		limit = cli_int_option("limit", val[4], 1, 1000000);
		if (limit < 0)
			return CLI_USAGE;
	}
	cc_buf_puts(&sql,
		    "SELECT e.uscc, e.name, e.region, e.industry, e.scale, e.listed, e.certs, "
		    "(SELECT i.revenue FROM indicators i WHERE i.enterprise_id = e.id AND "
		    "i.period % 100 = 0 ORDER BY i.period DESC LIMIT 1) FROM enterprises e "
		    "WHERE 1");
	if (val[0])
		cc_buf_printf(&sql, " AND e.name LIKE '%%' || ?%d || '%%'", k++);
	if (val[1]) {
		long long region = 0;
		if (cc_codes_load(&err)) {
			cli_error("enterprise: %s", err.msg);
			rc = CLI_FAIL;
			goto out;
		}
		/* 50 and 5001 are short for 500000 and 500100, as in `criteria scan`. */
		size_t len = strlen(val[1]);
		int bad = cc_parse_int64(val[1], len, &region) || region <= 0;
		if (!bad && (len == 2 || len == 4))
			region *= len == 2 ? 10000 : 100;
		if (bad || region > 999999 || !cc_region_find((int)region)) {
			cli_error("enterprise: --region: '%s' is not a GB/T 2260 region code (e.g. "
				  "500000, or 50; 510100, or 5101; 500112)",
				  val[1]);
			rc = CLI_USAGE;
			goto out;
		}
		cc_region_sql(&sql, "e.region", (int)region);
	}
	if (val[2])
		cc_buf_printf(&sql, " AND e.industry LIKE ?%d || '%%'", k++);
	if (val[3])
		cc_buf_printf(&sql,
			      " AND EXISTS (SELECT 1 FROM chain_members m WHERE "
			      "m.enterprise_id = e.id AND m.chain = ?%d)",
			      k++);
	cc_buf_printf(&sql, " ORDER BY e.uscc LIMIT %lld", limit);
	if ((rc = cli_open_store(ctx, 0)))
		goto out;
	if (cc_stmt_prepare(ctx->store, &s, cc_buf_str(&sql), &err)) {
		cli_error("enterprise: %s", err.msg);
		rc = CLI_FAIL;
		goto out;
	}
	k = 1;
	for (int i = 0; i < 4; i++)
		if (val[i] && i != 1)
			cc_stmt_bind_text(s, k++, val[i], strlen(val[i]));
	static const char *const cols[] = {"uscc",  "name",   "region", "industry",
					   "scale", "listed", "certs",	"revenue#"};
	struct cli_table t;
	cli_table_init(&t, 8, cols);
	int step;
	while ((step = cc_stmt_step(s, &err)) == 1) {
		const char *v[8];
		char rev[40] = "";
		for (int i = 0; i < 7; i++)
			v[i] = cc_stmt_is_null(s, i) ? NULL : cc_stmt_text(s, i);
		if (!cc_stmt_is_null(s, 7))
			cc_format_double(cc_stmt_double(s, 7), rev, sizeof rev);
		v[7] = rev;
		cli_table_add(&t, v);
	}
	if (step < 0) {
		cli_error("enterprise: %s", err.msg);
		rc = CLI_FAIL;
	} else {
		cli_table_print(&t, stdout, ctx->format);
	}
	cli_table_release(&t);
out:
	cc_stmt_free(s);
	cc_buf_release(&sql);
	return rc;
}

static int enterprise_show(struct cli_ctx *ctx, const char *code)
{
	char uscc[19], num[40];
	struct cc_error err = {0};
	struct cc_stmt *s = NULL;
	int rc;
	if (cc_uscc_validate(code, strlen(code), uscc, NULL, &err)) {
		cli_error("enterprise: '%s' is not a valid credit code: %s", code, err.msg);
		return CLI_USAGE;
	}
	if ((rc = cli_open_store(ctx, 0)))
		return rc;
	cc_codes_load(&err);
	rc = cc_stmt_prepare(
		ctx->store, &s,
		"SELECT id, uscc, name, region, industry, founded, scale, listed, certs "
		"FROM enterprises WHERE uscc = ?1",
		&err);
	if (rc) {
		cli_error("enterprise: %s", err.msg);
		return CLI_FAIL;
	}
	cc_stmt_bind_text(s, 1, uscc, 18);
	if (cc_stmt_step(s, &err) != 1) {
		cc_stmt_free(s);
		cli_error("enterprise: no enterprise with credit code %s", uscc);
		return CLI_FAIL;
	}
	int64_t id = cc_stmt_int64(s, 0);
	char rname[256];
	cc_region_fullname((int)cc_stmt_int64(s, 3), rname, sizeof rname);
	static const char *const fields[] = {"id",	"uscc",	 "name",   "region", "industry",
					     "founded", "scale", "listed", "certs"};
	struct cc_buf json = CC_BUF_INIT(1 << 24);
	struct cli_table rec;
	static const char *const rcols[] = {"field", "value"};
	cli_table_init(&rec, 2, rcols);
	cc_buf_puts(&json, "{");
	for (int i = 1; i < 9; i++) {
		const char *v = cc_stmt_is_null(s, i) ? NULL : cc_stmt_text(s, i);
		const char *row[2] = {fields[i], v};
		cli_table_add(&rec, row);
		cc_buf_printf(&json, "%s\"%s\":", i > 1 ? "," : "", fields[i]);
		if (i == 3)
			cc_buf_printf(&json, "%s", v);
		else if (v)
			cc_buf_json_str(&json, v, strlen(v));
		else
			cc_buf_puts(&json, "null");
	}
	const char *rrow[2] = {"region_name", rname};
	cli_table_add(&rec, rrow);
	cc_buf_puts(&json, ",\"region_name\":");
	cc_buf_json_str(&json, rname, strlen(rname));
	cc_stmt_free(s);
	s = NULL;

	/* Chain memberships. */
	cc_buf_puts(&json, ",\"chains\":[");
	rc = cc_stmt_prepare(ctx->store, &s,
			     "SELECT chain, node, role, product FROM chain_members WHERE "
			     "enterprise_id = ?1 ORDER BY chain, node",
			     &err);
	if (rc == 0) {
		cc_stmt_bind_int64(s, 1, id);
		int first = 1;
		while (cc_stmt_step(s, &err) == 1) {
			char line[512];
			snprintf(line, sizeof line, "%s.%s (%s)", cc_stmt_text(s, 0),
				 cc_stmt_text(s, 1), cc_stmt_text(s, 2));
			const char *row[2] = {"chain", line};
			cli_table_add(&rec, row);
			cc_buf_printf(&json, "%s{\"chain\":", first ? "" : ",");
			cc_buf_json_str(&json, cc_stmt_text(s, 0), cc_stmt_bytes(s, 0));
			cc_buf_puts(&json, ",\"node\":");
			cc_buf_json_str(&json, cc_stmt_text(s, 1), cc_stmt_bytes(s, 1));
			cc_buf_puts(&json, ",\"role\":");
			cc_buf_json_str(&json, cc_stmt_text(s, 2), cc_stmt_bytes(s, 2));
			cc_buf_puts(&json, "}");
			first = 0;
		}
	}
	cc_stmt_free(s);
	s = NULL;
	cc_buf_puts(&json, "],\"annual\":[");

	/* Annual indicators with derived metrics, oldest first. */
	struct cc_buf sql = CC_BUF_INIT(4096);
	cc_buf_puts(&sql, "SELECT period");
	for (int m = 0; m < CC_M_BASE_COUNT; m++)
		cc_buf_printf(&sql, ", %s", cc_metric_get(m)->key);
	cc_buf_puts(&sql, " FROM indicators WHERE enterprise_id = ?1 AND period % 100 = 0 "
			  "ORDER BY period");
	rc = cc_stmt_prepare(ctx->store, &s, cc_buf_str(&sql), &err);
	cc_buf_release(&sql);
	double rows[64][CC_M_COUNT];
	int years[64], ny = 0;
	if (rc == 0) {
		cc_stmt_bind_int64(s, 1, id);
		while (ny < 64 && cc_stmt_step(s, &err) == 1) {
			years[ny] = (int)(cc_stmt_int64(s, 0) / 100);
			for (int m = 0; m < CC_M_BASE_COUNT; m++)
				rows[ny][m] =
					cc_stmt_is_null(s, m + 1) ? NAN : cc_stmt_double(s, m + 1);
			ny++;
		}
	}
	cc_stmt_free(s);
	for (int y = 0; y < ny; y++) {
		const double *prev = NULL, *prev3 = NULL;
		for (int k = 0; k < y; k++) {
			if (years[k] == years[y] - 1)
				prev = rows[k];
			if (years[k] == years[y] - 3)
				prev3 = rows[k];
		}
		cc_derive(rows[y], prev, prev3, rows[y]);
		cc_buf_printf(&json, "%s{\"year\":%d", y ? "," : "", years[y]);
		for (int m = 0; m < CC_M_COUNT; m++) {
			if (isnan(rows[y][m]))
				cc_buf_printf(&json, ",\"%s\":null", cc_metric_get(m)->key);
			else
				cc_buf_printf(&json, ",\"%s\":%.10g", cc_metric_get(m)->key,
					      rows[y][m]);
		}
		cc_buf_puts(&json, "}");
	}
	cc_buf_puts(&json, "]}\n");
	if (ctx->format == CLI_FMT_JSON) {
		fputs(cc_buf_str(&json), stdout);
	} else {
		cli_table_print(&rec, stdout, ctx->format);
		/* Indicators: one row per metric, one column per year. */
		const char *cols[66];
		char yl[64][8];
		cols[0] = "metric";
		cols[1] = "name_zh=指标";
		for (int y = 0; y < ny; y++) {
			snprintf(yl[y], sizeof yl[y], "%d#", years[y]);
			cols[2 + y] = yl[y];
		}
		struct cli_table t;
		cli_table_init(&t, (size_t)(2 + ny), cols);
		for (int m = 0; m < CC_M_COUNT; m++) {
			const char *v[66];
			char cells[64][40];
			const struct cc_metric *mt = cc_metric_get(m);
			v[0] = mt->key;
			v[1] = mt->name_zh;
			for (int y = 0; y < ny; y++) {
				if (isnan(rows[y][m]))
					cells[y][0] = '\0';
				else if (!strcmp(mt->unit, "ratio"))
					snprintf(cells[y], sizeof cells[y], "%.2f%%",
						 rows[y][m] * 100);
				else
					snprintf(cells[y], sizeof cells[y], "%.2f", rows[y][m]);
				v[2 + y] = cells[y];
			}
			cli_table_add(&t, v);
		}
		if (ctx->format == CLI_FMT_TABLE)
			putchar('\n');
		cli_table_print(&t, stdout, ctx->format);
		cli_table_release(&t);
	}
	(void)num;
	cli_table_release(&rec);
	cc_buf_release(&json);
	return CLI_OK;
}

static int sub_list(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)args;
	(void)nargs;
	return enterprise_list(ctx, val);
}

static int sub_show(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)val;
	(void)nargs;
	return enterprise_show(ctx, args[0]);
}

static const struct cli_sub enterprise_subs[] = {
	{"list", sub_list, 0, 0, CLI_OPT(0) | CLI_OPT(1) | CLI_OPT(2) | CLI_OPT(3) | CLI_OPT(4),
	 "list [--name S] [--region R] [--industry C] [--chain C] [--limit N]"},
	{"show", sub_show, 1, 1, 0, "show USCC"},
	{NULL, NULL, 0, 0, 0, NULL},
};

int cmd_enterprise(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct cli_option opts[] = {{"name", 1},  {"region", 1}, {"industry", 1},
						 {"chain", 1}, {"limit", 1},  {NULL, 0}};
	return cli_dispatch(ctx, cli_find("enterprise"), enterprise_subs, opts, argc, argv);
}
