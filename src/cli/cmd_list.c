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
#include "base/jw.h"
#include "base/buf.h"
#include "cli/commands.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "domain/reason.h"
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

/* add, remove, tier NAME USCC: a new version with one manual change. */
static int manual(struct cli_ctx *ctx, const char *sub, int kind, const char **args,
		  const char **val)
{
	struct cc_error err = {0};
	struct list_change c = {kind, args[1], val[O_TIER], val[O_REASON]};
	int number = 0, rc;
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
	if (lists_version_manual(ctx->store, args[0], &c, 1, actor(), val[O_NOTE], &number, &err))
		return fail(sub, &err);
	return report_written(ctx, sub, args[0], number);
}

/* STORED (a structured reason or free text, domain/reason.h) in LANG, in B (reset first). */
static const char *reason_in(struct cc_buf *b, const char *stored, enum cc_lang lang)
{
	cc_buf_reset(b);
	cc_reason_render(stored, lang, b);
	return cc_buf_str(b);
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
	static const char *const cols[] = {"rank#",  "uscc",   "name",	 "tier",
					   "score#", "manual", "reason", "reason_en"};
	struct cli_table t;
	struct cc_buf zh = CC_BUF_INIT(4096), en = CC_BUF_INIT(4096);
	cli_table_init(&t, 8, cols);
	for (int i = 0; i < v.n; i++) {
		const struct list_entry *e = &v.e[i];
		char r[16] = "", sc[32] = "";
		if (e->rank > 0)
			snprintf(r, sizeof r, "%d", e->rank);
		if (!isnan(e->score))
			snprintf(sc, sizeof sc, "%.4f", e->score);
		const char *row[8] = {r,
				      e->uscc,
				      e->name,
				      e->tier,
				      sc,
				      e->manual ? "manual" : "",
				      reason_in(&zh, e->reason, CC_LANG_ZH),
				      reason_in(&en, e->reason, CC_LANG_EN)};
		cli_table_add(&t, row);
	}
	if (ctx->format == CLI_FMT_TABLE)
		printf("%s version %d (%s, model %s, year %d, %s by %s)%s%s: %d entries\n", v.list,
		       v.number, v.manual ? "manual changes" : "model run", v.model, v.year,
		       v.created_at, v.actor, v.note[0] ? " — " : "", v.note, v.n);
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	cc_buf_release(&zh);
	cc_buf_release(&en);
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

/* diff NAME V1 V2. */
static int diff(struct cli_ctx *ctx, const char **args)
{
	struct cc_error err = {0};
	struct list_diff d;
	int from = version_option(args[1]), to = version_option(args[2]);
	if (from < 0 || to < 0)
		return CLI_USAGE;
	if (lists_diff(ctx->store, args[0], from, to, &d, &err))
		return fail("diff", &err);
	static const char *const cols[] = {"change", "uscc",   "name",	   "from",
					   "to",     "reason", "reason_en"};
	static const char *const kinds[] = {"", "entered", "exited", "changed"};
	struct cli_table t;
	struct cc_buf zh = CC_BUF_INIT(4096), en = CC_BUF_INIT(4096);
	cli_table_init(&t, 7, cols);
	for (int i = 0; i < d.n; i++) {
		const struct list_diff_item *it = &d.items[i];
		const char *row[7] = {kinds[it->kind],
				      it->uscc,
				      it->name,
				      it->old_tier,
				      it->new_tier,
				      reason_in(&zh, it->reason, CC_LANG_ZH),
				      reason_in(&en, it->reason, CC_LANG_EN)};
		cli_table_add(&t, row);
	}
	if (ctx->format == CLI_FMT_TABLE)
		printf("%s: version %d -> %d: entered %d, exited %d, changed tier %d\n", args[0],
		       from, to, d.entered, d.exited, d.changed);
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	cc_buf_release(&zh);
	cc_buf_release(&en);
	lists_diff_release(&d);
	return CLI_OK;
}

static int history(struct cli_ctx *ctx, const char *uscc)
{
	struct cc_error err = {0};
	struct list_history h;
	if (lists_history(ctx->store, uscc, &h, &err))
		return fail("history", &err);
	static const char *const cols[] = {"list", "version#", "created_at", "status",
					   "tier", "reason",   "reason_en"};
	struct cli_table t;
	struct cc_buf zh = CC_BUF_INIT(4096), en = CC_BUF_INIT(4096);
	cli_table_init(&t, 7, cols);
	for (int i = 0; i < h.n; i++) {
		const struct list_history_item *it = &h.items[i];
		char num[16];
		snprintf(num, sizeof num, "%d", it->version);
		const char *row[7] = {it->list,
				      num,
				      it->created_at,
				      it->status,
				      it->tier,
				      reason_in(&zh, it->reason, CC_LANG_ZH),
				      reason_in(&en, it->reason, CC_LANG_EN)};
		cli_table_add(&t, row);
	}
	if (ctx->format == CLI_FMT_TABLE && h.n == 0)
		printf("%s has never been on a list\n", uscc);
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	cc_buf_release(&zh);
	cc_buf_release(&en);
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
		struct cc_buf b = CC_BUF_INIT(8192);
		struct cc_jw w;
		cc_jw_init(&w, &b);
		cc_jw_object(&w);
		cc_jw_kstr(&w, "list", v.list);
		cc_jw_kint(&w, "version", v.number);
		cc_jw_kint(&w, "entries", v.n);
		cc_jw_kstr(&w, "file", out);
		cc_jw_end(&w);
		cc_jw_print(&w, stdout);
		cc_buf_release(&b);
	} else {
		printf("wrote %s: list '%s' version %d, %d entries\n", out, v.list, v.number, v.n);
	}
	lists_version_release(&v);
	return rc;
}

