/*
 * `chainchief report`: enterprise reporting (企业数据直报) from the command line — plans,
 * opening a period, the reports and one report's form, filling and submitting, review (return,
 * accept), completion by district and chain, reminders, notices and the provenance of an
 * enterprise's values. Everything is report/'s (the API's handlers call the same functions);
 * this file parses options and prints their answers as tables or, with --format json, as the
 * API's JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/jw.h"
#include "base/parse.h"
#include "cli/commands.h"
#include "domain/metric.h"
#include "report/report.h"

enum {
	METRICS,
	RULE,
	FREQUENCY,
	OPEN_DAYS,
	DUE_DAYS,
	PERIOD,
	TODAY,
	PLAN,
	STATUS,
	USCC,
	VALUES,
	EXPLANATION,
	COMMENT,
	LIMIT,
	REGION,
	REJECTS,
};

static const char *actor_name(void)
{
	const char *u = getenv("USER");
	return u && *u ? u : "cli";
}

/* Prints J (consumed) as JSON. */
static int print_json(json_t *j)
{
	cc_jw_print_json(j, stdout);
	json_decref(j);
	return CLI_OK;
}

/* Parses the common options: --today, --period and --plan into their numbers. Returns 0 or
 * CLI_USAGE after saying why. */
static int common(struct cli_ctx *ctx, const char **val, int *today, int *period, int64_t *plan)
{
	struct cc_error err = {0};
	if (today && val[TODAY]) {
		if (cc_parse_date(val[TODAY], strlen(val[TODAY]), today, &err)) {
			cli_error("report: --today: %s", err.msg);
			return CLI_USAGE;
		}
	}
	if (period && val[PERIOD] && report_period_parse(val[PERIOD], period, &err)) {
		cli_error("report: --period: %s", err.msg);
		return CLI_USAGE;
	}
	if (plan && val[PLAN]) {
		int rc = cli_open_store(ctx, 0);
		if (rc)
			return rc;
		if (report_plan_find(ctx->store, val[PLAN], plan, &err)) {
			cli_error("report: %s", err.msg);
			return CLI_USAGE;
		}
	}
	return 0;
}

static int table(struct cli_ctx *ctx, size_t ncols, const char *const *cols, json_t *rows,
		 const char *const *keys)
{
	struct cli_table t;
	int rc = CLI_OK;
	if (cli_table_init(&t, ncols, cols))
		return CLI_FAIL;
	for (size_t i = 0; i < json_array_size(rows) && rc == CLI_OK; i++) {
		json_t *o = json_array_get(rows, i);
		char buf[16][64];
		const char *cells[16] = {0};
		for (size_t c = 0; c < ncols && c < 16; c++) {
			json_t *v = json_object_get(o, keys[c]);
			if (json_is_string(v))
				cells[c] = json_string_value(v);
			else if (json_is_integer(v)) {
				snprintf(buf[c], sizeof buf[c], "%lld",
					 (long long)json_integer_value(v));
				cells[c] = buf[c];
			} else if (json_is_real(v)) {
				snprintf(buf[c], sizeof buf[c], "%.15g", json_real_value(v));
				cells[c] = buf[c];
			} else if (json_is_boolean(v)) {
				cells[c] = json_is_true(v) ? "yes" : "no";
			} else if (json_is_array(v)) {
				size_t u = 0;
				buf[c][0] = '\0';
				for (size_t k = 0; k < json_array_size(v); k++) {
					const char *s = json_string_value(json_array_get(v, k));
					if (s)
						u += (size_t)snprintf(
							buf[c] + u,
							u < sizeof buf[c] ? sizeof buf[c] - u : 0,
							"%s%s", k ? "," : "", s);
					if (u >= sizeof buf[c])
						break;
				}
				cells[c] = buf[c];
			}
		}
		if (cli_table_add(&t, cells))
			rc = CLI_FAIL;
	}
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	return rc;
}

