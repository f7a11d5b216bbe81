/*
 * Time-to-survive and time-to-recover (Simchi-Levi, Wang & Wei, Interfaces 45(5), 2015): the
 * network model, the analyst's CSV files, the GLPK programmes of tts.h, and the model built
 * from the platform's supply edges around one supplier (tts_from_frame; its rules are written
 * above it, near the end of this file).
 */
#include <glpk.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/csv.h"
#include "base/hash.h"
#include "base/header.h"
#include "base/parse.h"
#include "base/text.h"
#include "domain/metric.h"
#include "domain/uscc.h"
#include "frame/frame.h"
#include "io/table.h"
#include "risk/risk.h"
#include "risk/tts.h"

const char *tts_kind_name(int kind)
{
	switch (kind) {
	case TTS_SUPPLIER: return "supplier";
	case TTS_PLANT: return "plant";
	case TTS_PRODUCT: return "product";
	}
	return "?";
}

/* ---- A string -> index hash (open addressing) -------------------------------------------- */

struct strmap {
	int *slots; /* index + 1, 0 empty */
	int cap;    /* power of two */
	int n;
};

/* Returns the index stored for KEY (KEYS[index] is its string), or -1. */
static int strmap_get(const struct strmap *m, const char *const *keys, const char *key)
{
	if (!m->cap)
		return -1;
	size_t mask = (size_t)m->cap - 1;
	for (size_t p = cc_hash(key, strlen(key)) & mask;; p = (p + 1) & mask) {
		int v = m->slots[p];
		if (!v)
			return -1;
		if (strcmp(keys[v - 1], key) == 0)
			return v - 1;
	}
}

static void strmap_place(int *slots, int cap, const char *key, int index)
{
	size_t mask = (size_t)cap - 1;
	size_t p = cc_hash(key, strlen(key)) & mask;
	while (slots[p])
		p = (p + 1) & mask;
	slots[p] = index + 1;
}

/* Adds INDEX for KEYS[INDEX] (not present). Returns 0 or CC_ENOMEM. */
static int strmap_put(struct strmap *m, const char *const *keys, int index)
{
	if ((m->n + 1) * 2 > m->cap) {
		int cap = m->cap ? m->cap * 2 : 64;
		int *slots = calloc((size_t)cap, sizeof *slots);
		if (!slots)
			return CC_ENOMEM;
		for (int i = 0; i < m->cap; i++)
			if (m->slots[i])
				strmap_place(slots, cap, keys[m->slots[i] - 1], m->slots[i] - 1);
		free(m->slots);
		m->slots = slots;
		m->cap = cap;
	}
	strmap_place(m->slots, m->cap, keys[index], index);
	m->n++;
	return 0;
}

/* ---- The model ------------------------------------------------------------------------ */

struct model_index {
	struct strmap ids, materials;
	const char **idv; /* node ids, parallel to nodes (for the map) */
	int cap_idv;
};

void tts_model_init(struct tts_model *m)
{
	memset(m, 0, sizeof *m);
	cc_arena_init(&m->strings, 16384);
}

void tts_model_release(struct tts_model *m)
{
	if (!m)
		return;
	struct model_index *ix = m->index;
	if (ix) {
		free(ix->ids.slots);
		free(ix->materials.slots);
		free(ix->idv);
		free(ix);
	}
	free(m->nodes);
	free(m->edges);
	free(m->materials);
	cc_arena_release(&m->strings);
	memset(m, 0, sizeof *m);
}

static struct model_index *model_index(struct tts_model *m)
{
	if (!m->index)
		m->index = calloc(1, sizeof(struct model_index));
	return m->index;
}

/* Grows *P (element size SZ, capacity *CAP) to hold at least N. Returns 0 or CC_ENOMEM. */
static int grow(void **p, int *cap, int n, size_t sz)
{
	if (n <= *cap)
		return 0;
	int c = *cap ? *cap * 2 : 16;
	while (c < n)
		c *= 2;
	void *q = realloc(*p, (size_t)c * sz);
	if (!q)
		return CC_ENOMEM;
	*p = q;
	*cap = c;
	return 0;
}

int tts_model_find(const struct tts_model *m, const char *id)
{
	const struct model_index *ix = m->index;
	if (!ix)
		return -1;
	return strmap_get(&ix->ids, ix->idv, id);
}

static int bad_number(double v)
{
	return isnan(v) || v < 0;
}

int tts_model_add_node(struct tts_model *m, const char *id, int kind, double capacity,
		       double inventory, double demand, double margin, struct cc_error *err)
{
	struct model_index *ix = model_index(m);
	if (!ix)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	if (kind < TTS_SUPPLIER || kind > TTS_PRODUCT)
		return cc_error_set(err, CC_EINVAL, "node '%s': bad kind %d", id, kind);
	if (bad_number(capacity) || bad_number(inventory) || bad_number(demand) ||
	    bad_number(margin) || isinf(inventory) || isinf(demand) || isinf(margin))
		return cc_error_set(err, CC_EINVAL,
				    "node '%s': capacity, inventory, demand and margin must be "
				    "numbers >= 0",
				    id);
	if (strmap_get(&ix->ids, ix->idv, id) >= 0)
		return cc_error_set(err, CC_EEXIST, "duplicate node id '%s'", id);
	if (grow((void **)&m->nodes, &m->cap_nodes, m->nnodes + 1, sizeof *m->nodes) ||
	    grow((void **)&ix->idv, &ix->cap_idv, m->nnodes + 1, sizeof *ix->idv))
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	char *copy = cc_arena_strdup(&m->strings, id);
	if (!copy)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	int k = m->nnodes;
	struct tts_node *n = &m->nodes[k];
	n->id = copy;
	n->kind = kind;
	n->capacity = capacity;
	n->inventory = inventory;
	n->demand = demand;
	n->margin = margin;
	n->line = 0;
	ix->idv[k] = copy;
	if (strmap_put(&ix->ids, ix->idv, k))
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	m->nnodes++;
	return k;
}

int tts_model_add_edge(struct tts_model *m, int from, int to, const char *material, double units,
		       struct cc_error *err)
{
	struct model_index *ix = model_index(m);
	if (!ix)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	if (from < 0 || from >= m->nnodes || to < 0 || to >= m->nnodes)
		return cc_error_set(err, CC_EINVAL, "edge between unknown nodes");
	if (!(units > 0) || isinf(units))
		return cc_error_set(err, CC_EINVAL, "edge '%s' -> '%s': units must be a number > 0",
				    m->nodes[from].id, m->nodes[to].id);
	int mat = strmap_get(&ix->materials, m->materials, material);
	if (mat < 0) {
		if (grow((void **)&m->materials, &m->cap_materials, m->nmaterials + 1,
			 sizeof *m->materials))
			return cc_error_set(err, CC_ENOMEM, "out of memory");
		char *copy = cc_arena_strdup(&m->strings, material);
		if (!copy)
			return cc_error_set(err, CC_ENOMEM, "out of memory");
		mat = m->nmaterials;
		m->materials[mat] = copy;
		if (strmap_put(&ix->materials, m->materials, mat))
			return cc_error_set(err, CC_ENOMEM, "out of memory");
		m->nmaterials++;
	}
	if (grow((void **)&m->edges, &m->cap_edges, m->nedges + 1, sizeof *m->edges))
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	struct tts_edge *e = &m->edges[m->nedges];
	e->from = from;
	e->to = to;
	e->material = mat;
	e->units = units;
	e->line = 0;
	return m->nedges++;
}

/* M's network as adjacency lists (risk_csr): successors, or predecessors when BACKWARDS. */
static int model_graph(const struct tts_model *m, int backwards, struct risk_csr *g,
		       struct cc_error *err)
{
	int32_t *from = malloc(sizeof *from * ((size_t)m->nedges + 1));
	int32_t *to = malloc(sizeof *to * ((size_t)m->nedges + 1));
	int rc;
	if (!from || !to) {
		memset(g, 0, sizeof *g);
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
	} else {
		for (int e = 0; e < m->nedges; e++) {
			from[e] = backwards ? m->edges[e].to : m->edges[e].from;
			to[e] = backwards ? m->edges[e].from : m->edges[e].to;
		}
		rc = risk_csr_build(g, m->nnodes, m->nedges, from, to, err);
	}
	free(from);
	free(to);
	return rc;
}

