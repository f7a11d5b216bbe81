/*
 * `chainchief match`: the supply–demand platform from the command line — post, edit, withdraw,
 * search, ranked matches with their explanation, subscriptions and inbox, deals, statistics.
 * The work is match/'s; this file turns it into tables or JSON.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/jw.h"
#include "base/parse.h"
#include "cli/commands.h"
#include "match/match.h"

static const char *actor_name(void)
{
	const char *u = getenv("USER");
	return u && *u ? u : "cli";
}

static void print_json(json_t *j)
{
	cc_jw_print_json(j, stdout);
}

static long long id_arg(const char *what, const char *s)
{
	long long id;
	if (!s || cc_parse_int64(s, strlen(s), &id) || id < 1) {
		cli_error("match %s: '%s' is not a posting number", what, s ? s : "");
		return -1;
	}
	return id;
}

static const char *js(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

/* Prints postings ITEMS as a table. */
static void postings_table(struct cli_ctx *ctx, json_t *items)
{
	static const char *const cols[] = {"id#",  "kind",	"title", "enterprise",	"region#",
					   "node", "quantity#", "unit",	 "valid_until", "status"};
	struct cli_table t;
	cli_table_init(&t, 10, cols);
	size_t i;
	json_t *p;
	json_array_foreach(items, i, p)
	{
		char id[24], region[16], qty[40] = "", node[160] = "";
		snprintf(id, sizeof id, "%lld",
			 (long long)json_integer_value(json_object_get(p, "id")));
		snprintf(region, sizeof region, "%lld",
			 (long long)json_integer_value(json_object_get(p, "region")));
		json_t *q = json_object_get(p, "quantity");
		if (json_is_number(q))
			cc_num_format(json_number_value(q), CC_NUM_TEXT, qty, sizeof qty);
		if (*js(p, "chain"))
			snprintf(node, sizeof node, "%s.%s", js(p, "chain"), js(p, "node"));
		const char *v[10] = {
			id,   js(p, "kind"), js(p, "title"), js(p, "enterprise"),  region,
			node, qty,	     js(p, "unit"),  js(p, "valid_until"), js(p, "status")};
		cli_table_add(&t, v);
	}
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
}

static int fail(const char *sub, const struct cc_error *err)
{
	cli_error("match %s: %s", sub, err->msg);
	return CLI_FAIL;
}

/* The options of every subcommand; each row of the table below says which it takes. */
enum {
	KIND,
	USCC,
	TITLE,
	DESC,
	NODE,
	QTY,
	UNIT,
	REGIONS,
	UNTIL,
	CONTACT,
	Q,
	CHAIN,
	REGION,
	STATE,
	LIMIT,
	OFFSET,
	USER,
	KEYWORD,
	WITH,
	STATUS,
	VALUE,
	COMMENT,
	UNREAD,
	TODAY,
	CATEGORY,
	CAPS,
	INDUSTRIES,
	NOPT
};

/*
 * Opens the store and, unless REFRESH is 0, brings the match index up to date with what was
 * imported since (every subcommand but reindex reads it). Returns CLI_OK or the exit status.
 */
static int open_match(struct cli_ctx *ctx, const char *sub, int refresh)
{
	struct cc_error err = {0};
	int rc = cli_open_store(ctx, 0);
	if (rc)
		return rc;
	if (refresh && match_refresh(ctx->store, &err))
		return fail(sub, &err);
	return CLI_OK;
}

/* Reads --limit (default 20) and --offset (default 0). Returns 0, or -1 after the message. */
static int paging(const char **val, long long *limit, long long *offset)
{
	*limit = 20;
	*offset = 0;
	if (val[LIMIT] && (*limit = cli_int_option("limit", val[LIMIT], 1, 1000)) < 0)
		return -1;
	if (val[OFFSET] && (*offset = cli_int_option("offset", val[OFFSET], 0, 1000000)) < 0)
		return -1;
	return 0;
}

