/*
 * `chainchief listing …`: listing coordination from the command line (listing/listing.h): the
 * institutions, an enterprise's consent, a reserve firm's listing stage, investors'
 * engagements, the funnel and the stalled cases. --format json prints what the matching
 * /api/v1/listing/… route answers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/parse.h"
#include "cli/commands.h"
#include "cli/out.h"
#include "domain/codes.h"
#include "listing/listing.h"

enum {
	O_KIND,
	O_GRANT,
	O_WITHDRAW,
	O_STAGE,
	O_DATE,
	O_BOARD,
	O_SPONSOR,
	O_INSTITUTION,
	O_NOTE,
	O_MONTHS,
	O_TODAY,
	O_OPEN
};

/* Opens the store and the region codes (district names). */
static int setup(struct cli_ctx *ctx)
{
	struct cc_error err = {0};
	if (cc_codes_load(&err)) {
		cli_error("listing: %s", err.msg);
		return CLI_FAIL;
	}
	return cli_open_store(ctx, 0);
}

/* Parses an id option V (NULL: 0). Returns 0 or CLI_USAGE after saying so. */
static int id_opt(const char *name, const char *v, int64_t *out)
{
	long long x = 0;
	*out = 0;
	if (!v)
		return 0;
	if (cc_parse_int64(v, strlen(v), &x) || x <= 0) {
		cli_error("listing: --%s takes an id, not '%s'", name, v);
		return CLI_USAGE;
	}
	*out = (int64_t)x;
	return 0;
}

/* Prints J as JSON (consumed). */
static int print_json(json_t *j)
{
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(j);
	return CLI_OK;
}

/* The exit status of a failed call: usage for bad input, else failure. */
static int fail(const char *what, int rc, const struct cc_error *err)
{
	cli_error("listing %s: %s", what, err->msg);
	return rc == CC_EINVAL ? CLI_USAGE : CLI_FAIL;
}

static const char *text(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int sub_institution(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct cc_error err = {0};
	int64_t id = 0;
	int rc;
	(void)nargs;
	if ((rc = setup(ctx)))
		return rc;
	rc = listing_institution_add(ctx->store, args[0], val[O_KIND] ? val[O_KIND] : "", "cli",
				     &id, &err);
	if (rc)
		return fail("institution", rc, &err);
	if (ctx->format == CLI_FMT_JSON)
		return print_json(json_pack("{s:I}", "id", (json_int_t)id));
	printf("institution %lld: %s\n", (long long)id, args[0]);
	return CLI_OK;
}

static int sub_institutions(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct cc_error err = {0};
	int rc;
	(void)val;
	(void)args;
	(void)nargs;
	if ((rc = setup(ctx)))
		return rc;
	json_t *a = listing_institutions(ctx->store, &err);
	if (!a)
		return fail("institutions", CC_EDB, &err);
	if (ctx->format == CLI_FMT_JSON)
		return print_json(json_pack("{s:o}", "items", a));
	static const char *const cols[] = {"id#", "name", "kind"};
	struct cli_table t;
	cli_table_init(&t, 3, cols);
	size_t i;
	json_t *x;
	json_array_foreach(a, i, x)
	{
		char id[24];
		snprintf(id, sizeof id, "%lld",
			 (long long)json_integer_value(json_object_get(x, "id")));
		const char *v[3] = {id, text(x, "name"), text(x, "kind")};
		cli_table_add(&t, v);
	}
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	json_decref(a);
	return CLI_OK;
}

static int sub_consent(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct cc_error err = {0};
	int rc;
	(void)nargs;
	if (!val[O_GRANT] == !val[O_WITHDRAW]) {
		cli_error("listing consent: give --grant or --withdraw");
		return CLI_USAGE;
	}
	if ((rc = setup(ctx)))
		return rc;
	rc = listing_consent(ctx->store, args[0], val[O_GRANT] != NULL, "cli", &err);
	if (rc)
		return fail("consent", rc, &err);
	if (ctx->format == CLI_FMT_JSON)
		return print_json(json_pack("{s:b}", "granted", val[O_GRANT] != NULL));
	printf("consent of %s %s\n", args[0], val[O_GRANT] ? "granted" : "withdrawn");
	return CLI_OK;
}

/* Prints reserve firms (an array) as a table. */
static void firms_table(struct cli_ctx *ctx, json_t *a)
{
	static const char *const cols[] = {"uscc",  "name",  "district", "tier",    "consent",
					   "stage", "since", "board",	 "sponsor", "engagements#"};
	struct cli_table t;
	cli_table_init(&t, 10, cols);
	size_t i;
	json_t *x;
	json_array_foreach(a, i, x)
	{
		char n[16];
		snprintf(n, sizeof n, "%zu", json_array_size(json_object_get(x, "engagements")));
		json_t *sp = json_object_get(x, "sponsor");
		const char *v[10] = {text(x, "uscc"),
				     text(x, "name"),
				     text(x, "district"),
				     text(x, "tier"),
				     json_is_true(json_object_get(x, "consent")) ? "yes" : "no",
				     text(x, "stage"),
				     text(x, "since"),
				     text(x, "board"),
				     sp ? text(sp, "name") : NULL,
				     n};
		cli_table_add(&t, v);
	}
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
}

static int sub_reserve(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct cc_error err = {0};
	int64_t inst;
	int rc;
	(void)args;
	(void)nargs;
	if ((rc = id_opt("institution", val[O_INSTITUTION], &inst)) || (rc = setup(ctx)))
		return rc;
	json_t *a = listing_reserve(ctx->store, inst, &err);
	if (!a)
		return fail("reserve", CC_EDB, &err);
	if (ctx->format == CLI_FMT_JSON)
		return print_json(json_pack("{s:o, s:b}", "items", a, "consented_only", inst > 0));
	firms_table(ctx, a);
	json_decref(a);
	return CLI_OK;
}

static int sub_show(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct cc_error err = {0};
	int64_t inst;
	int rc;
	(void)nargs;
	if ((rc = id_opt("institution", val[O_INSTITUTION], &inst)) || (rc = setup(ctx)))
		return rc;
	json_t *j = listing_firm(ctx->store, args[0], inst, &err);
	if (!j)
		return fail("show", err.code, &err);
	if (ctx->format == CLI_FMT_JSON)
		return print_json(j);
	json_t *a = json_pack("[O]", j);
	firms_table(ctx, a);
	json_decref(a);
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(j, "history"), i, x)
		printf("  %s  %s\n", text(x, "date"), text(x, "stage"));
	json_decref(j);
	return CLI_OK;
}

