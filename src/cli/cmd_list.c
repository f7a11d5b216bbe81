/*
 * `chainchief list ...`: cultivation lists (lists/lists.h). Versions come from a model run
 * (create, rerun) or from manual changes with a mandatory reason (add, remove, tier); show,
 * versions, diff and history read them; export writes the XLSX a commission circulates.
 * Usage errors (unknown list, version or credit code, a missing reason) exit 1.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "cli/commands.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "frame/frame.h"
#include "lists/lists.h"

enum { O_MODEL, O_NOTE, O_TIER, O_REASON, O_VERSION, O_YEAR, O_COUNT };

static const char *actor(void)
{
	const char *u = getenv("USER");
	return u && *u ? u : "cli";
}

/* Maps a library error to an exit status: what the user named wrong is a usage error. */
static int fail(const char *sub, const struct cc_error *err)
{
	cli_error("list %s: %s", sub, err->msg);
	switch (err->code) {
	case CC_ENOTFOUND:
	case CC_EINVAL:
	case CC_EEXIST: return CLI_USAGE;
	default: return CLI_FAIL;
	}
}

static int version_option(const char *v)
{
	if (!v)
		return 0;
	return (int)cli_int_option("version", v, 1, 1000000000);
}

/* Prints what a new version changed. */
static int report_written(struct cli_ctx *ctx, const char *sub, const char *name, int number)
{
	struct list_diff d = {0};
	struct cc_error err = {0};
	if (number > 1 && lists_diff(ctx->store, name, number - 1, number, &d, &err))
		return fail(sub, &err);
	struct list_version v;
	if (lists_version_read(ctx->store, name, number, &v, &err)) {
		lists_diff_release(&d);
		return fail(sub, &err);
	}
	if (number == 1)
		d.entered = v.n;
	if (ctx->format == CLI_FMT_JSON) {
		struct cc_buf b = CC_BUF_INIT(4096);
		cc_buf_puts(&b, "{\"list\":");
		cc_buf_json_str(&b, name, strlen(name));
		cc_buf_printf(&b,
			      ",\"version\":%d,\"model\":\"%s\",\"year\":%d,\"entries\":%d,"
			      "\"entered\":%d,\"exited\":%d,\"changed\":%d}\n",
			      number, v.model, v.year, v.n, d.entered, d.exited, d.changed);
		fputs(cc_buf_str(&b), stdout);
		cc_buf_release(&b);
	} else {
		printf("list '%s' version %d (model %s, year %d): %d entries; entered %d, exited %d, "
		       "changed tier %d\n",
		       name, number, v.model, v.year, v.n, d.entered, d.exited, d.changed);
	}
	lists_version_release(&v);
	lists_diff_release(&d);
	return CLI_OK;
}

static int from_model(struct cli_ctx *ctx, const char *sub, const char *name, int create,
		      const char **val)
{
	struct cc_error err = {0};
	struct cc_frame *f = NULL;
	long long year = 0;
	int number = 0, rc;
	if (create && !val[O_MODEL]) {
		cli_error(
			"list create: a model is required (--model MODEL; see 'chainchief eval list')");
		return CLI_USAGE;
	}
	if (val[O_YEAR] && (year = cli_int_option("year", val[O_YEAR], 1900, 2200)) < 0)
		return CLI_USAGE;
	if (cc_codes_load(&err) || !cc_catalogue_get(&err)) {
		cli_error("list %s: %s", sub, err.msg);
		return CLI_FAIL;
	}
	if ((rc = cli_open_store(ctx, 0)))
		return rc;
	if (cc_frame_build(ctx->store, 0, &f, &err)) {
		cli_error("list %s: %s", sub, err.msg);
		return CLI_FAIL;
	}
	if (lists_version_from_model(ctx->store, f, name, val[O_MODEL], create, (int)year, actor(),
				     val[O_NOTE], &number, &err))
		rc = fail(sub, &err);
	else
		rc = report_written(ctx, sub, name, number);
	cc_frame_release(f);
	return rc;
}

