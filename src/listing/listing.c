/*
 * Listing coordination (listing.h): institutions, consent, progress, engagements, the funnel
 * and the stalled cases. What an investor may see is the VISIBLE condition below and nowhere
 * else: every query of a reserve firm joins RESERVE and applies VISIBLE with ?1 bound to the
 * asking institution (0 for staff).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/builtin.h"
#include "base/json.h"
#include "base/parse.h"
#include "cases/cases.h"
#include "domain/codes.h"
#include "domain/uscc.h"
#include "lists/lists.h"
#include "listing/listing.h"
#include "store/dialect.h"

const char *const listing_stages[LISTING_NSTAGES] = {
	"shareholding", "tutoring", "accepted", "inquiry", "registered", "listed", "withdrawn"};
static const char *const boards[] = {"main", "star", "gem", "bse", "neeq"};
static const char *const institution_kinds[] = {"securities", "fund", "bank", "other"};

/* The reserve: every enterprise on the latest version of a list built on the listing_reserve
 * model, with that list's name and its tier (the first list by name when on several). */
#define RESERVE                                                                                    \
	"reserve AS (SELECT le.enterprise_id AS eid, min(l.name) AS list, min(le.tier) AS tier "   \
	"FROM lists l JOIN list_versions v ON v.list_id = l.id AND v.version = "                   \
	"(SELECT max(version) FROM list_versions WHERE list_id = l.id) "                           \
	"JOIN list_entries le ON le.version_id = v.id WHERE l.model = 'listing_reserve' "          \
	"GROUP BY le.enterprise_id)"
/* The one rule of what an investor sees (?1: the asking institution, 0 for staff). */
#define VISIBLE                                                                                    \
	"(?1 = 0 OR r.eid IN (SELECT enterprise_id FROM listing_consents WHERE granted = 1))"

int listing_stage_index(const char *s)
{
	for (int i = 0; s && i < LISTING_NSTAGES; i++)
		if (strcmp(s, listing_stages[i]) == 0)
			return i;
	return -1;
}

int listing_board_ok(const char *b)
{
	for (size_t i = 0; b && i < sizeof boards / sizeof boards[0]; i++)
		if (strcmp(b, boards[i]) == 0)
			return 1;
	return 0;
}

/* data/listing/listing.json, parsed; NULL with ERR. */
static json_t *config(struct cc_error *err)
{
	char *text = NULL;
	size_t len = 0;
	if (cc_data_read("listing/listing.json", &text, &len)) {
		cc_error_set(err, CC_ENOTFOUND, "cannot read listing/listing.json");
		return NULL;
	}
	json_t *j = json_loadb(text, len, 0, NULL);
	free(text);
	if (!j)
		cc_error_set(err, CC_EPARSE, "listing/listing.json: bad JSON");
	return j;
}

json_t *listing_names(struct cc_error *err)
{
	json_t *cfg = config(err);
	if (!cfg)
		return NULL;
	json_t *j = json_pack("{s:O, s:O}", "stages", json_object_get(cfg, "stages"), "boards",
			      json_object_get(cfg, "boards"));
	json_decref(cfg);
	return j;
}

/* The id of the registered enterprise USCC (any valid spelling), or 0. */
static int64_t enterprise_id(struct cc_store *st, const char *uscc, char canon[19])
{
	struct cc_error e;
	struct cc_stmt *q = NULL;
	int64_t id = 0;
	if (!uscc || cc_uscc_validate(uscc, strlen(uscc), canon, NULL, &e))
		return 0;
	if (cc_stmt_prepare(st, &q, "SELECT id FROM enterprises WHERE uscc = ?1", &e))
		return 0;
	cc_stmt_bind_text(q, 1, canon, 18);
	if (cc_stmt_step(q, &e) == 1)
		id = cc_stmt_int64(q, 0);
	cc_stmt_free(q);
	return id;
}

/* 1 when enterprise EID is on the reserve and visible to INSTITUTION (0: staff), else 0. */
static int visible(struct cc_store *st, int64_t eid, int64_t institution)
{
	struct cc_stmt *q = NULL;
	struct cc_error e;
	int yes = 0;
	if (cc_stmt_prepare(
		    st, &q,
		    "WITH " RESERVE " SELECT 1 FROM reserve r WHERE r.eid = ?2 AND " VISIBLE, &e))
		return 0;
	cc_stmt_bind_int64(q, 1, institution);
	cc_stmt_bind_int64(q, 2, eid);
	yes = cc_stmt_step(q, &e) == 1;
	cc_stmt_free(q);
	return yes;
}

int listing_institution_add(struct cc_store *st, const char *name, const char *kind,
			    const char *actor, int64_t *id, struct cc_error *err)
{
	struct cc_stmt *q = NULL;
	int ok = 0, rc;
	for (size_t i = 0; kind && i < sizeof institution_kinds / sizeof institution_kinds[0]; i++)
		ok |= strcmp(kind, institution_kinds[i]) == 0;
	if (!ok)
		return cc_error_set(err, CC_EINVAL,
				    "kind must be securities, fund, bank or other, not '%s'",
				    kind ? kind : "");
	if (!name || !*name || strlen(name) > 200)
		return cc_error_set(err, CC_EINVAL, "an institution needs a name (1-200 bytes)");
	if ((rc = cc_store_begin(st, err)))
		return rc;
	rc = cc_stmt_prepare(st, &q, "INSERT INTO institutions(name, kind) VALUES(?1, ?2)", err);
	if (rc == 0) {
		cc_stmt_bind_text(q, 1, name, strlen(name));
		cc_stmt_bind_text(q, 2, kind, strlen(kind));
		rc = cc_stmt_step(q, err);
		rc = rc < 0 ? rc : 0;
	}
	cc_stmt_free(q);
	if (rc == CC_EINVAL)
		rc = cc_error_set(err, CC_EEXIST, "institution '%s' exists", name);
	if (rc == 0) {
		char target[32], *after = NULL;
		*id = cc_store_last_id(st);
		snprintf(target, sizeof target, "%lld", (long long)*id);
		json_t *a = json_pack("{s:s, s:s}", "name", name, "kind", kind);
		after = json_dumps(a, JSON_COMPACT);
		json_decref(a);
		rc = cc_store_audit(st, actor, "listing.institution", target, NULL, after, err);
		free(after);
	}
	if (rc == 0)
		return cc_store_commit(st, err);
	cc_store_rollback(st);
	return rc;
}

