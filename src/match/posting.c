/*
 * Postings (see match.h): validation, writes with their audit row, reading, and search.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "base/jw.h"
#include "base/buf.h"
#include "base/parse.h"
#include "base/text.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "domain/uscc.h"
#include "match/match_internal.h"
#include "store/dialect.h"
#include "store/fulltext.h"

int match_kind_parse(const char *s)
{
	if (!s)
		return -1;
	if (!strcmp(s, "supply") || !strcmp(s, "供") || !strcmp(s, "供应"))
		return MATCH_SUPPLY;
	if (!strcmp(s, "demand") || !strcmp(s, "需") || !strcmp(s, "需求"))
		return MATCH_DEMAND;
	return -1;
}

int64_t match_enterprise_id(struct cc_store *st, const char *uscc, struct cc_error *err)
{
	static const char sql[] = "SELECT id FROM enterprises WHERE uscc = ?1";
	struct cc_stmt *s = cc_stmt_cached(st, sql, err);
	if (!s)
		return CC_EDB;
	cc_stmt_bind_text(s, 1, uscc, strlen(uscc));
	int rc = cc_stmt_step(s, err);
	int64_t id = rc == 1 ? cc_stmt_int64(s, 0) : 0;
	cc_stmt_reset(s); /* a cached statement left on a row keeps a read transaction open */
	return rc < 0 ? CC_EDB : id;
}

/* Sets ERR to "FIELD: reason" (posting_error_field reads the field back). */
static int ferr(struct cc_error *err, int code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int ferr(struct cc_error *err, int code, const char *field, const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return cc_error_set(err, code, "%s: %s", field, msg);
}

const char *posting_error_field(const struct cc_error *err)
{
	static const char *const fields[] = {"kind",	     "uscc",	  "title", "description",
					     "node",	     "quantity",  "unit",  "region_pref",
					     "valid_until",  "contact",	  "id",	   "category",
					     "capabilities", "industries"};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		size_t n = strlen(fields[i]);
		if (strncmp(err->msg, fields[i], n) == 0 && err->msg[n] == ':')
			return fields[i];
	}
	return NULL;
}

/* A posting row as read for an update: owned copies. */
struct prow {
	char kind[8], uscc[19];
	char *title, *description, *node, *quantity, *unit, *region_pref, *valid_until, *contact;
};

