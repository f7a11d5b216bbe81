/*
 * Service postings (issue 16, item 6): a solution provider's offer (a supply posting) and an
 * enterprise's retrofit need (a demand posting) carry capability codes
 * (data/digital/capabilities.json) and, for a provider, the GB/T 4754 industries it serves
 * (table service_postings, migration 28). match_rank ranks the providers of a need with the
 * engine's components, three of them read here: capability (how much of the need the provider
 * covers), industry (the need's enterprise in an industry the provider serves) and track record
 * (the provider's completed retrofit projects in the register). See match.h.
 */
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/builtin.h"
#include "domain/codes.h"
#include "match/match_internal.h"

#define CAP_MAX 64

static struct {
	int n;
	char id[CAP_MAX][32];
	char kind[CAP_MAX][16]; /* "" for a kind itself */
	char zh[CAP_MAX][96], en[CAP_MAX][96];
	double kind_only;
	int rc;
	struct cc_error err;
} caps;
static pthread_once_t caps_once = PTHREAD_ONCE_INIT;

static void cap_put(json_t *o, const char *kind)
{
	const char *id = json_string_value(json_object_get(o, "id"));
	const char *k = kind ? kind : json_string_value(json_object_get(o, "kind"));
	if (caps.rc || caps.n >= CAP_MAX || !id || !*id || strlen(id) >= 32 || !k) {
		caps.rc =
			cc_error_set(&caps.err, CC_EINVAL,
				     "digital/capabilities.json: capability %d needs an id (under "
				     "32 bytes) and a kind; at most %d",
				     caps.n + 1, CAP_MAX);
		return;
	}
	snprintf(caps.id[caps.n], sizeof caps.id[0], "%s", id);
	snprintf(caps.kind[caps.n], sizeof caps.kind[0], "%s", k);
	const char *zh = json_string_value(json_object_get(o, "name_zh"));
	const char *en = json_string_value(json_object_get(o, "name_en"));
	snprintf(caps.zh[caps.n], sizeof caps.zh[0], "%s", zh ? zh : id);
	snprintf(caps.en[caps.n], sizeof caps.en[0], "%s", en ? en : id);
	caps.n++;
}

static void caps_load(void)
{
	char *text = NULL;
	size_t len = 0;
	json_error_t je;
	if (cc_data_read("digital/capabilities.json", &text, &len)) {
		caps.rc = cc_error_set(&caps.err, CC_ENOTFOUND,
				       "digital/capabilities.json: not found");
		return;
	}
	json_t *root = json_loadb(text, len, 0, &je);
	free(text);
	if (!root) {
		caps.rc = cc_error_set(&caps.err, CC_EPARSE, "digital/capabilities.json:%d: %s",
				       je.line, je.text);
		return;
	}
	json_t *v = json_object_get(root, "kind_only");
	caps.kind_only = json_is_number(v) ? json_number_value(v) : 0.5;
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(root, "kinds"), i, o) cap_put(o, "");
	json_array_foreach(json_object_get(root, "capabilities"), i, o) cap_put(o, NULL);
	json_decref(root);
}

/* The index of capability ID or Chinese name S (LEN bytes), or -1. */
static int cap_find(const char *s, size_t len)
{
	for (int i = 0; i < caps.n; i++)
		if ((strlen(caps.id[i]) == len && memcmp(caps.id[i], s, len) == 0) ||
		    (strlen(caps.zh[i]) == len && memcmp(caps.zh[i], s, len) == 0))
			return i;
	return -1;
}

/* The capability indices of the ';'-joined list S into IDX (at most MAX). */
static int cap_list(const char *s, int *idx, int max)
{
	int n = 0;
	for (const char *p = s; p && *p && n < max;) {
		const char *e = strchr(p, ';');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		int k = cap_find(p, len);
		if (k >= 0)
			idx[n++] = k;
		p = e ? e + 1 : NULL;
	}
	return n;
}