static int manual(struct cli_ctx *ctx, const char *sub, int kind, const char **pos, int npos,
		  const char **val)
{
	struct cc_error err = {0};
	struct list_change c = {kind, NULL, val[O_TIER], val[O_REASON]};
	int number = 0, rc;
	if (npos != 3) {
		cli_error("list %s: expected a list name and a credit code", sub);
		return CLI_USAGE;
	}
	c.uscc = pos[2];
	if (kind != LIST_REMOVE && !val[O_TIER]) {
		cli_error("list %s: a tier is required (--tier T)", sub);
		return CLI_USAGE;
	}
	if (!val[O_REASON] || !val[O_REASON][0]) {
		cli_error("list %s: a reason is required (--reason R)", sub);
		return CLI_USAGE;
	}
	if ((rc = cli_open_store(ctx, 0)))
		return rc;
	if (lists_version_manual(ctx->store, pos[1], &c, 1, actor(), val[O_NOTE], &number, &err))
		return fail(sub, &err);
	return report_written(ctx, sub, pos[1], number);
}

static int show(struct cli_ctx *ctx, const char *name, const char **val)
{
	struct cc_error err = {0};
	struct list_version v;
	int number = version_option(val[O_VERSION]);
	if (number < 0)
		return CLI_USAGE;
	if (lists_version_read(ctx->store, name, number, &v, &err))
		return fail("show", &err);
	static const char *const cols[] = {"rank#",  "uscc",   "name",	"tier",
					   "score#", "manual", "reason"};
	struct cli_table t;
	cli_table_init(&t, 7, cols);
	for (int i = 0; i < v.n; i++) {
		const struct list_entry *e = &v.e[i];
		char r[16] = "", sc[32] = "";
		if (e->rank > 0)
			snprintf(r, sizeof r, "%d", e->rank);
		if (!isnan(e->score))
			snprintf(sc, sizeof sc, "%.4f", e->score);
		const char *row[7] = {
			r, e->uscc, e->name, e->tier, sc, e->manual ? "manual" : "", e->reason};
		cli_table_add(&t, row);
	}
	if (ctx->format == CLI_FMT_TABLE)
		printf("%s version %d (%s, model %s, year %d, %s by %s)%s%s: %d entries\n", v.list,
		       v.number, v.manual ? "manual changes" : "model run", v.model, v.year,
		       v.created_at, v.actor, v.note[0] ? " — " : "", v.note, v.n);
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	lists_version_release(&v);
	return CLI_OK;
}

static void version_rows(struct cli_ctx *ctx, struct list_version *a, int n)
{
	static const char *const cols[] = {"list",  "version#", "created_at", "actor", "source",
					   "model", "year#",	"entries#",   "note"};
	struct cli_table t;
	cli_table_init(&t, 9, cols);
	for (int i = 0; i < n; i++) {
		char num[16], year[16], cnt[16];
		snprintf(num, sizeof num, "%d", a[i].number);
		snprintf(year, sizeof year, "%d", a[i].year);
		snprintf(cnt, sizeof cnt, "%d", a[i].n);
		const char *row[9] = {a[i].list,
				      num,
				      a[i].created_at,
				      a[i].actor,
				      a[i].manual ? "manual" : "model",
				      a[i].model,
				      year,
				      cnt,
				      a[i].note};
		cli_table_add(&t, row);
	}
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	for (int i = 0; i < n; i++)
		lists_version_release(&a[i]);
	free(a);
}

static int versions(struct cli_ctx *ctx, const char *name)
{
	struct cc_error err = {0};
	struct list_version *a = NULL;
	int n = 0;
	if (name ? lists_versions(ctx->store, name, &a, &n, &err)
		 : lists_all(ctx->store, &a, &n, &err))
		return fail(name ? "versions" : "", &err);
	version_rows(ctx, a, n);
	return CLI_OK;
}

static int diff(struct cli_ctx *ctx, const char **pos)
{
	struct cc_error err = {0};
	struct list_diff d;
	int from = version_option(pos[2]), to = version_option(pos[3]);
	if (from < 0 || to < 0)
		return CLI_USAGE;
	if (lists_diff(ctx->store, pos[1], from, to, &d, &err))
		return fail("diff", &err);
	static const char *const cols[] = {"change", "uscc", "name", "from", "to", "reason"};
	static const char *const kinds[] = {"", "entered", "exited", "changed"};
	struct cli_table t;
	cli_table_init(&t, 6, cols);
	for (int i = 0; i < d.n; i++) {
		const struct list_diff_item *it = &d.items[i];
		const char *row[6] = {kinds[it->kind], it->uscc,     it->name,
				      it->old_tier,    it->new_tier, it->reason};
		cli_table_add(&t, row);
	}
	if (ctx->format == CLI_FMT_TABLE)
		printf("%s: version %d -> %d: entered %d, exited %d, changed tier %d\n", pos[1],
		       from, to, d.entered, d.exited, d.changed);
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	lists_diff_release(&d);
	return CLI_OK;
}

