/*
 * `chainchief enterprise list|show`: registry search and one enterprise's profile. The list is
 * the API's enterprise search (frame/search.h) over a frame of the store, its options the
 * same query fields as GET /api/v1/enterprises' parameters; show reads the store.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/parse.h"
#include "cli/commands.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "domain/derive.h"
#include "domain/metric.h"
#include "domain/uscc.h"
#include "frame/frame.h"
#include "frame/search.h"
#include "io/export.h"

enum {
	O_NAME,
	O_REGION,
	O_INDUSTRY,
	O_CHAIN,
	O_LIMIT,
	O_NODE,
	O_CERT,
	O_LISTED,
	O_SCALE,
	O_USCC,
	O_SORT,
	O_ORDER,
	O_YEAR,
	O_OFFSET,
	O_COUNT
};

/*
 * Fills Q from the options in VAL but the year, which needs the frame (CAT is the catalogue,
 * CANON room for a credit code). Returns CLI_OK, or CLI_USAGE after saying which value is
 * wrong.
 */
static int list_query(const char **val, const struct cc_catalogue *cat,
		      struct cc_enterprise_query *q, char *canon)
{
	struct cc_error err = {0};
	int rc = CLI_OK;
	q->name = val[O_NAME];
	q->industry = val[O_INDUSTRY];
	q->limit = 20;
	if (val[O_LIMIT] && (q->limit = cli_int_option("limit", val[O_LIMIT], 1, 1000000)) < 0)
		return CLI_USAGE;
	if (val[O_OFFSET] &&
	    (q->offset = cli_int_option("offset", val[O_OFFSET], 0, 100000000)) < 0)
		return CLI_USAGE;
	if (val[O_REGION]) {
		/* 50 and 5001 are short for 500000 and 500100, as in `criteria scan`. */
		long long region = 0;
		size_t len = strlen(val[O_REGION]);
		int bad = cc_parse_int64(val[O_REGION], len, &region) || region <= 0;
		if (!bad && (len == 2 || len == 4))
			region *= len == 2 ? 10000 : 100;
		if (bad || region > 999999 || !cc_region_find((int)region)) {
			cli_error("enterprise: --region: '%s' is not a GB/T 2260 region code (e.g. "
				  "500000, or 50; 510100, or 5101; 500112)",
				  val[O_REGION]);
			return CLI_USAGE;
		}
		q->region = (int)region;
	}
	if (val[O_CHAIN]) {
		const struct cc_chain *ch = cc_chain_find(cat, val[O_CHAIN]);
		if (!ch) {
			cli_error("enterprise: --chain: unknown chain '%s' (see 'chainchief chain "
				  "list')",
				  val[O_CHAIN]);
			return CLI_USAGE;
		}
		q->chain = ch->index;
	}
	if (val[O_NODE]) {
		const struct cc_node *nd = cc_node_resolve(cat, val[O_NODE], val[O_CHAIN], &err);
		if (!nd) {
			cli_error("enterprise: --node: %s", err.msg);
			return CLI_USAGE;
		}
		q->node = nd->index;
	}
	struct {
		int opt, *field;
		const char *const *words;
		int n;
		const char *say;
	} codes[] = {
		{O_CERT, &q->cert, cc_cert_words, CC_CERT_WORDS,
		 "hightech, tech_sme, srdi, srdi_giant or innovative_sme"},
		{O_LISTED, &q->listed, cc_listed_words, CC_LISTED_WORDS,
		 "none, main, star, gem, bse or neeq"},
		{O_SCALE, &q->scale, cc_scale_words, CC_SCALE_WORDS,
		 "large, medium, small or micro"},
	};
	for (size_t k = 0; rc == CLI_OK && k < sizeof codes / sizeof codes[0]; k++) {
		const char *v = val[codes[k].opt];
		if (v &&
		    (*codes[k].field = cc_enterprise_word(v, codes[k].words, codes[k].n)) < 0) {
			cli_error("enterprise: '%s' is not one of %s", v, codes[k].say);
			rc = CLI_USAGE;
		}
	}
	if (rc)
		return rc;
	if (val[O_USCC]) {
		if (cc_uscc_validate(val[O_USCC], strlen(val[O_USCC]), canon, NULL, &err)) {
			cli_error("enterprise: --uscc: '%s' is not a valid credit code: %s",
				  val[O_USCC], err.msg);
			return CLI_USAGE;
		}
		q->uscc = canon;
	}
	const char *sort = val[O_SORT], *order = val[O_ORDER];
	if (sort) {
		const struct cc_metric *m = cc_metric_find(sort);
		if (m) {
			q->sort = CC_ENTERPRISE_BY_METRIC;
			q->metric = m->id;
		} else if (strcmp(sort, "name") == 0) {
			q->sort = CC_ENTERPRISE_BY_NAME;
		} else if (strcmp(sort, "uscc") != 0) {
			cli_error("enterprise: --sort: cannot sort by '%s' (a metric id, name or "
				  "uscc; see 'chainchief metrics')",
				  sort);
			return CLI_USAGE;
		}
		q->desc = m != NULL;
	}
	if (order) {
		if (strcmp(order, "asc") != 0 && strcmp(order, "desc") != 0) {
			cli_error("enterprise: --order must be asc or desc, not '%s'", order);
			return CLI_USAGE;
		}
		q->desc = strcmp(order, "desc") == 0;
	}
	return CLI_OK;
}

