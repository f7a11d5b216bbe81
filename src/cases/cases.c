/*
 * 一企一策 cases (see cases.h): writes in one transaction each, with an audit row.
 */
#include <stdio.h>
#include <string.h>
#include "base/buf.h"
#include "base/parse.h"
#include "cases/cases.h"
#include "domain/uscc.h"

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
		"UPDATE cases SET status = ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', "
		"'now'), closed_at = CASE WHEN ?2 IN ('resolved', 'declined') THEN "
		"strftime('%Y-%m-%dT%H:%M:%SZ', 'now') END WHERE id = ?1",
		err);
	if (rc == 0) {
		cc_stmt_bind_int64(s, 1, id);
		cc_stmt_bind_text(s, 2, to, strlen(to));
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
