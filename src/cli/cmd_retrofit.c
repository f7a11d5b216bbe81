/*
 * `chainchief retrofit list [--uscc U] [--region R] | show ID | add --file F.json | summary`:
 * the retrofit project register (技改项目, issue 16 item 5). Prints what the API's
 * /api/v1/retrofits… routes answer (the same writers); list as a table unless --format json.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/jw.h"
#include "cli/commands.h"
#include "digital/retrofit.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "frame/frame.h"
#include "match/match.h"

enum { O_USCC, O_REGION, O_FILE, O_LIMIT };

static int open_frame(struct cli_ctx *ctx, struct cc_frame **f)
{
	struct cc_error err = {0};
	if (cc_codes_load(&err) || !cc_catalogue_get(&err)) {
		cli_error("retrofit: %s", err.msg);
		return CLI_FAIL;
	}
	if (cli_open_store(ctx, 0))
		return CLI_FAIL;
	if (cc_frame_build(ctx->store, CC_FRAME_NO_SUPPLY, f, &err)) {
		cli_error("retrofit: %s", err.msg);
		return CLI_FAIL;
	}
	return CLI_OK;
}

/* Prints B (whole JSON) or, for a table, the "items" as rows of COLS. */
static int print(struct cli_ctx *ctx, struct cc_jw *w, struct cc_buf *b, int table)
{
	if (cc_jw_finish(w)) {
		cli_error("retrofit: the answer is too large");
		return CLI_FAIL;
	}
	if (!table || ctx->format == CLI_FMT_JSON) {
		fwrite(b->data, 1, b->len, stdout);
		fputc('\n', stdout);
		return CLI_OK;
	}
	static const char *const cols[] = {"id#",  "uscc",   "name=企业",   "title=项目",
					   "kind", "status", "investment#", "measured_saved#"};
	json_t *root = json_loadb(b->data, b->len, 0, NULL);
	struct cli_table t;
	cli_table_init(&t, 8, cols);
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(root, "items"), i, it)
	{
		char v[8][256];
		const char *row[8];
		static const char *const keys[8] = {"id",	  "uscc",	   "name",
						    "title",	  "kind",	   "status",
						    "investment", "measured_saved"};
		for (int k = 0; k < 8; k++) {
			json_t *x = json_object_get(it, keys[k]);
			v[k][0] = '\0';
			if (json_is_string(x))
				snprintf(v[k], sizeof v[k], "%s", json_string_value(x));
			else if (json_is_integer(x))
				snprintf(v[k], sizeof v[k], "%lld",
					 (long long)json_integer_value(x));
			else if (json_is_number(x))
				cc_num_format(json_number_value(x), 0, v[k], sizeof v[k]);
			row[k] = v[k];
		}
		cli_table_add(&t, row);
	}
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	json_decref(root);
	return CLI_OK;
}

static int sub_list(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)args, (void)nargs;
	struct cc_frame *f = NULL;
	struct cc_error err = {0};
	long long region = 0;
	if (val[O_REGION] && (region = cli_int_option("region", val[O_REGION], 1, 999999)) < 0)
		return CLI_USAGE;
	int rc = open_frame(ctx, &f);
	if (rc)
		return rc;
	int64_t ent = 0;
	if (val[O_USCC]) {
		int i = cc_frame_find(f, val[O_USCC]);
		if (i < 0) {
			cli_error("retrofit: no enterprise with credit code '%s'", val[O_USCC]);
			cc_frame_release(f);
			return CLI_FAIL;
		}
		ent = f->id[i];
	}
	struct cc_buf b = CC_BUF_INIT((size_t)1 << 28);
	struct cc_jw w;
	cc_jw_init(&w, &b);
	if (retrofit_write_list(&w, ctx->store, f, ent, (int)region, 0, NULL, &err)) {
		cli_error("retrofit: %s", err.msg);
		rc = CLI_FAIL;
	} else {
		rc = print(ctx, &w, &b, 1);
	}
	cc_buf_release(&b);
	cc_frame_release(f);
	return rc;
}

static int sub_show(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)val, (void)nargs;
	struct cc_frame *f = NULL;
	struct cc_error err = {0};
	long long id = cli_int_option("id", args[0], 1, 1LL << 60);
	if (id < 0)
		return CLI_USAGE;
	int rc = open_frame(ctx, &f);
	if (rc)
		return rc;
	struct cc_buf b = CC_BUF_INIT((size_t)1 << 22);
	struct cc_jw w;
	cc_jw_init(&w, &b);
	if (retrofit_write_list(&w, ctx->store, f, 0, 0, id, NULL, &err)) {
		cli_error("retrofit: %s", err.msg);
		rc = CLI_FAIL;
	} else if (cc_jw_finish(&w) == 0 && strstr(cc_buf_str(&b), "\"total\":0")) {
		cli_error("retrofit: no project %lld", id);
		rc = CLI_FAIL;
	} else {
		fwrite(b.data, 1, b.len, stdout);
		fputc('\n', stdout);
	}
	cc_buf_release(&b);
	cc_frame_release(f);
	return rc;
}