static char *dup_or_null(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

static void prow_free(struct prow *p)
{
	free(p->title);
	free(p->description);
	free(p->node);
	free(p->quantity);
	free(p->unit);
	free(p->region_pref);
	free(p->valid_until);
	free(p->contact);
}

static int prow_load(struct cc_store *st, int64_t id, struct prow *p, struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	int rc = cc_stmt_prepare(
		st, &s,
		"SELECT p.kind, e.uscc, p.title, p.description, CASE WHEN p.node IS NULL THEN NULL "
		"ELSE p.chain || '.' || p.node END, p.quantity, p.unit, p.region_pref, p.valid_until, "
		"p.contact FROM postings p JOIN enterprises e ON e.id = p.enterprise_id WHERE p.id = ?1",
		err);
	if (rc)
		return rc;
	cc_stmt_bind_int64(s, 1, id);
	rc = cc_stmt_step(s, err);
	if (rc == 1) {
		snprintf(p->kind, sizeof p->kind, "%s", cc_stmt_text(s, 0));
		snprintf(p->uscc, sizeof p->uscc, "%s", cc_stmt_text(s, 1));
		p->title = dup_or_null(cc_stmt_text(s, 2));
		p->description = dup_or_null(cc_stmt_text(s, 3));
		p->node = dup_or_null(cc_stmt_text(s, 4));
		if (!cc_stmt_is_null(s, 5)) {
			char q[64];
			cc_num_format(cc_stmt_double(s, 5), CC_NUM_EXACT, q, sizeof q);
			p->quantity = strdup(q);
		}
		p->unit = dup_or_null(cc_stmt_text(s, 6));
		p->region_pref = dup_or_null(cc_stmt_text(s, 7));
		p->valid_until = dup_or_null(cc_stmt_text(s, 8));
		p->contact = dup_or_null(cc_stmt_text(s, 9));
		rc = 0;
	} else if (rc == 0) {
		rc = ferr(err, CC_ENOTFOUND, "id", "no posting %lld", (long long)id);
	}
	cc_stmt_free(s);
	return rc;
}

/* Overlays IN on P: a NULL field keeps P's value, "" clears it. */
static void overlay(char **dst, const char *src)
{
	if (!src)
		return;
	free(*dst);
	*dst = dup_or_null(src);
}

static int text_limit(const char *s, const char *field, size_t max_chars, struct cc_error *err)
{
	if (!s)
		return 0;
	size_t n = strlen(s);
	if (cc_utf8_valid_prefix((const unsigned char *)s, n) != n)
		return ferr(err, CC_EINVAL, field, "not valid UTF-8 text");
	if (cc_utf8_len(s, n) > max_chars)
		return ferr(err, CC_EINVAL, field, "longer than %zu characters", max_chars);
	return 0;
}

/* Normalises a region preference list into OUT ("510100;500000"); validates every code. */
int match_regions_parse(const char *s, char *out, size_t n, struct cc_error *err)
{
	out[0] = '\0';
	if (!s)
		return 0;
	if (cc_codes_load(err))
		return CC_EINVAL;
	const char *bad;
	size_t badlen;
	int count = cc_region_list_parse(s, strlen(s), out, n, &bad, &badlen);
	if (count == -1)
		return ferr(err, CC_EINVAL, "region_pref",
			    "'%.*s' is not a GB/T 2260 region code (6 digits, e.g. 510100)",
			    (int)(badlen > 40 ? 40 : badlen), bad);
	if (count < 0 || count > 20)
		return ferr(err, CC_EINVAL, "region_pref", "at most 20 regions");
	return 0;
}

/*
 * Fills P with the posting IN describes: for an update the stored row (whose kind and poster
 * cannot change), for a new one its kind and poster; then IN's fields over it.
 */
static int posting_merge(struct cc_store *st, const struct posting_in *in, struct prow *p,
			 struct cc_error *err)
{
	int rc = 0;
	if (in->id > 0) {
		rc = prow_load(st, in->id, p, err);
		if (rc)
			goto out;
		if (in->kind && match_kind_parse(in->kind) >= 0 &&
		    match_kind_parse(in->kind) != match_kind_parse(p->kind)) {
			rc = ferr(err, CC_EINVAL, "kind", "a posting cannot change its kind");
			goto out;
		}
		if (in->uscc && *in->uscc) {
			char u[19];
			struct cc_error e2;
			if (cc_uscc_validate(in->uscc, strlen(in->uscc), u, NULL, &e2) ||
			    strcmp(u, p->uscc) != 0) {
				rc = ferr(err, CC_EINVAL, "uscc",
					  "a posting cannot change its poster");
				goto out;
			}
		}
	} else {
		int k = match_kind_parse(in->kind);
		if (k < 0) {
			rc = ferr(err, CC_EINVAL, "kind", "must be supply or demand (供 or 需)");
			goto out;
		}
		snprintf(p->kind, sizeof p->kind, "%s", k == MATCH_SUPPLY ? "supply" : "demand");
		struct cc_error e2 = {0};
		if (!in->uscc || cc_uscc_validate(in->uscc, strlen(in->uscc), p->uscc, NULL, &e2)) {
			rc = ferr(err, CC_EINVAL, "uscc", "%s",
				  in->uscc ? e2.msg : "the poster's credit code is required");
			goto out;
		}
	}
	overlay(&p->title, in->title);
	overlay(&p->description, in->description);
	overlay(&p->node, in->node);
	overlay(&p->quantity, in->quantity);
	overlay(&p->unit, in->unit);
	overlay(&p->region_pref, in->region_pref);
	overlay(&p->valid_until, in->valid_until);
	overlay(&p->contact, in->contact);
out:
	return rc;
}

/* A merged posting's values as they are written: pointers into the prow, or its own. */
struct pvalues {
	const char *title; /* trimmed; TN bytes */
	size_t tn;
	const char *chain, *node; /* the catalogue's ids, or NULL */
	double qty;		  /* NAN when none */
	char regions[256];
	char until[16];
	int64_t eid; /* the poster */
};

/* Checks the texts' lengths and the title of P; V->title and V->tn are the trimmed title. */
static int check_texts(const struct prow *p, struct pvalues *v, struct cc_error *err)
{
	int rc = 0;
	v->title = p->title;
	v->tn = v->title ? strlen(v->title) : 0;
	cc_trim(&v->title, &v->tn);
	if (!v->title || v->tn == 0) {
		rc = ferr(err, CC_EINVAL, "title", "a posting needs a title");
		goto out;
	}
	rc = text_limit(p->title, "title", 200, err);
	if (!rc)
		rc = text_limit(p->description, "description", 4000, err);
	if (!rc)
		rc = text_limit(p->unit, "unit", 20, err);
	if (!rc)
		rc = text_limit(p->contact, "contact", 200, err);
out:
	return rc;
}

/* Checks the merged posting P and fills V with the values to write, in the order of fields. */
static int posting_check(struct cc_store *st, const struct prow *p, struct pvalues *v,
			 struct cc_error *err)
{
	v->chain = v->node = NULL;
	v->qty = NAN;
	v->until[0] = '\0';
	int rc = check_texts(p, v, err);
	if (rc)
		goto out;
	if (p->node) {
		struct cc_error e2 = {0};
		const struct cc_catalogue *cat = cc_catalogue_get(&e2);
		const struct cc_node *nd = cat ? cc_node_resolve(cat, p->node, NULL, &e2) : NULL;
		if (!nd) {
			rc = ferr(err, CC_EINVAL, "node", "%s", e2.msg);
			goto out;
		}
		v->chain = cat->chains[nd->chain].id;
		v->node = nd->id;
	}
	if (p->quantity) {
		struct cc_error e2 = {0};
		if (cc_parse_number(p->quantity, strlen(p->quantity), &v->qty, &e2)) {
			rc = ferr(err, CC_EINVAL, "quantity", "'%.40s' is not a number",
				  p->quantity);
			goto out;
		}
		if (!(v->qty >= 0) || v->qty > 1e15) {
			rc = ferr(err, CC_EINVAL, "quantity", "must be between 0 and 1e15");
			goto out;
		}
	}
	rc = match_regions_parse(p->region_pref, v->regions, sizeof v->regions, err);
	if (rc)
		goto out;
	if (p->valid_until) {
		int ymd;
		struct cc_error e2 = {0};
		if (cc_parse_date(p->valid_until, strlen(p->valid_until), &ymd, &e2)) {
			rc = ferr(err, CC_EINVAL, "valid_until", "%s", e2.msg);
			goto out;
		}
		cc_format_date(ymd, v->until);
	}
	v->eid = match_enterprise_id(st, p->uscc, err);
	if (v->eid < 0) {
		rc = (int)v->eid;
		goto out;
	}
	if (v->eid == 0)
		rc = ferr(err, CC_ENOTFOUND, "uscc", "no enterprise with credit code %s", p->uscc);
out:
	return rc;
}

/*
 * Writes the posting: an UPDATE of IN->id, or an INSERT by the poster. A second posting of one
 * kind and title by one enterprise is CC_EEXIST.
 */
static int posting_write(struct cc_store *st, const struct posting_in *in, const struct prow *p,
			 const struct pvalues *v, struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	int rc;
	if (in->id > 0)
		rc = cc_stmt_prepare(
			st, &s,
			"UPDATE postings SET title=?2, description=?3, chain=?4, node=?5, quantity=?6, "
			"unit=?7, region_pref=?8, valid_until=?9, contact=?10, updated_at=?11 "
			"WHERE id=?1",
			err);
	else
		rc = cc_stmt_prepare(
			st, &s,
			"INSERT INTO postings(enterprise_id, title, description, chain, "
			"node, quantity, unit, region_pref, valid_until, contact, kind, "
			"created_by) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)",
			err);
	if (rc)
		goto out;
	cc_stmt_bind_int64(s, 1, in->id > 0 ? in->id : v->eid);
	cc_stmt_bind_text(s, 2, v->title, v->tn);
	if (p->description)
		cc_stmt_bind_text(s, 3, p->description, strlen(p->description));
	if (v->chain) {
		cc_stmt_bind_text(s, 4, v->chain, strlen(v->chain));
		cc_stmt_bind_text(s, 5, v->node, strlen(v->node));
	}
	if (!isnan(v->qty))
		cc_stmt_bind_double(s, 6, v->qty);
	if (p->unit)
		cc_stmt_bind_text(s, 7, p->unit, strlen(p->unit));
	if (v->regions[0])
		cc_stmt_bind_text(s, 8, v->regions, strlen(v->regions));
	if (v->until[0])
		cc_stmt_bind_text(s, 9, v->until, strlen(v->until));
	if (p->contact)
		cc_stmt_bind_text(s, 10, p->contact, strlen(p->contact));
	if (in->id <= 0) {
		cc_stmt_bind_text(s, 11, p->kind, strlen(p->kind));
		const char *a = in->actor ? in->actor : "cli";
		cc_stmt_bind_text(s, 12, a, strlen(a));
	} else {
		cc_stmt_bind_now(s, 11);
	}
	if (cc_stmt_step(s, err) < 0) {
		rc = CC_EDB;
		/* SQLite: "UNIQUE constraint failed"; PostgreSQL: "duplicate key value violates
		 * unique constraint". */
		if (strstr(err->msg, "UNIQUE") || strstr(err->msg, "unique constraint"))
			rc = ferr(err, CC_EEXIST, "title",
				  "this enterprise already has a %s posting titled '%.*s'", p->kind,
				  (int)(v->tn > 80 ? 80 : v->tn), v->title);
	}
out:
	cc_stmt_free(s);
	return rc;
}

/* The audit row of a posting's create or update: the posting as it is now. */
static int posting_audit(struct cc_store *st, const struct posting_in *in, int64_t id,
			 struct cc_error *err)
{
	char target[40];
	snprintf(target, sizeof target, "posting %lld", (long long)id);
	json_t *after = posting_get(st, id, 1, err);
	char *a = after ? cc_jw_text(after) : NULL;
	int rc = cc_store_audit(st, in->actor, in->id > 0 ? "posting.update" : "posting.create",
				target, NULL, a, err);
	free(a);
	json_decref(after);
	return rc;
}

/*
 * The service part of IN (issue 16 item 6): *SERVICE 1 with the capabilities and industries
 * served in CAPS and INDS (N bytes each) when IN is a service (category "service", or an update
 * of a service giving new capabilities or industries), else 0. A service needs a capability; a
 * posting does not change its category.
 */
static int service_check(struct cc_store *st, const struct posting_in *in, char *caps, char *inds,
			 size_t n, int *service, struct cc_error *err)
{
	char old_caps[512] = "", old_inds[512] = "";
	int was = 0;
	*service = 0;
	caps[0] = inds[0] = '\0';
	if (in->id > 0) {
		was = match_service_row(st, in->id, old_caps, old_inds, sizeof old_caps);
		if (was < 0)
			return cc_error_set(err, CC_EDB, "cannot read posting %lld",
					    (long long)in->id);
	}
	const char *cat = in->category && *in->category ? in->category : NULL;
	if (cat && strcmp(cat, "service") && strcmp(cat, "服务") && strcmp(cat, "product") &&
	    strcmp(cat, "产品"))
		return ferr(err, CC_EINVAL, "category",
			    "must be product or service (产品 or 服务)");
	int want = cat ? !strcmp(cat, "service") || !strcmp(cat, "服务") : was;
	if (in->id > 0 && cat && want != was)
		return ferr(err, CC_EINVAL, "category", "a posting cannot change its category");
	if (!want) {
		if ((in->capabilities && *in->capabilities) || (in->industries && *in->industries))
			return ferr(err, CC_EINVAL, "capabilities",
				    "only a service posting (category service) has capabilities");
		return 0;
	}
	struct cc_error e2 = {0};
	const char *ci = in->capabilities && *in->capabilities ? in->capabilities : old_caps;
	if (match_caps_parse(ci, caps, n, &e2))
		return ferr(err, CC_EINVAL, "capabilities", "%s", e2.msg);
	if (!caps[0])
		return ferr(err, CC_EINVAL, "capabilities",
			    "a service posting needs at least one capability");
	const char *ii = in->industries ? in->industries : old_inds;
	if (match_industries_parse(ii, inds, n, &e2))
		return ferr(err, CC_EINVAL, "industries", "%s", e2.msg);
	*service = 1;
	return 0;
}

int posting_save(struct cc_store *st, const struct posting_in *in, int64_t *id,
		 struct cc_error *err)
{
	struct prow p;
	struct pvalues v;
	memset(&p, 0, sizeof p);
	int rc = posting_merge(st, in, &p, err);
	if (rc)
		goto out;
	rc = posting_check(st, &p, &v, err);
	if (rc)
		goto out;
	char caps[512], inds[512];
	int service = 0;
	rc = service_check(st, in, caps, inds, sizeof caps, &service, err);
	if (rc)
		goto out;
	rc = cc_store_begin(st, err);
	if (rc)
		goto out;
	rc = posting_write(st, in, &p, &v, err);
	if (rc == 0) {
		*id = in->id > 0 ? in->id : cc_store_last_id(st);
		if (service)
			rc = match_service_save(st, *id, caps, inds, err);
	}
	if (rc == 0)
		rc = posting_audit(st, in, *id, err);
	if (rc == 0 && in->id <= 0) {
		int64_t d = match_deliver(st, *id - 1, err);
		if (d < 0)
			rc = (int)d;
	}
	if (rc == 0)
		rc = cc_store_commit(st, err);
	if (rc)
		cc_store_rollback(st);
out:
	prow_free(&p);
	return rc;
}

int posting_withdraw(struct cc_store *st, int64_t id, const char *actor, struct cc_error *err)
{
	int rc = cc_store_begin(st, err);
	if (rc)
		return rc;
	struct cc_stmt *s = NULL;
	rc = cc_stmt_prepare(
		st, &s, "UPDATE postings SET status='withdrawn', updated_at=?2 WHERE id=?1", err);
	if (rc == 0) {
		cc_stmt_bind_int64(s, 1, id);
		cc_stmt_bind_now(s, 2);
		if (cc_stmt_step(s, err) < 0)
			rc = CC_EDB;
		else if (cc_store_changes(st) == 0)
			rc = ferr(err, CC_ENOTFOUND, "id", "no posting %lld", (long long)id);
	}
	cc_stmt_free(s);
	if (rc == 0) {
		char target[40];
		snprintf(target, sizeof target, "posting %lld", (long long)id);
		rc = cc_store_audit(st, actor, "posting.withdraw", target, NULL,
				    "{\"status\":\"withdrawn\"}", err);
	}
	if (rc == 0)
		rc = cc_store_commit(st, err);
	if (rc)
		cc_store_rollback(st);
	return rc;
}

int posting_owner(struct cc_store *st, int64_t id, char *out, struct cc_error *err)
{
	static const char sql[] =
		"SELECT e.uscc FROM postings p JOIN enterprises e ON e.id = p.enterprise_id WHERE p.id = ?1";
	struct cc_stmt *s = cc_stmt_cached(st, sql, err);
	if (!s)
		return CC_EDB;
	cc_stmt_bind_int64(s, 1, id);
	int rc = cc_stmt_step(s, err);
	if (rc == 1)
		snprintf(out, 19, "%s", cc_stmt_text(s, 0));
	cc_stmt_reset(s);
	if (rc < 0)
		return CC_EDB;
	if (rc == 0)
		return ferr(err, CC_ENOTFOUND, "id", "no posting %lld", (long long)id);
	return 0;
}

json_t *match_text_or_null(struct cc_stmt *s, int col)
{
	return cc_stmt_is_null(s, col) ? json_null() : json_string(cc_stmt_text(s, col));
}

json_t *match_posting_row_json(struct cc_stmt *s, const char *today, int with_private)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(cc_stmt_int64(s, 0)));
	json_object_set_new(o, "kind", json_string(cc_stmt_text(s, 1)));
	json_object_set_new(o, "uscc", json_string(cc_stmt_text(s, 2)));
	json_object_set_new(o, "enterprise", json_string(cc_stmt_text(s, 3)));
	json_object_set_new(o, "region", json_integer(cc_stmt_int64(s, 4)));
	json_object_set_new(o, "title", json_string(cc_stmt_text(s, 5)));
	json_object_set_new(o, "description", match_text_or_null(s, 6));
	json_object_set_new(o, "chain", match_text_or_null(s, 7));
	json_object_set_new(o, "node", match_text_or_null(s, 8));
	const struct cc_node *nd = NULL;
	if (!cc_stmt_is_null(s, 7) && !cc_stmt_is_null(s, 8)) {
		const struct cc_catalogue *cat = cc_catalogue_get(NULL);
		const struct cc_chain *ch = cat ? cc_chain_find(cat, cc_stmt_text(s, 7)) : NULL;
		nd = ch ? cc_node_find(cat, ch, cc_stmt_text(s, 8)) : NULL;
	}
	json_object_set_new(o, "node_name", nd ? json_string(nd->name_zh) : json_null());
	json_object_set_new(o, "node_name_en", nd ? json_string(nd->name_en) : json_null());
	json_object_set_new(o, "quantity",
			    cc_stmt_is_null(s, 9) ? json_null() : json_real(cc_stmt_double(s, 9)));
	json_object_set_new(o, "unit", match_text_or_null(s, 10));
	json_object_set_new(o, "region_pref", match_text_or_null(s, 11));
	json_object_set_new(o, "valid_until", match_text_or_null(s, 12));
	const char *status = cc_stmt_text(s, 13);
	if (strcmp(status, "open") == 0 && !cc_stmt_is_null(s, 12) &&
	    strcmp(cc_stmt_text(s, 12), today) < 0)
		status = "expired";
	json_object_set_new(o, "status", json_string(status));
	json_object_set_new(o, "created_at", match_text_or_null(s, 14));
	json_object_set_new(o, "updated_at", match_text_or_null(s, 15));
	if (with_private)
		json_object_set_new(o, "contact", match_text_or_null(s, 16));
	return o;
}

