/*
 * Enterprise search over a frame (see search.h): the one engine of the API's enterprise list
 * and `chainchief enterprise list`, with the per-frame caches that make it cheap — the name
 * blob, the chain masks, and the sorted orders and filter totals — and how each follows a new
 * frame version.
 */
#define _GNU_SOURCE
#include "frame/search.h"
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/buf.h"
#include "domain/catalogue.h"
#include "domain/codes.h"

const char *const cc_scale_words[CC_SCALE_WORDS] = {NULL, "large", "medium", "small", "micro"};
const char *const cc_listed_words[CC_LISTED_WORDS] = {NULL,  "none", "main", "star",
						      "gem", "bse",  "neeq"};
const char *const cc_cert_words[CC_CERT_WORDS] = {"hightech", "tech_sme", "srdi", "srdi_giant",
						  "innovative_sme"};

int cc_enterprise_word(const char *s, const char *const *words, int n)
{
	for (int k = 0; k < n; k++)
		if (words[k] && strcmp(s, words[k]) == 0)
			return k;
	return -1;
}

void cc_enterprise_query_init(struct cc_enterprise_query *q)
{
	memset(q, 0, sizeof *q);
	q->chain = q->node = q->cert = q->listed = q->scale = -1;
	q->sort = CC_ENTERPRISE_BY_CODE;
	q->metric = -1;
	q->limit = 50;
}

void cc_enterprise_page_release(struct cc_enterprise_page *page)
{
	if (!page)
		return;
	free(page->rows);
	page->rows = NULL;
	page->nrows = 0;
	page->total = 0;
}

/* Name order (bytes of the UTF-8 names, then code order for equal names). */
static __thread const struct cc_frame *name_frame;
static int cmp_names(const void *a, const void *b)
{
	int x = *(const int32_t *)a, y = *(const int32_t *)b;
	int c = strcmp(name_frame->name[x], name_frame->name[y]);
	return c ? c : (x > y) - (x < y);
}

/* Per frame: each enterprise's chains as a bit mask (catalogues of up to 64 chains; beyond
 * that the filter falls back to the membership lists). */
static void *chain_mask_make(const struct cc_frame *f)
{
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	uint64_t *mask = calloc((size_t)f->n + 1, sizeof *mask);
	if (!mask || !cat)
		return mask;
	for (int i = 0; i < f->n; i++)
		for (int k = f->member_start[i]; k < f->member_start[i + 1]; k++) {
			int c = cat->nodes[f->member_node[k]].chain;
			if (c < 64)
				mask[i] |= 1ull << c;
		}
	return mask;
}

/*
 * Per frame: sorted orders of enterprises by a metric of a year (best first for the
 * direction, unknown values last, ties by code), and totals of filter combinations already
 * counted — so paging through a list, or asking again, walks only as far as the page.
 */
#define ORDERS 48
#define TOTALS 512
struct search_cache {
	pthread_mutex_t lock;
	struct {
		int metric, year, desc;
		int32_t *order;
	} ord[ORDERS];
	int nord;
	struct {
		char *key;
		int total;
	} tot[TOTALS];
	int ntot;
};

static void *search_cache_make(const struct cc_frame *f)
{
	(void)f;
	struct search_cache *lc = calloc(1, sizeof *lc);
	if (lc)
		pthread_mutex_init(&lc->lock, NULL);
	return lc;
}

/*
 * Orders are shared between frame versions when their metric did not change (at 1M firms one
 * is 4 MB, and a version may hold 48): an order is an int32_t array with its reference count
 * in the slot before it. order_new makes one with count 1; order_share adds a reference;
 * order_free drops one and frees the array with the last (NULL is accepted).
 */
static int32_t *order_new(size_t n)
{
	int32_t *p = malloc(sizeof *p * (n + 2));
	if (!p)
		return NULL;
	p[0] = 1;
	return p + 1;
}

static int32_t *order_share(const int32_t *o)
{
	int32_t *p = (int32_t *)o;
	__atomic_add_fetch(p - 1, 1, __ATOMIC_RELAXED);
	return p;
}

