/*
 * Building and sharing frames (see frame.h). One query per table, rows streamed straight into
 * the column arrays; derived metrics are computed once over whole columns at the end.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/hash.h"
#include "domain/catalogue.h"
#include "domain/derive.h"
#include "domain/uscc.h"
#include "frame/frame.h"

static double *nan_array(size_t n)
{
	double *p = malloc(sizeof *p * (n ? n : 1));
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

void *cc_frame_ext(struct cc_frame *f, int slot, void *(*make)(const struct cc_frame *),
		   void (*free_fn)(void *))
{
	void *cur = __atomic_load_n(&f->ext[slot], __ATOMIC_ACQUIRE);
	if (cur)
		return cur;
	void *made = make(f);
	if (!made)
		return NULL;
	void *expected = NULL;
	if (__atomic_compare_exchange_n(&f->ext[slot], &expected, made, 0, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE)) {
		f->ext_free[slot] = free_fn;
		return made;
	}
	free_fn(made);
	return expected;
}

static void frame_free(struct cc_frame *f)
{
	for (int i = 0; i < (int)(sizeof f->ext / sizeof f->ext[0]); i++)
		if (f->ext[i] && f->ext_free[i])
			f->ext_free[i](f->ext[i]);
	free(f->id);
	free(f->uscc);
	free(f->name);
	free(f->region);
	free(f->industry);
	free(f->founded);
	free(f->index_of_id);
	free(f->created);
	free(f->scale);
	free(f->listed);
	free(f->certs);
	for (int m = 0; m < CC_M_COUNT; m++)
		free(f->annual[m]);
	for (int m = 0; m < CC_M_BASE_COUNT; m++)
		free(f->monthly[m]);
	free(f->member_start);
	free(f->member_node);
	free(f->member_role);
	free(f->node_start);
	free(f->node_ent);
	free(f->edge_supplier);
	free(f->edge_buyer);
	free(f->edge_node);
	free(f->edge_value);
	free(f->edge_share);
	free(f->outside_uscc);
	free(f->outside_region);
	free(f->node_edge_start);
	cc_arena_release(&f->strings);
	free(f);
}

void cc_frame_release(struct cc_frame *f)
{
	if (f && __atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL) == 0)
		frame_free(f);
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

const double *cc_frame_annual(const struct cc_frame *f, int m, int year)
{
	if (m < 0 || m >= CC_M_COUNT || year < f->year0 || year >= f->year0 + f->nyears)
		return NULL;
	return f->annual[m] + (size_t)(year - f->year0) * (size_t)f->n;
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
	size_t n = (size_t)f->n, b = 0;
	b += n * (sizeof(int64_t) + 19 + 2 * sizeof(char *) + 2 * sizeof(int32_t) + 3);
	b += (size_t)CC_M_COUNT * n * (size_t)f->nyears * sizeof(double);
	for (int m = 0; m < CC_M_BASE_COUNT; m++)
		if (f->monthly[m])
			b += n * (size_t)f->nmonths * sizeof(double);
	b += (n + 1 + (size_t)f->nnodes + 1) * sizeof(int32_t);
	b += (size_t)f->nmembers * (2 * sizeof(int32_t) + 1);
	b += (size_t)f->nedges * (3 * sizeof(int32_t) + 2 * sizeof(double));
	b += (size_t)f->noutside * (19 + sizeof(int32_t));
	b += f->strings.total;
	return b;
}

/* Open-addressing map from outside-supplier code to its index. */
struct outside_map {
	int32_t *slot; /* index + 1, 0 empty */
	size_t cap;
};

/* "YYYY-MM-DD" (as the store keeps dates) to YYYYMMDD. */
static int atoi_safe_date(const char *s)
{
	int v = 0;
	for (int i = 0; i < 10; i++)
		if (s[i] >= '0' && s[i] <= '9')
			v = v * 10 + (s[i] - '0');
	return v;
}