static int sub_add(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)args, (void)nargs;
	struct cc_frame *f = NULL;
	struct cc_error err = {0};
	if (!val[O_FILE]) {
		cli_error("retrofit: add needs --file F.json");
		return CLI_USAGE;
	}
	json_error_t je;
	json_t *body = json_load_file(val[O_FILE], JSON_REJECT_DUPLICATES, &je);
	if (!body) {
		cli_error("retrofit: '%s': line %d: %s", val[O_FILE], je.line, je.text);
		return CLI_FAIL;
	}
	struct retrofit r;
	char field[64];
	int rc = retrofit_parse(body, &r, field, &err);
	if (rc) {
		cli_error("retrofit: '%s': %s%s%s", val[O_FILE], field, *field ? ": " : "",
			  err.msg);
		json_decref(body);
		return CLI_FAIL;
	}
	rc = open_frame(ctx, &f);
	const char *uscc = json_string_value(json_object_get(body, "uscc"));
	int i = rc ? -1 : uscc ? cc_frame_find(f, uscc) : -1;
	if (!rc && i < 0) {
		cli_error("retrofit: '%s': uscc must be a registered enterprise", val[O_FILE]);
		rc = CLI_FAIL;
	}
	int64_t id = 0;
	if (!rc) {
		r.enterprise_id = f->id[i];
		char target[32];
		rc = cc_store_begin(ctx->store, &err);
		if (rc == 0)
			rc = retrofit_add(ctx->store, &r, "cli", &id, &err);
		snprintf(target, sizeof target, "retrofit/%lld", (long long)id);
		if (rc == 0)
			rc = cc_store_audit(ctx->store, "cli", "retrofit.create", target, NULL,
					    NULL, &err);
		if (rc == 0)
			rc = cc_store_commit(ctx->store, &err);
		else
			cc_store_rollback(ctx->store);
		int64_t need = 0;
		/* A planned project's need goes to the solution providers at once. */
		if (rc == 0 && !strcmp(r.status, "planned"))
			rc = retrofit_need_post(ctx->store, id, "cli", &need, NULL, &err);
		if (rc) {
			cli_error("retrofit: %s", err.msg);
			rc = CLI_FAIL;
		} else {
			printf("%lld\n", (long long)id);
		}
	}
	json_decref(body);
	cc_frame_release(f);
	return rc;
}

static int sub_summary(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)args, (void)nargs;
	struct cc_frame *f = NULL;
	struct cc_error err = {0};
	long long region = 0;
	if (val[O_REGION] && (region = cli_int_option("region", val[O_REGION], 1, 999999)) < 0)
		return CLI_USAGE;
	int rc = open_frame(ctx, &f);
	if (rc)
		return rc;
	struct cc_buf b = CC_BUF_INIT((size_t)1 << 24);
	struct cc_jw w;
	cc_jw_init(&w, &b);
	if (retrofit_write_summary(&w, ctx->store, f, (int)region, NULL, &err)) {
		cli_error("retrofit: %s", err.msg);
		rc = CLI_FAIL;
	} else {
		rc = print(ctx, &w, &b, 0);
	}
	cc_buf_release(&b);
	cc_frame_release(f);
	return rc;
}

static int sub_need(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)val, (void)nargs;
	struct cc_error err = {0};
	long long id = cli_int_option("id", args[0], 1, 1LL << 60);
	if (id < 0)
		return CLI_USAGE;
	if (cli_open_store(ctx, 0))
		return CLI_FAIL;
	int64_t posting = 0;
	int created = 0;
	if (retrofit_need_post(ctx->store, id, "cli", &posting, &created, &err)) {
		cli_error("retrofit need: %s", err.msg);
		return CLI_FAIL;
	}
	if (ctx->format == CLI_FMT_JSON)
		printf("{\"project\":%lld,\"need_posting\":%lld,\"created\":%s}\n", id,
		       (long long)posting, created ? "true" : "false");
	else
		printf("%lld\n", (long long)posting);
	return CLI_OK;
}

/*
 * match ID: the solution providers of project ID's need (posted first when it has none),
 * ranked by the matching engine; a table of rank, provider, score and the service
 * components, or (--format json) the items as GET /api/v1/retrofits/{id}/providers.
 */
