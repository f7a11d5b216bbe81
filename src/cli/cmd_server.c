/*
 * `chainchief serve` and `chainchief user`: the web platform and its accounts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/commands.h"
#include "match/match.h"
#include "http/http.h"

int cmd_serve(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct cli_option opts[] = {
		{"listen", 1}, {"threads", 1}, {"web", 1}, {NULL, 0}};
	const char *val[3], *pos[1];
	int npos;
	struct cc_error err = {0};
	int rc = cli_parse(cli_find("serve"), argc, argv, opts, val, pos, 0, &npos);
	if (rc)
		return rc;
	long long threads = 2;
	if (val[1] && (threads = cli_int_option("threads", val[1], 1, 64)) < 0)
		return CLI_USAGE;
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
	if (http_serve(ctx->db_path, val[0] ? val[0] : "127.0.0.1:8080", (int)threads, val[2],
		       &err)) {
		cli_error("serve: %s", err.msg);
		return CLI_FAIL;
	}
	return CLI_OK;
}

int cmd_user(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct cli_option opts[] = {
		{"role", 1}, {"password", 1}, {"uscc", 1}, {"chains", 1}, {NULL, 0}};
	const char *val[4], *pos[2];
	int npos;
	struct cc_error err = {0};
	const struct cli_command *cmd = cli_find("user");
	int rc = cli_parse(cmd, argc, argv, opts, val, pos, 2, &npos);
	if (rc)
		return rc;
	if (npos < 1) {
		cli_error("user: expected add, list, passwd or disable");
		fprintf(stderr, "usage: chainchief %s\n", cmd->usage);
		return CLI_USAGE;
	}
	rc = cli_open_store(ctx, 0);
	if (rc)
		return rc;
	const char *sub = pos[0];
	if (strcmp(sub, "list") == 0) {
		struct cc_stmt *s = NULL;
		static const char *const cols[] = {"username", "role",	   "uscc",
						   "chains",   "disabled", "created_at"};
		struct cli_table t;
		if (cc_stmt_prepare(
			    ctx->store, &s,
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
	if (npos != 2) {
		cli_error("user %s: name the user", sub);
		return CLI_USAGE;
	}
	if (strcmp(sub, "add") == 0) {
		if (!val[0] || !val[1]) {
			cli_error("user add: --role and --password are required");
			return CLI_USAGE;
		}
		rc = http_user_create(ctx->store, pos[1], val[1], val[0], val[2], val[3], &err);
		if (rc) {
			cli_error("user add: %s", err.msg);
			return CLI_FAIL;
		}
		printf("user '%s' (%s) created\n", pos[1], val[0]);
		return CLI_OK;
	}
	if (strcmp(sub, "passwd") == 0 || strcmp(sub, "disable") == 0 ||
	    strcmp(sub, "enable") == 0) {
		int passwd = strcmp(sub, "passwd") == 0;
		if (passwd && !val[1]) {
			cli_error("user passwd: --password is required");
			return CLI_USAGE;
		}
		rc = http_user_update(ctx->store, pos[1], passwd ? val[1] : NULL,
				      passwd ? -1 : strcmp(sub, "disable") == 0, &err);
		if (rc) {
			cli_error("user %s: %s", sub, err.msg);
			return CLI_FAIL;
		}
		printf("user '%s' %s\n", pos[1],
		       passwd			     ? "has a new password"
		       : strcmp(sub, "disable") == 0 ? "disabled"
						     : "enabled");
		return CLI_OK;
	}
	cli_error("user: unknown subcommand '%s' (add, list, passwd, disable, enable)", sub);
	return CLI_USAGE;
}
