/*
 * FNV-1a, 64 bits (http://www.isthe.com/chongo/tech/comp/fnv/): the hash of the project's
 * in-memory tables (credit codes, chain.node ids, units, trigrams). Not for anything stored.
 */
#ifndef CC_BASE_HASH_H
#define CC_BASE_HASH_H
#include <stddef.h>
#include <stdint.h>

#define CC_HASH_INIT 14695981039346656037ull

/* Folds the N bytes at P into hash H (start with CC_HASH_INIT). */
static inline uint64_t cc_hash_more(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ull;
	return h;
}

/* The hash of the N bytes at P. */
static inline uint64_t cc_hash(const void *p, size_t n)
{
	return cc_hash_more(CC_HASH_INIT, p, n);
}

#endif
