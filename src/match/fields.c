/*
 * The fields ranking reads of every posting (kind, open, valid until, node, quantity, unit,
 * poster), in memory on the frame, so that the candidates of a text pass need no row reads
 * (see match_internal.h).
 *
 * Built on first use from one scan of postings. Every insert and every update of these columns
 * counts meta 'postings_rev' up and gives the row the new value as postings.rev (migration 10,
 * by trigger; a counter, not max(rev) + 1, which would go back when the newest row is
 * deleted), so the rows written since the build are those with rev above the one seen before
 * the scan; they are patched in under the write lock the next time ranking asks. Edits of the
 * title or description and deletions count the revision up too, so that the document
 * frequencies of trigrams that ranking counted and keeps here (match_fields_df) are dropped
 * whenever the text indexes may have changed. Deleted postings leave their
 * fields behind: they are no longer in the text index nor found by the node query, so nothing
 * asks for them. The rev read before a scan is the one kept: a row written during the scan is
 * read again next time, which is harmless.
 */
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "base/text.h"
#include "base/hash.h"
#include "base/parse.h"
#include "domain/catalogue.h"
#include "match/match_internal.h"

#define UNIT_KEY 64
#define FIELDS_COLS                                                                                \
	"SELECT id, kind, status, valid_until, chain, node, quantity, unit, enterprise_id "        \
	"FROM postings"

struct match_fields {
	pthread_rwlock_t lock;
	int built;
	int64_t rev; /* the highest postings.rev held */
	int64_t cap; /* fields for ids 0 .. cap - 1 */
	struct match_field *v;
	/* Ids far beyond the rows seen (an id set by hand: 2^40) would make V huge: they are
	 * kept apart, sorted by id. */
	int64_t nrows;
	struct overflow {
		int64_t id;
		struct match_field f;
	} * ov;
	int nov, ovcap;
	/* Units, normalised (trimmed as cc_trim, ASCII lower case, at most UNIT_KEY - 1 bytes):
	 * index 1.. in a hash; 0 is "no unit". */
	char (*unit)[UNIT_KEY];
	int nunit;
	int32_t *uslot; /* index + 1 */
	int nuslot;
	/* Document frequencies of trigrams in the postings' text indexes, as counted by ranking
	 * (capped), for the rows as of REV: emptied whenever the rows move on. */
	pthread_mutex_t df_lock;
	struct df_entry {
		char tri[15];
		uint8_t kind; /* MATCH_SUPPLY / MATCH_DEMAND + 1; 0 free */
		int64_t df;
	} * df;
	int ndf;
};

#define DF_SLOTS 16384 /* entries kept at most half of it */

/* Trims (cc_trim: ASCII and full-width spaces) and lower-cases (ASCII) UNIT into OUT, cut at
 * UNIT_KEY - 1 bytes; returns its length (0: none). */
