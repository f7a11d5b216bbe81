/*
 * `chainchief case`: 一企一策 cases from the command line — open, list (overdue, by department),
 * show with comments, move through the statuses, comment, and the per-department view.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/parse.h"
#include "base/buf.h"
#include "cases/cases.h"
#include "cli/commands.h"

static const char *actor_name(void)
{
	const char *u = getenv("USER");
	return u && *u ? u : "cli";
}

static int print_query(struct cli_ctx *ctx, const char *sql, const char *const *binds, int nb,
		       size_t ncols, const char *const *cols)
{
	struct cc_stmt *s = NULL;
	struct cc_error err = {0};
	struct cli_table t;
	if (cc_stmt_prepare(ctx->store, &s, sql, &err)) {
		cli_error("case: %s", err.msg);
		return CLI_FAIL;
	}
	for (int i = 0; i < nb; i++)
		if (binds[i])
			cc_stmt_bind_text(s, i + 1, binds[i], strlen(binds[i]));
	cli_table_init(&t, ncols, cols);
	while (cc_stmt_step(s, &err) == 1) {
		const char *v[16];
		for (size_t c = 0; c < ncols && c < 16; c++)
			v[c] = cc_stmt_is_null(s, (int)c) ? NULL : cc_stmt_text(s, (int)c);
		cli_table_add(&t, v);
	}
	cc_stmt_free(s);
	cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	return CLI_OK;
}

static long long case_id(const char *s)
{
	long long id;
	if (cc_parse_int64(s, strlen(s), &id) || id < 1) {
		cli_error("case: '%s' is not a case number", s);
		return -1;
	}
	return id;
}

int cmd_case(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct cli_option opts[] = {{"kind", 1},	    {"title", 1},   {"detail", 1},
						 {"department", 1}, {"owner", 1},   {"deadline", 1},
						 {"status", 1},	    {"to", 1},	    {"comment", 1},
						 {"uscc", 1},	    {"overdue", 0}, {NULL, 0}};
	const char *val[11], *pos[3];
	int npos;
	struct cc_error err = {0};
	const struct cli_command *cmd = cli_find("case");
	int rc = cli_parse(cmd, argc, argv, opts, val, pos, 3, &npos);
	if (rc)
		return rc;
	const char *sub = npos ? pos[0] : "list";
	if ((rc = cli_open_store(ctx, 0)))
		return rc;
	if (strcmp(sub, "add") == 0) {
		if (npos != 2) {
			cli_error("case add: give the enterprise's credit code");
			return CLI_USAGE;
		}
		struct case_new c = {pos[1], val[0], val[1], val[2],
				     val[3], val[4], val[5], actor_name()};
		int64_t id = 0;
		rc = case_open(ctx->store, &c, &id, &err);
		if (rc) {
			cli_error("case add: %s", err.msg);
			return rc == CC_ENOTFOUND ? CLI_FAIL : CLI_USAGE;
		}
		if (ctx->format == CLI_FMT_JSON)
			printf("{\"id\":%lld}\n", (long long)id);
		else
			printf("case %lld opened\n", (long long)id);
		return CLI_OK;
	}
	if (strcmp(sub, "move") == 0 || strcmp(sub, "comment") == 0) {
		int move = sub[0] == 'm';
		if (npos != (move ? 2 : 3)) {
			cli_error(
				move ? "case move: give the case number, --to STATUS and --comment TEXT"
				     : "case comment: give the case number and the text");
			return CLI_USAGE;
		}
		long long id = case_id(pos[1]);
		if (id < 0)
			return CLI_USAGE;
		rc = move ? case_move(ctx->store, id, val[7], val[8], actor_name(), &err)
			  : case_comment(ctx->store, id, pos[2], actor_name(), &err);
		if (rc) {
			cli_error("case %s: %s", sub, err.msg);
			return rc == CC_ENOTFOUND ? CLI_FAIL : CLI_USAGE;
		}
		printf("case %lld %s\n", id, move ? "moved" : "commented");
		return CLI_OK;
	}
	if (strcmp(sub, "show") == 0) {
		if (npos != 2) {
			cli_error("case show: give the case number");
			return CLI_USAGE;
		}
		long long id = case_id(pos[1]);
		if (id < 0)
			return CLI_USAGE;
		char ids[32];
		snprintf(ids, sizeof ids, "%lld", id);
		struct cc_stmt *s = NULL;
		if (cc_stmt_prepare(ctx->store, &s, "SELECT 1 FROM cases WHERE id = ?1", &err) ==
		    0) {
			cc_stmt_bind_int64(s, 1, id);
			int found = cc_stmt_step(s, &err) == 1;
			cc_stmt_free(s);
			if (!found) {
				cli_error("case show: no case %lld", id);
				return CLI_FAIL;
			}
		}
		static const char *const cols[] = {"id#",    "uscc",	   "name",  "kind",
						   "title",  "department", "owner", "deadline",
						   "status", "overdue",	   "detail"};
		const char *b1[1] = {ids};
		rc = print_query(
			ctx,
			"SELECT c.id, e.uscc, e.name, c.kind, c.title, c.department, c.owner, "
			"c.deadline, c.status, CASE WHEN c.status IN ('open','in_progress') AND "
			"c.deadline < date('now') THEN 'yes' ELSE 'no' END, c.detail FROM cases c "
			"JOIN enterprises e ON e.id = c.enterprise_id WHERE c.id = ?1",
			b1, 1, 11, cols);
		if (rc == CLI_OK && ctx->format == CLI_FMT_TABLE)
			printf("\n");
		static const char *const ccols[] = {"at", "actor", "from", "to", "comment"};
		if (rc == CLI_OK)
			rc = print_query(
				ctx,
				"SELECT at, actor, status_from, status_to, text FROM case_comments "
				"WHERE case_id = ?1 ORDER BY id",
				b1, 1, 5, ccols);
		return rc;
	}
	if (strcmp(sub, "list") == 0) {
		static const char *const cols[] = {"id#",      "uscc",	 "name",
						   "kind",     "title",	 "department",
						   "deadline", "status", "overdue"};
		struct cc_buf sql = CC_BUF_INIT(4096);
		cc_buf_puts(&sql,
			    "SELECT c.id, e.uscc, e.name, c.kind, c.title, c.department, "
			    "c.deadline, c.status, CASE WHEN c.status IN ('open','in_progress') "
			    "AND c.deadline < date('now') THEN 'yes' ELSE 'no' END FROM cases c "
			    "JOIN enterprises e ON e.id = c.enterprise_id WHERE (?1 IS NULL OR "
			    "c.status = ?1) AND (?2 IS NULL OR c.department = ?2) AND (?3 IS NULL "
			    "OR e.uscc = upper(?3))");
		if (val[10])
			cc_buf_puts(&sql, " AND c.status IN ('open','in_progress') AND "
					  "c.deadline < date('now')");
		cc_buf_puts(&sql, " ORDER BY c.deadline IS NULL, c.deadline, c.id");
		const char *b[3] = {val[6], val[3], val[9]};
		rc = print_query(ctx, cc_buf_str(&sql), b, 3, 9, cols);
		cc_buf_release(&sql);
		return rc;
	}
	if (strcmp(sub, "departments") == 0) {
		static const char *const cols[] = {"department",	"open#",     "in_progress#",
						   "overdue#",		"resolved#", "declined#",
						   "avg_days_to_close#"};
		return print_query(
			ctx,
			"SELECT department, sum(status = 'open'), sum(status = 'in_progress'), "
			"sum(status IN ('open','in_progress') AND deadline < date('now')), "
			"sum(status = 'resolved'), sum(status = 'declined'), "
			"round(avg(CASE WHEN closed_at IS NOT NULL THEN julianday(closed_at) - "
			"julianday(created_at) END), 1) FROM cases GROUP BY department ORDER BY "
			"department",
			NULL, 0, 7, cols);
	}
	cli_error("case: unknown subcommand '%s' (add, list, show, move, comment, departments)",
		  sub);
	fprintf(stderr, "usage: chainchief %s\n", cmd->usage);
	return CLI_USAGE;
}
