/*
 * Ranking the counterparts of a posting (see match.h for the candidates and components).
 */
#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/hash.h"
#include "base/builtin.h"
#include "base/parse.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "match/match_internal.h"
#include "store/dialect.h"
#include "store/fulltext.h"

const char *const match_component[MATCH_NCOMP] = {"text",	 "node",       "industry",
						  "region_pref", "cross_city", "quantity",
						  "credibility", "capability", "track_record"};
static const char *const component_zh[MATCH_NCOMP] = {"文本相关", "环节一致", "行业一致",
						      "意向地区", "川渝互采", "数量匹配",
						      "企业信用", "能力匹配", "技改业绩"};

/* ---- weights ---- */

static pthread_once_t weights_once = PTHREAD_ONCE_INIT;
static struct match_weights weights;
static struct cc_error weights_err;
static int weights_rc;

static double num(json_t *o, const char *key, double def)
{
	json_t *v = json_object_get(o, key);
	return json_is_number(v) ? json_number_value(v) : def;
}

static void weights_load(void)
{
	char *text = NULL;
	size_t len = 0;
	json_error_t je;
	json_t *root = NULL;
	if (cc_data_read("match_weights.json", &text, &len)) {
		weights_rc =
			cc_error_set(&weights_err, CC_ENOTFOUND, "match_weights.json: not found");
		return;
	}
	root = json_loadb(text, len, 0, &je);
	free(text);
	if (!root) {
		weights_rc = cc_error_set(&weights_err, CC_EPARSE, "match_weights.json:%d: %s",
					  je.line, je.text);
		return;
	}
	for (int set = 0; set < 2; set++) {
		const char *name = set ? "service_weights" : "weights";
		json_t *w = json_object_get(root, name);
		for (int k = 0; k < MATCH_NCOMP; k++) {
			json_t *v = json_object_get(w, match_component[k]);
			if (!json_is_number(v) || json_number_value(v) < 0 ||
			    json_number_value(v) > 100) {
				weights_rc = cc_error_set(
					&weights_err, CC_EINVAL,
					"match_weights.json: %s.%s must be a number >= 0", name,
					match_component[k]);
				json_decref(root);
				return;
			}
			(set ? weights.ws : weights.w)[k] = json_number_value(v);
		}
	}
	weights.track_full = num(root, "track_full", 5);
	if (weights.track_full <= 0)
		weights.track_full = 1;
	json_t *c = json_object_get(root, "candidates");
	weights.cand_text = (int)num(c, "text", 200);
	weights.cand_node = (int)num(c, "node", 300);
	weights.cand_enterprises = (int)num(c, "enterprises", 200);
	if (weights.cand_text < 0 || weights.cand_text > 5000 || weights.cand_node < 0 ||
	    weights.cand_node > 5000 || weights.cand_enterprises < 0 ||
	    weights.cand_enterprises > 5000)
		weights_rc = cc_error_set(&weights_err, CC_EINVAL,
					  "match_weights.json: candidates must be 0..5000");
	weights.node_related = num(root, "node_related", 0.5);
	weights.partial_text = num(root, "partial_text", 0.5);
	weights.partial_below = (int)num(root, "partial_below", 20);
	weights.partial_max_df = (int)num(root, "partial_max_df", 3000);
	weights.partial_terms = (int)num(root, "partial_terms", 4);
	weights.industry_division = num(root, "industry_division", 0.5);
	json_t *cr = json_object_get(root, "credibility");
	weights.certs_full = num(cr, "certs_full", 3);
	weights.platform_days_full = num(cr, "platform_days_full", 365);
	if (weights.certs_full <= 0)
		weights.certs_full = 1;
	if (weights.platform_days_full <= 0)
		weights.platform_days_full = 1;
	json_t *sc = json_object_get(cr, "scale");
	weights.scale[0] = 0;
	weights.scale[1] = num(sc, "large", 1);
	weights.scale[2] = num(sc, "medium", 0.7);
	weights.scale[3] = num(sc, "small", 0.4);
	weights.scale[4] = num(sc, "micro", 0.2);
	json_t *pair = json_object_get(json_object_get(root, "cross_city_pair"), "provinces");
	weights.pair[0] = (int)json_integer_value(json_array_get(pair, 0)) / 10000;
	weights.pair[1] = (int)json_integer_value(json_array_get(pair, 1)) / 10000;
	if (!weights.pair[0] || !weights.pair[1]) {
		weights.pair[0] = 50;
		weights.pair[1] = 51;
	}
	json_decref(root);
}

const struct match_weights *match_weights_get(struct cc_error *err)
{
	pthread_once(&weights_once, weights_load);
	if (weights_rc) {
		if (err)
			*err = weights_err;
		return NULL;
	}
	return &weights;
}

/* ---- helpers ---- */

static int days_of(const char *s)
{
	int ymd;
	if (!s || strlen(s) < 10 || cc_parse_date(s, 10, &ymd, NULL))
		return -1;
	return (int)cc_days_from_ymd(ymd);
}

/* 1 same node, RELATED for parent/child or siblings, else 0. */
static double node_agreement(const struct cc_catalogue *cat, int a, int b, double related)
{
	if (a < 0 || b < 0)
		return 0;
	if (a == b)
		return 1;
	int pa = cat->nodes[a].parent, pb = cat->nodes[b].parent;
	if (pa == b || pb == a || (pa >= 0 && pa == pb))
		return related;
	return 0;
}

/* The codes of the preference list PREFS ("510100;500000") into CODES (at most MAX). */
static int region_codes(const char *prefs, int *codes, int max)
{
	int n = 0;
	for (const char *p = prefs; p && *p && n < max;) {
		int code = (int)strtol(p, NULL, 10);
		if (code > 0)
			codes[n++] = code;
		p = strchr(p, ';');
		if (p)
			p++;
	}
	return n;
}

/* Whether region R lies in one of the N regions CODES. */
static int region_in(int r, const int *codes, int n)
{
	for (int k = 0; k < n; k++)
		if (cc_region_within(r, codes[k]))
			return 1;
	return 0;
}

/*
 * The industry component of an enterprise of industry IND (GB/T 4754) against the industries
 * of catalogue nodes LO .. HI - 1: 1 when IND is (under) one of them, DIVISION when only the
 * division (first 3 characters) agrees, else 0.
 */