static int history(struct cli_ctx *ctx, const char *uscc)
{
	struct cc_error err = {0};
	struct list_history h;
	if (lists_history(ctx->store, uscc, &h, &err))
		return fail("history", &err);
	static const char *const cols[] = {"list",   "version#", "created_at",
					   "status", "tier",	 "reason"};
	struct cli_table t;
	cli_table_init(&t, 6, cols);
	for (int i = 0; i < h.n; i++) {
		const struct list_history_item *it = &h.items[i];
		char num[16];
		snprintf(num, sizeof num, "%d", it->version);
		const char *row[6] = {it->list,	  num,	    it->created_at,
				      it->status, it->tier, it->reason};
		cli_table_add(&t, row);
	}
	if (ctx->format == CLI_FMT_TABLE && h.n == 0)
		printf("%s has never been on a list\n", uscc);
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	lists_history_release(&h);
	return CLI_OK;
}

static int export(struct cli_ctx *ctx, const char *name, const char *out, const char **val)
{
	struct cc_error err = {0};
	struct list_version v;
	int number = version_option(val[O_VERSION]);
	if (number < 0)
		return CLI_USAGE;
	if (cc_codes_load(&err) || !cc_catalogue_get(&err)) {
		cli_error("list export: %s", err.msg);
		return CLI_FAIL;
	}
	if (lists_version_read(ctx->store, name, number, &v, &err))
		return fail("export", &err);
	int rc = CLI_OK;
	if (lists_export_xlsx(&v, out, &err)) {
		cli_error("list export: %s", err.msg);
		rc = CLI_FAIL;
	} else if (ctx->format == CLI_FMT_JSON) {
		printf("{\"list\":\"%s\",\"version\":%d,\"entries\":%d,\"file\":\"%s\"}\n", v.list,
		       v.number, v.n, out);
	} else {
		printf("wrote %s: list '%s' version %d, %d entries\n", out, v.list, v.number, v.n);
	}
	lists_version_release(&v);
	return rc;
}

int cmd_list(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct cli_option opts[] = {{"model", 1},	{"note", 1},	{"tier", 1},
						 {"reason", 1}, {"version", 1}, {"year", 1},
						 {NULL, 0}};
	const char *val[O_COUNT], *pos[5];
	int npos, rc;
	const struct cli_command *cmd = cli_find("list");
	if ((rc = cli_parse(cmd, argc, argv, opts, val, pos, 5, &npos)))
		return rc;
	const char *sub = npos ? pos[0] : "";
	if (strcmp(sub, "create") == 0 && npos == 2)
		return from_model(ctx, sub, pos[1], 1, val);
	if (strcmp(sub, "rerun") == 0 && npos == 2)
		return from_model(ctx, sub, pos[1], 0, val);
	if (strcmp(sub, "add") == 0)
		return manual(ctx, sub, LIST_ADD, pos, npos, val);
	if (strcmp(sub, "remove") == 0)
		return manual(ctx, sub, LIST_REMOVE, pos, npos, val);
	if (strcmp(sub, "tier") == 0)
		return manual(ctx, sub, LIST_TIER, pos, npos, val);
	int ok = (npos == 0) || (strcmp(sub, "show") == 0 && npos == 2) ||
		 (strcmp(sub, "versions") == 0 && npos == 2) ||
		 (strcmp(sub, "diff") == 0 && npos == 4) ||
		 (strcmp(sub, "history") == 0 && npos == 2) ||
		 (strcmp(sub, "export") == 0 && npos == 3);
	if (!ok) {
		cli_error("list: expected create, rerun, add, remove, tier, show, versions, diff, "
			  "history or export with their arguments");
		fprintf(stderr, "usage: chainchief %s\n", cmd->usage);
		return CLI_USAGE;
	}
	if ((rc = cli_open_store(ctx, 0)))
		return rc;
	if (npos == 0)
		return versions(ctx, NULL);
	if (strcmp(sub, "show") == 0)
		return show(ctx, pos[1], val);
	if (strcmp(sub, "versions") == 0)
		return versions(ctx, pos[1]);
	if (strcmp(sub, "diff") == 0)
		return diff(ctx, pos);
	if (strcmp(sub, "history") == 0)
		return history(ctx, pos[1]);
	return export(ctx, pos[1], pos[2], val);
}
