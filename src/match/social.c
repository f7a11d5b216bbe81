/*
 * What happens around matching (see match.h): the enterprise text index, subscriptions and
 * their inbox, deals, and the statistics of the dashboard.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/parse.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "domain/uscc.h"
#include "match/match_internal.h"
#include "store/dialect.h"
#include "store/fulltext.h"

int match_index_rebuild(struct cc_store *st, struct cc_error *err)
{
	int rc = cc_store_begin(st, err);
	if (rc)
		return rc;
	rc = cc_store_exec(
		st,
		"DELETE FROM match_sellers;"
		"DELETE FROM match_buyers;"
		"DELETE FROM match_products;"
		"INSERT INTO match_products(name) SELECT DISTINCT product FROM supply_edges"
		"  WHERE product <> '' ORDER BY 1;",
		err);
	if (rc == 0)
		rc = cc_fulltext_rebuild(st, CC_FTS_PRODUCTS, err);
	if (rc == 0)
		rc = cc_store_exec(
			st,
			"INSERT INTO match_sellers(product_id, enterprise_id)"
			"  SELECT p.id, e.id FROM supply_edges s JOIN match_products p ON p.name = "
			"s.product  JOIN enterprises e ON e.uscc = s.supplier ORDER BY 1, 2"
			"  ON CONFLICT DO NOTHING;"
			"INSERT INTO match_buyers(product_id, enterprise_id)"
			"  SELECT p.id, s.buyer_id FROM supply_edges s JOIN match_products p"
			"  ON p.name = s.product ORDER BY 1, 2 ON CONFLICT DO NOTHING;"
			"INSERT INTO meta(key, value) SELECT 'match_index_generation', value FROM meta"
			"  WHERE key = 'generation' ON CONFLICT(key) DO UPDATE SET value = excluded.value;",
			err);
	if (rc == 0)
		rc = cc_store_commit(st, err);
	if (rc)
		cc_store_rollback(st);
	return rc;
}

int match_refresh(struct cc_store *st, struct cc_error *err)
{
	int64_t gen = cc_store_int(
		st, "SELECT CAST(value AS BIGINT) FROM meta WHERE key='generation'", 0);
	int64_t done = cc_store_int(
		st, "SELECT CAST(value AS BIGINT) FROM meta WHERE key='match_index_generation'",
		-1);
	int rc = 0;
	if (gen != done && (rc = match_index_rebuild(st, err)))
		return rc;
	int64_t after = cc_store_int(
		st, "SELECT CAST(value AS BIGINT) FROM meta WHERE key='match_delivered'", 0);
	int64_t last = cc_store_int(st, "SELECT coalesce(max(id), 0) FROM postings", 0);
	if (last <= after)
		return 0;
	if ((rc = cc_store_begin(st, err)))
		return rc;
	int64_t d = match_deliver(st, after, err);
	if (d < 0)
		rc = (int)d;
	if (rc == 0) {
		char sql[160];
		snprintf(sql, sizeof sql,
			 "INSERT INTO meta(key, value) VALUES('match_delivered', '%lld') "
			 "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
			 (long long)last);
		rc = cc_store_exec(st, sql, err);
	}
	if (rc == 0)
		rc = cc_store_commit(st, err);
	if (rc)
		cc_store_rollback(st);
	return rc;
}

int match_refresh_after(struct cc_store *st, int64_t before, int products, struct cc_error *err)
{
	int64_t done = cc_store_int(
		st, "SELECT CAST(value AS BIGINT) FROM meta WHERE key='match_index_generation'",
		-1);
	if (!products && done == before) {
		int rc =
			cc_store_exec(st,
				      "UPDATE meta SET value = (SELECT value FROM meta WHERE key = "
				      "'generation') WHERE key = 'match_index_generation'",
				      err);
		if (rc)
			return rc;
	}
	return match_refresh(st, err);
}

/* ---- subscriptions ---- */

static int64_t user_id(struct cc_store *st, const char *user, struct cc_error *err)
{
	static const char sql[] = "SELECT id FROM users WHERE username = ?1";
	struct cc_stmt *s = cc_stmt_cached(st, sql, err);
	if (!s)
		return CC_EDB;
	cc_stmt_bind_text(s, 1, user ? user : "", user ? strlen(user) : 0);
	int rc = cc_stmt_step(s, err);
	int64_t id = rc == 1 ? cc_stmt_int64(s, 0) : 0;
	cc_stmt_reset(s);
	if (rc < 0)
		return CC_EDB;
	if (!id)
		return cc_error_set(err, CC_ENOTFOUND, "user: no account named '%.60s'",
				    user ? user : "");
	return id;
}

/*
 * Binds a subscription's key (UID, WHAT, NORM, KIND) to ?1..?4 of S; a NULL K leaves ?4 NULL,
 * which "kind IS ?4" matches. The insert and the look-up of follow_write bind the same key.
 */
static void bind_subscription(struct cc_stmt *s, int64_t uid, const char *what, const char *norm,
			      const char *k)
{
	cc_stmt_bind_int64(s, 1, uid);
	cc_stmt_bind_text(s, 2, what, strlen(what));
	cc_stmt_bind_text(s, 3, norm, strlen(norm));
	if (k)
		cc_stmt_bind_text(s, 4, k, strlen(k));
}

/*
 * Writes subscription (UID, WHAT, NORM, KIND) unless it exists, and fills a new one at once
 * with the open postings that match it (match_deliver_open), in one transaction: a new
 * subscription's count is what it matches today, not 0 until the next posting. Sets *ID (also
 * of an existing one) and *DELIVERED (0 for an existing one). Returns 0 or a negative CC_E*.
 */