static double industry_fit(const struct cc_catalogue *cat, int lo, int hi, const char *ind,
			   double division)
{
	double v = 0;
	size_t li = strlen(ind);
	for (int nn = lo; nn < hi; nn++) {
		const struct cc_node *xn = &cat->nodes[nn];
		for (int m = 0; m < xn->nindustries; m++) {
			const char *ni = xn->industries[m];
			size_t ln = strlen(ni);
			if (strncmp(ind, ni, ln) == 0)
				return 1;
			if (li >= 3 && ln >= 3 && strncmp(ind, ni, 3) == 0)
				v = division;
		}
	}
	return v;
}

/* A memo of industry_fit by code within one ranking (codes of up to 15 bytes; few distinct). */
struct industry_memo {
	char code[128][16];
	double v[128];
};

static double industry_memo_get(struct industry_memo *mm, const struct cc_catalogue *cat, int lo,
				int hi, const char *ind, double division)
{
	size_t n = strlen(ind);
	if (n == 0 || n >= sizeof mm->code[0])
		return industry_fit(cat, lo, hi, ind, division);
	uint32_t h = (uint32_t)cc_hash(ind, n);
	for (uint32_t i = h & 127, k = 0; k < 128; i = (i + 1) & 127, k++) {
		if (!mm->code[i][0]) {
			memcpy(mm->code[i], ind, n + 1);
			return mm->v[i] = industry_fit(cat, lo, hi, ind, division);
		}
		if (strcmp(mm->code[i], ind) == 0)
			return mm->v[i];
	}
	return industry_fit(cat, lo, hi, ind, division);
}

/* Case-insensitive (ASCII) substring test. */
static int has_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle), h = strlen(hay);
	if (n == 0 || n > h)
		return 0;
	for (size_t i = 0; i + n <= h; i++) {
		size_t k = 0;
		while (k < n && tolower((unsigned char)hay[i + k]) == (unsigned char)needle[k])
			k++;
		if (k == n)
			return 1;
	}
	return 0;
}

/* The candidate set: a growable array with a hash on (kind, id). */
struct cands {
	struct match_item *v;
	int n, cap;
	int32_t *slot; /* index + 1 */
	int nslot;
};

static struct match_item *cand_get(struct cands *c, int is_posting, int64_t id, int *fresh)
{
	uint64_t key = ((uint64_t)id << 1) | (uint64_t)is_posting;
	uint64_t h = key * 0x9E3779B97F4A7C15ull;
	int i = (int)(h >> 40) & (c->nslot - 1);
	while (c->slot[i]) {
		struct match_item *it = &c->v[c->slot[i] - 1];
		if (it->id == id && it->is_posting == is_posting) {
			*fresh = 0;
			return it;
		}
		i = (i + 1) & (c->nslot - 1);
	}
	if (c->n == c->cap)
		return NULL;
	struct match_item *it = &c->v[c->n];
	memset(it, 0, sizeof *it);
	it->is_posting = is_posting;
	it->id = id;
	it->ent = -1;
	it->node = -1;
	it->qty = NAN;
	it->days = -1;
	c->slot[i] = ++c->n;
	*fresh = 1;
	return it;
}

static void add_matched(struct match_item *it, const char *s, size_t n)
{
	size_t used = strlen(it->matched);
	char piece[100];
	if (n == 0 || n >= sizeof piece)
		return;
	memcpy(piece, s, n);
	piece[n] = '\0';
	if (strstr(it->matched, piece))
		return;
	if (used + n + 2 > sizeof it->matched)
		return;
	if (used)
		it->matched[used++] = ';';
	memcpy(it->matched + used, piece, n + 1);
}

/*
 * Records in IT->matched the parts of the query terms found in TEXT: a 1–2 character term when
 * it occurs whole, and for longer terms the maximal runs of consecutive trigrams that occur
 * (so "供应轮毂轴承" against "采购轮毂轴承" reports "轮毂轴承").
 */
static void note_terms(struct match_item *it, const struct match_term *t, int nt, const char *text)
{
	for (int k = 0; k < nt; k++) {
		const char *p = t[k].text;
		if (t[k].chars < 3) {
			if (has_ci(text, p))
				add_matched(it, p, strlen(p));
			continue;
		}
		size_t off[96];
		int nc = 0;
		for (size_t b = 0; p[b] && nc < 95; b += match_char_len((unsigned char)p[b]))
			off[nc++] = b;
		off[nc] = strlen(p);
		int run = -1;
		for (int i = 0; i + 3 <= nc + 1; i++) {
			int found = 0;
			if (i + 3 <= nc) {
				char tri[16];
				size_t len = off[i + 3] - off[i];
				if (len < sizeof tri) {
					memcpy(tri, p + off[i], len);
					tri[len] = '\0';
					found = has_ci(text, tri);
				}
			}
			if (found && run < 0)
				run = i;
			if (!found && run >= 0) {
				add_matched(it, p + off[run], off[i - 1 + 3] - off[run]);
				run = -1;
			}
		}
	}
}

static int cmp_items(const void *a, const void *b)
{
	const struct match_item *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->is_posting != y->is_posting)
		return x->is_posting ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Takes posting ID as a candidate when its fields F say it is open on TODAY (YYYYMMDD), of
 * kind OPPOSITE and not the poster's (frame index SELF); NULL when not, or when C is full. */
static struct match_item *take_posting(struct cands *c, const struct match_fields *mf, int64_t id,
				       int opposite, int32_t today, int self)
{
	const struct match_field *x = match_fields_of(mf, id);
	if (!x || x->kind != opposite + 1 || !x->open || x->valid < today || x->ent < 0 ||
	    x->ent == self)
		return NULL;
	int fresh;
	struct match_item *it = cand_get(c, 1, id, &fresh);
	if (it && fresh) {
		it->node = x->node;
		it->qty = x->qty;
		it->unit_id = x->unit;
		it->ent = x->ent;
	}
	return it;
}

/* The full-text index of the postings of KIND (MATCH_SUPPLY / MATCH_DEMAND). */
static int fts_of_kind(int kind)
{
	return kind == MATCH_SUPPLY ? CC_FTS_POSTINGS_SUPPLY : CC_FTS_POSTINGS_DEMAND;
}

