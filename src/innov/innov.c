/*
 * The innovation chain's patent figures (innov.h): the IPC → node map, the patents snapshot
 * (struct of arrays, patents grouped by holder so distinct holders count in one pass), node
 * stock, holders and the derived invention_patents indicator.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/builtin.h"
#include "base/csv.h"
#include "base/json.h"
#include "base/parse.h"
#include "domain/patent.h"
#include "innov/innov.h"
#include "store/dialect.h"

#define MAP_FILE "innovation/ipc_nodes.csv"
/* Subclass keys: section A-H (8) × class 00-99 × subclass letter A-Z. */
#define NKEY	       (8 * 100 * 26)
#define MAX_NODE_MATCH 64

struct prefix {
	char text[28]; /* canonical, a main group with its '/' ("H01M 10/") */
	int len;
	int node;
};

struct innov_map {
	struct prefix *p; /* sorted by subclass key */
	int n;
	int first[NKEY + 1];
	char **node_ipc; /* per node, or NULL */
	int nnodes, mapped;
};

static int subclass_key(const char *c, size_t n)
{
	if (n < 4 || c[0] < 'A' || c[0] > 'H' || c[1] < '0' || c[1] > '9' || c[2] < '0' ||
	    c[2] > '9' || c[3] < 'A' || c[3] > 'Z')
		return -1;
	return ((c[0] - 'A') * 100 + (c[1] - '0') * 10 + (c[2] - '0')) * 26 + (c[3] - 'A');
}

static struct innov_map *the_map;
static struct cc_error map_err;
static const struct cc_catalogue *map_cat;
static pthread_once_t map_once = PTHREAD_ONCE_INIT;

/* One prefix with the subclass keys it covers (a section or class prefix covers many). */
struct raw_prefix {
	struct prefix p;
	int key_lo, key_hi; /* inclusive */
};