static int sub_progress(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct cc_error err = {0};
	int64_t sponsor;
	int rc;
	(void)nargs;
	if (!val[O_STAGE]) {
		cli_error("listing progress: --stage is required");
		return CLI_USAGE;
	}
	if ((rc = id_opt("sponsor", val[O_SPONSOR], &sponsor)) || (rc = setup(ctx)))
		return rc;
	struct listing_move m = {args[0], val[O_STAGE], val[O_DATE], val[O_BOARD], sponsor, "cli"};
	rc = listing_progress_set(ctx->store, &m, &err);
	if (rc)
		return fail("progress", rc, &err);
	if (ctx->format == CLI_FMT_JSON) {
		json_t *j = listing_firm(ctx->store, args[0], 0, &err);
		return j ? print_json(j) : fail("progress", err.code, &err);
	}
	printf("%s: stage %s\n", args[0], val[O_STAGE]);
	return CLI_OK;
}

static int sub_engage(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct cc_error err = {0};
	int64_t inst;
	int rc;
	(void)nargs;
	if ((rc = id_opt("institution", val[O_INSTITUTION], &inst)))
		return rc;
	if (!inst || !val[O_KIND]) {
		cli_error("listing engage: --institution and --kind are required");
		return CLI_USAGE;
	}
	if ((rc = setup(ctx)))
		return rc;
	rc = listing_engage(ctx->store, inst, args[0], val[O_KIND], val[O_NOTE], "cli", &err);
	if (rc)
		return fail("engage", rc, &err);
	if (ctx->format == CLI_FMT_JSON)
		return print_json(json_pack("{s:b}", "ok", 1));
	printf("%s: %s of institution %lld registered\n", args[0], val[O_KIND], (long long)inst);
	return CLI_OK;
}

static int sub_funnel(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct cc_error err = {0};
	int rc;
	(void)val;
	(void)args;
	(void)nargs;
	if ((rc = setup(ctx)))
		return rc;
	json_t *j = listing_funnel(ctx->store, &err);
	if (!j)
		return fail("funnel", err.code, &err);
	if (ctx->format == CLI_FMT_JSON)
		return print_json(j);
	static const char *const cols[] = {"stage", "firms#"};
	struct cli_table t;
	cli_table_init(&t, 2, cols);
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(j, "by_stage"), i, x)
	{
		char n[24];
		snprintf(n, sizeof n, "%lld",
			 (long long)json_integer_value(json_object_get(x, "count")));
		const char *v[2] = {text(x, "stage"), n};
		cli_table_add(&t, v);
	}
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	printf("(%lld reserve firms)\n",
	       (long long)json_integer_value(json_object_get(j, "total")));
	json_decref(j);
	return CLI_OK;
}

