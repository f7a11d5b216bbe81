/*
 * The postings' text index in memory (see match_internal.h, "match_text"): what the FTS5
 * indexes postings_fts_supply / postings_fts_demand hold (title and description, trigram
 * tokenizer, default options), rebuilt as an inverted index by trigram with each document's
 * folded text, so that a text pass of ranking scores its query with exactly FTS5's bm25 and
 * takes the same top rows without asking SQLite.
 *
 * Tokens. FTS5's trigram tokenizer folds each character (Unicode case folding, no diacritics
 * removed) and emits every run of 3 consecutive characters of a column; a column of n
 * characters has max(0, n - 2) tokens, and tokenizing stops at a NUL. The folding is taken from
 * the tokenizer itself once per process (cc_store_trigram_tokenize over every code point), so
 * it is SQLite's whatever its version. A document whose text is not valid UTF-8 would be
 * decoded by FTS5's own lenient rules: an index that meets one declines the whole kind, and
 * ranking asks FTS5 for it.
 *
 * bm25 (fts5_aux.c, no column weights): for the phrases P_0..P_m-1 of the query in order,
 * score = sum over i of idf_i * (f_i * (k1 + 1)) / (f_i + k1 * (1 - b + b * D / avgdl)), with
 * k1 = 1.2, b = 0.75, f_i the instances of P_i in the row (both columns), D the row's tokens
 * (both columns), avgdl = all tokens / rows of the index, idf_i = log((N - n_i + 0.5) /
 * (n_i + 0.5)) (1e-6 when not positive), N the rows and n_i the rows holding P_i; the value is
 * -score. The sum is made in the same order with the same operations (a phrase a row does not
 * hold adds exactly 0), so the doubles are the very ones FTS5 returns. A phrase of k >= 3
 * characters is the k - 2 trigrams at consecutive positions of one column: a substring of the
 * folded column. Ties of ORDER BY rank come out in rowid order (SQLite's sorter is stable and
 * FTS5 visits rows by rowid); the top rows here are taken the same way.
 *
 * Following the postings: as match/fields.c, by postings.rev (migration 10). A ranking reads
 * meta 'postings_rev'; when it moved, the rows with a greater rev are read in one read
 * transaction and patched in under the write lock: an updated posting's old document is
 * marked dead (its counts leave the totals) and the row is added as a new document. A delete
 * also moves the counter but leaves no row: when fewer rows were read than the counter moved
 * (deletes, or a row updated twice), the postings are counted, and if fewer remain than the
 * index holds, every id is read and the missing ones are marked dead. Inside a transaction the
 * index is not brought up to date (the rows could be rolled back): ranking then asks FTS5.
 *
 * Lifetime: an index is made for a database file (device and inode) by match_text_build (the
 * caller's thread) or match_text_start (a thread of its own, the server); until then ranking
 * asks FTS5. A CLI one-shot builds none: building costs more than its one query (see
 * PERFORMANCE.md).
 */
#define _GNU_SOURCE /* memmem */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "base/progress.h"
#include "base/text.h"
#include "match/match_internal.h"

#define MAX_CP	0x110000
#define DOC_MAX (1u << 31) /* documents per kind (the rowid map keeps the kind in bit 31) */

/* ---- folding (from the tokenizer) ---- */

static uint32_t *fold_tab; /* MAX_CP entries once made */
static pthread_mutex_t fold_lock = PTHREAD_MUTEX_INITIALIZER;