static int follow_write(struct cc_store *st, int64_t uid, const char *what, const char *norm,
			const char *k, int64_t *id, int64_t *delivered, struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	int64_t got = 0;
	int rc = cc_store_begin(st, err);
	if (rc)
		return rc;
	rc = cc_stmt_prepare(st, &s,
			     "INSERT INTO subscriptions(user_id, what, value, kind) "
			     "VALUES(?1,?2,?3,?4) ON CONFLICT DO NOTHING",
			     err);
	if (rc)
		goto out;
	bind_subscription(s, uid, what, norm, k);
	rc = cc_stmt_step(s, err) < 0 ? CC_EDB : 0;
	int fresh = rc == 0 && cc_store_changes(st) > 0;
	cc_stmt_free(s);
	s = NULL;
	if (rc)
		goto out;
	/* The id (also when it already existed). */
	rc = cc_stmt_prepare(st, &s,
			     "SELECT id FROM subscriptions WHERE user_id=?1 AND what=?2 AND "
			     "value=?3 AND kind IS NOT DISTINCT FROM ?4",
			     err);
	if (rc)
		goto out;
	bind_subscription(s, uid, what, norm, k);
	*id = cc_stmt_step(s, err) == 1 ? cc_stmt_int64(s, 0) : 0;
	if (fresh && *id) {
		got = match_deliver_open(st, *id, err);
		if (got < 0)
			rc = (int)got;
	}
	if (rc == 0)
		rc = cc_store_commit(st, err);
out:
	cc_stmt_free(s);
	if (rc)
		cc_store_rollback(st);
	if (delivered)
		*delivered = rc ? 0 : got;
	return rc;
}

int match_follow(struct cc_store *st, const char *user, const char *what, const char *value,
		 const char *kind, int64_t *id, int64_t *delivered, struct cc_error *err)
{
	int64_t uid = user_id(st, user, err);
	if (uid < 0)
		return (int)uid;
	char norm[160];
	if (!value || !*value)
		return cc_error_set(err, CC_EINVAL, "value: say what to follow");
	if (what && !strcmp(what, "node")) {
		const struct cc_catalogue *cat = cc_catalogue_get(err);
		if (!cat)
			return CC_EINVAL;
		const struct cc_chain *ch = cc_chain_find(cat, value);
		if (ch) {
			snprintf(norm, sizeof norm, "%s", ch->id);
		} else {
			struct cc_error e2 = {0};
			const struct cc_node *nd = cc_node_resolve(cat, value, NULL, &e2);
			if (!nd)
				return cc_error_set(err, CC_EINVAL, "value: %s", e2.msg);
			snprintf(norm, sizeof norm, "%s.%s", cat->chains[nd->chain].id, nd->id);
		}
	} else if (what && !strcmp(what, "region")) {
		long long code;
		if (cc_codes_load(err))
			return CC_EINVAL;
		if (cc_parse_int64(value, strlen(value), &code) || strlen(value) != 6 ||
		    !cc_region_find((int)code))
			return cc_error_set(
				err, CC_EINVAL,
				"value: '%.40s' is not a GB/T 2260 region code (6 digits)", value);
		/* Stored as the code; delivery tests region_within (cc_region_within's rule),
		 * which also reads the 2- and 4-digit prefixes older versions stored. */
		snprintf(norm, sizeof norm, "%06lld", code);
	} else if (what && !strcmp(what, "keyword")) {
		size_t n = strlen(value);
		const char *v = value;
		cc_trim(&v, &n);
		if (n == 0 || n > 90)
			return cc_error_set(err, CC_EINVAL,
					    "value: a keyword of 1 to 30 characters");
		snprintf(norm, sizeof norm, "%.*s", (int)n, v);
	} else {
		return cc_error_set(err, CC_EINVAL, "what: must be node, region or keyword");
	}
	if (kind && *kind && match_kind_parse(kind) < 0)
		return cc_error_set(err, CC_EINVAL, "kind: must be supply or demand");
	const char *k = kind && *kind
				? (match_kind_parse(kind) == MATCH_SUPPLY ? "supply" : "demand")
				: NULL;
	return follow_write(st, uid, what, norm, k, id, delivered, err);
}

int match_unfollow(struct cc_store *st, const char *user, int64_t id, struct cc_error *err)
{
	int64_t uid = user_id(st, user, err);
	if (uid < 0)
		return (int)uid;
	struct cc_stmt *s = NULL;
	int rc = cc_stmt_prepare(st, &s, "DELETE FROM subscriptions WHERE id=?1 AND user_id=?2",
				 err);
	if (rc)
		return rc;
	cc_stmt_bind_int64(s, 1, id);
	cc_stmt_bind_int64(s, 2, uid);
	rc = cc_stmt_step(s, err) < 0 ? CC_EDB : 0;
	cc_stmt_free(s);
	if (rc == 0 && cc_store_changes(st) == 0)
		rc = cc_error_set(err, CC_ENOTFOUND, "id: no subscription %lld of %s",
				  (long long)id, user);
	return rc;
}