/* --values "revenue=120,employees=50" (or a JSON object) as a JSON object; NULL if absent. */
static int values_arg(const char *text, json_t **out)
{
	*out = NULL;
	if (!text)
		return 0;
	if (text[0] == '{') {
		json_error_t je;
		*out = json_loads(text, 0, &je);
		if (!json_is_object(*out)) {
			cli_error("report: --values: %s", je.text);
			json_decref(*out);
			*out = NULL;
			return CLI_USAGE;
		}
		return 0;
	}
	json_t *o = json_object();
	const char *p = text;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		char key[64];
		if (!eq || (size_t)(eq - p) >= sizeof key) {
			cli_error("report: --values takes metric=value,metric=value");
			json_decref(o);
			return CLI_USAGE;
		}
		memcpy(key, p, (size_t)(eq - p));
		key[eq - p] = '\0';
		size_t vlen = len - (size_t)(eq - p) - 1;
		double v;
		struct cc_error err = {0};
		if (cc_is_blank(eq + 1, vlen))
			json_object_set_new(o, key, json_null());
		else if (cc_parse_number(eq + 1, vlen, &v, &err)) {
			cli_error("report: --values: %s: %s", key, err.msg);
			json_decref(o);
			return CLI_USAGE;
		} else
			json_object_set_new(o, key, json_real(v));
		p = e ? e + 1 : p + len;
	}
	*out = o;
	return 0;
}

static int64_t report_id(const char *s)
{
	long long id;
	if (cc_parse_int64(s, strlen(s), &id) || id < 1) {
		cli_error("report: '%s' is not a report number", s);
		return -1;
	}
	return id;
}

static int fail(const char *sub, int rc, const struct cc_error *err)
{
	cli_error("report %s: %s", sub, err->msg);
	return rc == CC_EINVAL || rc == CC_EEXIST || rc == CC_EPERM || rc == CC_EREJECT ? 2
											: CLI_FAIL;
}

static int sub_plan(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct cc_error err = {0};
	long long od = 0, dd = 0;
	(void)nargs;
	if ((val[OPEN_DAYS] && cc_parse_int64(val[OPEN_DAYS], strlen(val[OPEN_DAYS]), &od)) ||
	    (val[DUE_DAYS] && cc_parse_int64(val[DUE_DAYS], strlen(val[DUE_DAYS]), &dd))) {
		cli_error("report plan: --open-days and --due-days take whole numbers");
		return CLI_USAGE;
	}
	struct report_plan_new p = {args[0], val[METRICS], val[RULE],	val[FREQUENCY],
				    (int)od, (int)dd,	   actor_name()};
	int64_t id = 0;
	int rc = cli_open_store(ctx, 0);
	if (rc)
		return rc;
	rc = report_plan_create(ctx->store, &p, &id, &err);
	if (rc)
		return fail("plan", rc, &err);
	if (ctx->format == CLI_FMT_JSON)
		return print_json(json_pack("{s:I}", "id", (json_int_t)id));
	printf("plan %lld created\n", (long long)id);
	return CLI_OK;
}

static int sub_plans(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	static const char *const cols[] = {"id#",	"name",	     "metrics",
					   "rule",	"frequency", "open_days#",
					   "due_days#", "periods#",  "latest_period"};
	static const char *const keys[] = {"id",       "name",	    "metrics",
					   "rule",     "frequency", "open_days",
					   "due_days", "periods",   "latest_period"};
	struct cc_error err = {0};
	(void)val;
	(void)args;
	(void)nargs;
	int rc = cli_open_store(ctx, 0);
	if (rc)
		return rc;
	json_t *j = report_plans(ctx->store, &err);
	if (!j)
		return fail("plans", CC_EDB, &err);
	if (ctx->format == CLI_FMT_JSON)
		return print_json(j);
	rc = table(ctx, 9, cols, json_object_get(j, "plans"), keys);
	json_decref(j);
	return rc;
}

