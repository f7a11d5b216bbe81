/*
 * Cultivation lists: immutable numbered versions written from a model run or from manual
 * changes with reasons, the diff of two versions, an enterprise's history across lists and the
 * XLSX a commission circulates. The rerun rules and ownership are in lists.h.
 *
 * Every version is written in one transaction together with its audit row, so the audit log
 * and the lists never disagree. Nothing here updates or deletes a list row: the schema's
 * triggers would refuse it anyway.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/text.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "domain/reason.h"
#include "eval/model.h"
#include "io/xlsx.h"
#include "lists/lists.h"

/* The reason of a removal by a rerun (a structured reason, domain/reason.h). */
static const char exit_default[] = "{\"code\":\"list.dropped_out\"}";

static char *dup(const char *s)
{
	size_t n = strlen(s ? s : "");
	char *p = malloc(n + 1);
	if (p)
		memcpy(p, s ? s : "", n + 1);
	return p;
}

static void copy(char *out, size_t n, const char *s)
{
	snprintf(out, n, "%s", s ? s : "");
}

/* Returns 1 when S holds something other than white space. */
static int has_text(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 1;
	return 0;
}

static int bind_str(struct cc_stmt *s, int idx, const char *v)
{
	return v ? cc_stmt_bind_text(s, idx, v, strlen(v)) : cc_stmt_bind_null(s, idx);
}

/* Runs SQL with one text parameter and returns the first column of the first row as an
 * integer, 0 when there is no row, or a negative CC_E*. */
static int64_t lookup_id(struct cc_store *st, const char *sql, const char *arg,
			 struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	int64_t id = 0;
	int rc = cc_stmt_prepare(st, &s, sql, err);
	if (rc)
		return rc;
	bind_str(s, 1, arg);
	rc = cc_stmt_step(s, err);
	if (rc == 1)
		id = cc_stmt_int64(s, 0);
	else if (rc < 0)
		id = rc;
	cc_stmt_free(s);
	return id;
}

static void entry_release(struct list_entry *e)
{
	free(e->reason);
	free(e->name);
	free(e->chains);
}

void lists_version_release(struct list_version *v)
{
	if (!v)
		return;
	for (int i = 0; v->e && i < v->n; i++)
		entry_release(&v->e[i]);
	free(v->e);
	free(v->note);
	memset(v, 0, sizeof *v);
}

/* Fills the header fields of V from the current row of S (the columns of VERSION_COLS). */
#define VERSION_COLS                                                                               \
	"v.id, v.version, coalesce(v.year,0), CASE WHEN v.source='manual' THEN 1 ELSE 0 END, "     \
	"v.created_at, v.actor, "                                                                  \
	"coalesce(v.note,''), l.name, l.model, "                                                   \
	"(SELECT count(*) FROM list_entries le WHERE le.version_id=v.id)"

static int version_header(struct cc_stmt *s, struct list_version *v)
{
	memset(v, 0, sizeof *v);
	v->id = cc_stmt_int64(s, 0);
	v->number = (int)cc_stmt_int64(s, 1);
	v->year = (int)cc_stmt_int64(s, 2);
	v->manual = (int)cc_stmt_int64(s, 3);
	copy(v->created_at, sizeof v->created_at, cc_stmt_text(s, 4));
	copy(v->actor, sizeof v->actor, cc_stmt_text(s, 5));
	v->note = dup(cc_stmt_text(s, 6));
	copy(v->list, sizeof v->list, cc_stmt_text(s, 7));
	copy(v->model, sizeof v->model, cc_stmt_text(s, 8));
	v->n = (int)cc_stmt_int64(s, 9);
	return v->note ? 0 : CC_ENOMEM;
}

static int read_entries(struct cc_store *st, struct list_version *v, struct cc_error *err)
{
	static const char sql[] =
		"SELECT le.enterprise_id, coalesce(e.uscc,''), le.tier, le.score, "
		"coalesce(le.rank,0), CASE WHEN le.source='manual' THEN 1 ELSE 0 END, le.reason, "
		"coalesce(e.name,''), coalesce(e.region,0), coalesce((SELECT string_agg(c.chain, ',') "
		"FROM (SELECT DISTINCT chain FROM chain_members WHERE "
		"enterprise_id=le.enterprise_id ORDER BY chain) c),'') "
		"FROM list_entries le LEFT JOIN enterprises e ON e.id=le.enterprise_id "
		"WHERE le.version_id=?1 ORDER BY le.rank IS NULL, le.rank, coalesce(e.uscc,'')";
	struct cc_stmt *s = NULL;
	int rc = cc_stmt_prepare(st, &s, sql, err), n = 0;
	if (rc)
		return rc;
	v->e = calloc((size_t)(v->n > 0 ? v->n : 1), sizeof *v->e);
	if (!v->e) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	cc_stmt_bind_int64(s, 1, v->id);
	while (n < v->n && (rc = cc_stmt_step(s, err)) == 1) {
		struct list_entry *e = &v->e[n++];
		e->enterprise_id = cc_stmt_int64(s, 0);
		copy(e->uscc, sizeof e->uscc, cc_stmt_text(s, 1));
		copy(e->tier, sizeof e->tier, cc_stmt_text(s, 2));
		e->score = cc_stmt_is_null(s, 3) ? NAN : cc_stmt_double(s, 3);
		e->rank = (int)cc_stmt_int64(s, 4);
		e->manual = (int)cc_stmt_int64(s, 5);
		e->reason = dup(cc_stmt_text(s, 6));
		e->name = dup(cc_stmt_text(s, 7));
		e->region = (int)cc_stmt_int64(s, 8);
		e->chains = dup(cc_stmt_text(s, 9));
		if (!e->reason || !e->name || !e->chains) {
			rc = cc_error_set(err, CC_ENOMEM, "out of memory");
			break;
		}
	}
	if (rc >= 0)
		rc = 0;
	v->n = n;
out:
	cc_stmt_free(s);
	return rc;
}