json_t *posting_get(struct cc_store *st, int64_t id, int with_private, struct cc_error *err)
{
	static const char sql[] = "SELECT " POSTING_COLS " FROM postings p JOIN enterprises e ON "
				  "e.id = p.enterprise_id WHERE p.id = ?1";
	struct cc_stmt *s = cc_stmt_cached(st, sql, err);
	if (!s)
		return NULL;
	char today[11];
	cc_date_today(today);
	cc_stmt_bind_int64(s, 1, id);
	int rc = cc_stmt_step(s, err);
	if (rc == 0)
		ferr(err, CC_ENOTFOUND, "id", "no posting %lld", (long long)id);
	json_t *o = rc == 1 ? match_posting_row_json(s, today, with_private) : NULL;
	cc_stmt_reset(s);
	if (o)
		match_service_json(st, id, o);
	return o;
}

/* ---- text terms ---- */

/* Returns the byte length of the separator at P (0 when P is not a separator). */
static size_t sep_len(const unsigned char *p)
{
	static const char *const wide[] = {"，", "。", "、", "；", "：", "！", "？", "（",
					   "）", "【", "】", "《", "》", "“",  "”",  "‘",
					   "’",	 "　", "「", "」", "…",	 "—"};
	if (*p < 0x80)
		return (isspace(*p) || strchr(",;:!?()[]{}<>\"'`/\\|*^~=&@$%", *p)) ? 1 : 0;
	for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++) {
		size_t n = strlen(wide[i]);
		if (memcmp(p, wide[i], n) == 0)
			return n;
	}
	return 0;
}

