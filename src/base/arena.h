/*
 * Arenas: many small allocations freed together (a request, an import batch, a frame's
 * strings). Blocks are malloc'd as needed; nothing is freed until cc_arena_release().
 */
#ifndef CC_BASE_ARENA_H
#define CC_BASE_ARENA_H
#include <stddef.h>

struct cc_arena_block;
struct cc_arena {
	struct cc_arena_block *head;
	size_t block_size;
	size_t total;
};

void cc_arena_init(struct cc_arena *a, size_t block_size);
/* Returns N bytes aligned to 16, or NULL when out of memory. */
void *cc_arena_alloc(struct cc_arena *a, size_t n);
/* Returns a NUL-terminated copy of the N bytes at S, or NULL. */
char *cc_arena_strndup(struct cc_arena *a, const char *s, size_t n);
char *cc_arena_strdup(struct cc_arena *a, const char *s);
/* Frees every block; the arena may be used again. */
void cc_arena_release(struct cc_arena *a);

#endif