/* Reads the header of version NUMBER (<= 0 latest) of NAME; with ENTRIES also its entries. */
static int version_get(struct cc_store *st, const char *name, int number, int entries,
		       struct list_version *v, struct cc_error *err)
{
	static const char sql[] =
		"SELECT " VERSION_COLS " FROM list_versions v JOIN lists l ON l.id=v.list_id "
		"WHERE l.name=?1 AND v.version = CASE WHEN ?2 > 0 THEN ?2 ELSE "
		"(SELECT max(version) FROM list_versions WHERE list_id=l.id) END";
	struct cc_stmt *s = NULL;
	memset(v, 0, sizeof *v);
	int rc = cc_stmt_prepare(st, &s, sql, err);
	if (rc)
		return rc;
	bind_str(s, 1, name);
	cc_stmt_bind_int64(s, 2, number);
	rc = cc_stmt_step(s, err);
	if (rc == 1) {
		rc = version_header(s, v);
		if (rc)
			cc_error_set(err, rc, "out of memory");
	} else if (rc == 0) {
		if (lookup_id(st, "SELECT id FROM lists WHERE name=?1", name, err) > 0)
			rc = cc_error_set(err, CC_ENOTFOUND, "list '%s' has no version %d", name,
					  number);
		else
			rc = cc_error_set(err, CC_ENOTFOUND, "no list '%s'", name);
	}
	cc_stmt_free(s);
	if (!rc && entries)
		rc = read_entries(st, v, err);
	if (rc)
		lists_version_release(v);
	return rc;
}

int lists_version_read(struct cc_store *st, const char *name, int number, struct list_version *v,
		       struct cc_error *err)
{
	return version_get(st, name, number, 1, v, err);
}

static int header_list(struct cc_store *st, const char *sql, const char *arg,
		       struct list_version **out, int *count, struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	struct list_version *a = NULL;
	int n = 0, cap = 0, rc = cc_stmt_prepare(st, &s, sql, err);
	*out = NULL;
	*count = 0;
	if (rc)
		return rc;
	if (arg)
		bind_str(s, 1, arg);
	while ((rc = cc_stmt_step(s, err)) == 1) {
		if (n == cap) {
			int nc = cap ? cap * 2 : 8;
			struct list_version *b = realloc(a, (size_t)nc * sizeof *a);
			if (!b) {
				rc = cc_error_set(err, CC_ENOMEM, "out of memory");
				break;
			}
			a = b;
			cap = nc;
		}
		rc = version_header(s, &a[n++]);
		if (rc) {
			cc_error_set(err, rc, "out of memory");
			break;
		}
	}
	cc_stmt_free(s);
	if (rc < 0) {
		for (int i = 0; i < n; i++)
			lists_version_release(&a[i]);
		free(a);
		return rc;
	}
	*out = a;
	*count = n;
	return 0;
}

int lists_versions(struct cc_store *st, const char *name, struct list_version **out, int *count,
		   struct cc_error *err)
{
	int rc = header_list(st,
			     "SELECT " VERSION_COLS " FROM list_versions v JOIN lists l ON "
			     "l.id=v.list_id WHERE l.name=?1 ORDER BY v.version",
			     name, out, count, err);
	if (!rc && *count == 0)
		rc = cc_error_set(err, CC_ENOTFOUND, "no list '%s'", name);
	return rc;
}

int lists_all(struct cc_store *st, struct list_version **out, int *count, struct cc_error *err)
{
	return header_list(st,
			   "SELECT " VERSION_COLS " FROM list_versions v JOIN lists l ON "
			   "l.id=v.list_id WHERE v.version=(SELECT max(version) FROM list_versions "
			   "WHERE list_id=l.id) ORDER BY l.name",
			   NULL, out, count, err);
}

/* ---- Diffs ---- */

void lists_diff_release(struct list_diff *d)
{
	if (!d)
		return;
	for (int i = 0; d->items && i < d->n; i++) {
		free(d->items[i].name);
		free(d->items[i].reason);
	}
	free(d->items);
	memset(d, 0, sizeof *d);
}

/*
 * Appends the rows of one diff query (columns uscc, name, old tier, new tier, reason) as items
 * of KIND. Parameters: ?1 older version id, ?2 newer version id, ?3 list id, ?4 older number,
 * ?5 newer number.
 */