int match_caps_of_gap(const char *question, char *out, size_t n)
{
	char *text = NULL;
	size_t len = 0;
	out[0] = '\0';
	if (match_caps_load(NULL) || cc_data_read("digital/capabilities.json", &text, &len))
		return 0;
	json_t *root = json_loadb(text, len, 0, NULL);
	free(text);
	json_t *a = json_object_get(json_object_get(root, "maturity_gaps"), question);
	size_t i, used = 0;
	int k = 0;
	json_t *x;
	json_array_foreach(a, i, x)
	{
		const char *id = json_string_value(x);
		if (!id || cap_find(id, strlen(id)) < 0)
			continue;
		int w = snprintf(out + used, n - used, "%s%s", used ? ";" : "", id);
		if (w < 0 || (size_t)w >= n - used)
			break;
		used += (size_t)w;
		k++;
	}
	json_decref(root);
	return k;
}

int match_caps_load(struct cc_error *err)
{
	pthread_once(&caps_once, caps_load);
	if (caps.rc && err)
		*err = caps.err;
	return caps.rc;
}

int match_caps_parse(const char *in, char *out, size_t n, struct cc_error *err)
{
	out[0] = '\0';
	int rc = match_caps_load(err);
	if (rc || !in)
		return rc;
	size_t used = 0;
	const char *p = in;
	while (*p) {
		size_t len = strcspn(p, ";, ");
		if (len > 0) {
			int k = cap_find(p, len);
			if (k < 0)
				return cc_error_set(err, CC_EINVAL,
						    "unknown capability '%.*s' (see "
						    "data/digital/capabilities.json)",
						    (int)(len > 60 ? 60 : len), p);
			int seen = 0;
			for (const char *q = out; *q && !seen;) {
				size_t ql = strcspn(q, ";");
				seen = ql == strlen(caps.id[k]) && !memcmp(q, caps.id[k], ql);
				q += ql + (q[ql] == ';');
			}
			if (!seen) {
				int w = snprintf(out + used, n - used, "%s%s", used ? ";" : "",
						 caps.id[k]);
				if (w < 0 || (size_t)w >= n - used)
					return cc_error_set(err, CC_EINVAL,
							    "too many capabilities");
				used += (size_t)w;
			}
		}
		p += len;
		while (*p == ';' || *p == ',' || *p == ' ')
			p++;
	}
	return 0;
}

int match_industries_parse(const char *in, char *out, size_t n, struct cc_error *err)
{
	out[0] = '\0';
	if (!in)
		return 0;
	int rc = cc_codes_load(err);
	if (rc)
		return rc;
	size_t used = 0;
	for (const char *p = in; *p;) {
		size_t len = strcspn(p, ";, ");
		if (len > 0) {
			char code[16];
			snprintf(code, sizeof code, "%.*s", (int)(len < 15 ? len : 15), p);
			const struct cc_industry *ind = len < 15 ? cc_industry_find(code) : NULL;
			if (!ind)
				return cc_error_set(err, CC_EINVAL,
						    "'%.*s' is not a GB/T 4754-2017 code",
						    (int)(len > 40 ? 40 : len), p);
			int w = snprintf(out + used, n - used, "%s%s", used ? ";" : "", ind->code);
			if (w < 0 || (size_t)w >= n - used)
				return cc_error_set(err, CC_EINVAL, "too many industries");
			used += (size_t)w;
		}
		p += len;
		while (*p == ';' || *p == ',' || *p == ' ')
			p++;
	}
	return 0;
}

int match_service_save(struct cc_store *st, int64_t id, const char *capabilities,
		       const char *industries, struct cc_error *err)
{
	struct cc_stmt *s = cc_stmt_cached(
		st,
		"INSERT INTO service_postings(posting_id, capabilities, industries) "
		"VALUES(?1, ?2, ?3) ON CONFLICT(posting_id) DO UPDATE SET "
		"capabilities = excluded.capabilities, industries = excluded.industries",
		err);
	if (!s)
		return CC_EDB;
	cc_stmt_bind_int64(s, 1, id);
	cc_stmt_bind_text(s, 2, capabilities, strlen(capabilities));
	if (industries && *industries)
		cc_stmt_bind_text(s, 3, industries, strlen(industries));
	else
		cc_stmt_bind_null(s, 3);
	int rc = cc_stmt_step(s, err) < 0 ? CC_EDB : 0;
	cc_stmt_reset(s);
	return rc;
}