/* post (no argument) and edit ID: one posting from the options. */
static int save(struct cli_ctx *ctx, const char *sub, const char **val, const char *id_word)
{
	struct cc_error err = {0};
	struct posting_in in = {0};
	int64_t id = 0;
	int rc;
	if (id_word && (in.id = id_arg(sub, id_word)) < 0)
		return CLI_USAGE;
	if ((rc = open_match(ctx, sub, 1)))
		return rc;
	in.kind = val[KIND];
	in.uscc = val[USCC];
	in.title = val[TITLE];
	in.description = val[DESC];
	in.node = val[NODE];
	in.quantity = val[QTY];
	in.unit = val[UNIT];
	in.region_pref = val[REGIONS];
	in.valid_until = val[UNTIL];
	in.contact = val[CONTACT];
	in.category = val[CATEGORY];
	in.capabilities = val[CAPS];
	in.industries = val[INDUSTRIES];
	in.actor = actor_name();
	if (posting_save(ctx->store, &in, &id, &err))
		return fail(sub, &err);
	json_t *p = posting_get(ctx->store, id, 1, &err);
	if (ctx->format == CLI_FMT_JSON)
		print_json(p);
	else
		printf("posting %lld %s: %s\n", (long long)id, in.id ? "saved" : "created",
		       js(p, "title"));
	json_decref(p);
	return CLI_OK;
}

static int sub_post(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)args;
	(void)nargs;
	return save(ctx, "post", val, NULL);
}

static int sub_edit(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)nargs;
	return save(ctx, "edit", val, args[0]);
}

static int sub_withdraw(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct cc_error err = {0};
	long long id = id_arg("withdraw", args[0]);
	int rc;
	(void)val;
	(void)nargs;
	if (id < 0)
		return CLI_USAGE;
	if ((rc = open_match(ctx, "withdraw", 1)))
		return rc;
	if (posting_withdraw(ctx->store, id, actor_name(), &err))
		return fail("withdraw", &err);
	printf("posting %lld withdrawn\n", id);
	return CLI_OK;
}

static int sub_show(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct cc_error err = {0};
	long long id = id_arg("show", args[0]);
	int rc;
	(void)val;
	(void)nargs;
	if (id < 0)
		return CLI_USAGE;
	if ((rc = open_match(ctx, "show", 1)))
		return rc;
	json_t *p = posting_get(ctx->store, id, 1, &err);
	if (!p)
		return fail("show", &err);
	if (ctx->format == CLI_FMT_JSON) {
		print_json(p);
	} else {
		json_t *a = json_array();
		json_array_append(a, p);
		postings_table(ctx, a);
		json_decref(a);
		if (*js(p, "description"))
			printf("\n%s\n", js(p, "description"));
	}
	json_decref(p);
	return CLI_OK;
}

/* search [WORD]: a word after `search` is the text to look for, as --q is. */
static int sub_search(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct cc_error err = {0};
	long long limit, offset;
	int rc;
	if (nargs && val[Q]) {
		cli_error("match search: give the text once, as a word or as --q, not both");
		cli_usage("match search [WORD | --q TEXT] [--kind K] [--chain C] [--node N] "
			  "[--region R] [--uscc U] [--state S]");
		return CLI_USAGE;
	}
	if (paging(val, &limit, &offset))
		return CLI_USAGE;
	struct posting_query q = {nargs ? args[0] : val[Q],
				  val[KIND],
				  val[CHAIN],
				  NULL,
				  0,
				  val[USCC],
				  val[STATE],
				  (int)limit,
				  (int)offset,
				  NULL,
				  0};
	if (val[NODE]) {
		const char *dot = strchr(val[NODE], '.');
		q.node = dot ? dot + 1 : val[NODE];
	}
	if (val[REGION] && (q.region = (int)cli_int_option("region", val[REGION], 1, 999999)) < 0)
		return CLI_USAGE;
	if ((rc = open_match(ctx, "search", 1)))
		return rc;
	json_t *r = posting_search(ctx->store, &q, &err);
	if (!r)
		return fail("search", &err);
	if (ctx->format == CLI_FMT_JSON) {
		print_json(r);
	} else {
		postings_table(ctx, json_object_get(r, "items"));
		fprintf(stderr, "%lld postings (%s)\n",
			(long long)json_integer_value(json_object_get(r, "total")), js(r, "mode"));
	}
	json_decref(r);
	return CLI_OK;
}