json_t *match_subscriptions(struct cc_store *st, const char *user, struct cc_error *err)
{
	int64_t uid = user_id(st, user, err);
	if (uid < 0)
		return NULL;
	struct cc_stmt *s = NULL;
	if (cc_stmt_prepare(st, &s,
			    "SELECT s.id, s.what, s.value, s.kind, s.created_at, "
			    "(SELECT count(*) FROM inbox i WHERE i.subscription_id = s.id) "
			    "FROM subscriptions s WHERE s.user_id = ?1 ORDER BY s.id",
			    err))
		return NULL;
	cc_stmt_bind_int64(s, 1, uid);
	json_t *a = json_array();
	int rc;
	while ((rc = cc_stmt_step(s, err)) == 1) {
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(cc_stmt_int64(s, 0)));
		json_object_set_new(o, "what", json_string(cc_stmt_text(s, 1)));
		json_object_set_new(o, "value", json_string(cc_stmt_text(s, 2)));
		json_object_set_new(o, "kind", match_text_or_null(s, 3));
		json_object_set_new(o, "created_at", json_string(cc_stmt_text(s, 4)));
		json_object_set_new(o, "delivered", json_integer(cc_stmt_int64(s, 5)));
		json_array_append_new(a, o);
	}
	cc_stmt_free(s);
	if (rc < 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

/* The one rule of what a subscription receives: the postings P (with poster E) that match
 * subscription S, never the subscriber's own, for an account still enabled. Both deliveries
 * below use it, so a new subscription is filled by the rule that later postings follow; both
 * insert in posting, then subscription order, so the inbox ids follow it on every engine. */
#define DELIVER_SELECT                                                                             \
	"INSERT INTO inbox(user_id, subscription_id, posting_id) "                                 \
	"SELECT s.user_id, s.id, p.id FROM postings p "                                            \
	"JOIN enterprises e ON e.id = p.enterprise_id "                                            \
	"JOIN subscriptions s ON (s.kind IS NULL OR s.kind = p.kind) AND ("                        \
	"  (s.what = 'node' AND (p.chain = s.value OR p.chain || '.' || p.node = s.value)) OR"     \
	"  (s.what = 'region' AND region_within(e.region, s.value) = 1) OR"                        \
	"  (s.what = 'keyword' AND strpos(lower(p.title || ' ' || coalesce(p.description, '')),"   \
	"     lower(s.value)) > 0)) "                                                              \
	"JOIN users u ON u.id = s.user_id AND u.disabled = 0 AND (u.uscc IS NULL OR u.uscc <> "    \
	"e.uscc) "

int64_t match_deliver(struct cc_store *st, int64_t after, struct cc_error *err)
{
	static const char sql[] =
		DELIVER_SELECT "WHERE p.id > ?1 AND p.status = 'open' ORDER BY p.id, s.id "
			       "ON CONFLICT DO NOTHING";
	struct cc_stmt *s = cc_stmt_cached(st, sql, err);
	if (!s)
		return CC_EDB;
	cc_stmt_bind_int64(s, 1, after);
	int rc = cc_stmt_step(s, err);
	cc_stmt_reset(s);
	return rc < 0 ? CC_EDB : cc_store_changes(st);
}

int64_t match_deliver_open(struct cc_store *st, int64_t subscription, struct cc_error *err)
{
	static const char sql[] = DELIVER_SELECT "WHERE s.id = ?1 AND p.status = 'open' AND "
						 "(p.valid_until IS NULL OR p.valid_until >= ?2) "
						 "ORDER BY p.id, s.id ON CONFLICT DO NOTHING";
	char today[11];
	cc_date_today(today);
	struct cc_stmt *s = cc_stmt_cached(st, sql, err);
	if (!s)
		return CC_EDB;
	cc_stmt_bind_int64(s, 1, subscription);
	cc_stmt_bind_text(s, 2, today, strlen(today));
	int rc = cc_stmt_step(s, err);
	cc_stmt_reset(s);
	return rc < 0 ? CC_EDB : cc_store_changes(st);
}

json_t *match_inbox(struct cc_store *st, const char *user, int limit, int unread_only,
		    struct cc_error *err)
{
	int64_t uid = user_id(st, user, err);
	if (uid < 0)
		return NULL;
	char today[11];
	cc_date_today(today);
	struct cc_stmt *s = NULL;
	if (cc_stmt_prepare(
		    st, &s,
		    "SELECT " POSTING_COLS ", i.id, i.created_at, i.read_at, s.id, s.what, s.value "
		    "FROM inbox i JOIN postings p ON p.id = i.posting_id "
		    "JOIN enterprises e ON e.id = p.enterprise_id "
		    "JOIN subscriptions s ON s.id = i.subscription_id "
		    "WHERE i.user_id = ?1 AND (?2 = 0 OR i.read_at IS NULL) ORDER BY i.id DESC LIMIT ?3",
		    err))
		return NULL;
	cc_stmt_bind_int64(s, 1, uid);
	cc_stmt_bind_int64(s, 2, unread_only);
	cc_stmt_bind_int64(s, 3, limit > 0 ? limit : 50);
	json_t *items = json_array();
	int rc;
	while ((rc = cc_stmt_step(s, err)) == 1) {
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(cc_stmt_int64(s, 17)));
		json_object_set_new(o, "at", json_string(cc_stmt_text(s, 18)));
		json_object_set_new(o, "read", json_boolean(!cc_stmt_is_null(s, 19)));
		json_t *sub = json_object();
		json_object_set_new(sub, "id", json_integer(cc_stmt_int64(s, 20)));
		json_object_set_new(sub, "what", json_string(cc_stmt_text(s, 21)));
		json_object_set_new(sub, "value", json_string(cc_stmt_text(s, 22)));
		json_object_set_new(o, "subscription", sub);
		json_object_set_new(o, "posting", match_posting_row_json(s, today, 0));
		json_array_append_new(items, o);
	}
	cc_stmt_free(s);
	if (rc < 0) {
		json_decref(items);
		return NULL;
	}
	json_t *res = json_object();
	json_object_set_new(res, "items", items);
	char sql[128];
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM inbox WHERE user_id = %lld AND read_at IS NULL",
		 (long long)uid);
	json_object_set_new(res, "unread", json_integer(cc_store_int(st, sql, 0)));
	return res;
}

