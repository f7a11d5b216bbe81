/*
 * Building, following and sharing frames (see frame.h). A build runs one query per table,
 * rows streamed straight into the column arrays; derived metrics are computed once over whole
 * columns at the end. Following (cc_frame_follow) reads the change log and patches only the
 * rows it names into new versions of the columns they touch (frame/col.h).
 */
#include <math.h>
#include <stddef.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/codemap.h"
#include "base/parse.h"
#include "domain/catalogue.h"
#include "domain/derive.h"
#include "domain/uscc.h"
#include "frame/col.h"
#include "frame/frame.h"

/* Which owned column backs which array (struct cc_frame.own). */
enum {
	COL_ID,
	COL_USCC,
	COL_NAME,
	COL_REGION,
	COL_INDUSTRY,
	COL_FOUNDED,
	COL_CREATED,
	COL_IDMAP,
	COL_SCALE,
	COL_LISTED,
	COL_CERTS,
	COL_MSTART,
	COL_MNODE,
	COL_MROLE,
	COL_NSTART,
	COL_NENT,
	COL_ESUP,
	COL_EBUY,
	COL_EVAL,
	COL_ESHARE,
	COL_NESTART,
	COL_OUSCC,
	COL_OREGION,
	COL_ANNUAL0,
	COL_MONTHLY0 = COL_ANNUAL0 + CC_M_COUNT,
	COL_END = COL_MONTHLY0 + CC_M_BASE_COUNT
};
_Static_assert(COL_END == CC_FRAME_NCOLS, "CC_FRAME_NCOLS counts the owned columns");

/* Ranges of enterprise ids a build reads the indicators in (load_parts). */
#define PART_CHUNKS 16

/* Strings of a version (names, industry codes): a patched version adds its own and keeps
 * those of the versions before it. */
struct cc_frame_strings {
	int refs; /* atomic */
	struct cc_arena a;
	struct cc_frame_strings *prev;
};

static struct cc_frame_strings *strings_new(size_t block, struct cc_frame_strings *prev)
{
	struct cc_frame_strings *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->refs = 1;
	cc_arena_init(&s->a, block);
	s->prev = prev;
	return s;
}

static void strings_release(struct cc_frame_strings *s)
{
	while (s && __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		struct cc_frame_strings *prev = s->prev;
		cc_arena_release(&s->a);
		free(s);
		s = prev;
	}
}

/* A cache hung on one or more versions (cc_frame_ext). */
struct cc_frame_extref {
	int refs; /* atomic */
	void *p;
	void *(*make)(const struct cc_frame *);
	void (*free_fn)(void *);
};

static void extref_release(struct cc_frame_extref *e)
{
	if (e && __atomic_sub_fetch(&e->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		e->free_fn(e->p);
		free(e);
	}
}

static struct {
	int set;
	unsigned what;
	uint64_t metrics;
	void *(*follow)(void *, const struct cc_frame *, const struct cc_frame *,
			const struct cc_frame_delta *);
	void (*idle)(void *, const struct cc_frame *);
} policies[CC_FRAME_SLOTS];

void cc_frame_ext_idle(enum cc_frame_slot_t slot,
		       void (*idle)(void *cache, const struct cc_frame *f))
{
	if ((int)slot >= 0 && slot < CC_FRAME_SLOT_COUNT)
		policies[slot].idle = idle;
}

void cc_frame_ext_policy(enum cc_frame_slot_t slot, unsigned what, uint64_t metrics,
			 void *(*follow)(void *old, const struct cc_frame *from,
					 const struct cc_frame *to, const struct cc_frame_delta *d))
{
	if ((int)slot < 0 || slot >= CC_FRAME_SLOT_COUNT)
		return;
	policies[slot].set = 1;
	policies[slot].what = what;
	policies[slot].metrics = metrics;
	policies[slot].follow = follow;
}

/* A new owned column of BYTES bytes for slot K of F, returned writable (NULL when out of
 * memory). */
static void *col_make(struct cc_frame *f, int k, size_t bytes)
{
	cc_col_release(f->own[k]);
	f->own[k] = cc_col_new(bytes);
	return f->own[k] ? f->own[k]->data : NULL;
}

/* Hands a malloc'd array to slot K of F (a heap column); frees P when that fails. */
static int col_adopt(struct cc_frame *f, int k, void *p, size_t bytes)
{
	cc_col_release(f->own[k]);
	f->own[k] = NULL;
	if (!p)
		return -1;
	struct cc_col *c = calloc(1, sizeof *c);
	if (!c) {
		free(p);
		return -1;
	}
	c->refs = 1;
	c->data = p;
	c->bytes = bytes;
	c->map = bytes;
	f->own[k] = c;
	return 0;
}

static double *nan_col(struct cc_frame *f, int k, size_t n)
{
	double *p = col_make(f, k, sizeof *p * n);
	if (p)
		for (size_t i = 0; i < n; i++)
			p[i] = NAN;
	return p;
}

static int word_index(const char *s, const char *const *words, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(s, words[i]) == 0)
			return i + 1;
	return 0;
}

static uint8_t cert_bits(const char *s)
{
	static const char *const ids[] = {"hightech", "tech_sme", "srdi", "srdi_giant",
					  "innovative_sme"};
	uint8_t bits = 0;
	while (*s) {
		const char *e = strchr(s, ';');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		for (int k = 0; k < 5; k++)
			if (strlen(ids[k]) == len && strncmp(s, ids[k], len) == 0)
				bits |= (uint8_t)(1u << k);
		s += len;
		if (*s == ';')
			s++;
	}
	return bits;
}

struct cc_frame *cc_frame_retain(struct cc_frame *f)
{
	__atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED);
	return f;
}