/* Prints the ranked counterparts OFFSET .. OFFSET + LIMIT of R as a table. */
static void find_table(struct cli_ctx *ctx, const struct cc_frame *f, struct match_result *r,
		       long long limit, long long offset)
{
	static const char *const cols[] = {"rank#",	 "score#",  "type",  "id#",   "title",
					   "enterprise", "region#", "text#", "node#", "industry#",
					   "pref#",	 "pair#",   "qty#",  "cred#", "matched"};
	struct cli_table t;
	cli_table_init(&t, 15, cols);
	for (int i = (int)offset; i < r->n && i < offset + limit; i++) {
		match_item_text(ctx->store, r, i);
		const struct match_item *it = &r->items[i];
		char c[10][32];
		snprintf(c[0], 32, "%d", i + 1);
		snprintf(c[1], 32, "%.4f", it->score);
		snprintf(c[2], 32, "%lld", (long long)it->id);
		snprintf(c[3], 32, "%d", f->region[it->ent]);
		for (int k = 0; k < 6; k++)
			snprintf(c[4 + k], 32, "%.2f", it->comp[k]);
		char q2[32], cr[32];
		snprintf(q2, 32, "%.2f", it->comp[5]);
		snprintf(cr, 32, "%.2f", it->comp[6]);
		const char *v[15] = {c[0], c[1],      it->is_posting ? "posting" : "enterprise",
				     c[2], it->title, f->name[it->ent],
				     c[3], c[4],      c[5],
				     c[6], c[7],      c[8],
				     q2,   cr,	      it->matched};
		cli_table_add(&t, v);
	}
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	fprintf(stderr, "%d counterparts; query: %s\n", r->n, r->query[0] ? r->query : "(none)");
}

static int sub_find(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct cc_error err = {0};
	struct cc_frame *f = NULL;
	struct match_result r;
	long long limit, offset;
	long long id = id_arg("find", args[0]);
	int rc;
	(void)nargs;
	if (id < 0 || paging(val, &limit, &offset))
		return CLI_USAGE;
	if ((rc = open_match(ctx, "find", 1)))
		return rc;
	if (cc_frame_build(ctx->store, 0, &f, &err))
		return fail("find", &err);
	if (match_rank(ctx->store, f, id, val[TODAY], &r, &err)) {
		cc_frame_release(f);
		return fail("find", &err);
	}
	if (ctx->format == CLI_FMT_JSON) {
		/* The items as the API writes them (match_item_write), straight into the text:
		 * no tree built from text parsed again. */
		struct cc_buf b = CC_BUF_INIT((size_t)1 << 30), item = CC_BUF_INIT((size_t)1 << 24);
		struct cc_jw w;
		cc_jw_init(&w, &b);
		cc_jw_object(&w);
		cc_jw_kint(&w, "posting", id);
		cc_jw_kstr(&w, "query", r.query);
		cc_jw_kstr(&w, "query_partial", r.partial[0] ? r.partial : NULL);
		cc_jw_kint(&w, "total", r.n);
		cc_jw_key(&w, "items");
		cc_jw_array(&w);
		int bad = 0;
		for (int i = (int)offset; i < r.n && i < offset + limit && !bad; i++) {
			cc_buf_reset(&item);
			bad = match_item_write(ctx->store, f, &r, i, &item);
			cc_jw_raw(&w, item.data ? item.data : "null", item.data ? item.len : 4);
		}
		cc_jw_end(&w);
		cc_jw_end(&w);
		if (bad || cc_jw_print(&w, stdout)) {
			cc_error_set(&err, CC_ENOMEM, "out of memory writing the matches");
			rc = CLI_FAIL;
		}
		cc_buf_release(&item);
		cc_buf_release(&b);
		if (rc) {
			match_result_free(&r);
			cc_frame_release(f);
			return fail("find", &err);
		}
	} else {
		find_table(ctx, f, &r, limit, offset);
	}
	match_result_free(&r);
	cc_frame_release(f);
	return CLI_OK;
}

static int sub_follow(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct cc_error err = {0};
	const char *what = val[NODE]	  ? "node"
			   : val[REGION]  ? "region"
			   : val[KEYWORD] ? "keyword"
					  : NULL;
	const char *value = val[NODE] ? val[NODE] : val[REGION] ? val[REGION] : val[KEYWORD];
	int64_t id = 0;
	int rc;
	(void)args;
	(void)nargs;
	if (!val[USER] || !what) {
		cli_error("match follow: give --user and one of --node, --region, --keyword");
		return CLI_USAGE;
	}
	if ((rc = open_match(ctx, "follow", 1)))
		return rc;
	int64_t delivered = 0;
	if (match_follow(ctx->store, val[USER], what, value, val[KIND], &id, &delivered, &err))
		return fail("follow", &err);
	printf("subscription %lld: %s follows %s %s (%lld open postings delivered)\n",
	       (long long)id, val[USER], what, value, (long long)delivered);
	return CLI_OK;
}