/*
 * The revenue column of enterprise I: of YEAR when given, else of its latest year holding
 * any indicator (as the registry's latest annual row). Writes "" when unknown.
 */
static void revenue_cell(const struct cc_frame *f, int i, int year, char *out, size_t cap)
{
	double v = NAN;
	if (year) {
		const double *col = cc_frame_annual(f, CC_M_REVENUE, year);
		v = col ? col[i] : NAN;
	} else {
		int found = 0;
		for (int y = f->nyears - 1; y >= 0 && !found; y--) {
			size_t at = (size_t)y * (size_t)f->n + (size_t)i;
			for (int m = 0; m < CC_M_BASE_COUNT && !found; m++)
				found = !isnan(f->annual[m][at]);
			if (found)
				v = f->annual[CC_M_REVENUE][at];
		}
	}
	out[0] = '\0';
	if (!isnan(v))
		cc_num_format(v, CC_NUM_EXACT, out, cap);
}

/*
 * The revenue column of the enterprise USCC read from the store: of its latest annual row
 * (revenue_cell's rule for a frame without indicators). Writes "" when unknown. Returns 0 or
 * a negative CC_E*.
 */
static int stored_revenue(struct cc_store *st, const char *uscc, char *out, size_t cap,
			  struct cc_error *err)
{
	static const char sql[] =
		"SELECT i.revenue FROM indicators i JOIN enterprises e ON e.id = i.enterprise_id "
		"WHERE e.uscc = ?1 AND i.period % 100 = 0 ORDER BY i.period DESC LIMIT 1";
	struct cc_stmt *s = cc_stmt_cached(st, sql, err);
	out[0] = '\0';
	if (!s)
		return CC_EDB;
	cc_stmt_bind_text(s, 1, uscc, strlen(uscc));
	int rc = cc_stmt_step(s, err);
	if (rc == 1 && !cc_stmt_is_null(s, 0))
		cc_num_format(cc_stmt_double(s, 0), CC_NUM_EXACT, out, cap); /* as revenue_cell */
	cc_stmt_reset(s);
	return rc < 0 ? rc : 0;
}

/* `enterprise list`: the search engine of the API's enterprise list (frame/search.h) over a
 * frame of the store, printed as the registry's columns. */