static int sub_open(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct cc_error err = {0};
	int today = 0, period = 0, per = 0;
	int64_t plan = 0, opened = 0;
	(void)nargs;
	val[PLAN] = args[0];
	int rc = common(ctx, val, &today, &period, &plan);
	if (rc)
		return rc;
	rc = report_open(ctx->store, plan, period, today, actor_name(), &per, &opened, &err);
	if (rc)
		return fail("open", rc, &err);
	char ps[8];
	report_period_format(per, ps);
	if (ctx->format == CLI_FMT_JSON)
		return print_json(
			json_pack("{s:s, s:I}", "period", ps, "opened", (json_int_t)opened));
	printf("period %s: %lld reports opened\n", ps, (long long)opened);
	return CLI_OK;
}

static int sub_list(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	static const char *const cols[] = {"id#",    "plan_name", "uscc",   "name",
					   "period", "due",	  "status", "state"};
	static const char *const keys[] = {"id",     "plan_name", "uscc",   "name",
					   "period", "due",	  "status", "state"};
	struct cc_error err = {0};
	struct report_filter f = {0};
	long long lim = 0;
	(void)args;
	(void)nargs;
	int rc = common(ctx, val, &f.today, &f.period, &f.plan);
	if (rc == 0)
		rc = cli_open_store(ctx, 0);
	if (rc)
		return rc;
	if (val[LIMIT] && cc_parse_int64(val[LIMIT], strlen(val[LIMIT]), &lim)) {
		cli_error("report list: --limit takes a number");
		return CLI_USAGE;
	}
	f.limit = (int)lim;
	f.status = val[STATUS];
	f.uscc = val[USCC];
	json_t *j = report_list(ctx->store, &f, &err);
	if (!j)
		return fail("list", CC_EDB, &err);
	if (ctx->format == CLI_FMT_JSON)
		return print_json(j);
	rc = table(ctx, 8, cols, json_object_get(j, "reports"), keys);
	json_decref(j);
	return rc;
}

static int sub_show(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	static const char *const cols[] = {"metric", "name_zh=名称", "value#",
					   "last#",  "last_year#",   "soft"};
	static const char *const keys[] = {"metric", "name_zh",	  "value",
					   "last",   "last_year", "soft"};
	struct cc_error err = {0};
	int today = 0;
	int64_t id = report_id(args[0]);
	(void)nargs;
	if (id < 0)
		return CLI_USAGE;
	int rc = common(ctx, val, &today, NULL, NULL);
	if (rc == 0)
		rc = cli_open_store(ctx, 0);
	if (rc)
		return rc;
	json_t *j = report_get(ctx->store, id, today, &err);
	if (!j)
		return fail("show", err.code ? err.code : CC_EDB, &err);
	if (ctx->format == CLI_FMT_JSON)
		return print_json(j);
	printf("report %lld: %s %s, plan %s, period %s, due %s, %s%s\n", (long long)id,
	       json_string_value(json_object_get(j, "uscc")),
	       json_string_value(json_object_get(j, "name")),
	       json_string_value(json_object_get(j, "plan_name")),
	       json_string_value(json_object_get(j, "period")),
	       json_string_value(json_object_get(j, "due")),
	       json_string_value(json_object_get(j, "status")),
	       json_is_true(json_object_get(j, "overdue")) ? " (overdue)" : "");
	if (json_is_string(json_object_get(j, "comment")))
		printf("comment: %s\n", json_string_value(json_object_get(j, "comment")));
	if (json_is_string(json_object_get(j, "explanation")))
		printf("explanation: %s\n", json_string_value(json_object_get(j, "explanation")));
	rc = table(ctx, 6, cols, json_object_get(j, "fields"), keys);
	json_decref(j);
	return rc;
}