static int sub_match(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)nargs;
	struct cc_error err = {0};
	struct cc_frame *f = NULL;
	struct match_result r;
	long long limit = 20;
	long long id = cli_int_option("id", args[0], 1, 1LL << 60);
	if (id < 0 ||
	    (val[O_LIMIT] && (limit = cli_int_option("limit", val[O_LIMIT], 1, 1000)) < 0))
		return CLI_USAGE;
	int rc = open_frame(ctx, &f);
	if (rc)
		return rc;
	int64_t posting = 0;
	if (retrofit_need_post(ctx->store, id, "cli", &posting, NULL, &err) ||
	    match_rank(ctx->store, f, posting, NULL, &r, &err)) {
		cli_error("retrofit match: %s", err.msg);
		cc_frame_release(f);
		return CLI_FAIL;
	}
	struct cc_buf b = CC_BUF_INIT((size_t)1 << 26), item = CC_BUF_INIT((size_t)1 << 20);
	struct cc_jw w;
	cc_jw_init(&w, &b);
	cc_jw_object(&w);
	cc_jw_kint(&w, "project", id);
	cc_jw_kint(&w, "need_posting", posting);
	cc_jw_kint(&w, "total", r.n);
	cc_jw_key(&w, "items");
	cc_jw_array(&w);
	int bad = 0;
	for (int i = 0; i < r.n && i < limit && !bad; i++) {
		cc_buf_reset(&item);
		bad = match_item_write(ctx->store, f, &r, i, &item);
		cc_jw_raw(&w, item.data ? item.data : "null", item.data ? item.len : 4);
	}
	cc_jw_end(&w);
	cc_jw_end(&w);
	if (bad || cc_jw_finish(&w)) {
		cli_error("retrofit match: the answer is too large");
		rc = CLI_FAIL;
	} else if (ctx->format == CLI_FMT_JSON) {
		fwrite(b.data, 1, b.len, stdout);
		fputc('\n', stdout);
	} else {
		static const char *const cols[] = {
			"rank#",       "uscc",	    "enterprise=服务商", "score#",
			"capability#", "industry#", "region_pref#",	 "track_record#"};
		json_t *root = json_loadb(b.data, b.len, 0, NULL);
		struct cli_table t;
		cli_table_init(&t, 8, cols);
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(root, "items"), i, it)
		{
			char v[8][160];
			const char *row[8];
			snprintf(v[0], sizeof v[0], "%lld",
				 (long long)json_integer_value(json_object_get(it, "rank")));
			snprintf(v[1], sizeof v[1], "%s",
				 json_string_value(json_object_get(it, "uscc")));
			snprintf(v[2], sizeof v[2], "%s",
				 json_string_value(json_object_get(it, "enterprise")));
			snprintf(v[3], sizeof v[3], "%.3f",
				 json_number_value(json_object_get(it, "score")));
			static const char *const comps[4] = {"capability", "industry",
							     "region_pref", "track_record"};
			for (int c = 0; c < 4; c++) {
				snprintf(v[4 + c], sizeof v[4 + c], "-");
				size_t k;
				json_t *e;
				json_array_foreach(json_object_get(it, "explanation"), k, e)
				{
					const char *name =
						json_string_value(json_object_get(e, "component"));
					if (name && !strcmp(name, comps[c]))
						snprintf(v[4 + c], sizeof v[4 + c], "%.2f",
							 json_number_value(
								 json_object_get(e, "value")));
				}
			}
			for (int c = 0; c < 8; c++)
				row[c] = v[c];
			cli_table_add(&t, row);
		}
		cli_table_print(&t, stdout, ctx->format);
		cli_table_release(&t);
		json_decref(root);
	}
	cc_buf_release(&b);
	cc_buf_release(&item);
	match_result_free(&r);
	cc_frame_release(f);
	return rc;
}

static const struct cli_sub retrofit_subs[] = {
	{"", sub_list, 0, 0, CLI_OPT(O_USCC) | CLI_OPT(O_REGION), "[--uscc U] [--region R]"},
	{"list", sub_list, 0, 0, CLI_OPT(O_USCC) | CLI_OPT(O_REGION),
	 "list [--uscc U] [--region R]"},
	{"show", sub_show, 1, 1, 0, "show ID"},
	{"add", sub_add, 0, 0, CLI_OPT(O_FILE), "add --file F.json"},
	{"summary", sub_summary, 0, 0, CLI_OPT(O_REGION), "summary [--region R]"},
	{"need", sub_need, 1, 1, 0, "need ID"},
	{"match", sub_match, 1, 1, CLI_OPT(O_LIMIT), "match ID [--limit N]"},
	{NULL, NULL, 0, 0, 0, NULL}};

int cmd_retrofit(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct cli_option opts[] = {
		{"uscc", 1}, {"region", 1}, {"file", 1}, {"limit", 1}, {NULL, 0}};
	return cli_dispatch(ctx, cli_find("retrofit"), retrofit_subs, opts, argc, argv);
}