int tts_model_check(const struct tts_model *m, const char *edges_name, struct cc_error *err)
{
	int n = m->nnodes, rc = 0;
	struct risk_csr g = {0};
	int *indeg = calloc((size_t)n + 1, sizeof *indeg);
	int *queue = malloc(sizeof *queue * ((size_t)n + 1));
	int *seen = NULL;
	if (!indeg || !queue) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = model_graph(m, 0, &g, err)))
		goto out;
	for (int e = 0; e < m->nedges; e++)
		indeg[m->edges[e].to]++;
	int qh = 0, qt = 0;
	for (int i = 0; i < n; i++)
		if (!indeg[i])
			queue[qt++] = i;
	while (qh < qt) {
		int i = queue[qh++];
		for (int k = g.start[i]; k < g.start[i + 1]; k++)
			if (--indeg[g.adj[k]] == 0)
				queue[qt++] = g.adj[k];
	}
	if (qt == n)
		goto out;
	/* Walk back along edges between nodes left over (each has such a predecessor) until a
	 * node repeats: the edge into it lies on a cycle. */
	seen = calloc((size_t)n, sizeof *seen);
	if (!seen) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	int v = -1;
	for (int i = 0; i < n && v < 0; i++)
		if (indeg[i])
			v = i;
	int edge = -1;
	while (v >= 0 && !seen[v]) {
		seen[v] = 1;
		edge = -1;
		for (int e = 0; e < m->nedges && edge < 0; e++)
			if (m->edges[e].to == v && indeg[m->edges[e].from])
				edge = e;
		v = edge >= 0 ? m->edges[edge].from : -1;
	}
	if (edge >= 0) {
		const struct tts_edge *e = &m->edges[edge];
		if (e->line)
			rc = cc_error_set(
				err, CC_EINVAL,
				"'%s' line %ld: edge '%s' -> '%s' closes a cycle (material "
				"would feed itself; the model needs an acyclic network)",
				edges_name ? edges_name : "edges", e->line, m->nodes[e->from].id,
				m->nodes[e->to].id);
		else
			rc = cc_error_set(err, CC_EINVAL,
					  "edge '%s' -> '%s' closes a cycle (the model needs an "
					  "acyclic network)",
					  m->nodes[e->from].id, m->nodes[e->to].id);
	} else {
		rc = cc_error_set(err, CC_EINVAL, "the network has a cycle");
	}
out:
	risk_csr_release(&g);
	free(indeg);
	free(queue);
	free(seen);
	return rc;
}

/* ---- The analyst's CSV files ------------------------------------------------------------ */

/* A column of a file: its English id and Chinese names, matched as column headers are
 * everywhere (base/header.h). */
struct colspec {
	const char *names[6];
	int required;
};

/* A file held in memory, read through the importer's table reader (io/table.h). */
struct table {
	struct cc_table *tab;
	const char *name;
	int map[8]; /* column of each colspec, -1 when absent */
	size_t ncols;
};

static void table_close(struct table *t)
{
	cc_table_free(t->tab);
	t->tab = NULL;
}

/* Prefixes ERR's message with the file NAME; returns RC. */
static int file_error(struct cc_error *err, int rc, const char *name)
{
	char msg[sizeof err->msg];
	snprintf(msg, sizeof msg, "%s", err->msg);
	return cc_error_set(err, rc, "'%s': %s", name, msg);
}

/* Opens DATA as CSV and maps its header onto SPECS (NSPECS): a spec takes the first column
 * that one of its names names. */
static int table_open(struct table *t, const void *data, size_t size, const char *name,
		      const struct colspec *specs, int nspecs, struct cc_error *err)
{
	struct cc_row row;
	int rc;
	memset(t, 0, sizeof *t);
	t->name = name;
	rc = cc_table_open_mem(&t->tab, data, size, err);
	if (rc)
		return file_error(err, rc, name);
	rc = cc_table_next(t->tab, &row, err);
	if (rc < 0)
		return file_error(err, rc, name);
	if (rc == 0)
		return cc_error_set(err, CC_EINVAL, "'%s' is empty (it needs a header line)", name);
	t->ncols = row.nfields;
	for (int s = 0; s < nspecs; s++) {
		t->map[s] = -1;
		for (size_t c = 0; c < row.nfields && t->map[s] < 0; c++)
			if (cc_header_find(row.fields[c], row.lens[c], specs[s].names, 6) >= 0)
				t->map[s] = (int)c;
		if (t->map[s] < 0 && specs[s].required)
			return cc_error_set(err, CC_EINVAL,
					    "'%s' line %ld: missing column '%s' (%s)", name,
					    row.line, specs[s].names[0], specs[s].names[1]);
	}
	return 0;
}

/* The trimmed cell of spec S in ROW (empty when the column is absent or the row short). */
static void cell(const struct table *t, const struct cc_row *row, int s, const char **p, size_t *n)
{
	int c = t->map[s];
	if (c < 0 || (size_t)c >= row->nfields) {
		*p = "";
		*n = 0;
		return;
	}
	*p = row->fields[c];
	*n = row->lens[c];
	cc_trim(p, n);
}

/* Parses the number of spec S (column named COLNAME); DEF when empty. -1 with ERR when bad. */
static int cell_number(const struct table *t, const struct cc_row *row, int s, const char *colname,
		       double def, double *out, struct cc_error *err)
{
	const char *p;
	size_t n;
	struct cc_error e;
	cell(t, row, s, &p, &n);
	if (n == 0) {
		*out = def;
		return 0;
	}
	if (cc_parse_number(p, n, out, &e)) {
		cc_error_set(err, CC_EINVAL,
			     "'%s' line %ld, column %d (%s): '%.*s' is not a number", t->name,
			     row->line, t->map[s] + 1, colname, (int)(n > 64 ? 64 : n), p);
		return -1;
	}
	if (*out < 0) {
		cc_error_set(err, CC_EINVAL, "'%s' line %ld, column %d (%s): %.*s is negative",
			     t->name, row->line, t->map[s] + 1, colname, (int)(n > 64 ? 64 : n), p);
		return -1;
	}
	return 0;
}

/* Checks ROW has no non-empty cell beyond the header's columns. */
static int check_extra(const struct table *t, const struct cc_row *row, struct cc_error *err)
{
	for (size_t c = t->ncols; c < row->nfields; c++) {
		const char *p = row->fields[c];
		size_t n = row->lens[c];
		cc_trim(&p, &n);
		if (n)
			return cc_error_set(
				err, CC_EINVAL,
				"'%s' line %ld, column %zu: a value beyond the header's "
				"%zu columns",
				t->name, row->line, c + 1, t->ncols);
	}
	return 0;
}

static int parse_kind(const char *p, size_t n)
{
	static const struct {
		const char *name;
		int kind;
	} kinds[] = {{"supplier", TTS_SUPPLIER}, {"供应商", TTS_SUPPLIER}, {"plant", TTS_PLANT},
		     {"工厂", TTS_PLANT},	 {"product", TTS_PRODUCT}, {"产品", TTS_PRODUCT}};
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
		if (cc_header_is(p, n, kinds[k].name))
			return kinds[k].kind;
	return -1;
}