static int enterprise_list(struct cli_ctx *ctx, const char **val)
{
	struct cc_error err = {0};
	struct cc_frame *f = NULL;
	struct cc_enterprise_query q;
	struct cc_enterprise_page page = {0};
	struct cli_table t;
	char canon[19];
	int rc = CLI_OK;
	static const char *const cols[] = {"uscc",  "name",   "region", "industry",
					   "scale", "listed", "certs",	"revenue#"};
	cli_table_init(&t, 8, cols);
	cc_enterprise_query_init(&q);
	const struct cc_catalogue *cat = NULL;
	if (cc_codes_load(&err) || !(cat = cc_catalogue_get(&err))) {
		cli_error("enterprise: %s", err.msg);
		rc = CLI_FAIL;
		goto out;
	}
	/* Every option but the year is checked before the store is opened. */
	rc = list_query(val, cat, &q, canon);
	if (rc == CLI_OK)
		rc = cli_open_store(ctx, 0);
	if (rc)
		goto out;
	/* The search reads the registry and memberships, and indicators only for a metric sort
	 * or a given year: without those, a frame of the registry alone (no indicators, no
	 * edges: at 200,000 firms 0.5 s instead of 2.9 s), the revenue column read from the
	 * store for the printed rows only. */
	int with_indicators = q.sort == CC_ENTERPRISE_BY_METRIC || val[O_YEAR];
	if (cc_frame_build(ctx->store, with_indicators ? CC_FRAME_NO_SUPPLY : CC_FRAME_REGISTRY, &f,
			   &err)) {
		cli_error("enterprise: %s", err.msg);
		rc = CLI_FAIL;
		goto out;
	}
	/* The year of a metric sort and of the revenue column: --year when the frame holds
	 * it, else the latest (as the API's year). */
	q.year = cc_frame_latest_year(f);
	if (val[O_YEAR]) {
		long long year = cli_int_option("year", val[O_YEAR], 1900, 2200);
		if (year < 0 || !cc_frame_annual(f, 0, (int)year)) {
			if (year >= 0)
				cli_error("enterprise: --year: no data for year %lld", year);
			rc = CLI_USAGE;
			goto out;
		}
		q.year = (int)year;
	}
	if (cc_enterprise_search(f, &q, &page, &err)) {
		cli_error("enterprise: %s", err.msg);
		rc = CLI_FAIL;
		goto out;
	}
	for (int k = 0; k < page.nrows; k++) {
		int i = page.rows[k];
		char region[16], certs[128] = "", revenue[40];
		snprintf(region, sizeof region, "%d", (int)f->region[i]);
		size_t used = 0;
		for (int c = 0; c < CC_CERT_WORDS; c++)
			if (f->certs[i] & (1 << c))
				used += (size_t)snprintf(certs + used, sizeof certs - used, "%s%s",
							 used ? ";" : "", cc_cert_words[c]);
		if (with_indicators)
			revenue_cell(f, i, val[O_YEAR] ? q.year : 0, revenue, sizeof revenue);
		else if (stored_revenue(ctx->store, f->uscc[i], revenue, sizeof revenue, &err)) {
			cli_error("enterprise: %s", err.msg);
			rc = CLI_FAIL;
			goto out;
		}
		const char *v[8] = {f->uscc[i],
				    f->name[i],
				    region,
				    f->industry[i],
				    cc_scale_words[f->scale[i]],
				    cc_listed_words[f->listed[i]],
				    used ? certs : NULL,
				    revenue};
		cli_table_add(&t, v);
	}
	cli_table_print(&t, stdout, ctx->format);
out:
	cc_enterprise_page_release(&page);
	cli_table_release(&t);
	cc_frame_release(f);
	return rc;
}

/* An enterprise's annual indicators, oldest first, with the derived metrics. */
struct show_years {
	int n;
	int year[64];
	double v[64][CC_M_COUNT];
};

/*
 * Looks up USCC in ST: the registry fields go to REC (one row each, then region_name) and
 * open the JSON object in JSON; *ID is the enterprise's store id. Returns CLI_OK, or CLI_FAIL
 * after saying why.
 */
static int show_record(struct cc_store *st, const char *uscc, int64_t *id, struct cli_table *rec,
		       struct cc_buf *json, struct cc_error *err)
{
	static const char *const fields[] = {"id",	"uscc",	 "name",   "region", "industry",
					     "founded", "scale", "listed", "certs"};
	struct cc_stmt *s = NULL;
	int rc = CLI_OK;
	if (cc_stmt_prepare(
		    st, &s,
		    "SELECT id, uscc, name, region, industry, founded, scale, listed, certs "
		    "FROM enterprises WHERE uscc = ?1",
		    err)) {
		cli_error("enterprise: %s", err->msg);
		rc = CLI_FAIL;
		goto out;
	}
	cc_stmt_bind_text(s, 1, uscc, 18);
	if (cc_stmt_step(s, err) != 1) {
		cli_error("enterprise: no enterprise with credit code %s", uscc);
		rc = CLI_FAIL;
		goto out;
	}
	*id = cc_stmt_int64(s, 0);
	char rname[256];
	cc_region_fullname((int)cc_stmt_int64(s, 3), rname, sizeof rname);
	cc_buf_puts(json, "{");
	for (int i = 1; i < 9; i++) {
		const char *v = cc_stmt_is_null(s, i) ? NULL : cc_stmt_text(s, i);
		const char *row[2] = {fields[i], v};
		cli_table_add(rec, row);
		cc_buf_printf(json, "%s\"%s\":", i > 1 ? "," : "", fields[i]);
		if (i == 3)
			cc_buf_printf(json, "%s", v);
		else if (v)
			cc_buf_json_str(json, v, strlen(v));
		else
			cc_buf_puts(json, "null");
	}
	const char *rrow[2] = {"region_name", rname};
	cli_table_add(rec, rrow);
	cc_buf_puts(json, ",\"region_name\":");
	cc_buf_json_str(json, rname, strlen(rname));
out:
	cc_stmt_free(s);
	return rc;
}