json_t *listing_institutions(struct cc_store *st, struct cc_error *err)
{
	struct cc_stmt *q = NULL;
	if (cc_stmt_prepare(st, &q, "SELECT id, name, kind FROM institutions ORDER BY id", err))
		return NULL;
	json_t *a = json_array();
	while (cc_stmt_step(q, err) == 1)
		json_array_append_new(a, json_pack("{s:I, s:s, s:s}", "id",
						   (json_int_t)cc_stmt_int64(q, 0), "name",
						   cc_stmt_text(q, 1), "kind", cc_stmt_text(q, 2)));
	cc_stmt_free(q);
	return a;
}

int listing_consent(struct cc_store *st, const char *uscc, int granted, const char *actor,
		    struct cc_error *err)
{
	char canon[19], before[32];
	int64_t eid = enterprise_id(st, uscc, canon);
	int rc;
	if (!eid)
		return cc_error_set(err, CC_ENOTFOUND, "no enterprise with credit code '%s'",
				    uscc ? uscc : "");
	if ((rc = cc_store_begin(st, err)))
		return rc;
	char sql[200];
	snprintf(
		sql, sizeof sql,
		"SELECT coalesce((SELECT granted FROM listing_consents WHERE enterprise_id = %lld), "
		"-1)",
		(long long)eid);
	int64_t was = cc_store_int(st, sql, -1);
	snprintf(before, sizeof before, was < 0 ? "null" : "{\"granted\":%s}",
		 was == 1 ? "true" : "false");
	struct cc_stmt *q = NULL;
	rc = cc_stmt_prepare(st, &q,
			     "INSERT INTO listing_consents(enterprise_id, granted, actor) "
			     "VALUES(?1, ?2, ?3) ON CONFLICT(enterprise_id) DO UPDATE SET "
			     "granted = excluded.granted, actor = excluded.actor, at = ?4",
			     err);
	if (rc == 0) {
		const char *a = actor && *actor ? actor : "cli";
		cc_stmt_bind_now(q, 4);
		cc_stmt_bind_int64(q, 1, eid);
		cc_stmt_bind_int64(q, 2, granted ? 1 : 0);
		cc_stmt_bind_text(q, 3, a, strlen(a));
		rc = cc_stmt_step(q, err);
		rc = rc < 0 ? rc : 0;
	}
	cc_stmt_free(q);
	if (rc == 0)
		rc = cc_store_audit(st, actor, "listing.consent", canon, was < 0 ? NULL : before,
				    granted ? "{\"granted\":true}" : "{\"granted\":false}", err);
	if (rc == 0)
		return cc_store_commit(st, err);
	cc_store_rollback(st);
	return rc;
}

/* Column COL of Q as JSON text into B: a string, an integer (INTEGER) or null. */
static void json_col(struct cc_buf *b, struct cc_stmt *q, int col, int integer)
{
	if (cc_stmt_is_null(q, col))
		cc_buf_puts(b, "null");
	else if (integer)
		cc_buf_printf(b, "%lld", (long long)cc_stmt_int64(q, col));
	else
		cc_buf_json_str(b, cc_stmt_text(q, col), cc_stmt_bytes(q, col));
}

/*
 * The listing progress of enterprise EID as the audit log's JSON text
 * {"stage":…,"since":…,"board":…,"sponsor":…} into *OUT (malloc'd; NULL when it has none).
 * Returns 0 or a negative CC_E*.
 */
static int progress_json(struct cc_store *st, int64_t eid, char **out, struct cc_error *err)
{
	struct cc_stmt *q = NULL;
	*out = NULL;
	int rc = cc_stmt_prepare(st, &q,
				 "SELECT stage, since, board, sponsor_id FROM listing_progress "
				 "WHERE enterprise_id = ?1",
				 err);
	if (rc)
		return rc;
	cc_stmt_bind_int64(q, 1, eid);
	int step = cc_stmt_step(q, err);
	if (step == 1) {
		struct cc_buf b = CC_BUF_INIT(4096);
		cc_buf_puts(&b, "{\"stage\":");
		json_col(&b, q, 0, 0);
		cc_buf_puts(&b, ",\"since\":");
		json_col(&b, q, 1, 0);
		cc_buf_puts(&b, ",\"board\":");
		json_col(&b, q, 2, 0);
		cc_buf_puts(&b, ",\"sponsor\":");
		json_col(&b, q, 3, 1);
		if (cc_buf_putc(&b, '}') == 0)
			*out = cc_buf_detach(&b);
		else
			rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		cc_buf_release(&b);
	}
	cc_stmt_free(q);
	return step < 0 ? CC_EDB : rc;
}

