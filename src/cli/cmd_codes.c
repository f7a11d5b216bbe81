/*
 * Commands over the code lists and catalogues: uscc, region, industry, metrics, chain.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/parse.h"
#include "cli/commands.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "domain/metric.h"
#include "domain/patent.h"
#include "domain/uscc.h"

static int load_codes(void)
{
	struct cc_error err = {0};
	if (cc_codes_load(&err)) {
		cli_error("%s", err.msg);
		return CLI_FAIL;
	}
	return CLI_OK;
}

int cmd_uscc(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *pos[256];
	int npos, bad = 0;
	int rc = cli_parse(cli_find("uscc"), argc, argv, NULL, NULL, pos, 256, &npos);
	if (rc)
		return rc;
	if (npos == 0) {
		cli_error("uscc: give one or more codes");
		return CLI_USAGE;
	}
	if ((rc = load_codes()))
		return rc;
	static const char *const cols[] = {"code",	  "valid",	    "check", "region",
					   "region_name", "org_code_check", "reason"};
	struct cli_table t;
	cli_table_init(&t, 7, cols);
	for (int i = 0; i < npos; i++) {
		char canon[19] = "", chk[2] = "", region[8] = "", rname[256] = "";
		struct cc_error err = {0};
		int warn = 0;
		int ok = cc_uscc_validate(pos[i], strlen(pos[i]), canon, &warn, &err) == 0;
		if (strlen(pos[i]) >= 17) {
			char up[18];
			for (int k = 0; k < 17; k++)
				up[k] = (pos[i][k] >= 'a' && pos[i][k] <= 'z')
						? (char)(pos[i][k] - 32)
						: pos[i][k];
			up[17] = '\0';
			chk[0] = cc_uscc_check_char(up);
		}
		if (ok) {
			int r = cc_uscc_region(canon);
			snprintf(region, sizeof region, "%06d", r);
			cc_region_fullname(r, rname, sizeof rname);
		}
		bad |= !ok;
		const char *v[7] = {pos[i],
				    ok ? "yes" : "no",
				    chk,
				    region,
				    rname,
				    ok ? (warn ? "fails (warning)" : "ok") : "",
				    ok ? "" : err.msg};
		cli_table_add(&t, v);
	}
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	return bad ? CLI_FAIL : CLI_OK;
}

/*
 * `patent NUMBER...`: one row per number, as `uscc` does. "valid" is a JSON boolean (the
 * column is marked numeric so that true/false print bare); kind and year are null for an
 * invalid number.
 */
int cmd_patent(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *pos[256];
	int npos, bad = 0;
	int rc = cli_parse(cli_find("patent"), argc, argv, NULL, NULL, pos, 256, &npos);
	if (rc)
		return rc;
	if (npos == 0) {
		cli_error("patent: give one or more application numbers");
		return CLI_USAGE;
	}
	static const char *const cols[] = {"number", "valid#", "kind", "year#", "reason"};
	struct cli_table t;
	cli_table_init(&t, 5, cols);
	for (int i = 0; i < npos; i++) {
		struct cc_patent_no p;
		struct cc_error err = {0};
		char year[8] = "";
		int ok = cc_patent_no_parse(pos[i], strlen(pos[i]), &p, &err) == 0;
		if (ok)
			snprintf(year, sizeof year, "%d", p.year);
		bad |= !ok;
		const char *v[5] = {ok ? p.canon : pos[i], ok ? "true" : "false",
				    ok ? cc_patent_kind_id(p.kind) : NULL, ok ? year : NULL,
				    ok ? "" : err.msg};
		cli_table_add(&t, v);
	}
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	return bad ? CLI_FAIL : CLI_OK;
}

int cmd_region(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *pos[1];
	int npos;
	int rc = cli_parse(cli_find("region"), argc, argv, NULL, NULL, pos, 1, &npos);
	if (rc)
		return rc;
	if ((rc = load_codes()))
		return rc;
	static const char *const cols[] = {"code", "name", "full_name", "level#", "parent"};
	struct cli_table t;
	cli_table_init(&t, 5, cols);
	long long code = -1;
	if (npos)
		cc_parse_int64(pos[0], strlen(pos[0]), &code);
	for (int i = 0; i < cc_region_count(); i++) {
		const struct cc_region *r = cc_region_at(i);
		int show;
		if (!npos)
			show = r->level == 1;
		else if (code >= 0)
			show = r->code == code || r->parent == code;
		else
			show = strstr(r->name, pos[0]) != NULL;
		if (!show)
			continue;
		char c[8], lv[4], par[8], full[256];
		snprintf(c, sizeof c, "%06d", r->code);
		snprintf(lv, sizeof lv, "%d", r->level);
		if (r->parent)
			snprintf(par, sizeof par, "%06d", r->parent);
		else
			par[0] = '\0';
		cc_region_fullname(r->code, full, sizeof full);
		const char *v[5] = {c, r->name, full, lv, par};
		cli_table_add(&t, v);
	}
	if (t.nrows == 0 && npos) {
		cli_error("region: nothing matches '%s'", pos[0]);
		cli_table_release(&t);
		return CLI_FAIL;
	}
	cli_table_print(&t, stdout, ctx->format);
	if (ctx->format == CLI_FMT_TABLE && !npos)
		printf("(%d regions from %s; give a code or a name to look inside)\n",
		       cc_region_count(), cc_regions_version());
	cli_table_release(&t);
	return CLI_OK;
}

int cmd_industry(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *pos[1];
	int npos;
	int rc = cli_parse(cli_find("industry"), argc, argv, NULL, NULL, pos, 1, &npos);
	if (rc)
		return rc;
	if ((rc = load_codes()))
		return rc;
	static const char *const cols[] = {"code", "name", "level#", "parent"};
	struct cli_table t;
	cli_table_init(&t, 4, cols);
	for (int i = 0; i < cc_industry_count(); i++) {
		const struct cc_industry *d = cc_industry_at(i);
		int show;
		if (!npos)
			show = d->level <= 2 && (d->level == 1 || d->code[0] == 'C');
		else
			show = strncasecmp(d->code, pos[0], strlen(pos[0])) == 0 ||
			       strstr(d->name, pos[0]) != NULL;
		if (!show)
			continue;
		char lv[4];
		snprintf(lv, sizeof lv, "%d", d->level);
		const char *v[4] = {d->code, d->name, lv, d->parent};
		cli_table_add(&t, v);
	}
	if (t.nrows == 0 && npos) {
		cli_error("industry: nothing matches '%s'", pos[0]);
		cli_table_release(&t);
		return CLI_FAIL;
	}
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	return CLI_OK;
}

int cmd_metrics(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *pos[1];
	int npos;
	int rc = cli_parse(cli_find("metrics"), argc, argv, NULL, NULL, pos, 0, &npos);
	if (rc)
		return rc;
	static const char *const cols[] = {"id",	   "name_zh=名称", "name",   "unit",
					   "unit_zh=单位", "derived",	   "formula"};
	struct cli_table t;
	cli_table_init(&t, 7, cols);
	for (int i = 0; i < CC_M_COUNT; i++) {
		const struct cc_metric *m = cc_metric_get(i);
		const char *v[7] = {m->key,
				    m->name_zh,
				    m->name_en,
				    m->unit,
				    m->unit_zh,
				    m->derived ? "yes" : "no",
				    m->formula ? m->formula : ""};
		cli_table_add(&t, v);
	}
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	return CLI_OK;
}