/* The chain memberships of enterprise ID: a row each in REC ("chain.node (role)") and the
 * "chains" array in JSON. A query that fails leaves the list empty. */
static void show_chains(struct cc_store *st, int64_t id, struct cli_table *rec, struct cc_buf *json,
			struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	cc_buf_puts(json, ",\"chains\":[");
	if (cc_stmt_prepare(st, &s,
			    "SELECT chain, node, role, product FROM chain_members WHERE "
			    "enterprise_id = ?1 ORDER BY chain, node",
			    err))
		goto out;
	cc_stmt_bind_int64(s, 1, id);
	int first = 1;
	while (cc_stmt_step(s, err) == 1) {
		char line[512];
		snprintf(line, sizeof line, "%s.%s (%s)", cc_stmt_text(s, 0), cc_stmt_text(s, 1),
			 cc_stmt_text(s, 2));
		const char *row[2] = {"chain", line};
		cli_table_add(rec, row);
		cc_buf_printf(json, "%s{\"chain\":", first ? "" : ",");
		cc_buf_json_str(json, cc_stmt_text(s, 0), cc_stmt_bytes(s, 0));
		cc_buf_puts(json, ",\"node\":");
		cc_buf_json_str(json, cc_stmt_text(s, 1), cc_stmt_bytes(s, 1));
		cc_buf_puts(json, ",\"role\":");
		cc_buf_json_str(json, cc_stmt_text(s, 2), cc_stmt_bytes(s, 2));
		cc_buf_puts(json, "}");
		first = 0;
	}
out:
	cc_buf_puts(json, "]");
	cc_stmt_free(s);
}

/* Reads the annual indicators of enterprise ID (at most 64 years) into YS and derives the
 * other metrics, each year from those before it. A query that fails leaves YS empty. */
static void show_years_read(struct cc_store *st, int64_t id, struct show_years *ys,
			    struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	struct cc_buf sql = CC_BUF_INIT(4096);
	ys->n = 0;
	cc_buf_puts(&sql, "SELECT period");
	for (int m = 0; m < CC_M_BASE_COUNT; m++)
		cc_buf_printf(&sql, ", %s", cc_metric_get(m)->key);
	cc_buf_puts(&sql, " FROM indicators WHERE enterprise_id = ?1 AND period % 100 = 0 "
			  "ORDER BY period");
	int rc = cc_stmt_prepare(st, &s, cc_buf_str(&sql), err);
	cc_buf_release(&sql);
	if (rc)
		goto out;
	cc_stmt_bind_int64(s, 1, id);
	while (ys->n < 64 && cc_stmt_step(s, err) == 1) {
		ys->year[ys->n] = (int)(cc_stmt_int64(s, 0) / 100);
		for (int m = 0; m < CC_M_BASE_COUNT; m++)
			ys->v[ys->n][m] =
				cc_stmt_is_null(s, m + 1) ? NAN : cc_stmt_double(s, m + 1);
		ys->n++;
	}
	for (int y = 0; y < ys->n; y++) {
		const double *prev = NULL, *prev3 = NULL;
		for (int k = 0; k < y; k++) {
			if (ys->year[k] == ys->year[y] - 1)
				prev = ys->v[k];
			if (ys->year[k] == ys->year[y] - 3)
				prev3 = ys->v[k];
		}
		cc_derive(ys->v[y], prev, prev3, ys->v[y]);
	}
out:
	cc_stmt_free(s);
}

/* Appends the "annual" array of YS to JSON and closes the object. */
static void show_years_json(const struct show_years *ys, struct cc_buf *json)
{
	cc_buf_puts(json, ",\"annual\":[");
	for (int y = 0; y < ys->n; y++) {
		cc_buf_printf(json, "%s{\"year\":%d", y ? "," : "", ys->year[y]);
		for (int m = 0; m < CC_M_COUNT; m++) {
			cc_buf_printf(json, ",\"%s\":", cc_metric_get(m)->key);
			cc_buf_num(json, ys->v[y][m]); /* null when unknown */
		}
		cc_buf_puts(json, "}");
	}
	cc_buf_puts(json, "]}\n");
}