int match_terms(const char *text, struct match_term *terms, int max)
{
	int n = 0;
	const unsigned char *p = (const unsigned char *)(text ? text : "");
	size_t len = strlen((const char *)p);
	if (cc_utf8_valid_prefix(p, len) != len)
		return 0;
	while (*p && n < max) {
		size_t s;
		while (*p && (s = sep_len(p)))
			p += s;
		const unsigned char *start = p;
		int chars = 0;
		while (*p && !sep_len(p)) {
			p += match_char_len(*p);
			chars++;
		}
		if (p > start) {
			size_t b = (size_t)(p - start);
			if (b >= sizeof terms[n].text)
				continue; /* absurdly long term: ignore */
			for (size_t i = 0; i < b; i++)
				terms[n].text[i] = (char)tolower(start[i]);
			terms[n].text[b] = '\0';
			terms[n].chars = chars;
			int dup = 0;
			for (int k = 0; k < n; k++)
				dup |= strcmp(terms[k].text, terms[n].text) == 0;
			if (!dup)
				n++;
		}
	}
	return n;
}

void match_strip_stopwords(const char *in, char *out, size_t n)
{
	/* Words that say what kind of posting it is, not what it is about. */
	static const char *const stop[] = {"采购", "供应", "求购", "需求", "供货", "出售", "销售",
					   "提供", "寻找", "长期", "批量", "大量", "现货", "诚招"};
	size_t used = 0;
	if (n == 0)
		return;
	while (*in && used + 1 < n) {
		size_t hit = 0;
		for (size_t k = 0; k < sizeof stop / sizeof stop[0] && !hit; k++)
			if (strncmp(in, stop[k], strlen(stop[k])) == 0)
				hit = strlen(stop[k]);
		if (hit) {
			out[used++] = ' ';
			in += hit;
		} else {
			out[used++] = *in++;
		}
	}
	/* Never end inside a UTF-8 sequence: the next input byte (in the terminator's slot)
	 * tells cc_utf8_cut whether the last character was cut. */
	out[used] = *in;
	used = cc_utf8_cut(out, used + 1, used);
	out[used] = '\0';
}