/*
 * One text pass over the postings: the best bm25 rows of the text index of kind OPPOSITE for
 * QUERY (the index's own top-k, LIMIT 1.5 x WANT + 8), of them those open on TODAY and not the
 * poster's (their fields in memory: no row reads), until WANT are taken. The rows come from
 * the in-memory index TX when it serves that kind (match/textidx.c: the same rows and bm25),
 * else from the FTS5 index. New candidates get PASS and their bm25; BEST gets the best bm25
 * taken. Returns the number taken or a negative CC_E*.
 */
static int text_pass(struct cc_store *st, const struct match_text *tx, struct cands *c,
		     const struct match_fields *mf, const char *query, int want, int pass,
		     int opposite, int32_t today, int self, double *best, struct cc_error *err)
{
	/* The index of the opposite kind only (migration 6): its top rows are all candidates but
	 * for the closed and the poster's own, so a small over-fetch covers those. */
	int limit = want + want / 2 + 8, taken = 0, rc = 0;
	if (match_text_serves(tx, opposite)) {
		struct match_text_hit *h = malloc(sizeof *h * (size_t)limit);
		int n = h ? match_text_top(tx, opposite, query, limit, h, err)
			  : cc_error_set(err, CC_ENOMEM, "out of memory");
		for (int i = 0; i < n && taken < want; i++) {
			struct match_item *it =
				take_posting(c, mf, h[i].rowid, opposite, today, self);
			if (it && !it->pass && h[i].bm25 < 0) {
				it->pass = pass;
				it->bm25 = h[i].bm25;
				if (h[i].bm25 < *best)
					*best = h[i].bm25;
				taken++;
			}
		}
		free(h);
		return n < 0 ? n : taken;
	}
	struct cc_stmt *s = cc_fulltext_top(st, fts_of_kind(opposite), query, limit, err);
	if (!s)
		return CC_EDB;
	while (taken < want && (rc = cc_stmt_step(s, err)) == 1) {
		double bm = cc_stmt_double(s, 1);
		struct match_item *it =
			take_posting(c, mf, cc_stmt_int64(s, 0), opposite, today, self);
		if (it && !it->pass && bm < 0) {
			it->pass = pass;
			it->bm25 = bm;
			if (bm < *best)
				*best = bm;
			taken++;
		}
	}
	cc_stmt_reset(s);
	return rc < 0 ? CC_EDB : taken;
}

#define RARE_PRODUCTS 2 /* rare_trigrams over match_products_fts (after MATCH_SUPPLY/DEMAND) */

/*
 * The partial pass's query: of the quoted trigrams of LOOSE, those in at most MAX_DF documents
 * of the FTS5 index INDEX (MATCH_SUPPLY / MATCH_DEMAND: the postings of that kind, with the
 * counts kept in MF; RARE_PRODUCTS: match_products_fts, MF NULL), the rarest KEEP of
 * them, OR-ed into OUT (with TX serving INDEX, the counts are the in-memory index's). Common
 * trigrams add little to bm25 but every document holding them is scored, so they set the cost. A
 * trigram's documents are counted from its own doclist in rowid order and no further than MAX_DF +
 * 1 (fts5vocab counts the whole doclist, which for a common trigram cost more than the query it
 * serves). Returns how many were kept (0: skip the pass) or CC_EDB.
 */
static int rare_trigrams(struct cc_store *st, const struct match_text *tx, struct match_fields *mf,
			 int index, const char *loose, int max_df, int keep, char *out, size_t n,
			 struct cc_error *err)
{
	struct {
		const char *p;
		size_t len;
		int64_t df;
	} tri[64];
	int nt = 0;
	for (const char *p = strchr(loose, '"'); p && nt < 64;) {
		const char *e = strchr(p + 1, '"');
		if (!e)
			break;
		int64_t df = index != RARE_PRODUCTS && match_text_serves(tx, index)
				     ? match_text_df(tx, index, p + 1, (size_t)(e - p - 1))
			     : mf ? match_fields_df(mf, index, p + 1, (size_t)(e - p - 1))
				  : -1;
		if (df < 0) { /* not counted since the postings last changed (capped: MAX_DF is
				 fixed) */
			char phrase[256];
			size_t len = (size_t)(e - p + 1);
			if (len >= sizeof phrase)
				len = 0;
			memcpy(phrase, p, len);
			phrase[len] = '\0';
			df = cc_fulltext_count(
				st, index == RARE_PRODUCTS ? CC_FTS_PRODUCTS : fts_of_kind(index),
				phrase, (int64_t)max_df + 1, err);
			if (df < 0)
				return CC_EDB;
			if (mf)
				match_fields_df_put(mf, index, p + 1, (size_t)(e - p - 1), df);
		}
		if (df > 0 && df <= max_df) {
			int j = nt++;
			while (j > 0 && tri[j - 1].df > df) {
				tri[j] = tri[j - 1];
				j--;
			}
			tri[j].p = p;
			tri[j].len = (size_t)(e - p + 1);
			tri[j].df = df;
		}
		p = strchr(e + 1, '"');
	}
	size_t used = 0;
	int kept = 0;
	out[0] = '\0';
	for (int k = 0; k < nt && kept < keep; k++) {
		if (used + tri[k].len + 5 >= n)
			break;
		if (kept) {
			memcpy(out + used, " OR ", 4);
			used += 4;
		}
		memcpy(out + used, tri[k].p, tri[k].len);
		used += tri[k].len;
		out[used] = '\0';
		kept++;
	}
	return kept;
}

/*
 * One text pass over the registered enterprises: the products of the product index matching
 * QUERY, best bm25 first, and for each its sellers (SELLERS) or buyers, in id order, until
 * WANT enterprises other than SELF are taken. An enterprise gets PASS and the bm25 of its best
 * product; BEST gets the best bm25 taken. Returns the number taken or a negative CC_E*.
 */