static int diff_query(struct cc_store *st, const char *sql, int kind, const int64_t *p,
		      struct list_diff *d, int *cap, struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	int rc = cc_stmt_prepare(st, &s, sql, err);
	if (rc)
		return rc;
	for (int i = 0; i < 5; i++)
		cc_stmt_bind_int64(s, i + 1, p[i]);
	while ((rc = cc_stmt_step(s, err)) == 1) {
		if (d->n == *cap) {
			int nc = *cap ? *cap * 2 : 16;
			struct list_diff_item *b = realloc(d->items, (size_t)nc * sizeof *b);
			if (!b) {
				rc = cc_error_set(err, CC_ENOMEM, "out of memory");
				break;
			}
			d->items = b;
			*cap = nc;
		}
		struct list_diff_item *it = &d->items[d->n++];
		memset(it, 0, sizeof *it);
		it->kind = kind;
		copy(it->uscc, sizeof it->uscc, cc_stmt_text(s, 0));
		copy(it->old_tier, sizeof it->old_tier, cc_stmt_text(s, 2));
		copy(it->new_tier, sizeof it->new_tier, cc_stmt_text(s, 3));
		it->name = dup(cc_stmt_text(s, 1));
		it->reason = dup(has_text(cc_stmt_text(s, 4)) ? cc_stmt_text(s, 4) : exit_default);
		if (!it->name || !it->reason) {
			rc = cc_error_set(err, CC_ENOMEM, "out of memory");
			break;
		}
		if (kind == LIST_ADD)
			d->entered++;
		else if (kind == LIST_REMOVE)
			d->exited++;
		else
			d->changed++;
	}
	cc_stmt_free(s);
	return rc < 0 ? rc : 0;
}

/* The diff between two versions given by id and number (OLD_ID 0: an empty older version). */
static int diff_ids(struct cc_store *st, int64_t list_id, int64_t old_id, int old_num,
		    int64_t new_id, int new_num, struct list_diff *d, struct cc_error *err)
{
	static const char entered[] =
		"SELECT coalesce(e.uscc,''), coalesce(e.name,''), '', n.tier, n.reason "
		"FROM list_entries n LEFT JOIN enterprises e ON e.id=n.enterprise_id "
		"WHERE n.version_id=?2 AND n.enterprise_id NOT IN "
		"(SELECT enterprise_id FROM list_entries WHERE version_id=?1) ORDER BY 1";
	static const char exited[] =
		"SELECT coalesce(e.uscc,''), coalesce(e.name,''), o.tier, '', "
		"coalesce((SELECT x.reason FROM list_exits x JOIN list_versions v ON "
		"v.id=x.version_id WHERE x.enterprise_id=o.enterprise_id AND v.list_id=?3 AND "
		"v.version>?4 AND v.version<=?5 ORDER BY v.version DESC LIMIT 1),'') "
		"FROM list_entries o LEFT JOIN enterprises e ON e.id=o.enterprise_id "
		"WHERE o.version_id=?1 AND o.enterprise_id NOT IN "
		"(SELECT enterprise_id FROM list_entries WHERE version_id=?2) ORDER BY 1";
	static const char changed[] =
		"SELECT coalesce(e.uscc,''), coalesce(e.name,''), o.tier, n.tier, n.reason "
		"FROM list_entries o JOIN list_entries n ON n.enterprise_id=o.enterprise_id AND "
		"n.version_id=?2 LEFT JOIN enterprises e ON e.id=o.enterprise_id "
		"WHERE o.version_id=?1 AND o.tier<>n.tier ORDER BY 1";
	const int64_t p[5] = {old_id, new_id, list_id, old_num, new_num};
	int cap = 0, rc;
	memset(d, 0, sizeof *d);
	rc = diff_query(st, entered, LIST_ADD, p, d, &cap, err);
	if (!rc)
		rc = diff_query(st, exited, LIST_REMOVE, p, d, &cap, err);
	if (!rc)
		rc = diff_query(st, changed, LIST_TIER, p, d, &cap, err);
	if (rc)
		lists_diff_release(d);
	return rc;
}

int lists_diff(struct cc_store *st, const char *name, int from, int to, struct list_diff *d,
	       struct cc_error *err)
{
	struct list_version a, b;
	int rc;
	memset(d, 0, sizeof *d);
	if (from <= 0 || to <= 0)
		return cc_error_set(err, CC_EINVAL, "versions are numbered from 1");
	rc = version_get(st, name, from, 0, &a, err);
	if (rc)
		return rc;
	rc = version_get(st, name, to, 0, &b, err);
	if (!rc) {
		int64_t list_id = lookup_id(st, "SELECT id FROM lists WHERE name=?1", name, err);
		rc = list_id < 0 ? (int)list_id
				 : diff_ids(st, list_id, a.id, a.number, b.id, b.number, d, err);
	}
	lists_version_release(&a);
	lists_version_release(&b);
	return rc;
}

/* ---- Writing ---- */

int lists_name_check(const char *name, struct cc_error *err)
{
	size_t n = name ? strlen(name) : 0;
	if (!has_text(name) || n > 100)
		return cc_error_set(err, CC_EINVAL, "a list name must have 1 to 100 characters");
	if (cc_utf8_valid_prefix((const unsigned char *)name, n) != n)
		return cc_error_set(err, CC_EINVAL, "a list name must be UTF-8 text");
	if (name[0] == ' ' || name[n - 1] == ' ')
		return cc_error_set(err, CC_EINVAL,
				    "a list name may not begin or end with a space");
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return cc_error_set(err, CC_EINVAL, "a list name may not be '.' or '..'");
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '/')
			return cc_error_set(
				err, CC_EINVAL,
				"a list name may not hold '/' or control characters (it is "
				"a part of the list's web address)");
	return 0;
}