static int sub_history(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct cc_error err = {0};
	int64_t months = 0;
	int rc;
	(void)args;
	(void)nargs;
	if ((rc = id_opt("months", val[O_MONTHS], &months)) || (rc = setup(ctx)))
		return rc;
	json_t *j = listing_funnel_history(ctx->store, (int)months, val[O_TODAY], &err);
	if (!j)
		return fail("history", err.code, &err);
	if (ctx->format == CLI_FMT_JSON)
		return print_json(j);
	/* A row per month-end, a column per stage. */
	static const char *const cols[] = {"date",	  "none#",     "shareholding#",
					   "tutoring#",	  "accepted#", "inquiry#",
					   "registered#", "listed#",   "withdrawn#"};
	json_t *series = json_object_get(j, "series"), *dates = json_object_get(j, "dates");
	struct cli_table t;
	cli_table_init(&t, 9, cols);
	for (size_t k = 0; k < json_array_size(dates); k++) {
		char n[8][24];
		const char *v[9] = {json_string_value(json_array_get(dates, k))};
		for (size_t i = 0; i < 8; i++) {
			json_t *c = json_object_get(json_array_get(series, i), "counts");
			snprintf(n[i], sizeof n[i], "%lld",
				 (long long)json_integer_value(json_array_get(c, k)));
			v[i + 1] = n[i];
		}
		cli_table_add(&t, v);
	}
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	printf("(%lld reserve firms at each month-end up to %s, from the stage dates kept)\n",
	       (long long)json_integer_value(json_object_get(j, "total")), text(j, "today"));
	json_decref(j);
	return CLI_OK;
}

static int sub_stalled(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct cc_error err = {0};
	int64_t months;
	int rc;
	(void)args;
	(void)nargs;
	if ((rc = id_opt("months", val[O_MONTHS], &months)) || (rc = setup(ctx)))
		return rc;
	json_t *j = listing_stalled(ctx->store, (int)months, val[O_TODAY], val[O_OPEN] != NULL,
				    "cli", &err);
	if (!j)
		return fail("stalled", err.code, &err);
	if (ctx->format == CLI_FMT_JSON)
		return print_json(j);
	static const char *const cols[] = {"uscc", "name", "stage", "since", "case#"};
	struct cli_table t;
	cli_table_init(&t, 5, cols);
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(j, "stalled"), i, x)
	{
		char c[24] = "";
		json_t *k = json_object_get(x, "case");
		if (json_is_integer(k))
			snprintf(c, sizeof c, "%lld", (long long)json_integer_value(k));
		const char *v[5] = {text(x, "uscc"), text(x, "name"), text(x, "stage"),
				    text(x, "since"), c[0] ? c : NULL};
		cli_table_add(&t, v);
	}
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	printf("(no move in %lld months before %s; %lld cases opened)\n",
	       (long long)json_integer_value(json_object_get(j, "months")), text(j, "today"),
	       (long long)json_integer_value(json_object_get(j, "opened")));
	json_decref(j);
	return CLI_OK;
}

static const struct cli_sub listing_subs[] = {
	{"institution", sub_institution, 1, 1, CLI_OPT(O_KIND),
	 "institution NAME --kind securities|fund|bank|other"},
	{"institutions", sub_institutions, 0, 0, 0, "institutions"},
	{"consent", sub_consent, 1, 1, CLI_OPT(O_GRANT) | CLI_OPT(O_WITHDRAW),
	 "consent USCC --grant|--withdraw"},
	{"reserve", sub_reserve, 0, 0, CLI_OPT(O_INSTITUTION), "reserve [--institution ID]"},
	{"show", sub_show, 1, 1, CLI_OPT(O_INSTITUTION), "show USCC [--institution ID]"},
	{"progress", sub_progress, 1, 1,
	 CLI_OPT(O_STAGE) | CLI_OPT(O_DATE) | CLI_OPT(O_BOARD) | CLI_OPT(O_SPONSOR),
	 "progress USCC --stage S [--date YYYY-MM-DD] [--board B] [--sponsor ID]"},
	{"engage", sub_engage, 1, 1, CLI_OPT(O_INSTITUTION) | CLI_OPT(O_KIND) | CLI_OPT(O_NOTE),
	 "engage USCC --institution ID --kind interest|counselling [--note N]"},
	{"funnel", sub_funnel, 0, 0, 0, "funnel"},
	{"history", sub_history, 0, 0, CLI_OPT(O_MONTHS) | CLI_OPT(O_TODAY),
	 "history [--months N] [--today D]"},
	{"stalled", sub_stalled, 0, 0, CLI_OPT(O_MONTHS) | CLI_OPT(O_TODAY) | CLI_OPT(O_OPEN),
	 "stalled [--months N] [--today YYYY-MM-DD] [--open]"},
	{NULL, NULL, 0, 0, 0, NULL}};

int cmd_listing(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct cli_option opts[] = {
		{"kind", 1},  {"grant", 0},   {"withdraw", 0},	  {"stage", 1}, {"date", 1},
		{"board", 1}, {"sponsor", 1}, {"institution", 1}, {"note", 1},	{"months", 1},
		{"today", 1}, {"open", 0},    {NULL, 0}};
	return cli_dispatch(ctx, cli_find("listing"), listing_subs, opts, argc, argv);
}