int64_t match_inbox_read(struct cc_store *st, const char *user, int64_t id, struct cc_error *err)
{
	int64_t uid = user_id(st, user, err);
	if (uid < 0)
		return uid;
	struct cc_stmt *s = NULL;
	if (cc_stmt_prepare(st, &s,
			    "UPDATE inbox SET read_at = ?3 "
			    "WHERE user_id = ?1 AND read_at IS NULL AND (?2 = 0 OR id = ?2)",
			    err))
		return CC_EDB;
	cc_stmt_bind_int64(s, 1, uid);
	cc_stmt_bind_int64(s, 2, id);
	cc_stmt_bind_now(s, 3);
	int rc = cc_stmt_step(s, err);
	cc_stmt_free(s);
	return rc < 0 ? CC_EDB : cc_store_changes(st);
}

/* ---- deals ---- */

struct pinfo {
	int64_t id, eid;
	int kind;
	char chain[64];
};

static int pinfo_load(struct cc_store *st, int64_t id, struct pinfo *p, struct cc_error *err)
{
	static const char sql[] =
		"SELECT enterprise_id, kind, coalesce(chain, '') FROM postings WHERE id = ?1";
	struct cc_stmt *s = cc_stmt_cached(st, sql, err);
	if (!s)
		return CC_EDB;
	cc_stmt_bind_int64(s, 1, id);
	int rc = cc_stmt_step(s, err);
	if (rc == 1) {
		p->id = id;
		p->eid = cc_stmt_int64(s, 0);
		p->kind = match_kind_parse(cc_stmt_text(s, 1));
		snprintf(p->chain, sizeof p->chain, "%s", cc_stmt_text(s, 2));
	}
	cc_stmt_reset(s);
	if (rc < 0)
		return CC_EDB;
	return rc == 1 ? 0 : cc_error_set(err, CC_ENOTFOUND, "id: no posting %lld", (long long)id);
}

/* The deal's state after a mark: SIDE 1 is the supplier marking, 2 the buyer, 0 staff or the
 * CLI; OLD_VALUE the stored value (NaN none), VALUE the mark's (NaN none). */
static void deal_next(struct match_deal_state *d, const char *status, int side, double old_value,
		      double value)
{
	if (strcmp(status, "agreed") != 0) {
		d->supplier_confirmed = d->buyer_confirmed = 0;
		snprintf(d->status, sizeof d->status, "%s", status);
		return;
	}
	/* A new value is a new proposal: the other side has not agreed to it. */
	if (!isnan(value) && (isnan(old_value) || value != old_value))
		d->supplier_confirmed = d->buyer_confirmed = 0;
	if (side != 2)
		d->supplier_confirmed = 1;
	if (side != 1)
		d->buyer_confirmed = 1;
	snprintf(d->status, sizeof d->status, "%s",
		 d->supplier_confirmed && d->buyer_confirmed ? "agreed" : "proposed");
}

/* The two sides of a deal as a mark names them. */
struct deal_pair {
	struct pinfo a, b;	 /* the deal's posting and the counterpart posting, if any */
	int has_b;		 /* the counterpart is a posting (else an enterprise) */
	int64_t counter;	 /* the counterpart enterprise */
	int64_t supplier, buyer; /* enterprises */
	int side;		 /* 1 the supplier marks, 2 the buyer, 0 staff or the CLI */
};

/*
 * Resolves the counterpart of POSTING (the posting CP_POSTING when above 0, else the enterprise
 * CP_USCC) into P, the pair of postings in one order whichever side marks it, and the side of
 * PARTY (a credit code, or NULL for staff). CC_EPERM when PARTY is neither side.
 */
static int deal_resolve(struct cc_store *st, int64_t posting, int64_t cp_posting,
			const char *cp_uscc, const char *party, struct deal_pair *p,
			struct cc_error *err)
{
	memset(p, 0, sizeof *p);
	int rc = pinfo_load(st, posting, &p->a, err);
	if (rc)
		goto out;
	int64_t cp_eid;
	if (cp_posting > 0) {
		rc = pinfo_load(st, cp_posting, &p->b, err);
		if (rc)
			goto out;
		if (p->b.kind == p->a.kind) {
			rc = cc_error_set(
				err, CC_EINVAL,
				"counterpart: a deal pairs a supply posting with a demand posting");
			goto out;
		}
		p->has_b = 1;
		cp_eid = p->b.eid;
		/* One deal per pair of postings, whichever side marks it. */
		if (cp_posting < posting) {
			struct pinfo t = p->a;
			p->a = p->b;
			p->b = t;
		}
	} else {
		char u[19];
		struct cc_error e2 = {0};
		if (!cp_uscc || cc_uscc_validate(cp_uscc, strlen(cp_uscc), u, NULL, &e2)) {
			rc = cc_error_set(err, CC_EINVAL, "counterpart: %s",
					  cp_uscc ? e2.msg
						  : "name the counterpart posting or credit code");
			goto out;
		}
		cp_eid = match_enterprise_id(st, u, err);
		if (cp_eid < 0) {
			rc = (int)cp_eid;
			goto out;
		}
		if (cp_eid == 0) {
			rc = cc_error_set(err, CC_ENOTFOUND, "counterpart: no enterprise %s", u);
			goto out;
		}
	}
	if (cp_eid == p->a.eid && cp_posting <= 0) {
		rc = cc_error_set(err, CC_EINVAL,
				  "counterpart: a posting cannot deal with its own poster");
		goto out;
	}
	int64_t poster = p->a.eid;
	p->counter = cp_posting > 0 ? p->b.eid : cp_eid;
	if (poster == p->counter) {
		rc = cc_error_set(err, CC_EINVAL,
				  "counterpart: both postings are by the same enterprise");
		goto out;
	}
	p->supplier = p->a.kind == MATCH_SUPPLY ? poster : p->counter;
	p->buyer = p->a.kind == MATCH_SUPPLY ? p->counter : poster;
	if (party) {
		int64_t pid = match_enterprise_id(st, party, err);
		if (pid < 0) {
			rc = (int)pid;
			goto out;
		}
		p->side = pid == p->supplier ? 1 : pid == p->buyer ? 2 : -1;
		if (p->side < 0)
			rc = cc_error_set(
				err, CC_EPERM,
				"posting: an enterprise marks only deals it is a party of");
	}
out:
	return rc;
}