/* Reads posting ID's service row into CAPS and INDS (size N each). 1 found, 0 none, CC_EDB. */
static int service_row(struct cc_store *st, int64_t id, char *cap, char *inds, size_t n)
{
	struct cc_stmt *s = cc_stmt_cached(st,
					   "SELECT capabilities, coalesce(industries, '') FROM "
					   "service_postings WHERE posting_id = ?1",
					   NULL);
	cap[0] = inds[0] = '\0';
	if (!s)
		return CC_EDB;
	cc_stmt_bind_int64(s, 1, id);
	int rc = cc_stmt_step(s, NULL);
	if (rc == 1) {
		snprintf(cap, n, "%s", cc_stmt_text(s, 0));
		snprintf(inds, n, "%s", cc_stmt_text(s, 1));
	}
	cc_stmt_reset(s);
	return rc < 0 ? CC_EDB : rc;
}

int match_service_row(struct cc_store *st, int64_t id, char *capabilities, char *industries,
		      size_t n)
{
	return service_row(st, id, capabilities, industries, n);
}

void match_service_json(struct cc_store *st, int64_t id, json_t *o)
{
	char cap[512], inds[512];
	if (service_row(st, id, cap, inds, sizeof cap) != 1) {
		json_object_set_new(o, "category", json_string("product"));
		return;
	}
	match_caps_load(NULL);
	json_object_set_new(o, "category", json_string("service"));
	json_t *a = json_array();
	int idx[CAP_MAX];
	int n = cap_list(cap, idx, CAP_MAX);
	for (int i = 0; i < n; i++)
		json_array_append_new(
			a, json_pack("{s:s, s:s, s:s, s:s}", "id", caps.id[idx[i]], "kind",
				     caps.kind[idx[i]][0] ? caps.kind[idx[i]] : caps.id[idx[i]],
				     "name_zh", caps.zh[idx[i]], "name_en", caps.en[idx[i]]));
	json_object_set_new(o, "capabilities", a);
	json_t *ia = json_array();
	for (const char *p = inds; *p;) {
		size_t len = strcspn(p, ";");
		json_array_append_new(ia, json_stringn(p, len));
		p += len + (p[len] == ';');
	}
	json_object_set_new(o, "industries", ia);
}

/* ---- ranking ---- */

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* The last list read, by database path and postings revision. */
static struct {
	pthread_mutex_t lock;
	char path[4096];
	int64_t rev;
	int64_t *ids;
	int n;
} svc_cache = {.lock = PTHREAD_MUTEX_INITIALIZER, .rev = -1};

/* Copies the cached list into SV when it is of PATH at REV: 1, else 0 (or CC_ENOMEM). */
static int services_cached(struct match_services *sv, const char *path, int64_t rev)
{
	int hit = 0;
	pthread_mutex_lock(&svc_cache.lock);
	if (svc_cache.rev == rev && !strcmp(svc_cache.path, path)) {
		hit = 1;
		if (svc_cache.n) {
			sv->ids = malloc((size_t)svc_cache.n * sizeof *sv->ids);
			if (sv->ids) {
				memcpy(sv->ids, svc_cache.ids,
				       (size_t)svc_cache.n * sizeof *sv->ids);
				sv->n = sv->cap = svc_cache.n;
			} else {
				hit = CC_ENOMEM;
			}
		}
	}
	pthread_mutex_unlock(&svc_cache.lock);
	return hit;
}

