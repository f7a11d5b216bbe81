/*
 * 一企一策 cases (see cases.h): writes in one transaction each, with an audit row, and the
 * reads the CLI and the API share (the list, one case, its comments, the department view),
 * all built on one SQL expression of the overdue rule.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/parse.h"
#include "cases/cases.h"
#include "domain/uscc.h"
#include "store/dialect.h"

static const char *const kinds[] = {"finance", "land", "talent", "permits", "technology", "market"};
static const struct {
	const char *word, *zh;
} words[] = {{"finance", "融资"},     {"land", "用地"},		 {"talent", "人才"},
	     {"permits", "审批许可"}, {"technology", "技术"},	 {"market", "市场"},
	     {"open", "待办"},	      {"in_progress", "办理中"}, {"resolved", "已解决"},
	     {"declined", "不予支持"}};

int case_kind_ok(const char *kind)
{
	for (size_t i = 0; kind && i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kind, kinds[i]) == 0)
			return 1;
	return 0;
}

const char *case_word_zh(const char *word)
{
	for (size_t i = 0; word && i < sizeof words / sizeof words[0]; i++)
		if (strcmp(word, words[i].word) == 0)
			return words[i].zh;
	return word ? word : "";
}

int case_transition_ok(const char *from, const char *to)
{
	if (!from || !to)
		return 0;
	if (strcmp(from, "open") == 0)
		return !strcmp(to, "in_progress") || !strcmp(to, "resolved") ||
		       !strcmp(to, "declined");
	if (strcmp(from, "in_progress") == 0)
		return !strcmp(to, "resolved") || !strcmp(to, "declined");
	return 0;
}

static int audit(struct cc_store *st, const char *actor, const char *action, int64_t id,
		 const char *after, struct cc_error *err)
{
	char target[32];
	snprintf(target, sizeof target, "case %lld", (long long)id);
	return cc_store_audit(st, actor, action, target, NULL, after, err);
}

int case_open(struct cc_store *st, const struct case_new *c, int64_t *id, struct cc_error *err)
{
	char uscc[19], deadline[16] = "";
	struct cc_stmt *s = NULL;
	int rc;
	if (!c->uscc || cc_uscc_validate(c->uscc, strlen(c->uscc), uscc, NULL, err))
		return CC_EINVAL;
	if (!case_kind_ok(c->kind))
		return cc_error_set(
			err, CC_EINVAL,
			"kind must be finance, land, talent, permits, technology or market");
	if (!c->title || !*c->title)
		return cc_error_set(err, CC_EINVAL, "a case needs a title (--title)");
	if (!c->department || !*c->department)
		return cc_error_set(err, CC_EINVAL,
				    "a case needs an owner department (--department)");
	if (c->deadline && *c->deadline) {
		int ymd;
		if (cc_parse_date(c->deadline, strlen(c->deadline), &ymd, err))
			return CC_EINVAL;
		cc_format_date(ymd, deadline);
	}
	int64_t eid = 0;
	rc = cc_stmt_prepare(st, &s, "SELECT id FROM enterprises WHERE uscc = ?1", err);
	if (rc)
		return rc;
	cc_stmt_bind_text(s, 1, uscc, 18);
	if (cc_stmt_step(s, err) == 1)
		eid = cc_stmt_int64(s, 0);
	cc_stmt_free(s);
	if (!eid)
		return cc_error_set(err, CC_ENOTFOUND, "no enterprise with credit code %s", uscc);
	rc = cc_store_begin(st, err);
	if (rc)
		return rc;
	rc = cc_stmt_prepare(
		st, &s,
		"INSERT INTO cases(enterprise_id, kind, title, detail, department, owner, "
		"deadline) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		err);
	if (rc == 0) {
		cc_stmt_bind_int64(s, 1, eid);
		cc_stmt_bind_text(s, 2, c->kind, strlen(c->kind));
		cc_stmt_bind_text(s, 3, c->title, strlen(c->title));
		if (c->detail)
			cc_stmt_bind_text(s, 4, c->detail, strlen(c->detail));
		cc_stmt_bind_text(s, 5, c->department, strlen(c->department));
		if (c->owner)
			cc_stmt_bind_text(s, 6, c->owner, strlen(c->owner));
		if (deadline[0])
			cc_stmt_bind_text(s, 7, deadline, 10);
		rc = cc_stmt_step(s, err) < 0 ? CC_EDB : 0;
	}
	cc_stmt_free(s);
	*id = cc_store_last_id(st);
	if (rc == 0) {
		struct cc_buf b = CC_BUF_INIT(8192);
		cc_buf_printf(&b, "{\"uscc\":\"%s\",\"kind\":\"%s\",\"title\":", uscc, c->kind);
		cc_buf_json_str(&b, c->title, strlen(c->title));
		cc_buf_puts(&b, ",\"department\":");
		cc_buf_json_str(&b, c->department, strlen(c->department));
		cc_buf_printf(&b, ",\"deadline\":\"%s\"}", deadline);
		rc = audit(st, c->actor, "case.open", *id, cc_buf_str(&b), err);
		cc_buf_release(&b);
	}
	if (rc == 0)
		rc = cc_store_commit(st, err);
	else
		cc_store_rollback(st);
	return rc;
}

/* The status of case ID into OUT (16 bytes); CC_ENOTFOUND when there is no such case. */
static int status_of(struct cc_store *st, int64_t id, char out[16], struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	int rc = cc_stmt_prepare(st, &s, "SELECT status FROM cases WHERE id = ?1", err);
	if (rc)
		return rc;
	cc_stmt_bind_int64(s, 1, id);
	rc = cc_stmt_step(s, err) == 1
		     ? 0
		     : cc_error_set(err, CC_ENOTFOUND, "no case %lld", (long long)id);
	if (rc == 0)
		snprintf(out, 16, "%s", cc_stmt_text(s, 0));
	cc_stmt_free(s);
	return rc;
}