/*
 * Reads the pair's deal, if there is one, into OUT (id and confirmations) and *OLD_VALUE (NaN
 * none). One deal per pair, whichever side marks it: looked up inside the transaction (a
 * UNIQUE constraint cannot do it, as an enterprise counterpart has no posting: NULL).
 */
static int deal_find(struct cc_store *st, const struct deal_pair *p, struct match_deal_state *out,
		     double *old_value, struct cc_error *err)
{
	static const char find_sql[] =
		"SELECT id, value, supplier_confirmed, buyer_confirmed FROM deals "
		"WHERE posting_id = ?1 AND cp_enterprise_id = ?2 AND cp_posting_id IS NOT DISTINCT "
		"FROM ?3";
	*old_value = NAN;
	struct cc_stmt *s = cc_stmt_cached(st, find_sql, err);
	if (!s)
		return CC_EDB;
	cc_stmt_bind_int64(s, 1, p->a.id);
	cc_stmt_bind_int64(s, 2, p->counter);
	if (p->has_b)
		cc_stmt_bind_int64(s, 3, p->b.id);
	int rc = cc_stmt_step(s, err);
	if (rc == 1) {
		out->id = cc_stmt_int64(s, 0);
		*old_value = cc_stmt_is_null(s, 1) ? NAN : cc_stmt_double(s, 1);
		out->supplier_confirmed = (int)cc_stmt_int64(s, 2);
		out->buyer_confirmed = (int)cc_stmt_int64(s, 3);
	}
	cc_stmt_reset(s);
	return rc < 0 ? CC_EDB : 0;
}

/* Writes the deal OUT describes: an update of OUT->id, or a new deal whose id OUT takes. */
static int deal_store(struct cc_store *st, const struct deal_pair *p, struct match_deal_state *out,
		      double stored, struct cc_error *err)
{
	static const char insert_sql[] =
		"INSERT INTO deals(posting_id, cp_posting_id, cp_enterprise_id, supplier_id, buyer_id, "
		"chain, status, value, supplier_confirmed, buyer_confirmed) "
		"VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
	static const char update_sql[] =
		"UPDATE deals SET status = ?2, value = ?3, supplier_confirmed = ?4, "
		"buyer_confirmed = ?5, updated_at = ?6 WHERE id = ?1";
	struct cc_stmt *s = cc_stmt_cached(st, out->id ? update_sql : insert_sql, err);
	if (!s)
		return CC_EDB;
	if (out->id) {
		cc_stmt_bind_int64(s, 1, out->id);
		cc_stmt_bind_text(s, 2, out->status, strlen(out->status));
		if (!isnan(stored))
			cc_stmt_bind_double(s, 3, stored);
		cc_stmt_bind_int64(s, 4, out->supplier_confirmed);
		cc_stmt_bind_int64(s, 5, out->buyer_confirmed);
		cc_stmt_bind_now(s, 6);
	} else {
		cc_stmt_bind_int64(s, 1, p->a.id);
		if (p->has_b)
			cc_stmt_bind_int64(s, 2, p->b.id);
		cc_stmt_bind_int64(s, 3, p->counter);
		cc_stmt_bind_int64(s, 4, p->supplier);
		cc_stmt_bind_int64(s, 5, p->buyer);
		const char *ch = p->a.chain[0] ? p->a.chain : p->b.chain;
		if (ch[0])
			cc_stmt_bind_text(s, 6, ch, strlen(ch));
		cc_stmt_bind_text(s, 7, out->status, strlen(out->status));
		if (!isnan(stored))
			cc_stmt_bind_double(s, 8, stored);
		cc_stmt_bind_int64(s, 9, out->supplier_confirmed);
		cc_stmt_bind_int64(s, 10, out->buyer_confirmed);
	}
	int rc = cc_stmt_step(s, err) < 0 ? CC_EDB : 0;
	cc_stmt_reset(s);
	if (rc == 0 && !out->id)
		out->id = cc_store_last_id(st);
	return rc;
}