/* Appends S (N bytes) to OUT as an FTS5 string (double quotes; none can occur in a term). */
static int put(char *out, size_t cap, size_t *used, const char *s, size_t n)
{
	if (*used + n + 1 > cap)
		return -1;
	memcpy(out + *used, s, n);
	*used += n;
	out[*used] = '\0';
	return 0;
}

int match_query_build(const char *text, char *out, size_t n)
{
	struct match_term t[MATCH_MAX_TERMS];
	int nt = match_terms(text, t, MATCH_MAX_TERMS), count = 0;
	size_t used = 0;
	char seen[64][16];
	out[0] = '\0';
	for (int k = 0; k < nt; k++) {
		if (t[k].chars < 3)
			continue;
		const char *p = t[k].text;
		const char *end = p + strlen(p);
		while (p < end) {
			const char *q = p;
			int c = 0;
			while (q < end && c < 3) {
				q += match_char_len((unsigned char)*q);
				c++;
			}
			if (c < 3)
				break;
			size_t len = (size_t)(q - p);
			int dup = 0;
			for (int s = 0; s < count && s < 64; s++)
				dup |= strlen(seen[s]) == len && memcmp(seen[s], p, len) == 0;
			if (!dup && count < 64 && len < sizeof seen[0]) {
				size_t save = used;
				if ((count && put(out, n, &used, " OR ", 4)) ||
				    put(out, n, &used, "\"", 1) || put(out, n, &used, p, len) ||
				    put(out, n, &used, "\"", 1)) {
					used = save;
					out[used] = '\0';
					return count;
				}
				memcpy(seen[count], p, len);
				seen[count][len] = '\0';
				count++;
			}
			p += match_char_len((unsigned char)*p);
		}
	}
	return count;
}