/* fill and submit. */
static int write_report(struct cli_ctx *ctx, const char **val, const char **args, int submit)
{
	struct cc_error err = {0};
	const char *field = NULL;
	json_t *values = NULL, *warnings = NULL;
	int64_t id = report_id(args[0]);
	if (id < 0)
		return CLI_USAGE;
	int rc = values_arg(val[VALUES], &values);
	if (rc)
		return rc;
	rc = cli_open_store(ctx, 0);
	if (rc == 0)
		rc = submit ? report_submit(ctx->store, id, values, val[EXPLANATION], actor_name(),
					    &field, &warnings, &err)
			    : report_save(ctx->store, id, values, val[EXPLANATION], actor_name(),
					  &field, &err);
	json_decref(values);
	if (rc) {
		int code = fail(submit ? "submit" : "fill", rc, &err);
		for (size_t i = 0; i < json_array_size(warnings); i++) {
			json_t *w = json_array_get(warnings, i);
			fprintf(stderr, "  %s: %s / %s\n",
				json_string_value(json_object_get(w, "metric")),
				json_string_value(json_object_get(w, "message_zh")),
				json_string_value(json_object_get(w, "message_en")));
		}
		json_decref(warnings);
		return code;
	}
	printf("report %lld %s\n", (long long)id, submit ? "submitted" : "saved");
	return CLI_OK;
}

static int sub_fill(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)nargs;
	return write_report(ctx, val, args, 0);
}

static int sub_submit(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)nargs;
	return write_report(ctx, val, args, 1);
}

static int sub_review(struct cli_ctx *ctx, const char **val, const char **args, int accept)
{
	struct cc_error err = {0};
	int64_t id = report_id(args[0]);
	if (id < 0)
		return CLI_USAGE;
	int rc = cli_open_store(ctx, 0);
	if (rc)
		return rc;
	rc = accept ? report_accept(ctx->store, id, actor_name(), &err)
		    : report_return(ctx->store, id, val[COMMENT], actor_name(), &err);
	if (rc)
		return fail(accept ? "accept" : "return", rc, &err);
	printf("report %lld %s\n", (long long)id, accept ? "accepted" : "returned");
	return CLI_OK;
}

static int sub_return(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)nargs;
	return sub_review(ctx, val, args, 0);
}

static int sub_accept(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)nargs;
	return sub_review(ctx, val, args, 1);
}

static int sub_status(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	static const char *const dcols[] = {"region#",	 "name=区县", "total#",
					    "reported#", "pending#",  "overdue#"};
	static const char *const dkeys[] = {"region",	"name",	   "total",
					    "reported", "pending", "overdue"};
	static const char *const ccols[] = {"chain",	 "name_zh=产业链", "total#",
					    "reported#", "pending#",	   "overdue#"};
	static const char *const ckeys[] = {"chain",	"name_zh", "total",
					    "reported", "pending", "overdue"};
	static const char *const lcols[] = {"report#",		"uscc",	    "name",
					    "region_name=区县", "due",	    "days_overdue#",
					    "status",		"accounts", "contact"};
	static const char *const lkeys[] = {"report",	   "uscc",     "name",
					    "region_name", "due",      "days_overdue",
					    "status",	   "accounts", "contact"};
	struct cc_error err = {0};
	int today = 0, period = 0;
	int64_t plan = 0;
	(void)nargs;
	val[PLAN] = args[0];
	int rc = common(ctx, val, &today, &period, &plan);
	if (rc)
		return rc;
	json_t *j = report_completion(ctx->store, plan, period, today, &err);
	if (!j)
		return fail("status", err.code ? err.code : CC_EDB, &err);
	if (ctx->format == CLI_FMT_JSON)
		return print_json(j);
	printf("plan %s, period %s on %s: %lld firms, %lld reported (%lld accepted), %lld pending, "
	       "%lld overdue\n\n",
	       json_string_value(json_object_get(j, "plan_name")),
	       json_string_value(json_object_get(j, "period")),
	       json_string_value(json_object_get(j, "today")),
	       (long long)json_integer_value(json_object_get(j, "total")),
	       (long long)json_integer_value(json_object_get(j, "reported")),
	       (long long)json_integer_value(json_object_get(j, "accepted")),
	       (long long)json_integer_value(json_object_get(j, "pending")),
	       (long long)json_integer_value(json_object_get(j, "overdue")));
	rc = table(ctx, 6, dcols, json_object_get(j, "by_district"), dkeys);
	printf("\n");
	if (rc == CLI_OK)
		rc = table(ctx, 6, ccols, json_object_get(j, "by_chain"), ckeys);
	printf("\n");
	if (rc == CLI_OK)
		rc = table(ctx, 9, lcols, json_object_get(j, "overdue_firms"), lkeys);
	json_decref(j);
	return rc;
}

