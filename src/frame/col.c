/*
 * Columns made of shared blocks (see col.h). One memory file (memfd) holds every pooled block;
 * a block's reference count is the number of column versions that map it. A column version is
 * a contiguous virtual range: an anonymous reservation with the file's blocks mapped over it
 * run by run (a run = consecutive blocks of the file), so a version patched in k places costs
 * k blocks and at most 2k + 1 mappings. A version whose runs would pass MAX_RUNS is written
 * out whole into one run instead, which bounds the process's mappings (vm.max_map_count).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "base/parse.h"
#include "frame/col.h"

static size_t B = 65536;
/* A patch past this many mappings writes the whole column out (the follower compacts columns
 * past CC_COL_SOFT_RUNS when idle, so a write rarely pays for it). */
#define MAX_RUNS 512

static struct {
	pthread_once_t once;
	pthread_mutex_t lock;
	int fd; /* -1: heap columns */
	uint64_t nblocks;
	uint32_t *refs; /* per block; 0 free */
	uint64_t hint;	/* where the next single-block search starts */
	size_t used;
} pool = {PTHREAD_ONCE_INIT, PTHREAD_MUTEX_INITIALIZER, -1, 0, NULL, 0, 0};

static void pool_init(void)
{
	long long kb = cc_env_int("CC_COL_BLOCK_KB", 64, 4, 1 << 20);
	B = (size_t)(kb % 4 == 0 ? kb : 64) * 1024;
	const char *heap = getenv("CC_COL_HEAP");
	if (heap && *heap && strcmp(heap, "0") != 0)
		return;
	int fd = memfd_create("chainchief-frame", MFD_CLOEXEC);
	if (fd < 0)
		return;
	/* Try one mapping: a sandbox may refuse shared mappings of a memory file. */
	if (ftruncate(fd, (off_t)B) != 0) {
		close(fd);
		return;
	}
	void *p = mmap(NULL, B, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		close(fd);
		return;
	}
	munmap(p, B);
	pool.fd = fd;
}

size_t cc_col_block(void)
{
	pthread_once(&pool.once, pool_init);
	return B;
}

int cc_col_pooled(void)
{
	pthread_once(&pool.once, pool_init);
	return pool.fd >= 0;
}

size_t cc_col_pool_blocks(void)
{
	pthread_mutex_lock(&pool.lock);
	size_t u = pool.used;
	pthread_mutex_unlock(&pool.lock);
	return u;
}

/* Grows the pool to hold at least WANT blocks. Called with the lock held. */
static int pool_grow(uint64_t want)
{
	if (want <= pool.nblocks)
		return 0;
	uint64_t n = pool.nblocks + pool.nblocks / 2 + 1024;
	if (n < want)
		n = want;
	uint32_t *r = realloc(pool.refs, sizeof *r * n);
	if (!r)
		return -1;
	memset(r + pool.nblocks, 0, sizeof *r * (n - pool.nblocks));
	if (ftruncate(pool.fd, (off_t)(n * B)) != 0) {
		pool.refs = r;
		return -1;
	}
	pool.refs = r;
	pool.nblocks = n;
	return 0;
}

/* Allocates K consecutive free blocks (first fit) with one reference each; returns the first,
 * or UINT64_MAX. Called with the lock held. */
static uint64_t pool_alloc(uint64_t k, int single)
{
	uint64_t start = single ? pool.hint : 0, run = 0;
	for (int pass = 0; pass < 2; pass++) {
		run = 0;
		for (uint64_t b = start; b < pool.nblocks; b++) {
			if (pool.refs[b]) {
				run = 0;
				continue;
			}
			if (++run == k) {
				uint64_t first = b + 1 - k;
				for (uint64_t j = first; j <= b; j++)
					pool.refs[j] = 1;
				pool.used += k;
				if (single)
					pool.hint = b + 1;
				return first;
			}
		}
		if (start == 0)
			break;
		start = 0;
	}
	/* None free: grow, counting the free blocks at the end as part of the run. */
	uint64_t first = pool.nblocks - run;
	if (pool_grow(first + k))
		return UINT64_MAX;
	for (uint64_t j = first; j < first + k; j++)
		pool.refs[j] = 1;
	pool.used += k;
	if (single)
		pool.hint = first + k;
	return first;
}

