/*
 * `chainchief case`: 一企一策 cases from the command line — open, list (overdue, by department),
 * show with comments, move through the statuses, comment, and the per-department view. The
 * reads and the overdue rule are cases/'s (the API's handlers call the same functions); this
 * file turns their rows into tables.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/jw.h"
#include "base/parse.h"
#include "cases/cases.h"
#include "cli/commands.h"

static const char *actor_name(void)
{
	const char *u = getenv("USER");
	return u && *u ? u : "cli";
}

/* Prints a table of N rows of NCOLS cells (CELLS row by row; a NULL cell is empty). */
static int print_cells(struct cli_ctx *ctx, size_t ncols, const char *const *cols,
		       const char *const *cells, int n)
{
	struct cli_table t;
	int rc = CLI_OK;
	if (cli_table_init(&t, ncols, cols)) {
		cli_error("case: out of memory");
		return CLI_FAIL;
	}
	for (int i = 0; i < n && rc == CLI_OK; i++)
		if (cli_table_add(&t, cells + (size_t)i * ncols)) {
			cli_error("case: out of memory");
			rc = CLI_FAIL;
		}
	if (rc == CLI_OK)
		cli_table_print(&t, stdout, ctx->format);
	cli_table_release(&t);
	return rc;
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
	if (ctx->format == CLI_FMT_JSON) {
		struct cc_buf b = CC_BUF_INIT(256);
		struct cc_jw w;
		cc_jw_init(&w, &b);
		cc_jw_object(&w);
		cc_jw_kint(&w, "id", id);
		cc_jw_end(&w);
		cc_jw_print(&w, stdout);
		cc_buf_release(&b);
	} else
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
	rc = cli_open_store(ctx, 0);
	if (rc)
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
	struct case_row r;
	struct case_comment_row *cm = NULL;
	const char **cells = NULL;
	long long id = case_id(args[0]);
	char ids[32];
	int n = 0, rc;
	(void)val;
	(void)nargs;
	memset(&r, 0, sizeof r);
	if (id < 0)
		return CLI_USAGE;
	rc = cli_open_store(ctx, 0);
	if (rc)
		return rc;
	if (case_get(ctx->store, id, &r, &err) ||
	    case_comments_list(ctx->store, id, &cm, &n, &err)) {
		cli_error("case show: %s", err.msg);
		rc = CLI_FAIL;
		goto out;
	}
	snprintf(ids, sizeof ids, "%lld", (long long)r.id);
	const char *v[11] = {ids,	   r.uscc,  r.name,	r.kind,	  r.title,
			     r.department, r.owner, r.deadline, r.status, r.overdue ? "yes" : "no",
			     r.detail};
	rc = print_cells(ctx, 11, cols, v, 1);
	if (rc == CLI_OK && ctx->format == CLI_FMT_TABLE)
		printf("\n");
	cells = n ? calloc((size_t)n * 5, sizeof *cells) : NULL;
	if (rc == CLI_OK && n && !cells) {
		cli_error("case show: out of memory");
		rc = CLI_FAIL;
	}
	for (int i = 0; rc == CLI_OK && i < n; i++) {
		cells[i * 5] = cm[i].at;
		cells[i * 5 + 1] = cm[i].actor;
		cells[i * 5 + 2] = cm[i].from;
		cells[i * 5 + 3] = cm[i].to;
		cells[i * 5 + 4] = cm[i].text;
	}
	if (rc == CLI_OK)
		rc = print_cells(ctx, 5, ccols, cells, n);
out:
	free(cells);
	case_comments_free(cm, n);
	case_row_release(&r);
	return rc;
}

static int sub_list(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	static const char *const cols[] = {"id#",	 "uscc",     "name",   "kind",	 "title",
					   "department", "deadline", "status", "overdue"};
	struct cc_error err = {0};
	struct case_filter f = {.status = val[STATUS],
				.department = val[DEPARTMENT],
				.uscc = val[USCC],
				.overdue = val[OVERDUE] != NULL};
	struct case_row *rows = NULL;
	const char **cells = NULL;
	char(*ids)[24] = NULL;
	int n = 0, rc;
	(void)args;
	(void)nargs;
	rc = cli_open_store(ctx, 0);
	if (rc)
		return rc;
	if (case_list(ctx->store, &f, &rows, &n, &err)) {
		cli_error("case: %s", err.msg);
		rc = CLI_FAIL;
		goto out;
	}
	cells = n ? calloc((size_t)n * 9, sizeof *cells) : NULL;
	ids = n ? calloc((size_t)n, sizeof *ids) : NULL;
	if (n && (!cells || !ids)) {
		cli_error("case: out of memory");
		rc = CLI_FAIL;
		goto out;
	}
	for (int i = 0; i < n; i++) {
		const struct case_row *r = &rows[i];
		const char **c = cells + (size_t)i * 9;
		snprintf(ids[i], sizeof ids[i], "%lld", (long long)r->id);
		c[0] = ids[i];
		c[1] = r->uscc;
		c[2] = r->name;
		c[3] = r->kind;
		c[4] = r->title;
		c[5] = r->department;
		c[6] = r->deadline;
		c[7] = r->status;
		c[8] = r->overdue ? "yes" : "no";
	}
	rc = print_cells(ctx, 9, cols, cells, n);
out:
	free(ids);
	free(cells);
	case_rows_free(rows, n);
	return rc;
}

static int sub_departments(struct cli_ctx *ctx, const char **val, const char **args, int nargs)
{
	static const char *const cols[] = {"department",	"open#",     "in_progress#",
					   "overdue#",		"resolved#", "declined#",
					   "avg_days_to_close#"};
	struct cc_error err = {0};
	struct case_department *d = NULL;
	const char **cells = NULL;
	char(*nums)[6][32] = NULL;
	int n = 0, rc;
	(void)val;
	(void)args;
	(void)nargs;
	rc = cli_open_store(ctx, 0);
	if (rc)
		return rc;
	if (case_departments(ctx->store, &d, &n, &err)) {
		cli_error("case: %s", err.msg);
		rc = CLI_FAIL;
		goto out;
	}
	cells = n ? calloc((size_t)n * 7, sizeof *cells) : NULL;
	nums = n ? calloc((size_t)n, sizeof *nums) : NULL;
	if (n && (!cells || !nums)) {
		cli_error("case: out of memory");
		rc = CLI_FAIL;
		goto out;
	}
	for (int i = 0; i < n; i++) {
		const char **c = cells + (size_t)i * 7;
		int64_t k[5] = {d[i].open, d[i].in_progress, d[i].overdue, d[i].resolved,
				d[i].declined};
		c[0] = d[i].department;
		for (int j = 0; j < 5; j++) {
			snprintf(nums[i][j], sizeof nums[i][j], "%lld", (long long)k[j]);
			c[1 + j] = nums[i][j];
		}
		/* As SQLite printed the rounded mean before the view moved to cases/. */
		if (!isnan(d[i].avg_days_to_close)) {
			snprintf(nums[i][5], sizeof nums[i][5], "%.1f", d[i].avg_days_to_close);
			c[6] = nums[i][5];
		}
	}
	rc = print_cells(ctx, 7, cols, cells, n);
out:
	free(nums);
	free(cells);
	case_departments_free(d, n);
	return rc;
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