static int sub_unfollow(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct cc_error err = {0};
	long long id = id_arg("unfollow", args[0]);
	int rc;
	(void)nargs;
	if (id < 0 || !val[USER]) {
		cli_error("match unfollow: give --user and the subscription number");
		return CLI_USAGE;
	}
	if ((rc = open_match(ctx, "unfollow", 1)))
		return rc;
	if (match_unfollow(ctx->store, val[USER], id, &err))
		return fail("unfollow", &err);
	printf("subscription %lld removed\n", id);
	return CLI_OK;
}

static void inbox_table(struct cli_ctx *ctx, json_t *r)
{
	static const char *const cols[] = {"id#",      "at",   "read",	"follows",
					   "posting#", "kind", "title", "enterprise"};
	struct cli_table t;
	size_t i;
	json_t *it;
	cli_table_init(&t, 8, cols);
	json_array_foreach(json_object_get(r, "items"), i, it)
	{
		json_t *p = json_object_get(it, "posting"),
		       *s = json_object_get(it, "subscription");
		char id[24], pid[24], fo[200];
		snprintf(id, sizeof id, "%lld",
			 (long long)json_integer_value(json_object_get(it, "id")));
		snprintf(pid, sizeof pid, "%lld",
			 (long long)json_integer_value(json_object_get(p, "id")));
		snprintf(fo, sizeof fo, "%s %s", js(s, "what"), js(s, "value"));
		const char *v[8] = {id,
				    js(it, "at"),
				    json_is_true(json_object_get(it, "read")) ? "yes" : "no",
				    fo,
				    pid,
				    js(p, "kind"),
				    js(p, "title"),
				    js(p, "enterprise")};
		cli_table_add(&t, v);
	}
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
}

static void subscriptions_table(struct cli_ctx *ctx, json_t *r)
{
	static const char *const cols[] = {"id#", "what", "value", "kind", "delivered#", "since"};
	struct cli_table t;
	size_t i;
	json_t *s;
	cli_table_init(&t, 6, cols);
	json_array_foreach(r, i, s)
	{
		char id[24], n[24];
		snprintf(id, sizeof id, "%lld",
			 (long long)json_integer_value(json_object_get(s, "id")));
		snprintf(n, sizeof n, "%lld",
			 (long long)json_integer_value(json_object_get(s, "delivered")));
		const char *v[6] = {id, js(s, "what"),	    js(s, "value"), js(s, "kind"),
				    n,	js(s, "created_at")};
		cli_table_add(&t, v);
	}
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
}

/* subscriptions and inbox: what account --user follows, and what reached it. */
static int user_feed(struct cli_ctx *ctx, const char *sub, const char **val, int inbox)
{
	struct cc_error err = {0};
	long long limit, offset;
	int rc;
	if (!val[USER]) {
		cli_error("match %s: give --user", sub);
		return CLI_USAGE;
	}
	if (paging(val, &limit, &offset))
		return CLI_USAGE;
	if ((rc = open_match(ctx, sub, 1)))
		return rc;
	json_t *r =
		inbox ? match_inbox(ctx->store, val[USER], (int)limit, val[UNREAD] != NULL, &err)
		      : match_subscriptions(ctx->store, val[USER], &err);
	if (!r)
		return fail(sub, &err);
	if (ctx->format == CLI_FMT_JSON)
		print_json(r);
	else if (inbox)
		inbox_table(ctx, r);
	else
		subscriptions_table(ctx, r);
	json_decref(r);
	return CLI_OK;
}

static int sub_subscriptions(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)args;
	(void)nargs;
	return user_feed(ctx, "subscriptions", val, 0);
}

static int sub_inbox(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)args;
	(void)nargs;
	return user_feed(ctx, "inbox", val, 1);
}