/* Drops one reference of each of the N blocks BLK; freed blocks' memory goes back to the
 * kernel. Takes the lock. */
static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static void pool_unref(const uint64_t *blk, size_t n)
{
	/* Blocks whose last reference goes are held (refs = UINT32_MAX, so no allocation takes
	 * them) while their memory is returned outside the lock — a run of neighbours in one
	 * call — then marked free. */
	uint64_t *gone = malloc(sizeof *gone * (n + 1));
	size_t ngone = 0;
	pthread_mutex_lock(&pool.lock);
	for (size_t j = 0; j < n; j++) {
		uint64_t b = blk[j];
		if (b >= pool.nblocks || pool.refs[b] == 0 || pool.refs[b] == UINT32_MAX)
			continue; /* NEVER: a column releases what it holds */
		if (--pool.refs[b] == 0) {
			if (gone) {
				pool.refs[b] = UINT32_MAX;
				gone[ngone++] = b;
			} else {
				/* Out of memory for the list: return it here, under the lock. */
				pool.used--;
				if (b < pool.hint)
					pool.hint = b;
				fallocate(pool.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
					  (off_t)(b * B), (off_t)B);
			}
		}
	}
	pthread_mutex_unlock(&pool.lock);
	if (!gone)
		return;
	qsort(gone, ngone, sizeof *gone, cmp_u64);
	for (size_t j = 0; j < ngone;) {
		size_t k = j + 1;
		while (k < ngone && gone[k] == gone[k - 1] + 1)
			k++;
		fallocate(pool.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)(gone[j] * B),
			  (off_t)((k - j) * B));
		j = k;
	}
	pthread_mutex_lock(&pool.lock);
	for (size_t j = 0; j < ngone; j++) {
		pool.refs[gone[j]] = 0;
		pool.used--;
		if (gone[j] < pool.hint)
			pool.hint = gone[j];
	}
	pthread_mutex_unlock(&pool.lock);
	free(gone);
}

static size_t runs_of(const uint64_t *blk, size_t n)
{
	size_t r = n ? 1 : 0;
	for (size_t j = 1; j < n; j++)
		if (blk[j] != blk[j - 1] + 1)
			r++;
	return r;
}