int listing_progress_set(struct cc_store *st, const struct listing_move *m, struct cc_error *err)
{
	char canon[19], date[16], sql[200];
	int ymd, rc;
	struct cc_stmt *q = NULL;
	char *before = NULL, *after = NULL;
	int64_t eid = enterprise_id(st, m->uscc, canon);
	if (!eid)
		return cc_error_set(err, CC_ENOTFOUND, "no enterprise with credit code '%s'",
				    m->uscc ? m->uscc : "");
	if (!visible(st, eid, 0))
		return cc_error_set(err, CC_ENOTFOUND, "%s is not on the listing reserve", canon);
	if (listing_stage_index(m->stage) < 0)
		return cc_error_set(err, CC_EINVAL,
				    "stage must be shareholding, tutoring, accepted, inquiry, "
				    "registered, listed or withdrawn, not '%s'",
				    m->stage ? m->stage : "");
	if (m->board && *m->board && !listing_board_ok(m->board))
		return cc_error_set(err, CC_EINVAL,
				    "board must be main, star, gem, bse or neeq, not '%s'",
				    m->board);
	if (m->date && *m->date) {
		if (cc_parse_date(m->date, strlen(m->date), &ymd, err))
			return CC_EINVAL;
		snprintf(date, sizeof date, "%04d-%02d-%02d", (ymd / 10000) % 10000,
			 (unsigned)ymd / 100 % 100, ymd % 100);
	} else {
		snprintf(date, sizeof date, "%s", "");
	}
	if (m->sponsor > 0) {
		snprintf(sql, sizeof sql, "SELECT count(*) FROM institutions WHERE id = %lld",
			 (long long)m->sponsor);
		if (cc_store_int(st, sql, 0) != 1)
			return cc_error_set(err, CC_ENOTFOUND, "no institution with id %lld",
					    (long long)m->sponsor);
	}
	if ((rc = cc_store_begin(st, err)))
		return rc;
	rc = progress_json(st, eid, &before, err);
	const char *actor = m->actor && *m->actor ? m->actor : "cli";
	if (rc == 0)
		rc = cc_stmt_prepare(
			st, &q,
			"INSERT INTO listing_progress(enterprise_id, stage, since, board, sponsor_id, "
			"updated_by) VALUES(?1, ?2, coalesce(nullif(?3, ''), ?7), ?4, "
			"nullif(?5, 0), ?6) ON CONFLICT(enterprise_id) DO UPDATE SET "
			"since = CASE WHEN excluded.stage = listing_progress.stage AND ?3 = '' "
			"THEN listing_progress.since ELSE excluded.since END, "
			"stage = excluded.stage, "
			"board = coalesce(excluded.board, listing_progress.board), "
			"sponsor_id = coalesce(excluded.sponsor_id, listing_progress.sponsor_id), "
			"updated_by = excluded.updated_by",
			err);
	if (rc == 0) {
		cc_stmt_bind_int64(q, 1, eid);
		cc_stmt_bind_text(q, 2, m->stage, strlen(m->stage));
		cc_stmt_bind_text(q, 3, date, strlen(date));
		if (m->board && *m->board)
			cc_stmt_bind_text(q, 4, m->board, strlen(m->board));
		cc_stmt_bind_int64(q, 5, m->sponsor > 0 ? m->sponsor : 0);
		cc_stmt_bind_text(q, 6, actor, strlen(actor));
		char today[11];
		cc_date_today(today);
		cc_stmt_bind_text(q, 7, today, 10);
		rc = cc_stmt_step(q, err);
		rc = rc < 0 ? rc : 0;
	}
	cc_stmt_free(q);
	q = NULL;
	if (rc == 0)
		rc = cc_stmt_prepare(
			st, &q,
			"INSERT INTO listing_stages(enterprise_id, stage, date, actor) SELECT "
			"enterprise_id, stage, since, ?2 FROM listing_progress WHERE enterprise_id = "
			"?1 ON CONFLICT DO NOTHING",
			err);
	if (rc == 0) {
		cc_stmt_bind_int64(q, 1, eid);
		cc_stmt_bind_text(q, 2, actor, strlen(actor));
		rc = cc_stmt_step(q, err);
		rc = rc < 0 ? rc : 0;
	}
	cc_stmt_free(q);
	q = NULL;
	if (rc == 0)
		rc = progress_json(st, eid, &after, err);
	if (rc == 0)
		rc = cc_store_audit(st, actor, "listing.stage", canon, before, after, err);
	free(before);
	free(after);
	if (rc == 0)
		return cc_store_commit(st, err);
	cc_store_rollback(st);
	return rc;
}

/* The region name of CODE ("" when unknown). */
static void district(int code, char *out, size_t n)
{
	const struct cc_region *r = cc_region_find(code);
	snprintf(out, n, "%s", r ? r->name : "");
}

/* The columns every reserve read selects, over reserve r joined to its enterprise e. */
#define FIRM_COLUMNS                                                                               \
	"e.id, e.uscc, e.name, e.region, r.list, r.tier, "                                         \
	"(SELECT string_agg(chain, ',') FROM (SELECT DISTINCT chain FROM chain_members WHERE "     \
	"enterprise_id = e.id ORDER BY chain) c), "                                                \
	"coalesce((SELECT granted FROM listing_consents WHERE enterprise_id = e.id), 0), "         \
	"p.stage, p.since, p.board, p.sponsor_id, (SELECT name FROM institutions WHERE id = "      \
	"p.sponsor_id) "
#define FIRM_FROM                                                                                  \
	"FROM reserve r JOIN enterprises e ON e.id = r.eid "                                       \
	"LEFT JOIN listing_progress p ON p.enterprise_id = e.id "