int match_query_phrases(const char *text, char *out, size_t n)
{
	struct match_term t[MATCH_MAX_TERMS];
	int nt = match_terms(text, t, MATCH_MAX_TERMS), count = 0;
	size_t used = 0;
	out[0] = '\0';
	for (int k = 0; k < nt; k++) {
		if (t[k].chars < 3)
			continue;
		size_t save = used;
		if ((count && put(out, n, &used, " OR ", 4)) || put(out, n, &used, "\"", 1) ||
		    put(out, n, &used, t[k].text, strlen(t[k].text)) ||
		    put(out, n, &used, "\"", 1)) {
			used = save;
			out[used] = '\0';
			break;
		}
		count++;
	}
	return count;
}

/* ---- search ---- */

/* The sort keys of posting_search and their columns (a whitelist: only these reach SQL). */
static const struct {
	const char *key, *asc, *desc;
} sorts[] = {
	{"title", "lower(p.title)", "lower(p.title) DESC"},
	{"enterprise", "e.name", "e.name DESC"},
	{"kind", "p.kind", "p.kind DESC"},
	{"node", "p.chain NULLS LAST, p.node NULLS LAST",
	 "p.chain DESC NULLS LAST, p.node DESC NULLS LAST"},
	{"quantity", "p.quantity NULLS LAST", "p.quantity DESC NULLS LAST"},
	{"valid_until", "p.valid_until NULLS LAST", "p.valid_until DESC NULLS LAST"},
	{"created", "p.created_at", "p.created_at DESC"},
	{"status", "p.status", "p.status DESC"},
};

