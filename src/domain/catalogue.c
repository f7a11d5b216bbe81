/*
 * Loading the chain catalogue from data/chains/catalogue.json and one JSON file per chain (see
 * catalogue.h). The catalogue is validated as it loads, so a bad correction file in a --data
 * folder is refused at start-up with the file and the reason, never half-used.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "base/arena.h"
#include "base/builtin.h"
#include "base/hash.h"
#include "domain/catalogue.h"

static struct cc_catalogue cat;
static struct cc_arena arena;
static struct cc_error load_err;
static int load_rc;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static const char *dup_str(json_t *v)
{
	const char *s = json_string_value(v);
	return cc_arena_strdup(&arena, s ? s : "");
}

static const char **dup_list(json_t *arr, int *n)
{
	size_t k = json_array_size(arr);
	const char **out = cc_arena_alloc(&arena, sizeof *out * (k + 1));
	*n = 0;
	if (!out)
		return NULL;
	for (size_t i = 0; i < k; i++) {
		const char *s = json_string_value(json_array_get(arr, i));
		if (s)
			out[(*n)++] = cc_arena_strdup(&arena, s);
	}
	return out;
}

static int stage_of(const char *s)
{
	if (!s)
		return -1;
	if (strcmp(s, "upstream") == 0)
		return CC_STAGE_UPSTREAM;
	if (strcmp(s, "midstream") == 0)
		return CC_STAGE_MIDSTREAM;
	if (strcmp(s, "downstream") == 0)
		return CC_STAGE_DOWNSTREAM;
	return -1;
}

const char *cc_stage_name(int stage)
{
	static const char *names[] = {"upstream", "midstream", "downstream"};
	return (stage >= 0 && stage < 3) ? names[stage] : "unknown";
}

static json_t *load_json(const char *name, struct cc_error *err)
{
	char *text = NULL;
	size_t len = 0;
	json_error_t je;
	if (cc_data_read(name, &text, &len)) {
		cc_error_set(err, CC_ENOTFOUND, "cannot read data file '%s'", name);
		return NULL;
	}
	json_t *j = json_loadb(text, len, 0, &je);
	free(text);
	if (!j)
		cc_error_set(err, CC_EPARSE, "data file '%s' line %d: %s", name, je.line, je.text);
	return j;
}

static int load_chain(int ci, const char *id, const char *framework, struct cc_error *err)
{
	char name[256];
	int rc = 0;
	snprintf(name, sizeof name, "chains/%s.json", id);
	json_t *j = load_json(name, err);
	if (!j)
		return CC_EPARSE;
	struct cc_chain *ch = &cat.chains[ci];
	ch->index = ci;
	ch->id = cc_arena_strdup(&arena, id);
	ch->framework = cc_arena_strdup(&arena, framework);
	ch->status = dup_str(json_object_get(j, "status"));
	ch->name_zh = dup_str(json_object_get(j, "name_zh"));
	ch->name_en = dup_str(json_object_get(j, "name_en"));
	ch->source = dup_str(json_object_get(j, "source"));
	ch->source_zh = dup_str(json_object_get(j, "source_zh"));
	ch->source_en = dup_str(json_object_get(j, "source_en"));
	if (!*ch->source_zh)
		ch->source_zh = ch->source;
	if (!*ch->source_en)
		ch->source_en = ch->source;
	const char *fid = json_string_value(json_object_get(j, "id"));
	if (!fid || strcmp(fid, id) != 0) {
		rc = cc_error_set(err, CC_EINVAL, "data file '%s': id should be '%s'", name, id);
		goto out;
	}
	json_t *nodes = json_object_get(j, "nodes");
	size_t nn = json_array_size(nodes);
	struct cc_node *grown =
		realloc(cat.nodes, sizeof *cat.nodes * (size_t)(cat.nnodes + (int)nn + 1));
	if (!grown) {
		rc = CC_ENOMEM;
		goto out;
	}
	cat.nodes = grown;
	ch->first_node = cat.nnodes;
	ch->nnodes = 0;
	for (size_t i = 0; i < nn; i++) {
		json_t *jn = json_array_get(nodes, i);
		struct cc_node *n = &cat.nodes[cat.nnodes];
		const char *nid = json_string_value(json_object_get(jn, "id"));
		if (!nid || !*nid) {
			rc = cc_error_set(err, CC_EINVAL, "data file '%s': node %zu has no id",
					  name, i + 1);
			goto out;
		}
		for (int k = ch->first_node; k < cat.nnodes; k++)
			if (strcmp(cat.nodes[k].id, nid) == 0) {
				rc = cc_error_set(err, CC_EINVAL,
						  "data file '%s': node id '%s' is used twice",
						  name, nid);
				goto out;
			}
		n->index = cat.nnodes;
		n->chain = ci;
		n->id = cc_arena_strdup(&arena, nid);
		n->name_zh = dup_str(json_object_get(jn, "name_zh"));
		n->name_en = dup_str(json_object_get(jn, "name_en"));
		n->stage = stage_of(json_string_value(json_object_get(jn, "stage")));
		if (n->stage < 0) {
			rc = cc_error_set(err, CC_EINVAL,
					  "data file '%s': node '%s' has no valid stage "
					  "(upstream, midstream or downstream)",
					  name, nid);
			goto out;
		}
		n->parent = -1;
		n->depth = 0;
		const char *pid = json_string_value(json_object_get(jn, "parent"));
		if (pid) {
			for (int k = ch->first_node; k < cat.nnodes; k++)
				if (strcmp(cat.nodes[k].id, pid) == 0) {
					n->parent = k;
					n->depth = cat.nodes[k].depth + 1;
				}
			if (n->parent < 0) {
				rc = cc_error_set(
					err, CC_EINVAL,
					"data file '%s': node '%s' names parent '%s', which is "
					"not an earlier node",
					name, nid, pid);
				goto out;
			}
		}
		n->products = dup_list(json_object_get(jn, "products"), &n->nproducts);
		n->technologies = dup_list(json_object_get(jn, "technologies"), &n->ntechnologies);
		n->industries = dup_list(json_object_get(jn, "industries"), &n->nindustries);
		cat.nnodes++;
		ch->nnodes++;
	}
out:
	json_decref(j);
	return rc;
}

static int node_table_fill(struct cc_error *err);

static void load_once(void)
{
	cc_arena_init(&arena, 64 * 1024);
	json_t *j = load_json("chains/catalogue.json", &load_err);
	if (!j) {
		load_rc = CC_EPARSE;
		return;
	}
	cat.version = dup_str(json_object_get(j, "version"));
	json_t *fws = json_object_get(j, "frameworks");
	size_t total = 0;
	for (size_t f = 0; f < json_array_size(fws); f++)
		total += json_array_size(json_object_get(json_array_get(fws, f), "chains"));
	cat.chains = calloc(total + 1, sizeof *cat.chains);
	if (!cat.chains) {
		load_rc = CC_ENOMEM;
		goto out;
	}
	for (size_t f = 0; f < json_array_size(fws) && load_rc == 0; f++) {
		json_t *fw = json_array_get(fws, f);
		const char *fid = json_string_value(json_object_get(fw, "id"));
		json_t *ids = json_object_get(fw, "chains");
		for (size_t i = 0; i < json_array_size(ids) && load_rc == 0; i++) {
			const char *id = json_string_value(json_array_get(ids, i));
			if (!id) {
				load_rc = cc_error_set(&load_err, CC_EINVAL,
						       "catalogue.json: chain %zu is not a string",
						       i + 1);
				break;
			}
			if (cc_chain_find(&cat, id))
				continue; /* a chain may belong to several frameworks */
			load_rc = load_chain(cat.nchains, id, fid ? fid : "", &load_err);
			if (load_rc == 0)
				cat.nchains++;
		}
	}
	if (load_rc == 0)
		load_rc = node_table_fill(&load_err);