static void services_keep(const struct match_services *sv, const char *path, int64_t rev)
{
	int64_t *copy = sv->n ? malloc((size_t)sv->n * sizeof *copy) : NULL;
	if (sv->n && !copy)
		return;
	if (copy)
		memcpy(copy, sv->ids, (size_t)sv->n * sizeof *copy);
	pthread_mutex_lock(&svc_cache.lock);
	free(svc_cache.ids);
	svc_cache.ids = copy;
	svc_cache.n = sv->n;
	svc_cache.rev = rev;
	snprintf(svc_cache.path, sizeof svc_cache.path, "%s", path);
	pthread_mutex_unlock(&svc_cache.lock);
}

int match_services_load(struct cc_store *st, struct match_services *sv, struct cc_error *err)
{
	memset(sv, 0, sizeof *sv);
	const char *path = cc_store_path(st) ? cc_store_path(st) : "";
	int64_t rev = cc_store_int(st,
				   "SELECT CAST(value AS BIGINT) FROM meta WHERE key = "
				   "'postings_rev'",
				   -2);
	/* Inside a transaction the rows may yet be rolled back: read them, keep nothing. */
	int keep = rev >= 0 && !cc_store_in_tx(st);
	int hit = keep ? services_cached(sv, path, rev) : 0;
	if (hit < 0)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	if (hit)
		return 0;
	struct cc_stmt *s = cc_stmt_cached(
		st, "SELECT posting_id FROM service_postings ORDER BY posting_id", err);
	if (!s)
		return CC_EDB;
	int rc;
	while ((rc = cc_stmt_step(s, err)) == 1) {
		if (sv->n == sv->cap) {
			int cap = sv->cap ? 2 * sv->cap : 64;
			int64_t *v = realloc(sv->ids, (size_t)cap * sizeof *v);
			if (!v) {
				cc_stmt_reset(s);
				return cc_error_set(err, CC_ENOMEM, "out of memory");
			}
			sv->ids = v;
			sv->cap = cap;
		}
		sv->ids[sv->n++] = cc_stmt_int64(s, 0);
	}
	cc_stmt_reset(s);
	if (rc < 0)
		return CC_EDB;
	if (keep)
		services_keep(sv, path, rev);
	return 0;
}

int match_services_has(const struct match_services *sv, int64_t id)
{
	return sv->n && bsearch(&id, sv->ids, (size_t)sv->n, sizeof id, cmp_id) != NULL;
}

void match_services_free(struct match_services *sv)
{
	free(sv->ids);
	memset(sv, 0, sizeof *sv);
}

/*
 * How much of the need NEED (capability indices, NN) the offer OFFER (NO) covers: per need
 * code 1 when offered (or, for a kind, when any capability of that kind is offered),
 * kind_only when only the code's kind is offered; the mean over the need's codes. COVERED
 * gets the names of the codes covered ("、"-joined, zh) and COVERED_EN (size N each).
 */
static double coverage(const int *need, int nn, const int *offer, int no, char *covered,
		       char *covered_en, size_t n)
{
	double sum = 0;
	size_t u = 0, ue = 0;
	if (covered) {
		covered[0] = covered_en[0] = '\0';
	}
	for (int i = 0; i < nn; i++) {
		int k = need[i];
		double v = 0;
		for (int j = 0; j < no && v < 1; j++) {
			int o = offer[j];
			if (o == k || (!caps.kind[k][0] && !strcmp(caps.kind[o], caps.id[k])))
				v = 1;
			else if (caps.kind[k][0] && !caps.kind[o][0] &&
				 !strcmp(caps.kind[k], caps.id[o]))
				v = caps.kind_only;
		}
		if (v > 0 && covered) {
			int w = snprintf(covered + u, n - u, "%s%s%s", u ? "、" : "", caps.zh[k],
					 v < 1 ? "（仅大类）" : "");
			if (w > 0 && (size_t)w < n - u)
				u += (size_t)w;
			w = snprintf(covered_en + ue, n - ue, "%s%s%s", ue ? ", " : "", caps.en[k],
				     v < 1 ? " (kind only)" : "");
			if (w > 0 && (size_t)w < n - ue)
				ue += (size_t)w;
		}
		sum += v;
	}
	return nn ? sum / nn : 0;
}