/* Prints YS as a table in FORMAT (enum cli_format_t): one row per metric, one column per year,
 * ratios as percentages; in the table format a blank line first. */
static void show_years_print(const struct show_years *ys, int format)
{
	const char *cols[66];
	char yl[64][8];
	cols[0] = "metric";
	cols[1] = "name_zh=指标";
	for (int y = 0; y < ys->n; y++) {
		snprintf(yl[y], sizeof yl[y], "%d#", ys->year[y]);
		cols[2 + y] = yl[y];
	}
	struct cli_table t;
	cli_table_init(&t, (size_t)(2 + ys->n), cols);
	for (int m = 0; m < CC_M_COUNT; m++) {
		const char *v[66];
		char cells[64][40];
		const struct cc_metric *mt = cc_metric_get(m);
		v[0] = mt->key;
		v[1] = mt->name_zh;
		for (int y = 0; y < ys->n; y++) {
			double x = ys->v[y][m];
			if (isnan(x))
				cells[y][0] = '\0';
			else if (!strcmp(mt->unit, "ratio"))
				snprintf(cells[y], sizeof cells[y], "%.2f%%", x * 100);
			else
				snprintf(cells[y], sizeof cells[y], "%.2f", x);
			v[2 + y] = cells[y];
		}
		cli_table_add(&t, v);
	}
	if (format == CLI_FMT_TABLE)
		putchar('\n');
	cli_table_print(&t, stdout, format);
	cli_table_release(&t);
}

/*
 * `enterprise show CODE`: the registry record, chain memberships and annual indicators of one
 * enterprise, as JSON or as two tables. Returns CLI_OK, CLI_USAGE for a bad code, CLI_FAIL
 * when it is not in the store.
 */
static int enterprise_show(struct cli_ctx *ctx, const char *code)
{
	static const char *const rcols[] = {"field", "value"};
	char uscc[19];
	struct cc_error err = {0};
	struct cc_buf json = CC_BUF_INIT(1 << 24);
	struct cli_table rec;
	struct show_years ys;
	int64_t id = 0;
	int rc = CLI_OK;
	ys.n = 0;
	cli_table_init(&rec, 2, rcols);
	if (cc_uscc_validate(code, strlen(code), uscc, NULL, &err)) {
		cli_error("enterprise: '%s' is not a valid credit code: %s", code, err.msg);
		rc = CLI_USAGE;
		goto out;
	}
	rc = cli_open_store(ctx, 0);
	if (rc)
		goto out;
	cc_codes_load(&err);
	rc = show_record(ctx->store, uscc, &id, &rec, &json, &err);
	if (rc)
		goto out;
	show_chains(ctx->store, id, &rec, &json, &err);
	show_years_read(ctx->store, id, &ys, &err);
	show_years_json(&ys, &json);
	if (ctx->format == CLI_FMT_JSON) {
		fputs(cc_buf_str(&json), stdout);
	} else {
		cli_table_print(&rec, stdout, ctx->format);
		show_years_print(&ys, ctx->format);
	}
out:
	cli_table_release(&rec);
	cc_buf_release(&json);
	return rc;
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
	{"list", sub_list, 0, 0, (CLI_OPT(O_COUNT) - 1),
	 "list [--name S] [--region R] [--industry C] [--chain C] [--node N] [--cert C] "
	 "[--listed L] [--scale S] [--uscc CODE] [--sort uscc|name|METRIC] [--order asc|desc] "
	 "[--year Y] [--offset N] [--limit N]"},
	{"show", sub_show, 1, 1, 0, "show USCC"},
	{NULL, NULL, 0, 0, 0, NULL},
};

int cmd_enterprise(struct cli_ctx *ctx, int argc, char **argv)
{
	/* Indexed by the O_* values above. */
	static const struct cli_option opts[] = {
		{"name", 1}, {"region", 1}, {"industry", 1}, {"chain", 1},  {"limit", 1},
		{"node", 1}, {"cert", 1},   {"listed", 1},   {"scale", 1},  {"uscc", 1},
		{"sort", 1}, {"order", 1},  {"year", 1},     {"offset", 1}, {NULL, 0}};
	return cli_dispatch(ctx, cli_find("enterprise"), enterprise_subs, opts, argc, argv);
}