static int product_pass(struct cc_store *st, struct cands *c, const char *query, int pass,
			int sellers, int want, int64_t self, const struct cc_frame *f, double *best,
			struct cc_error *err)
{
	static const char sell_sql[] =
		"SELECT enterprise_id FROM match_sellers WHERE product_id = ?1";
	static const char buy_sql[] =
		"SELECT enterprise_id FROM match_buyers WHERE product_id = ?1";
	struct cc_stmt *w = cc_stmt_cached(st, sellers ? sell_sql : buy_sql, err);
	struct cc_stmt *s = w ? cc_fulltext_top(st, CC_FTS_PRODUCTS, query, 0, err) : NULL;
	if (!s)
		return CC_EDB;
	int taken = 0, rc = 0, rw = 0;
	while (taken < want && (rc = cc_stmt_step(s, err)) == 1) {
		double bm = cc_stmt_double(s, 1);
		cc_stmt_bind_int64(w, 1, cc_stmt_int64(s, 0));
		while (taken < want && (rw = cc_stmt_step(w, err)) == 1) {
			int64_t eid = cc_stmt_int64(w, 0);
			int fresh;
			struct match_item *it = eid == self ? NULL : cand_get(c, 0, eid, &fresh);
			if (!it || it->pass)
				continue;
			it->ent = cc_frame_of_id(f, eid);
			it->bm25 = bm;
			it->pass = pass;
			taken++;
			if (bm < *best)
				*best = bm;
		}
		cc_stmt_reset(w);
		if (rw < 0)
			break;
	}
	cc_stmt_reset(s);
	return rc < 0 || rw < 0 ? CC_EDB : taken;
}

/* One ranking in progress: the posting, its candidates and what scoring them needs. */
struct ranking {
	struct cc_store *st;
	struct cc_frame *f;
	const struct match_weights *W;
	const struct cc_catalogue *cat;
	struct match_result *out;
	struct match_fields *mf;
	struct match_text *tx; /* the in-memory text index, NULL: FTS5 */
	struct cands c;
	char today[11];
	int tymd;	/* today as YYYYMMDD */
	int opposite;	/* the kind of posting that answers this one */
	int64_t self;	/* the poster's enterprise id */
	char chain[64]; /* the posting's chain and node ids */
	char node[96];
	char loose[512];  /* the partial query's trigrams */
	double best_p[3]; /* best bm25 of postings taken, by pass */
	double best_e[3]; /* best bm25 of enterprises taken, by pass */
	int ent_taken;
	unsigned char *buys_on;	  /* supply posting: enterprises buying on its node */
	struct match_services sv; /* the service postings (issue 16 item 6) */
	struct match_track track; /* a service need's providers' completed projects */
	struct industry_memo *imemo;
};

/*
 * Reads posting OUT->posting_id into OUT (kind, quantity, unit, regions, poster), RK (chain,
 * node, poster id) and TITLE (N bytes). Returns 0, CC_ENOTFOUND, CC_EINVAL when it is
 * withdrawn or expired, or CC_EDB.
 */
static int read_posting(struct ranking *rk, char *title, size_t n, struct cc_error *err)
{
	static const char psql[] =
		"SELECT p.kind, p.title, coalesce(p.description, ''), p.chain, p.node, p.quantity, "
		"p.unit, p.region_pref, p.status, p.valid_until, e.uscc, e.id "
		"FROM postings p JOIN enterprises e ON e.id = p.enterprise_id WHERE p.id = ?1";
	struct match_result *out = rk->out;
	long long id = (long long)out->posting_id;
	struct cc_stmt *s = cc_stmt_cached(rk->st, psql, err);
	if (!s)
		return CC_EDB;
	cc_stmt_bind_int64(s, 1, out->posting_id);
	int rc = cc_stmt_step(s, err);
	if (rc <= 0) {
		cc_stmt_reset(s);
		return rc < 0 ? CC_EDB : cc_error_set(err, CC_ENOTFOUND, "id: no posting %lld", id);
	}
	out->kind = match_kind_parse(cc_stmt_text(s, 0));
	snprintf(title, n, "%s", cc_stmt_text(s, 1));
	snprintf(rk->chain, sizeof rk->chain, "%s", cc_stmt_text(s, 3));
	snprintf(rk->node, sizeof rk->node, "%s", cc_stmt_text(s, 4));
	out->qty = cc_stmt_is_null(s, 5) ? NAN : cc_stmt_double(s, 5);
	snprintf(out->unit, sizeof out->unit, "%s", cc_stmt_text(s, 6));
	snprintf(out->regions, sizeof out->regions, "%s", cc_stmt_text(s, 7));
	int withdrawn = strcmp(cc_stmt_text(s, 8), "open") != 0;
	int expired = !cc_stmt_is_null(s, 9) && strcmp(cc_stmt_text(s, 9), rk->today) < 0;
	snprintf(out->uscc, sizeof out->uscc, "%s", cc_stmt_text(s, 10));
	rk->self = cc_stmt_int64(s, 11);
	cc_stmt_reset(s);
	if (withdrawn || expired)
		return cc_error_set(err, CC_EINVAL, "id: posting %lld is %s: it has no matches", id,
				    withdrawn ? "withdrawn" : "expired");
	return 0;
}

/* 1. Opposite postings sharing text: the exact pass, then the partial one if it found fewer
 * than the weights' partial_below. Returns 0 or a negative CC_E*. */
static int text_candidates(struct ranking *rk, struct cc_error *err)
{
	const struct match_weights *W = rk->W;
	struct match_result *out = rk->out;
	if (!out->query[0] || W->cand_text <= 0)
		return 0;
	int got = text_pass(rk->st, rk->tx, &rk->c, rk->mf, out->query, W->cand_text, 1,
			    rk->opposite, rk->tymd, out->ent, &rk->best_p[1], err);
	if (got < 0)
		return got;
	int kept = 0;
	if (got < W->partial_below && strcmp(rk->loose, out->query) != 0) {
		kept = rare_trigrams(rk->st, rk->tx, rk->mf, rk->opposite, rk->loose,
				     W->partial_max_df, W->partial_terms, out->partial,
				     sizeof out->partial, err);
		if (kept < 0)
			return kept;
	}
	if (kept > 0) {
		int more =
			text_pass(rk->st, rk->tx, &rk->c, rk->mf, out->partial, W->cand_text - got,
				  2, rk->opposite, rk->tymd, out->ent, &rk->best_p[2], err);
		if (more < 0)
			return more;
	}
	return 0;
}

/* 2. Opposite postings on the same node, newest first (the index alone; their fields in
 * memory say which are open and not the poster's). Returns 0 or CC_EDB. */
