/*
 * Arenas (see arena.h): a chain of blocks, bump allocation, freed all at once.
 */
#include <stdlib.h>
#include <string.h>
#include "base/arena.h"

struct cc_arena_block {
	struct cc_arena_block *next;
	size_t used, size;
	_Alignas(16) unsigned char data[];
};

void cc_arena_init(struct cc_arena *a, size_t block_size)
{
	a->head = NULL;
	a->block_size = block_size ? block_size : 64 * 1024;
	a->total = 0;
}

void *cc_arena_alloc(struct cc_arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	struct cc_arena_block *b = a->head;
	if (!b || b->size - b->used < n) {
		size_t size = n > a->block_size ? n : a->block_size;
		b = malloc(sizeof *b + size);
		if (!b)
			return NULL;
		b->size = size;
		b->used = 0;
		b->next = a->head;
		a->head = b;
		a->total += size;
	}
	void *p = b->data + b->used;
	b->used += n;
	return p;
}

char *cc_arena_strndup(struct cc_arena *a, const char *s, size_t n)
{
	char *p = cc_arena_alloc(a, n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

char *cc_arena_strdup(struct cc_arena *a, const char *s)
{
	return cc_arena_strndup(a, s, strlen(s));
}

void cc_arena_release(struct cc_arena *a)
{
	struct cc_arena_block *b = a->head;
	while (b) {
		struct cc_arena_block *n = b->next;
		free(b);
		b = n;
	}
	a->head = NULL;
	a->total = 0;
}