static int add_comment(struct cc_store *st, int64_t id, const char *text, const char *actor,
		       const char *from, const char *to, struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	int rc = cc_stmt_prepare(
		st, &s,
		"INSERT INTO case_comments(case_id, actor, text, status_from, status_to) "
		"VALUES(?1, ?2, ?3, ?4, ?5)",
		err);
	if (rc)
		return rc;
	cc_stmt_bind_int64(s, 1, id);
	cc_stmt_bind_text(s, 2, actor ? actor : "cli", strlen(actor ? actor : "cli"));
	cc_stmt_bind_text(s, 3, text, strlen(text));
	if (from)
		cc_stmt_bind_text(s, 4, from, strlen(from));
	if (to)
		cc_stmt_bind_text(s, 5, to, strlen(to));
	rc = cc_stmt_step(s, err) < 0 ? CC_EDB : 0;
	cc_stmt_free(s);
	return rc;
}

int case_move(struct cc_store *st, int64_t id, const char *to, const char *comment,
	      const char *actor, struct cc_error *err)
{
	char from[16];
	int rc;
	if (!comment || !*comment)
		return cc_error_set(err, CC_EINVAL, "a status change needs a comment saying why");
	rc = status_of(st, id, from, err);
	if (rc)
		return rc;
	if (!case_transition_ok(from, to))
		return cc_error_set(err, CC_EINVAL,
				    "case %lld is %s and cannot move to %s "
				    "(open -> in_progress -> resolved / declined)",
				    (long long)id, from, to ? to : "");
	rc = cc_store_begin(st, err);
	if (rc)
		return rc;
	struct cc_stmt *s = NULL;
	rc = cc_stmt_prepare(
		st, &s,
		"UPDATE cases SET status = ?2, updated_at = ?3, closed_at = CASE WHEN ?2 IN "
		"('resolved', 'declined') THEN ?3 END WHERE id = ?1",
		err);
	if (rc == 0) {
		cc_stmt_bind_int64(s, 1, id);
		cc_stmt_bind_text(s, 2, to, strlen(to));
		cc_stmt_bind_now(s, 3);
		rc = cc_stmt_step(s, err) < 0 ? CC_EDB : 0;
	}
	cc_stmt_free(s);
	if (rc == 0)
		rc = add_comment(st, id, comment, actor, from, to, err);
	if (rc == 0) {
		char after[96];
		snprintf(after, sizeof after, "{\"from\":\"%s\",\"to\":\"%s\"}", from, to);
		rc = audit(st, actor, "case.move", id, after, err);
	}
	if (rc == 0)
		rc = cc_store_commit(st, err);
	else
		cc_store_rollback(st);
	return rc;
}

int case_comment(struct cc_store *st, int64_t id, const char *text, const char *actor,
		 struct cc_error *err)
{
	char from[16];
	int rc;
	if (!text || !*text)
		return cc_error_set(err, CC_EINVAL, "the comment is empty");
	rc = status_of(st, id, from, err);
	if (rc)
		return rc;
	rc = cc_store_begin(st, err);
	if (rc)
		return rc;
	rc = add_comment(st, id, text, actor, NULL, NULL, err);
	if (rc == 0)
		rc = audit(st, actor, "case.comment", id, NULL, err);
	if (rc == 0)
		rc = cc_store_commit(st, err);
	else
		cc_store_rollback(st);
	return rc;
}