static int sub_remind(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct cc_error err = {0};
	int today = 0;
	int64_t plan = 0, n = 0;
	(void)args;
	(void)nargs;
	int rc = common(ctx, val, &today, NULL, &plan);
	if (rc == 0)
		rc = cli_open_store(ctx, 0);
	if (rc)
		return rc;
	rc = report_remind(ctx->store, plan, today, &n, &err);
	if (rc)
		return fail("remind", rc, &err);
	if (ctx->format == CLI_FMT_JSON)
		return print_json(json_pack("{s:I}", "notices", (json_int_t)n));
	printf("%lld reminders written\n", (long long)n);
	return CLI_OK;
}

static int sub_notices(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	static const char *const cols[] = {"id#",  "report#", "plan_name", "period",
					   "kind", "due",     "comment",   "created_at"};
	static const char *const keys[] = {"id",   "report", "plan_name", "period",
					   "kind", "due",    "comment",	  "created_at"};
	struct cc_error err = {0};
	(void)val;
	(void)nargs;
	int rc = cli_open_store(ctx, 0);
	if (rc)
		return rc;
	json_t *j = report_notices(ctx->store, args[0], 100, &err);
	if (!j)
		return fail("notices", CC_EDB, &err);
	if (ctx->format == CLI_FMT_JSON)
		return print_json(j);
	rc = table(ctx, 8, cols, json_object_get(j, "notices"), keys);
	json_decref(j);
	return rc;
}

static int sub_provenance(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	static const char *const cols[] = {"period", "metric", "value#", "source",
					   "ref#",   "actor",  "at",	 "file"};
	static const char *const keys[] = {"period", "metric", "value", "source",
					   "ref",    "actor",  "at",	"file"};
	struct cc_error err = {0};
	int period = 0;
	(void)nargs;
	int rc = common(ctx, val, NULL, &period, NULL);
	if (rc == 0)
		rc = cli_open_store(ctx, 0);
	if (rc)
		return rc;
	json_t *j = report_provenance(ctx->store, args[0], period, &err);
	if (!j)
		return fail("provenance", err.code ? err.code : CC_EDB, &err);
	if (ctx->format == CLI_FMT_JSON)
		return print_json(j);
	rc = table(ctx, 8, cols, json_object_get(j, "values"), keys);
	json_decref(j);
	return rc;
}

static int sub_template(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct cc_error err = {0};
	int period = 0;
	int64_t plan = 0, rows = 0;
	long long region = 0;
	(void)nargs;
	val[PLAN] = args[0];
	int rc = common(ctx, val, NULL, &period, &plan);
	if (rc)
		return rc;
	if (!period || (val[REGION] && cc_parse_int64(val[REGION], strlen(val[REGION]), &region))) {
		cli_error("report template: --period P is required; --region takes a region code");
		return CLI_USAGE;
	}
	rc = report_bulk_template(ctx->store, plan, period, (int)region, args[1], &rows, &err);
	if (rc)
		return fail("template", rc, &err);
	printf("%s: %lld firms\n", args[1], (long long)rows);
	return CLI_OK;
}

static int sub_upload(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct cc_error err = {0};
	int period = 0;
	int64_t plan = 0;
	json_t *res = NULL;
	char rejects[1024];
	(void)nargs;
	val[PLAN] = args[0];
	int rc = common(ctx, val, NULL, &period, &plan);
	if (rc)
		return rc;
	if (!period) {
		cli_error("report upload: --period P is required");
		return CLI_USAGE;
	}
	snprintf(rejects, sizeof rejects, "%s", val[REJECTS] ? val[REJECTS] : args[1]);
	if (!val[REJECTS])
		snprintf(rejects + strlen(rejects), sizeof rejects - strlen(rejects),
			 ".rejects.csv");
	rc = report_bulk_upload(ctx->store, plan, period, args[1], rejects, actor_name(), &res,
				&err);
	if (rc && rc != CC_EREJECT)
		return fail("upload", rc, &err);
	if (ctx->format == CLI_FMT_JSON) {
		print_json(res);
	} else {
		printf("%s: %lld rows, %lld submitted, %lld rejected, %lld left empty\n", args[1],
		       (long long)json_integer_value(json_object_get(res, "rows")),
		       (long long)json_integer_value(json_object_get(res, "accepted")),
		       (long long)json_integer_value(json_object_get(res, "rejected")),
		       (long long)json_integer_value(json_object_get(res, "skipped")));
		json_decref(res);
	}
	if (rc == CC_EREJECT) {
		fprintf(stderr, "rejected rows: %s\n", rejects);
		return 3;
	}
	remove(rejects);
	return CLI_OK;
}