static int node_posting_candidates(struct ranking *rk, struct cc_error *err)
{
	static const char sql[] = "SELECT id FROM postings WHERE chain = ?1 AND node = ?2 AND "
				  "kind = ?3 ORDER BY id DESC";
	if (rk->out->node < 0 || rk->W->cand_node <= 0)
		return 0;
	struct cc_stmt *s = cc_stmt_cached(rk->st, sql, err);
	if (!s)
		return CC_EDB;
	const char *kind = rk->opposite == MATCH_SUPPLY ? "supply" : "demand";
	cc_stmt_bind_text(s, 1, rk->chain, strlen(rk->chain));
	cc_stmt_bind_text(s, 2, rk->node, strlen(rk->node));
	cc_stmt_bind_text(s, 3, kind, strlen(kind));
	int taken = 0, rc = 0;
	while (taken < rk->W->cand_node && (rc = cc_stmt_step(s, err)) == 1)
		taken += !!take_posting(&rk->c, rk->mf, cc_stmt_int64(s, 0), rk->opposite, rk->tymd,
					rk->out->ent);
	cc_stmt_reset(s);
	return rc < 0 ? CC_EDB : 0;
}

/* 3. Registered enterprises whose products share text: sellers for a demand posting, buyers
 * for a supply posting; the exact pass, then the partial one. Returns 0 or a negative CC_E*. */
static int product_candidates(struct ranking *rk, struct cc_error *err)
{
	const struct match_weights *W = rk->W;
	struct match_result *out = rk->out;
	for (int pass = 1; pass <= 2 && out->query[0] && W->cand_enterprises > 0; pass++) {
		char rare[512];
		if (pass == 2) {
			if (rk->ent_taken >= W->partial_below || !strcmp(rk->loose, out->query))
				break;
			int kept = rare_trigrams(rk->st, NULL, NULL, RARE_PRODUCTS, rk->loose,
						 W->partial_max_df, W->partial_terms, rare,
						 sizeof rare, err);
			if (kept < 0)
				return kept;
			if (kept == 0)
				break;
		}
		int got =
			product_pass(rk->st, &rk->c, pass == 1 ? out->query : rare, pass,
				     out->kind == MATCH_DEMAND, W->cand_enterprises - rk->ent_taken,
				     rk->self, rk->f, &rk->best_e[pass], err);
		if (got < 0)
			return got;
		rk->ent_taken += got;
	}
	return 0;
}

/* 4. Registered enterprises on the node: its members (demand) or its buyers (supply, marked
 * in RK->buys_on). Returns 0 or CC_ENOMEM. */
static int node_enterprise_candidates(struct ranking *rk, struct cc_error *err)
{
	const struct cc_frame *f = rk->f;
	struct match_result *out = rk->out;
	int taken = 0;
	if (out->node < 0 || rk->W->cand_node <= 0)
		return 0;
	if (out->kind == MATCH_DEMAND) {
		for (int j = f->node_start[out->node];
		     j < f->node_start[out->node + 1] && taken < rk->W->cand_node; j++) {
			int e = f->node_ent[j], fresh;
			if (e == out->ent)
				continue;
			struct match_item *it = cand_get(&rk->c, 0, f->id[e], &fresh);
			if (!it)
				break;
			it->ent = e;
			taken += fresh;
		}
		return 0;
	}
	rk->buys_on = calloc((size_t)f->n + 1, 1);
	if (!rk->buys_on)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	for (int j = f->node_edge_start[out->node]; j < f->node_edge_start[out->node + 1]; j++)
		if (f->edge_buyer[j] >= 0)
			rk->buys_on[f->edge_buyer[j]] = 1;
	for (int j = f->node_edge_start[out->node];
	     j < f->node_edge_start[out->node + 1] && taken < rk->W->cand_node; j++) {
		int e = f->edge_buyer[j], fresh;
		if (e < 0 || e == out->ent)
			continue;
		struct match_item *it = cand_get(&rk->c, 0, f->id[e], &fresh);
		if (!it)
			break;
		it->ent = e;
		taken += fresh;
	}
	return 0;
}

/* The node of enterprise candidate IT (frame index E): the posting's when it buys on it (a
 * supply posting) or is a member, else its member node closest to the posting's. */
static void enterprise_node(struct ranking *rk, struct match_item *it, int e)
{
	const struct cc_frame *f = rk->f;
	if (rk->buys_on && rk->buys_on[e]) {
		it->node = rk->out->node;
		return;
	}
	double bestn = 0;
	for (int m = f->member_start[e]; m < f->member_start[e + 1]; m++) {
		double a = node_agreement(rk->cat, rk->out->node, f->member_node[m],
					  rk->W->node_related);
		if (a > bestn) {
			bestn = a;
			it->node = f->member_node[m];
		}
	}
}

/* The industries a counterpart should have: a demand posting wants a maker of the node (the
 * node's industries), a supply posting a buyer anywhere down the chain (the chain's nodes'). */
static void industry_span(const struct ranking *rk, int *lo, int *hi)
{
	const struct cc_node *pn = rk->out->node >= 0 ? &rk->cat->nodes[rk->out->node] : NULL;
	*lo = pn ? pn->index : 0;
	*hi = pn ? pn->index + 1 : 0;
	if (pn && rk->out->kind == MATCH_SUPPLY) {
		*lo = rk->cat->chains[pn->chain].first_node;
		*hi = *lo + rk->cat->chains[pn->chain].nnodes;
	}
}

/*
 * The components and score of candidate IT (frame index E): N_LO..N_HI the industries'
 * nodes, RCODES (NRCODES) the preferred regions, TDAY today in days.
 */
static void score_item(struct ranking *rk, struct match_item *it, int e, int n_lo, int n_hi,
		       const int *rcodes, int nrcodes, int tday)
{
	const struct match_weights *W = rk->W;
	const struct cc_frame *f = rk->f;
	const struct match_result *out = rk->out;
	if (it->pass && it->bm25 < 0) {
		double best = it->is_posting ? rk->best_p[it->pass] : rk->best_e[it->pass];
		it->comp[0] = (it->pass == 2 ? W->partial_text : 1) * it->bm25 / best;
	}
	it->comp[1] = node_agreement(rk->cat, out->node, it->node, W->node_related);
	if (f->industry[e] && n_hi > n_lo)
		it->comp[2] = industry_memo_get(rk->imemo, rk->cat, n_lo, n_hi, f->industry[e],
						W->industry_division);
	it->comp[3] = region_in(f->region[e], rcodes, nrcodes);
	int pa = out->region / 10000, pb = f->region[e] / 10000;
	it->comp[4] = pa != pb && ((pa == W->pair[0] && pb == W->pair[1]) ||
				   (pa == W->pair[1] && pb == W->pair[0]))
			      ? 1
			      : 0;
	if (it->is_posting && out->qty > 0 && it->qty > 0 && out->unit_id > 0 &&
	    it->unit_id == out->unit_id)
		it->comp[5] = fmin(out->qty, it->qty) / fmax(out->qty, it->qty);
	int certs = __builtin_popcount(f->certs[e]);
	if (f->created[e]) {
		int d = (int)cc_days_from_ymd(f->created[e]);
		it->days = tday >= d ? tday - d : -1;
	}
	double cred = fmin(1, certs / W->certs_full) + W->scale[f->scale[e] < 5 ? f->scale[e] : 0] +
		      (it->days > 0 ? fmin(1, it->days / W->platform_days_full) : 0);
	it->comp[6] = cred / 3;
	double sc = 0;
	for (int j = 0; j < MATCH_NCOMP; j++)
		sc += W->w[j] * it->comp[j];
	/* Round to 1e-9 so that sums in a different order cannot flip a tie. */
	it->score = round(sc * 1e9) / 1e9;
}