/* ---- reads ---- */

/*
 * The overdue rule of cases.h over a case row aliased `c`, with today's date (cc_date_today)
 * bound to parameter TODAY: true or false, never NULL (a missing deadline is not overdue). The
 * only statement of the rule: every read below uses it.
 */
#define OVERDUE_SQL(today)                                                                         \
	"(c.status IN ('open','in_progress') AND c.deadline IS NOT NULL AND "                      \
	"c.deadline < ?" #today ")"
/* The same as 1 or 0. */
#define OVERDUE_INT(today) "CASE WHEN " OVERDUE_SQL(today) " THEN 1 ELSE 0 END"

/* The columns of a struct case_row, in the order row_read takes them. */
#define CASE_SELECT(today)                                                                         \
	"SELECT c.id, e.uscc, e.name, c.kind, c.title, c.detail, c.department, c.owner, "          \
	"c.deadline, c.status, c.created_at, " OVERDUE_INT(                                        \
		today) " FROM cases c JOIN "                                                       \
		       "enterprises e ON e.id = c.enterprise_id "

/* A malloc'd copy of column COL of S, NULL for SQL NULL; sets *NOMEM when the copy failed. */
static char *col_dup(struct cc_stmt *s, int col, int *nomem)
{
	if (cc_stmt_is_null(s, col))
		return NULL;
	const char *t = cc_stmt_text(s, col);
	size_t n = cc_stmt_bytes(s, col);
	char *p = malloc(n + 1);
	if (!p) {
		*nomem = 1;
		return NULL;
	}
	memcpy(p, t, n);
	p[n] = '\0';
	return p;
}

/* Fills R from the current row of a CASE_SELECT statement. Returns 0 or CC_ENOMEM. */
static int row_read(struct cc_stmt *s, struct case_row *r, struct cc_error *err)
{
	int nomem = 0;
	memset(r, 0, sizeof *r);
	r->id = cc_stmt_int64(s, 0);
	r->uscc = col_dup(s, 1, &nomem);
	r->name = col_dup(s, 2, &nomem);
	r->kind = col_dup(s, 3, &nomem);
	r->title = col_dup(s, 4, &nomem);
	r->detail = col_dup(s, 5, &nomem);
	r->department = col_dup(s, 6, &nomem);
	r->owner = col_dup(s, 7, &nomem);
	r->deadline = col_dup(s, 8, &nomem);
	r->status = col_dup(s, 9, &nomem);
	r->created_at = col_dup(s, 10, &nomem);
	r->overdue = cc_stmt_int64(s, 11) != 0;
	if (!nomem)
		return 0;
	case_row_release(r);
	return cc_error_set(err, CC_ENOMEM, "out of memory reading a case");
}

void case_row_release(struct case_row *r)
{
	if (!r)
		return;
	free(r->uscc);
	free(r->name);
	free(r->kind);
	free(r->title);
	free(r->detail);
	free(r->department);
	free(r->owner);
	free(r->deadline);
	free(r->status);
	free(r->created_at);
	memset(r, 0, sizeof *r);
}

void case_rows_free(struct case_row *rows, int n)
{
	for (int i = 0; rows && i < n; i++)
		case_row_release(&rows[i]);
	free(rows);
}

/*
 * Steps S to its end, each row filled into a new element of SIZE bytes by FILL (which may set
 * ERR and return a negative CC_E*, having released what it filled of that row). Returns 0 with the
 * array in *OUT (the caller frees it with RELEASE) and its length in *N, or a negative CC_E*: then
 * the elements read are released.
 */
static int read_rows(struct cc_stmt *s, size_t size,
		     int (*fill)(struct cc_stmt *s, void *row, struct cc_error *err),
		     void (*release)(void *rows, int n), void **out, int *n, struct cc_error *err)
{
	char *rows = NULL;
	int count = 0, cap = 0, step, rc = 0;
	for (;;) {
		step = cc_stmt_step(s, err);
		if (step != 1)
			break;
		if (count == cap) {
			int ncap = cap ? cap * 2 : 16;
			char *more = realloc(rows, (size_t)ncap * size);
			if (!more) {
				rc = cc_error_set(err, CC_ENOMEM, "out of memory reading cases");
				break;
			}
			rows = more;
			cap = ncap;
		}
		memset(rows + (size_t)count * size, 0, size);
		rc = fill(s, rows + (size_t)count * size, err);
		if (rc)
			break; /* FILL released what it filled of that row */
		count++;
	}
	if (rc == 0 && step < 0)
		rc = step;
	if (rc) {
		release(rows, count);
		return rc;
	}
	*out = rows;
	*n = count;
	return 0;
}