static void order_free(int32_t *o)
{
	if (o && __atomic_sub_fetch(o - 1, 1, __ATOMIC_ACQ_REL) == 0)
		free(o - 1);
}

static void search_cache_free(void *p)
{
	struct search_cache *lc = p;
	for (int i = 0; i < lc->nord; i++)
		order_free(lc->ord[i].order);
	for (int i = 0; i < lc->ntot; i++)
		free(lc->tot[i].key);
	pthread_mutex_destroy(&lc->lock);
	free(lc);
}

static __thread const double *order_key;
static __thread int order_desc;
static int cmp_order(const void *a, const void *b)
{
	int x = *(const int32_t *)a, y = *(const int32_t *)b;
	double kx = order_key[x], ky = order_key[y];
	int nx = isnan(kx), ny = isnan(ky);
	if (nx != ny)
		return nx - ny;
	if (!nx && kx != ky)
		return order_desc ? (kx > ky ? -1 : 1) : (kx < ky ? -1 : 1);
	return (x > y) - (x < y);
}

static int cmp_order_index(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

/* A fresh order of F's enterprises by KEY for DESC (order_free it), or NULL. */
static int32_t *sort_order(const struct cc_frame *f, const double *key, int desc)
{
	int32_t *o = order_new((size_t)f->n);
	if (!o)
		return NULL;
	for (int i = 0; i < f->n; i++)
		o[i] = i;
	order_key = key;
	order_desc = desc;
	qsort(o, (size_t)f->n, sizeof *o, cmp_order);
	return o;
}

/*
 * Returns the order of F's enterprises by KEY (metric M of YEAR) for DESC: the one cached on
 * F, made now if need be; once the cache holds ORDERS orders, one made for this caller alone
 * and left in *OWN for the caller to order_free (*OWN is NULL otherwise). NULL when out of
 * memory.
 */
static const int32_t *sorted_order(struct cc_frame *f, int m, int year, int desc, const double *key,
				   int32_t **own)
{
	struct search_cache *lc =
		cc_frame_ext(f, CC_FRAME_SLOT_SEARCH, search_cache_make, search_cache_free);
	const int32_t *found = NULL;
	int full = 0;
	*own = NULL;
	if (!lc)
		return NULL;
	pthread_mutex_lock(&lc->lock);
	for (int i = 0; i < lc->nord && !found; i++)
		if (lc->ord[i].metric == m && lc->ord[i].year == year && lc->ord[i].desc == desc)
			found = lc->ord[i].order;
	pthread_mutex_unlock(&lc->lock);
	if (found)
		return found;
	/* Sorted without the lock (a sort of 1M takes a tenth of a second, and every search
	 * of this version takes the lock); then kept, unless another reader kept the same
	 * order meanwhile (its copy is used) or the cache is full. */
	int32_t *o = sort_order(f, key, desc);
	if (!o)
		return NULL;
	pthread_mutex_lock(&lc->lock);
	for (int i = 0; i < lc->nord && !found; i++)
		if (lc->ord[i].metric == m && lc->ord[i].year == year && lc->ord[i].desc == desc)
			found = lc->ord[i].order;
	full = lc->nord == ORDERS;
	if (!found && !full) {
		lc->ord[lc->nord].metric = m;
		lc->ord[lc->nord].year = year;
		lc->ord[lc->nord].desc = desc;
		lc->ord[lc->nord].order = o;
		lc->nord++;
		found = o;
		o = NULL;
	}
	pthread_mutex_unlock(&lc->lock);
	if (!found) {
		/* Full: cached orders may be in use by other readers, so none is evicted; this
		 * one is the caller's. */
		found = *own = o;
		o = NULL;
	}
	order_free(o); /* another reader's copy won */
	return found;
}

/*
 * The search cache of a new frame version (cc_frame_ext_policy of CC_FRAME_SLOT_SEARCH): orders of
 * metrics whose values did not change are shared (order_share), the others patched — the changed
 * enterprises taken out and put back by binary search (a few of them) or sorted apart and merged in
 * — and the totals of filter combinations kept when only indicators changed (their filters are
 * registry fields and membership) or dropped (counted again on the next request).
 */
static void *search_cache_follow(void *old, const struct cc_frame *from, const struct cc_frame *to,
				 const struct cc_frame_delta *d)
{
	struct search_cache *lo = old, *ln = search_cache_make(to);
	(void)from;
	if (!ln)
		return NULL;
	size_t N = (size_t)to->n;
	/* The old version's readers keep using its cache: take what it holds under its lock
	 * (orders are never changed once made, and live as long as the old version, which the
	 * follower holds), then work without the lock. */
	int nord;
	struct {
		int metric, year, desc;
		const int32_t *order;
	} ord[ORDERS];
	pthread_mutex_lock(&lo->lock);
	nord = lo->nord;
	for (int k = 0; k < nord; k++) {
		ord[k].metric = lo->ord[k].metric;
		ord[k].year = lo->ord[k].year;
		ord[k].desc = lo->ord[k].desc;
		ord[k].order = lo->ord[k].order;
	}
	/* Totals count registry and membership filters only: indicator changes keep them. */
	for (int k = 0; !(d->what & (CC_DELTA_REG | CC_DELTA_MEM)) && k < lo->ntot; k++) {
		ln->tot[ln->ntot].key = strdup(lo->tot[k].key);
		if (!ln->tot[ln->ntot].key)
			break;
		ln->tot[ln->ntot++].total = lo->tot[k].total;
	}
	pthread_mutex_unlock(&lo->lock);
	for (int k = 0; k < nord; k++) {
		int m = ord[k].metric, year = ord[k].year, desc = ord[k].desc;
		const double *key = cc_frame_annual(to, m, year);
		int32_t *o = NULL;
		if (!key || !(d->what & CC_DELTA_IND) || !(d->metrics >> m & 1)) {
			o = order_share(ord[k].order); /* unchanged: the same array, shared */
		} else if (!(o = order_new(N))) {
			break;
		} else if (d->n <= 8) {
			/* A few changed: taken out, then each put back where a binary search
			 * puts it (no key read for the others). */
			size_t u = 0;
			for (size_t i = 0; i < N; i++) {
				int32_t e = ord[k].order[i];
				if (!bsearch(&e, d->ent, (size_t)d->n, sizeof e, cmp_order_index))
					o[u++] = e;
			}
			order_key = key;
			order_desc = desc;
			for (int j = 0; j < d->n; j++) {
				size_t lo_i = 0, hi = u;
				while (lo_i < hi) {
					size_t mid = (lo_i + hi) / 2;
					if (cmp_order(&o[mid], &d->ent[j]) < 0)
						lo_i = mid + 1;
					else
						hi = mid;
				}
				memmove(o + lo_i + 1, o + lo_i, sizeof *o * (u - lo_i));
				o[lo_i] = d->ent[j];
				u++;
			}
		} else {
			/* Many changed: the others keep their order; the changed ones are sorted
			 * apart and merged in (n + k log k, not a sort of all n). */
			unsigned char *moved = calloc(N + 1, 1);
			int32_t *ch = malloc(sizeof *ch * ((size_t)d->n + 1));
			if (!moved || !ch) {
				free(moved);
				free(ch);
				order_free(o);
				break;
			}
			for (int j = 0; j < d->n; j++)
				moved[d->ent[j]] = 1;
			memcpy(ch, d->ent, sizeof *ch * (size_t)d->n);
			order_key = key;
			order_desc = desc;
			qsort(ch, (size_t)d->n, sizeof *ch, cmp_order);
			size_t u = 0, a = 0, b = 0, nb = (size_t)d->n;
			const int32_t *old_o = ord[k].order;
			while (a < N || b < nb) {
				while (a < N && moved[old_o[a]])
					a++;
				if (a < N && (b == nb || cmp_order(&old_o[a], &ch[b]) < 0))
					o[u++] = old_o[a++];
				else if (b < nb)
					o[u++] = ch[b++];
			}
			free(moved);
			free(ch);
		}
		ln->ord[ln->nord].metric = m;
		ln->ord[ln->nord].year = year;
		ln->ord[ln->nord].desc = desc;
		ln->ord[ln->nord].order = o;
		ln->nord++;
	}
	return ln;
}

void cc_enterprise_search_follow_init(void)
{
	/* The name blob holds names; the chain masks membership; the orders and totals follow
	 * by search_cache_follow. */
	cc_frame_ext_policy(CC_FRAME_SLOT_NAME_BLOB, CC_DELTA_REG, 0, NULL);
	cc_frame_ext_policy(CC_FRAME_SLOT_CHAIN_MASKS, CC_DELTA_MEM, 0, NULL);
	cc_frame_ext_policy(CC_FRAME_SLOT_SEARCH, CC_DELTA_REG | CC_DELTA_MEM | CC_DELTA_IND, ~0ull,
			    search_cache_follow);
}

int cc_enterprise_order_check(struct cc_frame *f, int m, int year, int desc)
{
	struct search_cache *lc =
		cc_frame_ext(f, CC_FRAME_SLOT_SEARCH, search_cache_make, search_cache_free);
	const double *key = cc_frame_annual(f, m, year);
	if (!lc || !key)
		return -1;
	int32_t *own = NULL;
	const int32_t *have = sorted_order(f, m, year, desc, key, &own);
	int32_t *o = sort_order(f, key, desc);
	int rc = !have || !o ? -1 : memcmp(o, have, sizeof *o * (size_t)f->n) != 0;
	order_free(o);
	order_free(own);
	return rc;
}

/* The cached total of filter combination KEY, or -1. */
static int cached_total(struct cc_frame *f, const char *key)
{
	struct search_cache *lc =
		cc_frame_ext(f, CC_FRAME_SLOT_SEARCH, search_cache_make, search_cache_free);
	int t = -1;
	if (!lc)
		return -1;
	pthread_mutex_lock(&lc->lock);
	for (int i = 0; i < lc->ntot && t < 0; i++)
		if (strcmp(lc->tot[i].key, key) == 0)
			t = lc->tot[i].total;
	pthread_mutex_unlock(&lc->lock);
	return t;
}

static void remember_total(struct cc_frame *f, const char *key, int total)
{
	struct search_cache *lc =
		cc_frame_ext(f, CC_FRAME_SLOT_SEARCH, search_cache_make, search_cache_free);
	if (!lc)
		return;
	pthread_mutex_lock(&lc->lock);
	if (lc->ntot == TOTALS) {
		/* Full: start over (a frame lives until the next write anyway). */
		for (int i = 0; i < lc->ntot; i++)
			free(lc->tot[i].key);
		lc->ntot = 0;
	}
	lc->tot[lc->ntot].key = strdup(key);
	if (lc->tot[lc->ntot].key)
		lc->tot[lc->ntot++].total = total;
	pthread_mutex_unlock(&lc->lock);
}

/* Per frame: every name in one buffer ("name\n" each), for substring search in one pass. */
struct name_blob {
	char *text;
	size_t len;
	uint32_t *start; /* start[i] = offset of name i; start[n] = len */
	int n;
};

static void *blob_make(const struct cc_frame *f)
{
	struct name_blob *nb = calloc(1, sizeof *nb);
	size_t total = 0;
	if (!nb)
		return NULL;
	for (int i = 0; i < f->n; i++)
		total += strlen(f->name[i]) + 1;
	nb->text = malloc(total + 1);
	nb->start = malloc(sizeof *nb->start * ((size_t)f->n + 1));
	if (!nb->text || !nb->start || total > UINT32_MAX) {
		free(nb->text);
		free(nb->start);
		free(nb);
		return NULL;
	}
	size_t at = 0;
	for (int i = 0; i < f->n; i++) {
		size_t n = strlen(f->name[i]);
		nb->start[i] = (uint32_t)at;
		memcpy(nb->text + at, f->name[i], n);
		at += n;
		nb->text[at++] = '\n';
	}
	nb->start[f->n] = (uint32_t)at;
	nb->text[at] = '\0';
	nb->len = at;
	nb->n = f->n;
	return nb;
}

static void blob_free(void *p)
{
	struct name_blob *nb = p;
	free(nb->text);
	free(nb->start);
	free(nb);
}

/*
 * Marks in HIT (one byte per enterprise) the names holding Q: memmem over all names at once,
 * each hit mapped to its name by binary search (a query holding '\n' matches nothing).
 * Returns 0, or -1 when the cache cannot be made.
 */
static int name_hits(struct cc_frame *f, const char *q, size_t qlen, unsigned char *hit)
{
	struct name_blob *nb = cc_frame_ext(f, CC_FRAME_SLOT_NAME_BLOB, blob_make, blob_free);
	if (!nb)
		return -1;
	memset(hit, 0, (size_t)f->n);
	if (memchr(q, '\n', qlen))
		return 0;
	const char *p = nb->text, *end = nb->text + nb->len;
	while (p < end) {
		const char *m = memmem(p, (size_t)(end - p), q, qlen);
		if (!m)
			break;
		uint32_t off = (uint32_t)(m - nb->text);
		int lo = 0, hi = nb->n - 1;
		while (lo < hi) {
			int mid = (lo + hi + 1) / 2;
			if (nb->start[mid] <= off)
				lo = mid;
			else
				hi = mid - 1;
		}
		hit[lo] = 1;
		p = nb->text + nb->start[lo + 1]; /* next name */
	}
	return 0;
}

/*
 * The key of Q's filter combination for the totals cache (strings with their lengths, so no
 * two combinations share a key). Returns 0, or CC_ENOMEM.
 */
static int total_key(const struct cc_enterprise_query *q, struct cc_buf *key)
{
	const char *s[4] = {q->confine, q->uscc, q->industry, q->name};
	cc_buf_printf(key, "%d|%d|%d|%d|%d|%d", q->region, q->listed, q->scale, q->cert, q->chain,
		      q->node);
	for (int k = 0; k < 4; k++)
		cc_buf_printf(key, "|%zu:%s", s[k] ? strlen(s[k]) : 0, s[k] ? s[k] : "");
	return key->failed ? CC_ENOMEM : 0;
}

/* Whether enterprise I is a member of NODE (when >= 0) or else of CHAIN. */
static int member_of(const struct cc_frame *f, const struct cc_catalogue *cat, int i, int node,
		     int chain)
{
	for (int k = f->member_start[i]; k < f->member_start[i + 1]; k++) {
		int nd = f->member_node[k];
		if (node >= 0 ? nd == node : cat && cat->nodes[nd].chain == chain)
			return 1;
	}
	return 0;
}

int cc_enterprise_search(struct cc_frame *f, const struct cc_enterprise_query *q,
			 struct cc_enterprise_page *page, struct cc_error *err)
{
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	struct cc_buf tkey = CC_BUF_INIT(1 << 20);
	int32_t *all = NULL, *own = NULL;
	unsigned char *hit = NULL;
	int rc = 0;
	memset(page, 0, sizeof *page);
	if (q->offset < 0 || q->limit < 0) {
		rc = cc_error_set(err, CC_EINVAL, "search: offset and limit must not be negative");
		goto out;
	}
	int by_name = q->sort == CC_ENTERPRISE_BY_NAME, desc = q->desc != 0;
	const double *key = q->sort == CC_ENTERPRISE_BY_METRIC && q->metric >= 0
				    ? cc_frame_annual(f, q->metric, q->year)
				    : NULL;
	/*
	 * The walk: in the metric's sorted order (cached per frame) or in code order (the
	 * frame's), keeping the first offset+limit matches; the count of all matches is cached
	 * per filter combination, so a walk whose total is known stops at the page's end. Name
	 * order needs every match and sorts them.
	 */
	const int32_t *ord = key ? sorted_order(f, q->metric, q->year, desc, key, &own) : NULL;
	if (key && !ord) {
		rc = cc_error_set(err, CC_ENOMEM, "search: out of memory for a sorted order");
		goto out;
	}
	rc = total_key(q, &tkey);
	if (rc) {
		cc_error_set(err, rc, "search: out of memory for a filter key");
		goto out;
	}
	int known_total = by_name ? -1 : cached_total(f, cc_buf_str(&tkey));
	long long want = q->offset + q->limit;
	size_t room = by_name ? (size_t)f->n : (size_t)(want < f->n ? want : f->n);
	all = malloc(sizeof *all * (room + 1));
	if (!all) {
		rc = cc_error_set(err, CC_ENOMEM, "search: out of memory");
		goto out;
	}
	/* A region filter as cc_region_span's range of codes (no call or division per row: the
	 * division alone was half the time of a 1M-row scan). */
	int region_lo = 0, region_hi = 0;
	if (q->region)
		cc_region_span(q->region, &region_lo, &region_hi);
	const uint64_t *cmask = NULL;
	uint64_t cbit = 0;
	if (q->chain >= 0 && q->chain < 64) {
		cmask = cc_frame_ext(f, CC_FRAME_SLOT_CHAIN_MASKS, chain_mask_make, free);
		cbit = 1ull << q->chain;
	}
	size_t qlen = q->name ? strlen(q->name) : 0;
	if (qlen) {
		hit = malloc((size_t)f->n + 1);
		if (!hit || name_hits(f, q->name, qlen, hit)) {
			rc = cc_error_set(err, CC_ENOMEM,
					  "search: out of memory for the name blob");
			goto out;
		}
	}
	size_t ind_len = q->industry ? strlen(q->industry) : 0;
	/* A code filter or a confinement narrows the walk to one row (or none). */
	int lo = 0, hi = f->n, one = q->uscc || q->confine;
	if (one) {
		int a = q->uscc ? cc_frame_find(f, q->uscc) : -1;
		int b = q->confine ? cc_frame_find(f, q->confine) : -1;
		int i = q->uscc && q->confine ? (a == b ? a : -1) : q->uscc ? a : b;
		lo = i < 0 ? 0 : i;
		hi = i < 0 ? 0 : i + 1;
	}
	int total = 0, npicked = 0;
	for (int step = 0; step < hi - lo; step++) {
		int i;
		if (one)
			i = lo + step;
		else if (ord)
			i = ord[step];
		else
			i = desc && !by_name ? f->n - 1 - step : step;
		if (known_total >= 0 && npicked >= want)
			break;
		if (q->region && (f->region[i] < region_lo || f->region[i] > region_hi))
			continue;
		if (q->listed >= 0 && f->listed[i] != q->listed)
			continue;
		if (q->scale >= 0 && f->scale[i] != q->scale)
			continue;
		if (q->cert >= 0 && !(f->certs[i] & (1 << q->cert)))
			continue;
		if (ind_len &&
		    (!f->industry[i] || strncasecmp(f->industry[i], q->industry, ind_len) != 0))
			continue;
		if (cmask && !(cmask[i] & cbit))
			continue;
		if ((q->node >= 0 || (q->chain >= 0 && !cmask)) &&
		    !member_of(f, cat, i, q->node, q->chain))
			continue;
		if (hit && !hit[i])
			continue;
		total++;
		if (by_name || npicked < want)
			all[npicked++] = i;
	}
	if (known_total >= 0)
		total = known_total;
	else if (!by_name)
		remember_total(f, cc_buf_str(&tkey), total);
	if (by_name) {
		name_frame = f;
		qsort(all, (size_t)npicked, sizeof *all, cmp_names);
	}
	/* The page: matches offset .. offset+limit-1 (name order read from the end when
	 * descending). */
	long long n = npicked > q->offset ? npicked - q->offset : 0;
	if (n > q->limit)
		n = q->limit;
	page->rows = malloc(sizeof *page->rows * ((size_t)n + 1));
	if (!page->rows) {
		rc = cc_error_set(err, CC_ENOMEM, "search: out of memory");
		goto out;
	}
	for (long long k = 0; k < n; k++) {
		long long at = q->offset + k;
		page->rows[k] = by_name && desc ? all[npicked - 1 - at] : all[at];
	}
	page->nrows = (int)n;
	page->total = total;
out:
	if (rc)
		cc_enterprise_page_release(page);
	free(hit);
	free(all);
	order_free(own);
	cc_buf_release(&tkey);
	return rc;
}