/* Copies a cell into a NUL-terminated buffer of CAP bytes; -1 when too long. */
static int cell_str(const char *p, size_t n, char *out, size_t cap)
{
	if (n >= cap)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

enum { NC_ID, NC_KIND, NC_CAP, NC_INV, NC_DEM, NC_MARGIN, NC_COUNT };

int tts_parse_nodes(struct tts_model *m, const void *data, size_t size, const char *name,
		    struct cc_error *err)
{
	static const struct colspec specs[NC_COUNT] = {
		{{"id", "编号", "节点", "节点编号", NULL, NULL}, 1},
		{{"kind", "类型", "种类", NULL, NULL, NULL}, 1},
		{{"capacity", "产能", NULL, NULL, NULL, NULL}, 0},
		{{"inventory", "库存", NULL, NULL, NULL, NULL}, 0},
		{{"demand", "需求", NULL, NULL, NULL, NULL}, 0},
		{{"margin", "利润", "毛利", "单位利润", NULL, NULL}, 0},
	};
	struct table t;
	struct cc_row row;
	int rc = table_open(&t, data, size, name, specs, NC_COUNT, err);
	if (rc)
		goto out;
	int start = m->nnodes;
	while ((rc = cc_table_next(t.tab, &row, err)) == 1) {
		const char *p;
		size_t n;
		char id[256];
		double v[4];
		rc = check_extra(&t, &row, err);
		if (rc)
			goto out;
		cell(&t, &row, NC_ID, &p, &n);
		if (n == 0) {
			rc = cc_error_set(err, CC_EINVAL, "'%s' line %ld, column %d (id): empty id",
					  name, row.line, t.map[NC_ID] + 1);
			goto out;
		}
		if (cell_str(p, n, id, sizeof id)) {
			rc = cc_error_set(err, CC_EINVAL,
					  "'%s' line %ld, column %d (id): id longer than %zu bytes",
					  name, row.line, t.map[NC_ID] + 1, sizeof id - 1);
			goto out;
		}
		int prev = tts_model_find(m, id);
		if (prev >= 0) {
			rc = cc_error_set(err, CC_EINVAL,
					  "'%s' line %ld, column %d (id): duplicate id '%s' (first "
					  "on line %ld)",
					  name, row.line, t.map[NC_ID] + 1, id,
					  m->nodes[prev].line);
			goto out;
		}
		cell(&t, &row, NC_KIND, &p, &n);
		int kind = parse_kind(p, n);
		if (kind < 0) {
			rc = cc_error_set(err, CC_EINVAL,
					  "'%s' line %ld, column %d (kind): unknown kind '%.*s' "
					  "(supplier, plant or product)",
					  name, row.line, t.map[NC_KIND] + 1,
					  (int)(n > 64 ? 64 : n), p);
			goto out;
		}
		if (cell_number(&t, &row, NC_CAP, "capacity", INFINITY, &v[0], err) ||
		    cell_number(&t, &row, NC_INV, "inventory", 0, &v[1], err) ||
		    cell_number(&t, &row, NC_DEM, "demand", 0, &v[2], err) ||
		    cell_number(&t, &row, NC_MARGIN, "margin", 0, &v[3], err)) {
			rc = CC_EINVAL;
			goto out;
		}
		int k = tts_model_add_node(m, id, kind, v[0], v[1], v[2], v[3], err);
		if (k < 0) {
			rc = k;
			goto out;
		}
		m->nodes[k].line = row.line;
	}
	if (rc < 0) {
		file_error(err, rc, name);
		goto out;
	}
	if (m->nnodes == start) {
		rc = cc_error_set(err, CC_EINVAL, "'%s' has a header but no nodes", name);
		goto out;
	}
	rc = 0;
out:
	table_close(&t);
	return rc;
}

enum { EC_FROM, EC_TO, EC_MATERIAL, EC_UNITS, EC_COUNT };

int tts_parse_edges(struct tts_model *m, const void *data, size_t size, const char *name,
		    struct cc_error *err)
{
	static const struct colspec specs[EC_COUNT] = {
		{{"from", "供方", "来源", NULL, NULL, NULL}, 1},
		{{"to", "需方", "去向", NULL, NULL, NULL}, 1},
		{{"material", "物料", "材料", NULL, NULL, NULL}, 0},
		{{"units", "用量", "单耗", NULL, NULL, NULL}, 1},
	};
	struct table t;
	struct cc_row row;
	int rc = table_open(&t, data, size, name, specs, EC_COUNT, err);
	if (rc)
		goto out;
	while ((rc = cc_table_next(t.tab, &row, err)) == 1) {
		const char *p;
		size_t n;
		char id[256], mat[256];
		int ends[2];
		rc = check_extra(&t, &row, err);
		if (rc)
			goto out;
		for (int s = EC_FROM; s <= EC_TO; s++) {
			const char *col = s == EC_FROM ? "from" : "to";
			cell(&t, &row, s, &p, &n);
			if (n == 0) {
				rc = cc_error_set(err, CC_EINVAL,
						  "'%s' line %ld, column %d (%s): empty node id",
						  name, row.line, t.map[s] + 1, col);
				goto out;
			}
			ends[s] = cell_str(p, n, id, sizeof id) ? -1 : tts_model_find(m, id);
			if (ends[s] < 0) {
				int w = n > 64 ? 64 : (int)n;
				rc = cc_error_set(err, CC_EINVAL,
						  "'%s' line %ld, column %d (%s): unknown node "
						  "'%.*s' (not in the nodes file)",
						  name, row.line, t.map[s] + 1, col, w, p);
				goto out;
			}
		}
		if (ends[0] == ends[1]) {
			rc = cc_error_set(
				err, CC_EINVAL,
				"'%s' line %ld: edge from '%s' to itself (the model needs "
				"an acyclic network)",
				name, row.line, m->nodes[ends[0]].id);
			goto out;
		}
		cell(&t, &row, EC_MATERIAL, &p, &n);
		if (n == 0) {
			/* No material named: the supplier's own output, with no alternative. */
			snprintf(mat, sizeof mat, "%s", m->nodes[ends[0]].id);
		} else if (cell_str(p, n, mat, sizeof mat)) {
			rc = cc_error_set(
				err, CC_EINVAL,
				"'%s' line %ld, column %d (material): longer than %zu bytes", name,
				row.line, t.map[EC_MATERIAL] + 1, sizeof mat - 1);
			goto out;
		}
		double units;
		if (cell_number(&t, &row, EC_UNITS, "units", NAN, &units, err)) {
			rc = CC_EINVAL;
			goto out;
		}
		if (!(units > 0)) {
			rc = cc_error_set(
				err, CC_EINVAL,
				"'%s' line %ld, column %d (units): units per unit of '%s' "
				"must be a number > 0",
				name, row.line, t.map[EC_UNITS] + 1, m->nodes[ends[1]].id);
			goto out;
		}
		for (int e = 0; e < m->nedges; e++)
			if (m->edges[e].from == ends[0] && m->edges[e].to == ends[1] &&
			    strcmp(m->materials[m->edges[e].material], mat) == 0) {
				rc = cc_error_set(
					err, CC_EINVAL,
					"'%s' line %ld: edge '%s' -> '%s' (%s) repeats line "
					"%ld",
					name, row.line, m->nodes[ends[0]].id, m->nodes[ends[1]].id,
					mat, m->edges[e].line);
				goto out;
			}
		int e = tts_model_add_edge(m, ends[0], ends[1], mat, units, err);
		if (e < 0) {
			rc = e;
			goto out;
		}
		m->edges[e].line = row.line;
	}
	if (rc < 0) {
		file_error(err, rc, name);
		goto out;
	}
	rc = 0;
out:
	table_close(&t);
	return rc;
}

/* Reads PATH into a malloc'd buffer (*OUT, *LEN). */
static int read_file(const char *path, char **out, size_t *len, struct cc_error *err)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;
	if (!f)
		return cc_error_set(err, CC_EIO, "cannot open '%s'", path);
	for (;;) {
		if (n + 65536 > cap) {
			size_t c = cap ? cap * 2 : 131072;
			char *b = realloc(buf, c);
			if (!b) {
				free(buf);
				fclose(f);
				return cc_error_set(err, CC_ENOMEM, "'%s': out of memory", path);
			}
			buf = b;
			cap = c;
		}
		size_t k = fread(buf + n, 1, cap - n, f);
		n += k;
		if (k == 0)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		return cc_error_set(err, CC_EIO, "cannot read '%s'", path);
	}
	*out = buf;
	*len = n;
	return 0;
}

int tts_model_read(struct tts_model *m, const char *nodes_path, const char *edges_path,
		   struct cc_error *err)
{
	char *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	int rc = read_file(nodes_path, &a, &na, err);
	if (rc == 0)
		rc = tts_parse_nodes(m, a, na, nodes_path, err);
	if (rc == 0)
		rc = read_file(edges_path, &b, &nb, err);
	if (rc == 0)
		rc = tts_parse_edges(m, b, nb, edges_path, err);
	if (rc == 0)
		rc = tts_model_check(m, edges_path, err);
	free(a);
	free(b);
	return rc;
}

/* ---- The programmes --------------------------------------------------------------------- */

/*
 * Column layout (1-based, GLPK): u_j = 1 + j, y_e = 1 + n + e, l_j = 1 + n + E + j,
 * t = 1 + 2n + E. Rows: the BOM rows (one per node and input material), then a balance row per
 * node, a capacity row per node with finite capacity, and a loss row l_j <= d_j t per node
 * with demand.
 */
struct tts_solver {
	const struct tts_model *m;
	glp_prob *lp;
	int n, ne, col_t, row_bal; /* row_bal: the first balance row */
	unsigned char *down;	   /* per node: disrupted in the current solve */
};

static int col_u(const struct tts_solver *s, int j)
{
	(void)s;
	return 1 + j;
}

static int col_y(const struct tts_solver *s, int e)
{
	return 1 + s->n + e;
}

static int col_l(const struct tts_solver *s, int j)
{
	return 1 + s->n + s->ne + j;
}

/* Sorts edge indices ORDER[LO..HI) by (to, material), stably (merge sort through TMP). */
static void sort_groups(const struct tts_model *m, int *order, int *tmp, int lo, int hi)
{
	if (hi - lo < 2)
		return;
	int mid = lo + (hi - lo) / 2;
	sort_groups(m, order, tmp, lo, mid);
	sort_groups(m, order, tmp, mid, hi);
	int i = lo, j = mid, k = lo;
	while (i < mid && j < hi) {
		const struct tts_edge *x = &m->edges[order[i]], *y = &m->edges[order[j]];
		int le = x->to < y->to || (x->to == y->to && x->material <= y->material);
		tmp[k++] = le ? order[i++] : order[j++];
	}
	while (i < mid)
		tmp[k++] = order[i++];
	while (j < hi)
		tmp[k++] = order[j++];
	memcpy(order + lo, tmp + lo, sizeof *order * (size_t)(hi - lo));
}