int match_service_candidates(struct cc_store *st, const char *need_caps, int64_t **ids, int *n,
			     struct cc_error *err)
{
	static const char sql[] =
		"SELECT s.posting_id, s.capabilities FROM service_postings s "
		"JOIN postings p ON p.id = s.posting_id WHERE p.kind = 'supply' AND "
		"p.status = 'open' ORDER BY s.posting_id DESC";
	*ids = NULL;
	*n = 0;
	int rc = match_caps_load(err);
	if (rc)
		return rc;
	int need[CAP_MAX], offer[CAP_MAX], cap = 0;
	int nn = cap_list(need_caps, need, CAP_MAX);
	if (nn == 0)
		return 0;
	struct cc_stmt *s = cc_stmt_cached(st, sql, err);
	if (!s)
		return CC_EDB;
	while ((rc = cc_stmt_step(s, err)) == 1) {
		int no = cap_list(cc_stmt_text(s, 1), offer, CAP_MAX);
		if (coverage(need, nn, offer, no, NULL, NULL, 0) <= 0)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			int64_t *v = realloc(*ids, (size_t)cap * sizeof *v);
			if (!v) {
				rc = cc_error_set(err, CC_ENOMEM, "out of memory");
				break;
			}
			*ids = v;
		}
		(*ids)[(*n)++] = cc_stmt_int64(s, 0);
	}
	cc_stmt_reset(s);
	if (rc < 0) {
		free(*ids);
		*ids = NULL;
		*n = 0;
		return rc == -1 ? CC_EDB : rc;
	}
	return 0;
}

int match_track_load(struct cc_store *st, struct match_track *t, struct cc_error *err)
{
	memset(t, 0, sizeof *t);
	struct cc_stmt *s = cc_stmt_cached(
		st,
		"SELECT upper(trim(provider)) AS k, count(*) FROM retrofit_projects WHERE "
		"status = 'completed' AND provider IS NOT NULL AND trim(provider) <> '' "
		"GROUP BY k ORDER BY k",
		err);
	if (!s)
		return CC_EDB;
	int rc, cap = 0;
	while ((rc = cc_stmt_step(s, err)) == 1) {
		if (t->n == cap) {
			cap = cap ? 2 * cap : 64;
			char **k = realloc(t->key, (size_t)cap * sizeof *k);
			int64_t *c = k ? realloc(t->count, (size_t)cap * sizeof *c) : NULL;
			if (k)
				t->key = k;
			if (c)
				t->count = c;
			if (!k || !c) {
				rc = cc_error_set(err, CC_ENOMEM, "out of memory");
				break;
			}
		}
		t->key[t->n] = strdup(cc_stmt_text(s, 0));
		if (!t->key[t->n]) {
			rc = cc_error_set(err, CC_ENOMEM, "out of memory");
			break;
		}
		t->count[t->n++] = cc_stmt_int64(s, 1);
	}
	cc_stmt_reset(s);
	if (rc < 0) {
		match_track_free(t);
		return rc == -1 ? CC_EDB : rc;
	}
	return 0;
}