/* The subcommands, as the table below calls them: VAL by O_*, ARGS after the word. */
static int sub_all(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	int rc = cli_open_store(ctx, 0);
	(void)val;
	(void)args;
	(void)nargs;
	return rc ? rc : versions(ctx, NULL);
}

static int sub_create(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)nargs;
	return from_model(ctx, "create", args[0], 1, val);
}

static int sub_rerun(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)nargs;
	return from_model(ctx, "rerun", args[0], 0, val);
}

static int sub_add(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)nargs;
	return manual(ctx, "add", LIST_ADD, args, val);
}

static int sub_remove(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)nargs;
	return manual(ctx, "remove", LIST_REMOVE, args, val);
}

static int sub_tier(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)nargs;
	return manual(ctx, "tier", LIST_TIER, args, val);
}

static int sub_show(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	int rc = cli_open_store(ctx, 0);
	(void)nargs;
	return rc ? rc : show(ctx, args[0], val);
}

static int sub_versions(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	int rc = cli_open_store(ctx, 0);
	(void)val;
	(void)nargs;
	return rc ? rc : versions(ctx, args[0]);
}

static int sub_diff(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	int rc = cli_open_store(ctx, 0);
	(void)val;
	(void)nargs;
	return rc ? rc : diff(ctx, args);
}

static int sub_history(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	int rc = cli_open_store(ctx, 0);
	(void)val;
	(void)nargs;
	return rc ? rc : history(ctx, args[0]);
}

static int sub_export(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	int rc = cli_open_store(ctx, 0);
	(void)nargs;
	return rc ? rc : export(ctx, args[0], args[1], val);
}

#define NEW_VERSION (CLI_OPT(O_NOTE))
static const struct cli_sub list_subs[] = {
	{"", sub_all, 0, 0, 0, ""},
	{"create", sub_create, 1, 1, CLI_OPT(O_MODEL) | CLI_OPT(O_YEAR) | NEW_VERSION,
	 "create NAME --model MODEL [--year Y] [--note N]"},
	{"rerun", sub_rerun, 1, 1, CLI_OPT(O_YEAR) | NEW_VERSION,
	 "rerun NAME [--year Y] [--note N]"},
	{"add", sub_add, 2, 2, CLI_OPT(O_TIER) | CLI_OPT(O_REASON) | NEW_VERSION,
	 "add NAME USCC --tier T --reason R [--note N]"},
	{"remove", sub_remove, 2, 2, CLI_OPT(O_REASON) | NEW_VERSION,
	 "remove NAME USCC --reason R [--note N]"},
	{"tier", sub_tier, 2, 2, CLI_OPT(O_TIER) | CLI_OPT(O_REASON) | NEW_VERSION,
	 "tier NAME USCC --tier T --reason R [--note N]"},
	{"show", sub_show, 1, 1, CLI_OPT(O_VERSION), "show NAME [--version V]"},
	{"versions", sub_versions, 1, 1, 0, "versions NAME"},
	{"diff", sub_diff, 3, 3, 0, "diff NAME V1 V2"},
	{"history", sub_history, 1, 1, 0, "history USCC"},
	{"export", sub_export, 2, 2, CLI_OPT(O_VERSION), "export NAME OUT.xlsx [--version V]"},
	{NULL, NULL, 0, 0, 0, NULL},
};

int cmd_list(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct cli_option opts[] = {{"model", 1},	{"note", 1},	{"tier", 1},
						 {"reason", 1}, {"version", 1}, {"year", 1},
						 {NULL, 0}};
	return cli_dispatch(ctx, cli_find("list"), list_subs, opts, argc, argv);
}
