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

/* Options, as val[] holds them. */
enum {
	KIND,
	TITLE,
	DETAIL,
	DEPARTMENT,
	OWNER,
	DEADLINE,
	STATUS,
	TO,
	COMMENT,
	USCC,
	OVERDUE,
};

static int sub_add(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	struct cc_error err = {0};
	struct case_new c = {args[0],	      val[KIND],  val[TITLE],	 val[DETAIL],
			     val[DEPARTMENT], val[OWNER], val[DEADLINE], actor_name()};
	int64_t id = 0;
	int rc = cli_open_store(ctx, 0);
	(void)nargs;
	if (rc)
		return rc;
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

/* move ID (--to, --comment) and comment ID TEXT. */
static int change(struct cli_ctx *ctx, const char **val, const char **args, int move)
{
	struct cc_error err = {0};
	const char *sub = move ? "move" : "comment";
	long long id = case_id(args[0]);
	int rc;
	if (id < 0)
		return CLI_USAGE;
	if ((rc = cli_open_store(ctx, 0)))
		return rc;
	rc = move ? case_move(ctx->store, id, val[TO], val[COMMENT], actor_name(), &err)
		  : case_comment(ctx->store, id, args[1], actor_name(), &err);
	if (rc) {
		cli_error("case %s: %s", sub, err.msg);
		return rc == CC_ENOTFOUND ? CLI_FAIL : CLI_USAGE;
	}
	printf("case %lld %s\n", id, move ? "moved" : "commented");
	return CLI_OK;
}

static int sub_move(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)nargs;
	return change(ctx, val, args, 1);
}

static int sub_comment(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	(void)nargs;
	return change(ctx, val, args, 0);
}

static int sub_show(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	static const char *const cols[] = {"id#",    "uscc",	   "name",  "kind",
					   "title",  "department", "owner", "deadline",
					   "status", "overdue",	   "detail"};
	static const char *const ccols[] = {"at", "actor", "from", "to", "comment"};
	struct cc_error err = {0};
	struct cc_stmt *s = NULL;
	long long id = case_id(args[0]);
	char ids[32];
	int rc;
	(void)val;
	(void)nargs;
	if (id < 0)
		return CLI_USAGE;
	if ((rc = cli_open_store(ctx, 0)))
		return rc;
	snprintf(ids, sizeof ids, "%lld", id);
	if (cc_stmt_prepare(ctx->store, &s, "SELECT 1 FROM cases WHERE id = ?1", &err) == 0) {
		cc_stmt_bind_int64(s, 1, id);
		int found = cc_stmt_step(s, &err) == 1;
		cc_stmt_free(s);
		if (!found) {
			cli_error("case show: no case %lld", id);
			return CLI_FAIL;
		}
	}
	const char *b1[1] = {ids};
	rc = print_query(ctx,
			 "SELECT c.id, e.uscc, e.name, c.kind, c.title, c.department, c.owner, "
			 "c.deadline, c.status, CASE WHEN c.status IN ('open','in_progress') AND "
			 "c.deadline < date('now') THEN 'yes' ELSE 'no' END, c.detail FROM cases c "
			 "JOIN enterprises e ON e.id = c.enterprise_id WHERE c.id = ?1",
			 b1, 1, 11, cols);
	if (rc == CLI_OK && ctx->format == CLI_FMT_TABLE)
		printf("\n");
	if (rc == CLI_OK)
		rc = print_query(
			ctx,
			"SELECT at, actor, status_from, status_to, text FROM case_comments "
			"WHERE case_id = ?1 ORDER BY id",
			b1, 1, 5, ccols);
	return rc;
}

static int sub_list(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	static const char *const cols[] = {"id#",	 "uscc",     "name",   "kind",	 "title",
					   "department", "deadline", "status", "overdue"};
	struct cc_buf sql = CC_BUF_INIT(4096);
	int rc = cli_open_store(ctx, 0);
	(void)args;
	(void)nargs;
	if (rc)
		return rc;
	cc_buf_puts(&sql, "SELECT c.id, e.uscc, e.name, c.kind, c.title, c.department, "
			  "c.deadline, c.status, CASE WHEN c.status IN ('open','in_progress') "
			  "AND c.deadline < date('now') THEN 'yes' ELSE 'no' END FROM cases c "
			  "JOIN enterprises e ON e.id = c.enterprise_id WHERE (?1 IS NULL OR "
			  "c.status = ?1) AND (?2 IS NULL OR c.department = ?2) AND (?3 IS NULL "
			  "OR e.uscc = upper(?3))");
	if (val[OVERDUE])
		cc_buf_puts(&sql, " AND c.status IN ('open','in_progress') AND "
				  "c.deadline < date('now')");
	cc_buf_puts(&sql, " ORDER BY c.deadline IS NULL, c.deadline, c.id");
	const char *b[3] = {val[STATUS], val[DEPARTMENT], val[USCC]};
	rc = print_query(ctx, cc_buf_str(&sql), b, 3, 9, cols);
	cc_buf_release(&sql);
	return rc;
}

static int sub_departments(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	static const char *const cols[] = {"department",	"open#",     "in_progress#",
					   "overdue#",		"resolved#", "declined#",
					   "avg_days_to_close#"};
	int rc = cli_open_store(ctx, 0);
	(void)val;
	(void)args;
	(void)nargs;
	if (rc)
		return rc;
	return print_query(ctx,
			   "SELECT department, sum(status = 'open'), sum(status = 'in_progress'), "
			   "sum(status IN ('open','in_progress') AND deadline < date('now')), "
			   "sum(status = 'resolved'), sum(status = 'declined'), "
			   "round(avg(CASE WHEN closed_at IS NOT NULL THEN julianday(closed_at) - "
			   "julianday(created_at) END), 1) FROM cases GROUP BY department ORDER BY "
			   "department",
			   NULL, 0, 7, cols);
}

#define LIST_OPTS (CLI_OPT(STATUS) | CLI_OPT(DEPARTMENT) | CLI_OPT(USCC) | CLI_OPT(OVERDUE))
static const struct cli_sub case_subs[] = {
	{"add", sub_add, 1, 1,
	 CLI_OPT(KIND) | CLI_OPT(TITLE) | CLI_OPT(DETAIL) | CLI_OPT(DEPARTMENT) | CLI_OPT(OWNER) |
		 CLI_OPT(DEADLINE),
	 "add USCC --kind K --title T --department D [--owner O] [--deadline YYYY-MM-DD] "
	 "[--detail X]"},
	{"", sub_list, 0, 0, LIST_OPTS, "[--status S] [--department D] [--uscc U] [--overdue]"},
	{"list", sub_list, 0, 0, LIST_OPTS,
	 "list [--status S] [--department D] [--uscc U] [--overdue]"},
	{"show", sub_show, 1, 1, 0, "show ID"},
	{"move", sub_move, 1, 1, CLI_OPT(TO) | CLI_OPT(COMMENT), "move ID --to STATUS --comment C"},
	{"comment", sub_comment, 2, 2, 0, "comment ID TEXT"},
	{"departments", sub_departments, 0, 0, 0, "departments"},
	{NULL, NULL, 0, 0, 0, NULL},
};

int cmd_case(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct cli_option opts[] = {{"kind", 1},	    {"title", 1},   {"detail", 1},
						 {"department", 1}, {"owner", 1},   {"deadline", 1},
						 {"status", 1},	    {"to", 1},	    {"comment", 1},
						 {"uscc", 1},	    {"overdue", 0}, {NULL, 0}};
	return cli_dispatch(ctx, cli_find("case"), case_subs, opts, argc, argv);
}