/* Decodes one character of valid UTF-8 at P; returns its length. */
static size_t utf8_dec(const unsigned char *p, uint32_t *c)
{
	if (p[0] < 0x80) {
		*c = p[0];
		return 1;
	}
	if (p[0] < 0xE0) {
		*c = (uint32_t)(p[0] & 0x1F) << 6 | (p[1] & 0x3F);
		return 2;
	}
	if (p[0] < 0xF0) {
		*c = (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
		return 3;
	}
	*c = (uint32_t)(p[0] & 0x07) << 18 | (uint32_t)(p[1] & 0x3F) << 12 |
	     (uint32_t)(p[2] & 0x3F) << 6 | (p[3] & 0x3F);
	return 4;
}

static size_t utf8_enc(uint32_t c, unsigned char *o)
{
	if (c < 0x80) {
		o[0] = (unsigned char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (unsigned char)(0xC0 | c >> 6);
		o[1] = (unsigned char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (unsigned char)(0xE0 | c >> 12);
		o[1] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
		o[2] = (unsigned char)(0x80 | (c & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | c >> 18);
	o[1] = (unsigned char)(0x80 | (c >> 12 & 0x3F));
	o[2] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
	o[3] = (unsigned char)(0x80 | (c & 0x3F));
	return 4;
}

struct fold_ctx {
	const unsigned char *text;
	uint32_t *tab;
};

static void fold_token(void *ctx, const char *tok, int len, int start, int end)
{
	(void)end;
	struct fold_ctx *fc = ctx;
	uint32_t c, f;
	if (len < 1)
		return;
	utf8_dec(fc->text + start, &c);
	utf8_dec((const unsigned char *)tok, &f);
	if (c < MAX_CP)
		fc->tab[c] = f;
}

/* Makes the folding table once: every code point (but NUL, surrogates, U+FFFE/FFFF, which
 * valid text cannot hold) through the tokenizer. Returns 0 or a negative CC_E*. */
static int fold_make(struct cc_store *st, struct cc_error *err)
{
	int rc = 0;
	pthread_mutex_lock(&fold_lock);
	if (fold_tab)
		goto out;
	uint32_t *tab = malloc(sizeof *tab * MAX_CP);
	unsigned char *text = malloc((size_t)MAX_CP * 4 + 8);
	if (!tab || !text) {
		free(tab);
		free(text);
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	size_t n = 0;
	for (uint32_t c = 0; c < MAX_CP; c++) {
		tab[c] = c;
		if (c == 0 || (c >= 0xD800 && c < 0xE000) || c == 0xFFFE || c == 0xFFFF)
			continue;
		n += utf8_enc(c, text + n);
	}
	text[n++] = 'a'; /* the last two characters start no trigram of their own */
	text[n++] = 'a';
	struct fold_ctx fc = {text, tab};
	rc = cc_store_trigram_tokenize(st, (const char *)text, n, fold_token, &fc, err);
	free(text);
	if (rc)
		free(tab);
	else
		fold_tab = tab;
out:
	pthread_mutex_unlock(&fold_lock);
	return rc;
}

/*
 * Folds the valid UTF-8 text S (N bytes, cut at a NUL) into OUT (4 * N bytes at most) and its
 * code points into CP (N at most); returns the characters, their folded bytes in *OUTLEN.
 */
static size_t fold_text(const char *s, size_t n, unsigned char *out, size_t *outlen, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n;
	size_t nc = 0, o = 0;
	while (p < e && *p) {
		uint32_t c;
		p += utf8_dec(p, &c);
		c = fold_tab[c];
		cp[nc++] = c;
		o += utf8_enc(c, out + o);
	}
	*outlen = o;
	return nc;
}

static inline uint64_t tri_key(const uint32_t *c)
{
	return (uint64_t)c[0] << 42 | (uint64_t)c[1] << 21 | c[2];
}

/* ---- the index ---- */

/* A trigram's documents, ascending, as varints: (gap from the previous document << 1 | the
 * trigram occurs more than once), then the occurrences when more than once. */
struct tlist {
	uint8_t *b;
	uint32_t nb, cap; /* bytes used, held */
	uint32_t n;	  /* entries */
	uint32_t live;	  /* entries of live docs */
	uint32_t last;	  /* the last document added */
};

/* Appends V to L as a varint; 0 or CC_ENOMEM. */
static int put_varint(struct tlist *l, uint32_t v)
{
	if (l->nb + 5 > l->cap) {
		uint32_t nc = l->cap + l->cap / 2 + 8;
		uint8_t *b = realloc(l->b, nc);
		if (!b)
			return CC_ENOMEM;
		l->b = b;
		l->cap = nc;
	}
	while (v >= 0x80) {
		l->b[l->nb++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	l->b[l->nb++] = (uint8_t)v;
	return 0;
}

static inline uint32_t get_varint(const uint8_t **p)
{
	const uint8_t *q = *p;
	uint32_t v = *q & 0x7F;
	for (int sh = 7; *q++ & 0x80; sh += 7)
		v |= (uint32_t)(*q & 0x7F) << sh;
	*p = q;
	return v;
}

struct tkind {
	int64_t *rowid;
	uint32_t *dlen; /* tokens of the document (both columns) */
	uint64_t *off;	/* folded text: off[d] .. off[d + 1] (title NUL description NUL) */
	uint8_t *alive;
	uint32_t ndoc, dcap;
	unsigned char *text;
	uint64_t tlen, tcap;
	uint64_t *key; /* trigram hash: key (0 free) -> list index */
	uint32_t *slot;
	uint32_t nslot, nterm;
	struct tlist *list;
	uint32_t lcap;
	int64_t nrow, ntoken; /* live documents and their tokens */
	int invalid;	      /* a document not valid UTF-8: this kind declines */
};

struct match_text {
	pthread_rwlock_t lock;
	dev_t dev;
	ino_t ino;
	int64_t rev;
	struct tkind k[2];
	/* rowid -> kind << 31 | doc */
	int64_t *mid;
	uint32_t *mdoc;
	uint32_t mslot, mn;
	double build_seconds;
	struct match_text *next;
};

static struct match_text *registry;
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;

static inline uint32_t hash64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return (uint32_t)k;
}

/* The list of trigram KEY in K, or NULL. */
static struct tlist *list_find(const struct tkind *k, uint64_t key)
{
	if (!k->nslot)
		return NULL;
	uint32_t mask = k->nslot - 1;
	for (uint32_t i = hash64(key) & mask;; i = (i + 1) & mask) {
		if (k->key[i] == key)
			return &k->list[k->slot[i]];
		if (!k->key[i])
			return NULL;
	}
}

/* The list of trigram KEY in K, added when new; NULL when out of memory. */
static struct tlist *list_get(struct tkind *k, uint64_t key)
{
	if (2 * (k->nterm + 1) > k->nslot) {
		uint32_t ns = k->nslot ? 2 * k->nslot : 1u << 16;
		uint64_t *nk = calloc(ns, sizeof *nk);
		uint32_t *nsl = malloc(sizeof *nsl * ns);
		if (!nk || !nsl) {
			free(nk);
			free(nsl);
			return NULL;
		}
		for (uint32_t j = 0; j < k->nslot; j++) {
			if (!k->key[j])
				continue;
			uint32_t i = hash64(k->key[j]) & (ns - 1);
			while (nk[i])
				i = (i + 1) & (ns - 1);
			nk[i] = k->key[j];
			nsl[i] = k->slot[j];
		}
		free(k->key);
		free(k->slot);
		k->key = nk;
		k->slot = nsl;
		k->nslot = ns;
	}
	uint32_t mask = k->nslot - 1, i = hash64(key) & mask;
	for (; k->key[i]; i = (i + 1) & mask)
		if (k->key[i] == key)
			return &k->list[k->slot[i]];
	if (k->nterm == k->lcap) {
		uint32_t nc = k->lcap ? 2 * k->lcap : 1u << 15;
		struct tlist *l = realloc(k->list, sizeof *l * nc);
		if (!l)
			return NULL;
		k->list = l;
		k->lcap = nc;
	}
	k->key[i] = key;
	k->slot[i] = k->nterm;
	struct tlist *l = &k->list[k->nterm++];
	memset(l, 0, sizeof *l);
	return l;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Scratch of one document being added. */
struct doc_buf {
	uint32_t *cp;
	uint64_t *keys;
	size_t cap;
	uint64_t *hk; /* distinct keys of a document: open addressing, HCAP slots, a slot */
	uint32_t *hn; /* in use when its stamp HS is the document's STAMP */
	uint32_t *hs, stamp;
	size_t hcap;
};

static void doc_buf_release(struct doc_buf *b)
{
	free(b->cp);
	free(b->keys);
	free(b->hk);
	free(b->hn);
	free(b->hs);
}

static int doc_buf_fit(struct doc_buf *b, size_t n)
{
	if (n <= b->cap)
		return 0;
	size_t c = b->cap ? b->cap : 256;
	while (c < n)
		c *= 2;
	uint32_t *cp = realloc(b->cp, sizeof *cp * c);
	if (cp)
		b->cp = cp;
	uint64_t *k = realloc(b->keys, sizeof *k * c);
	if (k)
		b->keys = k;
	if (!cp || !k)
		return CC_ENOMEM;
	b->cap = c;
	free(b->hk);
	free(b->hn);
	free(b->hs);
	b->hcap = 2 * c;
	b->hk = calloc(b->hcap, sizeof *b->hk);
	b->hn = calloc(b->hcap, sizeof *b->hn);
	b->hs = calloc(b->hcap, sizeof *b->hs);
	b->stamp = 0;
	return b->hk && b->hn && b->hs ? 0 : CC_ENOMEM;
}

/* rowid map: the slot of ID (its entry, or the free slot). */
static uint32_t map_slot(const struct match_text *t, int64_t id)
{
	uint32_t mask = t->mslot - 1;
	uint32_t i = hash64((uint64_t)id) & mask;
	while (t->mdoc[i] != UINT32_MAX && t->mid[i] != id)
		i = (i + 1) & mask;
	return i;
}

static int map_put(struct match_text *t, int64_t id, uint32_t v)
{
	if (2 * (t->mn + 1) > t->mslot) {
		uint32_t ns = t->mslot ? 2 * t->mslot : 1u << 16;
		int64_t *nid = malloc(sizeof *nid * ns);
		uint32_t *nd = malloc(sizeof *nd * ns);
		if (!nid || !nd) {
			free(nid);
			free(nd);
			return CC_ENOMEM;
		}
		memset(nd, 0xFF, sizeof *nd * ns);
		for (uint32_t j = 0; j < t->mslot; j++) {
			if (t->mdoc[j] == UINT32_MAX)
				continue;
			uint32_t i = hash64((uint64_t)t->mid[j]) & (ns - 1);
			while (nd[i] != UINT32_MAX)
				i = (i + 1) & (ns - 1);
			nid[i] = t->mid[j];
			nd[i] = t->mdoc[j];
		}
		free(t->mid);
		free(t->mdoc);
		t->mid = nid;
		t->mdoc = nd;
		t->mslot = ns;
	}
	uint32_t i = map_slot(t, id);
	if (t->mdoc[i] == UINT32_MAX)
		t->mn++;
	t->mid[i] = id;
	t->mdoc[i] = v;
	return 0;
}

/* The trigram keys of the N code points CP appended to KEYS; returns how many. */
static size_t keys_of(const uint32_t *cp, size_t n, uint64_t *keys)
{
	size_t m = 0;
	for (size_t i = 0; i + 3 <= n; i++)
		keys[m++] = tri_key(cp + i);
	return m;
}

/* Marks document D of K dead: its tokens and row leave the totals, and its trigrams' lists
 * count one live document less (the trigrams of both columns, each once, as doc_add put them). */
static void doc_kill(struct tkind *k, uint32_t d, struct doc_buf *b)
{
	if (!k->alive[d])
		return;
	k->alive[d] = 0;
	k->nrow--;
	k->ntoken -= k->dlen[d];
	const unsigned char *p = k->text + k->off[d], *e = k->text + k->off[d + 1];
	size_t m = 0;
	if (doc_buf_fit(b, (size_t)(e - p) + 1))
		return; /* out of memory: the live counts stay high, which only df reads */
	for (int col = 0; col < 2 && p < e; col++) {
		size_t nb = strlen((const char *)p), nc = 0;
		uint32_t *cp = b->cp;
		for (const unsigned char *q = p; q < p + nb;)
			q += utf8_dec(q, &cp[nc++]);
		m += keys_of(cp, nc, b->keys + m);
		p += nb + 1;
	}
	qsort(b->keys, m, sizeof *b->keys, cmp_u64);
	for (size_t i = 0; i < m; i++) {
		if (i && b->keys[i] == b->keys[i - 1])
			continue;
		struct tlist *l = list_find(k, b->keys[i]);
		if (l && l->live)
			l->live--;
	}
}

/*
 * Adds row ID with TITLE and DESC (NULL: none) as a new document of K; MAP records it under
 * KIND. Returns 0, CC_ENOMEM, or 1 when the text is not valid UTF-8 (K declines).
 */
static int doc_add(struct match_text *t, int kind, int64_t id, const char *title, const char *desc,
		   struct doc_buf *b)
{
	struct tkind *k = &t->k[kind];
	const char *col[2] = {title ? title : "", desc ? desc : ""};
	size_t len[2] = {strlen(col[0]), strlen(col[1])};
	for (int c = 0; c < 2; c++)
		if (cc_utf8_valid_prefix((const unsigned char *)col[c], len[c]) != len[c]) {
			k->invalid = 1;
			return 1;
		}
	if (k->ndoc + 1 >= DOC_MAX) {
		k->invalid = 1;
		return 1;
	}
	if (k->ndoc + 1 >= k->dcap) {
		uint32_t nc = k->dcap ? 2 * k->dcap : 1u << 14;
		int64_t *r = realloc(k->rowid, sizeof *r * nc);
		if (r)
			k->rowid = r;
		uint32_t *dl = realloc(k->dlen, sizeof *dl * nc);
		if (dl)
			k->dlen = dl;
		uint64_t *o = realloc(k->off, sizeof *o * (nc + 1));
		if (o)
			k->off = o;
		uint8_t *a = realloc(k->alive, nc);
		if (a)
			k->alive = a;
		if (!r || !dl || !o || !a)
			return CC_ENOMEM;
		k->dcap = nc;
	}
	size_t need = 4 * (len[0] + len[1]) + 2;
	if (k->tlen + need > k->tcap) {
		uint64_t nc = k->tcap ? k->tcap + k->tcap / 2 : 1u << 20;
		if (nc < k->tlen + need)
			nc = k->tlen + need;
		unsigned char *tx = realloc(k->text, nc);
		if (!tx)
			return CC_ENOMEM;
		k->text = tx;
		k->tcap = nc;
	}
	if (doc_buf_fit(b, 2 * (len[0] + len[1]) + 2))
		return CC_ENOMEM;
	uint32_t d = k->ndoc;
	if (d == 0)
		k->off[0] = 0;
	k->off[d] = k->tlen;
	size_t nkeys = 0, ncp = 0;
	uint32_t tokens = 0;
	for (int c = 0; c < 2; c++) {
		size_t ob;
		size_t nc = fold_text(col[c], len[c], k->text + k->tlen, &ob, b->cp + ncp);
		k->tlen += ob;
		k->text[k->tlen++] = 0;
		tokens += nc >= 3 ? (uint32_t)(nc - 2) : 0;
		nkeys += keys_of(b->cp + ncp, nc, b->keys + nkeys);
		ncp += nc;
	}
	k->off[d + 1] = k->tlen;
	/* Distinct trigrams and their counts through a small table (of at least 2 NKEYS slots,
	 * those of other documents told apart by their stamp); each list gets one entry. */
	size_t mask = 1;
	while (mask < 2 * nkeys)
		mask <<= 1;
	mask--;
	uint32_t stamp = ++b->stamp;
	if (stamp == 0) { /* wrapped: every slot free again */
		memset(b->hs, 0, sizeof *b->hs * b->hcap);
		stamp = b->stamp = 1;
	}
	for (size_t i = 0; i < nkeys; i++) {
		size_t h = hash64(b->keys[i]) & mask;
		while (b->hs[h] == stamp && b->hk[h] != b->keys[i])
			h = (h + 1) & mask;
		if (b->hs[h] != stamp) {
			b->hs[h] = stamp;
			b->hk[h] = b->keys[i];
			b->hn[h] = 0;
		}
		b->hn[h]++;
	}
	for (size_t h = 0; h <= mask; h++) {
		if (b->hs[h] != stamp)
			continue;
		uint32_t tf = b->hn[h];
		struct tlist *l = list_get(k, b->hk[h]);
		if (!l)
			return CC_ENOMEM;
		uint32_t gap = d - (l->n ? l->last : 0);
		if (put_varint(l, gap << 1 | (tf > 1)) || (tf > 1 && put_varint(l, tf)))
			return CC_ENOMEM;
		l->last = d;
		l->n++;
		l->live++;
	}
	k->rowid[d] = id;
	k->dlen[d] = tokens;
	k->alive[d] = 1;
	k->ndoc++;
	k->nrow++;
	k->ntoken += tokens;
	return map_put(t, id, (uint32_t)kind << 31 | d);
}

/* Applies row ID (KIND, TITLE, DESC) to T: its old document, if any, dies; the row is added. */
static int apply_row(struct match_text *t, int64_t id, int kind, const char *title,
		     const char *desc, struct doc_buf *b)
{
	if (t->mslot) {
		uint32_t i = map_slot(t, id);
		if (t->mdoc[i] != UINT32_MAX) {
			uint32_t v = t->mdoc[i];
			doc_kill(&t->k[v >> 31], v & 0x7FFFFFFF, b);
		}
	}
	if (kind < 0)
		return 0;
	int rc = doc_add(t, kind, id, title, desc, b);
	return rc < 0 ? rc : 0;
}

static void text_free(struct match_text *t)
{
	if (!t)
		return;
	for (int j = 0; j < 2; j++) {
		struct tkind *k = &t->k[j];
		for (uint32_t i = 0; i < k->nterm; i++)
			free(k->list[i].b);
		free(k->list);
		free(k->key);
		free(k->slot);
		free(k->rowid);
		free(k->dlen);
		free(k->off);
		free(k->alive);
		free(k->text);
	}
	free(t->mid);
	free(t->mdoc);
	pthread_rwlock_destroy(&t->lock);
	free(t);
}

static int rev_of(struct cc_store *st, int64_t *rev, struct cc_error *err)
{
	static const char sql[] =
		"SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'postings_rev'";
	struct cc_stmt *s = cc_stmt_cached(st, sql, err);
	if (!s)
		return CC_EDB;
	int rc = cc_stmt_step(s, err);
	*rev = rc == 1 ? cc_stmt_int64(s, 0) : 0;
	cc_stmt_reset(s);
	return rc < 0 ? CC_EDB : 0;
}

/* Reads the rows of S (id, kind, title, description) into T; counts them in *NROWS. */
static int load_rows(struct match_text *t, struct cc_stmt *s, int64_t *nrows,
		     const volatile int *stop, struct cc_error *err)
{
	struct doc_buf b = {0};
	int rc;
	int64_t n = 0;
	while ((rc = cc_stmt_step(s, err)) == 1) {
		int kind = match_kind_parse(cc_stmt_text(s, 1));
		const char *desc = cc_stmt_is_null(s, 3) ? NULL : cc_stmt_text(s, 3);
		rc = apply_row(t, cc_stmt_int64(s, 0), kind, cc_stmt_text(s, 2), desc, &b);
		if (rc) {
			cc_error_set(err, rc, "out of memory");
			break;
		}
		n++;
		if (stop && *stop && (n & 4095) == 0) {
			rc = cc_error_set(err, CC_EINVAL, "stopped");
			break;
		}
	}
	doc_buf_release(&b);
	*nrows = n;
	return rc < 0 ? (err && err->code ? err->code : CC_EDB) : 0;
}

/* Gives back what growth left unused (the lists, the text) after a build. */
static void text_compact(struct match_text *t)
{
	for (int j = 0; j < 2; j++) {
		struct tkind *k = &t->k[j];
		for (uint32_t i = 0; i < k->nterm; i++) {
			struct tlist *l = &k->list[i];
			uint8_t *e = l->nb && l->nb < l->cap ? realloc(l->b, l->nb) : NULL;
			if (e) {
				l->b = e;
				l->cap = l->nb;
			}
		}
		unsigned char *tx = k->tlen && k->tlen < k->tcap ? realloc(k->text, k->tlen) : NULL;
		if (tx) {
			k->text = tx;
			k->tcap = k->tlen;
		}
	}
}

/* Builds an index of ST's postings into *OUT (nothing registered). */
static int text_make(struct cc_store *st, const volatile int *stop, struct match_text **out,
		     struct cc_error *err)
{
	struct match_text *t = NULL;
	struct cc_stmt *q = NULL;
	struct stat sb;
	int rc = fold_make(st, err), began = 0;
	double t0 = cc_now();
	*out = NULL;
	if (rc)
		goto out;
	if (stat(cc_store_path(st), &sb)) {
		rc = cc_error_set(err, CC_EIO, "cannot stat '%s'", cc_store_path(st));
		goto out;
	}
	t = calloc(1, sizeof *t);
	if (!t || pthread_rwlock_init(&t->lock, NULL)) {
		free(t);
		t = NULL;
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	t->dev = sb.st_dev;
	t->ino = sb.st_ino;
	rc = cc_store_exec(st, "BEGIN", err); /* the revision and the rows of one snapshot */
	if (rc)
		goto out;
	began = 1;
	rc = rev_of(st, &t->rev, err);
	if (rc == 0)
		rc = cc_stmt_prepare(
			st, &q, "SELECT id, kind, title, description FROM postings ORDER BY id",
			err);
	int64_t n;
	if (rc == 0)
		rc = load_rows(t, q, &n, stop, err);
out:
	cc_stmt_free(q);
	if (began)
		cc_store_exec(st, "COMMIT", NULL);
	if (rc) {
		text_free(t);
		return rc;
	}
	text_compact(t);
	t->build_seconds = cc_now() - t0;
	*out = t;
	return 0;
}

static void registry_put(struct match_text *t)
{
	pthread_mutex_lock(&registry_lock);
	for (struct match_text **p = &registry; *p; p = &(*p)->next) {
		if ((*p)->dev == t->dev && (*p)->ino == t->ino) {
			/* replaced: the old one may still be read; kept until match_text_stop */
			t->next = *p;
			*p = t;
			pthread_mutex_unlock(&registry_lock);
			return;
		}
	}
	t->next = registry;
	registry = t;
	pthread_mutex_unlock(&registry_lock);
}

int match_text_build(struct cc_store *st, struct cc_error *err)
{
	struct match_text *t = NULL;
	int rc = text_make(st, NULL, &t, err);
	if (rc == 0)
		registry_put(t);
	return rc;
}

static pthread_t builder;
static int builder_started;
static volatile int builder_stop;
static char *builder_path;

static void *builder_main(void *arg)
{
	(void)arg;
	struct cc_store *st = NULL;
	struct cc_error err = {0};
	struct match_text *t = NULL;
	if (cc_store_open(&st, builder_path, 0, &err) == 0 &&
	    text_make(st, &builder_stop, &t, &err) == 0) {
		registry_put(t);
		fprintf(stderr, "matching text index: %lld + %lld postings in %.2f s, %.0f MB\n",
			(long long)t->k[0].nrow, (long long)t->k[1].nrow, t->build_seconds,
			(double)match_text_bytes(t) / 1e6);
	} else if (!builder_stop) {
		fprintf(stderr, "matching text index not built (FTS5 serves): %s\n", err.msg);
	}
	cc_store_close(st);
	return NULL;
}

int match_text_start(const char *path)
{
	if (builder_started)
		return 0;
	builder_path = strdup(path);
	if (!builder_path)
		return CC_ENOMEM;
	builder_stop = 0;
	if (pthread_create(&builder, NULL, builder_main, NULL)) {
		free(builder_path);
		builder_path = NULL;
		return CC_ENOMEM;
	}
	builder_started = 1;
	return 0;
}

void match_text_stop(void)
{
	if (builder_started) {
		builder_stop = 1;
		pthread_join(builder, NULL);
		builder_started = 0;
		free(builder_path);
		builder_path = NULL;
	}
	pthread_mutex_lock(&registry_lock);
	while (registry) {
		struct match_text *t = registry;
		registry = t->next;
		text_free(t);
	}
	pthread_mutex_unlock(&registry_lock);
}

/* Rows deleted since T last looked: every id read, the documents whose row is gone die. */
static int sweep_deleted(struct match_text *t, struct cc_store *st, struct cc_error *err)
{
	struct cc_stmt *q = NULL;
	uint8_t *seen[2] = {calloc(t->k[0].ndoc + 1, 1), calloc(t->k[1].ndoc + 1, 1)};
	struct doc_buf b = {0};
	int rc = !seen[0] || !seen[1] ? cc_error_set(err, CC_ENOMEM, "out of memory") : 0;
	if (rc == 0)
		rc = cc_stmt_prepare(st, &q, "SELECT id FROM postings", err);
	while (q && (rc = cc_stmt_step(q, err)) == 1) {
		uint32_t i = map_slot(t, cc_stmt_int64(q, 0));
		uint32_t v = t->mdoc[i];
		if (v != UINT32_MAX)
			seen[v >> 31][v & 0x7FFFFFFF] = 1;
	}
	rc = rc < 0 ? CC_EDB : 0;
	for (int j = 0; j < 2 && rc == 0; j++)
		for (uint32_t d = 0; d < t->k[j].ndoc; d++)
			if (t->k[j].alive[d] && !seen[j][d])
				doc_kill(&t->k[j], d, &b);
	cc_stmt_free(q);
	free(seen[0]);
	free(seen[1]);
	doc_buf_release(&b);
	return rc;
}

/* Brings T (write-locked) up to ST's postings. */
static int text_patch(struct match_text *t, struct cc_store *st, struct cc_error *err)
{
	struct cc_stmt *q = NULL;
	int64_t rev = 0, n = 0;
	int rc = cc_store_exec(st, "BEGIN", err); /* one snapshot: rev, rows, count */
	if (rc)
		return rc;
	rc = rev_of(st, &rev, err);
	if (rc == 0 && rev > t->rev) {
		rc = cc_stmt_prepare(st, &q,
				     "SELECT id, kind, title, description FROM postings "
				     "WHERE rev > ?1 ORDER BY id",
				     err);
		if (rc == 0) {
			cc_stmt_bind_int64(q, 1, t->rev);
			rc = load_rows(t, q, &n, NULL, err);
		}
		if (rc == 0 && n < rev - t->rev) {
			int64_t rows = cc_store_int(st, "SELECT count(*) FROM postings", -1);
			if (rows != t->k[0].nrow + t->k[1].nrow)
				rc = sweep_deleted(t, st, err);
		}
		if (rc == 0)
			t->rev = rev;
	}
	cc_stmt_free(q);
	cc_store_exec(st, "COMMIT", NULL);
	return rc;
}

struct match_text *match_text_get(struct cc_store *st, struct cc_error *err)
{
	struct stat sb;
	struct match_text *t = NULL;
	if (!__atomic_load_n(&registry, __ATOMIC_ACQUIRE) || stat(cc_store_path(st), &sb))
		return NULL;
	pthread_mutex_lock(&registry_lock);
	for (t = registry; t; t = t->next)
		if (t->dev == sb.st_dev && t->ino == sb.st_ino)
			break;
	pthread_mutex_unlock(&registry_lock);
	if (!t)
		return NULL;
	int64_t rev;
	if (rev_of(st, &rev, err))
		return NULL;
	pthread_rwlock_rdlock(&t->lock);
	if (t->rev == rev)
		return t;
	if (t->rev > rev) { /* an older snapshot than the index's, or another database */
		pthread_rwlock_unlock(&t->lock);
		return NULL;
	}
	pthread_rwlock_unlock(&t->lock);
	if (cc_store_in_tx(st))
		return NULL; /* its rows could be rolled back: FTS5 answers, in the transaction */
	pthread_rwlock_wrlock(&t->lock);
	int rc = t->rev < rev ? text_patch(t, st, err) : 0;
	pthread_rwlock_unlock(&t->lock);
	if (rc)
		return NULL;
	pthread_rwlock_rdlock(&t->lock);
	return t;
}

void match_text_release(struct match_text *t)
{
	if (t)
		pthread_rwlock_unlock(&t->lock);
}

int match_text_serves(const struct match_text *t, int kind)
{
	return t && kind >= 0 && kind < 2 && !t->k[kind].invalid;
}

size_t match_text_bytes(const struct match_text *t)
{
	size_t s = sizeof *t + (size_t)t->mslot * (sizeof *t->mid + sizeof *t->mdoc);
	for (int j = 0; j < 2; j++) {
		const struct tkind *k = &t->k[j];
		s += (size_t)k->dcap * (sizeof *k->rowid + sizeof *k->dlen + sizeof *k->off + 1);
		s += k->tcap + (size_t)k->nslot * (sizeof *k->key + sizeof *k->slot);
		s += (size_t)k->lcap * sizeof *k->list;
		for (uint32_t i = 0; i < k->nterm; i++)
			s += k->list[i].cap;
	}
	return s;
}

double match_text_build_seconds(const struct match_text *t)
{
	return t->build_seconds;
}

/* ---- queries ---- */

/* A phrase of the query: its folded bytes and code points. */
struct phrase {
	unsigned char b[400];
	size_t nb;
	uint32_t cp[100];
	size_t nc;
};

/* Occurrences (overlapping) of P in document D's text. */
static uint32_t count_in(const struct tkind *k, uint32_t d, const struct phrase *p)
{
	/* Texts are short (a title and a description): a plain scan on the first two bytes beats
	 * memmem's set-up per call. The phrase's bytes hold no NUL, so no match spans columns. */
	const unsigned char *s = k->text + k->off[d], *e = k->text + k->off[d + 1];
	const unsigned char *b = p->b;
	size_t nb = p->nb;
	uint32_t n = 0;
	if ((size_t)(e - s) < nb)
		return 0;
	for (const unsigned char *q = s, *last = e - nb; q <= last; q++)
		if (q[0] == b[0] && q[1] == b[1] && memcmp(q + 2, b + 2, nb - 2) == 0)
			n++;
	return n;
}

/* Folds the N bytes of Q into P; 0, or -1 when it does not fit or is not valid UTF-8. */
static int phrase_of(const char *q, size_t n, struct phrase *p)
{
	if (n > sizeof p->cp / sizeof p->cp[0] ||
	    cc_utf8_valid_prefix((const unsigned char *)q, n) != n || memchr(q, 0, n))
		return -1;
	p->nc = fold_text(q, n, p->b, &p->nb, p->cp);
	return 0;
}

/* The accumulators of one query: doc -> score, open addressing. */
struct acc {
	uint32_t *doc; /* UINT32_MAX free */
	double *score;
	uint32_t n, nslot;
};

static int acc_add(struct acc *a, uint32_t d, double v)
{
	if (2 * (a->n + 1) > a->nslot) {
		uint32_t ns = a->nslot ? 2 * a->nslot : 1024;
		uint32_t *nd = malloc(sizeof *nd * ns);
		double *nsx = malloc(sizeof *nsx * ns);
		if (!nd || !nsx) {
			free(nd);
			free(nsx);
			return CC_ENOMEM;
		}
		memset(nd, 0xFF, sizeof *nd * ns);
		for (uint32_t j = 0; j < a->nslot; j++) {
			if (a->doc[j] == UINT32_MAX)
				continue;
			uint32_t i = hash64(a->doc[j]) & (ns - 1);
			while (nd[i] != UINT32_MAX)
				i = (i + 1) & (ns - 1);
			nd[i] = a->doc[j];
			nsx[i] = a->score[j];
		}
		free(a->doc);
		free(a->score);
		a->doc = nd;
		a->score = nsx;
		a->nslot = ns;
	}
	uint32_t mask = a->nslot - 1, i = hash64(d) & mask;
	while (a->doc[i] != UINT32_MAX && a->doc[i] != d)
		i = (i + 1) & mask;
	if (a->doc[i] == UINT32_MAX) {
		a->doc[i] = d;
		a->score[i] = 0.0;
		a->n++;
	}
	/* score += contribution, in phrase order, as fts5Bm25Function sums */
	a->score[i] += v;
	return 0;
}

/* The documents of K holding phrase P with its instances, into HITS / TF (growable). */
struct plist {
	uint32_t *doc, *tf;
	size_t n, cap;
};

static int plist_push(struct plist *l, uint32_t d, uint32_t tf)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? 2 * l->cap : 1024;
		uint32_t *a = realloc(l->doc, sizeof *a * nc);
		if (a)
			l->doc = a;
		uint32_t *b = realloc(l->tf, sizeof *b * nc);
		if (b)
			l->tf = b;
		if (!a || !b)
			return CC_ENOMEM;
		l->cap = nc;
	}
	l->doc[l->n] = d;
	l->tf[l->n++] = tf;
	return 0;
}

static int phrase_docs(const struct tkind *k, const struct phrase *p, struct plist *out)
{
	out->n = 0;
	if (p->nc < 3)
		return 0; /* no token: FTS5 finds nothing */
	const struct tlist *best = NULL;
	for (size_t i = 0; i + 3 <= p->nc; i++) {
		const struct tlist *l = list_find(k, tri_key(p->cp + i));
		if (!l || !l->live)
			return 0;
		if (!best || l->n < best->n)
			best = l;
	}
	/* In batches, so that the documents' flags, offsets and texts (cache misses, at random
	 * in hundreds of MB) are asked for ahead of their use. */
	uint32_t d = 0, dd[32], tt[32];
	for (const uint8_t *q = best->b, *e = q + best->nb; q < e;) {
		int nbat = 0;
		while (nbat < 32 && q < e) {
			uint32_t v = get_varint(&q);
			d += v >> 1;
			tt[nbat] = v & 1 ? get_varint(&q) : 1;
			dd[nbat] = d;
			__builtin_prefetch(&k->alive[d]);
			__builtin_prefetch(&k->off[d]);
			nbat++;
		}
		if (p->nc > 3)
			for (int j = 0; j < nbat; j++) {
				const unsigned char *tx = k->text + k->off[dd[j]];
				__builtin_prefetch(tx);
				__builtin_prefetch(tx + 64);
				__builtin_prefetch(tx + 128);
			}
		for (int j = 0; j < nbat; j++) {
			uint32_t tf = tt[j];
			if (!k->alive[dd[j]])
				continue;
			if (p->nc > 3)
				tf = count_in(k, dd[j], p);
			if (tf && plist_push(out, dd[j], tf))
				return CC_ENOMEM;
		}
	}
	return 0;
}

int64_t match_text_df(const struct match_text *t, int kind, const char *tri, size_t len)
{
	struct phrase p;
	if (!match_text_serves(t, kind) || phrase_of(tri, len, &p) || p.nc != 3)
		return -1;
	const struct tkind *k = &t->k[kind];
	const struct tlist *l = list_find(k, tri_key(p.cp));
	return l ? l->live : 0;
}

/* Heap order: worse first (greater bm25, then greater rowid). */
static int worse(const struct match_text_hit *a, const struct match_text_hit *b)
{
	return a->bm25 != b->bm25 ? a->bm25 > b->bm25 : a->rowid > b->rowid;
}

static void sift_down(struct match_text_hit *h, int n, int i)
{
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && worse(&h[l], &h[m]))
			m = l;
		if (r < n && worse(&h[r], &h[m]))
			m = r;
		if (m == i)
			return;
		struct match_text_hit x = h[i];
		h[i] = h[m];
		h[m] = x;
		i = m;
	}
}

static int cmp_hits(const void *a, const void *b)
{
	const struct match_text_hit *x = a, *y = b;
	if (x->bm25 != y->bm25)
		return x->bm25 < y->bm25 ? -1 : 1;
	return x->rowid < y->rowid ? -1 : x->rowid > y->rowid;
}

int match_text_top(const struct match_text *t, int kind, const char *query, int limit,
		   struct match_text_hit *out, struct cc_error *err)
{
	const double k1 = 1.2, b = 0.75;
	const struct tkind *k = &t->k[kind];
	struct acc a = {0};
	struct plist pl = {0};
	struct phrase *p = malloc(sizeof *p);
	int rc = p ? 0 : CC_ENOMEM, n = 0;
	if (rc || k->nrow <= 0 || limit <= 0)
		goto out;
	double avgdl = (double)k->ntoken / (double)k->nrow;
	for (const char *s = strchr(query, '"'); s && rc == 0;) {
		const char *e = strchr(s + 1, '"');
		if (!e)
			break;
		if (phrase_of(s + 1, (size_t)(e - s - 1), p)) {
			rc = CC_EINVAL;
			break;
		}
		rc = phrase_docs(k, p, &pl);
		if (rc)
			break;
		int64_t nhit = (int64_t)pl.n;
		double idf = log((k->nrow - nhit + 0.5) / (nhit + 0.5));
		if (idf <= 0.0)
			idf = 1e-6;
		for (size_t j = 0; j < pl.n && rc == 0; j++) {
			double f = (double)pl.tf[j], D = (double)k->dlen[pl.doc[j]];
			rc = acc_add(&a, pl.doc[j],
				     idf * ((f * (k1 + 1.0)) / (f + k1 * (1 - b + b * D / avgdl))));
		}
		s = strchr(e + 1, '"');
	}
	if (rc)
		goto out;
	for (uint32_t i = 0; i < a.nslot; i++) {
		if (a.doc[i] == UINT32_MAX)
			continue;
		struct match_text_hit h = {k->rowid[a.doc[i]], -1.0 * a.score[i]};
		if (n < limit) {
			out[n++] = h;
			if (n == limit)
				for (int j = n / 2 - 1; j >= 0; j--)
					sift_down(out, n, j);
		} else if (worse(&out[0], &h)) {
			out[0] = h;
			sift_down(out, n, 0);
		}
	}
	qsort(out, (size_t)n, sizeof *out, cmp_hits);
out:
	free(p);
	free(pl.doc);
	free(pl.tf);
	free(a.doc);
	free(a.score);
	if (rc == CC_ENOMEM)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	if (rc)
		return cc_error_set(err, rc, "matching text index: query '%s' not understood",
				    query);
	return n;
}