/* Checks what a version is given: a name, each entry's reason and tier, each removal's reason. */
static int version_check(const char *name, const struct list_entry *e, int n,
			 const struct list_exit *x, int nx, struct cc_error *err)
{
	if (!has_text(name) || strlen(name) > 100)
		return cc_error_set(err, CC_EINVAL, "a list name must have 1 to 100 characters");
	for (int i = 0; i < n; i++) {
		if (!e[i].reason || (e[i].manual && !has_text(e[i].reason)))
			return cc_error_set(err, CC_EINVAL, "a reason is required for entry %lld",
					    (long long)e[i].enterprise_id);
		if (!has_text(e[i].tier))
			return cc_error_set(err, CC_EINVAL, "a tier is required for entry %lld",
					    (long long)e[i].enterprise_id);
	}
	for (int i = 0; i < nx; i++)
		if (!has_text(x[i].reason))
			return cc_error_set(err, CC_EINVAL, "a reason is required for removal %lld",
					    (long long)x[i].enterprise_id);
	return 0;
}

/*
 * The list NAME (*LIST_ID), created for MODEL when there is none and MODEL is given, and its
 * latest version (*PREV_ID and *PREV_NUM, left as they are when it has none). Inside the
 * caller's transaction.
 */
static int list_open(struct cc_store *st, const char *name, const char *model, int64_t *list_id,
		     int64_t *prev_id, int *prev_num, struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	int rc = 0;
	*list_id = lookup_id(st, "SELECT id FROM lists WHERE name=?1", name, err);
	if (*list_id < 0) {
		rc = (int)*list_id;
		goto out;
	}
	if (*list_id == 0) {
		if (!model || !*model) {
			rc = cc_error_set(err, CC_ENOTFOUND, "no list '%s'", name);
			goto out;
		}
		rc = lists_name_check(name, err);
		if (rc)
			goto out;
		rc = cc_stmt_prepare(st, &s, "INSERT INTO lists(name, model) VALUES(?1, ?2)", err);
		if (rc)
			goto out;
		bind_str(s, 1, name);
		bind_str(s, 2, model);
		rc = cc_stmt_step(s, err);
		if (rc < 0)
			goto out;
		*list_id = cc_store_last_id(st);
	} else {
		rc = cc_stmt_prepare(st, &s,
				     "SELECT id, version FROM list_versions WHERE list_id=?1 "
				     "ORDER BY version DESC LIMIT 1",
				     err);
		if (rc)
			goto out;
		cc_stmt_bind_int64(s, 1, *list_id);
		rc = cc_stmt_step(s, err);
		if (rc < 0)
			goto out;
		if (rc == 1) {
			*prev_id = cc_stmt_int64(s, 0);
			*prev_num = (int)cc_stmt_int64(s, 1);
		}
	}
out:
	cc_stmt_free(s);
	return rc < 0 ? rc : 0;
}

/* Inserts version NUMBER of LIST_ID; *VERSION_ID gets its row id. */
static int version_insert(struct cc_store *st, int64_t list_id, int number, const char *actor,
			  const char *note, int manual, int year, int64_t *version_id,
			  struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	int rc = cc_stmt_prepare(st, &s,
				 "INSERT INTO list_versions(list_id, version, actor, note, source, "
				 "year) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
				 err);
	if (rc)
		goto out;
	cc_stmt_bind_int64(s, 1, list_id);
	cc_stmt_bind_int64(s, 2, number);
	bind_str(s, 3, actor && *actor ? actor : "cli");
	bind_str(s, 4, note && *note ? note : NULL);
	bind_str(s, 5, manual ? "manual" : "model");
	if (year > 0)
		cc_stmt_bind_int64(s, 6, year);
	else
		cc_stmt_bind_null(s, 6);
	rc = cc_stmt_step(s, err);
	if (rc < 0)
		goto out;
	*version_id = cc_store_last_id(st);
out:
	cc_stmt_free(s);
	return rc < 0 ? rc : 0;
}

/* Inserts the N entries E of version VERSION_ID. */
static int entries_insert(struct cc_store *st, int64_t version_id, const struct list_entry *e,
			  int n, struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	int rc = cc_stmt_prepare(st, &s,
				 "INSERT INTO list_entries(version_id, enterprise_id, tier, score, "
				 "rank, source, reason) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
				 err);
	if (rc)
		goto out;
	for (int i = 0; i < n; i++) {
		cc_stmt_reset(s);
		cc_stmt_bind_int64(s, 1, version_id);
		cc_stmt_bind_int64(s, 2, e[i].enterprise_id);
		bind_str(s, 3, e[i].tier);
		if (isnan(e[i].score))
			cc_stmt_bind_null(s, 4);
		else
			cc_stmt_bind_double(s, 4, e[i].score);
		if (e[i].rank > 0)
			cc_stmt_bind_int64(s, 5, e[i].rank);
		else
			cc_stmt_bind_null(s, 5);
		bind_str(s, 6, e[i].manual ? "manual" : "model");
		bind_str(s, 7, e[i].reason);
		rc = cc_stmt_step(s, err);
		if (rc < 0)
			goto out;
	}
out:
	cc_stmt_free(s);
	return rc < 0 ? rc : 0;
}