/* Whether candidate IT is of the posting's category: a service need is answered by service
 * postings only (and, past scoring, only by those offering some capability it needs), a
 * product posting never by one. */
static int category_fits(const struct ranking *rk, const struct match_item *it)
{
	int svc = it->is_posting && match_services_has(&rk->sv, it->id);
	return rk->out->service ? svc : !svc;
}

/* A service candidate's own components (match/service.c) and its score on the service
 * weights. */
static void service_rescore(struct ranking *rk, struct match_item *it)
{
	if (!category_fits(rk, it))
		return;
	match_service_score(rk->st, rk->f, rk->out, &rk->track, it);
	double sc = 0;
	for (int j = 0; j < MATCH_NCOMP; j++)
		sc += rk->W->ws[j] * it->comp[j];
	it->score = round(sc * 1e9) / 1e9;
}

/* 5. A service need's providers: open service supplies offering some capability it needs.
 * Returns 0 or a negative CC_E*. */
static int service_candidates(struct ranking *rk, struct cc_error *err)
{
	int64_t *ids = NULL;
	int n = 0;
	int rc = match_service_candidates(rk->st, rk->out->caps, &ids, &n, err);
	for (int i = 0; rc == 0 && i < n && i < rk->W->cand_node; i++)
		take_posting(&rk->c, rk->mf, ids[i], rk->opposite, rk->tymd, rk->out->ent);
	free(ids);
	return rc;
}

/* Scores every candidate in the frame, drops the others and sorts: OUT takes the items. */
static int score_candidates(struct ranking *rk, struct cc_error *err)
{
	struct cands *c = &rk->c;
	int n_lo, n_hi;
	industry_span(rk, &n_lo, &n_hi);
	int tday = days_of(rk->today);
	int rcodes[40]; /* regions[256]: at most 36 codes of 6 digits */
	int nrcodes = region_codes(rk->out->regions, rcodes, 40);
	rk->imemo = calloc(1, sizeof *rk->imemo);
	if (!rk->imemo)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	for (int k = 0; k < c->n; k++) {
		struct match_item *it = &c->v[k];
		int e = it->ent;
		if (e < 0)
			continue; /* not in the frame yet (written since it was built) */
		if (!it->is_posting) {
			snprintf(it->title, sizeof it->title, "%s", rk->f->name[e]);
			enterprise_node(rk, it, e);
		}
		score_item(rk, it, e, n_lo, n_hi, rcodes, nrcodes, tday);
		if (rk->out->service)
			service_rescore(rk, it);
	}
	int m = 0;
	for (int k = 0; k < c->n; k++)
		if (c->v[k].ent >= 0 && category_fits(rk, &c->v[k]) &&
		    (!rk->out->service || c->v[k].comp[MATCH_C_CAPABILITY] > 0))
			c->v[m++] = c->v[k];
	qsort(c->v, (size_t)m, sizeof *c->v, cmp_items);
	rk->out->n = m;
	rk->out->items = c->v;
	c->v = NULL;
	return 0;
}

/* Sizes RK's candidate table for the weights' candidate counts. */
static int cands_init(struct ranking *rk, struct cc_error *err)
{
	const struct match_weights *W = rk->W;
	struct cands *c = &rk->c;
	c->cap = W->cand_text + 2 * W->cand_node + W->cand_enterprises + 1;
	c->nslot = 1;
	while (c->nslot < 2 * c->cap)
		c->nslot <<= 1;
	c->v = calloc((size_t)c->cap, sizeof *c->v);
	c->slot = calloc((size_t)c->nslot, sizeof *c->slot);
	if (!c->v || !c->slot)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	return 0;
}

int match_rank(struct cc_store *st, struct cc_frame *f, int64_t id, const char *today_in,
	       struct match_result *out, struct cc_error *err)
{
	struct ranking rk = {.st = st, .f = f, .out = out};
	int rc = 0;
	memset(out, 0, sizeof *out);
	out->posting_id = id;
	rk.W = match_weights_get(err);
	rk.cat = cc_catalogue_get(err);
	if (!rk.W || !rk.cat) {
		rc = CC_EINVAL;
		goto out;
	}
	if (today_in && strlen(today_in) == 10)
		snprintf(rk.today, sizeof rk.today, "%s", today_in);
	else
		cc_date_today(rk.today);
	char title[1024];
	rc = read_posting(&rk, title, sizeof title, err);
	if (rc)
		goto out;
	out->ent = cc_frame_find(f, out->uscc);
	out->region = out->ent >= 0 ? f->region[out->ent] : 0;
	out->node = cc_node_index(rk.cat, rk.chain, rk.node);
	rk.opposite = out->kind == MATCH_SUPPLY ? MATCH_DEMAND : MATCH_SUPPLY;
	if (cc_parse_date(rk.today, 10, &rk.tymd, NULL)) {
		rc = cc_error_set(err, CC_EINVAL, "today: '%s' is not a date (YYYY-MM-DD)",
				  rk.today);
		goto out;
	}
	/* The topic: the title without the buy/sell words. */
	match_strip_stopwords(title, out->topic, sizeof out->topic);
	match_query_phrases(out->topic, out->query, sizeof out->query);
	match_query_build(out->topic, rk.loose, sizeof rk.loose);