static int sub_deal(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct cc_error err = {0};
	long long id = id_arg("deal", args[0]);
	long long cp = 0;
	const char *cp_uscc = NULL;
	double v = NAN;
	int64_t did = 0;
	int rc;
	(void)nargs;
	if (id < 0 || !val[WITH] || !val[STATUS]) {
		cli_error("match deal: give the posting, --with POSTING|USCC and --status");
		return CLI_USAGE;
	}
	if (strlen(val[WITH]) == 18)
		cp_uscc = val[WITH];
	else if ((cp = id_arg("deal", val[WITH])) < 0)
		return CLI_USAGE;
	if (val[VALUE] && cc_parse_number(val[VALUE], strlen(val[VALUE]), &v, &err)) {
		cli_error("match deal: --value '%s' is not a number", val[VALUE]);
		return CLI_USAGE;
	}
	if ((rc = open_match(ctx, "deal", 1)))
		return rc;
	if (match_deal_mark(ctx->store, id, cp, cp_uscc, val[STATUS], v, val[COMMENT], actor_name(),
			    &did, &err))
		return fail("deal", &err);
	printf("deal %lld: %s\n", (long long)did, val[STATUS]);
	return CLI_OK;
}

static int sub_deals(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	static const char *const cols[] = {"id#",   "status", "value#", "supplier",
					   "buyer", "title",  "updated"};
	struct cc_error err = {0};
	struct cli_table t;
	long long limit, offset;
	size_t i;
	json_t *d;
	int rc;
	(void)args;
	(void)nargs;
	if (paging(val, &limit, &offset))
		return CLI_USAGE;
	if ((rc = open_match(ctx, "deals", 1)))
		return rc;
	json_t *r = match_deals(ctx->store, val[USCC], (int)limit, &err);
	if (!r)
		return fail("deals", &err);
	if (ctx->format == CLI_FMT_JSON) {
		print_json(r);
		json_decref(r);
		return CLI_OK;
	}
	cli_table_init(&t, 7, cols);
	json_array_foreach(r, i, d)
	{
		char id[24], v[40] = "";
		snprintf(id, sizeof id, "%lld",
			 (long long)json_integer_value(json_object_get(d, "id")));
		if (json_is_number(json_object_get(d, "value")))
			cc_num_format(json_number_value(json_object_get(d, "value")), CC_NUM_TEXT,
				      v, sizeof v);
		const char *row[7] = {id,
				      js(d, "status"),
				      v,
				      js(json_object_get(d, "supplier"), "name"),
				      js(json_object_get(d, "buyer"), "name"),
				      js(d, "title"),
				      js(d, "updated_at")};
		cli_table_add(&t, row);
	}
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	json_decref(r);
	return CLI_OK;
}