/* Inserts the NX removals X of version VERSION_ID. */
static int exits_insert(struct cc_store *st, int64_t version_id, const struct list_exit *x, int nx,
			struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	int rc = cc_stmt_prepare(st, &s,
				 "INSERT INTO list_exits(version_id, enterprise_id, reason) "
				 "VALUES(?1, ?2, ?3)",
				 err);
	if (rc)
		goto out;
	for (int i = 0; i < nx; i++) {
		cc_stmt_reset(s);
		cc_stmt_bind_int64(s, 1, version_id);
		cc_stmt_bind_int64(s, 2, x[i].enterprise_id);
		bind_str(s, 3, x[i].reason);
		rc = cc_stmt_step(s, err);
		if (rc < 0)
			goto out;
	}
out:
	cc_stmt_free(s);
	return rc < 0 ? rc : 0;
}

/*
 * The audit row of a new version: the previous version's number before (none for the first),
 * and after, the counts entered, exited and changed against it (PREV_ID 0: an empty one).
 */
static int version_audit(struct cc_store *st, const char *name, const char *actor, int manual,
			 int n, int64_t list_id, int64_t prev_id, int prev_num, int64_t version_id,
			 struct cc_error *err)
{
	struct list_diff d = {0};
	struct cc_buf after = CC_BUF_INIT(4096);
	int rc = diff_ids(st, list_id, prev_id, prev_num, version_id, prev_num + 1, &d, err);
	if (rc)
		goto out;
	cc_buf_puts(&after, "{\"list\":");
	cc_buf_json_str(&after, name, strlen(name));
	cc_buf_printf(&after,
		      ",\"version\":%d,\"source\":\"%s\",\"entries\":%d,\"entered\":%d,"
		      "\"exited\":%d,\"changed\":%d}",
		      prev_num + 1, manual ? "manual" : "model", n, d.entered, d.exited, d.changed);
	char before[64];
	snprintf(before, sizeof before, "{\"version\":%d}", prev_num);
	rc = cc_store_audit(st, actor, "list.version", name, prev_num ? before : NULL,
			    cc_buf_str(&after), err);
out:
	lists_diff_release(&d);
	cc_buf_release(&after);
	return rc;
}

int lists_version_write(struct cc_store *st, const char *name, const char *model, int manual,
			int year, const struct list_entry *e, int n, const struct list_exit *x,
			int nx, const char *actor, const char *note, int *number,
			struct cc_error *err)
{
	int64_t list_id = 0, prev_id = 0, version_id = 0;
	int prev_num = 0, in_tx = 0;
	int rc = version_check(name, e, n, x, nx, err);
	if (rc)
		goto out;
	rc = cc_store_begin(st, err);
	if (rc)
		goto out;
	in_tx = 1;
	rc = list_open(st, name, model, &list_id, &prev_id, &prev_num, err);
	if (rc)
		goto out;
	rc = version_insert(st, list_id, prev_num + 1, actor, note, manual, year, &version_id, err);
	if (rc)
		goto out;
	rc = entries_insert(st, version_id, e, n, err);
	if (rc)
		goto out;
	rc = exits_insert(st, version_id, x, nx, err);
	if (rc)
		goto out;
	rc = version_audit(st, name, actor, manual, n, list_id, prev_id, prev_num, version_id, err);
	if (rc)
		goto out;
	rc = cc_store_commit(st, err);
	in_tx = 0;
	if (!rc && number)
		*number = prev_num + 1;
out:
	if (in_tx)
		cc_store_rollback(st);
	return rc < 0 ? rc : 0;
}