void *cc_frame_ext(struct cc_frame *f, enum cc_frame_slot_t slot,
		   void *(*make)(const struct cc_frame *), void (*free_fn)(void *))
{
	if ((int)slot < 0 || slot >= CC_FRAME_SLOT_COUNT)
		return NULL;
	struct cc_frame_extref *cur = __atomic_load_n(&f->ext[slot], __ATOMIC_ACQUIRE);
	if (cur)
		return cur->p;
	struct cc_frame_extref *e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	e->refs = 1;
	e->make = make;
	e->free_fn = free_fn;
	e->p = make(f);
	if (!e->p) {
		free(e);
		return NULL;
	}
	struct cc_frame_extref *expected = NULL;
	if (__atomic_compare_exchange_n(&f->ext[slot], &expected, e, 0, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		return e->p;
	extref_release(e);
	return expected->p;
}

static void frame_free(struct cc_frame *f)
{
	for (int i = 0; i < CC_FRAME_SLOTS; i++)
		extref_release(f->ext[i]);
	for (int k = 0; k < COL_END; k++)
		cc_col_release(f->own[k]);
	strings_release(f->str);
	free(f);
}

/* Frames whose last reference went while a caretaker runs: freed by it, not by the reader
 * that dropped the reference (unmapping and returning a version's changed blocks can take
 * milliseconds, which a request should not pay). */
static pthread_mutex_t grave_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cc_frame *grave;
static int grave_keepers;

void cc_frame_release(struct cc_frame *f)
{
	if (!f || __atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	pthread_mutex_lock(&grave_lock);
	if (grave_keepers > 0) {
		f->grave_next = grave;
		grave = f;
		f = NULL;
	}
	pthread_mutex_unlock(&grave_lock);
	if (f)
		frame_free(f);
}

/* Frees the frames waiting in the graveyard. */
static void grave_empty(void)
{
	pthread_mutex_lock(&grave_lock);
	struct cc_frame *g = grave;
	grave = NULL;
	pthread_mutex_unlock(&grave_lock);
	while (g) {
		struct cc_frame *next = g->grave_next;
		frame_free(g);
		g = next;
	}
}

int cc_frame_of_id(const struct cc_frame *f, int64_t id)
{
	return f->index_of_id && id >= 0 && id <= f->max_id ? f->index_of_id[id] : -1;
}

int cc_frame_find(const struct cc_frame *f, const char *uscc)
{
	int lo = 0, hi = f->n - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		int c = strcmp(f->uscc[mid], uscc);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/*
 * Derived metrics are made when first read: a frame holds the base metrics' columns, and a
 * derived metric's column (every year) is computed from them by the first reader that asks for
 * it (cc_derive_column: a pass over two columns, ~10 ms at 1M) and kept, then patched with
 * the base metrics in later versions. A frame of 1M enterprises and 5 years holds 11 derived
 * metrics of 40 MB each that most pages never read.
 *
 * DERIVE_LOCK orders a made column's publication against the threads that copy a frame's
 * columns (frame_clone, frame_compacted, cc_frame_bytes); readers find a made column with an
 * acquire load of f->annual[m].
 */
static pthread_mutex_t derive_lock = PTHREAD_MUTEX_INITIALIZER;

/* F's column of derived metric M (all years), made when missing. NULL when out of memory. */
static double *frame_derived(struct cc_frame *f, int m)
{
	double *c = __atomic_load_n(&f->annual[m], __ATOMIC_ACQUIRE);
	if (c || m < CC_M_BASE_COUNT)
		return c;
	/* Computed outside the lock (the base columns never change): the lock is held only to
	 * publish, so the follower cloning this version does not wait ~60 ms at 1M. Two readers
	 * racing both compute; the first to publish wins and the other's column is dropped. */
	const struct cc_derive_rule *r = cc_derive_rule(m);
	size_t N = (size_t)f->n;
	struct cc_col *col = cc_col_new(sizeof(double) * N * (size_t)f->nyears);
	if (!col)
		return NULL;
	double *mine = col->data;
	for (int y = 0; y < f->nyears; y++) {
		size_t at = (size_t)y * N;
		const double *then = r->lag > 0 && y >= r->lag
					     ? f->annual[r->a] + (size_t)(y - r->lag) * N
					     : NULL;
		cc_derive_column(m, f->annual[r->a] + at, r->b >= 0 ? f->annual[r->b] + at : NULL,
				 then, N, mine + at);
	}
	cc_col_seal(col);
	pthread_mutex_lock(&derive_lock);
	c = f->annual[m];
	if (!c) {
		f->own[COL_ANNUAL0 + m] = col;
		__atomic_store_n(&f->annual[m], mine, __ATOMIC_RELEASE);
		c = mine;
		col = NULL;
	}
	pthread_mutex_unlock(&derive_lock);
	cc_col_release(col); /* another reader published first (NULL accepted) */
	return c;
}

const double *cc_frame_annual(const struct cc_frame *f, int m, int year)
{
	if (m < 0 || m >= CC_M_COUNT || year < f->year0 || year >= f->year0 + f->nyears)
		return NULL;
	/* Logically read-only: a derived column is made once and never changes. */
	const double *c = frame_derived((struct cc_frame *)f, m);
	return c ? c + (size_t)(year - f->year0) * (size_t)f->n : NULL;
}

void cc_frame_row(const struct cc_frame *f, int i, int y, double *out)
{
	size_t N = (size_t)f->n;
	double prev[CC_M_COUNT], prev3[CC_M_COUNT];
	for (int m = 0; m < CC_M_BASE_COUNT; m++) {
		out[m] = f->annual[m][(size_t)y * N + (size_t)i];
		prev[m] = y >= 1 ? f->annual[m][(size_t)(y - 1) * N + (size_t)i] : NAN;
		prev3[m] = y >= 3 ? f->annual[m][(size_t)(y - 3) * N + (size_t)i] : NAN;
	}
	cc_derive(out, y >= 1 ? prev : NULL, y >= 3 ? prev3 : NULL, out);
}

const double *cc_frame_metric(const struct cc_frame *f, int m)
{
	if (m < 0 || m >= CC_M_COUNT || f->nyears == 0)
		return NULL;
	return frame_derived((struct cc_frame *)f, m);
}

int cc_frame_latest_year(const struct cc_frame *f)
{
	for (int y = f->nyears - 1; y >= 0; y--) {
		const double *col = f->annual[CC_M_REVENUE] + (size_t)y * (size_t)f->n;
		for (int i = 0; i < f->n; i++)
			if (!isnan(col[i]))
				return f->year0 + y;
	}
	return 0;
}

size_t cc_frame_bytes(const struct cc_frame *f)
{
	size_t b = 0;
	pthread_mutex_lock(&derive_lock);
	for (int k = 0; k < COL_END; k++)
		if (f->own[k])
			b += f->own[k]->bytes;
	pthread_mutex_unlock(&derive_lock);
	for (const struct cc_frame_strings *s = f->str; s; s = s->prev)
		b += s->a.total;
	return b;
}

/* "YYYY-MM-DD" (as the store keeps dates) to YYYYMMDD. */
static int atoi_safe_date(const char *s)
{
	int v = 0;
	for (int i = 0; i < 10; i++)
		if (s[i] >= '0' && s[i] <= '9')
			v = v * 10 + (s[i] - '0');
	return v;
}

/* The registry columns the frame reads, in the order registry_row decodes them. */
#define REGISTRY_COLS                                                                              \
	"SELECT id, uscc, name, region, industry, founded, scale, listed, certs, "                 \
	"substr(created_at, 1, 10) FROM enterprises"

/* One registry row as the frame holds it (strings point into the statement's row). */
struct registry_row {
	int64_t id;
	const char *uscc, *name, *industry; /* industry NULL when unknown */
	size_t name_len;
	int32_t region, founded, created;
	uint8_t scale, listed, certs;
};

static void registry_row(struct cc_stmt *s, struct registry_row *r)
{
	static const char *const scales[] = {"large", "medium", "small", "micro"};
	static const char *const boards[] = {"none", "main", "star", "gem", "bse", "neeq"};
	r->id = cc_stmt_int64(s, 0);
	r->uscc = cc_stmt_text(s, 1);
	r->name = cc_stmt_text(s, 2);
	r->name_len = cc_stmt_bytes(s, 2);
	r->region = (int32_t)cc_stmt_int64(s, 3);
	r->industry = cc_stmt_is_null(s, 4) ? NULL : cc_stmt_text(s, 4);
	const char *fd = cc_stmt_text(s, 5), *cd = cc_stmt_text(s, 9);
	r->founded = strlen(fd) == 10 ? atoi_safe_date(fd) : 0;
	r->created = strlen(cd) == 10 ? atoi_safe_date(cd) : 0;
	r->scale = (uint8_t)word_index(cc_stmt_text(s, 6), scales, 4);
	r->listed = (uint8_t)word_index(cc_stmt_text(s, 7), boards, 6);
	r->certs = cert_bits(cc_stmt_text(s, 8));
}

/* Credit-code order of the rows read (scan order): qsort over indices. */
static __thread const char (*sort_uscc)[19];
static __thread const int64_t *sort_id;
static int cmp_uscc(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	int c = memcmp(sort_uscc[x], sort_uscc[y], 18);
	return c ? c : (sort_id[x] > sort_id[y]) - (sort_id[x] < sort_id[y]);
}

/* Puts the N elements of SIZE bytes at P in the order PERM (p'[k] = p[perm[k]]) with TMP. */
static void permute(void *p, size_t size, const int32_t *perm, size_t n, char *tmp)
{
	for (size_t k = 0; k < n; k++)
		memcpy(tmp + k * size, (const char *)p + (size_t)perm[k] * size, size);
	memcpy(p, tmp, n * size);
}

/*
 * The registry, in credit-code order. Rows are read in storage order (a sequential scan:
 * reading them through the code index was a B-tree seek per row, 4.8 s of 5 at 1M) and sorted
 * in memory.
 */
static int load_enterprises(struct cc_store *st, struct cc_frame *f, int32_t **idmap,
			    int64_t *maxid, int32_t **scan_perm, int64_t *id_cut, int *ascending,
			    struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	*scan_perm = NULL;
	for (int c = 0; c <= PART_CHUNKS; c++)
		id_cut[c] = c ? INT64_MAX : INT64_MIN;
	int64_t n = cc_store_int(st, "SELECT count(*) FROM enterprises", 0);
	*maxid = cc_store_int(st, "SELECT max(id) FROM enterprises", 0);
	int rc = 0;
	size_t N = (size_t)n;
	f->n = (int)n;
	f->id = col_make(f, COL_ID, sizeof *f->id * N);
	f->uscc = col_make(f, COL_USCC, sizeof *f->uscc * N);
	f->name = col_make(f, COL_NAME, sizeof *f->name * N);
	f->region = col_make(f, COL_REGION, sizeof *f->region * N);
	f->industry = col_make(f, COL_INDUSTRY, sizeof *f->industry * N);
	f->founded = col_make(f, COL_FOUNDED, sizeof *f->founded * N);
	f->created = col_make(f, COL_CREATED, sizeof *f->created * N);
	f->scale = col_make(f, COL_SCALE, N);
	f->listed = col_make(f, COL_LISTED, N);
	f->certs = col_make(f, COL_CERTS, N);
	*idmap = col_make(f, COL_IDMAP, sizeof **idmap * ((size_t)*maxid + 1));
	int32_t *perm = malloc(sizeof *perm * (N + 1));
	char *tmp = malloc(sizeof(int64_t) * (N + 1) + 24 * (N + 1));
	if (!f->id || !f->uscc || !f->name || !f->region || !f->industry || !f->founded ||
	    !f->created || !f->scale || !f->listed || !f->certs || !*idmap || !perm || !tmp) {
		free(perm);
		free(tmp);
		return cc_error_set(err, CC_ENOMEM, "out of memory building the frame");
	}
	for (int64_t k = 0; k <= *maxid; k++)
		(*idmap)[k] = -1;
	rc = cc_stmt_prepare(st, &s, REGISTRY_COLS, err);
	if (rc) {
		free(perm);
		free(tmp);
		return rc;
	}
	int i = 0;
	const char *last_ind = NULL;
	struct registry_row r;
	while (i < f->n && (rc = cc_stmt_step(s, err)) == 1) {
		registry_row(s, &r);
		f->id[i] = r.id;
		memcpy(f->uscc[i], r.uscc, 18);
		f->uscc[i][18] = '\0';
		f->name[i] = cc_arena_strndup(&f->str->a, r.name, r.name_len);
		f->region[i] = r.region;
		/* Industry codes repeat: keep one copy of consecutive equal ones. */
		if (r.industry && (!last_ind || strcmp(last_ind, r.industry) != 0))
			last_ind = cc_arena_strdup(&f->str->a, r.industry);
		f->industry[i] = r.industry ? last_ind : NULL;
		f->founded[i] = r.founded;
		f->created[i] = r.created;
		f->scale[i] = r.scale;
		f->listed[i] = r.listed;
		f->certs[i] = r.certs;
		if (!f->name[i]) {
			rc = cc_error_set(err, CC_ENOMEM, "out of memory building the frame");
			break;
		}
		i++;
	}
	cc_stmt_free(s);
	f->n = i;
	if (rc >= 0) {
		rc = 0;
		size_t M = (size_t)i;
		for (size_t k = 0; k < M; k++)
			perm[k] = (int32_t)k;
		sort_uscc = (const char(*)[19])f->uscc;
		sort_id = f->id;
		/* A table's rows come in rowid (= id) order: then the ids of a chunk below are
		 * also a range of storage positions (struct part's fill). Checked, not assumed. */
		*ascending = 1;
		for (size_t k = 1; k < M && *ascending; k++)
			*ascending = f->id[k - 1] < f->id[k];
		/* Ids in storage order at every PART_CHUNKS-th of the registry, where a build
		 * splits the indicators in chunks of about as many enterprises. */
		for (int c = 1; c < PART_CHUNKS; c++)
			id_cut[c] = M ? f->id[M * (size_t)c / PART_CHUNKS] : INT64_MAX;
		qsort(perm, M, sizeof *perm, cmp_uscc);
		permute(f->id, sizeof *f->id, perm, M, tmp);
		permute(f->uscc, sizeof *f->uscc, perm, M, tmp);
		permute(f->name, sizeof *f->name, perm, M, tmp);
		permute(f->region, sizeof *f->region, perm, M, tmp);
		permute(f->industry, sizeof *f->industry, perm, M, tmp);
		permute(f->founded, sizeof *f->founded, perm, M, tmp);
		permute(f->created, sizeof *f->created, perm, M, tmp);
		permute(f->scale, 1, perm, M, tmp);
		permute(f->listed, 1, perm, M, tmp);
		permute(f->certs, 1, perm, M, tmp);
		for (size_t k = 0; k < M; k++)
			if (f->id[k] >= 0 && f->id[k] <= *maxid)
				(*idmap)[f->id[k]] = (int32_t)k;
	}
	free(tmp);
	*scan_perm = perm; /* frame index -> the row's position in storage order */
	return rc;
}

/* The periods held: annual and (when MONTHLY) monthly. */
struct periods {
	int64_t ymin, ymax, mmin, mmax;
};

/*
 * The periods held (SAMPLE 0): one scan of the indicators, ~0.5 s at 5M rows (no index has
 * the period first). Or (SAMPLE > 0) those of the first and the last SAMPLE rows in key
 * order and of SAMPLE / 16 firms at even steps of id between: milliseconds (~10k rows at
 * 1M), and a range within the true one, which a build checks while it reads every row (a
 * row outside it makes the build read the periods in full and the indicators again:
 * build_in_tx). Data whose sampled firms report the years the others do never pay the scan.
 */
static int read_periods(struct cc_store *st, int monthly, int64_t sample, struct periods *p,
			struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	memset(p, 0, sizeof *p);
	int rc = cc_stmt_prepare(
		st, &s,
		sample	  ? "SELECT min(CASE WHEN period % 100 = 0 THEN period END), "
			    "max(CASE WHEN period % 100 = 0 THEN period END), "
			    "min(CASE WHEN period % 100 <> 0 THEN period END), "
			    "max(CASE WHEN period % 100 <> 0 THEN period END) FROM ("
			    "SELECT period FROM (SELECT period FROM indicators "
			    "ORDER BY enterprise_id, period LIMIT ?1) a UNION ALL "
			    "SELECT period FROM (SELECT period FROM indicators "
			    "ORDER BY enterprise_id DESC, period DESC LIMIT ?1) b UNION ALL "
			    "SELECT period FROM indicators WHERE enterprise_id IN ("
			    "WITH RECURSIVE k(i) AS (SELECT 1 WHERE ?2 > 0 UNION ALL "
			    "SELECT i + 1 FROM k WHERE i < ?2) SELECT (SELECT min(id) FROM "
			    "enterprises) + ((SELECT max(id) FROM enterprises) - (SELECT "
			    "min(id) FROM enterprises)) * i / (?2 + 1) FROM k)) c"
		: monthly ? "SELECT min(CASE WHEN period % 100 = 0 THEN period END), "
			    "max(CASE WHEN period % 100 = 0 THEN period END), "
			    "min(CASE WHEN period % 100 <> 0 THEN period END), "
			    "max(CASE WHEN period % 100 <> 0 THEN period END) FROM indicators"
			  : "SELECT min(period), max(period), NULL, NULL FROM indicators "
			    "WHERE period % 100 = 0",
		err);
	if (rc)
		return rc;
	if (sample) {
		cc_stmt_bind_int64(s, 1, sample);
		cc_stmt_bind_int64(s, 2, sample / 16);
	}
	rc = cc_stmt_step(s, err);
	if (rc == 1) {
		int64_t *v[] = {&p->ymin, &p->ymax, &p->mmin, &p->mmax};
		for (int k = 0; k < 4; k++)
			*v[k] = cc_stmt_is_null(s, k) ? 0 : cc_stmt_int64(s, k);
		if (!monthly)
			p->mmin = p->mmax = 0;
		rc = 0;
	}
	cc_stmt_free(s);
	return rc < 0 ? rc : 0;
}

/* Sets F's year and month ranges from P and makes its annual columns for N enterprises. Not
 * filled: the parts reading the indicators fill their rows with NaN first (indicators_part),
 * or fill_annual does. */
static int make_period_columns(struct cc_frame *f, const struct periods *p, size_t N,
			       struct cc_error *err)
{
	f->year0 = (int)(p->ymin / 100);
	f->nyears = p->ymin ? (int)(p->ymax / 100 - p->ymin / 100 + 1) : 0;
	f->month0 = f->nmonths = 0;
	/* The derived metrics' columns are made when first read (frame_derived). */
	for (int m = 0; m < CC_M_BASE_COUNT; m++) {
		f->annual[m] = col_make(f, COL_ANNUAL0 + m, sizeof(double) * N * (size_t)f->nyears);
		if (!f->annual[m])
			return cc_error_set(err, CC_ENOMEM, "out of memory building the frame");
	}
	if (p->mmin) {
		f->month0 = (int)(p->mmin / 100 * 12 + p->mmin % 100 - 1);
		f->nmonths = (int)(p->mmax / 100 * 12 + p->mmax % 100 - 1) - f->month0 + 1;
		/* Monthly columns are made when a metric's first monthly value turns up: monthly
		 * statistics hold a few metrics, and a column is N x months doubles. */
	}
	return 0;
}

/* Rows at each end of the indicators whose periods a build takes for all (read_periods);
 * CC_FRAME_PERIOD_SAMPLE sets it (0: scan them all). */
static int64_t period_sample(void)
{
	return cc_env_int("CC_FRAME_PERIOD_SAMPLE", 4096, 0, INT32_MAX);
}

/* Unknown (NaN) in F's annual columns for the enterprises at storage positions [LO, HI) of
 * every year. */
static void fill_annual(struct cc_frame *f, size_t lo, size_t hi)
{
	size_t N = (size_t)f->n;
	for (int m = 0; m < CC_M_BASE_COUNT; m++)
		for (int y = 0; y < f->nyears; y++) {
			double *c = f->annual[m] + (size_t)y * N;
			for (size_t i = lo; i < hi; i++)
				c[i] = NAN;
		}
}

/*
 * A piece of a build's reading (load_parts): the indicators of enterprise ids in [id_lo,
 * id_hi) on connection ST; or, as one of load_parts' threads, its connection, the queue of
 * pieces it takes from, its timings and its error.
 */
struct parts_queue;
struct part {
	struct cc_store *st;
	struct cc_frame *f;
	const struct cc_catalogue *cat;
	const int32_t *scan_perm; /* frame index -> position in storage order */
	const struct cc_codemap *reg;
	int64_t id_lo, id_hi;
	/* With FILL, the storage positions of those ids (ids follow storage order): the piece
	 * fills their annual rows with NaN before reading (spread over the threads, each page
	 * first touched by the piece that writes it). */
	size_t pos_lo, pos_hi;
	int fill;
	int *outside; /* set (atomic) when a row's period is outside F's: see read_periods */
	pthread_mutex_t *month_lock; /* monthly columns are made by whichever part needs one */
	struct parts_queue *queue;
	double seconds[3]; /* indicators, edges, members */
	int rc;
	struct cc_error err;
};

/* F's monthly column of metric M, made (NaN) on first use under P's lock. NULL when out of
 * memory. */
static double *month_col(struct part *p, int m)
{
	struct cc_frame *f = p->f;
	double *c = __atomic_load_n(&f->monthly[m], __ATOMIC_ACQUIRE);
	if (c)
		return c;
	pthread_mutex_lock(p->month_lock);
	c = f->monthly[m];
	if (!c) {
		c = nan_col(f, COL_MONTHLY0 + m, (size_t)f->n * (size_t)f->nmonths);
		__atomic_store_n(&f->monthly[m], c, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(p->month_lock);
	return c;
}

/*
 * The indicator rows of P's id range into F's columns, each at its enterprise's position in
 * storage order (P->scan_perm): the rows are read in key order, a sequential scan, and land
 * in the columns front to back when ids follow storage order, as they do unless rows were
 * deleted and reinserted. build_in_tx puts the columns in credit-code order afterwards
 * (columns_to_frame_order). Reading through the code index instead (a join in credit-code
 * order) was a B-tree seek per enterprise: 6.2 s of CPU against 3.4 s at 1M. Monthly rows only
 * when the build holds months (CC_FRAME_MONTHLY).
 */
static int indicators_part(struct part *p)
{
	struct cc_frame *f = p->f;
	struct cc_stmt *s = NULL;
	size_t N = (size_t)f->n;
	const int32_t *idmap = f->index_of_id;
	int mmin = (f->flags & CC_FRAME_MONTHLY) != 0;
	char sql[1200];
	size_t used = (size_t)snprintf(sql, sizeof sql, "SELECT enterprise_id, period");
	for (int m = 0; m < CC_M_BASE_COUNT; m++)
		used += (size_t)snprintf(sql + used, sizeof sql - used, ", %s",
					 cc_metric_get(m)->key);
	snprintf(sql + used, sizeof sql - used,
		 " FROM indicators WHERE enterprise_id >= ?1 AND enterprise_id < ?2%s",
		 mmin ? "" : " AND period % 100 = 0");
	int rc = cc_stmt_prepare(p->st, &s, sql, &p->err);
	if (rc)
		return rc;
	cc_stmt_bind_int64(s, 1, p->id_lo);
	cc_stmt_bind_int64(s, 2, p->id_hi);
	if (p->fill)
		fill_annual(f, p->pos_lo, p->pos_hi);
	while ((rc = cc_stmt_step(s, &p->err)) == 1) {
		int64_t id = cc_stmt_int64(s, 0);
		if (id < 0 || id > f->max_id || idmap[id] < 0)
			continue;
		size_t i = (size_t)p->scan_perm[idmap[id]];
		int period = (int)cc_stmt_int64(s, 1);
		if (period % 100 == 0) {
			if (period / 100 < f->year0 || period / 100 >= f->year0 + f->nyears) {
				__atomic_store_n(p->outside, 1, __ATOMIC_RELAXED);
				continue; /* outside the periods sampled: read again */
			}
			size_t off = (size_t)(period / 100 - f->year0) * N + i;
			/* Unknown cells are NaN already: a NULL writes the NaN it reads as. */
			for (int m = 0; m < CC_M_BASE_COUNT; m++)
				f->annual[m][off] = cc_stmt_double_nan(s, m + 2);
		} else if (mmin) {
			int64_t k = (int64_t)period / 100 * 12 + period % 100 - 1 - f->month0;
			if (k < 0 || k >= f->nmonths) {
				__atomic_store_n(p->outside, 1, __ATOMIC_RELAXED);
				continue;
			}
			for (int m = 0; m < CC_M_BASE_COUNT; m++)
				if (!cc_stmt_is_null(s, m + 2)) {
					double *c = month_col(p, m);
					if (!c) {
						cc_stmt_free(s);
						return cc_error_set(
							&p->err, CC_ENOMEM,
							"out of memory building the frame");
					}
					c[(size_t)k * N + i] = cc_stmt_double(s, m + 2);
				}
		}
	}
	cc_stmt_free(s);
	return rc < 0 ? rc : 0;
}

/* The blocks of N values of F's indicator columns (annual base metrics by year, monthly by
 * month): what columns_to_frame_order puts in order. Returns how many; *OUT (malloc'd, the
 * caller's) points at each block. */
static size_t indicator_blocks(struct cc_frame *f, double ***out)
{
	size_t N = (size_t)f->n, nb = 0;
	size_t cap = (size_t)CC_M_BASE_COUNT * ((size_t)f->nyears + (size_t)f->nmonths) + 1;
	double **b = malloc(sizeof *b * cap);
	if (b)
		for (int m = 0; m < CC_M_BASE_COUNT; m++) {
			for (int y = 0; y < f->nyears; y++)
				b[nb++] = f->annual[m] + (size_t)y * N;
			for (int k = 0; f->monthly[m] && k < f->nmonths; k++)
				b[nb++] = f->monthly[m] + (size_t)k * N;
		}
	*out = b;
	return nb;
}

/* What a helper thread of columns_to_frame_order does: blocks FIRST, FIRST + STEP, … of the
 * list. */
struct order_job {
	struct cc_frame *f;
	double **blocks;
	size_t nblocks, first, step;
	const int32_t *perm;
	int rc;
};

static void *order_blocks(void *arg)
{
	struct order_job *j = arg;
	size_t N = (size_t)j->f->n;
	double *tmp = malloc(sizeof *tmp * (N + 1));
	j->rc = tmp ? 0 : -1;
	for (size_t b = j->first; tmp && b < j->nblocks; b += j->step) {
		double *c = j->blocks[b];
		for (size_t i = 0; i < N; i++)
			tmp[i] = c[j->perm[i]];
		memcpy(c, tmp, sizeof *c * N);
	}
	free(tmp);
	return NULL;
}

/*
 * Puts F's indicator columns, read in storage order, in the frame's (credit-code) order with
 * PERM (frame index -> storage position); on two threads when THREADS is 2. 0 or CC_ENOMEM.
 */
static int columns_to_frame_order(struct cc_frame *f, const int32_t *perm, int threads,
				  struct cc_error *err)
{
	double **blocks = NULL;
	size_t nb = indicator_blocks(f, &blocks);
	if (!blocks)
		return cc_error_set(err, CC_ENOMEM, "out of memory building the frame");
	struct order_job j[2] = {
		{.f = f, .blocks = blocks, .nblocks = nb, .first = 0, .step = 1, .perm = perm},
		{.f = f, .blocks = blocks, .nblocks = nb, .first = 1, .step = 2, .perm = perm}};
	pthread_t th;
	int two = threads > 1 && nb > 1;
	if (two) {
		j[0].step = 2;
		two = pthread_create(&th, NULL, order_blocks, &j[1]) == 0;
		if (!two)
			j[0].step = 1;
	}
	order_blocks(&j[0]);
	if (two)
		pthread_join(th, NULL);
	free(blocks);
	if (j[0].rc || (two && j[1].rc))
		return cc_error_set(err, CC_ENOMEM, "out of memory building the frame");
	return 0;
}

static int load_members(struct cc_store *st, struct cc_frame *f, const int32_t *idmap,
			int64_t maxid, const struct cc_catalogue *cat, struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	int64_t total = cc_store_int(st, "SELECT count(*) FROM chain_members", 0);
	size_t N = (size_t)f->n;
	int rc = 0;
	int32_t *ent = malloc(sizeof *ent * (size_t)(total + 1));
	int32_t *node = malloc(sizeof *node * (size_t)(total + 1));
	uint8_t *role = malloc((size_t)total + 1);
	f->member_start = calloc(N + 1, sizeof *f->member_start);
	f->member_node = malloc(sizeof *f->member_node * (size_t)(total + 1));
	f->member_role = malloc((size_t)total + 1);
	f->node_start = calloc((size_t)cat->nnodes + 1, sizeof *f->node_start);
	f->node_ent = malloc(sizeof *f->node_ent * (size_t)(total + 1));
	if (!ent || !node || !role || !f->member_start || !f->member_node || !f->member_role ||
	    !f->node_start || !f->node_ent) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory building the frame");
		goto out;
	}
	/* In key order: SQLite's scan of the table (no sort), PostgreSQL's by sorting. */
	rc = cc_stmt_prepare(st, &s,
			     "SELECT enterprise_id, chain, node, role FROM chain_members "
			     "ORDER BY enterprise_id, chain, node",
			     err);
	if (rc)
		goto out;
	int k = 0;
	char last_chain[128] = "", last_node[128] = "";
	int last_index = -1;
	while (k < total && (rc = cc_stmt_step(s, err)) == 1) {
		int64_t id = cc_stmt_int64(s, 0);
		if (id < 0 || id > maxid || idmap[id] < 0)
			continue;
		const char *c = cc_stmt_text(s, 1), *nd = cc_stmt_text(s, 2);
		if (strcmp(c, last_chain) != 0 || strcmp(nd, last_node) != 0) {
			last_index = cc_node_index(cat, c, nd);
			snprintf(last_chain, sizeof last_chain, "%s", c);
			snprintf(last_node, sizeof last_node, "%s", nd);
		}
		if (last_index < 0)
			continue; /* a node since removed from the catalogue: `check` reports it */
		ent[k] = idmap[id];
		node[k] = last_index;
		role[k] = cc_role_of(cc_stmt_text(s, 3));
		k++;
	}
	cc_stmt_free(s);
	if (rc < 0)
		goto out;
	rc = 0;
	f->nmembers = k;
	/* Counting sort into both CSR views. */
	for (int j = 0; j < k; j++) {
		f->member_start[ent[j] + 1]++;
		f->node_start[node[j] + 1]++;
	}
	for (size_t i = 0; i < N; i++)
		f->member_start[i + 1] += f->member_start[i];
	for (int i = 0; i < cat->nnodes; i++)
		f->node_start[i + 1] += f->node_start[i];
	int32_t *fill = calloc(N + (size_t)cat->nnodes + 1, sizeof *fill);
	if (!fill) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory building the frame");
		goto out;
	}
	for (int j = 0; j < k; j++) {
		int32_t p = f->member_start[ent[j]] + fill[ent[j]]++;
		f->member_node[p] = node[j];
		f->member_role[p] = role[j];
		int32_t q = f->node_start[node[j]] + fill[N + (size_t)node[j]]++;
		f->node_ent[q] = ent[j];
	}
	free(fill);
out:
	free(ent);
	free(node);
	free(role);
	return rc;
}

/*
 * Edges as one part of a build reads them, in the store's order, with the suppliers outside
 * the registry they name (numbered in order of first appearance; MAP finds them).
 */
struct edge_out {
	int32_t *sup, *buy, *node;
	double *val, *share;
	/* Read before the registry (edges_read with no map): each edge's supplier code, and in buy
	 * its buyer's store id (-1 when out of range), until edges_resolve; NULL otherwise. */
	char (*code)[18];
	int64_t k, cap; /* edges held, room */
	char (*ouscc)[19];
	int32_t *oregion;
	int nout;
	size_t room;	       /* of ouscc and oregion */
	struct cc_codemap map; /* outside code -> index in ouscc */
};

static void edge_out_free(struct edge_out *o)
{
	free(o->sup);
	free(o->buy);
	free(o->node);
	free(o->val);
	free(o->share);
	free(o->code);
	free(o->ouscc);
	free(o->oregion);
	cc_codemap_free(&o->map);
	memset(o, 0, sizeof *o);
}

/* Room for CAP edges and a small outside map (it grows with the outside suppliers found).
 * 0 or CC_ENOMEM (O is freed then). */
static int edge_out_init(struct edge_out *o, int64_t cap, struct cc_error *err)
{
	memset(o, 0, sizeof *o);
	o->cap = cap < 1 ? 1 : cap;
	size_t T = (size_t)o->cap;
	o->sup = malloc(sizeof(int32_t) * T);
	o->buy = malloc(sizeof(int32_t) * T);
	o->node = malloc(sizeof(int32_t) * T);
	o->val = malloc(sizeof(double) * T);
	o->share = malloc(sizeof(double) * T);
	o->room = 1024;
	o->ouscc = malloc(sizeof *o->ouscc * o->room);
	o->oregion = malloc(sizeof *o->oregion * o->room);
	/* Small: it grows with the outside suppliers found (a map the size of ten million edges
	 * would be a cache miss a probe). */
	int mrc = cc_codemap_init(&o->map, 1024);
	if (!o->sup || !o->buy || !o->node || !o->val || !o->share || !o->ouscc || !o->oregion ||
	    mrc) {
		edge_out_free(o);
		return cc_error_set(err, CC_ENOMEM, "out of memory building the frame");
	}
	return 0;
}

/* Room for at least WANT edges in O. 0 or -1 when out of memory (O unchanged but for the
 * arrays already grown, which stay valid). */
static int edge_out_reserve(struct edge_out *o, int64_t want)
{
	if (want <= o->cap)
		return 0;
	int64_t cap = o->cap;
	while (cap < want)
		cap *= 2;
	size_t T = (size_t)cap;
	void *a;
	if (!(a = realloc(o->sup, sizeof(int32_t) * T)))
		return -1;
	o->sup = a;
	if (!(a = realloc(o->buy, sizeof(int32_t) * T)))
		return -1;
	o->buy = a;
	if (!(a = realloc(o->node, sizeof(int32_t) * T)))
		return -1;
	o->node = a;
	if (!(a = realloc(o->val, sizeof(double) * T)))
		return -1;
	o->val = a;
	if (!(a = realloc(o->share, sizeof(double) * T)))
		return -1;
	o->share = a;
	if (o->code) {
		if (!(a = realloc(o->code, sizeof *o->code * T)))
			return -1;
		o->code = a;
	}
	o->cap = cap;
	return 0;
}

/* REG filled with F's registry codes. 0 or CC_ENOMEM; REG is the caller's to free. */
static int registry_map_build(const struct cc_frame *f, struct cc_codemap *reg,
			      struct cc_error *err)
{
	if (cc_codemap_init(reg, (size_t)f->n))
		return cc_error_set(err, CC_ENOMEM, "out of memory building the frame");
	for (int i = 0; i < f->n; i++)
		cc_codemap_put(reg, (const char(*)[19])f->uscc, i);
	return 0;
}

/* The outside supplier SUP's (18 bytes) index + 1 in O, added (its region from the code) when
 * new. 0 when out of memory growing the arrays. */
static int32_t outside_index(struct edge_out *o, const char *sup)
{
	int32_t j = cc_codemap_find(&o->map, (const char(*)[19])o->ouscc, sup);
	if (j >= 0)
		return j + 1;
	/* Room for one more than held, so the arrays always have an entry to spare. */
	if ((size_t)o->nout + 1 >= o->room) {
		o->room *= 2;
		void *a = realloc(o->ouscc, sizeof *o->ouscc * o->room);
		if (a)
			o->ouscc = a;
		void *b = a ? realloc(o->oregion, sizeof *o->oregion * o->room) : NULL;
		if (b)
			o->oregion = b;
		if (!a || !b)
			return 0;
	}
	if (cc_codemap_full(&o->map, (size_t)o->nout) &&
	    cc_codemap_grow(&o->map, (const char(*)[19])o->ouscc, o->nout))
		return 0;
	memcpy(o->ouscc[o->nout], sup, 18);
	o->ouscc[o->nout][18] = '\0';
	int r = cc_uscc_region(o->ouscc[o->nout]);
	o->oregion[o->nout] = r < 0 ? 0 : r;
	cc_codemap_put(&o->map, (const char(*)[19])o->ouscc, o->nout);
	return ++o->nout;
}

/* Suppliers are resolved CC_CODEMAP_BATCH at a time (cc_codemap_find_batch: 7.3 s of CPU at
 * 10M edges one by one, 3 s in batches). */
struct edge_batch {
	int n;
	int64_t k[CC_CODEMAP_BATCH];
	char sup[CC_CODEMAP_BATCH][18];
};

/* Sets o->sup[k] for the batch B's rows: the frame index when registered in F, else minus
 * the outside index + 1. 0 or CC_ENOMEM. */
static int edge_batch_resolve(const struct cc_frame *f, const struct cc_codemap *reg,
			      struct edge_out *o, struct edge_batch *b, struct cc_error *err)
{
	int32_t at[CC_CODEMAP_BATCH], out[CC_CODEMAP_BATCH];
	char miss[CC_CODEMAP_BATCH][18];
	int nmiss = 0;
	cc_codemap_find_batch(reg, (const char(*)[19])f->uscc, (const char(*)[18])b->sup, b->n, at);
	for (int j = 0; j < b->n; j++)
		if (at[j] >= 0)
			o->sup[b->k[j]] = at[j];
		else
			memcpy(miss[nmiss++], b->sup[j], 18);
	/* The outside suppliers (a fifth of the edges at 1M, ~370k codes: a map out of cache)
	 * looked up in a batch too; those not found yet are added one by one, in order, so a
	 * code twice in the batch is added once. */
	if (nmiss)
		cc_codemap_find_batch(&o->map, (const char(*)[19])o->ouscc, (const char(*)[18])miss,
				      nmiss, out);
	for (int j = 0, m = 0; j < b->n; j++) {
		if (at[j] >= 0)
			continue;
		int32_t x = out[m] >= 0 ? out[m] + 1 : outside_index(o, miss[m]);
		m++;
		if (!x)
			return cc_error_set(err, CC_ENOMEM, "out of memory building the frame");
		o->sup[b->k[j]] = -(int)x;
	}
	b->n = 0;
	return 0;
}

/* Reads the supply edges of S into O in the store's order, skipping those whose buyer is not
 * in F. With REG NULL (the registry is not read yet: O->code is allocated) the suppliers'
 * codes and the buyers' store ids are kept for edges_resolve instead. 0 or a negative CC_E*. */
static int edges_read(struct cc_stmt *s, const struct cc_frame *f, const struct cc_catalogue *cat,
		      const struct cc_codemap *reg, struct edge_out *o, struct cc_error *err)
{
	int rc = 0;
	/* Not read before the registry is: the first thread is writing it. */
	const int32_t *idmap = reg ? f->index_of_id : NULL;
	struct edge_batch *b = malloc(sizeof *b);
	if (!b)
		return cc_error_set(err, CC_ENOMEM, "out of memory building the frame");
	b->n = 0;
	/* Consecutive edges often name the same node: its index is looked up once for them. */
	char last_chain[128], last_node[128];
	size_t last_lc = SIZE_MAX, last_ln = SIZE_MAX; /* none yet */
	int last_index = -1;
	while ((rc = cc_stmt_step(s, err)) == 1) {
		int64_t id = cc_stmt_int64(s, 1);
		if (reg && (id < 0 || id > f->max_id || idmap[id] < 0))
			continue;
		if (o->k == o->cap && edge_out_reserve(o, o->k + 1)) {
			rc = cc_error_set(err, CC_ENOMEM, "out of memory building the frame");
			break;
		}
		int64_t k = o->k++;
		/* CHECK(length(supplier)=18) */
		if (reg) {
			memcpy(b->sup[b->n], cc_stmt_text(s, 0), 18);
			b->k[b->n++] = k;
			o->buy[k] = idmap[id];
		} else {
			memcpy(o->code[k], cc_stmt_text(s, 0), 18);
			o->buy[k] = id >= 0 && id <= INT32_MAX ? (int32_t)id : -1;
		}
		if (cc_stmt_is_null(s, 2)) {
			o->node[k] = -1;
		} else {
			const char *c = cc_stmt_text(s, 2), *nd = cc_stmt_text(s, 3);
			size_t lc = cc_stmt_bytes(s, 2), ln = cc_stmt_bytes(s, 3);
			if (lc != last_lc || ln != last_ln || memcmp(c, last_chain, lc) != 0 ||
			    memcmp(nd, last_node, ln) != 0) {
				last_index = cc_node_index(cat, c, nd);
				/* Longer ids than these are no catalogue's: never cached. */
				last_lc = lc < sizeof last_chain ? lc : SIZE_MAX;
				last_ln = ln < sizeof last_node ? ln : SIZE_MAX;
				if (last_lc != SIZE_MAX && last_ln != SIZE_MAX) {
					memcpy(last_chain, c, lc);
					memcpy(last_node, nd, ln);
				}
			}
			o->node[k] = last_index;
		}
		o->val[k] = cc_stmt_double_nan(s, 4);
		o->share[k] = cc_stmt_double_nan(s, 5);
		if (b->n == CC_CODEMAP_BATCH && (rc = edge_batch_resolve(f, reg, o, b, err)) != 0)
			break;
	}
	if (rc == 0 && b->n)
		rc = edge_batch_resolve(f, reg, o, b, err);
	free(b);
	return rc > 0 ? 0 : rc;
}

/*
 * Resolves O's edges read before the registry (edges_read with no map): drops those whose
 * buyer is not in F, turns the buyers' store ids into F's indices and the suppliers' codes
 * into F's indices or outside ones, as edges_read would have, in the same order. 0 or
 * CC_ENOMEM.
 */
static int edges_resolve(const struct cc_frame *f, const struct cc_codemap *reg, struct edge_out *o,
			 struct cc_error *err)
{
	const int32_t *idmap = f->index_of_id;
	struct edge_batch *b = malloc(sizeof *b);
	if (!b)
		return cc_error_set(err, CC_ENOMEM, "out of memory building the frame");
	b->n = 0;
	int rc = 0;
	int64_t j = 0;
	for (int64_t k = 0; k < o->k && rc == 0; k++) {
		int32_t id = o->buy[k];
		if (id < 0 || id > f->max_id || idmap[id] < 0)
			continue;
		o->buy[j] = idmap[id];
		o->node[j] = o->node[k];
		o->val[j] = o->val[k];
		o->share[j] = o->share[k];
		memcpy(b->sup[b->n], o->code[k], 18);
		b->k[b->n++] = j++;
		if (b->n == CC_CODEMAP_BATCH)
			rc = edge_batch_resolve(f, reg, o, b, err);
	}
	if (rc == 0 && b->n)
		rc = edge_batch_resolve(f, reg, o, b, err);
	o->k = j;
	free(o->code);
	o->code = NULL;
	free(b);
	return rc;
}

/* The supply edges of rowids in [LO, HI) into O (with REG NULL, unresolved: edges_read).
 * 0 or a negative CC_E*. */
static int supply_part(struct cc_store *st, const struct cc_frame *f,
		       const struct cc_catalogue *cat, const struct cc_codemap *reg, int64_t lo,
		       int64_t hi, struct edge_out *o, struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	if (!reg && !o->code && !(o->code = malloc(sizeof *o->code * (size_t)o->cap)))
		return cc_error_set(err, CC_ENOMEM, "out of memory building the frame");
	int rc = cc_stmt_prepare(st, &s,
				 "SELECT supplier, buyer_id, chain, node, annual_value, share FROM "
				 "supply_edges WHERE rowid >= ?1 AND rowid < ?2",
				 err);
	if (rc)
		return rc;
	cc_stmt_bind_int64(s, 1, lo);
	cc_stmt_bind_int64(s, 2, hi);
	rc = edges_read(s, f, cat, reg, o, err);
	cc_stmt_free(s);
	return rc;
}

/* Appends B (read from rowids after A's) to A: B's outside suppliers numbered after A's, in
 * B's order of first appearance, as one reader of both ranges would have numbered them.
 * 0 or CC_ENOMEM. */
static int edge_out_append(struct edge_out *a, const struct edge_out *b, struct cc_error *err)
{
	int32_t *remap = malloc(sizeof *remap * ((size_t)b->nout + 1));
	if (!remap || edge_out_reserve(a, a->k + b->k + 1)) {
		free(remap);
		return cc_error_set(err, CC_ENOMEM, "out of memory building the frame");
	}
	for (int j = 0; j < b->nout; j++) {
		remap[j] = outside_index(a, b->ouscc[j]);
		if (!remap[j]) {
			free(remap);
			return cc_error_set(err, CC_ENOMEM, "out of memory building the frame");
		}
	}
	for (int64_t e = 0; e < b->k; e++) {
		int32_t x = b->sup[e];
		a->sup[a->k + e] = x >= 0 ? x : -remap[-x - 1];
	}
	size_t n = (size_t)b->k;
	memcpy(a->buy + a->k, b->buy, sizeof *b->buy * n);
	memcpy(a->node + a->k, b->node, sizeof *b->node * n);
	memcpy(a->val + a->k, b->val, sizeof *b->val * n);
	memcpy(a->share + a->k, b->share, sizeof *b->share * n);
	a->k += b->k;
	free(remap);
	return 0;
}

/* Hands O's suppliers, buyers and outside suppliers to F (O keeps its nodes, values and shares,
 * which edges_finish packs). */
static void edge_out_give(struct edge_out *o, struct cc_frame *f)
{
	f->edge_supplier = o->sup;
	f->edge_buyer = o->buy;
	f->nedges = (int)o->k;
	f->outside_uscc = o->ouscc;
	f->outside_region = o->oregion;
	f->noutside = o->nout;
	o->sup = o->buy = o->oregion = NULL;
	o->ouscc = NULL;
}

/* Builds f->node_edge_start for the edges of NODE (O's, node -1 for none; those go last) and
 * *PERM, the edges in that order (a stable counting sort). 0 or CC_ENOMEM; *PERM is the
 * caller's to free. */
static int edges_index(struct cc_frame *f, const struct cc_catalogue *cat, const int32_t *node,
		       int32_t **perm, struct cc_error *err)
{
	int k = f->nedges;
	f->node_edge_start = calloc((size_t)cat->nnodes + 2, sizeof *f->node_edge_start);
	*perm = malloc(sizeof **perm * (size_t)(k + 1));
	int32_t *fill = calloc((size_t)cat->nnodes + 2, sizeof *fill);
	int rc = 0;
	if (!f->node_edge_start || !*perm || !fill) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory building the frame");
		goto out;
	}
	for (int e = 0; e < k; e++)
		f->node_edge_start[(node[e] >= 0 ? node[e] : cat->nnodes) + 1]++;
	for (int n = 0; n <= cat->nnodes; n++)
		f->node_edge_start[n + 1] += f->node_edge_start[n];
	for (int e = 0; e < k; e++) {
		int n = node[e] >= 0 ? node[e] : cat->nnodes;
		(*perm)[f->node_edge_start[n] + fill[n]++] = e;
	}
out:
	free(fill);
	return rc;
}

/* Part of edges_permute: the suppliers and buyers (WHICH 0), or the values and shares (1) from
 * VAL and SHARE, packed as fixed point when exact (base/fixed.h). */
struct permute_job {
	struct cc_frame *f;
	const int32_t *perm;
	const double *val, *share;
	int which, rc;
};

/* TO (an edge column of F) from the doubles V in the order PERM: fixed point when exact, else
 * doubles. 0 or -1 when out of memory. */
static int pack_edges(const struct cc_frame *f, const double *v, const int32_t *perm,
		      struct cc_fixed *to)
{
	size_t k = (size_t)f->nedges;
	memset(to, 0, sizeof *to);
	/* The scale the first values need is nearly always the column's: one pass packs and
	 * checks; only when it fails is the whole column's scale found first. The values are
	 * packed in the store's order (a sequential pass) and the 4-byte results put in node
	 * order after: gathering the 8-byte values at random while packing cost twice as much. */
	double guess = cc_fixed_scale(v, k < 4096 ? k : 4096), scale = guess;
	int32_t *packed = scale > 0 ? malloc(sizeof *packed * (k + 1)) : NULL;
	for (int pass = 0; pass < 2 && packed && scale > 0; pass++) {
		if (cc_fixed_pack(v, NULL, k, scale, packed) == 0) {
			to->q = malloc(sizeof *to->q * (k + 1));
			if (!to->q) {
				free(packed);
				return -1;
			}
			to->scale = scale;
			for (size_t e = 0; e < k; e++)
				to->q[e] = packed[perm[e]];
			free(packed);
			return 0;
		}
		double all = pass == 0 ? cc_fixed_scale(v, k) : 0;
		scale = all > guess ? all : 0;
	}
	free(packed);
	to->d = malloc(sizeof *to->d * (k + 1));
	if (!to->d)
		return -1;
	for (size_t e = 0; e < k; e++)
		to->d[e] = v[perm[e]];
	return 0;
}

static void *permute_edges(void *arg)
{
	struct permute_job *j = arg;
	struct cc_frame *f = j->f;
	int k = f->nedges;
	const int32_t *perm = j->perm;
	if (j->which == 0) {
		int32_t **i32[] = {&f->edge_supplier, &f->edge_buyer};
		for (int a = 0; a < 2; a++) {
			int32_t *to = malloc(sizeof *to * (size_t)(k + 1));
			if (!to) {
				j->rc = -1;
				return NULL;
			}
			for (int e = 0; e < k; e++)
				to[e] = (*i32[a])[perm[e]];
			free(*i32[a]);
			*i32[a] = to;
		}
		return NULL;
	}
	if (pack_edges(f, j->val, perm, &f->edge_value) ||
	    pack_edges(f, j->share, perm, &f->edge_share))
		j->rc = -1;
	return NULL;
}

/* Puts F's edge arrays in the order PERM and packs VAL and SHARE (in the store's order) into
 * its value and share columns, on two threads. 0 or CC_ENOMEM. */
static int edges_permute(struct cc_frame *f, const int32_t *perm, const double *val,
			 const double *share, struct cc_error *err)
{
	struct permute_job j[2] = {{.f = f, .perm = perm, .which = 0},
				   {.f = f, .perm = perm, .val = val, .share = share, .which = 1}};
	pthread_t th;
	int two = f->nedges > 100000 && pthread_create(&th, NULL, permute_edges, &j[1]) == 0;
	permute_edges(&j[0]);
	if (two)
		pthread_join(th, NULL);
	else
		permute_edges(&j[1]);
	if (j[0].rc || j[1].rc)
		return cc_error_set(err, CC_ENOMEM, "out of memory building the frame");
	return 0;
}

/*
 * Finishes F's supply edges from A (the parts' edges, appended in storage order, freed here):
 * hands them to F, sorted by node, so a node's edges are one contiguous run (analytics walk
 * them in order instead of jumping around ten million edges) and each edge's node is where it
 * lies. 0 or a negative CC_E*; the arrays are F's either way.
 */
static int edges_finish(struct cc_frame *f, const struct cc_catalogue *cat, struct edge_out *a,
			struct cc_error *err)
{
	int32_t *perm = NULL;
	edge_out_give(a, f);
	int rc = edges_index(f, cat, a->node, &perm, err);
	if (rc == 0)
		rc = edges_permute(f, perm, a->val, a->share, err);
	free(perm);
	edge_out_free(a);
	return rc;
}

/* The member and edge arrays of F (malloc'd by load_members and load_supply) handed to owned
 * heap columns: these sections are loaded whole, never patched in place. */
static int adopt_members(struct cc_frame *f)
{
	size_t m = (size_t)f->nmembers + 1;
	int bad = 0;
	bad |= col_adopt(f, COL_MSTART, f->member_start, sizeof(int32_t) * ((size_t)f->n + 1));
	bad |= col_adopt(f, COL_MNODE, f->member_node, sizeof(int32_t) * m);
	bad |= col_adopt(f, COL_MROLE, f->member_role, m);
	bad |= col_adopt(f, COL_NSTART, f->node_start, sizeof(int32_t) * ((size_t)f->nnodes + 1));
	bad |= col_adopt(f, COL_NENT, f->node_ent, sizeof(int32_t) * m);
	return bad;
}

static int adopt_edges(struct cc_frame *f)
{
	size_t e = (size_t)f->nedges + 1, o = (size_t)f->noutside + 1;
	int bad = 0;
	bad |= col_adopt(f, COL_ESUP, f->edge_supplier, sizeof(int32_t) * e);
	bad |= col_adopt(f, COL_EBUY, f->edge_buyer, sizeof(int32_t) * e);
	bad |= f->edge_value.q ? col_adopt(f, COL_EVAL, f->edge_value.q, sizeof(int32_t) * e)
			       : col_adopt(f, COL_EVAL, f->edge_value.d, sizeof(double) * e);
	bad |= f->edge_share.q ? col_adopt(f, COL_ESHARE, f->edge_share.q, sizeof(int32_t) * e)
			       : col_adopt(f, COL_ESHARE, f->edge_share.d, sizeof(double) * e);
	bad |= col_adopt(f, COL_NESTART, f->node_edge_start,
			 sizeof(int32_t) * ((size_t)f->nnodes + 2));
	bad |= col_adopt(f, COL_OUSCC, f->outside_uscc, 19 * o);
	bad |= col_adopt(f, COL_OREGION, f->outside_region, sizeof(int32_t) * o);
	return bad;
}

static int reload_members(struct cc_store *st, struct cc_frame *f, const struct cc_catalogue *cat,
			  struct cc_error *err)
{
	f->member_start = f->member_node = f->node_start = f->node_ent = NULL;
	f->member_role = NULL;
	f->nmembers = 0;
	int rc = load_members(st, f, f->index_of_id, f->max_id, cat, err);
	if (adopt_members(f) && rc == 0)
		rc = cc_error_set(err, CC_ENOMEM, "out of memory building the frame");
	return rc;
}

/* What a build reads on one or two connections (load_parts, below). */
enum { PART_INDICATORS = 1, PART_EDGES = 2, PART_MEMBERS = 4 };
struct side;
static int load_parts(struct cc_store *st, struct cc_store *st2, struct cc_frame *f, unsigned what,
		      const struct cc_catalogue *cat, const int32_t *scan_perm,
		      const int64_t *id_cut, int fill, struct side *sd, int *outside,
		      struct cc_error *err);

static int reload_supply(struct cc_store *st, struct cc_frame *f, const struct cc_catalogue *cat,
			 struct cc_error *err)
{
	f->edge_supplier = f->edge_buyer = f->node_edge_start = NULL;
	memset(&f->edge_value, 0, sizeof f->edge_value);
	memset(&f->edge_share, 0, sizeof f->edge_share);
	f->outside_uscc = NULL;
	f->outside_region = NULL;
	f->nedges = f->noutside = 0;
	/* On two connections when a second one on the same snapshot can be had (the follow's
	 * read transaction is open), as a build reads them. */
	struct cc_store *st2 = cc_store_same_snapshot(st, cc_store_log_seq(st));
	int rc = load_parts(st, st2, f, PART_EDGES, cat, NULL, NULL, 0, NULL, NULL, err);
	if (st2)
		cc_store_close(st2);
	return rc;
}

/*
 * A new version holding OLD's data: its fields (not the reference count or the caches, which
 * readers of OLD change concurrently), every column and the strings shared. NULL when out of
 * memory.
 */
static struct cc_frame *frame_clone(struct cc_frame *old)
{
	struct cc_frame *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	size_t from = offsetof(struct cc_frame, generation), to = offsetof(struct cc_frame, ext);
	/* Under the lock: a reader of OLD may be making a derived column of it. */
	pthread_mutex_lock(&derive_lock);
	memcpy((char *)f + from, (const char *)old + from, to - from);
	f->refs = 1;
	for (int k = 0; k < COL_END; k++)
		cc_col_retain(f->own[k]);
	pthread_mutex_unlock(&derive_lock);
	__atomic_add_fetch(&f->str->refs, 1, __ATOMIC_RELAXED);
	return f;
}

static double mono_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void seal_all(struct cc_frame *f)
{
	for (int k = 0; k < COL_END; k++)
		cc_col_seal(f->own[k]);
}

/*
 * The work of load_parts as items two threads take in turn (each on its own connection): the
 * two halves of the supply edges (by rowid; only the first when the build's second thread read
 * the second early), the memberships, then the indicators in PART_CHUNKS ranges of enterprise
 * ids. A thread takes the next item when it is done with one, so neither waits for the other
 * at the end (a fixed half each left one thread idle for ~0.5 s at 1M).
 */
struct parts_queue {
	struct part proto;	  /* what every item shares (f, cat, reg, scan_perm, …) */
	const int64_t *id_cut;	  /* PART_CHUNKS + 1 enterprise ids: chunk k is [k, k+1) */
	int64_t row_mid;	  /* the edges' halves: [INT64_MIN, mid) and [mid, max) */
	struct edge_out *eo;	  /* eo[0] and eo[1]: each half's edges */
	int nitems, next, failed; /* next and failed: atomic */
	int supply, members;	  /* supply: the edge halves in the queue (0, 1 or 2) */
};

/*
 * The second connection of a build, on its own thread from the start. While the first reads
 * the registry (~1 s at 1M firms, which everything else needs to place its rows) it finds the
 * periods held and makes the annual columns, then, when the build reads supply edges, reads
 * the second half of them without the registry (supplier codes and buyer store ids kept:
 * edges_read with no map). When the first has read the registry it hands over the parts
 * queue (side_go); this thread resolves its half (edges_resolve) and takes items from the
 * queue with it. Before, this thread sat idle for most of the registry's second.
 */
struct side {
	struct cc_store *st;
	struct cc_frame *f;
	const struct cc_catalogue *cat;
	int monthly, edges, rc;
	struct periods per;
	size_t n; /* the enterprises it made the annual columns for */
	int cols_made;
	struct cc_error err;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int ready; /* 1: the periods and the edges' rowid range are known (or rc is set) */
	int go;	   /* 1: queue is set, or the first thread gave up (queue NULL) */
	/* The edges' rowids: [row_lo, row_hi), split at row_mid; total rows. */
	int64_t row_lo, row_hi, row_mid, total;
	struct edge_out early; /* the second half of the edges, read early */
	int early_rc;	       /* and how that went (the first thread reads it after the join) */
	struct cc_error early_err;
	double early_seconds;
	struct parts_queue *queue;
	struct part *me; /* this thread's part of the queue (its connection, timings, error) */
	pthread_t th;
	int running; /* the thread was started and not joined yet */
};

static void side_signal(struct side *sd, int *flag)
{
	pthread_mutex_lock(&sd->lock);
	*flag = 1;
	pthread_cond_broadcast(&sd->cond);
	pthread_mutex_unlock(&sd->lock);
}

static void side_wait(struct side *sd, const int *flag)
{
	pthread_mutex_lock(&sd->lock);
	while (!*flag)
		pthread_cond_wait(&sd->cond, &sd->lock);
	pthread_mutex_unlock(&sd->lock);
}

/* Hands Q (NULL: the build gave up) and the part ME to the second thread. */
static void side_go(struct side *sd, struct parts_queue *q, struct part *me)
{
	pthread_mutex_lock(&sd->lock);
	sd->queue = q;
	sd->me = me;
	sd->go = 1;
	pthread_cond_broadcast(&sd->cond);
	pthread_mutex_unlock(&sd->lock);
}

/* Waits for the second thread to end (no-op when it is not running). */
static void side_join(struct side *sd)
{
	if (!sd->running)
		return;
	if (!sd->go)
		side_go(sd, NULL, NULL);
	pthread_join(sd->th, NULL);
	sd->running = 0;
}

static void *part_run(void *arg);

static void *side_main(void *arg)
{
	struct side *sd = arg;
	sd->rc = read_periods(sd->st, sd->monthly, period_sample(), &sd->per, &sd->err);
	if (sd->rc == 0) {
		int64_t n = cc_store_int(sd->st, "SELECT count(*) FROM enterprises", -1);
		if (n >= 0) {
			sd->n = (size_t)n;
			sd->rc = make_period_columns(sd->f, &sd->per, sd->n, &sd->err);
			sd->cols_made = sd->rc == 0;
		}
	}
	if (sd->rc == 0 && sd->edges) {
		sd->total = cc_store_int(sd->st, "SELECT count(*) FROM supply_edges", 0);
		sd->row_lo = cc_store_int(sd->st, "SELECT min(rowid) FROM supply_edges", 0);
		sd->row_hi = cc_store_int(sd->st, "SELECT max(rowid) FROM supply_edges", 0) + 1;
		sd->row_mid = sd->row_lo + (sd->row_hi - sd->row_lo) / 2;
		sd->rc = edge_out_init(&sd->early, sd->total / 2 + 1, &sd->err);
	}
	int early = sd->rc == 0 && sd->edges;
	side_signal(sd, &sd->ready); /* rc and err are the first thread's to read from here */
	if (early) {
		double t0 = mono_seconds();
		sd->early_rc = supply_part(sd->st, sd->f, sd->cat, NULL, sd->row_mid, INT64_MAX,
					   &sd->early, &sd->early_err);
		sd->early_seconds = mono_seconds() - t0;
	}
	side_wait(sd, &sd->go);
	struct parts_queue *q = sd->queue;
	if (!q)
		return NULL;
	if (early && sd->early_rc == 0) {
		double t0 = mono_seconds();
		sd->early_rc = edges_resolve(sd->f, q->proto.reg, &sd->early, &sd->early_err);
		sd->early_seconds += mono_seconds() - t0;
	}
	if (sd->early_rc) {
		__atomic_store_n(&q->failed, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	part_run(sd->me);
	return NULL;
}

/* Item K of Q on connection ST, with timings added to SECONDS (indicators, edges,
 * members). 0 or a negative CC_E* with the reason in ERR. */
static int part_item(struct parts_queue *q, int k, struct cc_store *st, double *seconds,
		     struct cc_error *err)
{
	struct part p = q->proto;
	p.st = st;
	double t0 = mono_seconds();
	int rc, slot;
	int nedge = q->supply, nmem = q->members ? 1 : 0;
	if (k < nedge) {
		rc = supply_part(st, p.f, p.cat, p.reg, k ? q->row_mid : INT64_MIN,
				 k ? INT64_MAX : q->row_mid, &q->eo[k], err);
		slot = 1;
	} else if (k < nedge + nmem) {
		rc = reload_members(st, p.f, p.cat, err);
		slot = 2;
	} else {
		int c = k - nedge - nmem;
		p.id_lo = q->id_cut[c];
		p.id_hi = q->id_cut[c + 1];
		size_t M = (size_t)p.f->n;
		p.pos_lo = M * (size_t)c / PART_CHUNKS;
		p.pos_hi = M * (size_t)(c + 1) / PART_CHUNKS;
		rc = indicators_part(&p);
		if (rc)
			cc_error_set(err, rc, "%s", p.err.msg);
		slot = 0;
	}
	seconds[slot] += mono_seconds() - t0;
	return rc;
}

/* One thread's share of Q: items until none is left or one failed. */
static void *part_run(void *arg)
{
	struct part *me = arg; /* st, seconds, rc and err are this thread's */
	struct parts_queue *q = me->queue;
	for (;;) {
		int k = __atomic_fetch_add(&q->next, 1, __ATOMIC_RELAXED);
		if (k >= q->nitems || __atomic_load_n(&q->failed, __ATOMIC_RELAXED))
			break;
		me->rc = part_item(q, k, me->st, me->seconds, &me->err);
		if (me->rc) {
			__atomic_store_n(&q->failed, 1, __ATOMIC_RELAXED);
			break;
		}
	}
	return NULL;
}

/*
 * The indicators, supply edges and memberships of F on one or two threads (the second reads
 * through ST2, a connection on the same snapshot), as the items of a parts_queue; then the
 * indicator columns are put in frame order and the second half's edges appended to the
 * first's. ID_CUT (PART_CHUNKS + 1 ids, NULL when no indicators are read) splits the
 * indicators; with FILL each chunk fills its annual rows with NaN first. SD (NULL for none):
 * a build's second thread, already running on ST2, which has read the second half of the
 * edges (when WHAT has them) and takes its share of the queue from here. *OUTSIDE (may be
 * NULL) tells whether an indicator row lay outside F's periods (the build reads again). 0 or
 * a negative CC_E*.
 */
static int load_parts(struct cc_store *st, struct cc_store *st2, struct cc_frame *f, unsigned what,
		      const struct cc_catalogue *cat, const int32_t *scan_perm,
		      const int64_t *id_cut, int fill, struct side *sd, int *outside,
		      struct cc_error *err)
{
	int out_flag = 0;
	int supply = (what & PART_EDGES) != 0;
	int inds = (what & PART_INDICATORS) != 0 && id_cut;
	int two = st2 != NULL;
	int early = sd && supply; /* the second half of the edges is SD's */
	pthread_mutex_t month_lock = PTHREAD_MUTEX_INITIALIZER;
	struct cc_codemap reg = {0};
	struct edge_out eo[2];
	memset(eo, 0, sizeof eo);
	int64_t row_lo = 0, row_hi = 0, total = 0;
	int rc = 0;
	if (supply) {
		if (early) {
			total = sd->total;
			row_lo = sd->row_lo;
			row_hi = sd->row_hi;
		} else {
			total = cc_store_int(st, "SELECT count(*) FROM supply_edges", 0);
			row_lo = cc_store_int(st, "SELECT min(rowid) FROM supply_edges", 0);
			row_hi = cc_store_int(st, "SELECT max(rowid) FROM supply_edges", 0) + 1;
		}
		rc = registry_map_build(f, &reg, err);
		if (rc == 0)
			rc = edge_out_init(&eo[0], total + 1, err);
		if (rc == 0 && !early)
			rc = edge_out_init(&eo[1], total / 2 + 1, err);
	}
	struct parts_queue q = {.proto = {.f = f,
					  .cat = cat,
					  .scan_perm = scan_perm,
					  .reg = &reg,
					  .fill = fill,
					  .outside = &out_flag,
					  .month_lock = &month_lock},
				.id_cut = id_cut,
				.row_mid = early ? sd->row_mid : row_lo + (row_hi - row_lo) / 2,
				.eo = eo,
				.supply = supply ? 2 - early : 0,
				.members = (what & PART_MEMBERS) != 0};
	q.nitems = q.supply + (q.members ? 1 : 0) + (inds ? PART_CHUNKS : 0);
	/* Each thread's own state: its connection, timings and error. */
	struct part p[2] = {{.st = st, .queue = &q}, {.st = st2, .queue = &q}};
	pthread_t th;
	if (sd) {
		side_go(sd, rc == 0 ? &q : NULL, &p[1]);
		if (rc == 0)
			part_run(&p[0]);
		side_join(sd);
		if (early) {
			p[1].seconds[1] += sd->early_seconds;
			eo[1] = sd->early; /* moved: SD's copy is forgotten */
			memset(&sd->early, 0, sizeof sd->early);
		}
		if (rc == 0 && sd->early_rc)
			rc = cc_error_set(err, sd->early_rc, "%s", sd->early_err.msg);
		if (rc == 0)
			rc = p[0].rc   ? cc_error_set(err, p[0].rc, "%s", p[0].err.msg)
			     : p[1].rc ? cc_error_set(err, p[1].rc, "%s", p[1].err.msg)
				       : 0;
	} else if (rc == 0) {
		two = two && pthread_create(&th, NULL, part_run, &p[1]) == 0;
		part_run(&p[0]);
		if (two)
			pthread_join(th, NULL);
		rc = p[0].rc	      ? cc_error_set(err, p[0].rc, "%s", p[0].err.msg)
		     : two && p[1].rc ? cc_error_set(err, p[1].rc, "%s", p[1].err.msg)
				      : 0;
	}
	cc_codemap_free(&reg);
	if (outside)
		*outside = out_flag;
	double t0 = mono_seconds();
	if (rc == 0 && inds && !out_flag)
		rc = columns_to_frame_order(f, scan_perm, st2 ? 2 : 1, err);
	double t1 = mono_seconds();
	if (supply) {
		if (rc == 0)
			rc = edge_out_append(&eo[0], &eo[1], err);
		edge_out_free(&eo[1]); /* before packing: the peak is lower */
		int rf = edges_finish(f, cat, &eo[0], err);
		rc = rc ? rc : rf;
		if (adopt_edges(f) && rc == 0)
			rc = cc_error_set(err, CC_ENOMEM, "out of memory building the frame");
	}
	edge_out_free(&eo[1]);
	edge_out_free(&eo[0]);
	if (getenv("CC_FRAME_TIMING"))
		fprintf(stderr,
			"frame parts (%d thread%s, seconds of each): indicators %.2f / %.2f, "
			"edges %.2f / %.2f%s, members %.2f / %.2f; columns in frame order %.2f s, "
			"edges by node %.2f s\n",
			two ? 2 : 1, two ? "s" : "", p[0].seconds[0], p[1].seconds[0],
			p[0].seconds[1], p[1].seconds[1],
			early ? " (the second's from the registry's start)" : "", p[0].seconds[2],
			p[1].seconds[2], t1 - t0, mono_seconds() - t1);
	return rc;
}

/*
 * Builds F's data inside a read transaction the caller opened. With a second connection on
 * the same snapshot (two cores), a second thread finds the periods and reads half of the
 * supply edges while the registry loads (struct side), and then both read the rest of the
 * indicators, edges and memberships (load_parts).
 */
static int build_in_tx(struct cc_store *st, struct cc_frame *f, int flags,
		       const struct cc_catalogue *cat, struct cc_error *err)
{
	int32_t *idmap = NULL, *scan_perm = NULL;
	int64_t maxid = 0, id_cut[PART_CHUNKS + 1];
	f->generation = cc_store_generation(st);
	f->seq = cc_store_log_seq(st);
	f->flags = flags;
	/* CC_FRAME_TIMING=1 prints each phase's seconds on stderr (benchmarks). */
	int timing = getenv("CC_FRAME_TIMING") != NULL;
	double t[4];
	t[0] = mono_seconds();
	int registry_only = (flags & CC_FRAME_REGISTRY) != 0;
	unsigned parts = PART_MEMBERS | (registry_only ? 0 : PART_INDICATORS) |
			 (flags & (CC_FRAME_NO_SUPPLY | CC_FRAME_REGISTRY) ? 0 : PART_EDGES);
	struct side sd = {.f = f,
			  .cat = cat,
			  .monthly = (flags & CC_FRAME_MONTHLY) != 0,
			  .edges = (parts & PART_EDGES) != 0};
	pthread_mutex_init(&sd.lock, NULL);
	pthread_cond_init(&sd.cond, NULL);
	f->nnodes = cat->nnodes; /* before the threads: both sections read it */
	sd.st = registry_only ? NULL : cc_store_same_snapshot(st, f->seq);
	sd.running = sd.st && pthread_create(&sd.th, NULL, side_main, &sd) == 0;
	int ascending = 0, outside = 0;
	int rc = load_enterprises(st, f, &idmap, &maxid, &scan_perm, id_cut, &ascending, err);
	/* Kept: readers map a store id to the frame's index with cc_frame_of_id. */
	f->index_of_id = idmap;
	f->max_id = maxid;
	t[1] = mono_seconds();
	if (sd.running) {
		side_wait(&sd, &sd.ready);
		if (rc == 0 && sd.rc)
			rc = cc_error_set(err, sd.rc, "%s", sd.err.msg);
	} else if (rc == 0 && !registry_only) {
		rc = read_periods(st, sd.monthly, period_sample(), &sd.per, err);
	}
	if (rc == 0 && !(sd.cols_made && sd.n == (size_t)f->n))
		rc = make_period_columns(f, &sd.per, (size_t)f->n, err);
	if (rc == 0 && !ascending)
		fill_annual(f, 0, (size_t)f->n);
	t[2] = mono_seconds();
	if (rc == 0)
		rc = load_parts(st, sd.st, f, parts, cat, scan_perm, id_cut, ascending,
				sd.running ? &sd : NULL, &outside, err);
	double t_again = mono_seconds();
	if (rc == 0 && outside) {
		/* A row outside the sampled periods: the periods in full and the indicators again
		 * (the edges and memberships read stand). */
		for (int m = 0; m < CC_M_BASE_COUNT; m++)
			if (f->monthly[m]) {
				cc_col_release(f->own[COL_MONTHLY0 + m]);
				f->own[COL_MONTHLY0 + m] = NULL;
				f->monthly[m] = NULL;
			}
		rc = read_periods(st, sd.monthly, 0, &sd.per, err);
		if (rc == 0)
			rc = make_period_columns(f, &sd.per, (size_t)f->n, err);
		if (rc == 0 && !ascending)
			fill_annual(f, 0, (size_t)f->n);
		if (rc == 0)
			rc = load_parts(st, sd.st, f, PART_INDICATORS, cat, scan_perm, id_cut,
					ascending, NULL, &outside, err);
		if (rc == 0 && outside)
			rc = cc_error_set(err, CC_EDB, "indicator periods changed during a build");
		if (timing)
			fprintf(stderr,
				"frame build: periods outside those sampled, read again in %.2f s\n",
				mono_seconds() - t_again);
	}
	side_join(&sd); /* when load_parts was not reached (it joins it otherwise) */
	edge_out_free(&sd.early);
	free(scan_perm);
	if (sd.st) {
		cc_store_exec(sd.st, "COMMIT", NULL);
		cc_store_close(sd.st);
	}
	pthread_cond_destroy(&sd.cond);
	pthread_mutex_destroy(&sd.lock);
	seal_all(f);
	t[3] = mono_seconds();
	if (timing)
		fprintf(stderr,
			"frame build (%s): registry %.2f s, periods and annual columns %.2f s, "
			"indicators, edges and members %.2f s\n",
			sd.st ? "two connections" : "one connection", t[1] - t[0], t[2] - t[1],
			t[3] - t[2]);
	return rc;
}

int cc_frame_build(struct cc_store *st, int flags, struct cc_frame **out, struct cc_error *err)
{
	int rc = 0;
	*out = NULL;
	const struct cc_catalogue *cat = cc_catalogue_get(err);
	if (!cat)
		return CC_EINVAL;
	struct cc_frame *f = calloc(1, sizeof *f);
	if (!f)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	f->refs = 1;
	f->str = strings_new(1 << 20, NULL);
	if (!f->str) {
		free(f);
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	}
	/* One read transaction, so every table is seen at the same generation. */
	rc = cc_store_exec(st, "BEGIN", err);
	if (rc == 0) {
		rc = build_in_tx(st, f, flags, cat, err);
		cc_store_exec(st, "COMMIT", NULL);
	}
	if (rc) {
		cc_frame_release(f);
		return rc;
	}
	*out = f;
	return 0;
}

/* ---- following the change log ---- */

#define FOLLOW_MAX 200000 /* changes read at once; more than this and the frame is rebuilt */

static int same_double(double a, double b)
{
	return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b));
}

/* One patch in progress: a column patch per owned column touched. */
struct patcher {
	struct cc_frame *f;
	struct cc_col_patch *p[COL_END];
	int failed;
};

/* A writable pointer to byte OFF of column K of the new version. */
static void *patch_at(struct patcher *pt, int k, size_t off)
{
	if (!pt->p[k]) {
		pt->p[k] = cc_col_patch_begin(pt->f->own[k]);
		if (!pt->p[k]) {
			pt->failed = 1;
			return NULL;
		}
	}
	void *q = cc_col_patch_at(pt->p[k], off);
	if (!q)
		pt->failed = 1;
	return q;
}

/* Element IDX (SIZE bytes) of column K of the new version set to the bytes at V, when they
 * differ from the old version's (only changed bits cost a block). */
static void patch_value(struct patcher *pt, int k, size_t idx, const void *v, size_t size)
{
	const char *cur = (const char *)pt->f->own[k]->data + idx * size;
	if (memcmp(cur, v, size) == 0)
		return;
	void *q = patch_at(pt, k, idx * size);
	if (q)
		memcpy(q, v, size);
}

#define PATCH(pt, k, idx, type, val)                                                               \
	do {                                                                                       \
		type v_ = (val);                                                                   \
		patch_value(pt, k, idx, &v_, sizeof v_);                                           \
	} while (0)

/* A double column's value: unchanged also when both are NaN whatever their bits (the rule of
 * same_double, which the delta uses too), so an unknown value never copies a block. */
static void patch_double(struct patcher *pt, int k, size_t idx, double v)
{
	const double *cur = (const double *)pt->f->own[k]->data + idx;
	if (!same_double(*cur, v))
		patch_value(pt, k, idx, &v, sizeof v);
}

/* Ends every column patch: the new version's columns replace the shared ones. */
static int patcher_end(struct patcher *pt)
{
	for (int k = 0; k < COL_END; k++) {
		if (!pt->p[k])
			continue;
		if (pt->failed) {
			cc_col_patch_abort(pt->p[k]);
			pt->p[k] = NULL;
			continue;
		}
		struct cc_col *c = cc_col_patch_end(pt->p[k]);
		pt->p[k] = NULL;
		if (!c) {
			pt->failed = 1;
			continue;
		}
		cc_col_release(pt->f->own[k]);
		pt->f->own[k] = c;
	}
	return pt->failed ? -1 : 0;
}

/* Points F's arrays at its owned columns (after columns were replaced). */
static void repoint(struct cc_frame *f)
{
#define P(field, k) f->field = f->own[k] ? (void *)f->own[k]->data : NULL
	P(id, COL_ID);
	P(uscc, COL_USCC);
	P(name, COL_NAME);
	P(region, COL_REGION);
	P(industry, COL_INDUSTRY);
	P(founded, COL_FOUNDED);
	P(created, COL_CREATED);
	P(index_of_id, COL_IDMAP);
	P(scale, COL_SCALE);
	P(listed, COL_LISTED);
	P(certs, COL_CERTS);
	for (int m = 0; m < CC_M_COUNT; m++)
		P(annual[m], COL_ANNUAL0 + m);
	for (int m = 0; m < CC_M_BASE_COUNT; m++)
		P(monthly[m], COL_MONTHLY0 + m);
#undef P
}

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

/* Registry fields of enterprise I (store id ID) read again. Returns 0, 1 when the row is
 * gone (structural: rebuild), or a negative CC_E*. */
static int patch_registry(struct cc_store *st, struct patcher *pt, int i, int64_t id,
			  struct cc_error *err)
{
	static const char sql[] = REGISTRY_COLS " WHERE id = ?1";
	struct cc_frame *f = pt->f;
	struct cc_stmt *s = cc_stmt_cached(st, sql, err);
	struct registry_row r;
	if (!s)
		return CC_EDB;
	cc_stmt_bind_int64(s, 1, id);
	int rc = cc_stmt_step(s, err);
	if (rc != 1) {
		cc_stmt_reset(s);
		return rc < 0 ? rc : 1;
	}
	registry_row(s, &r);
	if (memcmp(r.uscc, f->uscc[i], 18) != 0) {
		cc_stmt_reset(s);
		return 1;
	}
	if (strcmp(r.name, f->name[i]) != 0) {
		const char *copy = cc_arena_strndup(&f->str->a, r.name, r.name_len);
		if (!copy)
			pt->failed = 1;
		else
			PATCH(pt, COL_NAME, (size_t)i, const char *, copy);
	}
	if (!r.industry) {
		PATCH(pt, COL_INDUSTRY, (size_t)i, const char *, NULL);
	} else if (!f->industry[i] || strcmp(f->industry[i], r.industry) != 0) {
		const char *copy = cc_arena_strdup(&f->str->a, r.industry);
		if (!copy)
			pt->failed = 1;
		else
			PATCH(pt, COL_INDUSTRY, (size_t)i, const char *, copy);
	}
	PATCH(pt, COL_REGION, (size_t)i, int32_t, r.region);
	PATCH(pt, COL_FOUNDED, (size_t)i, int32_t, r.founded);
	PATCH(pt, COL_CREATED, (size_t)i, int32_t, r.created);
	PATCH(pt, COL_SCALE, (size_t)i, uint8_t, r.scale);
	PATCH(pt, COL_LISTED, (size_t)i, uint8_t, r.listed);
	PATCH(pt, COL_CERTS, (size_t)i, uint8_t, r.certs);
	cc_stmt_reset(s);
	return 0;
}

/* The base metrics of one indicator row (made once: the statement cache keys it by address). */
static char indicator_sql[1024];
static pthread_once_t indicator_sql_once = PTHREAD_ONCE_INIT;
static void indicator_sql_make(void)
{
	size_t used = 0;
	for (int m = 0; m < CC_M_BASE_COUNT; m++)
		used += (size_t)snprintf(indicator_sql + used, sizeof indicator_sql - used, "%s%s",
					 m ? ", " : "SELECT ", cc_metric_get(m)->key);
	snprintf(indicator_sql + used, sizeof indicator_sql - used,
		 " FROM indicators WHERE enterprise_id = ?1 AND period = ?2");
}

/*
 * Indicator row (ID, PERIOD) of enterprise I read again into the base columns. Returns 0
 * (*YEAR = the frame's year index touched, or -1 for a month), 1 when the change is
 * structural for this frame (a year or month it does not hold, the last row of a boundary
 * year or month deleted, a monthly column appearing or emptied), or a negative CC_E*.
 */
static int patch_indicator(struct cc_store *st, struct patcher *pt, int i, int64_t id, int period,
			   int *year, struct cc_error *err)
{
	struct cc_frame *f = pt->f;
	size_t N = (size_t)f->n;
	pthread_once(&indicator_sql_once, indicator_sql_make);
	struct cc_stmt *s = cc_stmt_cached(st, indicator_sql, err);
	if (!s)
		return CC_EDB;
	cc_stmt_bind_int64(s, 1, id);
	cc_stmt_bind_int64(s, 2, period);
	int rc = cc_stmt_step(s, err);
	if (rc < 0) {
		cc_stmt_reset(s);
		return rc;
	}
	int present = rc == 1;
	double v[CC_M_BASE_COUNT];
	for (int m = 0; m < CC_M_BASE_COUNT; m++)
		v[m] = present && !cc_stmt_is_null(s, m) ? cc_stmt_double(s, m) : NAN;
	cc_stmt_reset(s);
	*year = -1;
	if (period % 100 == 0) {
		int y = period / 100 - f->year0;
		if (f->nyears == 0 || y < 0 || y >= f->nyears)
			return present ? 1 : 0;
		if (!present && (y == 0 || y == f->nyears - 1))
			return 1; /* the year may be gone: a build would not hold it */
		for (int m = 0; m < CC_M_BASE_COUNT; m++)
			patch_double(pt, COL_ANNUAL0 + m, (size_t)y * N + (size_t)i, v[m]);
		*year = y;
		return 0;
	}
	if (!(f->flags & CC_FRAME_MONTHLY))
		return 0;
	int k = period / 100 * 12 + period % 100 - 1 - f->month0;
	if (f->nmonths == 0 || k < 0 || k >= f->nmonths)
		return present ? 1 : 0;
	if (!present)
		return 1;
	for (int m = 0; m < CC_M_BASE_COUNT; m++) {
		if (!f->monthly[m]) {
			if (!isnan(v[m]))
				return 1; /* a build would make this column */
			continue;
		}
		double old = f->monthly[m][(size_t)k * N + (size_t)i];
		if (!isnan(old) && isnan(v[m]))
			return 1; /* it may have been the column's last value */
		patch_double(pt, COL_MONTHLY0 + m, (size_t)k * N + (size_t)i, v[m]);
	}
	return 0;
}

/* Derived metrics of enterprise I for year index Y computed again (as the build does). */
static void rederive(struct patcher *pt, int i, int y)
{
	struct cc_frame *f = pt->f;
	size_t N = (size_t)f->n;
	double cur[CC_M_COUNT], prev[CC_M_COUNT], prev3[CC_M_COUNT];
	for (int m = 0; m < CC_M_BASE_COUNT; m++) {
		const double *col = pt->p[COL_ANNUAL0 + m] ? NULL : f->annual[m];
		/* Read through the patch when the column has one (its staged block is current). */
		const double *at_y, *at_1, *at_3;
		if (col) {
			at_y = col + (size_t)y * N + (size_t)i;
			at_1 = y >= 1 ? col + (size_t)(y - 1) * N + (size_t)i : NULL;
			at_3 = y >= 3 ? col + (size_t)(y - 3) * N + (size_t)i : NULL;
		} else {
			struct cc_col_patch *p = pt->p[COL_ANNUAL0 + m];
			at_y = cc_col_patch_at(p, ((size_t)y * N + (size_t)i) * sizeof(double));
			at_1 = y >= 1 ? cc_col_patch_at(p, ((size_t)(y - 1) * N + (size_t)i) *
								   sizeof(double))
				      : NULL;
			at_3 = y >= 3 ? cc_col_patch_at(p, ((size_t)(y - 3) * N + (size_t)i) *
								   sizeof(double))
				      : NULL;
			if (!at_y || (y >= 1 && !at_1) || (y >= 3 && !at_3)) {
				pt->failed = 1;
				return;
			}
		}
		cur[m] = *at_y;
		prev[m] = at_1 ? *at_1 : NAN;
		prev3[m] = at_3 ? *at_3 : NAN;
	}
	cc_derive(cur, y >= 1 ? prev : NULL, y >= 3 ? prev3 : NULL, cur);
	/* The derived columns the version holds (made before it was cloned); the others are
	 * made from the patched base columns when first read. */
	for (int m = CC_M_BASE_COUNT; m < CC_M_COUNT; m++)
		if (f->own[COL_ANNUAL0 + m])
			patch_double(pt, COL_ANNUAL0 + m, (size_t)y * N + (size_t)i, cur[m]);
}

/* Which annual metrics differ between A and B for the enterprises ENT (bit m). */
static uint64_t metrics_changed(const struct cc_frame *a, const struct cc_frame *b,
				const int32_t *ent, int n)
{
	uint64_t bits = 0;
	for (int m = 0; m < CC_M_COUNT; m++) {
		const struct cc_derive_rule *r = cc_derive_rule(m);
		if (r && (!__atomic_load_n(&a->annual[m], __ATOMIC_ACQUIRE) ||
			  !__atomic_load_n(&b->annual[m], __ATOMIC_ACQUIRE))) {
			/* Not made in one of them (A may have made it since B was cloned): changed
			 * when an input changed. Base metrics come first, so their bits are set. */
			if ((bits >> r->a & 1) || (r->b >= 0 && (bits >> r->b & 1)))
				bits |= 1ull << m;
			continue;
		}
		if (a->own[COL_ANNUAL0 + m] == b->own[COL_ANNUAL0 + m])
			continue;
		for (int y = 0; y < a->nyears && !(bits >> m & 1); y++)
			for (int k = 0; k < n; k++) {
				size_t at = (size_t)y * (size_t)a->n + (size_t)ent[k];
				if (!same_double(a->annual[m][at], b->annual[m][at])) {
					bits |= 1ull << m;
					break;
				}
			}
	}
	return bits;
}

/*
 * The caches of OLD carried to F by their policies; those dropped that OLD had made are
 * listed in *REMAKE (bit slot) for the follower to make again.
 */
static void follow_ext(struct cc_frame *old, struct cc_frame *f, const struct cc_frame_delta *d,
		       unsigned *remake)
{
	*remake = 0;
	for (int slot = 0; slot < CC_FRAME_SLOTS; slot++) {
		struct cc_frame_extref *e = __atomic_load_n(&old->ext[slot], __ATOMIC_ACQUIRE);
		if (!e)
			continue;
		unsigned hit = d->what;
		if (policies[slot].set) {
			hit &= policies[slot].what;
			if ((hit & CC_DELTA_IND) && !(policies[slot].metrics & d->metrics))
				hit &= ~(unsigned)CC_DELTA_IND;
		}
		if (!hit) {
			__atomic_add_fetch(&e->refs, 1, __ATOMIC_RELAXED);
			f->ext[slot] = e;
			continue;
		}
		void *p = policies[slot].follow ? policies[slot].follow(e->p, old, f, d) : NULL;
		if (p) {
			struct cc_frame_extref *n = calloc(1, sizeof *n);
			if (n) {
				n->refs = 1;
				n->p = p;
				n->make = e->make;
				n->free_fn = e->free_fn;
				f->ext[slot] = n;
				continue;
			}
			e->free_fn(p);
		}
		*remake |= 1u << slot;
	}
}

/*
 * Patches OLD with changes CH[0..N) inside the caller's read transaction. Returns 0 and *OUT,
 * 1 when the changes are structural (the caller rebuilds), or a negative CC_E*.
 */
static int frame_patch(struct cc_store *st, struct cc_frame *old, const struct cc_change *ch, int n,
		       int64_t seq, struct cc_frame **out, unsigned *remake, struct cc_error *err)
{
	const struct cc_catalogue *cat = cc_catalogue_get(err);
	if (!cat)
		return CC_EINVAL;
	for (int k = 0; k < n; k++)
		if (ch[k].kind == CC_CH_ENT_ADD || ch[k].kind == CC_CH_ENT_DEL ||
		    ch[k].kind == CC_CH_ALL || ch[k].kind < 1 || ch[k].kind > CC_CH_EDGE)
			return 1;
	struct cc_frame *f = frame_clone(old);
	if (!f)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	struct patcher pt = {.f = f};
	int32_t *ents = malloc(sizeof *ents * (size_t)(n + 1));
	/* (enterprise, year) pairs whose derived metrics are computed again. */
	int64_t *redo = malloc(sizeof *redo * (size_t)(n + 1));
	int nents = 0, nredo = 0, rc = 0;
	struct cc_frame_delta d = {0};
	if (!ents || !redo) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	/* Strings this version adds (names, industry codes) keep the older ones alive. */
	struct cc_frame_strings *str = strings_new(4096, f->str);
	if (!str) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	f->str = str;
	for (int k = 0; k < n && rc == 0; k++) {
		int i = cc_frame_of_id(f, ch[k].entity);
		switch (ch[k].kind) {
		case CC_CH_ENT_EDIT:
			if (i < 0) {
				rc = 1;
				break;
			}
			rc = patch_registry(st, &pt, i, ch[k].entity, err);
			d.what |= CC_DELTA_REG;
			ents[nents++] = i;
			break;
		case CC_CH_IND: {
			if (i < 0)
				break; /* an enterprise no longer (or not yet) in the registry */
			int y = -1;
			rc = patch_indicator(st, &pt, i, ch[k].entity, ch[k].period, &y, err);
			if (rc == 0 && y >= 0) {
				redo[nredo++] = (int64_t)i << 8 | y;
				ents[nents++] = i;
				d.what |= CC_DELTA_IND;
			}
			break;
		}
		case CC_CH_MEMBER:
			d.what |= CC_DELTA_MEM;
			if (i >= 0)
				ents[nents++] = i;
			break;
		case CC_CH_EDGE: d.what |= CC_DELTA_EDGE; break;
		}
	}
	if (rc)
		goto out;
	/* Derived metrics: the year itself, the next (year-on-year) and the third (CAGR). */
	for (int k = 0; k < nredo && !pt.failed; k++) {
		int i = (int)(redo[k] >> 8), y = (int)(redo[k] & 0xff);
		for (int dy = 0; dy <= 3; dy++)
			if (dy != 2 && y + dy < f->nyears)
				rederive(&pt, i, y + dy);
	}
	if (patcher_end(&pt)) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory patching the frame");
		goto out;
	}
	repoint(f);
	if (rc == 0 && (d.what & CC_DELTA_MEM))
		rc = reload_members(st, f, cat, err);
	if (rc == 0 && (d.what & CC_DELTA_EDGE))
		rc = reload_supply(st, f, cat, err);
	if (rc)
		goto out;
	f->seq = seq;
	f->generation = cc_store_generation(st);
	qsort(ents, (size_t)nents, sizeof *ents, cmp_i32);
	int u = 0;
	for (int k = 0; k < nents; k++)
		if (u == 0 || ents[u - 1] != ents[k])
			ents[u++] = ents[k];
	d.n = u;
	d.ent = ents;
	if (d.what & CC_DELTA_IND) {
		d.metrics = metrics_changed(old, f, ents, u);
		if (!d.metrics)
			d.what &= ~(unsigned)CC_DELTA_IND;
	}
	follow_ext(old, f, &d, remake);
out:
	free(ents);
	free(redo);
	if (rc) {
		for (int k = 0; k < COL_END; k++)
			cc_col_patch_abort(pt.p[k]);
		cc_frame_release(f);
		return rc;
	}
	*out = f;
	return 0;
}

static int follow(struct cc_store *st, struct cc_frame *old, struct cc_frame **out, int *rebuilt,
		  unsigned *remake, struct cc_error *err)
{
	struct cc_change *ch = NULL;
	int n = 0;
	*out = NULL;
	*remake = 0;
	if (rebuilt)
		*rebuilt = 0;
	int rc = cc_store_exec(st, "BEGIN", err);
	if (rc)
		return rc;
	int64_t seq = cc_store_log_seq(st);
	if (seq <= old->seq) {
		cc_store_exec(st, "COMMIT", NULL);
		*out = cc_frame_retain(old);
		return 0;
	}
	int max = FOLLOW_MAX;
	if (max > old->n / 4 + 1000)
		max = old->n / 4 + 1000; /* beyond this a build is about as cheap */
	rc = cc_store_changes_since(st, old->seq, max, &ch, &n, err);
	if (rc == 0)
		rc = frame_patch(st, old, ch, n, seq, out, remake, err);
	free(ch);
	if (rc == 1) {
		/* Structural or too much: a full build in the same read transaction. */
		const struct cc_catalogue *cat = cc_catalogue_get(err);
		struct cc_frame *f = cat ? calloc(1, sizeof *f) : NULL;
		if (f)
			f->str = strings_new(1 << 20, NULL);
		if (!f || !f->str) {
			free(f);
			rc = cat ? cc_error_set(err, CC_ENOMEM, "out of memory") : CC_EINVAL;
		} else {
			f->refs = 1;
			rc = build_in_tx(st, f, old->flags, cat, err);
			if (rc)
				cc_frame_release(f);
			else
				*out = f;
			if (rebuilt)
				*rebuilt = 1;
		}
	}
	cc_store_exec(st, "COMMIT", NULL);
	return rc;
}

int cc_frame_follow(struct cc_store *st, struct cc_frame *old, struct cc_frame **out, int *rebuilt,
		    struct cc_error *err)
{
	unsigned remake = 0;
	int rc = follow(st, old, out, rebuilt, &remake, err);
	/* Dropped caches made again here (the server's follower does it after publishing). */
	for (int slot = 0; rc == 0 && slot < CC_FRAME_SLOTS; slot++)
		if (remake >> slot & 1)
			cc_frame_ext(*out, slot, old->ext[slot]->make, old->ext[slot]->free_fn);
	return rc;
}

/* ---- comparing frames ---- */

int cc_frame_diff(const struct cc_frame *a, const struct cc_frame *b, char *msg, size_t len)
{
#define DIFF(...)                                                                                  \
	do {                                                                                       \
		snprintf(msg, len, __VA_ARGS__);                                                   \
		return 1;                                                                          \
	} while (0)
	if (a->n != b->n || a->nyears != b->nyears || a->year0 != b->year0 ||
	    a->nmonths != b->nmonths || a->month0 != b->month0)
		DIFF("shape: n %d/%d, years %d+%d/%d+%d, months %d+%d/%d+%d", a->n, b->n, a->year0,
		     a->nyears, b->year0, b->nyears, a->month0, a->nmonths, b->month0, b->nmonths);
	if (a->nmembers != b->nmembers || a->nedges != b->nedges || a->noutside != b->noutside ||
	    a->max_id != b->max_id)
		DIFF("counts: members %d/%d, edges %d/%d, outside %d/%d, max id %lld/%lld",
		     a->nmembers, b->nmembers, a->nedges, b->nedges, a->noutside, b->noutside,
		     (long long)a->max_id, (long long)b->max_id);
	size_t N = (size_t)a->n;
	for (size_t i = 0; i < N; i++) {
		if (a->id[i] != b->id[i] || strcmp(a->uscc[i], b->uscc[i]) != 0)
			DIFF("enterprise %zu: id or code", i);
		if (strcmp(a->name[i], b->name[i]) != 0)
			DIFF("enterprise %zu (%s): name '%s' / '%s'", i, a->uscc[i], a->name[i],
			     b->name[i]);
		if (a->region[i] != b->region[i] || a->founded[i] != b->founded[i] ||
		    a->created[i] != b->created[i] || a->scale[i] != b->scale[i] ||
		    a->listed[i] != b->listed[i] || a->certs[i] != b->certs[i])
			DIFF("enterprise %zu (%s): registry fields", i, a->uscc[i]);
		if ((a->industry[i] == NULL) != (b->industry[i] == NULL) ||
		    (a->industry[i] && strcmp(a->industry[i], b->industry[i]) != 0))
			DIFF("enterprise %zu (%s): industry", i, a->uscc[i]);
	}
	for (int64_t k = 0; k <= a->max_id; k++)
		if (a->index_of_id[k] != b->index_of_id[k])
			DIFF("index of id %lld", (long long)k);
	/* Derived columns made in both (the followed one patched, the other computed now). */
	for (int m = CC_M_BASE_COUNT; m < CC_M_COUNT && a->nyears; m++)
		if (!cc_frame_metric(a, m) || !cc_frame_metric(b, m))
			DIFF("out of memory making %s", cc_metric_get(m)->key);
	for (int m = 0; m < CC_M_COUNT; m++)
		for (size_t j = 0; j < N * (size_t)a->nyears; j++)
			if (!same_double(a->annual[m][j], b->annual[m][j]))
				DIFF("metric %s, year %d, enterprise %s: %.17g / %.17g",
				     cc_metric_get(m)->key, a->year0 + (int)(j / N), a->uscc[j % N],
				     a->annual[m][j], b->annual[m][j]);
	for (int m = 0; m < CC_M_BASE_COUNT; m++) {
		if ((a->monthly[m] == NULL) != (b->monthly[m] == NULL))
			DIFF("monthly column %s held by one only", cc_metric_get(m)->key);
		for (size_t j = 0; a->monthly[m] && j < N * (size_t)a->nmonths; j++)
			if (!same_double(a->monthly[m][j], b->monthly[m][j]))
				DIFF("monthly %s, month %zu, enterprise %s: %.17g / %.17g",
				     cc_metric_get(m)->key, j / N, a->uscc[j % N], a->monthly[m][j],
				     b->monthly[m][j]);
	}
	if (memcmp(a->member_start, b->member_start, sizeof(int32_t) * (N + 1)) != 0 ||
	    memcmp(a->member_node, b->member_node, sizeof(int32_t) * (size_t)a->nmembers) != 0 ||
	    memcmp(a->member_role, b->member_role, (size_t)a->nmembers) != 0 ||
	    memcmp(a->node_start, b->node_start, sizeof(int32_t) * ((size_t)a->nnodes + 1)) != 0 ||
	    memcmp(a->node_ent, b->node_ent, sizeof(int32_t) * (size_t)a->nmembers) != 0)
		DIFF("chain membership");
	size_t E = (size_t)a->nedges;
	if (memcmp(a->edge_supplier, b->edge_supplier, sizeof(int32_t) * E) != 0 ||
	    memcmp(a->edge_buyer, b->edge_buyer, sizeof(int32_t) * E) != 0 ||
	    memcmp(a->node_edge_start, b->node_edge_start,
		   sizeof(int32_t) * ((size_t)a->nnodes + 2)) != 0)
		DIFF("supply edges");
	for (size_t e = 0; e < E; e++)
		if (!same_double(cc_frame_edge_value(a, (int)e), cc_frame_edge_value(b, (int)e)) ||
		    !same_double(cc_frame_edge_share(a, (int)e), cc_frame_edge_share(b, (int)e)))
			DIFF("supply edge %zu: value or share", e);
	for (int j = 0; j < a->noutside; j++)
		if (strcmp(a->outside_uscc[j], b->outside_uscc[j]) != 0 ||
		    a->outside_region[j] != b->outside_region[j])
			DIFF("outside supplier %d", j);
	return 0;
#undef DIFF
}

/*
 * A version of F with its fragmented pooled columns (more than CC_COL_SOFT_RUNS mappings)
 * copied into one run each: the same data, caches shared. Returns NULL when nothing is
 * fragmented or memory is short.
 */
static struct cc_frame *frame_compacted(struct cc_frame *f)
{
	int any = 0;
	pthread_mutex_lock(&derive_lock);
	for (int k = 0; k < COL_END && !any; k++)
		any = f->own[k] && cc_col_runs(f->own[k]) > CC_COL_SOFT_RUNS;
	pthread_mutex_unlock(&derive_lock);
	if (!any)
		return NULL;
	struct cc_frame *g = frame_clone(f);
	if (!g)
		return NULL;
	for (int k = 0; k < COL_END; k++) {
		if (!g->own[k] || cc_col_runs(g->own[k]) <= CC_COL_SOFT_RUNS)
			continue;
		struct cc_col *c = cc_col_compact(g->own[k]);
		if (!c) {
			cc_frame_release(g);
			return NULL;
		}
		cc_col_release(g->own[k]);
		g->own[k] = c;
	}
	for (int slot = 0; slot < CC_FRAME_SLOTS; slot++) {
		struct cc_frame_extref *e = __atomic_load_n(&f->ext[slot], __ATOMIC_ACQUIRE);
		if (e)
			__atomic_add_fetch(&e->refs, 1, __ATOMIC_RELAXED);
		g->ext[slot] = e;
	}
	repoint(g);
	return g;
}

/* ---- the shared, followed frame ---- */

struct cc_frame_cache {
	pthread_mutex_t lock;
	pthread_cond_t built; /* a new version was published */
	pthread_cond_t wake;  /* the follower is wanted */
	struct cc_frame *cur;
	int building;
	int flags;
	char *db_path;
	/* The follower. */
	pthread_t thread;
	int started, stop, poll_ms;
	int64_t want; /* a writer waits for this sequence number */
	struct cc_frame_cache_stats stats;
	char reader[96];
	/* Caches dropped by a version that were in use, made again when the log is caught up. */
	unsigned pending;
	pthread_t care_thread;
	pthread_cond_t care; /* the caretaker is wanted */
	int care_wanted, published;
	void *(*make[CC_FRAME_SLOTS])(const struct cc_frame *);
	void (*free_fn[CC_FRAME_SLOTS])(void *);
	/* Wakes a follower waiting on its connection (cc_store_log_wait): an eventfd, or -1. */
	int wake_fd;
	/* The database the follower reads (a standby), when not db_path: cc_frame_cache_read_from.
	 */
	char *read_path;
};

int cc_frame_cache_new(struct cc_frame_cache **out, const char *db_path, int flags,
		       struct cc_error *err)
{
	struct cc_frame_cache *c = calloc(1, sizeof *c);
	if (!c)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	c->db_path = db_path ? strdup(db_path) : NULL;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->built, NULL);
	pthread_cond_init(&c->wake, NULL);
	pthread_cond_init(&c->care, NULL);
	c->flags = flags;
	/* Made here, before any thread can see the cache; -1 (no eventfd) makes the follower
	 * poll. */
	c->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	*out = c;
	return 0;
}

int cc_frame_cache_read_from(struct cc_frame_cache *c, const char *read_path, struct cc_error *err)
{
	if (c->started)
		return cc_error_set(err, CC_EINVAL, "the frame follower has started already");
	free(c->read_path);
	c->read_path = read_path && *read_path ? strdup(read_path) : NULL;
	if (read_path && *read_path && !c->read_path)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	return 0;
}

/* Wakes the follower where it waits on its connection (the condition variable wakes it where
 * it polls). */
static void wake_fd_kick(struct cc_frame_cache *c)
{
	uint64_t one = 1;
	if (c->wake_fd >= 0 && write(c->wake_fd, &one, sizeof one) < 0) {
		/* The counter is full (a wake-up is pending anyway) or the descriptor is gone. */
	}
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Brings the cache to the store's position with ST (one follower at a time). Called without
 * the lock; takes it to publish. */
static int cache_follow(struct cc_frame_cache *c, struct cc_store *st, unsigned *remake,
			struct cc_frame **published, struct cc_error *err)
{
	int rc = 0, rebuilt = 0;
	int64_t t0 = now_ms();
	struct cc_frame *f = NULL;
	pthread_mutex_lock(&c->lock);
	struct cc_frame *old = c->cur ? cc_frame_retain(c->cur) : NULL;
	pthread_mutex_unlock(&c->lock);
	*remake = 0;
	*published = NULL;
	if (old) {
		rc = follow(st, old, &f, &rebuilt, remake, err);
	} else {
		rc = cc_frame_build(st, c->flags, &f, err);
		rebuilt = 1;
	}
	/* A rebuilt version makes the derived columns the old one had made, before readers see
	 * it (a patched one holds them, patched). */
	for (int m = CC_M_BASE_COUNT; rc == 0 && rebuilt && old && m < CC_M_COUNT; m++)
		if (__atomic_load_n(&old->annual[m], __ATOMIC_ACQUIRE))
			cc_frame_metric(f, m);
	if (rc == 0) {
		pthread_mutex_lock(&c->lock);
		if (f != old && (!c->cur || f->seq >= c->cur->seq)) {
			cc_frame_release(c->cur);
			c->cur = cc_frame_retain(f);
			int64_t ms = now_ms() - t0;
			c->stats.last_ms = ms;
			if (ms > c->stats.max_ms)
				c->stats.max_ms = ms;
			if (rebuilt)
				c->stats.rebuilds++;
			else
				c->stats.patches++;
		}
		c->stats.seq = c->cur ? c->cur->seq : 0;
		c->published = 1;
		pthread_cond_broadcast(&c->built);
		pthread_mutex_unlock(&c->lock);
		*published = f;
	}
	if (old && rc == 0 && *remake) {
		/* The makers of dropped caches, taken from the old version, for the follower to
		 * make them again once it has caught up with the log. */
		pthread_mutex_lock(&c->lock);
		for (int slot = 0; slot < CC_FRAME_SLOTS; slot++)
			if ((*remake >> slot & 1) && old->ext[slot]) {
				c->pending |= 1u << slot;
				c->make[slot] = old->ext[slot]->make;
				c->free_fn[slot] = old->ext[slot]->free_fn;
			}
		pthread_mutex_unlock(&c->lock);
	}
	cc_frame_release(old);
	return rc;
}

int cc_frame_cache_get(struct cc_frame_cache *c, struct cc_store *st, struct cc_frame **out,
		       struct cc_error *err)
{
	pthread_mutex_lock(&c->lock);
	if (c->started && c->cur) {
		*out = cc_frame_retain(c->cur);
		pthread_mutex_unlock(&c->lock);
		return 0;
	}
	/* No follower: follow inline, one caller at a time; others keep the old version. */
	int64_t seq = cc_store_log_seq(st);
	for (;;) {
		if (c->cur && (c->cur->seq >= seq || c->building)) {
			*out = cc_frame_retain(c->cur);
			pthread_mutex_unlock(&c->lock);
			return 0;
		}
		if (!c->building)
			break;
		pthread_cond_wait(&c->built, &c->lock);
	}
	c->building = 1;
	pthread_mutex_unlock(&c->lock);
	unsigned remake = 0;
	struct cc_frame *f = NULL;
	int rc = cache_follow(c, st, &remake, &f, err);
	cc_frame_release(f);
	pthread_mutex_lock(&c->lock);
	c->building = 0;
	if (rc == 0)
		*out = cc_frame_retain(c->cur);
	pthread_cond_broadcast(&c->built);
	pthread_mutex_unlock(&c->lock);
	return rc;
}

/*
 * The caretaker thread: once the follower has caught up, it makes again the caches the last
 * versions dropped, lets caches catch up (cc_frame_ext_idle: stale chain analyses), and swaps
 * in a compacted version when columns are fragmented — on its own thread, so the follower is
 * never held up by this work and the next write becomes visible as fast as the first.
 */
static void *caretaker(void *arg)
{
	struct cc_frame_cache *c = arg;
	pthread_mutex_lock(&c->lock);
	while (!c->stop) {
		pthread_mutex_unlock(&c->lock);
		grave_empty();
		pthread_mutex_lock(&c->lock);
		if (!c->care_wanted) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 50 * 1000000L;
			ts.tv_sec += ts.tv_nsec / 1000000000L;
			ts.tv_nsec %= 1000000000L;
			pthread_cond_timedwait(&c->care, &c->lock, &ts);
			continue;
		}
		c->care_wanted = 0;
		unsigned pending = c->pending;
		struct cc_frame *f = c->cur ? cc_frame_retain(c->cur) : NULL;
		c->pending = 0;
		pthread_mutex_unlock(&c->lock);
		for (int slot = 0; f && slot < CC_FRAME_SLOTS; slot++)
			if (pending >> slot & 1)
				cc_frame_ext(f, slot, c->make[slot], c->free_fn[slot]);
		for (int slot = 0; f && slot < CC_FRAME_SLOTS; slot++) {
			struct cc_frame_extref *e =
				__atomic_load_n(&f->ext[slot], __ATOMIC_ACQUIRE);
			if (e && policies[slot].idle)
				policies[slot].idle(e->p, f);
		}
		/* Columns patched into many pieces written out whole, so the mappings stay few
		 * and a write rarely pays for a whole column. */
		struct cc_frame *g = f ? frame_compacted(f) : NULL;
		if (g) {
			pthread_mutex_lock(&c->lock);
			if (c->cur == f) {
				c->cur = g;
				g = f; /* the cache's reference to the old one goes */
				c->stats.compactions++;
			}
			pthread_mutex_unlock(&c->lock);
			cc_frame_release(g);
		}
		cc_frame_release(f);
		pthread_mutex_lock(&c->lock);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/* With LISTEN, the log is still read this often (a notification lost with its connection is
 * noticed when the connection is made again; this is the bound for anything else). */
#define LISTEN_POLL_MS 1000

/* The follower's wait on the condition variable: MS milliseconds, or until it is wanted.
 * Called and returns with the lock held. */
static void follower_nap(struct cc_frame_cache *c, int ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += (long)ms * 1000000L;
	ts.tv_sec += ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	pthread_cond_timedwait(&c->wake, &c->lock, &ts);
}

/* The follower's wait for the next change: on its connection when the store can tell of
 * changes (LISTEN), else (and while that connection is lost) POLL_MS on the condition
 * variable. Called and returns with the lock held. */
static void follower_wait(struct cc_frame_cache *c, struct cc_store *st, int listening)
{
	if (listening) {
		pthread_mutex_unlock(&c->lock);
		int told = cc_store_log_wait(st, c->wake_fd, LISTEN_POLL_MS);
		uint64_t v;
		while (read(c->wake_fd, &v, sizeof v) == (ssize_t)sizeof v) {
		}
		pthread_mutex_lock(&c->lock);
		if (told >= 0 || c->stop)
			return;
		/* The connection is lost: poll until the next statement connects again. */
	}
	follower_nap(c, c->poll_ms);
}

static void *follower(void *arg)
{
	struct cc_frame_cache *c = arg;
	struct cc_store *st = NULL, *primary = NULL;
	struct cc_error err = {0};
	int64_t last_prune = 0;
	/* A standby is read only (and cannot register this reader: that goes to the primary). */
	if (cc_store_open(&st, c->read_path ? c->read_path : c->db_path,
			  c->read_path ? CC_STORE_READONLY : 0, &err)) {
		fprintf(stderr, "frame follower: %s\n", err.msg);
		return NULL;
	}
	/* CC_FOLLOW_LISTEN=0: poll even where the store could tell (benchmarks compare both). */
	int listening = c->wake_fd >= 0 && cc_env_int("CC_FOLLOW_LISTEN", 1, 0, 1) &&
			cc_store_log_listen(st, NULL) == 0;
	if (listening)
		fprintf(stderr,
			"frame follower: told of changes by the database (LISTEN cc_changes); "
			"reading the log every %d ms besides, every %d ms while disconnected\n",
			LISTEN_POLL_MS, c->poll_ms);
	else
		fprintf(stderr, "frame follower: polling the change log every %d ms%s\n",
			c->poll_ms, c->read_path ? " (on the standby)" : "");
	pthread_mutex_lock(&c->lock);
	while (!c->stop) {
		pthread_mutex_unlock(&c->lock);
		int64_t seq = cc_store_log_seq(st);
		pthread_mutex_lock(&c->lock);
		int behind = !c->cur || c->cur->seq < seq;
		pthread_mutex_unlock(&c->lock);
		if (behind) {
			unsigned remake = 0;
			struct cc_frame *f = NULL;
			if (cache_follow(c, st, &remake, &f, &err))
				fprintf(stderr, "frame follower: %s\n", err.msg);
			cc_frame_release(f);
		} else {
			/* Caught up: the caretaker may tend the newest version now. */
			pthread_mutex_lock(&c->lock);
			if (c->published) {
				c->published = 0;
				c->care_wanted = 1;
				pthread_cond_signal(&c->care);
			}
			pthread_mutex_unlock(&c->lock);
		}
		int64_t t = now_ms();
		if (t - last_prune > 60000) {
			pthread_mutex_lock(&c->lock);
			int64_t have = c->cur ? c->cur->seq : 0;
			pthread_mutex_unlock(&c->lock);
			/* Best effort: a busy store is pruned next time. A follower of a standby
			 * registers on the primary. */
			if (c->read_path && !primary &&
			    cc_store_open(&primary, c->db_path, 0, &err))
				fprintf(stderr, "frame follower: %s\n", err.msg);
			if (!c->read_path || primary)
				cc_store_log_prune(primary ? primary : st, c->reader, have, NULL);
			last_prune = t;
		}
		pthread_mutex_lock(&c->lock);
		if (c->stop)
			break;
		if (c->want <= (c->cur ? c->cur->seq : 0))
			follower_wait(c, st, listening);
		else if (!behind)
			/* A writer waits for a change this connection does not see yet (a standby
			 * still replaying it): look again in a millisecond, not in a loop of
			 * reads of the log as fast as they answer. */
			follower_nap(c, 1);
	}
	pthread_mutex_unlock(&c->lock);
	cc_store_close(st);
	cc_store_close(primary);
	return NULL;
}

int cc_frame_cache_start(struct cc_frame_cache *c, int poll_ms, struct cc_error *err)
{
	if (!c->db_path)
		return cc_error_set(err, CC_EINVAL, "the frame cache has no database to follow");
	char host[64] = "";
	gethostname(host, sizeof host - 1);
	snprintf(c->reader, sizeof c->reader, "serve:%ld@%s", (long)getpid(), host);
	c->poll_ms = poll_ms > 0 ? poll_ms : 10;
	if (pthread_create(&c->thread, NULL, follower, c) != 0)
		return cc_error_set(err, CC_EIO, "cannot start the frame follower");
	pthread_mutex_lock(&grave_lock);
	grave_keepers++;
	pthread_mutex_unlock(&grave_lock);
	if (pthread_create(&c->care_thread, NULL, caretaker, c) != 0) {
		pthread_mutex_lock(&grave_lock);
		grave_keepers--;
		pthread_mutex_unlock(&grave_lock);
		pthread_mutex_lock(&c->lock);
		c->stop = 1;
		pthread_cond_broadcast(&c->wake);
		pthread_mutex_unlock(&c->lock);
		pthread_join(c->thread, NULL);
		return cc_error_set(err, CC_EIO, "cannot start the frame caretaker");
	}
	pthread_mutex_lock(&c->lock);
	c->started = 1;
	pthread_mutex_unlock(&c->lock);
	return 0;
}

int cc_frame_cache_wait(struct cc_frame_cache *c, int64_t seq, int timeout_ms)
{
	int64_t until = now_ms() + timeout_ms;
	int ok;
	pthread_mutex_lock(&c->lock);
	if (seq > c->want)
		c->want = seq;
	pthread_cond_signal(&c->wake);
	wake_fd_kick(c);
	while (!(ok = c->cur && c->cur->seq >= seq) && c->started) {
		int64_t left = until - now_ms();
		if (left <= 0)
			break;
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += (long)(left % 1000) * 1000000L;
		ts.tv_sec += left / 1000 + ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&c->built, &c->lock, &ts);
	}
	pthread_mutex_unlock(&c->lock);
	return ok;
}

void cc_frame_cache_stats(struct cc_frame_cache *c, struct cc_frame_cache_stats *out)
{
	pthread_mutex_lock(&c->lock);
	*out = c->stats;
	pthread_mutex_unlock(&c->lock);
}

void cc_frame_cache_free(struct cc_frame_cache *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	int started = c->started;
	c->stop = 1;
	pthread_cond_broadcast(&c->wake);
	pthread_cond_broadcast(&c->care);
	wake_fd_kick(c);
	pthread_mutex_unlock(&c->lock);
	if (started) {
		pthread_join(c->thread, NULL);
		pthread_join(c->care_thread, NULL);
		pthread_mutex_lock(&grave_lock);
		grave_keepers--;
		pthread_mutex_unlock(&grave_lock);
	}
	cc_frame_release(c->cur);
	grave_empty();
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->built);
	pthread_cond_destroy(&c->wake);
	pthread_cond_destroy(&c->care);
	if (c->wake_fd >= 0)
		close(c->wake_fd);
	free(c->read_path);
	free(c->db_path);
	free(c);
}