out:
	json_decref(j);
}

static uint64_t hash_node(const char *chain, const char *node)
{
	uint64_t h = cc_hash(chain, strlen(chain));
	h = cc_hash_more(h, ".", 1);
	return cc_hash_more(h, node, strlen(node));
}

static int node_table_fill(struct cc_error *err)
{
	int ns = 64;
	while (ns < 2 * cat.nnodes)
		ns *= 2;
	cat.node_slot = calloc((size_t)ns, sizeof *cat.node_slot);
	if (!cat.node_slot)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	cat.node_nslot = ns;
	for (int k = 0; k < cat.nnodes; k++) {
		const struct cc_node *nd = &cat.nodes[k];
		size_t h = (size_t)hash_node(cat.chains[nd->chain].id, nd->id) & (size_t)(ns - 1);
		while (cat.node_slot[h])
			h = (h + 1) & (size_t)(ns - 1);
		cat.node_slot[h] = k + 1;
	}
	return 0;
}

int cc_node_index(const struct cc_catalogue *c, const char *chain, const char *node)
{
	if (!c || !chain || !node || !c->node_nslot)
		return -1;
	size_t mask = (size_t)(c->node_nslot - 1);
	for (size_t h = (size_t)hash_node(chain, node) & mask; c->node_slot[h];
	     h = (h + 1) & mask) {
		const struct cc_node *nd = &c->nodes[c->node_slot[h] - 1];
		if (strcmp(nd->id, node) == 0 && strcmp(c->chains[nd->chain].id, chain) == 0)
			return nd->index;
	}
	return -1;
}