static json_t *opt_text(struct cc_stmt *q, int col)
{
	return cc_stmt_is_null(q, col) ? json_null() : json_string(cc_stmt_text(q, col));
}

/* One firm row of a FIRM_COLUMNS query, with the engagements INSTITUTION may see. */
static json_t *firm_json(struct cc_store *st, struct cc_stmt *q, int64_t institution)
{
	char name[128];
	struct cc_error e;
	int region = (int)cc_stmt_int64(q, 3);
	district(region, name, sizeof name);
	json_t *chains = json_array();
	if (!cc_stmt_is_null(q, 6)) {
		char buf[512];
		snprintf(buf, sizeof buf, "%s", cc_stmt_text(q, 6));
		for (char *p = buf; *p;) {
			char *c = strchr(p, ',');
			if (c)
				*c = '\0';
			json_array_append_new(chains, json_string(p));
			if (!c)
				break;
			p = c + 1;
		}
	}
	json_t *j =
		json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:o, s:b, s:o, s:o, s:o}", "uscc",
			  cc_stmt_text(q, 1), "name", cc_stmt_text(q, 2), "region", region,
			  "district", name, "list", cc_stmt_text(q, 4), "tier", cc_stmt_text(q, 5),
			  "chains", chains, "consent", (int)cc_stmt_int64(q, 7), "stage",
			  opt_text(q, 8), "since", opt_text(q, 9), "board", opt_text(q, 10));
	json_object_set_new(j, "sponsor",
			    cc_stmt_is_null(q, 11) ? json_null()
						   : json_pack("{s:I, s:s}", "id",
							       (json_int_t)cc_stmt_int64(q, 11),
							       "name", cc_stmt_text(q, 12)));
	json_t *eng = json_array();
	struct cc_stmt *g = NULL;
	if (cc_stmt_prepare(st, &g,
			    "SELECT g.kind, i.id, i.name, g.note, g.created_at FROM "
			    "listing_engagements g JOIN institutions i ON i.id = g.institution_id "
			    "WHERE g.enterprise_id = ?1 AND (?2 = 0 OR g.institution_id = ?2) "
			    "ORDER BY g.id",
			    &e) == 0) {
		cc_stmt_bind_int64(g, 1, cc_stmt_int64(q, 0));
		cc_stmt_bind_int64(g, 2, institution);
		while (cc_stmt_step(g, &e) == 1)
			json_array_append_new(eng, json_pack("{s:s, s:I, s:s, s:o, s:s}", "kind",
							     cc_stmt_text(g, 0), "institution",
							     (json_int_t)cc_stmt_int64(g, 1),
							     "institution_name", cc_stmt_text(g, 2),
							     "note", opt_text(g, 3), "at",
							     cc_stmt_text(g, 4)));
	}
	cc_stmt_free(g);
	json_object_set_new(j, "engagements", eng);
	return j;
}

json_t *listing_reserve(struct cc_store *st, int64_t institution, struct cc_error *err)
{
	struct cc_stmt *q = NULL;
	if (cc_stmt_prepare(st, &q,
			    "WITH " RESERVE " SELECT " FIRM_COLUMNS FIRM_FROM "WHERE " VISIBLE
			    " ORDER BY e.uscc",
			    err))
		return NULL;
	cc_stmt_bind_int64(q, 1, institution);
	json_t *a = json_array();
	while (cc_stmt_step(q, err) == 1)
		json_array_append_new(a, firm_json(st, q, institution));
	cc_stmt_free(q);
	return a;
}

json_t *listing_firm(struct cc_store *st, const char *uscc, int64_t institution,
		     struct cc_error *err)
{
	char canon[19];
	struct cc_stmt *q = NULL;
	json_t *j = NULL;
	int64_t eid = enterprise_id(st, uscc, canon);
	if (!eid || !visible(st, eid, institution)) {
		cc_error_set(err, CC_ENOTFOUND, "no reserve enterprise '%s' visible to you",
			     uscc ? uscc : "");
		return NULL;
	}
	if (cc_stmt_prepare(st, &q,
			    "WITH " RESERVE " SELECT " FIRM_COLUMNS FIRM_FROM "WHERE " VISIBLE
			    " AND e.id = ?2",
			    err))
		return NULL;
	cc_stmt_bind_int64(q, 1, institution);
	cc_stmt_bind_int64(q, 2, eid);
	if (cc_stmt_step(q, err) == 1)
		j = firm_json(st, q, institution);
	cc_stmt_free(q);
	q = NULL;
	if (!j) {
		cc_error_set(err, CC_ENOTFOUND, "no reserve enterprise '%s'", canon);
		return NULL;
	}
	json_t *h = json_array();
	if (cc_stmt_prepare(st, &q,
			    "SELECT stage, date FROM listing_stages WHERE enterprise_id = ?1 "
			    "ORDER BY date, stage",
			    err) == 0) {
		cc_stmt_bind_int64(q, 1, eid);
		while (cc_stmt_step(q, err) == 1)
			json_array_append_new(h,
					      json_pack("{s:s, s:s}", "stage", cc_stmt_text(q, 0),
							"date", cc_stmt_text(q, 1)));
	}
	cc_stmt_free(q);
	json_object_set_new(j, "history", h);
	return j;
}