/* Binds text V to parameter IDX of S unless V is NULL or empty (the parameter stays NULL). */
static void bind_opt(struct cc_stmt *s, int idx, const char *v)
{
	if (v && *v)
		cc_stmt_bind_text(s, idx, v, strlen(v));
}

/* read_rows' FILL and RELEASE for the three kinds of rows. */
static int fill_case(struct cc_stmt *s, void *row, struct cc_error *err)
{
	return row_read(s, row, err);
}

static void release_cases(void *rows, int n)
{
	case_rows_free(rows, n);
}

static int fill_comment(struct cc_stmt *s, void *row, struct cc_error *err)
{
	struct case_comment_row *c = row;
	int nomem = 0;
	c->at = col_dup(s, 0, &nomem);
	c->actor = col_dup(s, 1, &nomem);
	c->text = col_dup(s, 2, &nomem);
	c->from = col_dup(s, 3, &nomem);
	c->to = col_dup(s, 4, &nomem);
	if (!nomem)
		return 0;
	free(c->at);
	free(c->actor);
	free(c->text);
	free(c->from);
	free(c->to);
	memset(c, 0, sizeof *c);
	return cc_error_set(err, CC_ENOMEM, "out of memory reading case comments");
}

static void release_comments(void *rows, int n)
{
	case_comments_free(rows, n);
}

static int fill_department(struct cc_stmt *s, void *row, struct cc_error *err)
{
	struct case_department *d = row;
	int nomem = 0;
	d->department = col_dup(s, 0, &nomem);
	d->open = cc_stmt_int64(s, 1);
	d->in_progress = cc_stmt_int64(s, 2);
	d->overdue = cc_stmt_int64(s, 3);
	d->resolved = cc_stmt_int64(s, 4);
	d->declined = cc_stmt_int64(s, 5);
	d->avg_days_to_close = cc_stmt_is_null(s, 6) ? NAN : cc_stmt_double(s, 6);
	if (!nomem)
		return 0;
	free(d->department);
	d->department = NULL;
	return cc_error_set(err, CC_ENOMEM, "out of memory reading departments");
}

static void release_departments(void *rows, int n)
{
	case_departments_free(rows, n);
}

int case_list(struct cc_store *st, const struct case_filter *f, struct case_row **out, int *n,
	      struct cc_error *err)
{
	static const struct case_filter all = {0};
	struct cc_stmt *s = NULL;
	int rc;
	*out = NULL;
	*n = 0;
	if (!f)
		f = &all;
	rc = cc_stmt_prepare(
		st, &s,
		CASE_SELECT(6) "WHERE (?1 IS NULL OR c.status = ?1) AND (?2 IS NULL OR "
			       "c.department = ?2) AND (?3 IS NULL OR e.uscc = upper(?3)) "
			       "AND (?4 = 0 OR " OVERDUE_SQL(6) ") ORDER BY c.deadline IS "
								"NULL, c.deadline, c.id LIMIT ?5",
		err);
	if (rc)
		goto out;
	char today[11];
	cc_date_today(today);
	cc_stmt_bind_text(s, 6, today, 10);
	bind_opt(s, 1, f->status);
	bind_opt(s, 2, f->department);
	bind_opt(s, 3, f->uscc);
	cc_stmt_bind_int64(s, 4, f->overdue != 0);
	cc_stmt_bind_int64(s, 5, f->limit > 0 ? f->limit : INT64_MAX);
	void *rows = NULL;
	rc = read_rows(s, sizeof **out, fill_case, release_cases, &rows, n, err);
	if (rc == 0)
		*out = rows;
out:
	cc_stmt_free(s);
	return rc;
}