	rk.mf = match_fields_get(st, f, err);
	if (!rk.mf) {
		rc = err && err->code ? err->code : CC_EDB;
		goto out;
	}
	/* The text index, when one was made (else FTS5 answers; err is left as it was). */
	rk.tx = match_text_get(st, NULL);
	const struct match_field *own = match_fields_of(rk.mf, id);
	out->unit_id = own ? own->unit : match_fields_unit(rk.mf, out->unit);
	rc = cands_init(&rk, err);
	if (rc == 0)
		rc = match_services_load(st, &rk.sv, err);
	if (rc == 0) {
		char inds[512];
		int got = match_service_row(st, id, out->caps, inds, sizeof out->caps);
		out->service = got == 1;
		rc = got < 0 ? cc_error_set(err, CC_EDB, "cannot read the service posting") : 0;
	}
	if (rc)
		goto out;
	rc = text_candidates(&rk, err);
	if (rc == 0 && out->service)
		rc = service_candidates(&rk, err);
	if (rc == 0 && out->service)
		rc = match_track_load(st, &rk.track, err);
	if (rc == 0 && !out->service)
		rc = node_posting_candidates(&rk, err);
	if (rc == 0 && !out->service)
		rc = product_candidates(&rk, err);
	if (rc)
		goto out;
	/* The postings' fields are not needed past here: give them back before scoring. */
	match_fields_release(rk.mf);
	rk.mf = NULL;
	match_text_release(rk.tx);
	rk.tx = NULL;
	if (!out->service)
		rc = node_enterprise_candidates(&rk, err);
	if (rc == 0)
		rc = score_candidates(&rk, err);
out:
	match_services_free(&rk.sv);
	match_track_free(&rk.track);
	match_fields_release(rk.mf);
	match_text_release(rk.tx);
	free(rk.c.v);
	free(rk.c.slot);
	free(rk.buys_on);
	free(rk.imemo);
	return rc;
}

int match_component_applies(const struct match_result *r, int k)
{
	if (r->service)
		return k != 1 && k != 5; /* no node, no quantity */
	return k < MATCH_C_CAPABILITY;
}

void match_result_free(struct match_result *r)
{
	free(r->items);
	r->items = NULL;
	r->n = 0;
}

/* ---- explanation ---- */

static const char *scale_zh(int s)
{
	static const char *const z[] = {"未知", "大型", "中型", "小型", "微型"};
	return s >= 0 && s < 5 ? z[s] : "未知";
}

static const char *scale_en(int s)
{
	static const char *const z[] = {"unknown", "large", "medium", "small", "micro"};
	return s >= 0 && s < 5 ? z[s] : "unknown";
}

void match_item_text(struct cc_store *st, struct match_result *r, int i)
{
	static const char psql[] = "SELECT title, coalesce(description, ''), unit FROM postings "
				   "WHERE id = ?1";
	static const char ssql[] =
		"SELECT string_agg(p.name, ' ') FROM match_sellers s "
		"JOIN match_products p ON p.id = s.product_id WHERE s.enterprise_id = ?1";
	static const char bsql[] =
		"SELECT string_agg(p.name, ' ') FROM match_buyers s "
		"JOIN match_products p ON p.id = s.product_id WHERE s.enterprise_id = ?1";
	struct match_item *it = &r->items[i];
	if (it->explained)
		return;
	it->explained = 1;
	struct match_term t[MATCH_MAX_TERMS];
	int nt = match_terms(r->topic, t, MATCH_MAX_TERMS);
	const char *sql = it->is_posting ? psql : r->kind == MATCH_DEMAND ? ssql : bsql;
	struct cc_stmt *s = cc_stmt_cached(st, sql, NULL);
	if (!s)
		return;
	cc_stmt_bind_int64(s, 1, it->id);
	if (cc_stmt_step(s, NULL) == 1) {
		if (it->is_posting) { /* ranking held no text of the posting: title and unit here */
			snprintf(it->title, sizeof it->title, "%s", cc_stmt_text(s, 0));
			snprintf(it->unit, sizeof it->unit, "%s", cc_stmt_text(s, 2));
		}
		for (int c = 0; c < (it->is_posting ? 2 : 1) && nt > 0; c++)
			note_terms(it, t, nt, cc_stmt_text(s, c));
	}
	cc_stmt_reset(s);
}

double match_text_share(const char *topic, const char *text, char *matched, size_t n)
{
	struct match_term t[MATCH_MAX_TERMS];
	char clean[1024];
	struct match_item it;
	int all = 0, found = 0;
	memset(&it, 0, sizeof it);
	match_strip_stopwords(topic, clean, sizeof clean);
	int nt = match_terms(clean, t, MATCH_MAX_TERMS);
	for (int k = 0; k < nt && text; k++) {
		const char *p = t[k].text;
		if (t[k].chars < 3)
			continue;
		for (size_t b = 0; p[b]; b += match_char_len((unsigned char)p[b])) {
			size_t e = b;
			int c = 0;
			while (p[e] && c < 3) {
				e += match_char_len((unsigned char)p[e]);
				c++;
			}
			if (c < 3)
				break;
			char tri[16];
			if (e - b >= sizeof tri)
				continue;
			memcpy(tri, p + b, e - b);
			tri[e - b] = '\0';
			all++;
			found += has_ci(text, tri);
		}
	}
	if (text && nt > 0)
		note_terms(&it, t, nt, text);
	if (matched)
		snprintf(matched, n, "%s", it.matched);
	return all ? (double)found / all : 0;
}

/* Appends ,"KEY": and the JSON string S. (A failed append makes the rest fail: the caller
 * checks the last.) */
static void put_str(struct cc_buf *b, const char *key, const char *s)
{
	cc_buf_puts(b, ",\"");
	cc_buf_puts(b, key);
	cc_buf_puts(b, "\":");
	cc_buf_json_str(b, s, strlen(s));
}

/* Appends ,"KEY": and V as a JSON number (null when NaN). */
static void put_num(struct cc_buf *b, const char *key, double v)
{
	cc_buf_puts(b, ",\"");
	cc_buf_puts(b, key);
	cc_buf_puts(b, "\":");
	cc_buf_num(b, v);
}