int listing_engage(struct cc_store *st, int64_t institution, const char *uscc, const char *kind,
		   const char *note, const char *actor, struct cc_error *err)
{
	char canon[19], target[64];
	struct cc_stmt *q = NULL;
	int rc;
	if (!kind || (strcmp(kind, "interest") && strcmp(kind, "counselling")))
		return cc_error_set(err, CC_EINVAL,
				    "kind must be interest or counselling, not '%s'",
				    kind ? kind : "");
	if (note && strlen(note) > 2000)
		return cc_error_set(err, CC_EINVAL, "a note holds at most 2000 bytes");
	int64_t eid = enterprise_id(st, uscc, canon);
	if (institution <= 0 || !eid || !visible(st, eid, institution))
		return cc_error_set(err, CC_ENOTFOUND, "no reserve enterprise '%s' visible to you",
				    uscc ? uscc : "");
	if ((rc = cc_store_begin(st, err)))
		return rc;
	const char *a = actor && *actor ? actor : "cli";
	rc = cc_stmt_prepare(st, &q,
			     "INSERT INTO listing_engagements(institution_id, enterprise_id, kind, "
			     "note, actor) VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(institution_id, "
			     "enterprise_id, kind) DO UPDATE SET note = excluded.note, "
			     "actor = excluded.actor",
			     err);
	if (rc == 0) {
		cc_stmt_bind_int64(q, 1, institution);
		cc_stmt_bind_int64(q, 2, eid);
		cc_stmt_bind_text(q, 3, kind, strlen(kind));
		if (note && *note)
			cc_stmt_bind_text(q, 4, note, strlen(note));
		cc_stmt_bind_text(q, 5, a, strlen(a));
		rc = cc_stmt_step(q, err);
		rc = rc < 0 ? rc : 0;
	}
	cc_stmt_free(q);
	if (rc == 0) {
		json_t *j = json_pack("{s:I, s:s, s:s?}", "institution", (json_int_t)institution,
				      "kind", kind, "note", note && *note ? note : NULL);
		char *after = json_dumps(j, JSON_COMPACT);
		json_decref(j);
		snprintf(target, sizeof target, "%s", canon);
		rc = cc_store_audit(st, actor, "listing.engage", target, NULL, after, err);
		free(after);
	}
	if (rc == 0)
		return cc_store_commit(st, err);
	cc_store_rollback(st);
	return rc;
}

/* Adds 1 to OBJ[KEY]. */
static void bump(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	json_object_set_new(obj, key, json_integer(v ? json_integer_value(v) + 1 : 1));
}

/* The entry of array A whose KEY is VAL (a string) or, with VAL NULL, whose KEY is IVAL. */
static json_t *row_for(json_t *a, const char *key, const char *val, int ival)
{
	size_t i;
	json_t *x;
	json_array_foreach(a, i, x)
	{
		json_t *k = json_object_get(x, key);
		if (val ? strcmp(json_string_value(k), val) == 0 : json_integer_value(k) == ival)
			return x;
	}
	x = json_pack("{s:o, s:{}, s:i}", key, val ? json_string(val) : json_integer(ival),
		      "stages", "total", 0);
	json_array_append_new(a, x);
	return x;
}

json_t *listing_funnel(struct cc_store *st, struct cc_error *err)
{
	struct cc_stmt *q = NULL;
	json_t *cfg = config(err);
	if (!cfg)
		return NULL;
	if (cc_stmt_prepare(
		    st, &q,
		    "WITH " RESERVE " SELECT coalesce(p.stage, 'none'), p.board, e.region, "
		    "(SELECT string_agg(chain, ',') FROM (SELECT DISTINCT chain FROM chain_members "
		    "WHERE enterprise_id = e.id ORDER BY chain) c) FROM reserve r JOIN enterprises e "
		    "ON e.id = r.eid "
		    "LEFT JOIN listing_progress p ON p.enterprise_id = e.id",
		    err)) {
		json_decref(cfg);
		return NULL;
	}
	json_t *stage = json_object(), *board = json_object(), *chains = json_array(),
	       *districts = json_array();
	int total = 0;
	while (cc_stmt_step(q, err) == 1) {
		const char *s = cc_stmt_text(q, 0);
		total++;
		bump(stage, s);
		bump(board, cc_stmt_is_null(q, 1) ? "none" : cc_stmt_text(q, 1));
		int region = (int)cc_stmt_int64(q, 2);
		json_t *d = row_for(districts, "region", NULL, region);
		bump(json_object_get(d, "stages"), s);
		json_object_set_new(
			d, "total",
			json_integer(json_integer_value(json_object_get(d, "total")) + 1));
		if (!json_object_get(d, "name")) {
			char name[128];
			district(region, name, sizeof name);
			json_object_set_new(d, "name", json_string(name));
		}
		char buf[512];
		snprintf(buf, sizeof buf, "%s", cc_stmt_is_null(q, 3) ? "" : cc_stmt_text(q, 3));
		for (char *p = buf; *p;) {
			char *c = strchr(p, ',');
			if (c)
				*c = '\0';
			json_t *x = row_for(chains, "chain", p, 0);
			bump(json_object_get(x, "stages"), s);
			json_object_set_new(
				x, "total",
				json_integer(json_integer_value(json_object_get(x, "total")) + 1));
			if (!c)
				break;
			p = c + 1;
		}
	}
	cc_stmt_free(q);
	json_t *by_stage = json_array();
	for (int i = -1; i < LISTING_NSTAGES; i++) {
		const char *id = i < 0 ? "none" : listing_stages[i];
		json_t *v = json_object_get(stage, id);
		json_array_append_new(by_stage, json_pack("{s:s, s:I}", "stage", id, "count",
							  v ? json_integer_value(v) : 0));
	}
	json_decref(stage);
	json_t *out = json_pack("{s:i, s:o, s:o, s:o, s:o, s:O, s:O, s:O}", "total", total,
				"by_stage", by_stage, "by_board", board, "by_chain", chains,
				"by_district", districts, "stages", json_object_get(cfg, "stages"),
				"boards", json_object_get(cfg, "boards"), "stalled_months",
				json_object_get(cfg, "stalled_months"));
	json_decref(cfg);
	return out;
}