static int load_map(struct innov_map *m, struct cc_error *err)
{
	char *text = NULL;
	size_t len = 0;
	struct cc_source *src = NULL;
	struct cc_csv *csv = NULL;
	struct cc_row row;
	struct raw_prefix *raw = NULL;
	int nraw = 0, capraw = 0, first = 1;
	const struct cc_catalogue *cat = map_cat;
	int rc = cc_data_read(MAP_FILE, &text, &len);
	if (rc) {
		cc_error_set(err, rc, "cannot read data file '%s'", MAP_FILE);
		goto out;
	}
	m->nnodes = cat->nnodes;
	m->node_ipc = calloc((size_t)cat->nnodes, sizeof *m->node_ipc);
	if (!m->node_ipc) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	rc = cc_source_open_mem(&src, text, len, err);
	if (rc)
		goto out;
	rc = cc_csv_open(&csv, src, err);
	if (rc)
		goto out;
	src = NULL;
	while ((rc = cc_csv_next(csv, &row, err)) == 1) {
		if (first) {
			first = 0;
			continue;
		}
		if (row.nfields < 3) {
			rc = cc_error_set(err, CC_EPARSE, "%s line %ld: chain, node and ipc needed",
					  MAP_FILE, row.line);
			goto out;
		}
		int node = cc_node_index(cat, row.fields[0], row.fields[1]);
		if (node < 0) {
			rc = cc_error_set(err, CC_EPARSE, "%s line %ld: unknown node '%s.%s'",
					  MAP_FILE, row.line, row.fields[0], row.fields[1]);
			goto out;
		}
		if (m->node_ipc[node]) {
			rc = cc_error_set(err, CC_EPARSE, "%s line %ld: node '%s.%s' twice",
					  MAP_FILE, row.line, row.fields[0], row.fields[1]);
			goto out;
		}
		struct cc_buf joined = CC_BUF_INIT(4096);
		const char *s = row.fields[2];
		size_t n = row.lens[2], i = 0;
		while (i < n) {
			size_t j = i;
			while (j < n && s[j] != ';')
				j++;
			struct cc_ipc ipc;
			struct cc_error e;
			if (j > i && cc_ipc_parse(s + i, j - i, 1, &ipc, &e)) {
				cc_buf_release(&joined);
				rc = cc_error_set(err, CC_EPARSE, "%s line %ld: %s", MAP_FILE,
						  row.line, e.msg);
				goto out;
			}
			if (j > i) {
				if (nraw == capraw) {
					capraw = capraw ? capraw * 2 : 512;
					struct raw_prefix *nr = realloc(raw, capraw * sizeof *raw);
					if (!nr) {
						cc_buf_release(&joined);
						rc = cc_error_set(err, CC_ENOMEM, "out of memory");
						goto out;
					}
					raw = nr;
				}
				struct raw_prefix *r = &raw[nraw++];
				memset(r, 0, sizeof *r);
				r->p.node = node;
				if (ipc.main_group >= 0 && !ipc.subgroup[0])
					snprintf(r->p.text, sizeof r->p.text, "%s/", ipc.canon);
				else
					snprintf(r->p.text, sizeof r->p.text, "%s", ipc.canon);
				r->p.len = (int)strlen(r->p.text);
				int sec = ipc.section - 'A';
				if (!ipc.klass) {
					r->key_lo = sec * 100 * 26;
					r->key_hi = (sec * 100 + 99) * 26 + 25;
				} else if (!ipc.subclass) {
					r->key_lo = (sec * 100 + ipc.klass) * 26;
					r->key_hi = r->key_lo + 25;
				} else {
					r->key_lo = r->key_hi =
						(sec * 100 + ipc.klass) * 26 + (ipc.subclass - 'A');
				}
				cc_buf_printf(&joined, "%s%s", joined.len ? ";" : "", ipc.canon);
			}
			i = j + 1;
		}
		if (joined.len) {
			m->node_ipc[node] = strdup(cc_buf_str(&joined));
			m->mapped++;
		}
		cc_buf_release(&joined);
	}
	if (rc < 0)
		goto out;
	rc = 0;
	/* Counting sort of the prefixes by subclass key (a wide prefix goes under each key). */
	int *count = calloc(NKEY + 1, sizeof *count);
	if (!count) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	for (int i = 0; i < nraw; i++)
		for (int k = raw[i].key_lo; k <= raw[i].key_hi; k++)
			count[k]++;
	m->first[0] = 0;
	for (int k = 0; k < NKEY; k++)
		m->first[k + 1] = m->first[k] + count[k];
	m->n = m->first[NKEY];
	m->p = calloc(m->n ? (size_t)m->n : 1, sizeof *m->p);
	if (!m->p) {
		free(count);
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	memset(count, 0, (NKEY + 1) * sizeof *count);
	for (int i = 0; i < nraw; i++)
		for (int k = raw[i].key_lo; k <= raw[i].key_hi; k++)
			m->p[m->first[k] + count[k]++] = raw[i].p;
	free(count);
out:
	free(raw);
	cc_csv_free(csv);
	cc_source_free(src);
	free(text);
	return rc;
}

static void map_once_fn(void)
{
	struct innov_map *m = calloc(1, sizeof *m);
	if (!m) {
		cc_error_set(&map_err, CC_ENOMEM, "out of memory");
		return;
	}
	if (load_map(m, &map_err)) {
		if (m->node_ipc)
			for (int i = 0; i < m->nnodes; i++)
				free(m->node_ipc[i]);
		free(m->node_ipc);
		free(m->p);
		free(m);
		return;
	}
	the_map = m;
}

const struct innov_map *innov_map_get(const struct cc_catalogue *cat, struct cc_error *err)
{
	map_cat = cat;
	pthread_once(&map_once, map_once_fn);
	if (!the_map && err)
		*err = map_err;
	return the_map;
}

const char *innov_map_node_ipc(const struct innov_map *m, int node)
{
	return (node >= 0 && node < m->nnodes) ? m->node_ipc[node] : NULL;
}

int innov_map_nodes(const struct innov_map *m)
{
	return m->mapped;
}

int innov_map_match(const struct innov_map *m, const char *code, size_t n, int *out, int cap)
{
	int key = subclass_key(code, n), k = 0;
	if (key < 0)
		return 0;
	for (int i = m->first[key]; i < m->first[key + 1]; i++) {
		const struct prefix *p = &m->p[i];
		if ((size_t)p->len > n || memcmp(code, p->text, (size_t)p->len) != 0)
			continue;
		int seen = 0;
		for (int j = 0; j < k && !seen; j++)
			seen = out[j] == p->node;
		if (!seen && k < cap)
			out[k++] = p->node;
	}
	return k;
}

/* "2019-05-01" → 20190501; 0 for NULL or not a date. */
static int32_t ymd(const char *s)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	int32_t v = 0;
	for (int i = 0; i < 10; i++) {
		if (i == 4 || i == 7)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

void innov_patents_free(struct innov_patents *p)
{
	if (!p)
		return;
	free(p->granted);
	free(p->lapsed);
	free(p->filed);
	free(p->invention);
	free(p->holder);
	free(p->off);
	free(p->nodes);
	free(p->holder_id);
	free(p->holder_region);
	free(p->holder_first);
	free(p->key);
	free(p);
}

/* The rows as read, before grouping by holder. */
struct staging {
	int64_t n, cap, nn, capn;
	int64_t *eid, *key;
	int32_t *granted, *lapsed, *filed;
	uint8_t *inv;
	int64_t *off;
	int16_t *nodes;
};

static void staging_release(struct staging *s)
{
	free(s->eid);
	free(s->key);
	free(s->granted);
	free(s->lapsed);
	free(s->filed);
	free(s->inv);
	free(s->off);
	free(s->nodes);
}

static int grow(void **p, int64_t cap, size_t size)
{
	void *np = realloc(*p, (size_t)cap * size);
	if (!np)
		return -1;
	*p = np;
	return 0;
}

static int staging_reserve(struct staging *s)
{
	if (s->n + 1 < s->cap)
		return 0;
	int64_t cap = s->cap ? s->cap * 2 : 4096;
	if (grow((void **)&s->eid, cap, sizeof *s->eid) ||
	    grow((void **)&s->key, cap, sizeof *s->key) ||
	    grow((void **)&s->granted, cap, sizeof *s->granted) ||
	    grow((void **)&s->lapsed, cap, sizeof *s->lapsed) ||
	    grow((void **)&s->filed, cap, sizeof *s->filed) ||
	    grow((void **)&s->inv, cap, sizeof *s->inv) ||
	    grow((void **)&s->off, cap + 1, sizeof *s->off))
		return -1;
	s->cap = cap;
	return 0;
}

static int staging_node(struct staging *s, int node)
{
	if (s->nn == s->capn) {
		int64_t cap = s->capn ? s->capn * 2 : 4096;
		if (grow((void **)&s->nodes, cap, sizeof *s->nodes))
			return -1;
		s->capn = cap;
	}
	s->nodes[s->nn++] = (int16_t)node;
	return 0;
}

int innov_patents_load(struct cc_store *st, const struct cc_catalogue *cat,
		       const struct innov_map *m, struct innov_patents **out, struct cc_error *err)
{
	struct staging s = {0};
	struct cc_stmt *q = NULL;
	struct innov_patents *p = NULL;
	int64_t *count = NULL, *dense = NULL;
	int32_t *region = NULL;
	int64_t maxid = 0;
	int rc;
	*out = NULL;
	rc = cc_stmt_prepare(st, &q,
			     "SELECT holder_id, kind, filed, granted, lapsed, status, ipc, id "
			     "FROM patents",
			     err);
	if (rc)
		goto out;
	s.off = NULL;
	if (staging_reserve(&s))
		goto nomem;
	s.off[0] = 0;
	while ((rc = cc_stmt_step(q, err)) == 1) {
		if (staging_reserve(&s))
			goto nomem;
		int64_t i = s.n;
		s.eid[i] = cc_stmt_int64(q, 0);
		s.key[i] = cc_stmt_int64(q, 7);
		if (s.eid[i] > maxid)
			maxid = s.eid[i];
		const char *kind = cc_stmt_text(q, 1);
		s.inv[i] = kind &&
			   (strcmp(kind, "invention") == 0 || strcmp(kind, "pct_invention") == 0);
		s.filed[i] = ymd(cc_stmt_text(q, 2));
		s.granted[i] = ymd(cc_stmt_text(q, 3));
		s.lapsed[i] = ymd(cc_stmt_text(q, 4));
		const char *status = cc_stmt_text(q, 5);
		if (!s.lapsed[i] && status && strcmp(status, "invalid") == 0)
			s.lapsed[i] = -1;
		const char *ipc = cc_stmt_text(q, 6);
		int found[MAX_NODE_MATCH], nf = 0;
		while (ipc && *ipc) {
			const char *e = strchr(ipc, ';');
			size_t len = e ? (size_t)(e - ipc) : strlen(ipc);
			nf += innov_map_match(m, ipc, len, found + nf, MAX_NODE_MATCH - nf);
			ipc = e ? e + 1 : NULL;
		}
		/* Codes of one patent may reach the same node twice: keep it once. */
		for (int a = 0; a < nf; a++) {
			int dup = 0;
			for (int b = 0; b < a && !dup; b++)
				dup = found[b] == found[a];
			if (!dup && staging_node(&s, found[a]))
				goto nomem;
		}
		s.n++;
		s.off[s.n] = s.nn;
	}
	if (rc < 0)
		goto out;
	cc_stmt_free(q);
	q = NULL;
	/* The holders' regions. */
	region = calloc((size_t)maxid + 1, sizeof *region);
	count = calloc((size_t)maxid + 2, sizeof *count);
	dense = calloc((size_t)maxid + 1, sizeof *dense);
	p = calloc(1, sizeof *p);
	if (!region || !count || !dense || !p)
		goto nomem;
	rc = cc_stmt_prepare(st, &q, "SELECT id, region FROM enterprises WHERE id <= ?1", err);
	if (rc)
		goto out;
	cc_stmt_bind_int64(q, 1, maxid);
	while ((rc = cc_stmt_step(q, err)) == 1) {
		int64_t id = cc_stmt_int64(q, 0);
		if (id >= 0 && id <= maxid)
			region[id] = (int32_t)cc_stmt_int64(q, 1);
	}
	if (rc < 0)
		goto out;
	/* Counting sort by enterprise id: a holder's patents become one run. */
	for (int64_t i = 0; i < s.n; i++)
		count[s.eid[i] + 1]++;
	int nh = 0;
	for (int64_t id = 0; id <= maxid; id++) {
		if (count[id + 1])
			dense[id] = nh++;
		count[id + 1] += count[id];
	}
	p->n = s.n;
	p->nnodes = cat->nnodes;
	p->nholders = nh;
	p->granted = malloc((size_t)(s.n ? s.n : 1) * sizeof *p->granted);
	p->lapsed = malloc((size_t)(s.n ? s.n : 1) * sizeof *p->lapsed);
	p->filed = malloc((size_t)(s.n ? s.n : 1) * sizeof *p->filed);
	p->invention = malloc((size_t)(s.n ? s.n : 1));
	p->holder = malloc((size_t)(s.n ? s.n : 1) * sizeof *p->holder);
	p->off = malloc((size_t)(s.n + 1) * sizeof *p->off);
	p->nodes = malloc((size_t)(s.nn ? s.nn : 1) * sizeof *p->nodes);
	p->holder_id = malloc((size_t)(nh ? nh : 1) * sizeof *p->holder_id);
	p->holder_region = malloc((size_t)(nh ? nh : 1) * sizeof *p->holder_region);
	p->holder_first = malloc((size_t)(nh + 1) * sizeof *p->holder_first);
	p->key = malloc((size_t)(s.n ? s.n : 1) * sizeof *p->key);
	int64_t *pos = malloc((size_t)(s.n ? s.n : 1) * sizeof *pos);
	if (!p->granted || !p->lapsed || !p->filed || !p->invention || !p->holder || !p->off ||
	    !p->nodes || !p->holder_id || !p->holder_region || !p->holder_first || !p->key ||
	    !pos) {
		free(pos);
		goto nomem;
	}
	for (int64_t i = 0; i < s.n; i++)
		pos[i] = count[s.eid[i]]++;
	/* count[id] is now the end of id's run; holders in id order. */
	for (int64_t id = 0, h = 0; id <= maxid; id++) {
		int64_t start = id ? count[id - 1] : 0;
		if (count[id] > start) {
			p->holder_id[h] = id;
			p->holder_region[h] = region[id];
			p->holder_first[h] = start;
			h++;
		}
	}
	p->holder_first[nh] = s.n;
	/* Node lists in the new order: sizes first, then copies. */
	int64_t *len = malloc((size_t)(s.n ? s.n : 1) * sizeof *len);
	if (!len) {
		free(pos);
		goto nomem;
	}
	for (int64_t i = 0; i < s.n; i++)
		len[pos[i]] = s.off[i + 1] - s.off[i];
	p->off[0] = 0;
	for (int64_t i = 0; i < s.n; i++)
		p->off[i + 1] = p->off[i] + len[i];
	free(len);
	for (int64_t i = 0; i < s.n; i++) {
		int64_t d = pos[i];
		p->granted[d] = s.granted[i];
		p->lapsed[d] = s.lapsed[i];
		p->filed[d] = s.filed[i];
		p->invention[d] = s.inv[i];
		p->key[d] = s.key[i];
		p->holder[d] = (int32_t)dense[s.eid[i]];
		memcpy(p->nodes + p->off[d], s.nodes + s.off[i],
		       (size_t)(s.off[i + 1] - s.off[i]) * sizeof *p->nodes);
	}
	free(pos);
	*out = p;
	p = NULL;
	rc = 0;
	goto out;
nomem:
	rc = cc_error_set(err, CC_ENOMEM, "out of memory loading patents");
out:
	cc_stmt_free(q);
	staging_release(&s);
	free(region);
	free(count);
	free(dense);
	innov_patents_free(p);
	return rc;
}

/* In force at the end of the day END (YYYYMMDD). */
static inline int in_force(const struct innov_patents *p, int64_t i, int32_t end)
{
	int32_t g = p->granted[i], l = p->lapsed[i];
	return g && g <= end && l >= 0 && (l == 0 || l > end);
}

void innov_stock(const struct innov_patents *p, const struct innov_map *m,
		 const struct chain_scope *scope, int year, struct innov_node_stock *out)
{
	int32_t end = year * 10000 + 1231, prev = (year - 1) * 10000 + 1231;
	int32_t y0 = year * 10000, y1 = year * 10000 + 1231;
	int32_t *last = malloc((size_t)(p->nnodes ? p->nnodes : 1) * sizeof *last);
	memset(out, 0, (size_t)p->nnodes * sizeof *out);
	for (int k = 0; k < p->nnodes; k++)
		out[k].has_ipc = innov_map_node_ipc(m, k) != NULL;
	if (!last)
		return;
	for (int k = 0; k < p->nnodes; k++)
		last[k] = -1;
	for (int h = 0; h < p->nholders; h++) {
		if (!chain_scope_has(scope, p->holder_region[h]))
			continue;
		for (int64_t i = p->holder_first[h]; i < p->holder_first[h + 1]; i++) {
			int v = in_force(p, i, end), vp = in_force(p, i, prev);
			int f = p->filed[i] >= y0 && p->filed[i] <= y1;
			if (!v && !vp && !f)
				continue;
			for (int64_t j = p->off[i]; j < p->off[i + 1]; j++) {
				struct innov_node_stock *o = &out[p->nodes[j]];
				if (v) {
					o->stock++;
					o->inventions += p->invention[i];
					if (last[p->nodes[j]] != h) {
						last[p->nodes[j]] = h;
						o->holders++;
					}
				}
				o->stock_prev += vp;
				o->filed += f;
			}
		}
	}
	for (int k = 0; k < p->nnodes; k++)
		out[k].growth = out[k].stock_prev > 0
					? (double)out[k].stock / (double)out[k].stock_prev - 1
					: NAN;
	free(last);
}

static int holder_cmp(const void *a, const void *b)
{
	const struct innov_holder *x = a, *y = b;
	if (x->stock != y->stock)
		return x->stock > y->stock ? -1 : 1;
	return (x->enterprise_id > y->enterprise_id) - (x->enterprise_id < y->enterprise_id);
}

int innov_node_holders(const struct innov_patents *p, const struct chain_scope *scope, int year,
		       int node, struct innov_holder *out, int max)
{
	int32_t end = year * 10000 + 1231;
	int n = 0, cap = 0;
	struct innov_holder *all = NULL;
	for (int h = 0; h < p->nholders; h++) {
		if (!chain_scope_has(scope, p->holder_region[h]))
			continue;
		int64_t s = 0, inv = 0;
		for (int64_t i = p->holder_first[h]; i < p->holder_first[h + 1]; i++) {
			if (!in_force(p, i, end))
				continue;
			for (int64_t j = p->off[i]; j < p->off[i + 1]; j++)
				if (p->nodes[j] == node) {
					s++;
					inv += p->invention[i];
					break;
				}
		}
		if (!s)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			struct innov_holder *na = realloc(all, (size_t)cap * sizeof *all);
			if (!na)
				break;
			all = na;
		}
		all[n++] = (struct innov_holder){p->holder_id[h], s, inv};
	}
	if (n)
		qsort(all, (size_t)n, sizeof *all, holder_cmp);
	int k = n < max ? n : max;
	if (k > 0)
		memcpy(out, all, (size_t)k * sizeof *out);
	free(all);
	return k;
}

int innov_inventions(const struct innov_patents *p, int year,
		     int (*fn)(void *ctx, int64_t enterprise_id, int64_t count), void *ctx)
{
	int32_t end = year * 10000 + 1231;
	for (int h = 0; h < p->nholders; h++) {
		int64_t c = 0;
		for (int64_t i = p->holder_first[h]; i < p->holder_first[h + 1]; i++)
			c += p->invention[i] && in_force(p, i, end);
		if (c) {
			int rc = fn(ctx, p->holder_id[h], c);
			if (rc)
				return rc;
		}
	}
	return 0;
}

struct derive_ctx {
	struct cc_store *st;
	struct cc_stmt *up;
	int year;
	int64_t written;
	struct cc_error *err;
};

static int derive_one(void *arg, int64_t id, int64_t count)
{
	struct derive_ctx *d = arg;
	cc_stmt_reset(d->up);
	cc_stmt_bind_int64(d->up, 1, id);
	cc_stmt_bind_int64(d->up, 2, (int64_t)d->year * 100);
	cc_stmt_bind_double(d->up, 3, (double)count);
	int rc = cc_stmt_step(d->up, d->err);
	if (rc < 0)
		return rc;
	d->written += cc_store_changes(d->st);
	return 0;
}

int64_t innov_derive_inventions(struct cc_store *st, const struct innov_patents *p, int year,
				struct cc_error *err)
{
	struct derive_ctx d = {st, NULL, year, 0, err};
	int rc = cc_store_begin(st, err);
	if (rc)
		return rc;
	rc = cc_stmt_prepare(st, &d.up,
			     "INSERT INTO indicators(enterprise_id, period, invention_patents) "
			     "VALUES(?1, ?2, ?3) ON CONFLICT(enterprise_id, period) DO UPDATE SET "
			     "invention_patents = excluded.invention_patents "
			     "WHERE indicators.invention_patents IS NULL",
			     err);
	if (rc == 0)
		rc = innov_inventions(p, year, derive_one, &d);
	cc_stmt_free(d.up);
	if (rc == 0 && d.written)
		rc = cc_store_bump_generation_values(st, err);
	if (rc == 0)
		rc = cc_store_commit(st, err);
	if (rc) {
		cc_store_rollback(st);
		return rc;
	}
	return d.written;
}

int innov_tech_status_ok(const char *s)
{
	return s && (strcmp(s, "leading") == 0 || strcmp(s, "catching_up") == 0 ||
		     strcmp(s, "absent") == 0);
}

/* Copies S into OUT (CAP bytes), cut at CAP - 1. */
static void copy_text(char *out, size_t cap, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(out, s, n);
	out[n] = '\0';
}

int innov_tech_list(struct cc_store *st, const struct cc_catalogue *cat, int node,
		    struct innov_tech *out, int max, struct cc_error *err)
{
	const struct cc_node *nd = &cat->nodes[node];
	const char *chain = cat->chains[nd->chain].id;
	struct cc_stmt *q = NULL;
	int n = 0;
	for (int t = 0; t < nd->ntechnologies && n < max; t++, n++) {
		memset(&out[n], 0, sizeof out[n]);
		copy_text(out[n].name, sizeof out[n].name, nd->technologies[t]);
		out[n].in_catalogue = 1;
	}
	int rc = cc_stmt_prepare(st, &q,
				 "SELECT technology, status, chokepoint, note FROM tech_status "
				 "WHERE chain = ?1 AND node = ?2 ORDER BY technology",
				 err);
	if (rc)
		return rc;
	cc_stmt_bind_text(q, 1, chain, strlen(chain));
	cc_stmt_bind_text(q, 2, nd->id, strlen(nd->id));
	while ((rc = cc_stmt_step(q, err)) == 1) {
		const char *name = cc_stmt_text(q, 0);
		int k = -1;
		for (int i = 0; i < n && k < 0; i++)
			if (strcmp(out[i].name, name) == 0)
				k = i;
		if (k < 0) {
			if (n == max)
				continue;
			k = n++;
			memset(&out[k], 0, sizeof out[k]);
			copy_text(out[k].name, sizeof out[k].name, name);
		}
		copy_text(out[k].status, sizeof out[k].status, cc_stmt_text(q, 1));
		out[k].chokepoint = (int)cc_stmt_int64(q, 2);
		copy_text(out[k].note, sizeof out[k].note, cc_stmt_text(q, 3));
	}
	cc_stmt_free(q);
	return rc < 0 ? rc : n;
}

int innov_tech_set(struct cc_store *st, const struct cc_catalogue *cat, int node, const char *tech,
		   const char *status, int chokepoint, const char *note, const char *actor,
		   struct cc_error *err)
{
	if (!innov_tech_status_ok(status))
		return cc_error_set(err, CC_EINVAL,
				    "status must be leading, catching_up or absent, not '%s'",
				    status ? status : "");
	if (!tech || !*tech || strlen(tech) > 200)
		return cc_error_set(err, CC_EINVAL, "technology must be 1-200 bytes");
	if (note && strlen(note) > 500)
		return cc_error_set(err, CC_EINVAL, "note must be at most 500 bytes");
	const struct cc_node *nd = &cat->nodes[node];
	const char *chain = cat->chains[nd->chain].id;
	const char *who = actor && *actor ? actor : "cli";
	struct innov_tech before[64];
	struct cc_stmt *q = NULL;
	char target[512], *b = NULL, *a = NULL;
	int rc = cc_store_begin(st, err);
	if (rc)
		return rc;
	int nb = innov_tech_list(st, cat, node, before, 64, err);
	if (nb < 0) {
		rc = nb;
		goto out;
	}
	json_t *old = json_null();
	for (int i = 0; i < nb; i++)
		if (strcmp(before[i].name, tech) == 0 && before[i].status[0]) {
			json_decref(old);
			old = json_pack("{s:s, s:b, s:s?}", "status", before[i].status,
					"chokepoint", before[i].chokepoint, "note",
					before[i].note[0] ? before[i].note : NULL);
		}
	json_t *neu = json_pack("{s:s, s:b, s:s?}", "status", status, "chokepoint", chokepoint,
				"note", note && *note ? note : NULL);
	b = json_is_null(old) ? NULL : json_dumps(old, JSON_COMPACT);
	a = json_dumps(neu, JSON_COMPACT);
	json_decref(old);
	json_decref(neu);
	rc = cc_stmt_prepare(
		st, &q,
		"INSERT INTO tech_status(chain, node, technology, status, chokepoint, "
		"note, updated_by) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) "
		"ON CONFLICT(chain, node, technology) DO UPDATE SET status = "
		"excluded.status, chokepoint = excluded.chokepoint, note = excluded.note, "
		"updated_by = excluded.updated_by, updated_at = ?8",
		err);
	if (rc)
		goto out;
	cc_stmt_bind_now(q, 8);
	cc_stmt_bind_text(q, 1, chain, strlen(chain));
	cc_stmt_bind_text(q, 2, nd->id, strlen(nd->id));
	cc_stmt_bind_text(q, 3, tech, strlen(tech));
	cc_stmt_bind_text(q, 4, status, strlen(status));
	cc_stmt_bind_int64(q, 5, chokepoint ? 1 : 0);
	if (note && *note)
		cc_stmt_bind_text(q, 6, note, strlen(note));
	cc_stmt_bind_text(q, 7, who, strlen(who));
	rc = cc_stmt_step(q, err) < 0 ? CC_EDB : 0;
	if (rc)
		goto out;
	snprintf(target, sizeof target, "%s.%s/%.200s", chain, nd->id, tech);
	rc = cc_store_audit(st, who, "innov.tech", target, b, a, err);
	if (rc == 0)
		rc = cc_store_commit(st, err);
out:
	cc_stmt_free(q);
	free(b);
	free(a);
	if (rc)
		cc_store_rollback(st);
	return rc;
}

int innov_latest_year(struct cc_store *st, int def)
{
	/* Grant dates are 'YYYY-MM-DD' (the importer checks them), so the greatest first four
	 * characters are the greatest year. */
	struct cc_stmt *s = NULL;
	struct cc_error err = {0};
	if (cc_stmt_prepare(
		    st, &s,
		    "SELECT max(substr(granted, 1, 4)) FROM patents WHERE granted IS NOT NULL",
		    &err))
		return def;
	int rc = cc_stmt_step(s, &err), year = def;
	if (rc == 1 && !cc_stmt_is_null(s, 0)) {
		long long v;
		const char *t = cc_stmt_text(s, 0);
		year = cc_parse_int64(t, strlen(t), &v) == 0 ? (int)v : def;
	} else if (rc == 1) {
		char today[11];
		cc_date_today(today);
		year = (today[0] - '0') * 1000 + (today[1] - '0') * 100 + (today[2] - '0') * 10 +
		       (today[3] - '0') - 1;
	}
	cc_stmt_free(s);
	return year;
}