void match_track_free(struct match_track *t)
{
	if (!t)
		return;
	for (int i = 0; i < t->n; i++)
		free(t->key[i]);
	free(t->key);
	free(t->count);
	memset(t, 0, sizeof *t);
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The completed projects of T whose provider is KEY (as SQLite's upper(): ASCII only). */
static int64_t track_of(const struct match_track *t, const char *key)
{
	char up[512];
	size_t n = 0;
	for (; key[n] && n + 1 < sizeof up; n++)
		up[n] = key[n] >= 'a' && key[n] <= 'z' ? (char)(key[n] - 32) : key[n];
	up[n] = '\0';
	const char *k = up;
	char **f = t->n ? bsearch(&k, t->key, (size_t)t->n, sizeof *t->key, cmp_key) : NULL;
	return f ? t->count[f - t->key] : 0;
}

/* 1 when IND is (under) one of the ';'-joined codes SERVED, DIVISION when only the division
 * (its first 3 characters) agrees, else 0. */
static double served_fit(const char *served, const char *ind, double division)
{
	double v = 0;
	size_t li = ind ? strlen(ind) : 0;
	if (!li)
		return 0;
	for (const char *p = served; *p;) {
		size_t len = strcspn(p, ";");
		if (len && len <= li && strncmp(ind, p, len) == 0)
			return 1;
		if (len >= 3 && li >= 3 && strncmp(ind, p, 3) == 0)
			v = division;
		p += len + (p[len] == ';');
	}
	return v;
}

void match_service_score(struct cc_store *st, const struct cc_frame *f,
			 const struct match_result *r, const struct match_track *t,
			 struct match_item *it)
{
	const struct match_weights *W = match_weights_get(NULL);
	char cap[512], inds[512];
	int need[CAP_MAX], offer[CAP_MAX];
	if (match_caps_load(NULL) || !W || service_row(st, it->id, cap, inds, sizeof cap) != 1)
		return;
	int nn = cap_list(r->caps, need, CAP_MAX), no = cap_list(cap, offer, CAP_MAX);
	it->comp[MATCH_C_CAPABILITY] = coverage(need, nn, offer, no, NULL, NULL, 0);
	const char *ind = r->ent >= 0 ? f->industry[r->ent] : NULL;
	it->comp[MATCH_C_INDUSTRY] = served_fit(inds, ind, W->industry_division);
	int64_t done = track_of(t, f->name[it->ent]) + track_of(t, f->uscc[it->ent]);
	it->track = done > INT32_MAX ? INT32_MAX : (int)done;
	it->comp[MATCH_C_TRACK] = fmin(1, (double)done / W->track_full);
}

void match_service_reason(struct cc_store *st, const struct cc_frame *f,
			  const struct match_result *r, const struct match_item *it, int k,
			  char *zh, char *en, size_t n)
{
	char cap[512], inds[512], cz[400], ce[400];
	int need[CAP_MAX], offer[CAP_MAX];
	zh[0] = en[0] = '\0';
	if (match_caps_load(NULL) || service_row(st, it->id, cap, inds, sizeof cap) != 1)
		return;
	if (k == MATCH_C_CAPABILITY) {
		int nn = cap_list(r->caps, need, CAP_MAX), no = cap_list(cap, offer, CAP_MAX);
		double v = coverage(need, nn, offer, no, cz, ce, sizeof cz);
		if (v > 0) {
			snprintf(zh, n, "能力覆盖：%s", cz);
			snprintf(en, n, "offers %s", ce);
		} else {
			snprintf(zh, n, "未提供所需能力");
			snprintf(en, n, "offers none of the capabilities needed");
		}
	} else if (k == MATCH_C_INDUSTRY) {
		const char *ind = r->ent >= 0 ? f->industry[r->ent] : NULL;
		double v = served_fit(inds, ind, 0.5);
		snprintf(zh, n, "服务行业 %s；需求方行业 %s%s", inds[0] ? inds : "（未填）",
			 ind ? ind : "（无）",
			 v >= 1	 ? "，在其服务范围内"
			 : v > 0 ? "，同大类"
				 : "，不在其服务范围内");
		snprintf(en, n, "serves %s; the need's industry %s %s", inds[0] ? inds : "(none)",
			 ind ? ind : "(none)",
			 v >= 1	 ? "is served"
			 : v > 0 ? "shares a served division"
				 : "is not served");
	} else if (k == MATCH_C_TRACK) {
		snprintf(zh, n, "已完成技改项目 %d 个", it->track);
		snprintf(en, n, "%d completed retrofit project%s", it->track,
			 it->track == 1 ? "" : "s");
	}
}
