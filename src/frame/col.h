/*
 * Columns shared between frame versions (frame/col.c): a column is one contiguous, read-only
 * array, reference counted, whose memory is made of blocks of CC_COL_BLOCK bytes in one
 * anonymous memory file (memfd). A patched version of a column maps the same blocks again
 * except those it changed, so two versions that differ in one value share every block but
 * one, and readers still see a plain `double *` (or `int32_t *`, …) with no indirection.
 *
 * Where a memory file cannot be had (memfd_create or mmap refused), columns are plain heap
 * arrays and a patch copies the whole column: slower, never wrong.
 *
 * Ownership: cc_col_new and cc_col_patch_end return a column with one reference; every holder
 * calls cc_col_release once (NULL accepted). Blocks go back to the pool, their memory to the
 * kernel (hole punched), when no column maps them any more.
 */
#ifndef CC_FRAME_COL_H
#define CC_FRAME_COL_H
#include <stddef.h>
#include <stdint.h>

/* Bytes per block: 64 KB, or CC_COL_BLOCK_KB (a multiple of 4) read once from the environment
 * (tests use small blocks to exercise fragmentation on small data). */
size_t cc_col_block(void);
#define CC_COL_BLOCK cc_col_block()

struct cc_col {
	int refs; /* atomic */
	void *data;
	size_t bytes; /* usable bytes asked for */
	size_t map;   /* bytes mapped or allocated (a multiple of CC_COL_BLOCK when pooled) */
	size_t nblk;
	uint64_t *blk; /* the pool block behind each block; NULL for a heap column */
};

/*
 * A new writable column of BYTES bytes filled with zero bytes (heap columns too). Write it,
 * then cc_col_seal it before sharing. NULL when out of memory.
 */
struct cc_col *cc_col_new(size_t bytes);
/* Makes C read-only (pooled columns: the pages are protected, so a stray write faults). */
void cc_col_seal(struct cc_col *c);
struct cc_col *cc_col_retain(struct cc_col *c);
void cc_col_release(struct cc_col *c);

/*
 * Patching: cc_col_patch_begin(OLD) starts a new version of OLD (not changed itself);
 * cc_col_patch_at(P, OFF) returns a writable pointer to byte OFF of the new version (the block
 * holding it is copied on its first touch; a value must not straddle two blocks, which holds
 * for arrays of 1-, 4- and 8-byte values); cc_col_patch_end returns the new column (OLD
 * retained when nothing was touched) or NULL when out of memory, and frees P either way.
 */
struct cc_col_patch;
struct cc_col_patch *cc_col_patch_begin(struct cc_col *old);
void *cc_col_patch_at(struct cc_col_patch *p, size_t off);
struct cc_col *cc_col_patch_end(struct cc_col_patch *p);
/* Discards a patch (NULL accepted). */
void cc_col_patch_abort(struct cc_col_patch *p);

/* The number of mappings (runs of consecutive blocks) behind C: 1 for a heap column. */
size_t cc_col_runs(const struct cc_col *c);
/* A copy of C in one run of new blocks (same data, one mapping), or NULL when out of memory. */
struct cc_col *cc_col_compact(struct cc_col *c);
/* Above this many runs a column is worth compacting (the follower does it when idle). */
#define CC_COL_SOFT_RUNS 32

/* Statistics for benchmarks and tests: blocks in use in the pool (0 without one). */
size_t cc_col_pool_blocks(void);
/* Whether columns are pooled (1) or heap arrays (0). */
int cc_col_pooled(void);

#endif
