/*
 * Large scratch and result buffers (a column of a million scores, a sort's keys): allocated
 * aligned to 2 MiB and advised as transparent huge pages (Linux's MADV_HUGEPAGE, honoured
 * when /sys/kernel/mm/transparent_hugepage/enabled is "madvise" or "always"), so that first
 * touching 24 MB costs a dozen page faults instead of six thousand. The memory is ordinary
 * malloc memory: free() releases it. Below 4 MiB it is a plain malloc.
 */
#ifndef CC_BASE_BIGMEM_H
#define CC_BASE_BIGMEM_H
#include <stddef.h>

/* N bytes (uninitialised), or NULL when out of memory or N is 0. */
void *cc_big_alloc(size_t n);

#endif