/* Records the mark in the deal's history (deal_events). */
static int deal_event(struct cc_store *st, int64_t id, const char *actor, const char *status,
		      double value, const char *comment, struct cc_error *err)
{
	static const char event_sql[] = "INSERT INTO deal_events(deal_id, actor, status, value, "
					"comment) VALUES(?1, ?2, ?3, ?4, ?5)";
	struct cc_stmt *s = cc_stmt_cached(st, event_sql, err);
	if (!s)
		return CC_EDB;
	const char *ac = actor && *actor ? actor : "cli";
	cc_stmt_bind_int64(s, 1, id);
	cc_stmt_bind_text(s, 2, ac, strlen(ac));
	cc_stmt_bind_text(s, 3, status, strlen(status));
	if (!isnan(value))
		cc_stmt_bind_double(s, 4, value);
	if (comment && *comment)
		cc_stmt_bind_text(s, 5, comment, strlen(comment));
	int rc = cc_stmt_step(s, err) < 0 ? CC_EDB : 0;
	cc_stmt_reset(s);
	return rc;
}

/* The audit row of a mark: the mark and the deal's state after it. */
static int deal_audit(struct cc_store *st, const char *actor, const char *status,
		      const struct match_deal_state *d, double stored, struct cc_error *err)
{
	char target[40], after[200], num[40] = "null";
	snprintf(target, sizeof target, "deal %lld", (long long)d->id);
	if (!isnan(stored))
		cc_num_format(stored, CC_NUM_EXACT, num, sizeof num);
	snprintf(after, sizeof after,
		 "{\"mark\":\"%s\",\"status\":\"%s\",\"value\":%s,\"supplier_confirmed\":%s,"
		 "\"buyer_confirmed\":%s}",
		 status, d->status, num, d->supplier_confirmed ? "true" : "false",
		 d->buyer_confirmed ? "true" : "false");
	return cc_store_audit(st, actor, "deal.mark", target, NULL, after, err);
}

int match_deal_mark_as(struct cc_store *st, int64_t posting, int64_t cp_posting,
		       const char *cp_uscc, const char *status, double value, const char *comment,
		       const char *actor, const char *party, struct match_deal_state *out,
		       struct cc_error *err)
{
	struct deal_pair p;
	int rc = 0;
	memset(out, 0, sizeof *out);
	if (!status ||
	    (strcmp(status, "contacted") && strcmp(status, "agreed") && strcmp(status, "failed"))) {
		rc = cc_error_set(err, CC_EINVAL, "status: must be contacted, agreed or failed");
		goto out;
	}
	if (!isnan(value) && !(value > 0 && value <= MATCH_DEAL_VALUE_MAX)) {
		rc = cc_error_set(err, CC_EINVAL,
				  "value: an order value in 万元, above 0 and at most %.0f "
				  "(1,000 亿元)",
				  MATCH_DEAL_VALUE_MAX);
		goto out;
	}
	rc = deal_resolve(st, posting, cp_posting, cp_uscc, party, &p, err);
	if (rc)
		goto out;
	rc = cc_store_begin(st, err);
	if (rc)
		goto out;
	double old_value;
	rc = deal_find(st, &p, out, &old_value, err);
	if (rc)
		goto done;
	deal_next(out, status, p.side, old_value, value);
	double stored = isnan(value) ? old_value : value;
	rc = deal_store(st, &p, out, stored, err);
	if (rc)
		goto done;
	rc = deal_event(st, out->id, actor, status, value, comment, err);
	if (rc == 0)
		rc = deal_audit(st, actor, status, out, stored, err);
done:
	if (rc == 0)
		rc = cc_store_commit(st, err);
	if (rc)
		cc_store_rollback(st);
out:
	return rc;
}

int match_deal_mark(struct cc_store *st, int64_t posting, int64_t cp_posting, const char *cp_uscc,
		    const char *status, double value, const char *comment, const char *actor,
		    int64_t *id, struct cc_error *err)
{
	struct match_deal_state d;
	int rc = match_deal_mark_as(st, posting, cp_posting, cp_uscc, status, value, comment, actor,
				    NULL, &d, err);
	*id = d.id;
	return rc;
}

int match_deal_parties(struct cc_store *st, int64_t id, char *a, char *b, struct cc_error *err)
{
	static const char sql[] =
		"SELECT s.uscc, u.uscc FROM deals d JOIN enterprises s ON s.id = d.supplier_id "
		"JOIN enterprises u ON u.id = d.buyer_id WHERE d.id = ?1";
	struct cc_stmt *s = cc_stmt_cached(st, sql, err);
	if (!s)
		return CC_EDB;
	cc_stmt_bind_int64(s, 1, id);
	int rc = cc_stmt_step(s, err);
	if (rc == 1) {
		snprintf(a, 19, "%s", cc_stmt_text(s, 0));
		snprintf(b, 19, "%s", cc_stmt_text(s, 1));
	}
	cc_stmt_reset(s);
	if (rc < 0)
		return CC_EDB;
	return rc == 1 ? 0 : cc_error_set(err, CC_ENOTFOUND, "id: no deal %lld", (long long)id);
}

/* The history of deal ID, oldest first, as a JSON array of {at, actor, status, value,
 * comment}; NULL with the reason in ERR when it cannot be read. */