static int load_enterprises(struct cc_store *st, struct cc_frame *f, int32_t **idmap,
			    int64_t *maxid, struct cc_error *err)
{
	static const char *const scales[] = {"large", "medium", "small", "micro"};
	static const char *const boards[] = {"none", "main", "star", "gem", "bse", "neeq"};
	struct cc_stmt *s = NULL;
	int64_t n = cc_store_int(st, "SELECT count(*) FROM enterprises", 0);
	*maxid = cc_store_int(st, "SELECT max(id) FROM enterprises", 0);
	int rc = 0;
	size_t N = (size_t)n;
	f->n = (int)n;
	f->id = malloc(sizeof *f->id * (N + 1));
	f->uscc = malloc(sizeof *f->uscc * (N + 1));
	f->name = malloc(sizeof *f->name * (N + 1));
	f->region = malloc(sizeof *f->region * (N + 1));
	f->industry = malloc(sizeof *f->industry * (N + 1));
	f->founded = malloc(sizeof *f->founded * (N + 1));
	f->created = malloc(sizeof *f->created * (N + 1));
	f->scale = malloc(N + 1);
	f->listed = malloc(N + 1);
	f->certs = malloc(N + 1);
	*idmap = malloc(sizeof **idmap * ((size_t)*maxid + 1));
	if (!f->id || !f->uscc || !f->name || !f->region || !f->industry || !f->founded ||
	    !f->created || !f->scale || !f->listed || !f->certs || !*idmap)
		return cc_error_set(err, CC_ENOMEM, "out of memory building the frame");
	for (int64_t k = 0; k <= *maxid; k++)
		(*idmap)[k] = -1;
	rc = cc_stmt_prepare(
		st, &s,
		"SELECT id, uscc, name, region, industry, founded, scale, listed, certs, "
		"substr(created_at, 1, 10) FROM enterprises ORDER BY uscc",
		err);
	if (rc)
		return rc;
	int i = 0;
	const char *last_ind = NULL;
	while (i < f->n && (rc = cc_stmt_step(s, err)) == 1) {
		f->id[i] = cc_stmt_int64(s, 0);
		memcpy(f->uscc[i], cc_stmt_text(s, 1), 18);
		f->uscc[i][18] = '\0';
		f->name[i] = cc_arena_strndup(&f->strings, cc_stmt_text(s, 2), cc_stmt_bytes(s, 2));
		f->region[i] = (int32_t)cc_stmt_int64(s, 3);
		if (cc_stmt_is_null(s, 4)) {
			f->industry[i] = NULL;
		} else {
			/* Industry codes repeat: keep one copy of consecutive equal ones. */
			const char *code = cc_stmt_text(s, 4);
			if (!last_ind || strcmp(last_ind, code) != 0)
				last_ind = cc_arena_strdup(&f->strings, code);
			f->industry[i] = last_ind;
		}
		const char *fd = cc_stmt_text(s, 5);
		f->founded[i] = strlen(fd) == 10 ? (int32_t)(atoi_safe_date(fd)) : 0;
		const char *cd = cc_stmt_text(s, 9);
		f->created[i] = strlen(cd) == 10 ? (int32_t)(atoi_safe_date(cd)) : 0;
		f->scale[i] = (uint8_t)word_index(cc_stmt_text(s, 6), scales, 4);
		f->listed[i] = (uint8_t)word_index(cc_stmt_text(s, 7), boards, 6);
		f->certs[i] = cert_bits(cc_stmt_text(s, 8));
		if (f->id[i] >= 0 && f->id[i] <= *maxid)
			(*idmap)[f->id[i]] = i;
		if (!f->name[i])
			return cc_error_set(err, CC_ENOMEM, "out of memory building the frame");
		i++;
	}
	cc_stmt_free(s);
	f->n = i;
	return rc < 0 ? rc : 0;
}