int case_get(struct cc_store *st, int64_t id, struct case_row *out, struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	int rc, step;
	memset(out, 0, sizeof *out);
	rc = cc_stmt_prepare(st, &s, CASE_SELECT(2) "WHERE c.id = ?1", err);
	if (rc)
		goto out;
	char today[11];
	cc_date_today(today);
	cc_stmt_bind_int64(s, 1, id);
	cc_stmt_bind_text(s, 2, today, 10);
	step = cc_stmt_step(s, err);
	if (step == 1)
		rc = row_read(s, out, err);
	else if (step == 0)
		rc = cc_error_set(err, CC_ENOTFOUND, "no case %lld", (long long)id);
	else
		rc = step;
out:
	cc_stmt_free(s);
	return rc;
}

void case_comments_free(struct case_comment_row *rows, int n)
{
	for (int i = 0; rows && i < n; i++) {
		free(rows[i].at);
		free(rows[i].actor);
		free(rows[i].text);
		free(rows[i].from);
		free(rows[i].to);
	}
	free(rows);
}

int case_comments_list(struct cc_store *st, int64_t id, struct case_comment_row **out, int *n,
		       struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	int rc;
	*out = NULL;
	*n = 0;
	rc = cc_stmt_prepare(st, &s,
			     "SELECT at, actor, text, status_from, status_to FROM case_comments "
			     "WHERE case_id = ?1 ORDER BY id",
			     err);
	if (rc)
		goto out;
	cc_stmt_bind_int64(s, 1, id);
	void *rows = NULL;
	rc = read_rows(s, sizeof **out, fill_comment, release_comments, &rows, n, err);
	if (rc == 0)
		*out = rows;
out:
	cc_stmt_free(s);
	return rc;
}

void case_departments_free(struct case_department *rows, int n)
{
	for (int i = 0; rows && i < n; i++)
		free(rows[i].department);
	free(rows);
}

/*
 * Sets each of the N departments of ROWS its mean days from creation to close over its closed
 * cases, rounded to 0.1 day (NaN when it has none): julianday differences as SQLite's
 * round(avg(julianday(closed_at) - julianday(created_at)), 1) gave them, computed in C
 * (cc_stamp_days_between). Returns 0 or CC_EDB.
 */
static int days_to_close(struct cc_store *st, struct case_department *rows, int n,
			 struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	int rc = cc_stmt_prepare(st, &s,
				 "SELECT department, created_at, closed_at FROM cases "
				 "WHERE closed_at IS NOT NULL ORDER BY department, id",
				 err);
	if (rc)
		return rc;
	double *sum = calloc((size_t)n + 1, sizeof *sum);
	int *count = calloc((size_t)n + 1, sizeof *count);
	if (!sum || !count) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory reading departments");
		goto out;
	}
	while ((rc = cc_stmt_step(s, err)) == 1) {
		const char *dep = cc_stmt_text(s, 0);
		int k = 0;
		while (k < n && strcmp(rows[k].department, dep) != 0)
			k++;
		double d = cc_stamp_days_between(cc_stmt_text(s, 1), cc_stmt_text(s, 2));
		if (k < n && !isnan(d)) {
			sum[k] += d;
			count[k]++;
		}
	}
	rc = rc < 0 ? CC_EDB : 0;
	for (int k = 0; rc == 0 && k < n; k++)
		rows[k].avg_days_to_close = count[k] ? cc_round_sql(sum[k] / count[k], 1) : NAN;
out:
	free(sum);
	free(count);
	cc_stmt_free(s);
	return rc;
}

int case_departments(struct cc_store *st, struct case_department **out, int *n,
		     struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	int rc;
	*out = NULL;
	*n = 0;
	rc = cc_stmt_prepare(
		st, &s,
		"SELECT c.department, sum(CASE WHEN c.status = 'open' THEN 1 ELSE 0 END), "
		"sum(CASE WHEN c.status = 'in_progress' THEN 1 ELSE 0 END), "
		"sum(" OVERDUE_INT(
			1) "), sum(CASE WHEN c.status = 'resolved' THEN 1 ELSE 0 END), "
			   "sum(CASE WHEN c.status = 'declined' THEN 1 ELSE 0 END), NULL "
			   "FROM cases c GROUP BY c.department ORDER BY c.department",
		err);
	if (rc)
		goto out;
	char today[11];
	cc_date_today(today);
	cc_stmt_bind_text(s, 1, today, 10);
	void *rows = NULL;
	rc = read_rows(s, sizeof **out, fill_department, release_departments, &rows, n, err);
	if (rc)
		goto out;
	rc = days_to_close(st, rows, *n, err);
	if (rc == 0) {
		*out = rows;
	} else {
		case_departments_free(rows, *n);
		*n = 0;
	}
out:
	cc_stmt_free(s);
	return rc;
}