static json_t *deal_events(struct cc_store *st, int64_t id, struct cc_error *err)
{
	static const char sql[] = "SELECT at, actor, status, value, comment FROM deal_events "
				  "WHERE deal_id = ?1 ORDER BY id";
	struct cc_stmt *s = cc_stmt_cached(st, sql, err);
	if (!s)
		return NULL;
	cc_stmt_bind_int64(s, 1, id);
	json_t *a = json_array();
	int rc;
	while ((rc = cc_stmt_step(s, err)) == 1) {
		json_t *o = json_object();
		json_object_set_new(o, "at", match_text_or_null(s, 0));
		json_object_set_new(o, "actor", match_text_or_null(s, 1));
		json_object_set_new(o, "status", match_text_or_null(s, 2));
		json_object_set_new(o, "value",
				    cc_stmt_is_null(s, 3) ? json_null()
							  : json_real(cc_stmt_double(s, 3)));
		json_object_set_new(o, "comment", match_text_or_null(s, 4));
		json_array_append_new(a, o);
	}
	cc_stmt_reset(s);
	if (rc < 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

json_t *match_deals(struct cc_store *st, const char *uscc, int limit, struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	if (cc_stmt_prepare(
		    st, &s,
		    "SELECT d.id, d.status, d.value, d.chain, d.created_at, d.updated_at, d.posting_id, "
		    "d.cp_posting_id, sp.uscc, sp.name, sp.region, bu.uscc, bu.name, bu.region, p.title, "
		    "NULL, d.supplier_confirmed, d.buyer_confirmed, p.kind "
		    "FROM deals d JOIN enterprises sp ON sp.id = d.supplier_id "
		    "JOIN enterprises bu ON bu.id = d.buyer_id JOIN postings p ON p.id = d.posting_id "
		    "WHERE ?1 = '' OR sp.uscc = ?1 OR bu.uscc = ?1 ORDER BY d.updated_at DESC, d.id DESC "
		    "LIMIT ?2",
		    err))
		return NULL;
	cc_stmt_bind_text(s, 1, uscc ? uscc : "", uscc ? strlen(uscc) : 0);
	cc_stmt_bind_int64(s, 2, limit > 0 ? limit : 100);
	json_t *a = json_array();
	int rc;
	while ((rc = cc_stmt_step(s, err)) == 1) {
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(cc_stmt_int64(s, 0)));
		json_object_set_new(o, "status", json_string(cc_stmt_text(s, 1)));
		json_object_set_new(o, "value",
				    cc_stmt_is_null(s, 2) ? json_null()
							  : json_real(cc_stmt_double(s, 2)));
		json_object_set_new(o, "chain", match_text_or_null(s, 3));
		json_object_set_new(o, "created_at", json_string(cc_stmt_text(s, 4)));
		json_object_set_new(o, "updated_at", json_string(cc_stmt_text(s, 5)));
		json_object_set_new(o, "posting_id", json_integer(cc_stmt_int64(s, 6)));
		json_object_set_new(o, "cp_posting_id",
				    cc_stmt_is_null(s, 7) ? json_null()
							  : json_integer(cc_stmt_int64(s, 7)));
		json_t *sup = json_object(), *buy = json_object();
		json_object_set_new(sup, "uscc", json_string(cc_stmt_text(s, 8)));
		json_object_set_new(sup, "name", json_string(cc_stmt_text(s, 9)));
		json_object_set_new(sup, "region", json_integer(cc_stmt_int64(s, 10)));
		json_object_set_new(buy, "uscc", json_string(cc_stmt_text(s, 11)));
		json_object_set_new(buy, "name", json_string(cc_stmt_text(s, 12)));
		json_object_set_new(buy, "region", json_integer(cc_stmt_int64(s, 13)));
		json_object_set_new(o, "supplier", sup);
		json_object_set_new(o, "buyer", buy);
		json_object_set_new(o, "title", json_string(cc_stmt_text(s, 14)));
		json_t *ev = deal_events(st, cc_stmt_int64(s, 0), err);
		if (!ev) {
			json_decref(o);
			rc = CC_EDB;
			break;
		}
		json_object_set_new(o, "events", ev);
		json_object_set_new(o, "supplier_confirmed",
				    json_boolean(cc_stmt_int64(s, 16) != 0));
		json_object_set_new(o, "buyer_confirmed", json_boolean(cc_stmt_int64(s, 17) != 0));
		/* The kind of POSTING_ID, so a party knows which side posted it. */
		json_object_set_new(o, "kind", json_string(cc_stmt_text(s, 18)));
		json_array_append_new(a, o);
	}
	cc_stmt_free(s);
	if (rc < 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

/* ---- statistics ---- */

static json_t *rows(struct cc_store *st, const char *sql, const char *const *names, int ncol,
		    struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	if (cc_stmt_prepare(st, &s, sql, err))
		return NULL;
	json_t *a = json_array();
	int rc;
	while ((rc = cc_stmt_step(s, err)) == 1) {
		json_t *o = json_object();
		for (int k = 0; k < ncol; k++) {
			json_t *v;
			if (cc_stmt_is_null(s, k))
				v = k == 0 ? json_string("") : json_integer(0);
			else if (k == 0)
				v = json_string(cc_stmt_text(s, k));
			else if (names[k][0] == '$')
				v = json_real(cc_stmt_double(s, k));
			else
				v = json_integer(cc_stmt_int64(s, k));
			json_object_set_new(o, names[k][0] == '$' ? names[k] + 1 : names[k], v);
		}
		json_array_append_new(a, o);
	}
	cc_stmt_free(s);
	if (rc < 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

#define DIRECTION                                                                                  \
	"CASE WHEN sp.region / 10000 = 50 AND bu.region / 10000 = 51 THEN 'cq_to_cd' "             \
	"WHEN sp.region / 10000 = 51 AND bu.region / 10000 = 50 THEN 'cd_to_cq' "                  \
	"WHEN sp.region / 10000 = 50 AND bu.region / 10000 = 50 THEN 'within_cq' "                 \
	"WHEN sp.region / 10000 = 51 AND bu.region / 10000 = 51 THEN 'within_cd' ELSE 'other' END"

json_t *match_stats(struct cc_store *st, struct cc_error *err)
{
	char today[11], sql[2048];
	cc_date_today(today);
	static const char *const chain_cols[] = {"chain", "supply", "demand",
						 "deals", "agreed", "$value"};
	static const char *const dir_cols[] = {"direction", "deals", "agreed", "$value"};
	static const char *const month_cols[] = {"month", "postings", "deals", "agreed", "$value"};
	static const char *const total_cols[] = {"-",		"postings", "open_supply",
						 "open_demand", "expired",  "deals",
						 "agreed",	"$value"};
	snprintf(
		sql, sizeof sql,
		"SELECT '', (SELECT count(*) FROM postings), "
		"(SELECT count(*) FROM postings WHERE kind='supply' AND status='open' AND "
		" (valid_until IS NULL OR valid_until >= '%s')), "
		"(SELECT count(*) FROM postings WHERE kind='demand' AND status='open' AND "
		" (valid_until IS NULL OR valid_until >= '%s')), "
		"(SELECT count(*) FROM postings WHERE status='open' AND valid_until < '%s'), "
		"(SELECT count(*) FROM deals), (SELECT count(*) FROM deals WHERE status='agreed'), "
		"(SELECT coalesce(sum(value), 0) FROM deals WHERE status='agreed')",
		today, today, today);
	json_t *tot = rows(st, sql, total_cols, 8, err);
	json_t *by_chain = rows(
		st,
		"SELECT c.chain, sum(c.s), sum(c.d), sum(c.n), sum(c.a), sum(c.v) FROM ("
		" SELECT coalesce(chain, '') AS chain, CASE WHEN kind = 'supply' THEN 1 ELSE 0 END AS s,"
		"   CASE WHEN kind = 'demand' THEN 1 ELSE 0 END AS d, 0 AS n, 0 AS a, 0 AS v FROM postings"
		" UNION ALL SELECT coalesce(chain, ''), 0, 0, 1,"
		"   CASE WHEN status = 'agreed' THEN 1 ELSE 0 END,"
		"   CASE WHEN status = 'agreed' THEN coalesce(value, 0) ELSE 0 END FROM deals) c "
		"GROUP BY c.chain ORDER BY sum(c.s) + sum(c.d) DESC, c.chain",
		chain_cols, 6, err);
	json_t *by_dir =
		rows(st,
		     "SELECT " DIRECTION " AS dir, count(*), "
		     "sum(CASE WHEN d.status = 'agreed' THEN 1 ELSE 0 END), "
		     "sum(CASE WHEN d.status = 'agreed' THEN coalesce(d.value, 0) ELSE 0 END) "
		     "FROM deals d JOIN enterprises sp ON sp.id = d.supplier_id "
		     "JOIN enterprises bu ON bu.id = d.buyer_id GROUP BY dir ORDER BY dir",
		     dir_cols, 4, err);
	json_t *by_month = rows(
		st,
		"SELECT m, sum(p), sum(n), sum(a), sum(v) FROM ("
		" SELECT substr(created_at, 1, 7) AS m, 1 AS p, 0 AS n, 0 AS a, 0 AS v FROM postings"
		" UNION ALL SELECT substr(created_at, 1, 7), 0, 1, 0, 0 FROM deals"
		" UNION ALL SELECT substr(updated_at, 1, 7), 0, 0, 1, coalesce(value, 0) FROM deals"
		"   WHERE status = 'agreed') t GROUP BY m ORDER BY m",
		month_cols, 5, err);
	if (!tot || !by_chain || !by_dir || !by_month) {
		json_decref(tot);
		json_decref(by_chain);
		json_decref(by_dir);
		json_decref(by_month);
		return NULL;
	}
	/* Name the chains and directions for the page. */
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	size_t i;
	json_t *v;
	json_array_foreach(by_chain, i, v)
	{
		const char *id = json_string_value(json_object_get(v, "chain"));
		const struct cc_chain *ch = cat && id && *id ? cc_chain_find(cat, id) : NULL;
		json_object_set_new(v, "name_zh", json_string(ch ? ch->name_zh : "未填产业链"));
		json_object_set_new(v, "name_en", json_string(ch ? ch->name_en : "no chain"));
	}
	static const struct {
		const char *id, *zh, *en;
	} dirs[] = {{"cq_to_cd", "渝→川（重庆供、四川需）", "Chongqing → Sichuan/Chengdu"},
		    {"cd_to_cq", "川→渝（四川供、重庆需）", "Sichuan/Chengdu → Chongqing"},
		    {"within_cq", "重庆市内", "within Chongqing"},
		    {"within_cd", "四川省内", "within Sichuan"},
		    {"other", "其他地区", "other regions"}};
	json_array_foreach(by_dir, i, v)
	{
		const char *id = json_string_value(json_object_get(v, "direction"));
		for (size_t k = 0; k < sizeof dirs / sizeof dirs[0]; k++)
			if (id && !strcmp(id, dirs[k].id)) {
				json_object_set_new(v, "name_zh", json_string(dirs[k].zh));
				json_object_set_new(v, "name_en", json_string(dirs[k].en));
			}
	}
	json_t *res = json_object();
	json_t *t = json_array_get(tot, 0);
	json_object_del(t, "-");
	json_object_set(res, "totals", t);
	json_decref(tot);
	json_object_set_new(res, "by_chain", by_chain);
	json_object_set_new(res, "by_direction", by_dir);
	json_object_set_new(res, "by_month", by_month);
	return res;
}