static size_t unit_norm(const char *unit, char out[UNIT_KEY])
{
	const char *s = unit ? unit : "";
	size_t n = strlen(s);
	cc_trim(&s, &n);
	n = cc_utf8_cut(s, n, UNIT_KEY - 1);
	for (size_t i = 0; i < n; i++)
		out[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	out[n] = '\0';
	return n;
}

static int unit_find(const struct match_fields *m, const char *key, size_t n)
{
	if (!m->nuslot)
		return -1;
	uint32_t mask = (uint32_t)(m->nuslot - 1);
	for (uint32_t i = (uint32_t)cc_hash(key, n) & mask;; i = (i + 1) & mask) {
		int32_t k = m->uslot[i];
		if (!k)
			return -(int)i - 2; /* the free slot, encoded */
		if (strcmp(m->unit[k], key) == 0)
			return k;
	}
}

/* The unit index of UNIT, added when new; 0 for none (or when memory runs out). */
static int unit_intern(struct match_fields *m, const char *unit)
{
	char key[UNIT_KEY];
	size_t n = unit_norm(unit, key);
	if (!n)
		return 0;
	int k = unit_find(m, key, n);
	if (k > 0)
		return k;
	if (m->nunit + 2 > 65535)
		return 0;
	if (2 * (m->nunit + 2) > m->nuslot) { /* grow the hash (and the strings) */
		int ns = m->nuslot ? 2 * m->nuslot : 64;
		int32_t *slot = calloc((size_t)ns, sizeof *slot);
		char(*u)[UNIT_KEY] = realloc(m->unit, sizeof *u * (size_t)ns);
		if (!slot || !u) {
			free(slot);
			if (u)
				m->unit = u;
			return 0;
		}
		m->unit = u;
		for (int j = 1; j <= m->nunit; j++) {
			uint32_t i = (uint32_t)cc_hash(u[j], strlen(u[j])) & (uint32_t)(ns - 1);
			while (slot[i])
				i = (i + 1) & (uint32_t)(ns - 1);
			slot[i] = j;
		}
		free(m->uslot);
		m->uslot = slot;
		m->nuslot = ns;
		k = unit_find(m, key, n);
	}
	int idx = ++m->nunit;
	memcpy(m->unit[idx], key, n + 1);
	m->uslot[-k - 2] = idx;
	return idx;
}

int match_fields_unit(const struct match_fields *m, const char *unit)
{
	char key[UNIT_KEY];
	size_t n = unit_norm(unit, key);
	int k = n ? unit_find(m, key, n) : 0;
	return k > 0 ? k : n ? -1 : 0;
}

/* YYYYMMDD of a stored date; INT32_MAX for none, 0 for one that does not parse (never valid,
 * as the text comparison it replaces would find it before any date). */
static int32_t ymd_of(const char *s, int null)
{
	int ymd;
	if (null)
		return INT32_MAX;
	return cc_parse_date(s, strlen(s), &ymd, NULL) ? 0 : ymd;
}

/* The fields of ID to write, in V or (far beyond the rows seen) in the overflow, added as
 * "no such posting" when new; NULL when out of memory. */
static struct match_field *slot_for(struct match_fields *m, int64_t id)
{
	if (id < m->cap)
		return &m->v[id];
	if (id < 16 * (m->nrows + 65536)) {
		int64_t cap = m->cap ? m->cap : 1024;
		while (cap <= id)
			cap *= 2;
		struct match_field *v = realloc(m->v, sizeof *v * (size_t)cap);
		if (!v)
			return NULL;
		memset(v + m->cap, 0, sizeof *v * (size_t)(cap - m->cap));
		m->v = v;
		m->cap = cap;
		return &m->v[id];
	}
	int lo = 0, hi = m->nov;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (m->ov[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < m->nov && m->ov[lo].id == id)
		return &m->ov[lo].f;
	if (m->nov == m->ovcap) {
		int nc = m->ovcap ? 2 * m->ovcap : 16;
		struct overflow *o = realloc(m->ov, sizeof *o * (size_t)nc);
		if (!o)
			return NULL;
		m->ov = o;
		m->ovcap = nc;
	}
	memmove(m->ov + lo + 1, m->ov + lo, sizeof *m->ov * (size_t)(m->nov - lo));
	m->nov++;
	memset(&m->ov[lo], 0, sizeof m->ov[lo]);
	m->ov[lo].id = id;
	return &m->ov[lo].f;
}

/* Reads the rows of S (FIELDS_COLS) into M. */
static int load(struct match_fields *m, struct cc_stmt *s, const struct cc_frame *f,
		struct cc_error *err)
{
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	int rc;
	while ((rc = cc_stmt_step(s, err)) == 1) {
		int64_t id = cc_stmt_int64(s, 0);
		if (id < 0)
			continue;
		struct match_field *x = slot_for(m, id);
		if (!x)
			return cc_error_set(err, CC_ENOMEM, "out of memory");
		m->nrows++;
		x->kind = (uint8_t)(match_kind_parse(cc_stmt_text(s, 1)) + 1);
		x->open = strcmp(cc_stmt_text(s, 2), "open") == 0;
		x->valid = ymd_of(cc_stmt_text(s, 3), cc_stmt_is_null(s, 3));
		x->node = (int16_t)cc_node_index(cat, cc_stmt_text(s, 4), cc_stmt_text(s, 5));
		x->qty = cc_stmt_is_null(s, 6) ? NAN : cc_stmt_double(s, 6);
		x->unit = (uint16_t)unit_intern(m, cc_stmt_text(s, 7));
		x->ent = cc_frame_of_id(f, cc_stmt_int64(s, 8));
	}
	return rc < 0 ? CC_EDB : 0;
}

static void *fields_make(const struct cc_frame *f)
{
	(void)f;
	struct match_fields *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->df = calloc(DF_SLOTS, sizeof *m->df);
	if (!m->df || pthread_rwlock_init(&m->lock, NULL)) {
		free(m->df);
		free(m);
		return NULL;
	}
	if (pthread_mutex_init(&m->df_lock, NULL)) {
		pthread_rwlock_destroy(&m->lock);
		free(m->df);
		free(m);
		return NULL;
	}
	return m;
}

static void fields_free(void *p)
{
	struct match_fields *m = p;
	pthread_rwlock_destroy(&m->lock);
	pthread_mutex_destroy(&m->df_lock);
	free(m->df);
	free(m->v);
	free(m->ov);
	free(m->unit);
	free(m->uslot);
	free(m);
}

void match_follow_init(void)
{
	/* The fields follow the postings by their own revision and name enterprises by frame
	 * index, which only a full build (enterprises added or deleted) moves. */
	cc_frame_ext_policy(CC_FRAME_SLOT_POSTING_FIELDS, 0, 0, NULL);
}

struct match_fields *match_fields_get(struct cc_store *st, struct cc_frame *f, struct cc_error *err)
{
	static const char rev_sql[] =
		"SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'postings_rev'";
	struct match_fields *m =
		cc_frame_ext(f, CC_FRAME_SLOT_POSTING_FIELDS, fields_make, fields_free);
	if (!m) {
		cc_error_set(err, CC_ENOMEM, "out of memory");
		return NULL;
	}
	struct cc_stmt *s = cc_stmt_cached(st, rev_sql, err);
	if (!s)
		return NULL;
	int rc = cc_stmt_step(s, err);
	int64_t rev = rc == 1 ? cc_stmt_int64(s, 0) : 0;
	cc_stmt_reset(s);
	if (rc < 0)
		return NULL;
	pthread_rwlock_rdlock(&m->lock);
	if (m->built && m->rev >= rev)
		return m;
	pthread_rwlock_unlock(&m->lock);
	/* Inside a transaction the connection may see its own uncommitted rows: they must not
	 * reach fields every connection shares (a rollback would leave them, and their rev). */
	if (cc_store_in_tx(st)) {
		cc_error_set(err, CC_EINVAL,
			     "matching cannot bring its posting fields up to date "
			     "inside a transaction");
		return NULL;
	}
	pthread_rwlock_wrlock(&m->lock);
	rc = 0;
	if (!m->built || m->rev < rev) {
		/* All rows the first time (the rev seen before the scan: a row written during it is
		 * read again next time), then those written since. */
		struct cc_stmt *q = NULL;
		if (!m->built) {
			rc = cc_stmt_prepare(st, &q, FIELDS_COLS, err);
		} else {
			rc = cc_stmt_prepare(st, &q, FIELDS_COLS " WHERE rev > ?1", err);
			if (rc == 0)
				cc_stmt_bind_int64(q, 1, m->rev);
		}
		if (rc == 0)
			rc = load(m, q, f, err);
		cc_stmt_free(q);
		if (rc == 0) {
			m->built = 1;
			m->rev = rev;
		}
		memset(m->df, 0, DF_SLOTS * sizeof *m->df); /* the texts may have moved too */
		m->ndf = 0;
	}
	pthread_rwlock_unlock(&m->lock);
	if (rc)
		return NULL;
	pthread_rwlock_rdlock(&m->lock);
	return m;
}

const struct match_field *match_fields_of(const struct match_fields *m, int64_t id)
{
	if (id >= 0 && id < m->cap)
		return m->v[id].kind ? &m->v[id] : NULL;
	int lo = 0, hi = m->nov;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (m->ov[mid].id == id)
			return m->ov[mid].f.kind ? &m->ov[mid].f : NULL;
		if (m->ov[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void match_fields_release(struct match_fields *m)
{
	if (m)
		pthread_rwlock_unlock(&m->lock);
}

/* The slot of (KIND, TRI) in M's frequencies: its entry, or the free slot to put it in; -1 when
 * the trigram is too long to keep. Under df_lock. */
static int df_slot(const struct match_fields *m, int kind, const char *tri, size_t len)
{
	if (len >= sizeof m->df[0].tri)
		return -1;
	uint32_t h = (uint32_t)cc_hash(tri, len) ^ (uint32_t)kind * 0x9E3779B9u;
	for (uint32_t i = h & (DF_SLOTS - 1);; i = (i + 1) & (DF_SLOTS - 1)) {
		const struct df_entry *d = &m->df[i];
		if (!d->kind ||
		    (d->kind == kind + 1 && strncmp(d->tri, tri, len) == 0 && d->tri[len] == '\0'))
			return (int)i;
	}
}

int64_t match_fields_df(struct match_fields *m, int kind, const char *tri, size_t len)
{
	int64_t df = -1;
	pthread_mutex_lock(&m->df_lock);
	int i = df_slot(m, kind, tri, len);
	if (i >= 0 && m->df[i].kind)
		df = m->df[i].df;
	pthread_mutex_unlock(&m->df_lock);
	return df;
}

void match_fields_df_put(struct match_fields *m, int kind, const char *tri, size_t len, int64_t df)
{
	pthread_mutex_lock(&m->df_lock);
	int i = m->ndf < DF_SLOTS / 2 ? df_slot(m, kind, tri, len) : -1;
	if (i >= 0 && !m->df[i].kind) {
		memcpy(m->df[i].tri, tri, len);
		m->df[i].tri[len] = '\0';
		m->df[i].kind = (uint8_t)(kind + 1);
		m->df[i].df = df;
		m->ndf++;
	}
	pthread_mutex_unlock(&m->df_lock);
}
