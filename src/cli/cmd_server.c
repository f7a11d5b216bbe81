/*
 * `chainchief serve` and `chainchief user`: the web platform and its accounts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/parse.h"
#include "cli/commands.h"
#include "match/match.h"
#include "http/http.h"
#include "store/pg.h"

int cmd_serve(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct cli_option opts[] = {
		{"listen", 1}, {"threads", 1}, {"web", 1}, {"db-read", 1}, {NULL, 0}};
	const char *val[4], *pos[1];
	int npos;
	struct cc_error err = {0};
	int rc = cli_parse(cli_find("serve"), argc, argv, opts, val, pos, 0, &npos);
	if (rc)
		return rc;
	long long threads = 2;
	if (val[1] && (threads = cli_int_option("threads", val[1], 1, 64)) < 0)
		return CLI_USAGE;
	const char *db_read = val[3] ? val[3] : getenv("CHAINCHIEF_DB_READ");
	if (db_read && !*db_read)
		db_read = NULL;
	if (db_read && (!cc_pg_is_url(ctx->db_path) || !cc_pg_is_url(db_read))) {
		cli_error(
			"serve: --db-read takes a PostgreSQL standby's URL, for a PostgreSQL --db");
		return CLI_USAGE;
	}
	/* The store is opened per worker thread; open here once to fail early and migrate. */
	rc = cli_open_store(ctx, 0);
	if (rc)
		return rc;
	/* The matching indexes follow the data (a migration or a copied database may leave them
	 * behind); cheap when they are current. */
	if (match_refresh(ctx->store, &err)) {
		cli_error("serve: matching index: %s", err.msg);
		return CLI_FAIL;
	}
	cc_store_close(ctx->store);
	ctx->store = NULL;
	if (http_serve(ctx->db_path, db_read, val[0] ? val[0] : "127.0.0.1:8080", (int)threads,
		       val[2], &err)) {
		cli_error("serve: %s", err.msg);
		return CLI_FAIL;
	}
	return CLI_OK;
}

static int sub_list(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	static const char *const cols[] = {"username", "role",	   "uscc",
					   "chains",   "disabled", "created_at"};
	struct cc_stmt *s = NULL;
	struct cc_error err = {0};
	struct cli_table t;
	int rc = cli_open_store(ctx, 0);
	(void)val;
	(void)args;
	(void)nargs;
	if (rc)
		return rc;
	if (cc_stmt_prepare(ctx->store, &s,
			    "SELECT username, role, uscc, chains, CASE disabled WHEN 0 THEN 'no' "
			    "ELSE 'yes' END, created_at FROM users ORDER BY username",
			    &err)) {
		cli_error("user: %s", err.msg);
		return CLI_FAIL;
	}
	cli_table_init(&t, 6, cols);
	while (cc_stmt_step(s, &err) == 1) {
		const char *v[6];
		for (int i = 0; i < 6; i++)
			v[i] = cc_stmt_is_null(s, i) ? NULL : cc_stmt_text(s, i);
		cli_table_add(&t, v);
	}
	cc_stmt_free(s);
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	return CLI_OK;
}

/* Options: 0 role, 1 password, 2 uscc, 3 chains, 4 institution. */
static int sub_add(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct cc_error err = {0};
	int rc;
	(void)nargs;
	if (!val[0] || !val[1]) {
		cli_error("user add: --role and --password are required");
		return CLI_USAGE;
	}
	long long institution = 0;
	if (val[4] && cc_parse_int64(val[4], strlen(val[4]), &institution)) {
		cli_error("user add: --institution takes an institution id, not '%s'", val[4]);
		return CLI_USAGE;
	}
	if ((rc = cli_open_store(ctx, 0)))
		return rc;
	if (http_user_create(ctx->store, args[0], val[1], val[0], val[2], val[3], institution,
			     &err)) {
		cli_error("user add: %s", err.msg);
		return CLI_FAIL;
	}
	printf("user '%s' (%s) created\n", args[0], val[0]);
	return CLI_OK;
}

/* passwd, disable and enable NAME. */
static int update(struct cli_ctx *ctx, const char *sub, const char *name, const char *password)
{
	struct cc_error err = {0};
	int passwd = strcmp(sub, "passwd") == 0;
	int rc;
	if (passwd && !password) {
		cli_error("user passwd: --password is required");
		return CLI_USAGE;
	}
	if ((rc = cli_open_store(ctx, 0)))
		return rc;
	if (http_user_update(ctx->store, name, passwd ? password : NULL,
			     passwd ? -1 : strcmp(sub, "disable") == 0, &err)) {
		cli_error("user %s: %s", sub, err.msg);
		return CLI_FAIL;
	}
	printf("user '%s' %s\n", name,
	       passwd			     ? "has a new password"
	       : strcmp(sub, "disable") == 0 ? "disabled"
					     : "enabled");
	return CLI_OK;
}

static int sub_passwd(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)nargs;
	return update(ctx, "passwd", args[0], val[1]);
}

static int sub_disable(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)val;
	(void)nargs;
	return update(ctx, "disable", args[0], NULL);
}

static int sub_enable(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)val;
	(void)nargs;
	return update(ctx, "enable", args[0], NULL);
}

static const struct cli_sub user_subs[] = {
	{"add", sub_add, 1, 1, CLI_OPT(0) | CLI_OPT(1) | CLI_OPT(2) | CLI_OPT(3) | CLI_OPT(4),
	 "add NAME --role admin|analyst|chief|enterprise|investor --password P [--uscc CODE] "
	 "[--chains a,b] [--institution ID]"},
	{"list", sub_list, 0, 0, 0, "list"},
	{"passwd", sub_passwd, 1, 1, CLI_OPT(1), "passwd NAME --password P"},
	{"disable", sub_disable, 1, 1, 0, "disable NAME"},
	{"enable", sub_enable, 1, 1, 0, "enable NAME"},
	{NULL, NULL, 0, 0, 0, NULL},
};

int cmd_user(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct cli_option opts[] = {{"role", 1},	{"password", 1},    {"uscc", 1},
						 {"chains", 1}, {"institution", 1}, {NULL, 0}};
	return cli_dispatch(ctx, cli_find("user"), user_subs, opts, argc, argv);
}
