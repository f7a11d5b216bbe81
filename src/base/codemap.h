/*
 * A map from 18-character credit codes to indices of a caller's code array (open addressing,
 * at most half full), with a batched look-up: codes read in no particular order (ten million
 * supply edges) each cost a cache miss for the slot and one for the code it points to, so a
 * batch hashes and prefetches every slot, then every code, and only then compares — the
 * misses overlap instead of queueing. Used by the frame build and the supply network's loader.
 */
#ifndef CC_BASE_CODEMAP_H
#define CC_BASE_CODEMAP_H
#include <stddef.h>
#include <stdint.h>

struct cc_codemap {
	int32_t *slot; /* index + 1, 0 empty */
	size_t mask;
};

/* A map with room for at least N codes at a load of 1/2 or less. 0 or CC_ENOMEM. */
int cc_codemap_init(struct cc_codemap *m, size_t n);
void cc_codemap_free(struct cc_codemap *m);
/* Adds CODES[I] (not in the map yet). The caller keeps the load at 1/2 (cc_codemap_full). */
void cc_codemap_put(struct cc_codemap *m, const char (*codes)[19], int32_t i);
/* Whether one more code would take the map past half full. */
static inline int cc_codemap_full(const struct cc_codemap *m, size_t n)
{
	return (n + 1) * 2 > m->mask;
}
/* Doubles M and puts the N codes of CODES back. 0 or CC_ENOMEM (M unchanged). */
int cc_codemap_grow(struct cc_codemap *m, const char (*codes)[19], int32_t n);
/* The index of the 18-byte KEY, or -1. */
int32_t cc_codemap_find(const struct cc_codemap *m, const char (*codes)[19], const char *key);

/* Up to CC_CODEMAP_BATCH keys looked up at once: OUT[k] = the index of KEYS[k] or -1. */
#define CC_CODEMAP_BATCH 64
void cc_codemap_find_batch(const struct cc_codemap *m, const char (*codes)[19],
			   const char (*keys)[18], int n, int32_t *out);

#endif