const struct cc_catalogue *cc_catalogue_get(struct cc_error *err)
{
	pthread_once(&once, load_once);
	if (load_rc) {
		if (err)
			*err = load_err;
		return NULL;
	}
	return &cat;
}

const struct cc_chain *cc_chain_find(const struct cc_catalogue *c, const char *id)
{
	for (int i = 0; i < c->nchains; i++)
		if (c->chains[i].id && strcmp(c->chains[i].id, id) == 0)
			return &c->chains[i];
	return NULL;
}

const struct cc_node *cc_node_find(const struct cc_catalogue *c, const struct cc_chain *chain,
				   const char *id)
{
	for (int i = chain->first_node; i < chain->first_node + chain->nnodes; i++)
		if (strcmp(c->nodes[i].id, id) == 0)
			return &c->nodes[i];
	return NULL;
}

const struct cc_node *cc_node_resolve(const struct cc_catalogue *c, const char *ref,
				      const char *prefer_chain, struct cc_error *err)
{
	const char *dot = strchr(ref, '.');
	if (dot) {
		char chain_id[128];
		size_t n = (size_t)(dot - ref);
		if (n >= sizeof chain_id)
			n = sizeof chain_id - 1;
		memcpy(chain_id, ref, n);
		chain_id[n] = '\0';
		const struct cc_chain *ch = cc_chain_find(c, chain_id);
		if (!ch) {
			cc_error_set(err, CC_ENOTFOUND, "unknown chain '%s'", chain_id);
			return NULL;
		}
		const struct cc_node *nd = cc_node_find(c, ch, dot + 1);
		if (!nd)
			cc_error_set(err, CC_ENOTFOUND, "chain '%s' has no node '%s'", chain_id,
				     dot + 1);
		return nd;
	}
	if (prefer_chain) {
		const struct cc_chain *ch = cc_chain_find(c, prefer_chain);
		const struct cc_node *nd = ch ? cc_node_find(c, ch, ref) : NULL;
		if (nd)
			return nd;
	}
	const struct cc_node *found = NULL;
	char chains[512] = "";
	size_t used = 0;
	int hits = 0;
	for (int i = 0; i < c->nnodes; i++)
		if (strcmp(c->nodes[i].id, ref) == 0) {
			found = &c->nodes[i];
			hits++;
			int w = snprintf(chains + used, sizeof chains - used, "%s%s",
					 used ? ", " : "", c->chains[found->chain].id);
			if (w > 0 && (size_t)w < sizeof chains - used)
				used += (size_t)w;
		}
	if (hits == 1)
		return found;
	if (hits == 0)
		cc_error_set(err, CC_ENOTFOUND, "unknown node '%s'", ref);
	else
		cc_error_set(err, CC_EINVAL,
			     "node '%s' is in several chains (%s): write it as chain.node", ref,
			     chains);
	return NULL;
}