static long long ji(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

static int sub_stats(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	static const char *const cols[] = {"direction", "deals#", "agreed#", "value#"};
	struct cc_error err = {0};
	struct cli_table t;
	size_t i;
	json_t *d;
	int rc;
	(void)val;
	(void)args;
	(void)nargs;
	if ((rc = open_match(ctx, "stats", 1)))
		return rc;
	json_t *r = match_stats(ctx->store, &err);
	if (!r)
		return fail("stats", &err);
	if (ctx->format == CLI_FMT_JSON) {
		print_json(r);
		json_decref(r);
		return CLI_OK;
	}
	json_t *tot = json_object_get(r, "totals");
	printf("postings %lld (open: supply %lld, demand %lld; expired %lld), deals %lld, agreed "
	       "%lld (%.2f 万元)\n\n",
	       ji(tot, "postings"), ji(tot, "open_supply"), ji(tot, "open_demand"),
	       ji(tot, "expired"), ji(tot, "deals"), ji(tot, "agreed"),
	       json_number_value(json_object_get(tot, "value")));
	cli_table_init(&t, 4, cols);
	json_array_foreach(json_object_get(r, "by_direction"), i, d)
	{
		char a[24], b[24], c[40];
		snprintf(a, sizeof a, "%lld", ji(d, "deals"));
		snprintf(b, sizeof b, "%lld", ji(d, "agreed"));
		snprintf(c, sizeof c, "%.2f", json_number_value(json_object_get(d, "value")));
		const char *row[4] = {js(d, "name_zh"), a, b, c};
		cli_table_add(&t, row);
	}
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	json_decref(r);
	return CLI_OK;
}

static int sub_reindex(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct cc_error err = {0};
	int rc;
	(void)val;
	(void)args;
	(void)nargs;
	if ((rc = open_match(ctx, "reindex", 0)))
		return rc;
	if (match_index_rebuild(ctx->store, &err) || match_refresh(ctx->store, &err))
		return fail("reindex", &err);
	printf("enterprise product index rebuilt\n");
	return CLI_OK;
}

#define POSTING_OPTS                                                                               \
	(CLI_OPT(KIND) | CLI_OPT(USCC) | CLI_OPT(TITLE) | CLI_OPT(DESC) | CLI_OPT(NODE) |          \
	 CLI_OPT(QTY) | CLI_OPT(UNIT) | CLI_OPT(REGIONS) | CLI_OPT(UNTIL) | CLI_OPT(CONTACT) |     \
	 CLI_OPT(CATEGORY) | CLI_OPT(CAPS) | CLI_OPT(INDUSTRIES))
#define POSTING_USAGE                                                                              \
	"--kind supply|demand --uscc U --title T [--description D] [--node N] [--quantity Q] "     \
	"[--unit U] [--regions R] [--valid-until DATE] [--contact C] [--category product|service " \
	"--capabilities C1;C2 [--industries C36;C34]]"

static const struct cli_sub match_subs[] = {
	{"post", sub_post, 0, 0, POSTING_OPTS, "post " POSTING_USAGE},
	{"edit", sub_edit, 1, 1, POSTING_OPTS, "edit ID " POSTING_USAGE},
	{"withdraw", sub_withdraw, 1, 1, 0, "withdraw ID"},
	{"show", sub_show, 1, 1, 0, "show ID"},
	{"search", sub_search, 0, 1,
	 CLI_OPT(Q) | CLI_OPT(KIND) | CLI_OPT(CHAIN) | CLI_OPT(NODE) | CLI_OPT(REGION) |
		 CLI_OPT(USCC) | CLI_OPT(STATE) | CLI_OPT(LIMIT) | CLI_OPT(OFFSET),
	 "search [WORD | --q TEXT] [--kind K] [--chain C] [--node N] [--region R] [--uscc U] "
	 "[--state S] [--limit N] [--offset N]"},
	{"find", sub_find, 1, 1, CLI_OPT(LIMIT) | CLI_OPT(OFFSET) | CLI_OPT(TODAY),
	 "find ID [--limit N] [--offset N] [--today DATE]"},
	{"follow", sub_follow, 0, 0,
	 CLI_OPT(USER) | CLI_OPT(NODE) | CLI_OPT(REGION) | CLI_OPT(KEYWORD) | CLI_OPT(KIND),
	 "follow --user U --node N|--region R|--keyword K [--kind K]"},
	{"unfollow", sub_unfollow, 1, 1, CLI_OPT(USER), "unfollow ID --user U"},
	{"subscriptions", sub_subscriptions, 0, 0, CLI_OPT(USER), "subscriptions --user U"},
	{"inbox", sub_inbox, 0, 0, CLI_OPT(USER) | CLI_OPT(LIMIT) | CLI_OPT(UNREAD),
	 "inbox --user U [--unread] [--limit N]"},
	{"deal", sub_deal, 1, 1,
	 CLI_OPT(WITH) | CLI_OPT(STATUS) | CLI_OPT(VALUE) | CLI_OPT(COMMENT),
	 "deal ID --with POSTING|USCC --status S [--value V] [--comment C]"},
	{"deals", sub_deals, 0, 0, CLI_OPT(USCC) | CLI_OPT(LIMIT), "deals [--uscc U] [--limit N]"},
	{"stats", sub_stats, 0, 0, 0, "stats"},
	{"reindex", sub_reindex, 0, 0, 0, "reindex"},
	{NULL, NULL, 0, 0, 0, NULL},
};

int cmd_match(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct cli_option opts[] = {
		{"kind", 1},	    {"uscc", 1},	 {"title", 1},	    {"description", 1},
		{"node", 1},	    {"quantity", 1},	 {"unit", 1},	    {"regions", 1},
		{"valid-until", 1}, {"contact", 1},	 {"q", 1},	    {"chain", 1},
		{"region", 1},	    {"state", 1},	 {"limit", 1},	    {"offset", 1},
		{"user", 1},	    {"keyword", 1},	 {"with", 1},	    {"status", 1},
		{"value", 1},	    {"comment", 1},	 {"unread", 0},	    {"today", 1},
		{"category", 1},    {"capabilities", 1}, {"industries", 1}, {NULL, 0}};
	return cli_dispatch(ctx, cli_find("match"), match_subs, opts, argc, argv);
}