/* Maps C's blocks read-only into one new contiguous range. Returns 0 or -1. */
static int map_blocks(struct cc_col *c)
{
	void *base =
		mmap(NULL, c->map, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		return -1;
	for (size_t j = 0; j < c->nblk;) {
		size_t k = j + 1;
		while (k < c->nblk && c->blk[k] == c->blk[k - 1] + 1)
			k++;
		void *p = mmap((char *)base + j * B, (k - j) * B, PROT_READ, MAP_SHARED | MAP_FIXED,
			       pool.fd, (off_t)(c->blk[j] * B));
		if (p == MAP_FAILED) {
			munmap(base, c->map);
			return -1;
		}
		j = k;
	}
	c->data = base;
	return 0;
}

struct cc_col *cc_col_new(size_t bytes)
{
	pthread_once(&pool.once, pool_init);
	struct cc_col *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->refs = 1;
	c->bytes = bytes;
	if (pool.fd < 0 || bytes == 0) {
		c->map = bytes ? bytes : 1;
		c->data = calloc(1, c->map);
		if (!c->data) {
			free(c);
			return NULL;
		}
		return c;
	}
	c->nblk = (bytes + B - 1) / B;
	c->map = c->nblk * B;
	c->blk = malloc(sizeof *c->blk * c->nblk);
	if (!c->blk) {
		free(c);
		return NULL;
	}
	pthread_mutex_lock(&pool.lock);
	uint64_t first = pool_alloc(c->nblk, 0);
	pthread_mutex_unlock(&pool.lock);
	if (first == UINT64_MAX) {
		free(c->blk);
		free(c);
		return NULL;
	}
	for (size_t j = 0; j < c->nblk; j++)
		c->blk[j] = first + j;
	c->data =
		mmap(NULL, c->map, PROT_READ | PROT_WRITE, MAP_SHARED, pool.fd, (off_t)(first * B));
	if (c->data == MAP_FAILED) {
		pool_unref(c->blk, c->nblk);
		free(c->blk);
		free(c);
		return NULL;
	}
	return c;
}

void cc_col_seal(struct cc_col *c)
{
	if (c && c->blk)
		mprotect(c->data, c->map, PROT_READ);
}

struct cc_col *cc_col_retain(struct cc_col *c)
{
	if (c)
		__atomic_add_fetch(&c->refs, 1, __ATOMIC_RELAXED);
	return c;
}

void cc_col_release(struct cc_col *c)
{
	if (!c || __atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (c->blk) {
		munmap(c->data, c->map);
		pool_unref(c->blk, c->nblk);
		free(c->blk);
	} else {
		free(c->data);
	}
	free(c);
}

struct cc_col_patch {
	struct cc_col *old;
	size_t nblk;
	int32_t *slot_of; /* block -> staged copy, -1 */
	unsigned char **stage;
	size_t *stage_blk;
	size_t nstage, cap;
	int failed;
};

struct cc_col_patch *cc_col_patch_begin(struct cc_col *old)
{
	struct cc_col_patch *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->old = old;
	p->nblk = (old->bytes + B - 1) / B;
	p->slot_of = malloc(sizeof *p->slot_of * (p->nblk + 1));
	if (!p->slot_of) {
		free(p);
		return NULL;
	}
	for (size_t j = 0; j < p->nblk; j++)
		p->slot_of[j] = -1;
	return p;
}

void *cc_col_patch_at(struct cc_col_patch *p, size_t off)
{
	if (!p || p->failed || off >= p->old->bytes)
		return NULL;
	size_t j = off / B;
	if (p->slot_of[j] < 0) {
		if (p->nstage == p->cap) {
			size_t cap = p->cap ? p->cap * 2 : 8;
			unsigned char **s = realloc(p->stage, sizeof *s * cap);
			if (s)
				p->stage = s;
			size_t *sb = s ? realloc(p->stage_blk, sizeof *sb * cap) : NULL;
			if (sb)
				p->stage_blk = sb;
			if (!s || !sb) {
				p->failed = 1;
				return NULL;
			}
			p->cap = cap;
		}
		unsigned char *copy = malloc(B);
		if (!copy) {
			p->failed = 1;
			return NULL;
		}
		size_t len = p->old->bytes - j * B < B ? p->old->bytes - j * B : B;
		memcpy(copy, (const char *)p->old->data + j * B, len);
		if (len < B)
			memset(copy + len, 0, B - len);
		p->stage[p->nstage] = copy;
		p->stage_blk[p->nstage] = j;
		p->slot_of[j] = (int32_t)p->nstage++;
	}
	return p->stage[p->slot_of[j]] + off % B;
}

void cc_col_patch_abort(struct cc_col_patch *p)
{
	if (!p)
		return;
	for (size_t k = 0; k < p->nstage; k++)
		free(p->stage[k]);
	free(p->stage);
	free(p->stage_blk);
	free(p->slot_of);
	free(p);
}

/* Writes all LEN bytes of BUF at block B of the pool file. */
static int write_block(uint64_t b, const void *buf)
{
	size_t done = 0;
	while (done < B) {
		ssize_t w =
			pwrite(pool.fd, (const char *)buf + done, B - done, (off_t)(b * B + done));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		done += (size_t)w;
	}
	return 0;
}

/* The new version as a heap copy of the old one with the staged blocks over it. */
static struct cc_col *end_heap(struct cc_col_patch *p)
{
	struct cc_col *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->refs = 1;
	c->bytes = p->old->bytes;
	c->map = p->old->map;
	c->data = malloc(c->map);
	if (!c->data) {
		free(c);
		return NULL;
	}
	memcpy(c->data, p->old->data, c->map);
	for (size_t k = 0; k < p->nstage; k++) {
		size_t j = p->stage_blk[k];
		size_t len = c->bytes - j * B < B ? c->bytes - j * B : B;
		memcpy((char *)c->data + j * B, p->stage[k], len);
	}
	return c;
}

/* The new version in the pool: the old blocks shared, the staged ones written to new blocks
 * (or, past MAX_RUNS mappings, every block written into one new run). */
static struct cc_col *end_pool(struct cc_col_patch *p)
{
	struct cc_col *old = p->old;
	struct cc_col *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->refs = 1;
	c->bytes = old->bytes;
	c->map = old->map;
	c->nblk = old->nblk;
	c->blk = malloc(sizeof *c->blk * c->nblk);
	if (!c->blk) {
		free(c);
		return NULL;
	}
	int whole = runs_of(old->blk, old->nblk) + 2 * p->nstage > MAX_RUNS;
	pthread_mutex_lock(&pool.lock);
	uint64_t first = UINT64_MAX;
	int ok = 1;
	if (whole) {
		first = pool_alloc(c->nblk, 0);
		ok = first != UINT64_MAX;
		for (size_t j = 0; ok && j < c->nblk; j++)
			c->blk[j] = first + j;
	} else {
		for (size_t j = 0; j < c->nblk; j++)
			c->blk[j] = old->blk[j];
		for (size_t k = 0; ok && k < p->nstage; k++) {
			uint64_t b = pool_alloc(1, 1);
			if (b == UINT64_MAX) {
				/* Give back what this patch took so far. */
				for (size_t q = 0; q < k; q++)
					pool.refs[c->blk[p->stage_blk[q]]] = 0, pool.used--;
				ok = 0;
				break;
			}
			c->blk[p->stage_blk[k]] = b;
		}
		if (ok)
			for (size_t j = 0; j < c->nblk; j++)
				if (p->slot_of[j] < 0)
					pool.refs[c->blk[j]]++;
	}
	pthread_mutex_unlock(&pool.lock);
	if (!ok) {
		free(c->blk);
		free(c);
		return NULL;
	}
	int rc = 0;
	for (size_t j = 0; j < c->nblk && rc == 0; j++) {
		if (p->slot_of[j] >= 0)
			rc = write_block(c->blk[j], p->stage[p->slot_of[j]]);
		else if (whole)
			rc = write_block(c->blk[j], (const char *)old->data + j * B);
	}
	if (rc == 0)
		rc = map_blocks(c);
	if (rc) {
		pool_unref(c->blk, c->nblk);
		free(c->blk);
		free(c);
		return NULL;
	}
	return c;
}

struct cc_col *cc_col_patch_end(struct cc_col_patch *p)
{
	struct cc_col *c = NULL;
	if (!p)
		return NULL;
	if (!p->failed) {
		if (p->nstage == 0)
			c = cc_col_retain(p->old);
		else if (p->old->blk)
			c = end_pool(p);
		else
			c = end_heap(p);
	}
	cc_col_patch_abort(p);
	return c;
}

size_t cc_col_runs(const struct cc_col *c)
{
	return c && c->blk ? runs_of(c->blk, c->nblk) : 1;
}

struct cc_col *cc_col_compact(struct cc_col *old)
{
	if (!old->blk)
		return cc_col_retain(old);
	struct cc_col *c = cc_col_new(old->bytes);
	if (!c)
		return NULL;
	memcpy(c->data, old->data, old->bytes);
	cc_col_seal(c);
	return c;
}