static int load_indicators(struct cc_store *st, struct cc_frame *f, const int32_t *idmap,
			   int64_t maxid, int flags, struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	int rc = 0;
	size_t N = (size_t)f->n;
	int64_t ymin =
		cc_store_int(st, "SELECT min(period) FROM indicators WHERE period % 100 = 0", 0);
	int64_t ymax =
		cc_store_int(st, "SELECT max(period) FROM indicators WHERE period % 100 = 0", 0);
	f->year0 = (int)(ymin / 100);
	f->nyears = ymin ? (int)(ymax / 100 - ymin / 100 + 1) : 0;
	for (int m = 0; m < CC_M_COUNT; m++) {
		f->annual[m] = nan_array(N * (size_t)f->nyears);
		if (!f->annual[m])
			return cc_error_set(err, CC_ENOMEM, "out of memory building the frame");
	}
	int64_t mmin = 0, mmax = 0;
	if (flags & CC_FRAME_MONTHLY) {
		mmin = cc_store_int(
			st, "SELECT min(period) FROM indicators WHERE period % 100 <> 0", 0);
		mmax = cc_store_int(
			st, "SELECT max(period) FROM indicators WHERE period % 100 <> 0", 0);
	}
	if (mmin) {
		f->month0 = (int)(mmin / 100 * 12 + mmin % 100 - 1);
		f->nmonths = (int)(mmax / 100 * 12 + mmax % 100 - 1) - f->month0 + 1;
		/* Monthly columns are made when a metric's first monthly value turns up: monthly
		 * statistics hold a few metrics, and a column is N x months doubles. */
	}
	char sql[1024];
	size_t used = (size_t)snprintf(sql, sizeof sql, "SELECT enterprise_id, period");
	for (int m = 0; m < CC_M_BASE_COUNT; m++)
		used += (size_t)snprintf(sql + used, sizeof sql - used, ", %s",
					 cc_metric_get(m)->key);
	snprintf(sql + used, sizeof sql - used, " FROM indicators%s",
		 mmin ? "" : " WHERE period % 100 = 0");
	rc = cc_stmt_prepare(st, &s, sql, err);
	if (rc)
		return rc;
	int have_month[CC_M_BASE_COUNT] = {0};
	while ((rc = cc_stmt_step(s, err)) == 1) {
		int64_t id = cc_stmt_int64(s, 0);
		if (id < 0 || id > maxid || idmap[id] < 0)
			continue;
		size_t i = (size_t)idmap[id];
		int period = (int)cc_stmt_int64(s, 1);
		if (period % 100 == 0) {
			size_t off = (size_t)(period / 100 - f->year0) * N + i;
			for (int m = 0; m < CC_M_BASE_COUNT; m++)
				if (!cc_stmt_is_null(s, m + 2))
					f->annual[m][off] = cc_stmt_double(s, m + 2);
		} else if (mmin) {
			size_t k = (size_t)(period / 100 * 12 + period % 100 - 1 - f->month0);
			for (int m = 0; m < CC_M_BASE_COUNT; m++)
				if (!cc_stmt_is_null(s, m + 2)) {
					if (!f->monthly[m]) {
						f->monthly[m] = nan_array(N * (size_t)f->nmonths);
						if (!f->monthly[m]) {
							cc_stmt_free(s);
							return cc_error_set(
								err, CC_ENOMEM,
								"out of memory building the frame");
						}
					}
					f->monthly[m][k * N + i] = cc_stmt_double(s, m + 2);
					have_month[m] = 1;
				}
		}
	}
	cc_stmt_free(s);
	if (rc < 0)
		return rc;
	for (int m = 0; m < CC_M_BASE_COUNT; m++)
		if (!have_month[m]) {
			free(f->monthly[m]);
			f->monthly[m] = NULL;
		}
	/* Derived metrics over whole columns, year by year. */
	double cur[CC_M_COUNT], prev[CC_M_COUNT], prev3[CC_M_COUNT];
	for (int y = 0; y < f->nyears; y++) {
		for (size_t i = 0; i < N; i++) {
			for (int m = 0; m < CC_M_BASE_COUNT; m++) {
				cur[m] = f->annual[m][(size_t)y * N + i];
				prev[m] = y >= 1 ? f->annual[m][(size_t)(y - 1) * N + i] : NAN;
				prev3[m] = y >= 3 ? f->annual[m][(size_t)(y - 3) * N + i] : NAN;
			}
			cc_derive(cur, y >= 1 ? prev : NULL, y >= 3 ? prev3 : NULL, cur);
			for (int m = CC_M_BASE_COUNT; m < CC_M_COUNT; m++)
				f->annual[m][(size_t)y * N + i] = cur[m];
		}
	}
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
	f->nnodes = cat->nnodes;
	f->node_start = calloc((size_t)cat->nnodes + 1, sizeof *f->node_start);
	f->node_ent = malloc(sizeof *f->node_ent * (size_t)(total + 1));
	if (!ent || !node || !role || !f->member_start || !f->member_node || !f->member_role ||
	    !f->node_start || !f->node_ent) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory building the frame");
		goto out;
	}
	rc = cc_stmt_prepare(st, &s, "SELECT enterprise_id, chain, node, role FROM chain_members",
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

static int load_supply(struct cc_store *st, struct cc_frame *f, const int32_t *idmap, int64_t maxid,
		       const struct cc_catalogue *cat, struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	int64_t total = cc_store_int(st, "SELECT count(*) FROM supply_edges", 0);
	size_t T = (size_t)total + 1;
	struct outside_map map = {0};
	size_t outside_cap = 1024;
	int rc = 0;
	f->edge_supplier = malloc(sizeof(int32_t) * T);
	f->edge_buyer = malloc(sizeof(int32_t) * T);
	f->edge_node = malloc(sizeof(int32_t) * T);
	f->edge_value = malloc(sizeof(double) * T);
	f->edge_share = malloc(sizeof(double) * T);
	f->outside_uscc = malloc(sizeof *f->outside_uscc * outside_cap);
	f->outside_region = malloc(sizeof *f->outside_region * outside_cap);
	map.cap = 4096;
	while (map.cap < T)
		map.cap *= 2;
	map.slot = calloc(map.cap, sizeof *map.slot);
	if (!f->edge_supplier || !f->edge_buyer || !f->edge_node || !f->edge_value ||
	    !f->edge_share || !f->outside_uscc || !f->outside_region || !map.slot) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory building the frame");
		goto out;
	}
	/* Registry codes by hash: a supplier is looked up once per edge. */
	size_t reg_cap = 1024;
	while (reg_cap < (size_t)f->n * 2)
		reg_cap *= 2;
	int32_t *reg = calloc(reg_cap, sizeof *reg);
	if (!reg) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory building the frame");
		goto out;
	}
	for (int i = 0; i < f->n; i++) {
		size_t h = cc_hash(f->uscc[i], 18) & (reg_cap - 1);
		while (reg[h])
			h = (h + 1) & (reg_cap - 1);
		reg[h] = i + 1;
	}
	rc = cc_stmt_prepare(st, &s,
			     "SELECT supplier, buyer_id, chain, node, annual_value, share FROM "
			     "supply_edges",
			     err);
	if (rc) {
		free(reg);
		goto out;
	}
	int k = 0;
	while (k < total && (rc = cc_stmt_step(s, err)) == 1) {
		int64_t id = cc_stmt_int64(s, 1);
		if (id < 0 || id > maxid || idmap[id] < 0)
			continue;
		const char *sup = cc_stmt_text(s, 0);
		int si = -1;
		{
			size_t h = cc_hash(sup, 18) & (reg_cap - 1);
			while (reg[h] && memcmp(f->uscc[reg[h] - 1], sup, 18) != 0)
				h = (h + 1) & (reg_cap - 1);
			if (reg[h])
				si = reg[h] - 1;
		}
		if (si < 0) {
			size_t h = cc_hash(sup, 18) & (map.cap - 1);
			while (map.slot[h] && strcmp(f->outside_uscc[map.slot[h] - 1], sup) != 0)
				h = (h + 1) & (map.cap - 1);
			if (!map.slot[h]) {
				if ((size_t)f->noutside == outside_cap) {
					outside_cap *= 2;
					void *a = realloc(f->outside_uscc,
							  sizeof *f->outside_uscc * outside_cap);
					void *b =
						a ? realloc(f->outside_region,
							    sizeof *f->outside_region * outside_cap)
						  : NULL;
					if (a)
						f->outside_uscc = a;
					if (b)
						f->outside_region = b;
					if (!a || !b) {
						rc = cc_error_set(err, CC_ENOMEM, "out of memory");
						break;
					}
				}
				memcpy(f->outside_uscc[f->noutside], sup, 19);
				int r = cc_uscc_region(sup);
				f->outside_region[f->noutside] = r < 0 ? 0 : r;
				map.slot[h] = ++f->noutside;
			}
			si = -(int)map.slot[h];
		}
		f->edge_supplier[k] = si;
		f->edge_buyer[k] = idmap[id];
		f->edge_node[k] = cc_stmt_is_null(s, 2) ? -1
							: cc_node_index(cat, cc_stmt_text(s, 2),
									cc_stmt_text(s, 3));
		f->edge_value[k] = cc_stmt_is_null(s, 4) ? NAN : cc_stmt_double(s, 4);
		f->edge_share[k] = cc_stmt_is_null(s, 5) ? NAN : cc_stmt_double(s, 5);
		k++;
	}
	cc_stmt_free(s);
	free(reg);
	f->nedges = k;
	if (rc > 0)
		rc = 0;
	/* Edges sorted by node (a stable counting sort; edges without a node go last), so a node's
	 * edges are one contiguous run: analytics walk them in order instead of jumping around
	 * ten million edges. Arrays are permuted one at a time to bound the extra memory. */
	f->node_edge_start = calloc((size_t)cat->nnodes + 2, sizeof *f->node_edge_start);
	int32_t *perm = malloc(sizeof *perm * (size_t)(k + 1));
	int32_t *fill = calloc((size_t)cat->nnodes + 2, sizeof *fill);
	if (!f->node_edge_start || !perm || !fill) {
		free(perm);
		free(fill);
		rc = cc_error_set(err, CC_ENOMEM, "out of memory building the frame");
		goto out;
	}
	for (int e = 0; e < k; e++)
		f->node_edge_start[(f->edge_node[e] >= 0 ? f->edge_node[e] : cat->nnodes) + 1]++;
	for (int n = 0; n <= cat->nnodes; n++)
		f->node_edge_start[n + 1] += f->node_edge_start[n];
	for (int e = 0; e < k; e++) {
		int n = f->edge_node[e] >= 0 ? f->edge_node[e] : cat->nnodes;
		perm[f->node_edge_start[n] + fill[n]++] = e;
	}
	free(fill);
	int32_t **i32[] = {&f->edge_supplier, &f->edge_buyer, &f->edge_node};
	for (int a = 0; a < 3 && rc == 0; a++) {
		int32_t *to = malloc(sizeof *to * (size_t)(k + 1));
		if (!to) {
			rc = cc_error_set(err, CC_ENOMEM, "out of memory building the frame");
			break;
		}
		for (int e = 0; e < k; e++)
			to[e] = (*i32[a])[perm[e]];
		free(*i32[a]);
		*i32[a] = to;
	}
	double **dbl[] = {&f->edge_value, &f->edge_share};
	for (int a = 0; a < 2 && rc == 0; a++) {
		double *to = malloc(sizeof *to * (size_t)(k + 1));
		if (!to) {
			rc = cc_error_set(err, CC_ENOMEM, "out of memory building the frame");
			break;
		}
		for (int e = 0; e < k; e++)
			to[e] = (*dbl[a])[perm[e]];
		free(*dbl[a]);
		*dbl[a] = to;
	}
	free(perm);