int match_item_write(struct cc_store *st, const struct cc_frame *f, struct match_result *r, int i,
		     struct cc_buf *b)
{
	match_item_text(st, r, i);
	const struct match_weights *W = match_weights_get(NULL);
	const struct cc_catalogue *cat = cc_catalogue_get(NULL);
	const struct match_item *it = &r->items[i];
	int e = it->ent;
	cc_codes_load(NULL);
	cc_buf_printf(b, "{\"rank\":%d", i + 1);
	put_str(b, "type", it->is_posting ? "posting" : "enterprise");
	cc_buf_printf(b, ",\"id\":%lld", (long long)it->id);
	put_str(b, "title", it->title);
	put_num(b, "score", it->score);
	put_str(b, "uscc", f->uscc[e]);
	put_str(b, "enterprise", f->name[e]);
	cc_buf_printf(b, ",\"region\":%d", (int)f->region[e]);
	char rn[160];
	cc_region_fullname(f->region[e], rn, sizeof rn);
	put_str(b, "region_name", rn);
	if (it->node >= 0) {
		const struct cc_node *nd = &cat->nodes[it->node];
		char ref[160];
		snprintf(ref, sizeof ref, "%s.%s", cat->chains[nd->chain].id, nd->id);
		put_str(b, "node", ref);
		put_str(b, "node_name", nd->name_zh);
		put_str(b, "node_name_en", nd->name_en);
	} else {
		cc_buf_puts(b, ",\"node\":null");
	}
	if (it->is_posting) {
		put_num(b, "quantity", it->qty); /* null when none */
		put_str(b, "unit", it->unit);
	}
	cc_buf_puts(b, ",\"explanation\":[");
	const double *wk = r->service ? W->ws : W->w;
	for (int k = 0, listed = 0; k < MATCH_NCOMP; k++) {
		char zh[600], en[600];
		double v = it->comp[k];
		if (!match_component_applies(r, k))
			continue;
		if (r->service && (k == MATCH_C_INDUSTRY || k >= MATCH_C_CAPABILITY)) {
			match_service_reason(st, f, r, it, k, zh, en, sizeof zh);
			goto put;
		}
		switch (k) {
		case 0:
			if (it->matched[0]) {
				snprintf(zh, sizeof zh, "标题/描述/产品含：%s", it->matched);
				snprintf(en, sizeof en, "text contains \u201c%s\u201d",
					 it->matched);
			} else {
				snprintf(zh, sizeof zh, "%s", v > 0 ? "文本相似" : "无共同文字");
				snprintf(en, sizeof en, "%s",
					 v > 0 ? "similar text" : "no shared text");
			}
			break;
		case 1:
			if (v >= 1) {
				snprintf(zh, sizeof zh, "同一环节：%s",
					 cat->nodes[it->node].name_zh);
				snprintf(en, sizeof en, "same node: %s",
					 cat->nodes[it->node].name_en);
			} else if (v > 0) {
				snprintf(zh, sizeof zh, "相邻环节：%s",
					 cat->nodes[it->node].name_zh);
				snprintf(en, sizeof en, "related node: %s",
					 cat->nodes[it->node].name_en);
			} else if (r->node < 0) {
				snprintf(zh, sizeof zh, "本条未填环节");
				snprintf(en, sizeof en, "this posting names no node");
			} else {
				snprintf(zh, sizeof zh, "环节不同或未填");
				snprintf(en, sizeof en, "another or no node");
			}
			break;
		case 2: {
			const char *ind = f->industry[e];
			snprintf(zh, sizeof zh, "行业代码 %s%s", ind ? ind : "（无）",
				 v >= 1	 ? " 属于该环节行业"
				 : v > 0 ? " 与该环节行业同大类"
					 : " 不属于该环节行业");
			snprintf(en, sizeof en, "industry %s %s", ind ? ind : "(none)",
				 v >= 1	 ? "is one of the node's"
				 : v > 0 ? "shares the node's division"
					 : "is not the node's");
			break;
		}
		case 3:
			if (!r->regions[0]) {
				snprintf(zh, sizeof zh, "本条未设意向地区");
				snprintf(en, sizeof en, "no preferred region given");
			} else {
				snprintf(zh, sizeof zh, "%s意向地区 %s", v > 0 ? "位于" : "不在",
					 r->regions);
				snprintf(en, sizeof en, "%s the preferred regions %s",
					 v > 0 ? "in" : "not in", r->regions);
			}
			break;
		case 4:
			snprintf(zh, sizeof zh, "%s",
				 v > 0 ? "川渝互采：对方在另一省市" : "不跨川渝");
			snprintf(en, sizeof en, "%s",
				 v > 0 ? "Chengdu–Chongqing pair: the other province"
				       : "not across the pair");
			break;
		case 5:
			if (v > 0) {
				snprintf(zh, sizeof zh, "数量 %g / %g %s", r->qty, it->qty,
					 it->unit);
				snprintf(en, sizeof en, "quantity %g / %g %s", r->qty, it->qty,
					 it->unit);
			} else if (!it->is_posting) {
				snprintf(zh, sizeof zh, "企业无数量");
				snprintf(en, sizeof en, "an enterprise states no quantity");
			} else if (!(r->qty > 0) || !(it->qty > 0)) {
				snprintf(zh, sizeof zh, "一方未填数量");
				snprintf(en, sizeof en, "a quantity is missing");
			} else {
				snprintf(zh, sizeof zh, "单位不同（%s / %s）", r->unit, it->unit);
				snprintf(en, sizeof en, "different units (%s / %s)", r->unit,
					 it->unit);
			}
			break;
		default:
			snprintf(zh, sizeof zh, "资质 %d 项，%s企业，入驻 %d 天",
				 __builtin_popcount(f->certs[e]), scale_zh(f->scale[e]),
				 it->days < 0 ? 0 : it->days);
			snprintf(en, sizeof en, "%d certificates, %s, %d days on the platform",
				 __builtin_popcount(f->certs[e]), scale_en(f->scale[e]),
				 it->days < 0 ? 0 : it->days);
			break;
		}
	put:
		cc_buf_puts(b, listed++ ? ",{\"component\":\"" : "{\"component\":\"");
		cc_buf_puts(b, match_component[k]);
		cc_buf_putc(b, '"');
		put_str(b, "name_zh", component_zh[k]);
		put_num(b, "value", v);
		put_num(b, "weight", wk[k]);
		put_num(b, "contribution", wk[k] * v);
		put_str(b, "reason_zh", zh);
		put_str(b, "reason_en", en);
		cc_buf_putc(b, '}');
	}
	return cc_buf_puts(b, "]}");
}