int tts_solver_new(struct tts_solver **out, const struct tts_model *m, struct cc_error *err)
{
	struct tts_solver *s = calloc(1, sizeof *s);
	int n = m->nnodes, ne = m->nedges, rc = 0;
	int *order = NULL, *tmp = NULL, *ia = NULL, *ja = NULL;
	double *ar = NULL;
	if (!s)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	s->m = m;
	s->n = n;
	s->ne = ne;
	s->col_t = 1 + 2 * n + ne;
	s->down = calloc((size_t)n + 1, 1);
	order = malloc(sizeof *order * ((size_t)ne + 1));
	tmp = malloc(sizeof *tmp * ((size_t)ne + 1));
	/* Non-zeros: BOM rows 1 + their edges (<= 2 ne), balance rows <= ne + 3 per node,
	 * capacity and loss rows 2 per node each. */
	size_t nz = 2 * (size_t)ne + 8 * (size_t)n + 8;
	ia = malloc(sizeof *ia * (nz + 1));
	ja = malloc(sizeof *ja * (nz + 1));
	ar = malloc(sizeof *ar * (nz + 1));
	if (!s->down || !order || !tmp || !ia || !ja || !ar) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	for (int e = 0; e < ne; e++)
		order[e] = e;
	sort_groups(m, order, tmp, 0, ne);
	glp_term_out(GLP_OFF);
	s->lp = glp_create_prob();
	glp_add_cols(s->lp, s->col_t);
	for (int c = 1; c <= s->col_t; c++)
		glp_set_col_bnds(s->lp, c, GLP_LO, 0, 0);
	size_t k = 0;
	int row = 0;
	/* BOM rows: u_j - sum_i y_ij / r_ij <= 0, one per (j, material). */
	for (int a = 0; a < ne;) {
		int b = a;
		const struct tts_edge *first = &m->edges[order[a]];
		while (b < ne && m->edges[order[b]].to == first->to &&
		       m->edges[order[b]].material == first->material)
			b++;
		row = glp_add_rows(s->lp, 1);
		glp_set_row_bnds(s->lp, row, GLP_UP, 0, 0);
		k++;
		ia[k] = row, ja[k] = col_u(s, first->to), ar[k] = 1;
		for (int q = a; q < b; q++) {
			k++;
			ia[k] = row, ja[k] = col_y(s, order[q]),
			ar[k] = -1 / m->edges[order[q]].units;
		}
		a = b;
	}
	/* Balance rows: sum_j y_ij + d_i t - l_i - u_i <= s_i. */
	s->row_bal = row + 1;
	if (n > 0)
		s->row_bal = glp_add_rows(s->lp, n);
	for (int e = 0; e < ne; e++) {
		k++;
		ia[k] = s->row_bal + m->edges[e].from, ja[k] = col_y(s, e), ar[k] = 1;
	}
	for (int i = 0; i < n; i++) {
		int r = s->row_bal + i;
		glp_set_row_bnds(s->lp, r, GLP_UP, 0, m->nodes[i].inventory);
		k++;
		ia[k] = r, ja[k] = col_u(s, i), ar[k] = -1;
		if (m->nodes[i].demand > 0) {
			k++;
			ia[k] = r, ja[k] = s->col_t, ar[k] = m->nodes[i].demand;
			k++;
			ia[k] = r, ja[k] = col_l(s, i), ar[k] = -1;
		}
	}
	/* Capacity rows: u_j - c_j t <= 0. */
	for (int j = 0; j < n; j++) {
		if (isinf(m->nodes[j].capacity))
			continue;
		row = glp_add_rows(s->lp, 1);
		glp_set_row_bnds(s->lp, row, GLP_UP, 0, 0);
		k++;
		ia[k] = row, ja[k] = col_u(s, j), ar[k] = 1;
		if (m->nodes[j].capacity > 0) {
			k++;
			ia[k] = row, ja[k] = s->col_t, ar[k] = -m->nodes[j].capacity;
		}
	}
	/* Loss rows: l_j - d_j t <= 0 (no more is lost than was demanded; the TTR bound says the
	 * same, but a TTS solve that lets other nodes go short needs it as a row). */
	for (int j = 0; j < n; j++) {
		if (!(m->nodes[j].demand > 0))
			continue;
		row = glp_add_rows(s->lp, 1);
		glp_set_row_bnds(s->lp, row, GLP_UP, 0, 0);
		k++;
		ia[k] = row, ja[k] = col_l(s, j), ar[k] = 1;
		k++;
		ia[k] = row, ja[k] = s->col_t, ar[k] = -m->nodes[j].demand;
	}
	if (k > 0)
		glp_load_matrix(s->lp, (int)k, ia, ja, ar);
	if (glp_get_num_rows(s->lp) > 0)
		glp_scale_prob(s->lp, GLP_SF_AUTO);
	glp_std_basis(s->lp);
out:
	free(order);
	free(tmp);
	free(ia);
	free(ja);
	free(ar);
	if (rc) {
		tts_solver_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void tts_solver_free(struct tts_solver *s)
{
	if (!s)
		return;
	if (s->lp)
		glp_delete_prob(s->lp);
	free(s->down);
	free(s);
}

enum solve_mode_t { MODE_RATE, MODE_TTS, MODE_TTR };

/*
 * Sets the bounds and objective of one programme: MODE_RATE (s = 0, t <= 1, max t),
 * MODE_TTS (s, t <= TTS_T_MAX, max t), MODE_TTR (t = T, 0 <= l <= d T, min f l). ONLY >= 0
 * leaves every other node's demand free to go short (TTS modes).
 */
static void set_mode(struct tts_solver *s, int mode, int only, double T)
{
	const struct tts_model *m = s->m;
	glp_prob *lp = s->lp;
	for (int j = 0; j < s->n; j++) {
		const struct tts_node *nd = &m->nodes[j];
		if (s->down[j])
			glp_set_col_bnds(lp, col_u(s, j), GLP_FX, 0, 0);
		else
			glp_set_col_bnds(lp, col_u(s, j), GLP_LO, 0, 0);
		glp_set_row_bnds(lp, s->row_bal + j, GLP_UP, 0,
				 mode == MODE_RATE ? 0 : nd->inventory);
		double dl = mode == MODE_TTR ? nd->demand * T : 0;
		if (mode == MODE_TTR && dl > 0)
			glp_set_col_bnds(lp, col_l(s, j), GLP_DB, 0, dl);
		else if (mode != MODE_TTR && only >= 0 && j != only && nd->demand > 0)
			glp_set_col_bnds(lp, col_l(s, j), GLP_LO, 0, 0);
		else
			glp_set_col_bnds(lp, col_l(s, j), GLP_FX, 0, 0);
		glp_set_obj_coef(lp, col_l(s, j), mode == MODE_TTR ? nd->margin : 0);
	}
	if (mode == MODE_TTR) {
		glp_set_col_bnds(lp, s->col_t, GLP_FX, T, T);
		glp_set_obj_coef(lp, s->col_t, 0);
		glp_set_obj_dir(lp, GLP_MIN);
	} else {
		glp_set_col_bnds(lp, s->col_t, GLP_DB, 0, mode == MODE_RATE ? 1 : TTS_T_MAX);
		glp_set_obj_coef(lp, s->col_t, 1);
		glp_set_obj_dir(lp, GLP_MAX);
	}
}

static const char *glp_status_name(int st)
{
	switch (st) {
	case GLP_OPT: return "optimal";
	case GLP_FEAS: return "feasible";
	case GLP_INFEAS: return "infeasible";
	case GLP_NOFEAS: return "with no feasible solution";
	case GLP_UNBND: return "unbounded";
	}
	return "undefined";
}

/*
 * Runs the primal simplex from the current basis (on the demo data it restarts twice as fast
 * as the dual method here), falling back to a fresh standard basis. Returns 0 with *STATUS =
 * glp_get_status, or CC_EINVAL.
 */
static int simplex(struct tts_solver *s, int *status, struct cc_error *err)
{
	glp_smcp p;
	glp_init_smcp(&p);
	p.msg_lev = GLP_MSG_OFF;
	p.meth = GLP_PRIMAL;
	p.presolve = GLP_OFF;
	int rc = glp_simplex(s->lp, &p);
	if (rc != 0) {
		glp_std_basis(s->lp);
		rc = glp_simplex(s->lp, &p);
	}
	if (rc != 0)
		return cc_error_set(err, CC_EINVAL, "the linear programme failed (GLPK code %d)",
				    rc);
	*status = glp_get_status(s->lp);
	if (*status != GLP_OPT && *status != GLP_UNBND) {
		/* Retry once from scratch: a warm start can end on a degenerate basis. */
		glp_std_basis(s->lp);
		if (glp_simplex(s->lp, &p) == 0)
			*status = glp_get_status(s->lp);
	}
	if (*status != GLP_OPT && *status != GLP_UNBND)
		return cc_error_set(err, CC_EINVAL, "the linear programme ended %s",
				    glp_status_name(*status));
	return 0;
}

static void set_down(struct tts_solver *s, const int *disrupted, int nd)
{
	memset(s->down, 0, (size_t)s->n);
	for (int k = 0; k < nd; k++)
		if (disrupted[k] >= 0 && disrupted[k] < s->n)
			s->down[disrupted[k]] = 1;
}

void tts_thread_done(void)
{
	glp_free_env();
}

/* Step 1 of a TTS: 1 when production alone meets demand per period (TTS unbounded). */
static int rate_ok(struct tts_solver *s, int only, int *ok, struct cc_error *err)
{
	int st;
	set_mode(s, MODE_RATE, only, 0);
	int rc = simplex(s, &st, err);
	if (rc)
		return rc;
	*ok = st == GLP_UNBND || glp_get_obj_val(s->lp) >= 1 - 1e-7;
	return 0;
}

/* Step 2: the programme with inventories. */
static int bounded_tts(struct tts_solver *s, int only, double *tts, struct cc_error *err)
{
	int st;
	set_mode(s, MODE_TTS, only, 0);
	int rc = simplex(s, &st, err);
	if (rc)
		return rc;
	double t = glp_get_obj_val(s->lp);
	*tts = st == GLP_UNBND || t >= TTS_T_MAX * (1 - 1e-9) ? INFINITY : (t < 0 ? 0 : t);
	return 0;
}

int tts_solve_tts(struct tts_solver *s, const int *disrupted, int nd, int only, double *tts,
		  struct cc_error *err)
{
	int ok, rc;
	set_down(s, disrupted, nd);
	rc = rate_ok(s, only, &ok, err);
	if (rc)
		return rc;
	if (ok) {
		*tts = INFINITY;
		return 0;
	}
	return bounded_tts(s, only, tts, err);
}

/*
 * Single-node disruptions of NODES[0..K): TTS[i] and LOST[i] (TTR programme over T), each
 * scenario restarting from the previous basis. (Solving all of one kind first was tried: on
 * the demo data it was several times slower.)
 */
static int scenarios(struct tts_solver *s, const int *nodes, int k, double T, double *tts,
		     double *lost, struct cc_error *err)
{
	for (int i = 0; i < k; i++) {
		int rc = tts_solve_tts(s, &nodes[i], 1, -1, &tts[i], err);
		if (rc == 0)
			rc = tts_solve_ttr(s, &nodes[i], 1, T, &lost[i], NULL, err);
		if (rc) {
			char msg[sizeof err->msg];
			snprintf(msg, sizeof msg, "%s", err->msg);
			return cc_error_set(err, rc, "disruption of '%s': %s",
					    s->m->nodes[nodes[i]].id, msg);
		}
	}
	return 0;
}

int tts_solve_ttr(struct tts_solver *s, const int *disrupted, int nd, double T, double *lost,
		  double *lost_units, struct cc_error *err)
{
	int st, rc;
	if (!(T > 0) || isinf(T))
		return cc_error_set(err, CC_EINVAL, "the recovery time must be a number > 0");
	set_down(s, disrupted, nd);
	set_mode(s, MODE_TTR, -1, T);
	rc = simplex(s, &st, err);
	if (rc)
		return rc;
	if (st != GLP_OPT)
		return cc_error_set(err, CC_EINVAL, "the recovery programme ended %s",
				    glp_status_name(st));
	double v = glp_get_obj_val(s->lp);
	*lost = v < 0 ? 0 : v;
	if (lost_units)
		for (int j = 0; j < s->n; j++) {
			double l = glp_get_col_prim(s->lp, col_l(s, j));
			lost_units[j] = l < 0 ? 0 : l;
		}
	return 0;
}

int tts_node_tts(const struct tts_model *m, const int *disrupted, int nd, int node, double *tts,
		 struct cc_error *err)
{
	struct tts_model sub;
	struct tts_solver *s = NULL;
	int n = m->nnodes, rc = 0, top = 0;
	struct risk_csr pred = {0};
	int *map = malloc(sizeof *map * ((size_t)n + 1));
	int *stack = malloc(sizeof *stack * ((size_t)n + 1));
	tts_model_init(&sub);
	if (!map || !stack) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	if (node < 0 || node >= n) {
		rc = cc_error_set(err, CC_EINVAL, "no node %d", node);
		goto out;
	}
	/* The ancestors of NODE: walk the predecessor lists. */
	if ((rc = model_graph(m, 1, &pred, err)))
		goto out;
	for (int i = 0; i < n; i++)
		map[i] = -1;
	map[node] = 0;
	stack[top++] = node;
	while (top > 0) {
		int v = stack[--top];
		for (int q = pred.start[v]; q < pred.start[v + 1]; q++) {
			int from = pred.adj[q];
			if (map[from] < 0) {
				map[from] = 0;
				stack[top++] = from;
			}
		}
	}
	/* Nodes in model order, so the sub-model is deterministic; demand only at NODE. */
	for (int i = 0; i < n; i++) {
		if (map[i] < 0)
			continue;
		const struct tts_node *x = &m->nodes[i];
		map[i] = tts_model_add_node(&sub, x->id, x->kind, x->capacity, x->inventory,
					    i == node ? x->demand : 0, x->margin, err);
		if (map[i] < 0) {
			rc = map[i];
			goto out;
		}
	}
	for (int e = 0; e < m->nedges; e++) {
		const struct tts_edge *x = &m->edges[e];
		if (map[x->to] < 0 || map[x->from] < 0)
			continue;
		rc = tts_model_add_edge(&sub, map[x->from], map[x->to], m->materials[x->material],
					x->units, err);
		if (rc < 0)
			goto out;
	}
	rc = tts_solver_new(&s, &sub, err);
	if (rc)
		goto out;
	/* Disrupted nodes outside the ancestors cannot touch NODE. */
	int *dmap = stack;
	int k = 0;
	for (int q = 0; q < nd; q++)
		if (disrupted[q] >= 0 && disrupted[q] < n && map[disrupted[q]] >= 0)
			dmap[k++] = map[disrupted[q]];
	rc = tts_solve_tts(s, dmap, k, -1, tts, err);
out:
	tts_solver_free(s);
	tts_model_release(&sub);
	risk_csr_release(&pred);
	free(map);
	free(stack);
	return rc;
}

int tts_evaluate_all(const struct tts_model *m, double ttr, struct tts_scenario **out,
		     struct cc_error *err)
{
	struct tts_solver *s = NULL;
	size_t n = (size_t)m->nnodes + 1;
	struct tts_scenario *sc = calloc(n, sizeof *sc);
	int *nodes = malloc(sizeof *nodes * n);
	double *tts = malloc(sizeof *tts * n), *lost = malloc(sizeof *lost * n);
	int rc = 0;
	*out = NULL;
	if (!sc || !nodes || !tts || !lost) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	rc = tts_solver_new(&s, m, err);
	if (rc)
		goto out;
	for (int j = 0; j < m->nnodes; j++)
		nodes[j] = j;
	rc = scenarios(s, nodes, m->nnodes, ttr, tts, lost, err);
	if (rc)
		goto out;
	double max = 0;
	for (int j = 0; j < m->nnodes; j++) {
		sc[j].disrupted = j;
		sc[j].tts = tts[j];
		sc[j].lost = lost[j];
		if (lost[j] > max)
			max = lost[j];
	}
	for (int j = 0; j < m->nnodes; j++)
		sc[j].rei = max > 0 ? sc[j].lost / max : 0;
out:
	tts_solver_free(s);
	free(nodes);
	free(tts);
	free(lost);
	if (rc) {
		free(sc);
		return rc;
	}
	*out = sc;
	return 0;
}

/* ---- From the platform's data ----------------------------------------------------------- */

/*
 * Rules of the neighbourhood model (tts_from_frame). One period is one week; a node's "units"
 * are 万元 of its output, so flows, inventories, capacities and demand are all 万元 (per week
 * where a rate).
 *
 * - Nodes: the chosen supplier (tier 0); its buyers (tier 1); their buyers (tier 2); up to
 *   options.tiers, breadth first in frame edge order, at most options.max_nodes production
 *   nodes (then report.truncated). Only supply edges with a known annual_value > 0 carry flow;
 *   the others are ignored (nothing measurable moves on them).
 * - Edges of the model go from tier k to tier k + 1 only, so the network is acyclic; an edge
 *   from a placed supplier to a buyer in the same or an earlier tier is treated as an
 *   alternative source (below), i.e. assumed unaffected by the disruption.
 * - Weekly output of a node: revenue of the year / 52; when revenue is unknown (or smaller),
 *   the larger of its recorded annual sales and purchases / 52.
 * - Demand (sold outside the modelled neighbourhood): weekly output minus its weekly sales to
 *   its modelled buyers one tier down (never below 0). The chosen supplier has no demand of
 *   its own in the model: the question is what its customers lose.
 * - Inventory: options.inventory_weeks (default 2) weeks of output, usable even at the
 *   disrupted supplier (see tts.h). Capacity: output x (1 + capacity_slack), default 1.2.
 *   Overrides per credit code: absolute inventory / capacity, else weeks / slack.
 * - Inputs: for a buyer j, the material of an edge is its chain node (edges without a node
 *   are each their own material). For a material j buys from a modelled supplier, j's annual
 *   need is the recorded value / recorded share (FORMATS.md: share of the buyer's need of the
 *   product from that supplier), or the sum of values when no share is known; the
 *   requirement is r = need / (52 x output) 万元 of material per 万元 of j's output.
 * - Alternatives: every other recorded supplier of that material to j is an alternative
 *   source dedicated to j that can deliver its share x (1 + spare_share) of j's need per week
 *   (default spare 0.2: a fifth more than today), with no inventory; the part of the need no
 *   recorded supplier covers is one more source delivering that part, no more. This is the
 *   alternative-supplier rule of the disruption what-if (risk.h: the remaining suppliers
 *   raise deliveries by up to SPARE of their own share; shares not recorded are neither lost
 *   nor spare), so a supplier's time-to-survive and the loss the chain pages rank it by agree.
 *   (It was share + 0.2 of the need for each, plus 0.2 for a "rest" even when the recorded
 *   shares summed to 1: a buyer with two other suppliers was never short, and the riskiest
 *   supplier showed an unbounded TTS and no loss while the what-if lost a third of its buyer.)
 * - Margin per 万元 of lost output: net profit / revenue when known and in (0, 1), else
 *   options.margin_rate (default 0.1).
 * - Per-node TTS: the TTS programme with only that node's demand enforced (the node has
 *   priority for what is left); the system TTS enforces all demand at once, so it is at most
 *   the smallest per-node TTS. Lost units per node come from the system TTR programme (t =
 *   options.ttr weeks, default 4).
 * - Ranking (options.rank): the paper's view, each production node of the neighbourhood
 *   disrupted in turn: system TTS, lost margin over the TTR, REI = lost / the largest.
 */

struct tts_index {
	int n, noutside;
	int32_t *sup_start, *sup_edge; /* by supplier key: 0..n-1 registry, n.. outside */
	int32_t *buy_start, *buy_edge; /* by buyer */
};

static int sup_key(int n, int32_t s)
{
	return s >= 0 ? s : n + (-s - 1);
}

void tts_index_free(void *p)
{
	struct tts_index *x = p;
	if (!x)
		return;
	free(x->sup_start);
	free(x->sup_edge);
	free(x->buy_start);
	free(x->buy_edge);
	free(x);
}

void *tts_index_make(const struct cc_frame *f)
{
	struct tts_index *x = calloc(1, sizeof *x);
	if (!x)
		return NULL;
	int n = f->n, nk = f->n + f->noutside, ne = f->nedges;
	x->n = n;
	x->noutside = f->noutside;
	x->sup_start = calloc((size_t)nk + 2, sizeof *x->sup_start);
	x->buy_start = calloc((size_t)n + 2, sizeof *x->buy_start);
	x->sup_edge = malloc(sizeof *x->sup_edge * ((size_t)ne + 1));
	x->buy_edge = malloc(sizeof *x->buy_edge * ((size_t)ne + 1));
	if (!x->sup_start || !x->buy_start || !x->sup_edge || !x->buy_edge) {
		tts_index_free(x);
		return NULL;
	}
	for (int e = 0; e < ne; e++) {
		int b = f->edge_buyer[e];
		x->sup_start[sup_key(n, f->edge_supplier[e]) + 1]++;
		if (b >= 0 && b < n)
			x->buy_start[b + 1]++;
	}
	for (int k = 0; k < nk; k++)
		x->sup_start[k + 1] += x->sup_start[k];
	for (int k = 0; k < n; k++)
		x->buy_start[k + 1] += x->buy_start[k];
	/* Fill in edge order (each list stays in frame order), using the next free slot. */
	for (int e = 0; e < ne; e++) {
		int b = f->edge_buyer[e];
		x->sup_edge[x->sup_start[sup_key(n, f->edge_supplier[e])]++] = e;
		if (b >= 0 && b < n)
			x->buy_edge[x->buy_start[b]++] = e;
	}
	for (int k = nk; k > 0; k--)
		x->sup_start[k] = x->sup_start[k - 1];
	x->sup_start[0] = 0;
	for (int k = n; k > 0; k--)
		x->buy_start[k] = x->buy_start[k - 1];
	x->buy_start[0] = 0;
	return x;
}

void tts_options_default(struct tts_options *o)
{
	memset(o, 0, sizeof *o);
	o->tiers = 2;
	o->max_nodes = 300;
	o->ttr = 4;
	o->inventory_weeks = 2;
	o->capacity_slack = 0.2;
	o->spare_share = 0.2;
	o->margin_rate = 0.1;
}

void tts_report_release(struct tts_report *r)
{
	if (!r)
		return;
	free(r->nodes);
	free(r->rank);
	memset(r, 0, sizeof *r);
}

enum { OC_USCC, OC_WEEKS, OC_SLACK, OC_INV, OC_CAP, OC_COUNT };

int tts_overrides_parse(const void *data, size_t size, const char *name, struct tts_override **out,
			int *nout, struct cc_error *err)
{
	static const struct colspec specs[OC_COUNT] = {
		{{"uscc", "统一社会信用代码", "信用代码", NULL, NULL, NULL}, 1},
		{{"inventory_weeks", "库存周数", NULL, NULL, NULL, NULL}, 0},
		{{"capacity_slack", "产能余量", NULL, NULL, NULL, NULL}, 0},
		{{"inventory", "库存", NULL, NULL, NULL, NULL}, 0},
		{{"capacity", "产能", NULL, NULL, NULL, NULL}, 0},
	};
	struct table t;
	struct cc_row row;
	struct tts_override *v = NULL;
	int n = 0, cap = 0;
	int rc = table_open(&t, data, size, name, specs, OC_COUNT, err);
	*out = NULL;
	*nout = 0;
	if (rc)
		goto out;
	while ((rc = cc_table_next(t.tab, &row, err)) == 1) {
		const char *p;
		size_t len;
		struct cc_error e;
		rc = check_extra(&t, &row, err);
		if (rc)
			goto out;
		if (grow((void **)&v, &cap, n + 1, sizeof *v)) {
			rc = cc_error_set(err, CC_ENOMEM, "out of memory");
			goto out;
		}
		struct tts_override *o = &v[n];
		cell(&t, &row, OC_USCC, &p, &len);
		if (cc_uscc_validate(p, len, o->uscc, NULL, &e)) {
			rc = cc_error_set(err, CC_EINVAL, "'%s' line %ld, column %d (uscc): %s",
					  name, row.line, t.map[OC_USCC] + 1, e.msg);
			goto out;
		}
		if (cell_number(&t, &row, OC_WEEKS, "inventory_weeks", NAN, &o->inventory_weeks,
				err) ||
		    cell_number(&t, &row, OC_SLACK, "capacity_slack", NAN, &o->capacity_slack,
				err) ||
		    cell_number(&t, &row, OC_INV, "inventory", NAN, &o->inventory, err) ||
		    cell_number(&t, &row, OC_CAP, "capacity", NAN, &o->capacity, err)) {
			rc = CC_EINVAL;
			goto out;
		}
		n++;
	}
	if (rc < 0) {
		file_error(err, rc, name);
		goto out;
	}
	rc = 0;
out:
	table_close(&t);
	if (rc) {
		free(v);
		return rc;
	}
	*out = v;
	*nout = n;
	return 0;
}

/* TTS < TTR, allowing the simplex's rounding (a TTS of 3.9999999999 for 4 is not short). */
static int short_of(double tts, double ttr)
{
	return tts < ttr * (1 - 1e-9);
}

static int edge_ok(const struct cc_frame *f, int e)
{
	double v = cc_frame_edge_value(f, e);
	return isfinite(v) && v > 0;
}

/* The override for USCC, or NULL. */
static const struct tts_override *find_override(const struct tts_options *o, const char *uscc)
{
	for (int k = 0; k < o->noverrides; k++)
		if (strcmp(o->overrides[k].uscc, uscc) == 0)
			return &o->overrides[k];
	return NULL;
}

static const char *ent_uscc(const struct cc_frame *f, int32_t ent)
{
	return ent >= 0 ? f->uscc[ent] : f->outside_uscc[-ent - 1];
}

/* Material key of edge E for grouping a buyer's inputs: its node, or its own supplier. */
static int64_t material_key(const struct cc_frame *f, int e)
{
	int node = cc_frame_edge_node(f, e);
	if (node >= 0)
		return node;
	return -1 - (int64_t)sup_key(f->n, f->edge_supplier[e]);
}

static int cmp_rank(const void *a, const void *b)
{
	const struct tts_report_rank *x = a, *y = b;
	if (x->rei != y->rei)
		return x->rei > y->rei ? -1 : 1;
	if (x->tier != y->tier)
		return x->tier < y->tier ? -1 : 1;
	if (x->ent != y->ent)
		return x->ent < y->ent ? -1 : 1;
	return 0;
}

/* A buyer's input edge, for grouping by material. */
struct input {
	int64_t mk; /* material key */
	int e;	    /* frame edge */
	int from;   /* model node of a modelled supplier one tier up, else -1 */
};

static int cmp_input(const void *a, const void *b)
{
	const struct input *x = a, *y = b;
	if (x->mk != y->mk)
		return x->mk < y->mk ? -1 : 1;
	return x->e < y->e ? -1 : x->e > y->e;
}

static int check_options(const struct tts_options *o, struct cc_error *err)
{
	if (o->tiers < 1 || o->tiers > 3)
		return cc_error_set(err, CC_EINVAL, "tiers must be 1 to 3, not %d", o->tiers);
	if (o->max_nodes < 2 || o->max_nodes > 2000)
		return cc_error_set(err, CC_EINVAL, "max_nodes must be 2 to 2000, not %d",
				    o->max_nodes);
	if (!(o->ttr > 0) || o->ttr > 520)
		return cc_error_set(err, CC_EINVAL,
				    "the time to recover must be > 0 and at most 520 weeks");
	if (!(o->inventory_weeks >= 0) || o->inventory_weeks > 520)
		return cc_error_set(err, CC_EINVAL, "inventory weeks must be 0 to 520");
	if (!(o->capacity_slack >= 0) || o->capacity_slack > 100)
		return cc_error_set(err, CC_EINVAL, "capacity slack must be 0 to 100");
	if (!(o->spare_share >= 0) || o->spare_share > 1)
		return cc_error_set(err, CC_EINVAL, "spare share must be 0 to 1");
	if (!(o->margin_rate > 0) || o->margin_rate > 1)
		return cc_error_set(err, CC_EINVAL, "margin rate must be > 0 and at most 1");
	return 0;
}

/* Adds an alternative source for node H with capacity SHARE (capped at 1) x NEED / 52 and its
 * edge. Returns 0 or a negative CC_E*. */
static int add_alternative(struct tts_model *m, const char *id, int h, const char *mat,
			   double share, double need, double r, struct cc_error *err)
{
	int from = tts_model_add_node(m, id, TTS_SUPPLIER, (share > 1 ? 1 : share) * need / 52, 0,
				      0, 0, err);
	if (from < 0)
		return from;
	int e = tts_model_add_edge(m, from, h, mat, r, err);
	return e < 0 ? e : 0;
}

/*
 * One neighbourhood being modelled: the frame, the options, and per production node H
 * (breadth-first order, 0 the disrupted supplier) its enterprise, tier, weekly output,
 * weekly sales to the next tier and margin rate.
 */
struct hood {
	const struct cc_frame *f;
	const struct tts_index *index;
	const struct tts_options *o;
	const double *rev, *profit; /* the year's revenue and net profit, or NULL */
	struct tts_model m;
	int np;		/* production nodes */
	int32_t *place; /* per supplier key: its node H, or -1 */
	int32_t *ents;
	int *tier;
	double *outp, *fwd_sales, *margin;
	struct input *inputs; /* one buyer's inputs (scratch) */
	int cap_inputs;
};

/* Frees what HOOD holds (not the report). */
static void hood_release(struct hood *hd)
{
	tts_model_release(&hd->m);
	free(hd->place);
	free(hd->ents);
	free(hd->tier);
	free(hd->outp);
	free(hd->fwd_sales);
	free(hd->margin);
	free(hd->inputs);
}

/*
 * Gathers the buyers of SUPPLIER breadth first, up to the options' tiers and max_nodes (then
 * OUT->truncated). Returns 0, CC_ENOTFOUND when it sells to no one with a recorded value, or
 * CC_ENOMEM.
 */
static int reach_buyers(struct hood *hd, int32_t supplier, struct tts_report *out,
			struct cc_error *err)
{
	const struct cc_frame *f = hd->f;
	const struct tts_index *index = hd->index;
	const struct tts_options *o = hd->o;
	int nk = f->n + f->noutside;
	hd->place = malloc(sizeof *hd->place * ((size_t)nk + 1));
	hd->ents = malloc(sizeof *hd->ents * (size_t)o->max_nodes);
	hd->tier = malloc(sizeof *hd->tier * (size_t)o->max_nodes);
	hd->outp = calloc((size_t)o->max_nodes, sizeof *hd->outp);
	hd->fwd_sales = calloc((size_t)o->max_nodes, sizeof *hd->fwd_sales);
	hd->margin = calloc((size_t)o->max_nodes, sizeof *hd->margin);
	if (!hd->place || !hd->ents || !hd->tier || !hd->outp || !hd->fwd_sales || !hd->margin)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	for (int k = 0; k < nk; k++)
		hd->place[k] = -1;
	hd->ents[0] = supplier;
	hd->tier[0] = 0;
	hd->place[sup_key(f->n, supplier)] = 0;
	hd->np = 1;
	for (int h = 0; h < hd->np; h++) {
		if (hd->tier[h] >= o->tiers)
			break;
		int key = sup_key(f->n, hd->ents[h]);
		for (int q = index->sup_start[key]; q < index->sup_start[key + 1]; q++) {
			int e = index->sup_edge[q], b = f->edge_buyer[e];
			if (!edge_ok(f, e) || b < 0 || b >= f->n || hd->place[b] >= 0)
				continue;
			if (hd->np == o->max_nodes) {
				out->truncated = 1;
				continue;
			}
			hd->place[b] = hd->np;
			hd->ents[hd->np] = b;
			hd->tier[hd->np] = hd->tier[h] + 1;
			hd->np++;
		}
	}
	if (hd->np == 1)
		return cc_error_set(err, CC_ENOTFOUND,
				    "supplier '%s' has no buyer with a recorded annual value",
				    ent_uscc(f, supplier));
	return 0;
}

/*
 * Weekly output of each production node (the largest of its revenue, its recorded sales and
 * its recorded purchases, over 52), its weekly sales to the next tier, and its margin rate
 * (net profit over revenue when that is a rate, else the options' default).
 */
static void weigh_nodes(struct hood *hd)
{
	const struct cc_frame *f = hd->f;
	const struct tts_index *index = hd->index;
	for (int h = 0; h < hd->np; h++) {
		int32_t x = hd->ents[h];
		int key = sup_key(f->n, x);
		double sales = 0, purchases = 0;
		for (int q = index->sup_start[key]; q < index->sup_start[key + 1]; q++) {
			int e = index->sup_edge[q];
			if (!edge_ok(f, e))
				continue;
			double v = cc_frame_edge_value(f, e);
			sales += v;
			int b = f->edge_buyer[e];
			if (b >= 0 && b < f->n && hd->place[b] >= 0 &&
			    hd->tier[hd->place[b]] == hd->tier[h] + 1)
				hd->fwd_sales[h] += v / 52;
		}
		if (x >= 0)
			for (int q = index->buy_start[x]; q < index->buy_start[x + 1]; q++)
				if (edge_ok(f, index->buy_edge[q]))
					purchases += cc_frame_edge_value(f, index->buy_edge[q]);
		double r = x >= 0 && hd->rev ? hd->rev[x] : NAN;
		double annual = isfinite(r) && r > 0 ? r : 0;
		if (sales > annual)
			annual = sales;
		if (purchases > annual)
			annual = purchases;
		hd->outp[h] = annual / 52;
		double p = x >= 0 && hd->profit ? hd->profit[x] : NAN;
		double rate = isfinite(p) && isfinite(r) && r > 0 ? p / r : NAN;
		hd->margin[h] = rate > 0 && rate < 1 ? rate : hd->o->margin_rate;
	}
}

/* Adds the model node of each production node: inventory and capacity from the options or
 * the enterprise's override, demand the output not sold on to the next tier. */
static int add_nodes(struct hood *hd, struct cc_error *err)
{
	const struct tts_options *o = hd->o;
	for (int h = 0; h < hd->np; h++) {
		const struct tts_override *ov = find_override(o, ent_uscc(hd->f, hd->ents[h]));
		double weeks = o->inventory_weeks, slack = o->capacity_slack;
		if (ov && isfinite(ov->inventory_weeks))
			weeks = ov->inventory_weeks;
		if (ov && isfinite(ov->capacity_slack))
			slack = ov->capacity_slack;
		double inv = weeks * hd->outp[h], cap = hd->outp[h] * (1 + slack);
		if (ov && isfinite(ov->inventory))
			inv = ov->inventory;
		if (ov && isfinite(ov->capacity))
			cap = ov->capacity;
		double demand = h == 0 ? 0 : hd->outp[h] - hd->fwd_sales[h];
		if (demand <= 1e-12 * hd->outp[h])
			demand = 0;
		int k = tts_model_add_node(&hd->m, ent_uscc(hd->f, hd->ents[h]),
					   h == 0 ? TTS_SUPPLIER : TTS_PLANT, cap, inv, demand,
					   hd->margin[h], err);
		if (k < 0)
			return k;
	}
	return 0;
}

/*
 * Adds buyer H's material group INPUTS[A..Z) when a modelled supplier feeds it: the model
 * edges from modelled suppliers, an alternative for each other supplier, and one for the
 * share of the need no recorded supplier covers. Returns 0 or a negative CC_E*.
 */
static int add_group(struct hood *hd, int h, int a, int z, struct tts_report *out,
		     struct cc_error *err)
{
	const struct cc_frame *f = hd->f;
	const struct input *inputs = hd->inputs;
	int64_t mk = inputs[a].mk;
	int fed = 0, rc = 0;
	double sum_v = 0, sum_vs = 0, sum_s = 0;
	for (int q = a; q < z; q++) {
		double v = cc_frame_edge_value(f, inputs[q].e),
		       sh = cc_frame_edge_share(f, inputs[q].e);
		fed |= inputs[q].from >= 0;
		sum_v += v;
		if (isfinite(sh) && sh > 0) {
			sum_vs += v;
			sum_s += sh > 1 ? 1 : sh;
		}
	}
	if (!fed)
		return 0;
	double need = sum_s > 0 ? sum_vs / sum_s : sum_v;
	if (need < sum_v)
		need = sum_v;
	double r = hd->outp[h] > 0 ? need / (52 * hd->outp[h]) : 1;
	char mat[48], id[96];
	if (mk >= 0)
		snprintf(mat, sizeof mat, "node:%lld", (long long)mk);
	else
		snprintf(mat, sizeof mat, "own:%lld", (long long)(-1 - mk));
	for (int q = a; q < z; q++) {
		int e2 = inputs[q].e;
		if (inputs[q].from >= 0) {
			rc = tts_model_add_edge(&hd->m, inputs[q].from, h, mat, r, err);
			rc = rc < 0 ? rc : 0;
		} else {
			snprintf(id, sizeof id, "alt:%d", e2);
			rc = add_alternative(&hd->m, id, h, mat,
					     cc_frame_edge_value(f, e2) / need *
						     (1 + hd->o->spare_share),
					     need, r, err);
			out->nalternatives++;
		}
		if (rc)
			return rc;
	}
	double rest = 1 - sum_v / need;
	if (rest > 1e-6) {
		snprintf(id, sizeof id, "rest:%d:%s", h, mat);
		rc = add_alternative(&hd->m, id, h, mat, rest, need, r, err);
		if (rc)
			return rc;
		out->nalternatives++;
	}
	return 0;
}

/* Inputs of buyer H: groups its edges by material and adds the groups a modelled supplier
 * feeds (add_group). Returns 0 or a negative CC_E*. */
static int add_inputs(struct hood *hd, int h, struct tts_report *out, struct cc_error *err)
{
	const struct cc_frame *f = hd->f;
	int32_t b = hd->ents[h];
	int lo = hd->index->buy_start[b], hi = hd->index->buy_start[b + 1], ni = 0;
	if (hi - lo > hd->cap_inputs) {
		struct input *p = realloc(hd->inputs, sizeof *hd->inputs * (size_t)(hi - lo));
		if (!p)
			return cc_error_set(err, CC_ENOMEM, "out of memory");
		hd->inputs = p;
		hd->cap_inputs = hi - lo;
	}
	for (int q = lo; q < hi; q++) {
		int e = hd->index->buy_edge[q];
		if (!edge_ok(f, e))
			continue;
		int sp = hd->place[sup_key(f->n, f->edge_supplier[e])];
		hd->inputs[ni].mk = material_key(f, e);
		hd->inputs[ni].e = e;
		hd->inputs[ni].from = sp >= 0 && hd->tier[sp] == hd->tier[h] - 1 ? sp : -1;
		ni++;
	}
	if (ni > 1)
		qsort(hd->inputs, (size_t)ni, sizeof *hd->inputs, cmp_input);
	for (int a = 0, z; a < ni; a = z) {
		for (z = a; z < ni && hd->inputs[z].mk == hd->inputs[a].mk; z++)
			;
		int rc = add_group(hd, h, a, z, out, err);
		if (rc)
			return rc;
	}
	return 0;
}

/* Solves the supplier's disruption and fills OUT's system figures and its nodes. */
static int report_nodes(struct hood *hd, struct tts_solver *sv, struct tts_report *out,
			struct cc_error *err)
{
	const struct tts_model *m = &hd->m;
	double *lost_units = calloc((size_t)m->nnodes + 1, sizeof *lost_units);
	int rc = 0, zero = 0;
	out->nodes = calloc((size_t)hd->np, sizeof *out->nodes);
	if (!lost_units || !out->nodes) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	rc = tts_solve_tts(sv, &zero, 1, -1, &out->tts, err);
	if (rc == 0)
		rc = tts_solve_ttr(sv, &zero, 1, hd->o->ttr, &out->lost, lost_units, err);
	if (rc)
		goto out;
	out->at_risk = short_of(out->tts, hd->o->ttr);
	out->nnodes = hd->np;
	for (int h = 0; h < hd->np; h++) {
		struct tts_report_node *rn = &out->nodes[h];
		const struct tts_node *nd = &m->nodes[h];
		rn->ent = hd->ents[h];
		rn->tier = hd->tier[h];
		rn->demand = nd->demand;
		rn->output = hd->outp[h];
		rn->inventory = nd->inventory;
		rn->capacity = nd->capacity;
		rn->margin = nd->margin;
		rn->tts = INFINITY;
		if (nd->demand > 0) {
			rc = tts_node_tts(m, &zero, 1, h, &rn->tts, err);
			if (rc)
				goto out;
		}
		/* Below a billionth of the demand over the TTR is the simplex's rounding. */
		rn->lost_units = lost_units[h] > 1e-9 * nd->demand * hd->o->ttr ? lost_units[h] : 0;
		rn->lost = rn->lost_units * nd->margin;
		rn->affected = isfinite(rn->tts) || rn->lost_units > 0;
		rn->at_risk = short_of(rn->tts, hd->o->ttr);
	}
out:
	free(lost_units);
	return rc;
}

/* Ranks the production nodes by the loss of each one's own disruption (REI, the largest 1). */
static int report_rank(struct hood *hd, struct tts_solver *sv, struct tts_report *out,
		       struct cc_error *err)
{
	int np = hd->np, rc = 0;
	double *tts = malloc(sizeof *tts * (size_t)np);
	double *lost = malloc(sizeof *lost * (size_t)np);
	int *nodes = calloc((size_t)np, sizeof *nodes);
	out->rank = calloc((size_t)np, sizeof *out->rank);
	if (!tts || !lost || !nodes || !out->rank) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	for (int h = 0; h < np; h++)
		nodes[h] = h;
	rc = scenarios(sv, nodes, np, hd->o->ttr, tts, lost, err);
	if (rc)
		goto out;
	double max = 0;
	for (int h = 0; h < np; h++) {
		struct tts_report_rank *rk = &out->rank[h];
		rk->ent = hd->ents[h];
		rk->tier = hd->tier[h];
		rk->tts = tts[h];
		rk->lost = lost[h];
		if (rk->lost > max)
			max = rk->lost;
	}
	for (int h = 0; h < np; h++)
		out->rank[h].rei = max > 0 ? out->rank[h].lost / max : 0;
	out->nrank = np;
	/* Equal REI: lower tier first, then frame order (deterministic). */
	qsort(out->rank, (size_t)np, sizeof *out->rank, cmp_rank);
out:
	free(tts);
	free(lost);
	free(nodes);
	return rc;
}

int tts_from_frame(const struct cc_frame *f, const struct tts_index *index, int32_t supplier,
		   const struct tts_options *o, struct tts_report *out, struct cc_error *err)
{
	struct tts_index *own = NULL;
	struct hood hd = {.f = f, .o = o};
	struct tts_solver *sv = NULL;
	int rc = 0;
	memset(out, 0, sizeof *out);
	tts_model_init(&hd.m);
	rc = check_options(o, err);
	if (rc)
		goto out;
	if (supplier >= f->n || (supplier < 0 && -(int64_t)supplier - 1 >= f->noutside)) {
		rc = cc_error_set(err, CC_ENOTFOUND, "no such supplier");
		goto out;
	}
	if (!index) {
		own = tts_index_make(f);
		if (!own) {
			rc = cc_error_set(err, CC_ENOMEM, "out of memory");
			goto out;
		}
		index = own;
	}
	hd.index = index;
	int year = o->year ? o->year : cc_frame_latest_year(f);
	hd.rev = year ? cc_frame_annual(f, CC_M_REVENUE, year) : NULL;
	hd.profit = year ? cc_frame_annual(f, CC_M_NET_PROFIT, year) : NULL;
	if (o->year && !hd.rev) {
		rc = cc_error_set(err, CC_EINVAL, "no data for year %d", o->year);
		goto out;
	}
	rc = reach_buyers(&hd, supplier, out, err);
	if (rc)
		goto out;
	weigh_nodes(&hd);
	rc = add_nodes(&hd, err);
	if (rc)
		goto out;
	for (int h = 1; h < hd.np; h++) {
		rc = add_inputs(&hd, h, out, err);
		if (rc)
			goto out;
	}
	out->supplier = supplier;
	out->year = year;
	out->ttr = o->ttr;
	out->nmodel_nodes = hd.m.nnodes;
	out->nmodel_edges = hd.m.nedges;
	rc = tts_solver_new(&sv, &hd.m, err);
	if (rc)
		goto out;
	rc = report_nodes(&hd, sv, out, err);
	if (rc == 0 && o->rank)
		rc = report_rank(&hd, sv, out, err);
out:
	if (rc)
		tts_report_release(out);
	tts_solver_free(sv);
	hood_release(&hd);
	tts_index_free(own);
	return rc;
}