out:
	free(map.slot);
	return rc;
}

int cc_frame_build(struct cc_store *st, int flags, struct cc_frame **out, struct cc_error *err)
{
	int32_t *idmap = NULL;
	int64_t maxid = 0;
	int rc = 0;
	*out = NULL;
	const struct cc_catalogue *cat = cc_catalogue_get(err);
	if (!cat)
		return CC_EINVAL;
	struct cc_frame *f = calloc(1, sizeof *f);
	if (!f)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	f->refs = 1;
	cc_arena_init(&f->strings, 1 << 20);
	/* One read transaction, so every table is seen at the same generation. */
	rc = cc_store_exec(st, "BEGIN", err);
	if (rc)
		goto out;
	f->generation = cc_store_generation(st);
	rc = load_enterprises(st, f, &idmap, &maxid, err);
	if (rc == 0)
		rc = load_indicators(st, f, idmap, maxid, flags, err);
	if (rc == 0)
		rc = load_members(st, f, idmap, maxid, cat, err);
	if (rc == 0)
		rc = load_supply(st, f, idmap, maxid, cat, err);
	cc_store_exec(st, "COMMIT", NULL);
out:
	/* Kept: readers map a store id to the frame's index with cc_frame_of_id. */
	f->index_of_id = idmap;
	f->max_id = maxid;
	if (rc) {
		cc_frame_release(f);
		return rc;
	}
	*out = f;
	return 0;
}