int posting_sort_known(const char *key)
{
	for (size_t k = 0; key && k < sizeof sorts / sizeof sorts[0]; k++)
		if (!strcmp(key, sorts[k].key))
			return 1;
	return 0;
}

/* The ORDER BY terms of sort KEY (DESC: descending), or "" for none or an unknown key. */
static const char *sort_sql(const char *key, int desc)
{
	for (size_t k = 0; key && k < sizeof sorts / sizeof sorts[0]; k++)
		if (!strcmp(key, sorts[k].key))
			return desc ? sorts[k].desc : sorts[k].asc;
	return "";
}

json_t *posting_search(struct cc_store *st, const struct posting_query *q, struct cc_error *err)
{
	struct match_term t[MATCH_MAX_TERMS];
	int nt = match_terms(q->q, t, MATCH_MAX_TERMS);
	char fts[1024] = "";
	size_t used = 0;
	int nshort = 0;
	for (int k = 0; k < nt; k++) {
		if (t[k].chars < 3) {
			nshort++;
			continue;
		}
		if ((used && put(fts, sizeof fts, &used, " AND ", 5)) ||
		    put(fts, sizeof fts, &used, "\"", 1) ||
		    put(fts, sizeof fts, &used, t[k].text, strlen(t[k].text)) ||
		    put(fts, sizeof fts, &used, "\"", 1))
			break;
	}
	const char *mode = fts[0] ? "fts" : nshort ? "scan" : "none";
	char today[11];
	cc_date_today(today);

	struct cc_buf where = CC_BUF_INIT(16384);
	cc_buf_puts(&where, " WHERE 1 = 1");
	/* Parameters: ?1 fts, ?2 kind, ?3 chain, ?4 node, ?5 region lo, ?6 region hi, ?7 uscc,
	 * ?8 today, ?20.. short terms. */
	if (q->kind && *q->kind)
		cc_buf_puts(&where, " AND p.kind = ?2");
	if (q->chain && *q->chain)
		cc_buf_puts(&where, " AND p.chain = ?3");
	if (q->node && *q->node)
		cc_buf_puts(&where, " AND p.node = ?4");
	if (q->region > 0)
		cc_buf_puts(&where, " AND e.region BETWEEN ?5 AND ?6");
	if (q->uscc && *q->uscc)
		cc_buf_puts(&where, " AND e.uscc = ?7");
	const char *state = q->state && *q->state ? q->state : "open";
	if (!strcmp(state, "open"))
		cc_buf_puts(
			&where,
			" AND p.status = 'open' AND (p.valid_until IS NULL OR p.valid_until >= ?8)");
	else if (!strcmp(state, "expired"))
		cc_buf_puts(&where, " AND p.status = 'open' AND p.valid_until < ?8");
	else if (!strcmp(state, "withdrawn"))
		cc_buf_puts(&where, " AND p.status = 'withdrawn'");
	else if (strcmp(state, "all") != 0) {
		cc_buf_release(&where);
		cc_error_set(err, CC_EINVAL, "state: must be open, expired, withdrawn or all");
		return NULL;
	}
	for (int k = 0, j = 0; k < nt; k++)
		if (t[k].chars < 3)
			cc_buf_printf(
				&where,
				" AND strpos(lower(p.title || ' ' || coalesce(p.description, '')), ?%d) > 0",
				20 + j++);
	/* The full-text matches as a derived table ft(doc, score) (store/fulltext.h). */
	struct cc_buf from = CC_BUF_INIT(1024);
	if (fts[0]) {
		cc_buf_puts(&from, " FROM ");
		cc_fulltext_from(st, &from, CC_FTS_POSTINGS, 1, "ft");
		cc_buf_puts(&from, " JOIN postings p ON p.id = ft.doc JOIN enterprises e ON e.id = "
				   "p.enterprise_id");
	} else {
		cc_buf_puts(&from, " FROM postings p JOIN enterprises e ON e.id = p.enterprise_id");
	}
	if (from.failed) {
		cc_buf_release(&where);
		cc_buf_release(&from);
		cc_error_set(err, CC_ENOMEM, "out of memory");
		return NULL;
	}
	json_t *res = NULL, *items = json_array();
	int64_t total = 0;
	for (int pass = 0; pass < 2; pass++) {
		struct cc_buf sql = CC_BUF_INIT(32768);
		if (pass == 0)
			cc_buf_printf(&sql, "SELECT count(*)%s%s", cc_buf_str(&from),
				      cc_buf_str(&where));
		else
			cc_buf_printf(
				&sql,
				"SELECT " POSTING_COLS "%s%s ORDER BY %s%s%s LIMIT %d OFFSET %d",
				cc_buf_str(&from), cc_buf_str(&where), sort_sql(q->sort, q->desc),
				*sort_sql(q->sort, q->desc) ? ", " : "",
				fts[0] ? "ft.score, p.id" : "p.id DESC",
				q->limit > 0 ? q->limit : 50, q->offset > 0 ? q->offset : 0);
		struct cc_stmt *s = NULL;
		int rc = cc_stmt_prepare(st, &s, cc_buf_str(&sql), err);
		cc_buf_release(&sql);
		if (rc)
			goto fail;
		if (fts[0])
			cc_stmt_bind_text(s, 1, fts, strlen(fts));
		if (q->kind && *q->kind)
			cc_stmt_bind_text(s, 2, q->kind, strlen(q->kind));
		if (q->chain && *q->chain)
			cc_stmt_bind_text(s, 3, q->chain, strlen(q->chain));
		if (q->node && *q->node)
			cc_stmt_bind_text(s, 4, q->node, strlen(q->node));
		if (q->region > 0) {
			int lo, hi;
			cc_region_span(q->region, &lo, &hi);
			cc_stmt_bind_int64(s, 5, lo);
			cc_stmt_bind_int64(s, 6, hi);
		}
		if (q->uscc && *q->uscc)
			cc_stmt_bind_text(s, 7, q->uscc, strlen(q->uscc));
		cc_stmt_bind_text(s, 8, today, 10);
		for (int k = 0, j = 0; k < nt; k++)
			if (t[k].chars < 3) {
				cc_stmt_bind_text(s, 20 + j, t[k].text, strlen(t[k].text));
				j++;
			}
		while ((rc = cc_stmt_step(s, err)) == 1) {
			if (pass == 0)
				total = cc_stmt_int64(s, 0);
			else
				json_array_append_new(items, match_posting_row_json(s, today, 0));
		}
		cc_stmt_free(s);
		if (rc < 0)
			goto fail;
	}
	res = json_object();
	json_object_set_new(res, "items", items);
	json_object_set_new(res, "total", json_integer(total));
	json_object_set_new(res, "mode", json_string(mode));
	cc_buf_release(&where);
	cc_buf_release(&from);
	return res;
fail:
	json_decref(items);
	cc_buf_release(&where);
	cc_buf_release(&from);
	return NULL;
}