/* ---- Model runs ---- */

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Index of enterprise ID among E (N entries) through the sorted pairs IDX, or -1. */
static int find_entry(const int64_t *idx, int n, int64_t id)
{
	int lo = 0, hi = n - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (idx[2 * mid] == id)
			return (int)idx[2 * mid + 1];
		if (idx[2 * mid] < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* Sorted (id, position) pairs of E; caller frees. */
static int64_t *index_entries(const struct list_entry *e, int n)
{
	int64_t *idx = malloc(sizeof *idx * 2 * (size_t)(n > 0 ? n : 1));
	if (!idx)
		return NULL;
	for (int i = 0; i < n; i++) {
		idx[2 * i] = e[i].enterprise_id;
		idx[2 * i + 1] = i;
	}
	qsort(idx, (size_t)n, sizeof *idx * 2, cmp_id);
	return idx;
}

int lists_version_from_model(struct cc_store *st, const struct cc_frame *f, const char *name,
			     const char *model, int create, int year, const char *actor,
			     const char *note, int *number, struct cc_error *err)
{
	struct list_version prev = {0};
	struct eval_model m;
	struct eval_model_run run;
	struct list_entry *e = NULL;
	char(*reasons)[640] = NULL;
	int64_t *idx = NULL, *removed = NULL;
	int n = 0, nremoved = 0, rc, have_prev = 0, have_run = 0;
	if (create) {
		int64_t id = lookup_id(st, "SELECT id FROM lists WHERE name=?1", name, err);
		if (id < 0)
			return (int)id;
		if (id > 0)
			return cc_error_set(err, CC_EEXIST, "list '%s' already exists", name);
		if ((rc = lists_name_check(name, err)))
			return rc;
		if (!model || !*model)
			return cc_error_set(err, CC_EINVAL, "a model is required (--model)");
	} else {
		if ((rc = lists_version_read(st, name, 0, &prev, err)))
			return rc;
		have_prev = 1;
		model = prev.model;
	}
	if ((rc = eval_model_load(model, &m, err)))
		goto out_prev;
	if ((rc = eval_model_run(&m, f, year, &run, err)))
		goto out_model;
	have_run = 1;
	e = calloc((size_t)(run.n + prev.n + 1), sizeof *e);
	reasons = calloc((size_t)(run.n + 1), sizeof *reasons);
	if (!e || !reasons) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	for (int p = 0; p < run.n; p++) {
		if (run.tier[p] < 0)
			continue;
		struct list_entry *x = &e[n];
		x->enterprise_id = f->id[run.ent[p]];
		copy(x->tier, sizeof x->tier, m.tiers[run.tier[p]].id);
		x->score = run.score[p];
		x->rank = run.rank[p];
		/* A structured reason (domain/reason.h): the model's names, rank and score. */
		json_t *why = json_pack("{s:s, s:{s:s, s:s}, s:i, s:f}", "code", "list.model_rank",
					"model", "zh", m.name_zh, "en", m.name_en, "rank",
					run.rank[p], "score", round(run.score[p] * 10000) / 100);
		size_t len = why ? json_dumpb(why, reasons[n], sizeof reasons[n] - 1,
					      JSON_COMPACT | JSON_PRESERVE_ORDER)
				 : 0;
		json_decref(why);
		if (!len || len >= sizeof reasons[n]) {
			rc = cc_error_set(err, CC_ENOMEM, "cannot write the reason of an entry");
			goto out;
		}
		reasons[n][len] = '\0';
		x->reason = reasons[n];
		n++;
	}
	if (have_prev) {
		/* Manual removals stay out unless added back: the enterprises with a removal in
		 * an earlier version that are not on the previous version. */
		struct cc_stmt *s = NULL;
		int64_t *pidx = index_entries(prev.e, prev.n);
		idx = index_entries(e, n);
		removed = malloc(sizeof *removed * (size_t)(n + 1));
		if (!pidx || !idx || !removed) {
			free(pidx);
			rc = cc_error_set(err, CC_ENOMEM, "out of memory");
			goto out;
		}
		rc = cc_stmt_prepare(st, &s,
				     "SELECT DISTINCT x.enterprise_id FROM list_exits x JOIN "
				     "list_versions v ON v.id=x.version_id JOIN lists l ON "
				     "l.id=v.list_id WHERE l.name=?1",
				     err);
		if (!rc) {
			bind_str(s, 1, name);
			while ((rc = cc_stmt_step(s, err)) == 1) {
				int64_t id = cc_stmt_int64(s, 0);
				if (find_entry(pidx, prev.n, id) < 0 &&
				    find_entry(idx, n, id) >= 0 && nremoved < n)
					removed[nremoved++] = id;
			}
		}
		cc_stmt_free(s);
		free(pidx);
		if (rc < 0)
			goto out;
		rc = 0;
		qsort(removed, (size_t)nremoved, sizeof *removed, cmp_id);
		int k = 0;
		for (int i = 0; i < n; i++)
			if (!bsearch(&e[i].enterprise_id, removed, (size_t)nremoved,
				     sizeof *removed, cmp_id))
				e[k++] = e[i];
		n = k;
		free(idx);
		idx = index_entries(e, n);
		if (!idx) {
			rc = cc_error_set(err, CC_ENOMEM, "out of memory");
			goto out;
		}
		/* Manual entries of the previous version are kept with their tier and reason. */
		int nmodel = n;
		for (int i = 0; i < prev.n; i++) {
			const struct list_entry *pe = &prev.e[i];
			if (!pe->manual)
				continue;
			int at = find_entry(idx, nmodel, pe->enterprise_id);
			struct list_entry *x = at >= 0 ? &e[at] : &e[n++];
			if (at < 0) {
				x->enterprise_id = pe->enterprise_id;
				x->score = NAN;
				x->rank = 0;
			}
			copy(x->tier, sizeof x->tier, pe->tier);
			x->manual = 1;
			x->reason = pe->reason;
		}
	}
	if (n == 0) {
		rc = cc_error_set(err, CC_EINVAL, "model '%s' puts no enterprise in a tier", m.id);
		goto out;
	}
	rc = lists_version_write(st, name, m.id, 0, run.year, e, n, NULL, 0, actor, note, number,
				 err);
out:
	free(e);
	free(reasons);
	free(idx);
	free(removed);
	if (have_run)
		eval_model_run_release(&run);
out_model:
	eval_model_release(&m);
out_prev:
	lists_version_release(&prev);
	return rc;
}

/* ---- Manual changes ---- */

static int tier_valid(const struct eval_model *m, const char *tier, struct cc_error *err)
{
	char names[256] = "";
	for (int k = 0; k < m->ntiers; k++) {
		if (strcmp(m->tiers[k].id, tier ? tier : "") == 0)
			return 0;
		size_t u = strlen(names);
		snprintf(names + u, sizeof names - u, "%s%s", k ? ", " : "", m->tiers[k].id);
	}
	return cc_error_set(err, CC_EINVAL, "unknown tier '%s' (model %s has %s)", tier ? tier : "",
			    m->id, names);
}

int lists_version_manual(struct cc_store *st, const char *name, const struct list_change *ch, int n,
			 const char *actor, const char *note, int *number, struct cc_error *err)
{
	struct list_version v;
	struct eval_model m;
	struct list_entry *e = NULL;
	struct list_exit *x = NULL;
	int ne, nx = 0, rc, have_model = 0;
	if (n <= 0)
		return cc_error_set(err, CC_EINVAL, "no change given");
	for (int i = 0; i < n; i++)
		if (!has_text(ch[i].reason))
			return cc_error_set(err, CC_EINVAL,
					    "a reason is required for '%s' (--reason)",
					    ch[i].uscc ? ch[i].uscc : "");
	if ((rc = lists_version_read(st, name, 0, &v, err)))
		return rc;
	e = calloc((size_t)(v.n + n), sizeof *e);
	x = calloc((size_t)n, sizeof *x);
	if (!e || !x) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	memcpy(e, v.e, sizeof *e * (size_t)v.n);
	ne = v.n;
	for (int i = 0; i < n; i++) {
		const struct list_change *c = &ch[i];
		int64_t id = lookup_id(st, "SELECT id FROM enterprises WHERE uscc=?1",
				       c->uscc ? c->uscc : "", err);
		int at = -1;
		if (id < 0) {
			rc = (int)id;
			goto out;
		}
		if (id == 0) {
			rc = cc_error_set(err, CC_ENOTFOUND, "no enterprise '%s' in the registry",
					  c->uscc ? c->uscc : "");
			goto out;
		}
		for (int k = 0; k < ne; k++)
			if (e[k].enterprise_id == id)
				at = k;
		if (c->kind != LIST_REMOVE && !have_model) {
			if ((rc = eval_model_load(v.model, &m, err)))
				goto out;
			have_model = 1;
		}
		if (c->kind != LIST_REMOVE && (rc = tier_valid(&m, c->tier, err)))
			goto out;
		if (c->kind == LIST_ADD) {
			if (at >= 0) {
				rc = cc_error_set(err, CC_EEXIST, "'%s' is already on list '%s'",
						  c->uscc, name);
				goto out;
			}
			struct list_entry *ne_ = &e[ne++];
			memset(ne_, 0, sizeof *ne_);
			ne_->enterprise_id = id;
			copy(ne_->tier, sizeof ne_->tier, c->tier);
			ne_->score = NAN;
			ne_->manual = 1;
			ne_->reason = (char *)c->reason;
		} else if (at < 0) {
			rc = cc_error_set(err, CC_ENOTFOUND, "'%s' is not on list '%s'", c->uscc,
					  name);
			goto out;
		} else if (c->kind == LIST_REMOVE) {
			x[nx].enterprise_id = id;
			x[nx++].reason = c->reason;
			e[at] = e[--ne];
		} else {
			if (strcmp(e[at].tier, c->tier) == 0) {
				rc = cc_error_set(err, CC_EINVAL, "'%s' is already in tier '%s'",
						  c->uscc, c->tier);
				goto out;
			}
			copy(e[at].tier, sizeof e[at].tier, c->tier);
			e[at].manual = 1;
			e[at].reason = (char *)c->reason;
		}
	}
	rc = lists_version_write(st, name, NULL, 1, v.year, e, ne, x, nx, actor, note, number, err);
out:
	free(e);
	free(x);
	if (have_model)
		eval_model_release(&m);
	lists_version_release(&v);
	return rc;
}

/* ---- History ---- */

void lists_history_release(struct list_history *h)
{
	if (!h)
		return;
	for (int i = 0; h->items && i < h->n; i++)
		free(h->items[i].reason);
	free(h->items);
	memset(h, 0, sizeof *h);
}

int lists_history(struct cc_store *st, const char *uscc, struct list_history *h,
		  struct cc_error *err)
{
	static const char sql[] =
		"SELECT l.name, v.version, v.created_at, le.tier, le.reason, x.reason, "
		"CASE WHEN le.enterprise_id IS NOT NULL THEN 1 ELSE 0 END FROM list_versions v "
		"JOIN lists l ON l.id=v.list_id "
		"LEFT JOIN list_entries le ON le.version_id=v.id AND le.enterprise_id=?1 "
		"LEFT JOIN list_exits x ON x.version_id=v.id AND x.enterprise_id=?1 "
		"WHERE v.list_id IN (SELECT v2.list_id FROM list_versions v2 JOIN list_entries e2 "
		"ON e2.version_id=v2.id WHERE e2.enterprise_id=?1) ORDER BY l.name, v.version";
	struct cc_stmt *s = NULL;
	char list[104] = "", tier[32] = "";
	int cap = 0, was_in = 0, rc;
	memset(h, 0, sizeof *h);
	int64_t id = lookup_id(st, "SELECT id FROM enterprises WHERE uscc=?1", uscc, err);
	if (id < 0)
		return (int)id;
	if (id == 0)
		return cc_error_set(err, CC_ENOTFOUND, "no enterprise '%s' in the registry", uscc);
	if ((rc = cc_stmt_prepare(st, &s, sql, err)))
		return rc;
	cc_stmt_bind_int64(s, 1, id);
	while ((rc = cc_stmt_step(s, err)) == 1) {
		const char *lname = cc_stmt_text(s, 0);
		int in = (int)cc_stmt_int64(s, 6);
		const char *status, *reason;
		if (strcmp(lname, list) != 0) {
			copy(list, sizeof list, lname);
			was_in = 0;
			tier[0] = '\0';
		}
		if (in) {
			status = !was_in			    ? "entered"
				 : strcmp(tier, cc_stmt_text(s, 3)) ? "changed"
								    : "kept";
			reason = cc_stmt_text(s, 4);
		} else if (was_in) {
			status = "exited";
			reason = has_text(cc_stmt_text(s, 5)) ? cc_stmt_text(s, 5) : exit_default;
		} else {
			continue;
		}
		if (h->n == cap) {
			int nc = cap ? cap * 2 : 8;
			struct list_history_item *b = realloc(h->items, (size_t)nc * sizeof *b);
			if (!b) {
				rc = cc_error_set(err, CC_ENOMEM, "out of memory");
				break;
			}
			h->items = b;
			cap = nc;
		}
		struct list_history_item *it = &h->items[h->n++];
		memset(it, 0, sizeof *it);
		copy(it->list, sizeof it->list, lname);
		it->version = (int)cc_stmt_int64(s, 1);
		copy(it->created_at, sizeof it->created_at, cc_stmt_text(s, 2));
		copy(it->status, sizeof it->status, status);
		copy(it->tier, sizeof it->tier, in ? cc_stmt_text(s, 3) : tier);
		it->reason = dup(reason);
		if (!it->reason) {
			rc = cc_error_set(err, CC_ENOMEM, "out of memory");
			break;
		}
		was_in = in;
		copy(tier, sizeof tier, in ? cc_stmt_text(s, 3) : "");
	}
	cc_stmt_free(s);
	if (rc < 0) {
		lists_history_release(h);
		return rc;
	}
	return 0;
}

/* ---- Export ---- */

/* Chain names ("智能网联新能源汽车、集成电路") of the comma-separated ids IDS. */
static void chain_names(const char *ids, char *out, size_t n)
{
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	size_t u = 0;
	out[0] = '\0';
	while (ids && *ids) {
		char id[64];
		size_t k = strcspn(ids, ",");
		snprintf(id, sizeof id, "%.*s", (int)(k < sizeof id ? k : sizeof id - 1), ids);
		const struct cc_chain *c = cat ? cc_chain_find(cat, id) : NULL;
		if (u < n)
			u += (size_t)snprintf(out + u, n - u, "%s%s", u ? "、" : "",
					      c ? c->name_zh : id);
		ids += k;
		if (*ids == ',')
			ids++;
	}
}

int lists_export_xlsx(const struct list_version *v, const char *path, struct cc_error *err)
{
	static const char *const head[] = {"序号",     "企业名称", "统一社会信用代码",
					   "所在地区", "产业链",   "梯队",
					   "得分",     "入选理由"};
	static const enum cc_cell_type types[] = {CC_CELL_NUMBER, CC_CELL_TEXT, CC_CELL_TEXT,
						  CC_CELL_TEXT,	  CC_CELL_TEXT, CC_CELL_TEXT,
						  CC_CELL_NUMBER, CC_CELL_TEXT};
	static const double widths[] = {6, 36, 22, 24, 30, 16, 10, 60};
	struct cc_xlsx_writer *w = NULL;
	struct eval_model m;
	int have_model = eval_model_load(v->model, &m, NULL) == 0;
	struct cc_buf why = CC_BUF_INIT(64 * 1024);
	char title[512];
	int rc = cc_xlsx_create(&w, path, err);
	if (rc)
		goto out;
	if ((rc = cc_xlsx_add_sheet(w, "名单", err)))
		goto out;
	cc_xlsx_widths(w, 8, widths);
	snprintf(title, sizeof title, "%s（第 %d 版，%s%s，数据年度 %d，%.10s）", v->list,
		 v->number, have_model ? m.name_zh : "模型 ", have_model ? "" : v->model, v->year,
		 v->created_at);
	const char *trow[1] = {title};
	if ((rc = cc_xlsx_row(w, 1, trow, NULL, 1, err)))
		goto out;
	if ((rc = cc_xlsx_row(w, 8, head, NULL, 1, err)))
		goto out;
	for (int i = 0; i < v->n; i++) {
		const struct list_entry *e = &v->e[i];
		char no[16], region[128], chains[512], tier[128], score[32];
		snprintf(no, sizeof no, "%d", i + 1);
		cc_region_fullname(e->region, region, sizeof region);
		chain_names(e->chains, chains, sizeof chains);
		snprintf(tier, sizeof tier, "%s", e->tier);
		for (int k = 0; have_model && k < m.ntiers; k++)
			if (strcmp(m.tiers[k].id, e->tier) == 0)
				snprintf(tier, sizeof tier, "%s", m.tiers[k].name_zh);
		if (isnan(e->score))
			score[0] = '\0';
		else
			snprintf(score, sizeof score, "%.4f", e->score);
		cc_buf_reset(&why);
		cc_reason_render(e->reason, CC_LANG_ZH, &why);
		const char *row[8] = {no,     e->name, e->uscc, region,
				      chains, tier,    score,	cc_buf_str(&why)};
		if ((rc = cc_xlsx_row(w, 8, row, types, 0, err)))
			goto out;
	}
	rc = cc_xlsx_close(w, err);
	w = NULL;
out:
	if (w)
		cc_xlsx_close(w, NULL);
	cc_buf_release(&why);
	if (have_model)
		eval_model_release(&m);
	return rc;
}