struct cc_frame_cache {
	pthread_mutex_t lock;
	pthread_cond_t built;
	struct cc_frame *cur;
	int building;
	int flags;
};

int cc_frame_cache_new(struct cc_frame_cache **out, const char *db_path, int flags,
		       struct cc_error *err)
{
	(void)db_path;
	struct cc_frame_cache *c = calloc(1, sizeof *c);
	if (!c)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->built, NULL);
	c->flags = flags;
	*out = c;
	return 0;
}

int cc_frame_cache_get(struct cc_frame_cache *c, struct cc_store *st, struct cc_frame **out,
		       struct cc_error *err)
{
	int64_t gen = cc_store_generation(st);
	int rc = 0;
	pthread_mutex_lock(&c->lock);
	for (;;) {
		if (c->cur && c->cur->generation >= gen) {
			*out = cc_frame_retain(c->cur);
			goto done;
		}
		if (!c->building)
			break;
		if (c->cur) {
			/* Someone is building the new one: readers never wait, use the old. */
			*out = cc_frame_retain(c->cur);
			goto done;
		}
		pthread_cond_wait(&c->built, &c->lock);
	}
	c->building = 1;
	pthread_mutex_unlock(&c->lock);
	struct cc_frame *f = NULL;
	rc = cc_frame_build(st, c->flags, &f, err);
	pthread_mutex_lock(&c->lock);
	c->building = 0;
	if (rc == 0) {
		if (!c->cur || f->generation >= c->cur->generation) {
			cc_frame_release(c->cur);
			c->cur = f;
			*out = cc_frame_retain(f);
		} else {
			*out = cc_frame_retain(c->cur);
			cc_frame_release(f);
		}
	}
	pthread_cond_broadcast(&c->built);
done:
	pthread_mutex_unlock(&c->lock);
	return rc;
}

void cc_frame_cache_free(struct cc_frame_cache *c)
{
	if (!c)
		return;
	cc_frame_release(c->cur);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->built);
	free(c);
}