static const struct cli_sub report_subs[] = {
	{"plans", sub_plans, 0, 0, 0, "plans"},
	{"plan", sub_plan, 1, 1,
	 CLI_OPT(METRICS) | CLI_OPT(RULE) | CLI_OPT(FREQUENCY) | CLI_OPT(OPEN_DAYS) |
		 CLI_OPT(DUE_DAYS),
	 "plan NAME --metrics M1,M2 --rule RULE [--frequency monthly|annual] [--open-days N] "
	 "[--due-days N]"},
	{"open", sub_open, 1, 1, CLI_OPT(PERIOD) | CLI_OPT(TODAY),
	 "open PLAN [--period P] [--today YYYY-MM-DD]"},
	{"list", sub_list, 0, 0,
	 CLI_OPT(PLAN) | CLI_OPT(PERIOD) | CLI_OPT(STATUS) | CLI_OPT(USCC) | CLI_OPT(TODAY) |
		 CLI_OPT(LIMIT),
	 "list [--plan P] [--period P] [--status S] [--uscc U] [--today D] [--limit N]"},
	{"show", sub_show, 1, 1, CLI_OPT(TODAY), "show ID [--today D]"},
	{"fill", sub_fill, 1, 1, CLI_OPT(VALUES) | CLI_OPT(EXPLANATION),
	 "fill ID --values m=v,m=v [--explanation TEXT]"},
	{"submit", sub_submit, 1, 1, CLI_OPT(VALUES) | CLI_OPT(EXPLANATION),
	 "submit ID [--values m=v,m=v] [--explanation TEXT]"},
	{"return", sub_return, 1, 1, CLI_OPT(COMMENT), "return ID --comment TEXT"},
	{"accept", sub_accept, 1, 1, 0, "accept ID"},
	{"status", sub_status, 1, 1, CLI_OPT(PERIOD) | CLI_OPT(TODAY),
	 "status PLAN [--period P] [--today D]"},
	{"remind", sub_remind, 0, 0, CLI_OPT(PLAN) | CLI_OPT(TODAY),
	 "remind [--plan P] [--today D]"},
	{"notices", sub_notices, 1, 1, 0, "notices USCC"},
	{"provenance", sub_provenance, 1, 1, CLI_OPT(PERIOD), "provenance USCC [--period P]"},
	{"template", sub_template, 2, 2, CLI_OPT(PERIOD) | CLI_OPT(REGION),
	 "template PLAN OUT.xlsx --period P [--region R]"},
	{"upload", sub_upload, 2, 2, CLI_OPT(PERIOD) | CLI_OPT(REJECTS),
	 "upload PLAN FILE --period P [--rejects F]"},
	{NULL, NULL, 0, 0, 0, NULL},
};

int cmd_report(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct cli_option opts[] = {
		{"metrics", 1},	 {"rule", 1},	{"frequency", 1}, {"open-days", 1},
		{"due-days", 1}, {"period", 1}, {"today", 1},	  {"plan", 1},
		{"status", 1},	 {"uscc", 1},	{"values", 1},	  {"explanation", 1},
		{"comment", 1},	 {"limit", 1},	{"region", 1},	  {"rejects", 1},
		{NULL, 0}};
	return cli_dispatch(ctx, cli_find("report"), report_subs, opts, argc, argv);
}
