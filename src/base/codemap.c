/*
 * Credit code -> index maps (see codemap.h).
 */
#include <stdlib.h>
#include <string.h>
#include "base/codemap.h"
#include "base/error.h"
#include "base/hash.h"

int cc_codemap_init(struct cc_codemap *m, size_t n)
{
	m->mask = 1023;
	while (m->mask + 1 < n * 2)
		m->mask = m->mask * 2 + 1;
	m->slot = calloc(m->mask + 1, sizeof *m->slot);
	return m->slot ? 0 : CC_ENOMEM;
}

void cc_codemap_free(struct cc_codemap *m)
{
	free(m->slot);
	m->slot = NULL;
	m->mask = 0;
}

void cc_codemap_put(struct cc_codemap *m, const char (*codes)[19], int32_t i)
{
	size_t h = cc_hash(codes[i], 18) & m->mask;
	while (m->slot[h])
		h = (h + 1) & m->mask;
	m->slot[h] = i + 1;
}

int cc_codemap_grow(struct cc_codemap *m, const char (*codes)[19], int32_t n)
{
	struct cc_codemap g = {calloc(m->mask * 2 + 2, sizeof(int32_t)), m->mask * 2 + 1};
	if (!g.slot)
		return CC_ENOMEM;
	for (int32_t i = 0; i < n; i++)
		cc_codemap_put(&g, codes, i);
	free(m->slot);
	*m = g;
	return 0;
}

/* The index of KEY probing from slot H, or -1. */
static int32_t probe(const struct cc_codemap *m, const char (*codes)[19], const char *key, size_t h,
		     int32_t first)
{
	for (int32_t s = first; s; s = m->slot[h]) {
		if (memcmp(codes[s - 1], key, 18) == 0)
			return s - 1;
		h = (h + 1) & m->mask;
	}
	return -1;
}

int32_t cc_codemap_find(const struct cc_codemap *m, const char (*codes)[19], const char *key)
{
	size_t h = cc_hash(key, 18) & m->mask;
	return probe(m, codes, key, h, m->slot[h]);
}

void cc_codemap_find_batch(const struct cc_codemap *m, const char (*codes)[19],
			   const char (*keys)[18], int n, int32_t *out)
{
	size_t h[CC_CODEMAP_BATCH];
	int32_t first[CC_CODEMAP_BATCH];
	for (int k = 0; k < n; k++) {
		h[k] = cc_hash(keys[k], 18) & m->mask;
		__builtin_prefetch(&m->slot[h[k]]);
	}
	for (int k = 0; k < n; k++) {
		first[k] = m->slot[h[k]];
		if (first[k])
			__builtin_prefetch(codes[first[k] - 1]);
	}
	for (int k = 0; k < n; k++)
		out[k] = probe(m, codes, keys[k], h[k], first[k]);
}