static int month_days(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : d[m - 1];
}

/* One stage reached by the firm being counted. */
struct reached {
	char date[11];
	int stage;
};

/* Adds the firm whose stages are R (N of them, by date) to COUNTS (NM month-ends DATES). */
static void count_firm(const struct reached *r, size_t n, char (*dates)[16], int nm,
		       int64_t *counts)
{
	size_t j = 0;
	int cur = -1;
	const char *cur_date = "";
	for (int k = 0; k < nm; k++) {
		for (; j < n && strcmp(r[j].date, dates[k]) <= 0; j++) {
			int c = strcmp(r[j].date, cur_date);
			if (c > 0 || (c == 0 && r[j].stage > cur)) {
				cur = r[j].stage;
				cur_date = r[j].date;
			}
		}
		counts[(size_t)(cur + 1) * (size_t)nm + (size_t)k]++;
	}
}

json_t *listing_funnel_history(struct cc_store *st, int months, const char *today,
			       struct cc_error *err)
{
	char day[16] = "", (*dates)[16] = NULL;
	int ymd = 0, nm = months <= 0 ? 24 : months;
	int64_t total = 0, *counts = NULL, eid = 0;
	struct reached *r = NULL;
	size_t nr = 0, cap = 0;
	struct cc_stmt *q = NULL;
	json_t *cfg = NULL, *out = NULL;
	if (nm > 120) {
		cc_error_set(err, CC_EINVAL, "months must be 1 to 120, not %d", months);
		goto out;
	}
	if (today && *today) {
		if (cc_parse_date(today, strlen(today), &ymd, err))
			goto out;
	} else {
		char now[11];
		cc_date_today(now);
		if (cc_parse_date(now, strlen(now), &ymd, err))
			goto out;
	}
	snprintf(day, sizeof day, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100, ymd % 100);
	cfg = config(err);
	dates = calloc((size_t)nm, sizeof *dates);
	counts = calloc((size_t)nm * (LISTING_NSTAGES + 1), sizeof *counts);
	if (!cfg || !dates || !counts) {
		if (cfg)
			cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	/* The month-ends, oldest first; the last is today. */
	for (int k = 0; k < nm; k++) {
		int back = nm - 1 - k, y = ymd / 10000, m = ymd / 100 % 100 - back;
		while (m < 1) {
			m += 12;
			y--;
		}
		snprintf(dates[k], sizeof dates[k], "%04d-%02d-%02d", (y + 10000) % 10000, m % 100,
			 back ? month_days(y, m) : ymd % 100);
	}
	if (cc_stmt_prepare(
		    st, &q,
		    "WITH " RESERVE " SELECT r.eid, s.stage, s.date FROM reserve r "
		    "LEFT JOIN listing_stages s ON s.enterprise_id = r.eid AND s.date <= ?1 "
		    "ORDER BY r.eid, s.date",
		    err))
		goto out;
	cc_stmt_bind_text(q, 1, day, strlen(day));
	int rc;
	while ((rc = cc_stmt_step(q, err)) == 1) {
		int64_t id = cc_stmt_int64(q, 0);
		if (id != eid) {
			if (eid)
				count_firm(r, nr, dates, nm, counts);
			eid = id;
			nr = 0;
			total++;
		}
		int stage = cc_stmt_is_null(q, 1) ? -1 : listing_stage_index(cc_stmt_text(q, 1));
		const char *d = cc_stmt_is_null(q, 2) ? "" : cc_stmt_text(q, 2);
		if (stage < 0 || strlen(d) != 10)
			continue; /* no stage reached yet (the LEFT JOIN's NULL) */
		if (nr == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct reached *g = realloc(r, nc * sizeof *g);
			if (!g) {
				cc_error_set(err, CC_ENOMEM, "out of memory");
				goto out;
			}
			r = g;
			cap = nc;
		}
		memcpy(r[nr].date, d, 11);
		r[nr].stage = stage;
		nr++;
	}
	if (rc < 0)
		goto out;
	if (eid)
		count_firm(r, nr, dates, nm, counts);
	json_t *labels = json_array(), *ends = json_array(), *series = json_array();
	for (int k = 0; k < nm; k++) {
		json_array_append_new(labels, json_stringn(dates[k], 7));
		json_array_append_new(ends, json_string(dates[k]));
	}
	for (int i = -1; i < LISTING_NSTAGES; i++) {
		json_t *c = json_array();
		for (int k = 0; k < nm; k++)
			json_array_append_new(
				c, json_integer(counts[(size_t)(i + 1) * (size_t)nm + (size_t)k]));
		json_array_append_new(series,
				      json_pack("{s:s, s:o}", "stage",
						i < 0 ? "none" : listing_stages[i], "counts", c));
	}
	out = json_pack("{s:s, s:o, s:o, s:I, s:o, s:O}", "today", day, "months", labels, "dates",
			ends, "total", (json_int_t)total, "series", series, "stages",
			json_object_get(cfg, "stages"));
out:
	cc_stmt_free(q);
	json_decref(cfg);
	free(dates);
	free(counts);
	free(r);
	return out;
}

json_t *listing_stalled(struct cc_store *st, int months, const char *today, int open,
			const char *actor, struct cc_error *err)
{
	char day[16], cutoff[16] = "";
	int ymd;
	struct cc_stmt *q = NULL;
	json_t *cfg = config(err), *out = NULL, *rows = json_array();
	if (!cfg) {
		json_decref(rows);
		return NULL;
	}
	if (months <= 0)
		months = (int)json_integer_value(json_object_get(cfg, "stalled_months"));
	const char *dept = json_string_value(json_object_get(cfg, "case_department"));
	if (months <= 0 || months > 600 || !dept) {
		cc_error_set(err, CC_EINVAL, "months must be 1 to 600 (listing/listing.json)");
		goto out;
	}
	if (today && *today) {
		if (cc_parse_date(today, strlen(today), &ymd, err))
			goto out;
		snprintf(day, sizeof day, "%04d-%02d-%02d", (ymd / 10000) % 10000,
			 (unsigned)ymd / 100 % 100, ymd % 100);
	} else {
		cc_date_today(day);
	}
	if (cc_date_add_months(day, -months, cutoff)) {
		cc_error_set(err, CC_EINVAL, "bad date '%s'", day);
		goto out;
	}
	if (cc_stmt_prepare(
		    st, &q,
		    "WITH " RESERVE " SELECT e.uscc, e.name, p.stage, p.since, "
		    "(SELECT c.id FROM cases c WHERE c.id = p.case_id AND c.status IN "
		    "('open', 'in_progress')) FROM reserve r JOIN enterprises e ON e.id = "
		    "r.eid JOIN listing_progress p ON p.enterprise_id = e.id WHERE p.stage "
		    "NOT IN ('listed', 'withdrawn') AND p.since <= ?1 ORDER BY p.since, e.uscc",
		    err))
		goto out;
	cc_stmt_bind_text(q, 1, cutoff, strlen(cutoff));
	while (cc_stmt_step(q, err) == 1)
		json_array_append_new(
			rows, json_pack("{s:s, s:s, s:s, s:s, s:o, s:b}", "uscc",
					cc_stmt_text(q, 0), "name", cc_stmt_text(q, 1), "stage",
					cc_stmt_text(q, 2), "since", cc_stmt_text(q, 3), "case",
					cc_stmt_is_null(q, 4) ? json_null()
							      : json_integer(cc_stmt_int64(q, 4)),
					"opened", 0));
	cc_stmt_free(q);
	q = NULL;
	int opened = 0;
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
	{
		if (!open || !json_is_null(json_object_get(x, "case")))
			continue;
		char title[300], detail[300];
		const char *stage = json_string_value(json_object_get(x, "stage"));
		snprintf(title, sizeof title, "上市进程停滞：%s",
			 json_string_value(json_object_get(x, "name")));
		snprintf(detail, sizeof detail,
			 "stage %s since %s: no move in %d months (listing/listing.json)", stage,
			 json_string_value(json_object_get(x, "since")), months);
		struct case_new c = {.uscc = json_string_value(json_object_get(x, "uscc")),
				     .kind = "finance",
				     .title = title,
				     .detail = detail,
				     .department = dept,
				     .actor = actor};
		int64_t id = 0;
		if (case_open(st, &c, &id, err))
			goto out;
		struct cc_stmt *u = NULL;
		if (cc_stmt_prepare(
			    st, &u,
			    "UPDATE listing_progress SET case_id = ?1 WHERE enterprise_id = "
			    "(SELECT id FROM enterprises WHERE uscc = ?2)",
			    err))
			goto out;
		cc_stmt_bind_int64(u, 1, id);
		cc_stmt_bind_text(u, 2, c.uscc, strlen(c.uscc));
		int rc = cc_stmt_step(u, err);
		cc_stmt_free(u);
		if (rc < 0)
			goto out;
		json_object_set_new(x, "case", json_integer(id));
		json_object_set_new(x, "opened", json_true());
		opened++;
	}
	out = json_pack("{s:i, s:s, s:s, s:O, s:i}", "months", months, "today", day, "cutoff",
			cutoff, "stalled", rows, "opened", opened);
out:
	cc_stmt_free(q);
	json_decref(rows);
	json_decref(cfg);
	return out;
}

int listing_demo(struct cc_store *st, struct cc_error *err)
{
	struct cc_stmt *q = NULL;
	struct list_entry *e = NULL;
	int n = 0, rc = 0;
	rc = cc_store_exec(
		st,
		"INSERT INTO institutions(name, kind) VALUES"
		"('西南证券（演示）', 'securities'), ('重庆产业引导基金（演示）', 'fund') "
		"ON CONFLICT DO NOTHING",
		err);
	if (rc)
		return rc;
	if (cc_store_int(st, "SELECT count(*) FROM lists WHERE model = 'listing_reserve'", 0) ==
	    0) {
		e = calloc(24, sizeof *e);
		if (!e)
			return cc_error_set(err, CC_ENOMEM, "out of memory");
		rc = cc_stmt_prepare(st, &q,
				     "SELECT id FROM enterprises WHERE coalesce(listed, 'none') = "
				     "'none' AND (certs LIKE '%srdi%' OR certs LIKE '%hightech%') "
				     "ORDER BY region / 10000 <> 50, uscc LIMIT 24",
				     err);
		while (rc == 0 && cc_stmt_step(q, err) == 1) {
			e[n].enterprise_id = cc_stmt_int64(q, 0);
			snprintf(e[n].tier, sizeof e[n].tier, "%s", n < 12 ? "reserve" : "seed");
			e[n].score = 0;
			e[n].manual = 1;
			e[n].reason = (char *)"演示：专精特新或高新技术企业";
			n++;
		}
		cc_stmt_free(q);
		q = NULL;
		if (rc == 0 && n > 0)
			rc = lists_version_write(st, "上市后备库（演示）", "listing_reserve", 1, 0,
						 e, n, NULL, 0, "demo", "演示数据", NULL, err);
		free(e);
		if (rc)
			return rc;
	}
	/* Every other reserve firm consents; sixteen carry progress: stage k % 6 reached
	 * (k * 2 % 13) months ago (dates computed here: d(k, since)), so the early ones have
	 * stalled; one of them withdrew. */
	char today[11], since[11];
	cc_date_today(today);
	struct cc_buf sql = CC_BUF_INIT(16384);
	cc_buf_puts(&sql,
		    "WITH " RESERVE ", r AS (SELECT eid, row_number() OVER (ORDER BY eid) - 1 "
		    "AS k FROM reserve), d(k, since) AS (VALUES ");
	for (int k = 0; k < 16; k++) {
		cc_date_add_months(today, -(k * 2 % 13), since);
		cc_buf_printf(&sql, "%s(%d, '%s')", k ? ", " : "", k, since);
	}
	cc_buf_puts(
		&sql,
		") INSERT INTO listing_progress(enterprise_id, stage, since, board, sponsor_id, "
		"updated_by) SELECT eid, CASE WHEN r.k = 15 THEN 'withdrawn' ELSE CASE r.k % 6 WHEN 0 "
		"THEN 'shareholding' WHEN 1 THEN 'tutoring' WHEN 2 THEN 'accepted' WHEN 3 THEN "
		"'inquiry' WHEN 4 THEN 'registered' ELSE 'listed' END END, d.since, CASE r.k % 4 "
		"WHEN 0 THEN 'star' WHEN 1 THEN 'gem' WHEN 2 THEN 'bse' ELSE 'main' END, (SELECT id "
		"FROM institutions WHERE name = '西南证券（演示）'), 'demo' FROM r JOIN d ON d.k = "
		"r.k WHERE r.k < 16 ORDER BY r.k ON CONFLICT DO NOTHING;");
	if (sql.failed) {
		cc_buf_release(&sql);
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	}
	rc = cc_store_exec(st,
			   "WITH " RESERVE
			   ", r AS (SELECT eid, row_number() OVER (ORDER BY eid) - 1 AS k "
			   "FROM reserve) "
			   "INSERT INTO listing_consents(enterprise_id, granted, actor) "
			   "SELECT eid, 1, 'demo' FROM r WHERE k % 2 = 0 ON CONFLICT DO NOTHING;",
			   err);
	if (rc == 0)
		rc = cc_store_exec(st, cc_buf_str(&sql), err);
	cc_buf_release(&sql);
	if (rc == 0)
		rc = cc_store_exec(
			st,
			"INSERT INTO listing_stages(enterprise_id, stage, date, actor) "
			"SELECT enterprise_id, stage, since, 'demo' FROM listing_progress "
			"WHERE 1 = 1 ON CONFLICT DO NOTHING;",
			err);
	/* The stages before the current one, three months apart (a withdrawn firm had reached
	 * 申报受理), so the funnel over time has a history to draw. */
	struct cc_stmt *ins = NULL;
	if (rc == 0)
		rc = cc_stmt_prepare(
			st, &q,
			"WITH s(id, i) AS (VALUES ('shareholding', 0), ('tutoring', 1), ('accepted', "
			"2), ('inquiry', 3), ('registered', 4), ('listed', 5)) "
			"SELECT p.enterprise_id, s.id, p.since, (c.i - s.i) * 3 FROM listing_progress p "
			"JOIN s c ON c.id = p.stage OR (p.stage = 'withdrawn' AND c.id = 'accepted') "
			"JOIN s ON s.i < c.i WHERE p.updated_by = 'demo'",
			err);
	if (rc == 0)
		rc = cc_stmt_prepare(
			st, &ins,
			"INSERT INTO listing_stages(enterprise_id, stage, date, actor) "
			"VALUES(?1, ?2, ?3, 'demo') ON CONFLICT DO NOTHING",
			err);
	while (rc == 0 && (rc = cc_stmt_step(q, err)) == 1) {
		char date[11];
		rc = cc_date_add_months(cc_stmt_text(q, 2), -(int)cc_stmt_int64(q, 3), date);
		if (rc) {
			cc_error_set(err, rc, "listing_progress: bad date '%s'",
				     cc_stmt_text(q, 2));
			break;
		}
		cc_stmt_bind_int64(ins, 1, cc_stmt_int64(q, 0));
		cc_stmt_bind_text(ins, 2, cc_stmt_text(q, 1), cc_stmt_bytes(q, 1));
		cc_stmt_bind_text(ins, 3, date, 10);
		rc = cc_stmt_step(ins, err) < 0 ? CC_EDB : 0;
		cc_stmt_reset(ins);
	}
	rc = rc < 0 ? rc : 0;
	cc_stmt_free(q);
	cc_stmt_free(ins);
	if (rc == 0)
		rc = cc_store_exec(
			st,
			"INSERT INTO listing_engagements(institution_id, enterprise_id, kind, note, "
			"actor) SELECT (SELECT id FROM institutions WHERE name = "
			"'重庆产业引导基金（演示）'), enterprise_id, 'interest', '演示：关注其科创板申报', "
			"'demo' FROM listing_consents WHERE granted = 1 ORDER BY enterprise_id LIMIT 2 "
			"ON CONFLICT DO NOTHING;",
			err);
	return rc;
}
